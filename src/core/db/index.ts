import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { acquireDataDirLock, type DataDirLock } from "./lock.ts";
import * as schema from "./schema.ts";

export { schema };
export type Schema = typeof schema;
/** A database handle or an open transaction: repos accept either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export const migrationsFolder = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../drizzle",
);

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** The embedded client (PGlite only): the job queue runs its SQL through it. */
  pglite?: PGlite;
  /** The connection string (PostgreSQL only): the job queue opens its own pool with it. */
  url?: string;
  /** Applies pending migrations; safe to call from several processes at once on PostgreSQL. */
  migrate(): Promise<void>;
  /** True when every migration this build ships has been applied. */
  migrationsCurrent(): Promise<boolean>;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  /**
   * Subscribes to `NOTIFY` on a channel. A payload arrives only after the transaction that sent
   * it commits, from any process on PostgreSQL. `onResync` runs after the listening connection
   * was lost and restored: whatever was sent in between is lost, so subscribers should refresh.
   * Resolves, once listening, to the unsubscribe function.
   */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    onResync?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export type OpenOptions =
  | { kind: "pglite"; dataDir?: string; pglite?: PGlite }
  | { kind: "postgres"; url: string; poolSize?: number };

// Arbitrary constant shared by every Liaison process: serializes migrations on PostgreSQL.
const MIGRATION_LOCK_KEY = 7_271_829_001;

/**
 * Opens the embedded database (PGlite in a data folder, guarded by a lock file; or in memory
 * when no folder is given) or PostgreSQL. Both speak the same SQL and run the same migrations.
 */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, "meta/_journal.json"), "utf8")) as {
    entries: { when: number }[];
  };
  const latestMigration = Math.max(...journal.entries.map((e) => e.when));
  let current = false;

  async function migrationsCurrent(db: Db): Promise<boolean> {
    if (current) return true;
    try {
      const res = (await db.execute(
        sql`select max(created_at)::text as latest from drizzle.__drizzle_migrations`,
      )) as {
        rows: { latest: string | null }[];
      };
      current = Number(res.rows[0]?.latest ?? 0) >= latestMigration;
    } catch {
      current = false;
    }
    return current;
  }

  if (opts.kind === "pglite") {
    let lock: DataDirLock | undefined;
    if (opts.dataDir) lock = acquireDataDirLock(opts.dataDir);
    let client: PGlite;
    try {
      client =
        opts.pglite ?? (await PGlite.create(opts.dataDir ? { dataDir: path.join(opts.dataDir, "pg") } : {}));
    } catch (err) {
      lock?.release();
      throw err;
    }
    const db = drizzlePglite({ client, schema }) as unknown as Db;
    return {
      db,
      kind: "pglite",
      pglite: client,
      async migrate() {
        await migratePglite(db as never, { migrationsFolder });
        current = false;
      },
      migrationsCurrent: () => migrationsCurrent(db),
      async ping() {
        await client.query("select 1");
      },
      async listen(channel, onMessage) {
        // One embedded connection: it sees every commit, so it never needs to resync.
        const unsubscribe = await client.listen(checkChannel(channel), onMessage);
        return async () => {
          if (!client.closed) await unsubscribe();
        };
      },
      async close() {
        try {
          if (!client.closed) await client.close();
        } finally {
          lock?.release();
        }
      },
    };
  }

  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
  // An idle client that errors (e.g. the server restarted) must not crash the process.
  pool.on("error", () => {});
  const db = drizzleNodePg({ client: pool, schema }) as unknown as Db;
  const listener = new PgListener(opts.url);
  return {
    db,
    kind: "postgres",
    url: opts.url,
    async migrate() {
      const conn = await pool.connect();
      try {
        await conn.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
        try {
          await migrateNodePg(drizzleNodePg({ client: conn }), { migrationsFolder });
        } finally {
          await conn.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
        }
      } finally {
        conn.release();
      }
      current = false;
    },
    migrationsCurrent: () => migrationsCurrent(db),
    async ping() {
      await pool.query("select 1");
    },
    listen: (channel, onMessage, onResync) => listener.listen(checkChannel(channel), onMessage, onResync),
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}

/** Channel names are identifiers; they are put into LISTEN statements as such. */
function checkChannel(channel: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
  return channel;
}

interface Subscriber {
  onMessage: (payload: string) => void;
  onResync?: () => void;
}

/**
 * LISTEN on PostgreSQL needs a connection of its own (a pooled one would be handed to other
 * queries). One per process serves every subscriber; when it drops, it reconnects with backoff,
 * listens again and tells subscribers to resync.
 */
class PgListener {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private readonly channels = new Map<string, Set<Subscriber>>();
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;

  constructor(private readonly url: string) {}

  async listen(
    channel: string,
    onMessage: (payload: string) => void,
    onResync?: () => void,
  ): Promise<() => Promise<void>> {
    if (this.closed) throw new Error("the database is closed");
    const sub: Subscriber = { onMessage, onResync };
    let subs = this.channels.get(channel);
    const first = !subs;
    if (!subs) {
      subs = new Set();
      this.channels.set(channel, subs);
    }
    subs.add(sub);
    try {
      const client = await this.connect();
      if (first) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      subs.delete(sub);
      if (subs.size === 0) this.channels.delete(channel);
      throw err;
    }
    return async () => {
      const set = this.channels.get(channel);
      if (!set?.delete(sub) || set.size > 0) return;
      this.channels.delete(channel);
      await this.client?.query(`UNLISTEN ${channel}`).catch(() => {});
    };
  }

  private connect(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, application_name: "liaison-listen" });
      client.on("notification", (msg) => {
        for (const sub of this.channels.get(msg.channel) ?? []) sub.onMessage(msg.payload ?? "");
      });
      // A lost connection (server restart, network) is re-established; subscribers resync.
      client.on("error", () => this.lost(client));
      client.on("end", () => this.lost(client));
      try {
        await client.connect();
        for (const channel of this.channels.keys()) await client.query(`LISTEN ${channel}`);
      } catch (err) {
        await client.end().catch(() => {});
        throw err;
      } finally {
        this.connecting = null;
      }
      this.client = client;
      this.failures = 0;
      return client;
    })();
    return this.connecting;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => {});
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer || this.channels.size === 0) return;
    const delay = Math.min(30_000, 500 * 2 ** this.failures++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().then(
        () => {
          for (const subs of this.channels.values()) for (const sub of subs) sub.onResync?.();
        },
        () => this.scheduleReconnect(),
      );
    }, delay);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client ?? (await this.connecting?.catch(() => null)) ?? null;
    this.client = null;
    this.channels.clear();
    await client?.end().catch(() => {});
  }
}
