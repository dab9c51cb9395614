import type { Logger } from "pino";
import type { Database } from "./core/db/index.ts";
import type { Clock } from "./core/time/clock.ts";
import { purgeExpiredAuthData } from "./modules/identity/auth.service.ts";

const EVERY_MS = 10 * 60_000;

/**
 * Background upkeep for `--role worker|all`. Today: purging expired sessions and stale sign-in
 * throttling records. The work is idempotent deletes, so several workers may run it at once
 * without coordination. Timed, retried jobs (SLA clocks, notices) arrive with the jobs core.
 */
export function startWorker(database: Database, clock: Clock, log: Logger): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const tick = () => {
    running = purgeExpiredAuthData(database.db, clock.now())
      .then((r) => {
        if (r.attempts || r.sessions) log.info(r, "purged expired sign-in data");
      })
      .catch((err) => log.error({ err }, "upkeep failed; will retry"))
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(tick, 5_000);
  const timer = setInterval(tick, EVERY_MS);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
