import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import { z } from "zod";
import type { ServiceContext } from "../../core/http/context.ts";
import { queueNames } from "../../core/jobs/jobs.ts";
import { processTicketTimers, runDueTimers } from "./tickets.service.ts";

const TimerJob = z.object({ ticketId: z.uuid() });

/**
 * The ticket timer queue. A job names a ticket and was scheduled for its next check time; the
 * handler acts on whatever is due *now* according to the ticket's row (see processTicketTimers),
 * so early, late, duplicate and retried jobs all come to the same effects. Jobs are fetched in
 * batches and worked `concurrency` at a time; pg-boss hands each job to one worker (SKIP LOCKED),
 * and the ticket's row lock serializes the rare case of two jobs for one ticket.
 */
export async function registerTicketJobs(
  boss: PgBoss,
  deps: { ctx: ServiceContext; log: Logger; concurrency?: number; pollingIntervalSeconds?: number },
): Promise<void> {
  const { ctx, log } = deps;
  const concurrency = deps.concurrency ?? 8;
  const handle = async (job: PgBoss.Job<unknown>) => {
    const parsed = TimerJob.safeParse(job.data);
    if (!parsed.success) {
      log.error({ jobId: job.id }, "ticket timer job without a ticket id; dropped");
      return;
    }
    const fired = await processTicketTimers({ ...ctx, requestId: `job:${job.id}` }, parsed.data.ticketId);
    if (fired.length)
      log.debug({ ticketId: parsed.data.ticketId, fired: fired.map((f) => f.mark) }, "ticket timers fired");
  };
  // pg-boss waits out its polling interval after each batch, so throughput comes from large
  // batches worked through several at a time (each ticket in its own transaction).
  await boss.work<unknown>(
    queueNames.ticketTimer,
    { batchSize: concurrency * 8, pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 0.5 },
    async (jobs) => {
      const queue = [...jobs];
      const failures: unknown[] = [];
      const lane = async () => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          try {
            await handle(job);
          } catch (err) {
            failures.push(err);
            log.error({ err, jobId: job.id }, "ticket timer failed; the sweep retries it");
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, lane));
      // A failed ticket keeps its next check time; the minute sweep (or the next wake-up) retries it.
    },
  );
}

/**
 * The recovery sweep: fires every ticket check that is overdue by more than `lateByMs` (its job
 * was lost, or the process that held it died). Run at start-up and every minute.
 */
export async function sweepTicketTimers(ctx: ServiceContext, log: Logger, lateByMs = 2_000) {
  const r = await runDueTimers({ ...ctx, requestId: "sweep" }, { lateByMs });
  if (r.fired) log.info(r, "sweep fired overdue ticket timers");
  return r;
}
