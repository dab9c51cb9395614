import fs from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { repoRoot } from "./server.ts";

/** Debian's Chromium; Playwright's own browser downloads do not work on these machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}; the browser tests need it. ` +
        "Install it with: apt-get update && apt-get install -y chromium",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Saves what the page showed when a test failed, to .tmp/e2e/<name>.png, and says where. */
export async function saveFailureScreenshot(page: Page, name: string): Promise<void> {
  const file = path.join(repoRoot, ".tmp", "e2e", `${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    await page.screenshot({ path: file, fullPage: true });
    console.error(`Screenshot of the failed test: ${file} (page: ${page.url()})`);
  } catch {
    // The page may already be gone; the assertion message is what matters.
  }
}
