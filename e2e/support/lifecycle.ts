import type { Browser, BrowserContext } from "playwright-core";
import { launchBrowser } from "./browser.ts";
import { type LiaisonServer, type StartOptions, startServer } from "./server.ts";

/**
 * Starts the server and the browser at once (the server's first start takes a few seconds). If
 * one fails, the other is still returned so the test file's afterAll can stop it.
 */
export async function startServerAndBrowser(
  options: StartOptions = {},
): Promise<{ server?: LiaisonServer; browser?: Browser; failure?: unknown }> {
  const [started, launched] = await Promise.allSettled([startServer(options), launchBrowser()]);
  const failure =
    launched.status === "rejected"
      ? launched.reason
      : started.status === "rejected"
        ? started.reason
        : undefined;
  return {
    ...(started.status === "fulfilled" ? { server: started.value } : {}),
    ...(launched.status === "fulfilled" ? { browser: launched.value } : {}),
    ...(failure === undefined ? {} : { failure }),
  };
}

/** Closes a test file's browser contexts, then the browser and the server, whichever were started. */
export async function stopAll(
  contexts: BrowserContext[],
  browser?: Browser,
  server?: LiaisonServer,
): Promise<void> {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
}
