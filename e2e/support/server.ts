import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** A Liaison server running as a child process for one test file. */
export interface LiaisonServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  dataDir: string;
  /** The server's recent output, for failure messages. */
  output: () => string;
  /** SIGTERM, wait for exit (SIGKILL after 10 s), remove the data folder. */
  stop: () => Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

export interface StartOptions {
  /**
   * Runs on the fresh data folder before the server starts, e.g. `liaison` commands (runCli) that
   * create a test's own organizations and people. The embedded database allows one process at a
   * time, so this is the moment operator commands can run. A folder prepared this way is not
   * empty, so the demo data is not loaded.
   */
  prepare?: (dataDir: string) => Promise<void>;
}

/** The environment of every child process: the test decides where data lives and which port is used. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn", TZ: "UTC" };
  for (const name of ["DATABASE_URL", "PORT", "HOST", "LIAISON_DATA_DIR", "LIAISON_DEMO", "PUBLIC_URL"]) {
    delete env[name];
  }
  return env;
}

/**
 * Starts `liaison start` on a free port with a fresh data folder; the first start of a new
 * folder runs the migrations and loads the demo data (unless `prepare` put data there first).
 * Resolves once GET /readyz answers 200.
 */
export async function startServer(options: StartOptions = {}): Promise<LiaisonServer> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "liaison-e2e-"));
  if (options.prepare) {
    try {
      await options.prepare(dataDir);
    } catch (error) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }
  const env = childEnv();
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, "bin", "liaison.js"), "start", "--port", String(port), "--data-dir", dataDir],
    { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);

  const url = `http://127.0.0.1:${port}`;
  const server: LiaisonServer = {
    url,
    dataDir,
    output: () => log,
    stop: () => stopChild(child).finally(() => fs.rmSync(dataDir, { recursive: true, force: true })),
  };
  try {
    await waitForReady(url, child, () => log);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/**
 * Runs one `liaison` command on a data folder (no server may hold it) and resolves with its
 * standard output; `input` is written to its standard input (e.g. for --password-stdin).
 */
export function runCli(dataDir: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, "bin", "liaison.js"), ...args, "--data-dir", dataDir],
      {
        cwd: repoRoot,
        env: childEnv(),
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`liaison ${args.join(" ")} exited ${code}:\n${err}${out}`)),
    );
    child.stdin.end(input ?? "");
  });
}

async function waitForReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `The Liaison server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log()}`,
      );
    }
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `readyz answered ${response.status}: ${await response.text()}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    // Polling a process we do not control: this interval paces the retries, it is not a
    // guess at how long anything takes.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The Liaison server was not ready after ${READY_TIMEOUT_MS / 1000} s (${last}):\n${log()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** A TCP port nobody is listening on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not find a free port"));
      });
    });
  });
}
