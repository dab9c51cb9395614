import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { type ServiceContext, withTransaction } from "../../core/http/context.ts";
import { queueNames } from "../../core/jobs/jobs.ts";
import { relationships } from "../identity/identity.tables.ts";
import { seriesNeedingSync, syncTouchpointSeries } from "./series.service.ts";
import { dueActions, dueMeetings, processActionTimer, processMeetingTimer } from "./touchpoints.service.ts";

const TimerJob = z.object({ kind: z.enum(["meeting", "action"]), id: z.uuid() });

/**
 * The touchpoint timer queue: a job names a meeting (its agenda is due) or an action item (it is
 * overdue). Handlers act on the rows as they are now, under their lock, so early, late and
 * duplicate jobs come to the effects of one on-time job.
 */
export async function registerTouchpointJobs(
  boss: PgBoss,
  deps: { ctx: ServiceContext; log: Logger; pollingIntervalSeconds?: number },
): Promise<void> {
  const { ctx, log } = deps;
  await boss.work<unknown>(
    queueNames.touchpointTimer,
    { batchSize: 16, pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 1 },
    async (jobs) => {
      for (const job of jobs) {
        const parsed = TimerJob.safeParse(job.data);
        if (!parsed.success) {
          log.error({ jobId: job.id }, "touchpoint timer job without a kind and id; dropped");
          continue;
        }
        const jobCtx = { ...ctx, requestId: `job:${job.id}` };
        try {
          const fired =
            parsed.data.kind === "meeting"
              ? await processMeetingTimer(jobCtx, parsed.data.id)
              : await processActionTimer(jobCtx, parsed.data.id);
          if (fired) log.debug({ ...parsed.data, fired }, "touchpoint timers fired");
        } catch (err) {
          // The row keeps its due time; the minute sweep retries it.
          log.error({ err, jobId: job.id }, "touchpoint timer failed; the sweep retries it");
        }
      }
    },
  );
}

/**
 * Everything touchpoint that is due: series to start, replace or extend (a protocol took effect,
 * or the meetings ahead run short), agendas to send, action items overdue. The worker's minute
 * sweep and the tests call it.
 */
export async function runDueTouchpointTimers(
  ctx: ServiceContext,
  opts: { lateByMs?: number; limit?: number } = {},
): Promise<{ series: number; agendas: number; overdueActions: number }> {
  const lateByMs = opts.lateByMs ?? 0;
  const limit = opts.limit ?? 500;
  const sync = await seriesNeedingSync(ctx.db, ctx.clock.now(), Math.min(limit, 50));
  for (const relationshipId of sync)
    await withTransaction({ ...ctx, actor: null }, async (tx) => {
      await tx.db.execute(
        sql`select id from ${relationships} where ${relationships.id} = ${relationshipId} for update`,
      );
      await syncTouchpointSeries(tx, relationshipId, tx.clock.now());
    });
  let agendas = 0;
  let overdueActions = 0;
  for (const id of await dueMeetings(ctx, lateByMs, limit)) agendas += await processMeetingTimer(ctx, id);
  for (const id of await dueActions(ctx, lateByMs, limit))
    overdueActions += await processActionTimer(ctx, id);
  return { series: sync.length, agendas, overdueActions };
}

/** The recovery sweep: what a lost wake-up left behind. */
export async function sweepTouchpointTimers(ctx: ServiceContext, log: Logger, lateByMs = 2_000) {
  const r = await runDueTouchpointTimers({ ...ctx, requestId: "sweep" }, { lateByMs });
  if (r.series || r.agendas || r.overdueActions) log.info(r, "sweep fired touchpoint timers");
  return r;
}
