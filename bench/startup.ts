/**
 * Start-up time: from `npm start` to `/readyz` answering 200, on a fresh data folder (migrations
 * and demo data included) and on a second start of the same folder. Prints `name: value unit`.
 * Run: npx tsx bench/startup.ts
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

async function timeToReady(dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    "npm",
    ["start", "--silent", "--", "--data-dir", dataDir, "--port", String(port), "--log-level", "warn"],
    {
      stdio: "ignore",
      detached: true,
    },
  );
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.status === 200) return (performance.now() - started) / 1000;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 120_000) throw new Error("not ready after 120 s");
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(-child.pid!, "SIGTERM");
    await exited;
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liaison-bench-"));
console.log(
  `machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
);
console.log(`first_start_ready: ${(await timeToReady(path.join(dir, "data"))).toFixed(2)} s`);
const later: number[] = [];
for (let i = 0; i < 3; i++) later.push(await timeToReady(path.join(dir, "data")));
console.log(`later_start_ready_median: ${later.sort((a, b) => a - b)[1]!.toFixed(2)} s`);
fs.rmSync(dir, { recursive: true, force: true });
