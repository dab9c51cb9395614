// Runs after `npm install` / `npm ci`: builds the web app so `npm start` serves it at once.
// Skipped when the build tools are absent (an install with --omit=dev).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync("node_modules/vite") || !existsSync("web/vite.config.ts")) {
  console.log("liaison: skipping the web build (vite or web/ not present)");
  process.exit(0);
}
const r = spawnSync("npx", ["vite", "build", "--config", "web/vite.config.ts", "--logLevel", "warn"], {
  stdio: "inherit",
});
process.exit(r.status ?? 1);
