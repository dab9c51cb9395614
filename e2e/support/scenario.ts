import { expect } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { saveFailureScreenshot } from "./browser.ts";
import { runCli } from "./server.ts";

/**
 * The steps every browser test's scenario shares: people created with the operator commands
 * before the server starts, the API as a script would use it for setting up, and pages opened
 * and signed in the way people do.
 */

export interface Person {
  name: string;
  email: string;
  role: string;
}

export async function addPerson(dataDir: string, org: string, p: Person, password: string): Promise<void> {
  await runCli(
    dataDir,
    [
      "user",
      "create",
      "--email",
      p.email,
      "--name",
      p.name,
      "--org",
      org,
      "--role",
      p.role,
      "--password-stdin",
    ],
    password,
  );
}

export interface ApiSession {
  baseUrl: string;
  cookie: string;
  csrf: string;
}

export async function apiSignIn(baseUrl: string, email: string, password: string): Promise<ApiSession> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  expect(response.status, `sign-in of ${email}`).toBe(200);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { baseUrl, cookie, csrf: csrfToken };
}

export async function api<T>(as: ApiSession, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${as.baseUrl}/api/v1${path}`, {
    method,
    headers: {
      cookie: as.cookie,
      "x-csrf-token": as.csrf,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Version 1 of a relationship's protocol (the default template) proposed by the provider's
 * account manager and signed by both sides; answers the relationship's id.
 */
export async function signFirstProtocol(provider: ApiSession, client: ApiSession, clientName: string) {
  const me = await api<{ relationships: { id: string; client: { name: string } }[] }>(provider, "GET", "/me");
  const id = me.relationships.find((r) => r.client.name === clientName)!.id;
  const overview = await api<{ open: { id: string; documentSha256: string } }>(
    provider,
    "GET",
    `/relationships/${id}/protocol`,
  );
  const v1 = overview.open;
  await api(provider, "POST", `/relationships/${id}/protocol/versions/${v1.id}/propose`, {});
  for (const who of [provider, client])
    await api(who, "POST", `/relationships/${id}/protocol/versions/${v1.id}/sign`, {
      documentSha256: v1.documentSha256,
    });
  return id;
}

export interface OpenPage {
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
}

/**
 * A new browser context and page on the server. A fixed locale and zone (UTC), so times read the
 * same on every machine; protocols in another zone then show both. A failing test keeps a
 * screenshot.
 */
export async function openPage(
  browser: Browser,
  baseURL: string,
  contexts: BrowserContext[],
  onTestFailed: (fn: () => Promise<void>) => void,
  name: string,
  viewport = { width: 1280, height: 900 },
): Promise<OpenPage> {
  const context = await browser.newContext({ viewport, baseURL, locale: "en-US", timezoneId: "UTC" });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  page.on("console", (m) => {
    // The session probe on the sign-in page answers 401 by design.
    if (m.type() === "error" && !/status of 401/.test(m.text())) errors.push(m.text());
  });
  onTestFailed(() => saveFailureScreenshot(page, name));
  return { page, errors };
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/r\/[0-9a-f-]{36}/);
}
