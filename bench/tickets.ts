/**
 * Tickets on PostgreSQL: creation through the HTTP API under load, the server's own single-row
 * insert rate (pgbench) for scale, and the precision of ticket timers with a million open tickets.
 * Runs on a fresh database (liaison_bench_<pid>) created on BENCH_DATABASE_URL, else DATABASE_URL,
 * else postgres://postgres@127.0.0.1:5432/postgres, and dropped at the end.
 *
 * 1. The real app (buildApp, pg-boss without workers as in an API process) listening on a port;
 *    autocannon in a child process POSTs /api/v1/relationships/:id/tickets with API tokens,
 *    round-robin over 16 relationships, then all on one relationship (one counter, one audit
 *    chain). CPU time per creation of the app and of its PostgreSQL backends is reported too.
 * 2. pgbench: single-row inserts, 8 clients, on the same database (and with a pg_notify).
 * 3. 1,000,000 open tickets bulk-loaded with SQL, 10,000 of them critical tickets whose response
 *    deadline falls within one minute, each with its pg-boss timer job; the worker role
 *    (startWorker, in this process) fires them. Lateness is firedAt − dueAt of each breach event.
 *
 * Prints the machine and `name: value unit` lines. Run: npm run bench:tickets (see
 * docs/benchmarks.md). BENCH_ONLY=http|timers runs a part; BENCH_PROFILE=1 adds where the
 * creation time goes (per statement, what backends wait on, pool use).
 */
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import pino from "pino";
import { buildApp } from "../src/app.ts";
import { openDatabase } from "../src/core/db/index.ts";
import type { ServiceContext } from "../src/core/http/context.ts";
import { queueNames, startJobs } from "../src/core/jobs/jobs.ts";
import { systemClock } from "../src/core/time/clock.ts";
import { startSession } from "../src/modules/identity/auth.service.ts";
import { addMemberAsOperator, createOrganization } from "../src/modules/identity/orgs.service.ts";
import { createRelationship } from "../src/modules/identity/relationships.service.ts";
import { startWorker } from "../src/worker.ts";

const RELATIONSHIPS = 16;
const CONNECTIONS = 32;
const POOL_SIZE = 24;
const WARMUP_S = 3;
const DURATION_S = 15;
const SINGLE_DURATION_S = 8;
/** Open tickets for the timer figure, and how many of them fall due within the minute (override for quick runs). */
const TIMER_TICKETS = Number(process.env.BENCH_TIMER_TICKETS ?? 1_000_000);
const TIMER_DUE = Number(process.env.BENCH_TIMER_DUE ?? 10_000);
/** Deadlines start this long after the worker is up, and spread over DUE_SPREAD_MS. */
const DUE_LEAD_MS = 30_000;
const DUE_SPREAD_MS = 60_000;
/** After the last deadline, how long to wait for stragglers before giving up. */
const DUE_GRACE_MS = 45_000;
const PROFILE = process.env.BENCH_PROFILE === "1";
/** BENCH_ONLY=http (figures 1 and 2) or timers (figure 3); both by default. */
const ONLY = process.env.BENCH_ONLY ?? "";

const serverUrl =
  process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `liaison_bench_${process.pid}`;
const benchUrl = (() => {
  const u = new URL(serverUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
})();

const config = {
  publicUrl: "http://liaison.bench",
  sessionTtlHours: 24,
  bodyLimitBytes: 65_536,
  logLevel: "silent" as const,
  smtpUrl: "",
  mailFrom: "Liaison <liaison@liaison.bench>",
};

const out = (name: string, value: string | number, unit = "") =>
  console.log(`${name}: ${value}${unit ? ` ${unit}` : ""}`);
const ms1 = (n: number) => n.toFixed(1);
const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------------------------------------

/** Closes what run() opened; each runs at most once (normal end, or after a failure). */
const closers: (() => Promise<unknown>)[] = [];
function closing<T>(close: () => Promise<T>): () => Promise<T | undefined> {
  let done = false;
  const once = async () => {
    if (done) return undefined;
    done = true;
    return close();
  };
  closers.push(once);
  return once;
}

interface Tenant {
  relationshipId: string;
  token: string;
  reporter: { id: string; email: string; name: string };
}

async function run() {
  const database = await openDatabase({ kind: "postgres", url: benchUrl, poolSize: POOL_SIZE });
  const closeDatabase = closing(() => database.close());
  await database.migrate();
  const jobs = await startJobs(database, { supervise: false });
  const stopJobs = closing(() => jobs.stop());
  const app = await buildApp({ database, config, jobs, logger: false });
  const closeApp = closing(() => app.close());
  await app.listen({ port: 0, host: "127.0.0.1" });
  const ctx: ServiceContext = {
    db: database.db,
    clock: systemClock,
    actor: null,
    requestId: "bench",
    publicUrl: config.publicUrl,
    config,
    jobs: null,
  };

  // Tenants: the people of test/support.ts createTenant, the default protocol signed by both
  // sides over HTTP, and an API token of the client (it_contact) per relationship.
  const setupStarted = performance.now();
  const tenants: Tenant[] = [];
  for (let i = 0; i < RELATIONSHIPS; i++) tenants.push(await createTenant(ctx, app, i));
  out("setup_tenants", ((performance.now() - setupStarted) / 1000).toFixed(1), "s");

  if (ONLY !== "timers") {
    await creationFigures(database, app, tenants);
    await pgbenchInsert();
  }
  await closeApp();
  if (ONLY !== "http") await timers(database, jobs, stopJobs, tenants);
  await closeDatabase();
}

/** 1. Ticket creation over HTTP: many relationships, then one. */
async function creationFigures(
  database: Awaited<ReturnType<typeof openDatabase>>,
  app: Awaited<ReturnType<typeof buildApp>>,
  tenants: Tenant[],
) {
  const { port } = app.server.address() as net.AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const targets = tenants.map((t) => ({
    path: `/api/v1/relationships/${t.relationshipId}/tickets`,
    auth: `Bearer ${t.token}`,
    reporter: { email: t.reporter.email, name: t.reporter.name },
  }));
  const pool = (database.db as unknown as { $client: pg.Pool }).$client;
  const probe = new pg.Client({ connectionString: benchUrl });
  await probe.connect();
  const endProbe = closing(() => probe.end());
  await load(url, targets, CONNECTIONS, WARMUP_S);
  await drain(pool);

  const measure = async (name: string, to: typeof targets, seconds: number) => {
    const watch = PROFILE ? await startProfile(benchUrl) : null;
    const poolSamples = { n: 0, busy: 0, waiting: 0 };
    const sampler = PROFILE
      ? setInterval(() => {
          poolSamples.n++;
          poolSamples.busy += pool.totalCount - pool.idleCount;
          poolSamples.waiting += pool.waitingCount;
        }, 20)
      : null;
    const count = async () =>
      Number((await probe.query<{ n: string }>("select count(*) as n from tickets")).rows[0]!.n);
    const before = await count();
    const usage = await startUsage(probe);
    const r = await load(url, to, CONNECTIONS, seconds);
    if (sampler) clearInterval(sampler);
    await drain(pool);
    const u = await usage.stop();
    report(name, r);
    // CPU is divided by every ticket the window created, the ones cut off at its end included.
    const done = Math.max(1, (await count()) - before);
    out(
      `${name}_app_cpu_per_request`,
      (u.appCpuMs / done).toFixed(2),
      `ms (${((100 * u.appSystemMs) / u.appCpuMs).toFixed(0)} % in the kernel)`,
    );
    out(`${name}_postgres_cpu_per_request`, (u.pgCpuMs / done).toFixed(2), "ms");
    out(`${name}_app_event_loop_utilization`, (u.elu * 100).toFixed(0), "%");
    const cores = os.cpus().length;
    const others = u.machineCpu - (u.appCpuMs + u.pgCpuMs + r.cpuMs) / (u.wallMs * cores);
    out(`${name}_machine_cpu`, (u.machineCpu * 100).toFixed(0), `% of ${cores} cores`);
    out(
      `${name}_other_processes_cpu`,
      Math.max(0, others * 100).toFixed(0),
      `% of ${cores} cores (not this benchmark)`,
    );
    if (watch) {
      await watch.stop(done);
      console.log(
        `profile: pool of ${POOL_SIZE}: ${(poolSamples.busy / poolSamples.n).toFixed(1)} connections in use, ` +
          `${(poolSamples.waiting / poolSamples.n).toFixed(1)} requests waiting for one (means)`,
      );
    }
    return { r, u, done };
  };

  const many = await measure("ticket_create", targets, DURATION_S);
  out("ticket_create_relationships", RELATIONSHIPS);
  out("ticket_create_connections", CONNECTIONS);
  out("ticket_create_load_generator_cpu_per_request", (many.r.cpuMs / many.done).toFixed(2), "ms");
  // What the cores could do if creations were bound by app + PostgreSQL CPU alone.
  const perRequest = (many.u.appCpuMs + many.u.pgCpuMs) / many.done;
  out("ticket_create_cpu_bound_ceiling", ((os.cpus().length * 1000) / perRequest).toFixed(0), "req/s");
  const { r } = many;
  const ok = r.rps >= 1500 && r.p99 < 50 && r.non2xx + r.errors + r.timeouts === 0;
  out("ticket_create_target", ok ? "met" : "missed", "(≥ 1500 req/s and p99 < 50 ms, no errors)");

  await measure("ticket_create_1rel", targets.slice(0, 1), SINGLE_DURATION_S);
  await endProbe();
  const created = await admin(benchUrl, (c) => c.query<{ n: string }>("select count(*) as n from tickets"));
  out("tickets_created_over_http", created.rows[0]!.n, "tickets");
}

async function createTenant(
  ctx: ServiceContext,
  app: Awaited<ReturnType<typeof buildApp>>,
  i: number,
): Promise<Tenant> {
  const tag = `${i}-${process.pid}`;
  const client = await createOrganization(ctx, { name: `Bench Client ${tag}`, kind: "client", size: 40 });
  const provider = await createOrganization(ctx, { name: `Bench MSP ${tag}`, kind: "provider", size: 20 });
  const rel = await createRelationship(ctx, { clientOrgId: client.id, providerOrgId: provider.id });
  const person = async (orgId: string, role: string, admin = false) => {
    const { member } = await addMemberAsOperator(ctx, orgId, {
      email: `${role}.${tag}@bench.example`,
      name: `${role} ${tag}`,
      role,
      admin,
      passwordHash: "none",
    });
    return { id: member.userId, email: member.email, name: member.name };
  };
  const session = async (p: { id: string; email: string; name: string }) => {
    const s = await startSession(ctx, p, "bench", "bench");
    return { cookie: `liaison_session=${s.sessionToken}`, "x-csrf-token": s.csrfToken };
  };
  const clientAdmin = await person(client.id, "it_contact", true);
  const executive = await person(client.id, "executive");
  for (const role of ["approver", "member", "advisor"]) await person(client.id, role);
  const am = await person(provider.id, "account_manager", true);
  await person(provider.id, "technician");
  await person(provider.id, "senior_technician");

  const post = async (who: Record<string, string>, url: string, payload: object, status: number) => {
    const res = await app.inject({ method: "POST", url, headers: who, payload });
    if (res.statusCode !== status) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
    return res.json() as Record<string, string>;
  };
  const base = `/api/v1/relationships/${rel.id}/protocol/versions`;
  const amS = await session(am);
  const draft = await post(amS, base, {}, 201);
  await post(amS, `${base}/${draft.id}/propose`, {}, 200);
  await post(amS, `${base}/${draft.id}/sign`, { documentSha256: draft.documentSha256! }, 200);
  await post(
    await session(executive),
    `${base}/${draft.id}/sign`,
    { documentSha256: draft.documentSha256! },
    200,
  );
  const token = await post(
    await session(clientAdmin),
    `/api/v1/relationships/${rel.id}/tokens`,
    { name: "Bench monitoring", role: "it_contact" },
    201,
  );
  return { relationshipId: rel.id, token: token.secret!, reporter: clientAdmin };
}

// ---------------------------------------------------------------------------------------------
// Load: autocannon in a child process, so the load generator neither shares the app's event loop
// nor counts in this process's CPU time and memory.

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  firstError: string | null;
  /** CPU time of the load generator, ms. */
  cpuMs: number;
}

// Plain JavaScript (CommonJS) for `node -e`; its settings arrive on stdin, its result leaves on
// stdout. Bodies vary in title and impact answers (high, medium and low tickets; no critical ones,
// whose 7.5-minute warnings could fire during the timer figure); each request goes to the next
// relationship, with that relationship's token.
const loadScript = `
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  const { autocannonPath, url, targets, connections, duration } = JSON.parse(input);
  const autocannon = require(autocannonPath);
  const impacts = [
    { peopleAffected: "team", workaround: false, criticalFunctionStopped: false },
    { peopleAffected: "team", workaround: true, criticalFunctionStopped: false },
    { peopleAffected: "one", workaround: false, criticalFunctionStopped: false },
    { peopleAffected: "one", workaround: true, criticalFunctionStopped: false },
    { peopleAffected: "many", workaround: true, criticalFunctionStopped: false },
  ];
  let n = 0;
  let firstError = null;
  const instance = autocannon(
    {
      url,
      connections,
      duration,
      requests: [
        {
          method: "POST",
          setupRequest(req) {
            const i = n++;
            const t = targets[i % targets.length];
            req.path = t.path;
            req.headers = { "content-type": "application/json", authorization: t.auth };
            req.body = JSON.stringify({
              title: "Printer on floor 3 offline #" + i,
              description: "The shared printer on floor 3 stopped answering at 09:10; jobs stay queued. Restarted it once.",
              impact: impacts[i % impacts.length],
              affectedSystems: ["printing", "floor 3"],
              reporter: t.reporter,
            });
            return req;
          },
          onResponse(status, body) {
            if ((status < 200 || status > 299) && firstError === null) firstError = status + " " + body;
          },
        },
      ],
    },
    (err, r) => {
      if (err) {
        process.stdout.write(JSON.stringify({ error: String(err) }));
        return;
      }
      const cpu = process.cpuUsage();
      process.stdout.write(
        JSON.stringify({
          rps: r["2xx"] / r.duration,
          p50: r.latency.p50,
          p99: r.latency.p99,
          ok: r["2xx"],
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          firstError,
          cpuMs: (cpu.user + cpu.system) / 1000,
        }),
      );
    },
  );
  instance.on("error", (err) => {
    if (firstError === null) firstError = String(err);
  });
});
`;

function load(
  url: string,
  targets: { path: string; auth: string; reporter: object }[],
  connections: number,
  duration: number,
): Promise<LoadResult> {
  const autocannonPath = createRequire(import.meta.url).resolve("autocannon");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", loadScript], { stdio: ["pipe", "pipe", "inherit"] });
    let text = "";
    child.stdout.on("data", (d: Buffer) => (text += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      try {
        const m = JSON.parse(text) as LoadResult & { error?: string };
        if (m.error) reject(new Error(m.error));
        else resolve(m);
      } catch {
        reject(new Error(`load generator exited with ${code}: ${text.slice(0, 300)}`));
      }
    });
    child.stdin.end(JSON.stringify({ autocannonPath, url, targets, connections, duration }));
  });
}

function report(name: string, r: LoadResult) {
  out(`${name}_rps`, r.rps.toFixed(0), "req/s");
  out(`${name}_p50`, ms1(r.p50), "ms");
  out(`${name}_p99`, ms1(r.p99), "ms");
  out(`${name}_non2xx`, r.non2xx + r.errors + r.timeouts, "responses");
  if (r.firstError) out(`${name}_first_error`, r.firstError.slice(0, 500));
}

/** Waits until the app's requests cut off by the end of a load run have finished their transactions. */
async function drain(pool: pg.Pool) {
  const until = Date.now() + 30_000;
  while ((pool.idleCount < pool.totalCount || pool.waitingCount > 0) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 50));
}

const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s.

/** CPU time (ms) of the PostgreSQL backends serving the benchmark database, when they run on this host. */
async function postgresCpuMs(c: pg.Client): Promise<Map<number, number>> {
  const pids = await c.query<{ pid: number }>(
    "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
  );
  const out = new Map<number, number>();
  for (const { pid } of pids.rows) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(pid, ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK);
    } catch {
      // not on this host, or gone
    }
  }
  return out;
}

/** CPU used by this process (the app), by the benchmark's PostgreSQL backends and by the whole machine. */
async function startUsage(c: pg.Client) {
  const machine = () => {
    const [cpu] = fs.readFileSync("/proc/stat", "utf8").split("\n");
    const f = cpu!.trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3]! + (f[4] ?? 0);
    return { idle, total: f.reduce((a, b) => a + b, 0) };
  };
  const pg0 = await postgresCpuMs(c);
  const m0 = machine();
  const c0 = process.cpuUsage();
  const e0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  return {
    async stop() {
      const m1 = machine();
      const cpu = process.cpuUsage(c0);
      const elu = performance.eventLoopUtilization(e0).utilization;
      const wallMs = performance.now() - t0;
      const pg1 = await postgresCpuMs(c);
      let pgMs = 0;
      for (const [pid, t] of pg1) pgMs += t - (pg0.get(pid) ?? 0);
      return {
        wallMs,
        appCpuMs: (cpu.user + cpu.system) / 1000,
        appSystemMs: cpu.system / 1000,
        pgCpuMs: pg1.size ? pgMs : NaN,
        elu,
        machineCpu: 1 - (m1.idle - m0.idle) / (m1.total - m0.total),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// BENCH_PROFILE=1: every statement timed on the client (node-postgres), and what the benchmark
// database's backends are doing, sampled every 20 ms.

async function startProfile(url: string) {
  const sampler = new pg.Client({ connectionString: url });
  await sampler.connect();
  const stats = new Map<string, { n: number; ms: number; text: string; values: unknown[] }>();
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    if (this === sampler) return original.apply(this, args);
    const q = args[0];
    const text = typeof q === "string" ? q : ((q as { text?: string })?.text ?? "?");
    const values = (Array.isArray(args[1]) ? args[1] : (q as { values?: unknown[] })?.values) ?? [];
    const k = text.replace(/\s+/g, " ").replace(/\$\d+/g, "$").trim().slice(0, 100);
    const t0 = performance.now();
    const done = () => {
      const s = stats.get(k) ?? { n: 0, ms: 0, text, values };
      s.n++;
      s.ms += performance.now() - t0;
      stats.set(k, s);
    };
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args[args.length - 1] = (...r: unknown[]) => {
        done();
        return (last as (...a: unknown[]) => unknown)(...r);
      };
      return original.apply(this, args);
    }
    const res = original.apply(this, args);
    if (res && typeof (res as Promise<unknown>).then === "function")
      (res as Promise<unknown>).then(done, done);
    return res;
  };
  const waits = new Map<string, number>();
  let samples = 0;
  let stopping = false;
  const sampling = (async () => {
    while (!stopping) {
      const r = await sampler.query<{ w: string; n: string }>(
        `select coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' (' || state || ')' as w, count(*) as n
         from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
           and state <> 'idle' group by 1`,
      );
      samples++;
      for (const row of r.rows) waits.set(row.w, (waits.get(row.w) ?? 0) + Number(row.n));
      await new Promise((res) => setTimeout(res, 20));
    }
  })();
  return {
    async stop(requests: number) {
      stopping = true;
      await sampling;
      proto.query = original;
      const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
      const total = rows.reduce((a, [, s]) => a + s.ms, 0);
      const count = rows.reduce((a, [, s]) => a + s.n, 0);
      console.log(`profile_statements_per_request: ${(count / requests).toFixed(1)}`);
      console.log(
        "profile: per statement: count per request, client-side mean ms (waiting included), share, " +
          "and server-side planning + execution ms of one sample (EXPLAIN ANALYZE, rolled back)",
      );
      for (const [k, s] of rows.slice(0, 30)) {
        let server = "";
        if (!/^(begin|commit|rollback)/i.test(k)) {
          try {
            await sampler.query("begin");
            const r = await sampler.query<{
              "QUERY PLAN": [{ "Planning Time": number; "Execution Time": number }];
            }>(`explain (analyze, summary, format json) ${s.text}`, s.values);
            const plan = r.rows[0]!["QUERY PLAN"][0];
            server = `plan ${plan["Planning Time"].toFixed(3)} + exec ${plan["Execution Time"].toFixed(3)} ms`;
          } catch (err) {
            server = `(${(err as Error).message.slice(0, 40)})`;
          } finally {
            await sampler.query("rollback");
          }
        }
        console.log(
          `  ${(s.n / requests).toFixed(2).padStart(5)}/req ${(s.ms / s.n).toFixed(2).padStart(7)} ms ${((100 * s.ms) / total).toFixed(1).padStart(5)}%  ${server.padEnd(30)} ${k}`,
        );
      }
      console.log(`profile: busy backends of the benchmark database, mean over ${samples} samples`);
      for (const [w, n] of [...waits.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12))
        console.log(`  ${(n / samples).toFixed(2).padStart(6)}  ${w}`);
      await sampler.end();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 2. pgbench

/**
 * pgbench on the benchmark database: single-row inserts (8 clients, 10 s), and the same insert
 * with a pg_notify in its transaction, as every ticket change sends live pings (5 s).
 */
async function pgbenchInsert() {
  const candidates = [
    ...(process.env.PATH ?? "").split(":").map((d) => path.join(d, "pgbench")),
    ...(fs.existsSync("/usr/lib/postgresql")
      ? fs
          .readdirSync("/usr/lib/postgresql")
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => `/usr/lib/postgresql/${v}/bin/pgbench`)
      : []),
  ];
  const bin = candidates.find((p) => fs.existsSync(p));
  if (!bin) {
    out("pgbench_single_insert_tps", "unavailable (no pgbench on PATH or in /usr/lib/postgresql/*/bin)");
    return;
  }
  await admin(benchUrl, (c) => c.query("create table bench_insert(id bigserial primary key, v text)"));
  const u = new URL(benchUrl);
  const env = {
    ...process.env,
    PGHOST: u.hostname,
    PGPORT: u.port || "5432",
    PGUSER: decodeURIComponent(u.username || "postgres"),
    PGDATABASE: dbName,
    ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}),
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liaison-pgbench-"));
  const run = async (name: string, script: string, seconds: number) => {
    const file = path.join(dir, `${name}.sql`);
    fs.writeFileSync(file, script);
    try {
      const text = await new Promise<string>((resolve, reject) =>
        execFile(
          bin,
          ["-n", "-c", "8", "-j", "2", "-T", String(seconds), "-f", file],
          { env, encoding: "utf8", timeout: 60_000 },
          (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout)),
        ),
      );
      const tps =
        /tps = ([\d.]+) \(without initial connection time\)/.exec(text) ?? /tps = ([\d.]+)/.exec(text);
      out(name, tps ? Number(tps[1]).toFixed(0) : "unavailable (no tps line in pgbench's output)", "tx/s");
    } catch (err) {
      out(name, `unavailable (${(err as Error).message.trim().split("\n")[0]})`);
    }
  };
  try {
    await run("pgbench_single_insert_tps", "insert into bench_insert(v) values ('x');\n", 10);
    await run(
      "pgbench_insert_with_notify_tps",
      "begin;\ninsert into bench_insert(v) values ('x');\nselect pg_notify('bench_live', 'x');\ncommit;\n",
      5,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Timers

async function timers(
  database: Awaited<ReturnType<typeof openDatabase>>,
  jobs: Awaited<ReturnType<typeof startJobs>>,
  stopJobs: () => Promise<unknown>,
  tenants: Tenant[],
) {
  const c = new pg.Client({ connectionString: benchUrl });
  await c.connect();
  const endClient = closing(() => c.end());
  const step = async (name: string, fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    out(name, ((performance.now() - t0) / 1000).toFixed(1), "s");
  };
  // What the HTTP figure queued (emails to technicians, their delivery jobs) is set aside, so
  // the worker below does timer work and the breaches' own deliveries, not a backlog of emails.
  await c.query(
    "update outbox set status = 'failed', last_error = 'benchmark: not sent' where status = 'pending'",
  );
  await c.query("delete from pgboss.job where name = $1", [queueNames.deliver]);

  const rels = tenants.map((t) => t.relationshipId);
  const base = await c.query<{ relationship_id: string; last: number; version: string }>(
    `select r.id as relationship_id, coalesce(tc.last, 0) as last, pv.id as version
     from relationships r
     left join ticket_counters tc on tc.relationship_id = r.id
     join protocol_versions pv on pv.relationship_id = r.id and pv.state = 'active'
     where r.id = any($1::uuid[])`,
    [rels],
  );
  const byRel = new Map(base.rows.map((r) => [r.relationship_id, r]));
  const params = [
    rels,
    tenants.map((t) => t.reporter.id),
    tenants.map((t) => t.reporter.name),
    tenants.map((t) => t.reporter.email),
    rels.map((r) => byRel.get(r)!.version),
    rels.map((r) => byRel.get(r)!.last),
  ];
  const R = `with r as (
    select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::int[])
      with ordinality as r(rel, reporter_id, reporter_name, reporter_email, version_id, last, idx))`;
  const far = TIMER_TICKETS - TIMER_DUE;
  const perRel = Math.ceil(far / RELATIONSHIPS);
  // 990,000 open tickets of every severity and open state, raised over the last 30 days, whose
  // next check is 30 to 60 days away (no job: their wake-up calls are weeks out).
  // The secondary indexes are dropped for the load and built again after it (same definitions),
  // which is several times faster than maintaining them row by row.
  const indexes = await c.query<{ name: string; def: string }>(
    `select indexname as name, indexdef as def from pg_indexes
     where schemaname = 'public' and tablename = 'tickets'
       and indexname not in ('tickets_pkey', 'tickets_number_key')`,
  );
  await step("timer_bulk_insert", async () => {
    for (const i of indexes.rows) await c.query(`drop index "${i.name}"`);
    await c.query(
      `${R}
      insert into tickets (relationship_id, number, title, description, reporter_id, reporter_name,
        reporter_email, source, severity, suggested_severity, people_affected, workaround,
        critical_function_stopped, affected_systems, state, protocol_version_id, created_at,
        updated_at, acknowledged_at, response_due_at, resolution_due_at, next_check_at, revision)
      select r.rel, r.last + g / ${RELATIONSHIPS} + 1, 'Bulk ticket ' || g,
        'Something does not work as it should; loaded by the benchmark.', r.reporter_id,
        r.reporter_name, r.reporter_email, 'api', s.sev, s.sev,
        (array['one','team','many','everyone'])[1 + g % 4], g % 3 = 0, false, '["email"]'::jsonb,
        (array['new','acknowledged','in_progress','waiting_on_client'])[1 + g % 4], r.version_id,
        now() - (g % 2592000) * interval '1 second', now() - (g % 2592000) * interval '1 second',
        case when g % 4 = 0 then null else now() - (g % 2592000) * interval '1 second' + interval '10 minutes' end,
        now() + interval '30 days' + (g % 2592000) * interval '1 second',
        now() + interval '31 days' + (g % 2592000) * interval '1 second',
        now() + interval '30 days' + (g % 2592000) * interval '1 second', 1
      from generate_series(0, ${far - 1}) g
      join r on r.idx = g % ${RELATIONSHIPS} + 1
      cross join lateral (select (array['critical','high','high','medium','medium','medium','low','low','low','low'])[1 + g % 10] as sev) s`,
      params,
    );
    for (const i of indexes.rows) await c.query(i.def);
  });
  await step("timer_vacuum_analyze", () => c.query("vacuum analyze"));

  // 10,000 critical tickets raised 15 minutes before their response deadline (15m, 24x7), the
  // deadlines spread evenly over one minute; their 50 % and 75 % warnings already fired, so the
  // breach is all that is left. Each has its pg-boss wake-up call, as settle() queues it.
  const dueStart = Date.now() + DUE_LEAD_MS;
  const lastDue = dueStart + DUE_SPREAD_MS;
  const due = await c.query<{ id: string; relationship_id: string; at: string }>(
    `${R}
    , d as (select k, to_timestamp((${dueStart} + k * ${DUE_SPREAD_MS / TIMER_DUE}) / 1000.0) as at
            from generate_series(0, ${TIMER_DUE - 1}) k)
    insert into tickets (relationship_id, number, title, description, reporter_id, reporter_name,
      reporter_email, source, severity, suggested_severity, people_affected, workaround,
      critical_function_stopped, affected_systems, state, protocol_version_id, created_at,
      updated_at, response_due_at, resolution_due_at, next_check_at, revision)
    select r.rel, r.last + ${perRel} + d.k / ${RELATIONSHIPS} + 1,
      'Due ticket ' || d.k, 'The file server is down; nobody can open shared documents.',
      r.reporter_id, r.reporter_name, r.reporter_email, 'api', 'critical', 'critical', 'everyone',
      false, true, '["file server"]'::jsonb, 'new', r.version_id, d.at - interval '15 minutes',
      d.at - interval '15 minutes', d.at, d.at + interval '3 hours 45 minutes', d.at, 1
    from d join r on r.idx = d.k % ${RELATIONSHIPS} + 1
    returning id, relationship_id, (extract(epoch from next_check_at) * 1000)::bigint::text as at`,
    params,
  );
  await c.query("create temporary table due_tickets (id uuid primary key)");
  await c.query("insert into due_tickets select unnest($1::uuid[])", [due.rows.map((t) => t.id)]);
  await c.query(
    `insert into ticket_marks (ticket_id, mark, relationship_id, due_at, fired_at)
     select id, 'response:' || pct, relationship_id, created_at + interval '9 seconds' * pct,
       created_at + interval '9 seconds' * pct + interval '300 milliseconds'
     from tickets, (values (50), (75)) p(pct)
     where id in (select id from due_tickets)`,
  );
  await c.query(
    "update ticket_counters tc set last = (select max(number) from tickets t where t.relationship_id = tc.relationship_id)",
  );
  for (let i = 0; i < due.rows.length; i += 1000) {
    await jobs.boss.insert(
      due.rows.slice(i, i + 1000).map((t) => ({
        name: queueNames.ticketTimer,
        data: { ticketId: t.id, relationshipId: t.relationship_id },
        startAfter: new Date(Number(t.at)),
        singletonKey: `${t.id}:${t.at}`,
      })),
    );
  }
  await stopJobs();
  await c.query("analyze tickets");
  const counts = await c.query<{ open: string; jobs: string }>(
    `select (select count(*) from tickets where state <> 'closed') as open,
            (select count(*) from pgboss.job where name = $1 and state = 'created') as jobs`,
    [queueNames.ticketTimer],
  );
  out("timer_open_tickets", counts.rows[0]!.open, "tickets");
  out("timer_queued_jobs", counts.rows[0]!.jobs, "ticket-timer jobs");

  // The worker role, in this process: one worker process (4 timer handlers polling every 0.5 s,
  // deliveries, the minute sweep, pg-boss supervision), on the system clock.
  const log = pino({ level: "error" }, pino.destination(2));
  const workerStarted = Date.now();
  const worker = await startWorker(database, systemClock, log, { config });
  const stopWorker = closing(() => worker.stop());
  out("timer_worker_start", ((Date.now() - workerStarted) / 1000).toFixed(1), "s");
  out("timer_first_deadline_after_worker_up", ((dueStart - Date.now()) / 1000).toFixed(1), "s");
  const usage = await startUsage(c);
  const countFired = async () =>
    Number(
      (
        await c.query<{ n: string }>(
          `select count(*) as n from events
           where action = 'ticket.breached' and subject_id in (select id from due_tickets)`,
        )
      ).rows[0]!.n,
    );
  let fired = 0;
  while (Date.now() < lastDue + DUE_GRACE_MS && fired < TIMER_DUE) {
    await new Promise((r) => setTimeout(r, 1000));
    fired = await countFired();
  }
  const waitEnded = Date.now();
  const used = await usage.stop();
  const emails = await c.query<{ queued: string; attempted: string }>(
    `select count(*) as queued, count(*) filter (where attempts > 0) as attempted
     from outbox where kind = 'ticket.breached'`,
  );
  // A worker far behind would go on firing (and its sweep would not return) for minutes: take the
  // breaches still unfired off the schedule, so it stops after what it holds now.
  await c.query(
    "update tickets set next_check_at = null where id in (select id from due_tickets) and next_check_at <= now()",
  );
  await c.query(
    "update outbox set status = 'failed', last_error = 'benchmark: not sent' where status = 'pending'",
  );
  await stopWorker();

  const rows = await c.query<{ due: string; fired: string | null; sweep: boolean }>(
    `select (extract(epoch from t.response_due_at) * 1000)::bigint::text as due,
       (extract(epoch from (e.after->>'firedAt')::timestamptz) * 1000)::bigint::text as fired,
       coalesce(e.request_id = 'sweep', false) as sweep
     from tickets t
     left join events e on e.subject_id = t.id and e.action = 'ticket.breached'
       and (e.after->>'firedAt')::timestamptz <= to_timestamp(${waitEnded} / 1000.0)
     where t.id in (select id from due_tickets)`,
  );
  const all = rows.rows.map((r) => ({
    due: Number(r.due),
    fired: r.fired === null ? null : Number(r.fired),
  }));
  const done = all.filter((r) => r.fired !== null) as { due: number; fired: number }[];
  // Breaches not fired when the wait ended count as late as they were then (a lower bound).
  const late = all.map((r) => (r.fired ?? waitEnded) - r.due).sort((x, y) => x - y);
  const missing = all.length - done.length;
  const bound = missing ? ` (at least: ${missing} not fired when the wait ended)` : "";
  const firstDue = Math.min(...all.map((r) => r.due));
  const lastFired = Math.max(...done.map((r) => r.fired));
  const firstFired = Math.min(...done.map((r) => r.fired));
  out("timer_breaches_fired", `${done.length} of ${TIMER_DUE}`, "breaches");
  out("timer_breaches_by_sweep", rows.rows.filter((r) => r.sweep).length, "breaches");
  out("timer_lateness_p50", ms1(percentile(late, 50)), `ms${bound}`);
  out("timer_lateness_p99", ms1(percentile(late, 99)), `ms${bound}`);
  out("timer_lateness_max", ms1(late[late.length - 1] ?? NaN), `ms${bound}`);
  out(
    "timer_fire_all",
    missing ? `> ${((waitEnded - firstDue) / 1000).toFixed(1)}` : ((lastFired - firstDue) / 1000).toFixed(1),
    `s (first deadline to last breach; the deadlines span ${DUE_SPREAD_MS / 1000} s)`,
  );
  out(
    "timer_fire_rate",
    (done.length / Math.max(1, (lastFired - firstFired) / 1000)).toFixed(0),
    `breaches/s (needed: ${(TIMER_DUE / (DUE_SPREAD_MS / 1000)).toFixed(0)})`,
  );
  out(
    "timer_app_cpu_per_breach",
    (used.appCpuMs / done.length).toFixed(2),
    "ms (worker process, deliveries included)",
  );
  out("timer_postgres_cpu_per_breach", (used.pgCpuMs / done.length).toFixed(2), "ms");
  out("timer_app_event_loop_utilization", (used.elu * 100).toFixed(0), "%");
  out(
    "timer_breach_emails_attempted",
    `${emails.rows[0]!.attempted} of ${emails.rows[0]!.queued}`,
    "emails (no SMTP configured: each attempt fails at once)",
  );
  out("timer_machine_cpu", (used.machineCpu * 100).toFixed(0), `% of ${os.cpus().length} cores`);
  const met = !missing && percentile(late, 99) < 1000;
  out("timer_target", met ? "met" : "missed", "(all fired, p99 < 1000 ms)");
  await endClient();
}

// ---------------------------------------------------------------------------------------------
// Machine

const pgVersion = await admin(serverUrl, async (c) => {
  const v = (await c.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
  const s = await c.query<{ name: string; setting: string; unit: string | null }>(
    "select name, setting, unit from pg_settings where name in ('shared_buffers', 'synchronous_commit', 'fsync', 'max_connections')",
  );
  const busy = await c.query<{ n: string }>(
    "select count(*) as n from pg_stat_activity where state = 'active' and pid <> pg_backend_pid()",
  );
  const setting = (n: string) => s.rows.find((r) => r.name === n);
  const sb = setting("shared_buffers");
  return {
    version: v,
    settings: `shared_buffers ${Math.round((Number(sb?.setting) * 8) / 1024)} MB, synchronous_commit ${setting("synchronous_commit")?.setting}, fsync ${setting("fsync")?.setting}, max_connections ${setting("max_connections")?.setting}`,
    otherActive: Number(busy.rows[0]!.n),
  };
});
console.log(`cpu: ${os.cpus()[0]?.model ?? "unknown"}`);
console.log(`cores: ${os.cpus().length}`);
console.log(`memory: ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
console.log(`node: ${process.version}`);
console.log(`postgresql: ${pgVersion.version} (${pgVersion.settings})`);
console.log(
  `load_average_at_start: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(`other_active_sessions_at_start: ${pgVersion.otherActive}`);

await admin(serverUrl, (c) => c.query(`create database ${dbName}`));
let dropped = false;
const dropDatabase = async () => {
  if (dropped) return;
  dropped = true;
  await admin(serverUrl, (c) => c.query(`drop database if exists ${dbName} with (force)`));
};
process.once("SIGINT", () => {
  // Connections cut by the shutdown below must not crash the process before the drop.
  process.on("uncaughtException", () => {});
  void (async () => {
    for (const close of closers.reverse())
      await Promise.race([close().catch(() => {}), new Promise((r) => setTimeout(r, 5_000))]);
    await dropDatabase().catch(() => {});
  })().finally(() => process.exit(130));
});

try {
  await run();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  // Close whatever is still open (after a failure), newest first, then drop the database.
  for (const close of closers.reverse()) await close().catch(() => {});
  await dropDatabase();
}
out("peak_rss", Math.round(process.resourceUsage().maxRSS / 1024), "MiB");
