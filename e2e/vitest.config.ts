import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Browser tests: a real Liaison server (child process, fresh embedded database with the demo
// data) driven through Debian's Chromium. Run with `TZ=UTC npm run test:e2e`.
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["e2e/**/*.test.ts"],
    globalSetup: ["e2e/support/global-setup.ts"],
    testTimeout: 60_000,
    // Starting the server (migrations + demo data on a new folder) and the browser.
    hookTimeout: 120_000,
    // Each file starts its own server and browser; running files one at a time keeps the
    // machine's load (and the timings) predictable.
    fileParallelism: false,
    reporters: ["default"],
  },
});
