/**
 * The `liaison` command as people run it: real processes on a real data folder. Covers exit codes,
 * configuration errors, the data-folder lock, and `audit verify` naming a tampered event.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/core/db/index.ts";
import { acquireDataDirLock, DataDirLockedError } from "../src/core/db/lock.ts";

const bin = path.resolve("bin/liaison.js");
const cleanEnv = { ...process.env, DATABASE_URL: "", LIAISON_DATA_DIR: "", PORT: "", LOG_LEVEL: "warn" };
for (const k of ["DATABASE_URL", "LIAISON_DATA_DIR", "PORT"])
  delete (cleanEnv as Record<string, string | undefined>)[k];

function liaison(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    env: cleanEnv,
    input,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

/**
 * Starts a long-running `liaison` process and waits (up to 60 s) until its output says `ready`.
 * `stop()` sends SIGTERM and resolves with the exit code.
 */
async function startLiaison(args: string[], ready: string) {
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], {
    env: cleanEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c) => {
    out += c;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!out.includes(ready) && child.exitCode === null && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "liaison-cli-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("liaison CLI", () => {
  it("prints help (exit 0) and refuses unknown commands and options (exit 2, one line on stderr)", () => {
    const help = liaison(["--help"]);
    expect(help.code).toBe(0);
    for (const cmd of ["start", "migrate", "demo", "user", "audit"]) expect(help.stdout).toContain(cmd);
    const bad = liaison(["frobnicate"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown command/);
    expect(liaison(["start", "--colour", "blue"]).code).toBe(2);
  });

  it("lists every configuration problem at once and exits 1", () => {
    const r = liaison(["start", "--port", "http", "--log-level", "loud", "--data-dir", dir], undefined);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--port");
    expect(r.stderr).toContain("--log-level");
    const env = spawnSync(process.execPath, [bin, "migrate"], {
      env: { ...cleanEnv, DATABASE_URL: "mysql://x", LOG_LEVEL: "chatty" },
      encoding: "utf8",
    });
    expect(env.status).toBe(1);
    expect(env.stderr).toContain("DATABASE_URL");
    expect(env.stderr).toContain("LOG_LEVEL");
  });

  it("migrates, loads demo data, adds a person and issues a reset link", () => {
    const data = path.join(dir, "one");
    expect(liaison(["migrate", "--data-dir", data]).code).toBe(0);
    const demo = liaison(["demo", "--data-dir", data]);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/Loaded 5 organizations/);
    const again = liaison(["demo", "--data-dir", data]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already loaded");
    const add = liaison([
      "user",
      "create",
      "--data-dir",
      data,
      "--email",
      "ops@harborfoodbank.example",
      "--name",
      "Ops Person",
      "--org",
      "Harbor Food Bank",
      "--role",
      "approver",
    ]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/\/setup\?token=/);
    const badRole = liaison([
      "user",
      "create",
      "--data-dir",
      data,
      "--email",
      "x@y.example",
      "--name",
      "X",
      "--org",
      "Harbor Food Bank",
      "--role",
      "boss",
    ]);
    expect(badRole.code).toBe(2);
    const reset = liaison([
      "user",
      "reset-password",
      "--data-dir",
      data,
      "--email",
      "ben@harborfoodbank.example",
      "--public-url",
      "https://liaison.example.org",
    ]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain("https://liaison.example.org/setup?token=");
    const set = liaison(
      [
        "user",
        "reset-password",
        "--data-dir",
        data,
        "--email",
        "ben@harborfoodbank.example",
        "--password-stdin",
      ],
      "a brand new password\n",
    );
    expect(set.code, set.stderr).toBe(0);
    const verify = liaison(["audit", "verify", "--data-dir", data]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/Audit trail intact: \d+ events/);
  });

  it("creates organizations and a relationship for a real install", () => {
    const data = path.join(dir, "fresh");
    const client = liaison([
      "org",
      "create",
      "--data-dir",
      data,
      "--name",
      "Pinecrest Dental",
      "--kind",
      "client",
      "--size",
      "25",
    ]);
    expect(client.code, client.stderr).toBe(0);
    expect(client.stdout).toContain("Created client organization Pinecrest Dental");
    expect(
      liaison(["org", "create", "--data-dir", data, "--name", "Summit IT", "--kind", "provider"]).code,
    ).toBe(0);
    expect(liaison(["org", "create", "--data-dir", data, "--name", "X", "--kind", "vendor"]).code).toBe(2);
    const rel = liaison([
      "relationship",
      "create",
      "--data-dir",
      data,
      "--client",
      "Pinecrest Dental",
      "--provider",
      "Summit IT",
    ]);
    expect(rel.code, rel.stderr).toBe(0);
    expect(rel.stdout).toContain("Pinecrest Dental ↔ Summit IT");
    const twice = liaison([
      "relationship",
      "create",
      "--data-dir",
      data,
      "--client",
      "Pinecrest Dental",
      "--provider",
      "Summit IT",
    ]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("already have a relationship");
    const swapped = liaison([
      "relationship",
      "create",
      "--data-dir",
      data,
      "--client",
      "Summit IT",
      "--provider",
      "Pinecrest Dental",
    ]);
    expect(swapped.code).toBe(1);
    expect(swapped.stderr).toContain("must be a client organization");
    const admin = liaison(
      [
        "user",
        "create",
        "--data-dir",
        data,
        "--email",
        "office@pinecrest.example",
        "--name",
        "Office Manager",
        "--org",
        "Pinecrest Dental",
        "--role",
        "it_contact",
        "--admin",
        "--password-stdin",
      ],
      "the first admin password\n",
    );
    expect(admin.code, admin.stderr).toBe(0);
  });

  it("names the tampered event when a stored event is changed", async () => {
    const data = path.join(dir, "one");
    const database = await openDatabase({ kind: "pglite", dataDir: data });
    const res = (await database.db.execute(
      sql`select id, chain, seq from events where action = 'membership.created' order by occurred_at limit 1`,
    )) as unknown as { rows: { id: string; chain: string; seq: number }[] };
    const victim = res.rows[0]!;
    await database.db.execute(
      sql`update events set after = jsonb_set(after, '{role}', '"executive"') where id = ${victim.id}`,
    );
    await database.close();
    const verify = liaison(["audit", "verify", "--data-dir", data]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(`chain ${victim.chain} at event #${victim.seq} (id ${victim.id})`);
  });
});

describe("process roles", () => {
  it("runs a worker without the HTTP server, and stops cleanly on SIGTERM", async () => {
    const data = path.join(dir, "worker");
    expect(liaison(["migrate", "--data-dir", data]).code).toBe(0);
    const port = await freePort();
    const worker = await startLiaison(
      ["start", "--role", "worker", "--data-dir", data, "--port", String(port)],
      "worker started",
    );
    expect(worker.output()).toContain("Liaison worker started (role worker)");
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    expect(await worker.stop()).toBe(0);
    expect(fs.existsSync(path.join(data, "liaison.lock"))).toBe(false);
  });
});

describe("data folder lock", () => {
  it("refuses a second holder in the same process and takes over a lock left by a dead process", () => {
    const data = path.join(dir, "lock-unit");
    const lock = acquireDataDirLock(data);
    expect(() => acquireDataDirLock(data)).toThrow(DataDirLockedError);
    lock.release();
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    });
    fs.writeFileSync(
      path.join(data, "liaison.lock"),
      JSON.stringify({ pid: Number(dead.stdout), host: os.hostname(), startedAt: "then" }),
    );
    const taken = acquireDataDirLock(data);
    taken.release();
    expect(fs.existsSync(path.join(data, "liaison.lock"))).toBe(false);
  });

  it("makes a second process on a running server's folder exit with a clear message, losing nothing", async () => {
    const data = path.join(dir, "lock-live");
    const port = await freePort();
    const server = await startLiaison(
      ["start", "--data-dir", data, "--port", String(port)],
      "Liaison is running",
    );
    try {
      expect(server.output()).toContain(`http://localhost:${port}`);
      expect(server.output()).toContain("victor@cascade-precision.example");
      const second = liaison(["migrate", "--data-dir", data]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain("is in use by another Liaison process");
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "victor@cascade-precision.example", password: "liaison-demo" }),
      });
      expect(login.status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(fs.existsSync(path.join(data, "liaison.lock"))).toBe(false);
    const verify = liaison(["audit", "verify", "--data-dir", data]);
    expect(verify.code, verify.stderr).toBe(0);
  });
});

describe("protocol and calendar commands", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liaison-protocol-"));
  const file = path.join(dir, "protocol.yaml");

  it("prints the template, validates it, and exits 1 with located messages for a broken one", () => {
    const template = liaison(["protocol", "template"]);
    expect(template.code).toBe(0);
    expect(template.stdout).toContain("critical:");
    fs.writeFileSync(file, template.stdout);
    const ok = liaison(["protocol", "validate", file]);
    expect(ok).toMatchObject({ code: 0, stdout: `${file}: valid.\n` });

    const broken = path.join(dir, "broken.yaml");
    const text = template.stdout
      .replace("response: { within: 15m", "response: { within: 15 minuts")
      .replace('wed: ["08:00-12:00"', 'wed: ["08:00-12:60"');
    fs.writeFileSync(broken, text);
    const bad = liaison(["protocol", "validate", broken]);
    expect(bad.code).toBe(1);
    const lines = bad.stderr.trim().split("\n");
    const line = (needle: string) => text.slice(0, text.indexOf(needle)).split("\n").length;
    expect(lines[1]).toMatch(
      new RegExp(
        `^${broken}:${line("15 minuts")}:\\d+: error: severities\\.critical\\.response\\.within: '15 minuts' is not a duration`,
      ),
    );
    expect(lines[0]).toContain(`${broken}:${line("08:00-12:60")}:`);
    expect(lines[0]).toContain("'08:00-12:60' is not a time range");
    expect(lines.at(-1)).toBe(`liaison: ${broken}: 2 problems.`);
    expect(liaison(["protocol", "validate", path.join(dir, "missing.yaml")])).toMatchObject({ code: 1 });
  });

  it("computes due times from JSON lines on the protocol's business calendar", () => {
    fs.writeFileSync(file, liaison(["protocol", "template"]).stdout);
    const input = [
      { start: "2026-11-20T21:30:00Z", seconds: 3600 }, // Friday 16:30 New York + 1 business hour → Monday 08:30
      { start: "2026-11-25T15:00:00Z", seconds: 8 * 3600 }, // Wednesday 10:00, Thanksgiving and the day after closed
      { start: "2026-03-06T21:00:00Z", seconds: 2 * 3600 }, // Friday 16:00 EST → Monday 09:00 EDT after the DST change
    ]
      .map((l) => JSON.stringify(l))
      .join("\n");
    const r = liaison(["calendar", "due", "--protocol", file], `${input}\n`);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).due),
    ).toEqual(["2026-11-23T13:30:00.000Z", "2026-11-30T15:00:00.000Z", "2026-03-09T13:00:00.000Z"]);
    const bad = liaison(
      ["calendar", "due", "--protocol", file],
      '{"start":"2026-11-20T21:30:00Z","seconds":60}\nnot json\n',
    );
    expect(bad.code).toBe(1);
    expect(bad.stdout.trim().split("\n")[1]).toBe('{"error":"line 2: not JSON"}');
  });
});
