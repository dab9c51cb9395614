import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import { z } from "zod";
import type { ServiceContext } from "../../core/http/context.ts";
import { queueNames } from "../../core/jobs/jobs.ts";
import { processChangeTimers, runDueChangeTimers } from "./changes.service.ts";

const TimerJob = z.object({ changeId: z.uuid() });

/**
 * The change timer queue: a job names a change and was scheduled for its next check (a notice
 * due, a review deadline). The handler acts on the change's rows as they are now, under its row
 * lock, so early, late and duplicate jobs all come to the same effects.
 */
export async function registerChangeJobs(
  boss: PgBoss,
  deps: { ctx: ServiceContext; log: Logger; pollingIntervalSeconds?: number },
): Promise<void> {
  const { ctx, log } = deps;
  await boss.work<unknown>(
    queueNames.changeTimer,
    { batchSize: 16, pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 1 },
    async (jobs) => {
      for (const job of jobs) {
        const parsed = TimerJob.safeParse(job.data);
        if (!parsed.success) {
          log.error({ jobId: job.id }, "change timer job without a change id; dropped");
          continue;
        }
        try {
          const fired = await processChangeTimers(
            { ...ctx, requestId: `job:${job.id}` },
            parsed.data.changeId,
          );
          if (fired) log.debug({ changeId: parsed.data.changeId, fired }, "change timers fired");
        } catch (err) {
          // The change keeps its next check time; the minute sweep retries it.
          log.error({ err, jobId: job.id }, "change timer failed; the sweep retries it");
        }
      }
    },
  );
}

/** The recovery sweep for change notices and review deadlines whose wake-up was lost. */
export async function sweepChangeTimers(ctx: ServiceContext, log: Logger, lateByMs = 2_000) {
  const r = await runDueChangeTimers({ ...ctx, requestId: "sweep" }, { lateByMs });
  if (r.fired) log.info(r, "sweep sent overdue change notices");
  return r;
}
