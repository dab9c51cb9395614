import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./server.ts";

/**
 * The server serves the web app from web/dist; build it when it is missing or older than its
 * sources, so the browser tests always exercise the current code. (An up-to-date build is left
 * alone: rebuilding renames the hashed assets under a server that is already running.)
 */
export default function setup(): void {
  const dist = path.join(repoRoot, "web", "dist", "index.html");
  const builtAt = fs.existsSync(dist) ? fs.statSync(dist).mtimeMs : 0;
  const sources = [path.join(repoRoot, "web", "src"), path.join(repoRoot, "web", "index.html")];
  const newest = Math.max(
    ...sources.map(newestMtime),
    fs.statSync(path.join(repoRoot, "web", "vite.config.ts")).mtimeMs,
  );
  if (builtAt >= newest) return;
  console.log(builtAt ? "web/dist is older than web/src: rebuilding…" : "web/dist is missing: building…");
  execFileSync(
    process.execPath,
    [
      path.join(repoRoot, "node_modules", "vite", "bin", "vite.js"),
      "build",
      "--config",
      "web/vite.config.ts",
      "--logLevel",
      "warn",
    ],
    {
      cwd: repoRoot,
      stdio: "inherit",
    },
  );
}

function newestMtime(file: string): number {
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(file).map((name) => newestMtime(path.join(file, name))));
}
