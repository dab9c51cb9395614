import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startServerAndBrowser, stopAll } from "./support/lifecycle.ts";
import {
  addPerson as addPersonAs,
  api,
  type ApiSession,
  apiSignIn as apiSignInAs,
  openPage as openPageIn,
  type Person,
  signFirstProtocol,
  signIn as signInAs,
} from "./support/scenario.ts";
import { type LiaisonServer, runCli } from "./support/server.ts";

// One relationship of this file's own, created with the operator commands before the server
// starts; its first protocol version (the default template: America/New_York, acknowledge within
// 10 minutes, restarting servers within on-call authority) is signed by both sides through the
// API, the provider's on-call schedule puts the technician on call, and the client's IT contact
// raises a critical ticket — the emergency itself is declared and handled in the browser.
const PASSWORD = "emergencies-e2e-password";
const PROVIDER = "Kestrel Systems";
const CLIENT = "Harbourside Veterinary";
const AM = { name: "Dana Whitfield", email: "dana@kestrel.example", role: "account_manager" };
/** The template's escalation ladder needs someone who can hold its senior technician level. */
const SENIOR = { name: "Kofi Mensah", email: "kofi@kestrel.example", role: "senior_technician" };
const TECH = { name: "Sam Oduya", email: "sam@kestrel.example", role: "technician" };
const EXEC = { name: "Margit Olsen", email: "margit@harbourside-vet.example", role: "executive" };
const IT = { name: "Leo Brandt", email: "leo@harbourside-vet.example", role: "it_contact" };
/** The protocol template's time zone, which the schedule uses too. */
const ZONE = "America/New_York";
const CRITERION = "A critical system is completely unavailable and the business cannot operate.";

/**
 * Live changes must arrive well before the 10 s polling fallback of an emergency would fetch
 * them: a wait this long (with the fallback off while the stream is open) proves the ping did it.
 */
const LIVE_MS = 8_000;

let server: LiaisonServer;
let browser: Browser;
let relationshipId: string;
let ticketId: string;
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
  for (const p of [AM, SENIOR, TECH]) await addPerson(dataDir, PROVIDER, p);
  await runCli(dataDir, ["org", "create", "--name", CLIENT, "--kind", "client"]);
  for (const p of [EXEC, IT]) await addPerson(dataDir, CLIENT, p);
  await runCli(dataDir, ["relationship", "create", "--client", CLIENT, "--provider", PROVIDER]);
}

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

/** The Monday of last week in `zone`: a weekly rotation starting then is running now, whatever the hour. */
function pastMonday(zone: string): string {
  const day = new Date(`${todayIn(zone)}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 7);
  while (day.getUTCDay() !== 1) day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

// --- The API, as a script would use it, for setting up ------------------------------------------

interface Overview {
  provider: { id: string };
  people: { provider: { userId: string; email: string }[] };
}

/** One weekly rotation on layer 1 with the technician as its only participant. */
async function scheduleTechnician(am: ApiSession): Promise<void> {
  const overview = await api<Overview>(am, "GET", `/relationships/${relationshipId}`);
  const tech = overview.people.provider.find((p) => p.email === TECH.email)!;
  await api(am, "POST", `/organizations/${overview.provider.id}/oncall-schedules`, {
    name: "Round the clock",
    timeZone: ZONE,
    rotations: [
      {
        name: "Primary",
        layer: 1,
        participants: [tech.userId],
        start: `${pastMonday(ZONE)}T09:00`,
        every: 1,
        unit: "week",
      },
    ],
  });
}

const TICKET_TITLE = "Practice server down: no patient records, no appointments";

beforeAll(async () => {
  const started = await startServerAndBrowser({ prepare: createTenants });
  server = started.server!;
  browser = started.browser!;
  if (started.failure) throw started.failure;
  const am = await apiSignIn(AM.email);
  relationshipId = await signFirstProtocol(am, await apiSignIn(EXEC.email), CLIENT);
  await scheduleTechnician(am);
  const it = await apiSignIn(IT.email);
  const ticket = await api<{ id: string; severity: string }>(
    it,
    "POST",
    `/relationships/${relationshipId}/tickets`,
    {
      title: TICKET_TITLE,
      description: "The practice server does not answer; reception cannot see records or book appointments.",
      impact: { peopleAffected: "everyone", workaround: false, criticalFunctionStopped: true },
      affectedSystems: ["Practice server"],
    },
  );
  expect(ticket.severity).toBe("critical");
  ticketId = ticket.id;
  // Eight operator commands each start the embedded database: on a busy machine that alone can
  // pass the config's two minutes for hooks.
}, 480_000);

afterAll(() => stopAll(contexts, browser, server));

// --- The browser ---------------------------------------------------------------------------------

/** Opens a page and waits until the live stream is subscribed (`ready` has been sent). */
async function gotoLive(page: Page, path: string): Promise<void> {
  const stream = page.waitForResponse((r) => r.url().endsWith("/api/v1/notifications/stream"));
  await page.goto(path);
  expect((await stream).status()).toBe(200);
}

/** Marks the document, so a later check can tell it was never reloaded. */
const markDocument = (page: Page) => page.evaluate("window.__sameDocument = true");
const sameDocument = (page: Page) => page.evaluate<boolean>("window.__sameDocument === true");

let emergencyPath: string;

describe("emergencies", () => {
  test("the client's IT contact declares an emergency from a critical ticket; the on-call technician is paged, acknowledges (the client sees it live), logs an action within authority and resolves it; the review opens with the timeline", async ({
    onTestFailed,
  }) => {
    // Leo, the client's IT contact, opens the critical ticket and declares an emergency from it.
    const client = await openPage(onTestFailed, "emergencies-client");
    const c = client.page;
    await signIn(c, IT.email);
    await gotoLive(c, `/r/${relationshipId}/tickets/${ticketId}`);
    await c.getByRole("heading", { level: 1, name: `#1 ${TICKET_TITLE}` }).waitFor();
    await c.getByRole("link", { name: "Declare an emergency" }).click();
    await c.getByRole("heading", { level: 1, name: "Declare an emergency" }).waitFor();

    const form = c.getByRole("form", { name: "Declare an emergency" });
    // Sam is on call now, and is the one paged first.
    const onCall = form.getByRole("list", { name: "On call now" });
    await onCall.getByText(TECH.name).waitFor();
    await onCall.getByText("paged first", { exact: false }).waitFor();
    // The ticket is preselected, and its system filled in.
    await form.getByRole("radio", { name: "An open critical ticket" }).waitFor();
    expect(await form.getByRole("combobox", { name: "Critical ticket" }).inputValue()).toBe(
      `#1 ${TICKET_TITLE}`,
    );
    expect(await form.getByRole("textbox", { name: "Affected system" }).inputValue()).toBe("Practice server");
    // Without a criterion ticked, it is not an emergency.
    await form.getByRole("button", { name: "Declare and page now" }).click();
    await form.getByText("Tick at least one: an emergency meets one of the protocol's criteria.").waitFor();
    await form.getByRole("checkbox", { name: CRITERION }).check();
    await form.getByRole("button", { name: "Declare and page now" }).click();

    await c.getByRole("heading", { level: 1, name: `EMG-1 ${TICKET_TITLE}` }).waitFor();
    emergencyPath = new URL(c.url()).pathname;
    expect(emergencyPath).toMatch(new RegExp(`^/r/${relationshipId}/emergencies/[0-9a-f-]{36}$`));
    const header = c.getByTestId("emergency-header");
    await header.getByText("Paging", { exact: true }).waitFor();
    const pages = c.getByTestId("pages");
    await pages.getByText(TECH.name).waitFor();
    await c.getByTestId("next-page").waitFor();
    // The client may not acknowledge or act; it may add a note.
    expect(await c.getByRole("button", { name: "Acknowledge" }).count()).toBe(0);
    await c
      .getByRole("group", { name: "Actions on this emergency" })
      .getByRole("button", { name: "Add note" })
      .waitFor();
    await markDocument(c);

    // Sam, the technician on call, gets the page in the app and opens it from the bell.
    const tech = await openPage(onTestFailed, "emergencies-technician");
    const t = tech.page;
    await signIn(t, TECH.email);
    await t.getByRole("button", { name: /^Notifications, \d+ unread$/ }).click();
    await t
      .getByRole("list", { name: "Recent notifications" })
      .getByRole("button", { name: /EMERGENCY EMG-1/ })
      .click();
    await t.waitForURL((url) => url.pathname === emergencyPath);
    await t.getByRole("heading", { level: 1, name: `EMG-1 ${TICKET_TITLE}` }).waitFor();
    const banner = t.getByRole("alert").filter({ hasText: "You are being paged" });
    await banner.waitFor();
    await banner.getByRole("button", { name: "Acknowledge" }).click();
    await t.getByTestId("emergency-header").getByText("Acknowledged", { exact: true }).waitFor();
    await t.getByTestId("acknowledged-by").getByText(TECH.name, { exact: false }).waitFor();

    // Leo's page turns to Acknowledged without a reload.
    await header.getByText("Acknowledged", { exact: true }).waitFor({ timeout: LIVE_MS });
    await c.getByTestId("acknowledged-by").getByText(TECH.name, { exact: false }).waitFor();
    expect(await sameDocument(c), "the client's emergency page was not reloaded").toBe(true);

    // Sam restarts the server's services, which the register allows without approval.
    const register = t.getByRole("region", { name: "Authority register" });
    await register
      .getByRole("list", { name: "May do without approval" })
      .getByText("Restart servers and services")
      .waitFor();
    await register
      .getByRole("list", { name: "Needs approval" })
      .getByText(/Change the configuration/)
      .waitFor();
    await t
      .getByRole("group", { name: "Actions on this emergency" })
      .getByRole("button", { name: "Log an action" })
      .click();
    const act = t.getByRole("dialog", { name: "Log an action" });
    await act.getByRole("radio", { name: "Restart servers and services" }).check();
    const DETAIL = "Restarted the database and file services on the practice server; it answers again.";
    await act.getByLabel("Detail").fill(DETAIL);
    await act.getByRole("button", { name: "Log the action" }).click();
    await act.waitFor({ state: "hidden" });
    const log = t.getByRole("list", { name: "Running log" });
    const entry = log.getByRole("listitem").filter({ hasText: "Restart servers and services" });
    await entry.getByText("Within authority", { exact: true }).waitFor();
    await entry.getByText(DETAIL).waitFor();
    // Leo sees it too.
    await c
      .getByRole("list", { name: "Running log" })
      .getByRole("listitem")
      .filter({ hasText: "Restart servers and services" })
      .getByText("Within authority", { exact: true })
      .waitFor({ timeout: LIVE_MS });

    // Sam resolves: the review opens.
    await t
      .getByRole("group", { name: "Actions on this emergency" })
      .getByRole("button", { name: "Resolve" })
      .click();
    const resolve = t.getByRole("dialog", { name: "Resolve EMG-1" });
    await resolve
      .getByLabel("How it was resolved")
      .fill("Services restarted; records and bookings work again.");
    await resolve.getByLabel("Root cause").fill("The database service stopped after a full log disk.");
    await resolve.getByLabel("Fix").fill("Old logs archived and the services restarted.");
    await resolve.getByLabel("Prevention").fill("Log rotation set up, and a disk-space alert at 80%.");
    await resolve.getByRole("button", { name: "Resolve" }).click();
    await resolve.waitFor({ state: "hidden" });
    await t.getByTestId("emergency-header").getByText("Resolved", { exact: true }).waitFor();
    await header.getByText("Resolved", { exact: true }).waitFor({ timeout: LIVE_MS });

    await t.getByRole("link", { name: "Open the review PIR-1" }).click();
    await t.getByRole("heading", { level: 1, name: `PIR-1 ${TICKET_TITLE}` }).waitFor();
    const timeline = t.getByRole("table", { name: "Timeline" });
    await timeline.getByRole("cell", { name: "Emergency declared", exact: true }).waitFor();
    await timeline.getByRole("cell", { name: "Page acknowledged", exact: true }).waitFor();
    await timeline.getByRole("cell", { name: "Action: Restart servers and services", exact: true }).waitFor();
    await timeline.getByRole("cell", { name: "Emergency resolved", exact: true }).waitFor();
    await t.getByRole("link", { name: "Download PDF" }).waitFor();

    expect(client.errors, "console errors on the client's pages").toEqual([]);
    expect(tech.errors, "console errors on the technician's pages").toEqual([]);
  });

  test("on a phone, the emergency, the lists and the review fit the screen", async ({ onTestFailed }) => {
    const { page, errors } = await openPage(onTestFailed, "emergencies-phone", { width: 390, height: 844 });
    await signIn(page, IT.email);
    // (A string: this file is type-checked without the DOM library.)
    const overflow = () => page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    await page.goto(emergencyPath);
    await page.getByRole("heading", { level: 1, name: `EMG-1 ${TICKET_TITLE}` }).waitFor();
    await page.getByRole("list", { name: "Running log" }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`/r/${relationshipId}/emergencies`);
    await page.getByRole("link", { name: TICKET_TITLE }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`/r/${relationshipId}/emergencies/new`);
    await page.getByRole("checkbox", { name: CRITERION }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`/r/${relationshipId}/reviews`);
    await page.getByRole("link", { name: TICKET_TITLE }).click();
    await page.getByRole("table", { name: "Timeline" }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(errors, "console errors").toEqual([]);
  });
});
