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
// starts; its first protocol version (the default template: a touchpoint every two weeks on
// Tuesday at 10:00 America/New_York, 45 minutes, the client's IT contact and executive with the
// provider's account manager and senior technician, the agenda one business day before) is signed
// by both sides through the API, which starts the series. Everything else happens in the browser.
const PASSWORD = "touchpoints-e2e-password";
const PROVIDER = "Tidewater IT Services";
const CLIENT = "Pinecrest Dental";
const AM = { name: "Dana Whitfield", email: "dana@tidewater-it.example", role: "account_manager" };
/** The template's escalation ladder and its touchpoints both need a senior technician. */
const SENIOR = { name: "Kofi Mensah", email: "kofi@tidewater-it.example", role: "senior_technician" };
const EXEC = { name: "Margit Olsen", email: "margit@pinecrest-dental.example", role: "executive" };
const IT = { name: "Leo Brandt", email: "leo@pinecrest-dental.example", role: "it_contact" };
/** The protocol template's time zone: meetings are shown, and moved, in it. */
const ZONE = "America/New_York";

const ITEM = "Printer fleet replacement";
const MINUTES =
  "The lease ends in June; three of the five printers jam daily. Both sides agree to replace them.";
const ACTION = "Send three quotes for replacement printers";
const AUDIT = "PCI DSS audit";

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
  for (const p of [EXEC, IT]) await addPerson(dataDir, CLIENT, p);
  await runCli(dataDir, ["relationship", "create", "--client", CLIENT, "--provider", PROVIDER]);
}

beforeAll(async () => {
  const started = await startServerAndBrowser({ prepare: createTenants });
  server = started.server!;
  browser = started.browser!;
  if (started.failure) throw started.failure;
  relationshipId = await signFirstProtocol(await apiSignIn(AM.email), await apiSignIn(EXEC.email), CLIENT);
  // Six operator commands each start the embedded database: on a busy machine that alone can
  // pass the config's two minutes for hooks.
}, 360_000);

afterAll(() => stopAll(contexts, browser, server));

// --- Dates ---------------------------------------------------------------------------------------

/** The wall-clock date and time of `at` in `zone`, as a `datetime-local` value ("2026-03-03T10:30"). */
function localInput(at: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}`;
}

/** The date `days` from today in `zone`, as YYYY-MM-DD. */
function dayIn(zone: string, days: number): string {
  return localInput(new Date(Date.now() + days * 86_400_000), zone).slice(0, 10);
}

// --- The browser ---------------------------------------------------------------------------------

let firstMeetingPath: string;

describe("touchpoints", () => {
  test("the client's IT contact pulls the next meeting forward, adds an item to its agenda, writes minutes and gives the provider's account manager an action item; once the meeting is recorded as held, the action item is on the following agenda with its owner", async ({
    onTestFailed,
  }) => {
    const { page, errors } = await openPage(onTestFailed, "touchpoints-client");
    await signIn(page, IT.email);

    // Touchpoints is a module of its own now, with its sections in the navigation.
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("group", { name: "Touchpoints" }).getByRole("link", { name: "Meetings" }).click();
    await page.waitForURL((url) => url.pathname === `/r/${relationshipId}/touchpoints`);
    await page.getByRole("heading", { level: 1, name: "Touchpoints" }).waitFor();

    // The series as the protocol sets it.
    const series = page.getByRole("region", { name: "The series" });
    await series.getByText("Every 2 weeks on Tuesday at 10:00 (America/New_York)").waitFor();
    await series.getByText(/45 minutes each · the agenda goes out 1 business day before/).waitFor();
    await series.getByText(IT.name, { exact: false }).waitFor();
    await series.getByText(AM.name, { exact: false }).waitFor();
    expect(await series.getByRole("link", { name: "Add to calendar (.ics)" }).getAttribute("href")).toBe(
      `/api/v1/relationships/${relationshipId}/touchpoints/series.ics`,
    );
    // The template gives no video link: a warning says so.
    await page
      .getByTestId("touchpoint-warnings")
      .getByText(/no video or room link/)
      .waitFor();

    // The first meeting is in the coming two weeks; it is pulled forward to start in half an hour
    // (a meeting is recorded as held once it has begun), typed in the protocol's zone.
    const next = page.getByTestId("next-meeting");
    await next.getByText("Touchpoint 1", { exact: true }).waitFor();
    await next.getByRole("button", { name: "Move" }).click();
    const move = page.getByRole("dialog", { name: "Move Touchpoint 1" });
    const start = new Date(Math.ceil((Date.now() + 30 * 60_000) / 60_000) * 60_000);
    await move.getByLabel("New start").fill(localInput(start, ZONE));
    await move.getByLabel("Why does it move?").fill("The printer lease decision is due this week.");
    await move.getByRole("button", { name: "Move the meeting" }).click();
    await move.waitFor({ state: "hidden" });
    await next
      .getByTestId("moved-from")
      .getByText(/The printer lease decision is due this week/)
      .waitFor();

    // Its agenda, assembled from live data.
    await next.getByRole("link", { name: "Open agenda" }).click();
    await page.getByRole("heading", { level: 1, name: "Touchpoint 1" }).waitFor();
    firstMeetingPath = new URL(page.url()).pathname;
    expect(firstMeetingPath).toMatch(new RegExp(`^/r/${relationshipId}/touchpoints/meetings/[0-9a-f-]{36}$`));
    await page
      .getByTestId("agenda-live")
      .getByText(/Assembled from live data; it is kept as it was once the meeting is recorded as held/)
      .waitFor();
    await page
      .getByRole("region", { name: "1. Previously identified issues and open action items" })
      .waitFor();

    // Leo adds the item he wants to discuss; it lands among the concerns, raised by the client.
    const addItem = page.getByRole("form", { name: "Add an item to the agenda" });
    await addItem.getByLabel("What to discuss").fill(ITEM);
    await addItem.getByLabel("Background (optional)").fill("Lease ends in June; quotes needed before then.");
    await addItem.getByRole("button", { name: "Add to the agenda" }).click();
    const concerns = page.getByRole("region", { name: "4. Escalations and concerns" });
    const item = concerns.getByRole("listitem", { name: ITEM, exact: true });
    await item.waitFor();
    await item.getByText(`Added by ${IT.name} (client)`).waitFor();
    expect(await addItem.getByLabel("What to discuss").inputValue()).toBe("");

    // The minutes of the item.
    await item.getByRole("button", { name: "Write minutes" }).click();
    await item.getByRole("textbox", { name: "Minutes" }).fill(MINUTES);
    await item.getByRole("button", { name: "Save minutes" }).click();
    await item.getByTestId("minutes").getByText(MINUTES).waitFor();
    await item.getByRole("button", { name: "Edit minutes" }).waitFor();

    // An action item for the provider's account manager, due in two weeks.
    const due = dayIn(ZONE, 14);
    await item.getByRole("button", { name: "Add action item" }).click();
    const dialog = page.getByRole("dialog", { name: "Add an action item" });
    await dialog.getByLabel("What is to be done").fill(ACTION);
    await dialog.getByRole("combobox", { name: "Owner" }).click();
    await page.getByRole("option", { name: new RegExp(AM.name) }).click();
    await dialog.getByLabel(/^Due/).fill(due);
    await dialog.getByRole("button", { name: "Add the action item" }).click();
    await dialog.waitFor({ state: "hidden" });
    const fromItem = item.getByRole("list", { name: `Action items from ${ITEM}` });
    await fromItem.getByText(ACTION).waitFor();
    await fromItem.getByText(new RegExp(`^${AM.name} · due `)).waitFor();
    const summary = page.getByRole("region", { name: "Action items", exact: true });
    await summary.getByText("A-1", { exact: true }).waitFor();

    // Leo is an organizer: he records the meeting as held. The agenda is kept as it was.
    await page
      .getByRole("group", { name: "Actions on this meeting" })
      .getByRole("button", { name: "Record as held" })
      .click();
    const hold = page.getByRole("dialog", { name: "Record Touchpoint 1 as held" });
    await hold.getByText(/The agenda is kept as it reads now/).waitFor();
    await hold.getByRole("button", { name: "Record as held" }).click();
    await hold.waitFor({ state: "hidden" });
    await page.getByTestId("meeting-header").getByText("Held, moved", { exact: true }).waitFor();
    await page.getByTestId("agenda-frozen").waitFor();
    expect(await page.getByRole("form", { name: "Add an item to the agenda" }).count()).toBe(0);
    // What was written stays with the item.
    await concerns.getByRole("listitem", { name: ITEM, exact: true }).getByText(MINUTES).waitFor();

    // The following meeting's agenda carries the open action item, with its owner.
    await page
      .getByRole("navigation", { name: "Other meetings" })
      .getByRole("link", { name: "Next meeting" })
      .click();
    await page.getByRole("heading", { level: 1, name: "Touchpoint 2" }).waitFor();
    const previous = page.getByRole("region", {
      name: "1. Previously identified issues and open action items",
    });
    const carried = previous.getByRole("listitem", { name: `A-1 ${ACTION}`, exact: true });
    await carried.waitFor();
    await carried.getByText(`Owner: ${AM.name}`).waitFor();
    await carried.getByText(`Open, due ${due}`).waitFor();
    await carried.getByText(`From meeting 1: ${ITEM}`).waitFor();

    // The action items list has it too, from the meeting and item it came from.
    await page.goto(`/r/${relationshipId}/touchpoints/actions`);
    const row = page
      .getByRole("list", { name: "Action items" })
      .getByRole("listitem")
      .filter({ hasText: ACTION });
    await row.getByText(AM.name, { exact: true }).waitFor();
    await row.getByRole("link", { name: /^Touchpoint 1, / }).waitFor();
    await row.getByText(`on “${ITEM}”`, { exact: false }).waitFor();

    expect(errors, "console errors").toEqual([]);
  });

  test("the client's IT contact records an audit date; the next agenda lists it among the needs coming up", async ({
    onTestFailed,
  }) => {
    const { page, errors } = await openPage(onTestFailed, "touchpoints-dates");
    await signIn(page, IT.email);
    await page.goto(`/r/${relationshipId}/touchpoints/dates`);
    await page.getByRole("heading", { level: 1, name: "Business dates" }).waitFor();
    await page.getByRole("button", { name: "Add a date" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Add a business date" });
    await dialog.getByRole("combobox", { name: "Kind" }).click();
    await page.getByRole("option", { name: "Audit" }).click();
    await dialog.getByLabel("What is due").fill(AUDIT);
    await dialog.getByLabel(/^Date/).fill(dayIn(ZONE, 40));
    await dialog
      .getByLabel("Notes (optional)")
      .fill("The auditors need the firewall rules and the patch history.");
    await dialog.getByRole("button", { name: "Add the date" }).click();
    await dialog.waitFor({ state: "hidden" });
    const row = page
      .getByRole("list", { name: "Business dates" })
      .getByRole("listitem")
      .filter({ hasText: AUDIT });
    await row.getByText("Audit", { exact: true }).waitFor();
    await row.getByText(/^in 4\d days$/).waitFor();

    await page.goto(`/r/${relationshipId}/touchpoints`);
    await page.getByTestId("next-meeting").getByRole("link", { name: "Open agenda" }).click();
    await page.getByRole("heading", { level: 1, name: "Touchpoint 2" }).waitFor();
    await page
      .getByRole("region", { name: "5. Upcoming business and compliance needs" })
      .getByRole("listitem", { name: AUDIT, exact: true })
      .waitFor();
    expect(errors, "console errors").toEqual([]);
  });

  test("on a phone, the meetings, a meeting's agenda, the action items and the dates fit the screen", async ({
    onTestFailed,
  }) => {
    const { page, errors } = await openPage(onTestFailed, "touchpoints-phone", { width: 390, height: 844 });
    await signIn(page, IT.email);
    // (A string: this file is type-checked without the DOM library.)
    const overflow = () => page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    await page.goto(`/r/${relationshipId}/touchpoints`);
    await page.getByRole("region", { name: "The series" }).waitFor();
    await page.getByRole("region", { name: "Past meetings" }).getByText("Held, moved").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(firstMeetingPath);
    await page.getByRole("listitem", { name: ITEM, exact: true }).getByText(MINUTES).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page
      .getByRole("navigation", { name: "Other meetings" })
      .getByRole("link", { name: "Next meeting" })
      .click();
    await page.getByRole("listitem", { name: `A-1 ${ACTION}`, exact: true }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`/r/${relationshipId}/touchpoints/actions`);
    await page.getByText(ACTION).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`/r/${relationshipId}/touchpoints/dates`);
    await page.getByText(AUDIT).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(errors, "console errors").toEqual([]);
  });
});
