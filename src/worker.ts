import type { Logger } from "pino";
import type { Config } from "./core/config.ts";
import type { Database } from "./core/db/index.ts";
import type { ServiceContext } from "./core/http/context.ts";
import { type JobsRuntime, queueNames, startJobs } from "./core/jobs/jobs.ts";
import { createTransports, deliverDue, registerNotifyJobs } from "./core/notify/deliver.ts";
import type { Clock } from "./core/time/clock.ts";
import { purgeExpiredAuthData } from "./modules/identity/auth.service.ts";
import { registerTicketJobs, sweepTicketTimers } from "./modules/tickets/tickets.jobs.ts";
import { registerChangeJobs, sweepChangeTimers } from "./modules/changes/changes.jobs.ts";
import { registerOncallJobs, sweepOncallTimers } from "./modules/oncall/oncall.jobs.ts";
import { registerTouchpointJobs, sweepTouchpointTimers } from "./modules/touchpoints/touchpoints.jobs.ts";

const UPKEEP_EVERY_MS = 10 * 60_000;

export interface WorkerOptions {
  config: Pick<Config, "publicUrl" | "sessionTtlHours" | "smtpUrl" | "mailFrom">;
  /** Ticket timers worked at once (default 8; each holds a database connection while it runs). */
  timerConcurrency?: number;
  /** Run the recovery sweep at start (default true). */
  sweepAtStart?: boolean;
}

/**
 * The worker role (`--role worker|all`): pg-boss job handlers for ticket timers, outbound
 * deliveries and digests; a sweep every minute (and once at start) that fires whatever is overdue
 * and delivers whatever is due, so nothing waits on a lost job; and upkeep (expired sessions).
 * Several worker processes may run at once: jobs go to one of them, and every handler acts on row
 * state under row locks, so effects happen once. See docs/jobs.md.
 */
export async function startWorker(
  database: Database,
  clock: Clock,
  log: Logger,
  opts: WorkerOptions,
): Promise<{ jobs: JobsRuntime; stop(): Promise<void> }> {
  const jobs = await startJobs(database, { log, supervise: true });
  const ctx: ServiceContext = {
    db: database.db,
    clock,
    actor: null,
    requestId: "worker",
    publicUrl: opts.config.publicUrl,
    config: opts.config,
    jobs,
  };
  const transports = createTransports(opts.config);
  await registerTicketJobs(jobs.boss, { ctx, log, concurrency: opts.timerConcurrency });
  await registerChangeJobs(jobs.boss, { ctx, log });
  await registerOncallJobs(jobs.boss, { ctx, log });
  await registerTouchpointJobs(jobs.boss, { ctx, log });
  await registerNotifyJobs(jobs.boss, {
    db: database.db,
    clock,
    transports,
    log,
    pollingIntervalSeconds: 0.5,
  });

  let sweeping: Promise<void> | null = null;
  const sweep = () => {
    sweeping ??= (async () => {
      try {
        await sweepTicketTimers(ctx, log);
        await sweepChangeTimers(ctx, log);
        await sweepOncallTimers(ctx, log);
        await sweepTouchpointTimers(ctx, log);
        await deliverDue(database.db, clock, transports);
      } catch (err) {
        log.error({ err }, "sweep failed; the next one retries");
      } finally {
        sweeping = null;
      }
    })();
    return sweeping;
  };
  await jobs.boss.schedule(queueNames.sweep, "* * * * *", {});
  await jobs.boss.work(queueNames.sweep, { batchSize: 1 }, async () => sweep());
  await jobs.boss.schedule(queueNames.digest, "*/5 * * * *", {});
  if (opts.sweepAtStart !== false) await sweep();

  let upkeep: Promise<void> | null = null;
  const tick = () => {
    upkeep = purgeExpiredAuthData(database.db, clock.now())
      .then((r) => {
        if (r.attempts || r.sessions) log.info(r, "purged expired sign-in data");
      })
      .catch((err) => log.error({ err }, "upkeep failed; will retry"))
      .finally(() => {
        upkeep = null;
      });
  };
  const first = setTimeout(tick, 5_000);
  const timer = setInterval(tick, UPKEEP_EVERY_MS);
  first.unref();
  timer.unref();
  return {
    jobs,
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await jobs.stop();
      await sweeping;
      await upkeep;
    },
  };
}
