import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startServerAndBrowser, stopAll } from "./support/lifecycle.ts";
import {
  addPerson as addPersonAs,
  apiSignIn as apiSignInAs,
  openPage as openPageIn,
  type Person,
  signFirstProtocol,
  signIn as signInAs,
} from "./support/scenario.ts";
import { type LiaisonServer, runCli } from "./support/server.ts";

// One relationship of this file's own, created with the operator commands before the server
// starts; its first protocol version (the default template: significant changes need the client's
// approver and IT contact, five business days of notice) is signed by both sides through the API.
const PASSWORD = "changes-e2e-password";
const PROVIDER = "Heron IT Partners";
const CLIENT = "Birchwood Dental";
const AM = { name: "Ines Carvalho", email: "ines@heron-it.example", role: "account_manager" };
/** The template's escalation ladder needs someone who can hold its senior technician level. */
const SENIOR = { name: "Tomasz Wiśniewski", email: "tomasz@heron-it.example", role: "senior_technician" };
const EXEC = { name: "Omar Haddad", email: "omar@birchwood-dental.example", role: "executive" };
const APPROVER = { name: "Priya Natarajan", email: "priya@birchwood-dental.example", role: "approver" };
const IT = { name: "Lars Eriksen", email: "lars@birchwood-dental.example", role: "it_contact" };
/** The protocol template's time zone: change windows are typed and shown in it. */
const ZONE = "America/New_York";

/**
 * Live changes must arrive well before the 30 s polling fallback would fetch them: a wait this
 * long proves the server-sent ping did the work.
 */
const LIVE_MS = 10_000;

let server: LiaisonServer;
let browser: Browser;
let relationshipId: string;
const contexts: BrowserContext[] = [];

const addPerson = (dataDir: string, org: string, p: Person) => addPersonAs(dataDir, org, p, PASSWORD);
const apiSignIn = (email: string) => apiSignInAs(server.url, email, PASSWORD);
const openPage = (
  onTestFailed: (fn: () => Promise<void>) => void,
  name: string,
  viewport?: { width: number; height: number },
) => openPageIn(browser, server.url, contexts, onTestFailed, name, viewport);
const signIn = (page: Page, email: string) => signInAs(page, email, PASSWORD);

async function createTenants(dataDir: string): Promise<void> {
  await runCli(dataDir, ["org", "create", "--name", PROVIDER, "--kind", "provider"]);
  for (const p of [AM, SENIOR]) await addPerson(dataDir, PROVIDER, p);
  await runCli(dataDir, ["org", "create", "--name", CLIENT, "--kind", "client"]);
  for (const p of [EXEC, APPROVER, IT]) await addPerson(dataDir, CLIENT, p);
  await runCli(dataDir, ["relationship", "create", "--client", CLIENT, "--provider", PROVIDER]);
}

// --- The API, as a script would use it, for setting up ------------------------------------------

beforeAll(async () => {
  const started = await startServerAndBrowser({ prepare: createTenants });
  server = started.server!;
  browser = started.browser!;
  if (started.failure) throw started.failure;
  relationshipId = await signFirstProtocol(await apiSignIn(AM.email), await apiSignIn(EXEC.email), CLIENT);
});

afterAll(() => stopAll(contexts, browser, server));

// --- Dates ---------------------------------------------------------------------------------------

/** Today's date in `zone`, as YYYY-MM-DD. */
function todayIn(zone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date());
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/**
 * The first Sunday at least three weeks away (in the protocol's zone): inside the template's
 * weekly patch window (Sundays 02:00–06:00) and well past the five business days of notice a
 * significant change needs, so the check shows no conflict.
 */
function plannedSunday(): string {
  const day = new Date(`${todayIn(ZONE)}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 21);
  while (day.getUTCDay() !== 0) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

const dayLabel = (date: string) =>
  new Intl.DateTimeFormat("en-US", {
    timeZone: "UTC",
    weekday: "long",
    month: "long",
    day: "numeric",
    year: "numeric",
  }).format(new Date(`${date}T12:00:00Z`));
const monthLabel = (date: string) =>
  new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "long", year: "numeric" }).format(
    new Date(`${date}T12:00:00Z`),
  );

// --- The browser ---------------------------------------------------------------------------

/** Opens the changes list and waits until the live stream is subscribed. */
async function openChangesLive(page: Page): Promise<void> {
  const stream = page.waitForResponse((r) => r.url().endsWith("/api/v1/notifications/stream"));
  await page.goto(`/r/${relationshipId}/changes`);
  expect((await stream).status()).toBe(200);
  await page.getByRole("heading", { level: 1, name: "Changes" }).waitFor();
}

/** The client person approves the change from their queue. */
async function approveFromQueue(page: Page, title: string): Promise<void> {
  await openChangesLive(page);
  const queue = page.getByRole("region", { name: "Waiting for your decision" });
  await queue.getByRole("link", { name: title }).click();
  await page.getByRole("heading", { level: 1, name: `CHG-1 ${title}` }).waitFor();
  await page
    .getByRole("group", { name: "Actions on this change" })
    .getByRole("button", { name: "Approve" })
    .click();
  const dialog = page.getByRole("dialog", { name: "Approve CHG-1" });
  await dialog.getByLabel("Note (optional)").fill("Fine by us on a Sunday night.");
  await dialog.getByRole("button", { name: "Approve" }).click();
  await dialog.waitFor({ state: "hidden" });
}

/** Marks the document, so a later check can tell it was never reloaded. */
const markDocument = (page: Page) => page.evaluate("window.__sameDocument = true");
const sameDocument = (page: Page) => page.evaluate<boolean>("window.__sameDocument === true");

const TITLE = "Replace the practice-management server";
const SUNDAY = plannedSunday();

describe("changes", () => {
  test("the provider proposes a significant change and sees who must approve it and the notice plan; the client's approver and IT contact each approve it; it shows approved, and the calendar shows it on its day", async ({
    onTestFailed,
  }) => {
    // Ines, the provider's account manager, plans the change.
    const provider = await openPage(onTestFailed, "changes-provider");
    const p = provider.page;
    await signIn(p, AM.email);
    await p.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Changes" }).click();
    await p.waitForURL((url) => url.pathname === `/r/${relationshipId}/changes`);
    await p.getByRole("link", { name: "Propose a change" }).click();
    await p.getByRole("heading", { level: 1, name: "Propose a change" }).waitFor();

    const form = p.getByRole("form", { name: "Change request" });
    // Each class shows the protocol's rule for it.
    const significant = form.getByRole("radio", { name: "Significant" });
    await form.getByText("Needs the approval of each of: Approver and IT point of contact.").waitFor();
    await significant.click();
    expect(await significant.getAttribute("aria-checked")).toBe("true");
    await form.getByLabel("Title").fill(TITLE);
    await form
      .getByLabel("What changes")
      .fill("The old tower server is replaced by a new one; the practice-management database moves to it.");
    await form
      .getByLabel("Why it is needed")
      .fill("The old server's warranty has ended and its disks are failing.");
    await form
      .getByLabel("Expected impact")
      .fill("Scheduling and patient records are unavailable during the move.");
    await form.getByLabel("Planned start").fill(`${SUNDAY}T03:00`);
    await form.getByLabel("Planned end").fill(`${SUNDAY}T05:00`);
    await form.getByLabel("Expected downtime (minutes)").fill("90");
    await form.getByText("Medium", { exact: true }).click();
    await form
      .getByLabel("Rollback plan")
      .fill("Switch the old server back on; it keeps its data until Monday.");
    const systems = form.getByLabel("Affected systems");
    await systems.fill("Practice-management server");
    await systems.press("Enter");

    // The live check: no conflict, the rule naming the approver and the IT contact, the notices.
    const check = p.getByRole("region", { name: "Check against the protocol" });
    await check.getByTestId("no-conflicts").waitFor();
    const rule = check.getByTestId("approval-rule");
    await rule
      .getByText("Significant change: it needs approval from an approver and an IT point of contact.")
      .waitFor();
    await rule.getByText("Approver", { exact: true }).waitFor();
    await rule.getByText("IT point of contact", { exact: true }).waitFor();
    const plan = check.getByRole("region", { name: "Notice plan" });
    expect(await plan.getByRole("listitem").count()).toBeGreaterThan(1);
    await plan.locator('[data-notice="advance"]').waitFor();
    // The notice Liaison would write is offered as the placeholder of the notice field.
    const placeholder = await form.getByLabel("Notice to affected people").getAttribute("placeholder");
    expect(placeholder).toMatch(/Practice-management server/);

    await form.getByRole("button", { name: "Propose" }).click();
    await p.getByRole("heading", { level: 1, name: `CHG-1 ${TITLE}` }).waitFor();
    const changePath = new URL(p.url()).pathname;
    expect(changePath).toMatch(new RegExp(`^/r/${relationshipId}/changes/[0-9a-f-]{36}$`));
    const header = p.getByTestId("change-header");
    await header.getByText("Significant", { exact: true }).waitFor();
    await header.getByText("Proposed", { exact: true }).waitFor();
    await p
      .getByTestId("approval-status")
      .getByText("Waiting for Approver and IT point of contact")
      .waitFor();
    await p.getByRole("region", { name: "Notices" }).getByRole("table").waitFor();
    await markDocument(p);

    // Priya, the client's approver, approves it from her queue: it still waits for the IT contact.
    const approver = await openPage(onTestFailed, "changes-approver");
    const a = approver.page;
    await signIn(a, APPROVER.email);
    await approveFromQueue(a, TITLE);
    await a.getByTestId("approval-status").getByText("Waiting for IT point of contact").waitFor();
    await a.getByTestId("change-header").getByText("Proposed", { exact: true }).waitFor();
    await a.getByRole("region", { name: "Approval" }).getByText(APPROVER.name).waitFor();

    // Ines's page follows without a reload.
    await p
      .getByTestId("approval-status")
      .getByText("Waiting for IT point of contact")
      .waitFor({ timeout: LIVE_MS });

    // Lars, the IT contact, approves too: every role has, so the change is approved.
    const it = await openPage(onTestFailed, "changes-it");
    const i = it.page;
    await signIn(i, IT.email);
    await approveFromQueue(i, TITLE);
    await i.getByTestId("change-header").getByText("Approved", { exact: true }).waitFor();
    await i.getByTestId("approval-status").getByText("Approval complete").waitFor();
    await p.getByTestId("change-header").getByText("Approved", { exact: true }).waitFor({ timeout: LIVE_MS });
    expect(await sameDocument(p), "the provider's change page was not reloaded").toBe(true);

    // The calendar's month view shows it on its Sunday.
    await i.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Changes" }).click();
    await i.getByRole("navigation", { name: "Changes" }).getByRole("link", { name: "Calendar" }).click();
    await i.getByRole("heading", { level: 1, name: "Change calendar" }).waitFor();
    // It opens on this month; the change is up to two months ahead.
    const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
    let shown = todayIn(ZONE).slice(0, 8) + "01";
    await i.getByRole("heading", { level: 2, name: monthLabel(shown) }).waitFor();
    for (let ahead = monthIndex(SUNDAY) - monthIndex(shown); ahead > 0; ahead--) {
      await i.getByRole("button", { name: "Next month" }).click();
      const next = new Date(`${shown}T12:00:00Z`);
      next.setUTCMonth(next.getUTCMonth() + 1);
      shown = next.toISOString().slice(0, 10);
      await i.getByRole("heading", { level: 2, name: monthLabel(shown) }).waitFor();
    }
    const day = i.getByRole("listitem", { name: dayLabel(SUNDAY), exact: true });
    const entry = day.getByRole("link", { name: new RegExp(`CHG-1 ${TITLE}`) });
    await entry.waitFor();
    expect(await entry.getAttribute("data-class")).toBe("significant");
    // The weekly patch window is there too, as a band.
    await day.locator('[data-kind="window"]').first().waitFor();
    await entry.click();
    await i.waitForURL((url) => url.pathname === changePath);

    expect(provider.errors, "console errors on the provider's pages").toEqual([]);
    expect(approver.errors, "console errors on the approver's pages").toEqual([]);
    expect(it.errors, "console errors on the IT contact's pages").toEqual([]);
  });

  test("on a phone, the list, a change and the calendar fit the screen", async ({ onTestFailed }) => {
    const { page, errors } = await openPage(onTestFailed, "changes-phone", { width: 390, height: 844 });
    await signIn(page, AM.email);
    // (A string: this file is type-checked without the DOM library.)
    const overflow = () => page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    await openChangesLive(page);
    await page.getByRole("link", { name: TITLE }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole("link", { name: TITLE }).click();
    await page.getByRole("heading", { level: 1, name: `CHG-1 ${TITLE}` }).waitFor();
    await page.getByRole("region", { name: "Notices" }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`/r/${relationshipId}/changes/calendar?date=${SUNDAY}`);
    await page
      .getByRole("listitem", { name: dayLabel(SUNDAY), exact: true })
      .getByRole("link")
      .first()
      .waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole("radiogroup", { name: "View" }).getByText("Week", { exact: true }).click();
    await page
      .getByRole("listitem", { name: dayLabel(SUNDAY), exact: true })
      .getByRole("link")
      .first()
      .waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`/r/${relationshipId}/changes/new`);
    await page.getByRole("radio", { name: "Significant" }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(errors, "console errors").toEqual([]);
  });
});
