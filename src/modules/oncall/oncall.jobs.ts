import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import { z } from "zod";
import type { ServiceContext } from "../../core/http/context.ts";
import { queueNames } from "../../core/jobs/jobs.ts";
import { dueEmergencies, processEmergencyTimer } from "./emergencies.service.ts";
import { runDueRestorationChecks } from "./restoration.service.ts";
import { dueReviews, processReviewTimer } from "./reviews.service.ts";

const TimerJob = z.object({ kind: z.enum(["emergency", "review"]), id: z.uuid() });

/**
 * The on-call timer queue: a job names an emergency (its next page is due) or a review (its
 * deadline or an action's due date passed). Handlers act on the rows as they are now, under their
 * lock, so early, late and duplicate jobs come to the effects of one on-time job.
 */
export async function registerOncallJobs(
  boss: PgBoss,
  deps: { ctx: ServiceContext; log: Logger; pollingIntervalSeconds?: number },
): Promise<void> {
  const { ctx, log } = deps;
  await boss.work<unknown>(
    queueNames.oncallTimer,
    { batchSize: 16, pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 1 },
    async (jobs) => {
      for (const job of jobs) {
        const parsed = TimerJob.safeParse(job.data);
        if (!parsed.success) {
          log.error({ jobId: job.id }, "on-call timer job without a kind and id; dropped");
          continue;
        }
        const jobCtx = { ...ctx, requestId: `job:${job.id}` };
        try {
          const fired =
            parsed.data.kind === "emergency"
              ? await processEmergencyTimer(jobCtx, parsed.data.id)
              : await processReviewTimer(jobCtx, parsed.data.id);
          if (fired) log.debug({ ...parsed.data, fired }, "on-call timers fired");
        } catch (err) {
          // The row keeps its due time; the minute sweep retries it.
          log.error({ err, jobId: job.id }, "on-call timer failed; the sweep retries it");
        }
      }
    },
  );
}

/**
 * Everything on-call that is due: pages whose acknowledgement time passed, overdue reviews and
 * actions, restoration plans that became stale. The worker's minute sweep and the tests call it.
 */
export async function runDueOncallTimers(
  ctx: ServiceContext,
  opts: { lateByMs?: number; limit?: number } = {},
): Promise<{ pages: number; reviews: number; stalePlans: number }> {
  const lateByMs = opts.lateByMs ?? 0;
  const limit = opts.limit ?? 500;
  let pages = 0;
  let reviews = 0;
  for (const id of await dueEmergencies(ctx, lateByMs, limit)) pages += await processEmergencyTimer(ctx, id);
  for (const id of await dueReviews(ctx, lateByMs, limit)) reviews += await processReviewTimer(ctx, id);
  const { notified } = await runDueRestorationChecks(ctx, { limit });
  return { pages, reviews, stalePlans: notified };
}

/** The recovery sweep: what a lost wake-up left behind. */
export async function sweepOncallTimers(ctx: ServiceContext, log: Logger, lateByMs = 2_000) {
  const r = await runDueOncallTimers({ ...ctx, requestId: "sweep" }, { lateByMs });
  if (r.pages || r.reviews || r.stalePlans) log.info(r, "sweep fired on-call timers");
  return r;
}
