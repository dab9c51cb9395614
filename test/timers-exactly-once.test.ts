import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { type JobsRuntime, startJobs } from "../src/core/jobs/jobs.ts";
import { ManualClock } from "../src/core/time/clock.ts";
import {
  activateProtocol,
  createTenant,
  createTestDatabase,
  request,
  type TestApp,
  TEST_DATABASE_URL,
  testConfig,
} from "./support.ts";

/**
 * The timer guarantee, end to end with real processes on PostgreSQL: every due threshold fires
 * once and only once even when a worker is killed (SIGKILL, no chance to clean up) in the middle
 * of firing, and two fresh workers then race to finish the work. Needs PostgreSQL: the embedded
 * database is one process by design.
 */
const bin = path.resolve("bin/liaison.js");
const TICKETS = 120;
const MIN = 60_000;

let t: TestApp;
let jobs: JobsRuntime;
let dbUrl: string;
const children: ChildProcess[] = [];

function startWorkerProcess(label: string): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn", DATABASE_URL: dbUrl };
  delete env.LIAISON_DATA_DIR;
  delete env.PORT;
  const child = spawn(process.execPath, [bin, "start", "--role", "worker"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr!.on("data", (c) => process.stderr.write(`[${label}] ${c}`));
  children.push(child);
  return child;
}

async function count(query: ReturnType<typeof sql>): Promise<number> {
  const r = (await t.database.db.execute(query)) as unknown as { rows: { n: string }[] };
  return Number(r.rows[0]!.n);
}

const breaches = () => count(sql`select count(*)::text as n from events where action = 'ticket.breached'`);

async function until(what: string, ok: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!TEST_DATABASE_URL)("ticket timers across worker crashes (PostgreSQL)", () => {
  beforeAll(async () => {
    const database = await createTestDatabase();
    dbUrl = database.url!;
    jobs = await startJobs(database, { supervise: false });
    const clock = new ManualClock(Date.now());
    const app = await buildApp({ database, config: testConfig, clock, jobs, logger: false });
    await app.ready();
    t = {
      app,
      database,
      clock,
      ctx: {
        db: database.db,
        clock,
        actor: null,
        requestId: "test",
        publicUrl: testConfig.publicUrl,
        config: testConfig,
        jobs,
      },
      async close() {
        await app.close();
        await jobs.stop();
        await database.drop();
      },
    };
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await t?.close();
  });

  it("fires every breach once when a worker is killed mid-run and two others take over", async () => {
    const tenant = await createTenant(t, "Crash");
    await activateProtocol(t, tenant);
    // Critical tickets answer within 15 minutes (24x7). Raise them "15 minutes ago, minus a few
    // seconds", so their response breaches fall due 4–14 s from now, spread out.
    const now = Date.now();
    for (let i = 0; i < TICKETS; i++) {
      t.clock.set(now - 15 * MIN + 4_000 + Math.floor((i * 10_000) / TICKETS));
      const res = await request(t, tenant.people.member, {
        method: "POST",
        url: `/api/v1/relationships/${tenant.relationshipId}/tickets`,
        payload: {
          title: `Outage ${i}`,
          description: "Down",
          impact: { peopleAffected: "everyone", workaround: false, criticalFunctionStopped: true },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const first = startWorkerProcess("worker-1");
    // Kill it hard once it has fired some breaches but not all.
    await until("the first breaches", async () => (await breaches()) >= 10, 60_000);
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const firedBeforeCrash = await breaches();
    expect(firedBeforeCrash).toBeLessThan(TICKETS);

    startWorkerProcess("worker-2");
    startWorkerProcess("worker-3");
    await until("every breach", async () => (await breaches()) >= TICKETS, 90_000);
    // Let any duplicate that would happen, happen.
    await new Promise((r) => setTimeout(r, 3_000));

    const perTicket = (await t.database.db.execute(sql`
      select subject_id, action, count(*)::int as n from events
      where action in ('ticket.breached', 'ticket.clock_warning') group by 1, 2`)) as unknown as {
      rows: { subject_id: string; action: string; n: number }[];
    };
    const breachRows = perTicket.rows.filter((r) => r.action === "ticket.breached");
    expect(breachRows).toHaveLength(TICKETS);
    expect(breachRows.every((r) => r.n === 1)).toBe(true);
    // The 50 % and 75 % warnings (already overdue when the first worker started) fired once each.
    const warningRows = perTicket.rows.filter((r) => r.action === "ticket.clock_warning");
    expect(warningRows).toHaveLength(TICKETS);
    expect(warningRows.every((r) => r.n === 2)).toBe(true);
    // Each recipient was told of each breach once.
    const dupNotes = await count(sql`
      select count(*)::text as n from (
        select user_id, data->>'ticketId' from notifications where kind = 'ticket.breached'
        group by 1, 2 having count(*) > 1) d`);
    expect(dupNotes).toBe(0);
    // And every breach fired no earlier than it was due.
    const early = await count(sql`
      select count(*)::text as n from events where action = 'ticket.breached'
      and (after->>'firedAt')::timestamptz < (after->>'dueAt')::timestamptz`);
    expect(early).toBe(0);
  }, 180_000);
});
