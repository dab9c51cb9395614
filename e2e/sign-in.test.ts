import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { saveFailureScreenshot } from "./support/browser.ts";
import { startServerAndBrowser, stopAll } from "./support/lifecycle.ts";
import type { LiaisonServer } from "./support/server.ts";

// Demo data (loaded on the first start of a fresh data folder): Victor is the IT point of
// contact and an admin of Cascade Precision Manufacturing, which has two providers.
const VICTOR = "victor@cascade-precision.example";
const BEN = "ben@harborfoodbank.example";
const PASSWORD = "liaison-demo";
const CLIENT = "Cascade Precision Manufacturing";
const PROVIDERS = ["Northwind Managed IT", "Bluefin Technology Partners"];

let server: LiaisonServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const started = await startServerAndBrowser();
  server = started.server!;
  browser = started.browser!;
  if (started.failure) throw started.failure;
});

afterAll(() => stopAll(contexts, browser, server));

async function openPage(
  onTestFailed: (fn: () => Promise<void>) => void,
  name: string,
  viewport = { width: 1280, height: 800 },
): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: server.url });
  contexts.push(context);
  const page = await context.newPage();
  onTestFailed(() => saveFailureScreenshot(page, name));
  return page;
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The relationship id in a /r/:id… address. */
function relationshipIdOf(url: string): string {
  const id = /\/r\/([^/?#]+)/.exec(new URL(url).pathname)?.[1];
  if (!id) throw new Error(`not a relationship page: ${url}`);
  return id;
}

describe("signing in and following a relationship", () => {
  test("Victor signs in, switches to his other provider and opens an audit event", async ({
    onTestFailed,
  }) => {
    const page = await openPage(onTestFailed, "victor-flow");

    // Signed out: any page leads to the sign-in form.
    await page.goto("/");
    await page.waitForURL((url) => url.pathname === "/login");
    await signIn(page, VICTOR, PASSWORD);

    // The first relationship's overview: both parties and the side Victor is on.
    await page.waitForURL(/\/r\/[0-9a-f-]{36}$/);
    const heading = page.getByRole("heading", { level: 1 });
    await heading.filter({ hasText: `${CLIENT} ↔` }).waitFor();
    const firstTitle = (await heading.textContent()) ?? "";
    const firstProvider = PROVIDERS.find((p) => firstTitle.endsWith(p));
    expect(firstProvider, `overview title "${firstTitle}" names one of Victor's providers`).toBeDefined();
    const otherProvider = PROVIDERS.find((p) => p !== firstProvider)!;
    await page.getByRole("heading", { level: 2, name: firstProvider }).waitFor();
    await page.getByText("Your side").waitFor();
    await page.getByText("(you)").waitFor();
    const firstId = relationshipIdOf(page.url());

    // Switch with the relationship switcher in the header.
    await page.getByRole("combobox", { name: "Relationship" }).click();
    await page.getByRole("option", { name: new RegExp(`${CLIENT} ↔ ${otherProvider}`) }).click();
    await page.waitForURL(
      (url) => /^\/r\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.includes(firstId),
    );
    await heading.filter({ hasText: `${CLIENT} ↔ ${otherProvider}` }).waitFor();
    await page.getByRole("heading", { level: 2, name: otherProvider }).waitFor();
    expect(await page.getByRole("heading", { level: 2, name: firstProvider }).count()).toBe(0);
    const secondId = relationshipIdOf(page.url());

    // The audit trail of this relationship: the demo data recorded its creation.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit trail" }).click();
    await page.waitForURL((url) => url.pathname === `/r/${secondId}/audit`);
    await page.getByRole("heading", { level: 1, name: "Audit trail" }).waitFor();
    const showDetails = page.getByRole("button", { name: "Show details" });
    await showDetails.first().waitFor();
    expect(await showDetails.count()).toBeGreaterThanOrEqual(1);
    await page.getByText("started the relationship").first().waitFor();

    // Open the newest event's details: what was recorded and its place in the hash chain.
    await showDetails.first().click();
    const hideDetails = page.getByRole("button", { name: "Hide details" }).first();
    await hideDetails.waitFor();
    expect(await hideDetails.getAttribute("aria-expanded")).toBe("true");
    const details = page.locator(`#${await hideDetails.getAttribute("aria-controls")}`);
    await details.getByText("Hash", { exact: true }).waitFor();
    const hash = await details.locator("dt:text-is('Hash') + dd").textContent();
    expect(hash?.trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  test("a wrong password shows the server's message and stays on the sign-in page", async ({
    onTestFailed,
  }) => {
    const page = await openPage(onTestFailed, "wrong-password");
    await page.goto("/login");
    const answer = page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/login"));
    await signIn(page, VICTOR, "not-the-password");
    const response = await answer;
    expect(response.status()).toBe(401);
    const problem = (await response.json()) as { detail: string };
    expect(problem.detail).toBeTruthy();

    const alert = page.getByRole("alert").filter({ hasText: problem.detail });
    await alert.waitFor();
    expect(await alert.textContent()).toContain(problem.detail);
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.getByLabel("Password", { exact: true }).waitFor();
  });

  test("on a phone, the navigation opens from the menu button and shows only what the user may use", async ({
    onTestFailed,
  }) => {
    const page = await openPage(onTestFailed, "phone-navigation", { width: 390, height: 844 });
    await page.goto("/login");
    await signIn(page, BEN, PASSWORD);
    await page.waitForURL(/\/r\/[0-9a-f-]{36}$/);
    await page.getByRole("heading", { level: 1, name: /↔/ }).waitFor();

    const nav = page.getByRole("navigation", { name: "Main" });
    const menu = page.getByRole("button", { name: "Open navigation" });
    await menu.click();
    await nav.getByRole("link", { name: /Reports/ }).waitFor();
    // Ben is an end user without admin rights: no API tokens, no People pages.
    expect(await nav.getByRole("link", { name: "API tokens" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: /^People — / }).count()).toBe(0);
    // On-call is built: its sections are there for the client too; the schedules are the provider's.
    await nav.getByRole("link", { name: "Restoration plans" }).waitFor();
    expect(await nav.getByRole("link", { name: /^On-call schedules — / }).count()).toBe(0);

    // The meetings are not for end users: no Touchpoints section.
    expect(await nav.getByRole("group", { name: "Touchpoints" }).count()).toBe(0);

    // A module that is not built yet says so, and choosing it closes the navigation.
    await nav.getByRole("link", { name: /Reports/ }).click();
    await page.waitForURL(/\/r\/[0-9a-f-]{36}\/reports$/);
    await page.getByRole("heading", { level: 1, name: "Reports" }).waitFor();
    await page.getByText("Reports is not available yet").waitFor();
    await page.getByRole("button", { name: "Open navigation" }).waitFor();
  });
});
