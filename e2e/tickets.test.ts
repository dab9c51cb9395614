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
// starts; its first protocol version (the default template) is proposed and signed by both sides
// through the API in beforeAll, so tickets can be raised.
const PASSWORD = "tickets-e2e-password";
const PROVIDER = "Osprey Managed Services";
const CLIENT = "Maple Street Clinic";
const AM = { name: "Nora Lindqvist", email: "nora@osprey-ms.example", role: "account_manager" };
const SENIOR = { name: "Raj Mehta", email: "raj@osprey-ms.example", role: "senior_technician" };
const TECH = { name: "Tess Moreau", email: "tess@osprey-ms.example", role: "technician" };
const EXEC = { name: "Hana Sato", email: "hana@maple-clinic.example", role: "executive" };
const IT = { name: "Ivan Petrov", email: "ivan@maple-clinic.example", role: "it_contact" };

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
  for (const p of [AM, SENIOR, TECH]) await addPerson(dataDir, PROVIDER, p);
  await runCli(dataDir, ["org", "create", "--name", CLIENT, "--kind", "client"]);
  for (const p of [EXEC, IT]) await addPerson(dataDir, CLIENT, p);
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

// --- The browser ---------------------------------------------------------------------------

/** Opens the tickets list and waits until the live stream is subscribed (`ready` has been sent). */
async function openTicketsLive(page: Page): Promise<void> {
  const stream = page.waitForResponse((r) => r.url().endsWith("/api/v1/notifications/stream"));
  await page.goto(`/r/${relationshipId}/tickets`);
  expect((await stream).status()).toBe(200);
  await page.getByRole("heading", { level: 1, name: "Tickets" }).waitFor();
}

/** Marks the document, so a later check can tell it was never reloaded. */
const markDocument = (page: Page) => page.evaluate("window.__sameDocument = true");
const sameDocument = (page: Page) => page.evaluate<boolean>("window.__sameDocument === true");

const TITLE = "Reception printer jams on every prescription";

describe("tickets", () => {
  test("the client raises a ticket with another severity than suggested; the provider sees it live, acknowledges, updates and resolves it with a root cause; the client follows live and confirms", async ({
    onTestFailed,
  }) => {
    // Tess, a provider technician, watches the (empty) list.
    const provider = await openPage(onTestFailed, "tickets-provider");
    const p = provider.page;
    await signIn(p, TECH.email);
    await openTicketsLive(p);
    await p.getByText("No tickets yet").waitFor();
    await markDocument(p);

    // Ivan, the client's IT contact, raises a ticket through the intake.
    const client = await openPage(onTestFailed, "tickets-client");
    const c = client.page;
    await signIn(c, IT.email);
    await c.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tickets" }).click();
    await c.waitForURL((url) => url.pathname === `/r/${relationshipId}/tickets`);
    // The page says where to email tickets, too.
    const address = await c.getByLabel("Email intake address").locator("code").textContent();
    expect(address).toMatch(/^tickets\+[A-Za-z0-9_-]+@/);
    await c.getByRole("button", { name: "Raise a ticket" }).first().click();
    const intake = c.getByRole("dialog", { name: "Raise a ticket" });
    await intake.getByText("Answer the three impact questions").waitFor();
    await intake.getByLabel("Title").fill(TITLE);
    await intake
      .getByLabel("What is happening?")
      .fill("The front desk printer jams on every prescription since this morning; we retype them by hand.");
    await intake
      .getByRole("radiogroup", { name: "How many people are affected?" })
      .getByRole("radio", { name: "A team or a few people" })
      .check();
    await intake
      .getByRole("radiogroup", { name: "Is there a workaround?" })
      .getByRole("radio", { name: "Yes" })
      .check();
    await intake
      .getByRole("radiogroup", { name: "Has a business-critical function stopped?" })
      .getByRole("radio", { name: "No" })
      .check();

    // The protocol's matrix suggests Medium, with what Medium means.
    const suggestion = intake.getByTestId("suggested-severity");
    await suggestion.getByText("The protocol suggests").waitFor();
    await suggestion.getByText("Medium", { exact: true }).waitFor();
    await suggestion.getByText("core functions work").waitFor();
    expect(await intake.getByRole("radio", { name: "Medium (suggested)" }).getAttribute("aria-checked")).toBe(
      "true",
    );

    // Ivan chooses High instead: a reason is required, and it will be visible to both sides.
    await intake.getByRole("radio", { name: "High" }).click();
    const reason = intake.getByLabel("Why this severity?");
    await reason.waitFor();
    await intake.getByText(/Visible to both sides/).waitFor();
    await intake.getByRole("button", { name: "Raise the ticket" }).click();
    await intake.getByText("Say why this is High rather than the suggested Medium.").waitFor();
    const REASON = "Every patient leaving the clinic needs a printed prescription.";
    await reason.fill(REASON);
    await intake.getByRole("button", { name: "Raise the ticket" }).click();

    // The new ticket's page: High, with the reason shown next to the suggestion.
    await c.getByRole("heading", { level: 1, name: `#1 ${TITLE}` }).waitFor();
    const ticketPath = new URL(c.url()).pathname;
    expect(ticketPath).toMatch(new RegExp(`^/r/${relationshipId}/tickets/[0-9a-f-]{36}$`));
    await c.getByTestId("ticket-header").getByText("High", { exact: true }).waitFor();
    await c.getByTestId("severity-reason").getByText(REASON).waitFor();
    await c
      .getByTestId("severity-reason")
      .getByText(/rather than Medium — visible to both sides/)
      .waitFor();
    await markDocument(c);

    // Tess's list shows it without a reload: the server's ping refetched it.
    const row = p.getByRole("listitem").filter({ has: p.getByRole("link", { name: TITLE }) });
    await row.waitFor({ timeout: LIVE_MS });
    await row.getByText("High", { exact: true }).waitFor();
    await row.getByText("New", { exact: true }).waitFor();
    await row.getByText(/^Response in /).waitFor();
    expect(await sameDocument(p), "the provider's list was not reloaded").toBe(true);

    // She opens it and acknowledges it: it is assigned to her.
    await row.getByRole("link", { name: TITLE }).click();
    await p.waitForURL((url) => url.pathname === ticketPath);
    await p.getByTestId("severity-reason").getByText(REASON).waitFor();
    await p
      .getByRole("group", { name: "Actions on this ticket" })
      .getByRole("button", { name: "Acknowledge" })
      .click();
    const ack = p.getByRole("dialog", { name: "Acknowledge ticket #1" });
    await ack.getByRole("button", { name: "Acknowledge" }).click();
    await ack.waitFor({ state: "hidden" });
    await p.getByTestId("ticket-header").getByText("Acknowledged", { exact: true }).waitFor();
    await p.getByTestId("ticket-assignee").getByText(TECH.name).waitFor();
    await p.getByTestId("clock-status-response").getByText("Met").waitFor();

    // Ivan's page follows: acknowledged, by Tess.
    await c
      .getByTestId("ticket-header")
      .getByText("Acknowledged", { exact: true })
      .waitFor({ timeout: LIVE_MS });

    // Tess posts a structured update; it appears in Ivan's timeline without a reload.
    await p.getByRole("button", { name: "Post an update" }).click();
    const update = p.getByRole("dialog", { name: "Investigation update on #1" });
    await update
      .getByLabel("What we found")
      .fill("The fuser is worn out; the counter is past its service life.");
    await update
      .getByLabel("What we are trying")
      .fill("Cleaning the paper path while a new fuser is ordered.");
    await update.getByLabel("What happens next").fill("The fuser arrives tomorrow morning; I fit it at 9.");
    await update.getByRole("button", { name: "Post the update" }).click();
    await update.waitFor({ state: "hidden" });
    await p.getByTestId("ticket-header").getByText("In progress", { exact: true }).waitFor();

    const timeline = c.getByRole("list", { name: "Timeline" });
    const posted = timeline.getByRole("listitem").filter({ hasText: "posted an investigation update" });
    await posted.waitFor({ timeout: LIVE_MS });
    await posted.getByText("The fuser is worn out; the counter is past its service life.").waitFor();
    await posted.getByText("Cleaning the paper path while a new fuser is ordered.").waitFor();
    await posted.getByText("The fuser arrives tomorrow morning; I fit it at 9.").waitFor();
    expect(await sameDocument(c), "the client's ticket page was not reloaded").toBe(true);

    // Resolving a high ticket asks for its root cause, the fix and the prevention.
    await p.getByRole("button", { name: "Resolve" }).click();
    const resolve = p.getByRole("dialog", { name: "Resolve #1" });
    await resolve.getByText(/This is a high ticket: the protocol asks for its root cause/).waitFor();
    await resolve.getByLabel("Summary").fill("New fuser fitted; 50 test prescriptions printed.");
    await resolve.getByRole("button", { name: "Resolve" }).click();
    await resolve.getByText("Required for a high ticket: say what caused the issue.").waitFor();
    await resolve.getByText("Required for a high ticket: say what was done to fix it.").waitFor();
    await resolve.getByText("Required for a high ticket: say what will stop it happening again.").waitFor();
    await resolve.getByLabel("Root cause").fill("A fuser past its rated page count.");
    await resolve.getByLabel("Fix").fill("Fuser replaced and the paper path cleaned.");
    await resolve
      .getByLabel("Prevention")
      .fill("The printer's page counter is now in our monthly maintenance report.");
    await resolve.getByRole("button", { name: "Resolve" }).click();
    await resolve.waitFor({ state: "hidden" });
    await p.getByTestId("ticket-header").getByText("Resolved", { exact: true }).waitFor();

    // Ivan sees the resolution with its root cause, and confirms the fix: the ticket closes.
    await c
      .getByRole("region", { name: "Resolution" })
      .getByText("A fuser past its rated page count.")
      .waitFor({
        timeout: LIVE_MS,
      });
    await c.getByRole("button", { name: "Confirm the fix" }).click();
    const confirm = c.getByRole("dialog", { name: "Confirm the fix of ticket #1" });
    await confirm.getByRole("button", { name: "Confirm and close" }).click();
    await confirm.waitFor({ state: "hidden" });
    await c.getByTestId("ticket-header").getByText("Closed", { exact: true }).waitFor();
    await timeline.getByText("confirmed the fix; the ticket is closed.").waitFor();

    // Tess's page follows, and offers nothing more to do.
    await p.getByTestId("ticket-header").getByText("Closed", { exact: true }).waitFor({ timeout: LIVE_MS });
    expect(await p.getByRole("group", { name: "Actions on this ticket" }).count()).toBe(0);

    expect(provider.errors, "console errors on the provider's pages").toEqual([]);
    expect(client.errors, "console errors on the client's pages").toEqual([]);
  });

  test("on a phone, the list and a ticket fit the screen", async ({ onTestFailed }) => {
    const { page, errors } = await openPage(onTestFailed, "tickets-phone", { width: 390, height: 844 });
    await signIn(page, AM.email);
    await openTicketsLive(page);
    await page.getByRole("link", { name: TITLE }).click();
    await page.getByRole("heading", { level: 1, name: `#1 ${TITLE}` }).waitFor();
    await page.getByRole("region", { name: "Clocks" }).getByText("Response", { exact: true }).waitFor();
    // (A string: this file is type-checked without the DOM library.)
    const overflow = () => page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goBack();
    await page.getByRole("link", { name: TITLE }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(errors, "console errors").toEqual([]);
  });
});
