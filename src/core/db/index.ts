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
    async close() {
      await pool.end();
    },
  };
}
