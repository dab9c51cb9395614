import type { PGlite } from "@electric-sql/pglite";
import { type SQL, sql } from "drizzle-orm";
import PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { Database, Db } from "../db/index.ts";

/**
 * The jobs core: pg-boss on Liaison's own database. Every queue's truth lives in Liaison's rows
 * (a ticket's next check time, an outbox message's status); a job is only the wake-up call that
 * says "look at this row at this time". Handlers therefore re-read the row under a lock and do
 * nothing when there is nothing left to do, so a job delivered twice, late, or after a crash has
 * exactly the effects of one on-time delivery. See docs/jobs.md.
 */
export const queueNames = {
  /** Look at one ticket's clocks at its next check time. */
  ticketTimer: "ticket-timer",
  /** Send one change's due notices and review reminders at their time. */
  changeTimer: "change-timer",
  /** Page the next step of an emergency's chain, or report a review or action item overdue. */
  oncallTimer: "oncall-timer",
  /** Send a touchpoint meeting's agenda at its time, or report an action item overdue. */
  touchpointTimer: "touchpoint-timer",
  /** Deliver one outbound message (email or webhook). */
  deliver: "outbox-deliver",
  /** Every minute: fire whatever is overdue and was not woken (recovery), close resolved tickets. */
  sweep: "sweep",
  /** Send digests of low-severity notifications. */
  digest: "notify-digest",
} as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

export interface SendOptions {
  startAfter?: Date;
  /**
   * On stately queues (ticket timers) at most one job per key waits; elsewhere the key is only
   * recorded. Either way a duplicate wake-up is harmless, since handlers act on row state.
   */
  singletonKey?: string;
  retryLimit?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
}

/** What services see: queue a job inside their transaction, so it exists exactly when their change does. */
export interface Jobs {
  send(tx: Db, queue: QueueName, data: object, opts?: SendOptions): Promise<void>;
}

/** pg-boss speaks `text, values`; this runs that through a drizzle transaction (either driver). */
export function sqlFromText(text: string, values: readonly unknown[] = []): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) {
      if (parts[i]) chunks.push(sql.raw(parts[i]!));
    } else {
      chunks.push(sql`${sql.param(values[Number(parts[i]) - 1])}`);
    }
  }
  return sql.join(chunks);
}

/** A pg-boss `db` that runs inside the caller's drizzle transaction. */
export function transactionDb(tx: Db): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[]) {
      const res = (await tx.execute(sqlFromText(text, values ?? []))) as unknown as { rows: unknown[] };
      return { rows: res.rows };
    },
  };
}

/**
 * A pg-boss `db` over PGlite. Parameter-less SQL may hold several statements (pg-boss installs
 * its schema that way) and must go through `exec`; its result sets are flattened.
 */
export function pgliteDb(client: PGlite): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[]) {
      if (!values || values.length === 0) {
        const results = await client.exec(text);
        return { rows: results.flatMap((r) => r.rows) };
      }
      const res = await client.query(text, values);
      return { rows: res.rows as unknown[] };
    },
  };
}

export interface JobsRuntime extends Jobs {
  boss: PgBoss;
  stop(): Promise<void>;
}

/** Queue settings: how often each kind of job is retried, and how long one may run. */
const queueSettings: Record<QueueName, Omit<PgBoss.Queue, "name">> = {
  // Stately: one waiting job per key (ticket + check time), so wake-ups queued by several changes
  // or by an early wake-up for the same moment collapse into one.
  [queueNames.ticketTimer]: {
    policy: "stately",
    retryLimit: 20,
    retryDelay: 1,
    retryBackoff: true,
    expireInSeconds: 60,
  },
  [queueNames.changeTimer]: {
    policy: "stately",
    retryLimit: 20,
    retryDelay: 1,
    retryBackoff: true,
    expireInSeconds: 60,
  },
  [queueNames.oncallTimer]: {
    policy: "stately",
    retryLimit: 20,
    retryDelay: 1,
    retryBackoff: true,
    expireInSeconds: 60,
  },
  [queueNames.touchpointTimer]: {
    policy: "stately",
    retryLimit: 20,
    retryDelay: 1,
    retryBackoff: true,
    expireInSeconds: 60,
  },
  [queueNames.deliver]: { retryLimit: 8, retryDelay: 5, retryBackoff: true, expireInSeconds: 120 },
  [queueNames.sweep]: { retryLimit: 0, expireInSeconds: 300 },
  [queueNames.digest]: { retryLimit: 3, retryDelay: 60, retryBackoff: true, expireInSeconds: 300 },
};

/**
 * Starts pg-boss on the database (installing or migrating its schema, which lives in the
 * `pgboss` schema next to Liaison's tables) and creates Liaison's queues. `supervise` runs
 * pg-boss's maintenance (expiry, retention) and cron: worker processes do, API-only ones don't.
 */
export async function startJobs(
  database: Database,
  opts: { log?: Logger; supervise: boolean; pollingIntervalSeconds?: number },
): Promise<JobsRuntime> {
  const common: PgBoss.ConstructorOptions = {
    supervise: opts.supervise,
    schedule: opts.supervise,
    migrate: true,
    application_name: "liaison-jobs",
  };
  const boss =
    database.kind === "pglite"
      ? new PgBoss({ ...common, db: pgliteDb(database.pglite!) })
      : new PgBoss({ ...common, connectionString: database.url!, max: 4 });
  boss.on("error", (err) => opts.log?.error({ err }, "job queue error"));
  await boss.start();
  for (const name of Object.values(queueNames)) {
    await boss.createQueue(name, { name, ...queueSettings[name] });
  }

  return {
    boss,
    async send(tx, queue, data, sendOpts = {}) {
      await boss.send(queue, data, { ...sendOpts, db: transactionDb(tx) });
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
