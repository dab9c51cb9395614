import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startServerAndBrowser, stopAll } from "./support/lifecycle.ts";
import {
  addPerson as addPersonAs,
  api,
  apiSignIn as apiSignInAs,
  openPage as openPageIn,
  type ApiSession,
  type Person,
  signIn as signInAs,
} from "./support/scenario.ts";
import { type LiaisonServer, runCli } from "./support/server.ts";

// Each test works on its own relationship, created with the operator commands (`liaison org
// create`, `user create`, `relationship create`) before the server starts; a relationship
// created that way starts with draft version 1 from the default template.
const PASSWORD = "protocol-e2e-password";
const PROVIDER = "Kestrel IT Services";
const AM = { name: "Paula Reyes", email: "paula@kestrel-it.example", role: "account_manager" };
// Every escalation level of the template needs someone who holds it before a version can be
// proposed (or reads as valid): a senior technician at the provider, an IT contact at each client.
const SENIOR = { name: "Sam Okafor", email: "sam@kestrel-it.example", role: "senior_technician" };
/** Signing, proposals and the bell. */
const SIGNING = {
  client: "Alder Dental Group",
  executive: { name: "Eli Novak", email: "eli@alder-dental.example", role: "executive" },
  itContact: { name: "Ivy Chen", email: "ivy@alder-dental.example", role: "it_contact" },
};
/** The empty state, on a phone. */
const FRESH = {
  client: "Birch Physiotherapy",
  executive: { name: "Fiona Walsh", email: "fiona@birch-physio.example", role: "executive" },
  itContact: { name: "Gus Ferreira", email: "gus@birch-physio.example", role: "it_contact" },
};

let server: LiaisonServer;
let browser: Browser;
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
  await addPerson(dataDir, PROVIDER, AM);
  await addPerson(dataDir, PROVIDER, SENIOR);
  for (const tenant of [SIGNING, FRESH]) {
    await runCli(dataDir, ["org", "create", "--name", tenant.client, "--kind", "client"]);
    await addPerson(dataDir, tenant.client, tenant.executive);
    await addPerson(dataDir, tenant.client, tenant.itContact);
    await runCli(dataDir, ["relationship", "create", "--client", tenant.client, "--provider", PROVIDER]);
  }
}

beforeAll(async () => {
  const started = await startServerAndBrowser({ prepare: createTenants });
  server = started.server!;
  browser = started.browser!;
  if (started.failure) throw started.failure;
});

afterAll(() => stopAll(contexts, browser, server));

// --- The API, as a script would use it, for setting up and for checking the UI's claims -------

interface Overview {
  active: { id: string; number: number } | null;
  open: { id: string; number: number; documentSha256: string } | null;
}

async function relationshipOf(as: ApiSession, client: string): Promise<string> {
  const me = await api<{ relationships: { id: string; client: { name: string } }[] }>(as, "GET", "/me");
  const rel = me.relationships.find((r) => r.client.name === client);
  if (!rel) throw new Error(`no relationship with ${client}`);
  return rel.id;
}

// --- The browser ---------------------------------------------------------------------------

/**
 * Selects `length` characters from a 0-based `column` of a 1-based `line` of the YAML editor, the
 * way a keyboard user would: Ctrl+Alt+G ("go to line", line:column), then Shift+Right.
 */
async function selectInEditor(page: Page, line: number, column: number, length: number): Promise<void> {
  await page.keyboard.press("Control+Alt+g");
  const field = page.locator(".cm-goto-line input[name=line]");
  await field.fill(`${line}:${column}`);
  await field.press("Enter");
  await field.waitFor({ state: "detached" });
  for (let i = 0; i < length; i++) await page.keyboard.press("Shift+ArrowRight");
}

describe("the protocol page", () => {
  test("a provider drafts, proposes and signs a new version; the client is notified, signs, and both see it in effect, with the diff and the deadlines", async ({
    onTestFailed,
  }) => {
    // Version 1 in effect, set up through the API: the relationship's draft 1, proposed by the
    // provider's account manager and signed by both sides.
    const paula = await apiSignIn(AM.email);
    const eli = await apiSignIn(SIGNING.executive.email);
    const relationshipId = await relationshipOf(paula, SIGNING.client);
    const first = await api<Overview>(paula, "GET", `/relationships/${relationshipId}/protocol`);
    const v1 = first.open!;
    await api(paula, "POST", `/relationships/${relationshipId}/protocol/versions/${v1.id}/propose`, {});
    for (const who of [paula, eli])
      await api(who, "POST", `/relationships/${relationshipId}/protocol/versions/${v1.id}/sign`, {
        documentSha256: v1.documentSha256,
      });
    await api(eli, "POST", "/notifications/read-all");
    const { document: template } = await api<{ document: string }>(paula, "GET", "/protocol/template");
    const criticalResponse = "response: { within: 15m, clock: 24x7 }";
    const lines = template.split("\n");
    const criticalLine = lines.findIndex((l) => l.includes(criticalResponse)) + 1;
    expect(criticalLine).toBeGreaterThan(0);
    const durationColumn = lines[criticalLine - 1]!.indexOf("15m");

    // Paula opens the protocol: version 1 is in effect, signed by both.
    const provider = await openPage(onTestFailed, "protocol-provider");
    const p = provider.page;
    await signIn(p, AM.email);
    await p.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Protocol" }).click();
    await p.waitForURL((url) => url.pathname === `/r/${relationshipId}/protocol`);
    await p.getByRole("heading", { level: 2, name: "Version 1" }).waitFor();
    await p.getByTestId("version-state").filter({ hasText: "In effect" }).waitFor();
    await p.getByTestId("signature-client").getByText(SIGNING.executive.name).waitFor();
    await p
      .getByRole("row", { name: /Critical/ })
      .getByText("within 15m")
      .waitFor();

    // A new draft from the default template opens in the YAML editor.
    await p.getByRole("button", { name: "Start a new version" }).click();
    await p.getByRole("menuitem", { name: "From the default template" }).click();
    await p.getByRole("heading", { level: 2, name: "Version 2" }).waitFor();
    await p.getByTestId("version-state").filter({ hasText: "Draft" }).waitFor();
    const editor = p.getByRole("textbox", { name: "Protocol version 2 (YAML)" });
    await editor.waitFor();
    await p.getByText("No problems found.").waitFor();

    // A typo in a duration is reported live, at its line, in the list and in the gutter.
    await editor.click();
    await selectInEditor(p, criticalLine, durationColumn, "15m".length);
    await p.keyboard.type("15 minuts");
    const problems = p.getByRole("list", { name: "Problems in the document" });
    const typo = problems.getByRole("button", {
      name: new RegExp(`^Line ${criticalLine}, column \\d+: .*'15 minuts' is not a duration`),
    });
    await typo.waitFor();
    await p.getByText("1 problem to look at.").waitFor();
    expect(await p.locator(".cm-lint-marker-error").count()).toBeGreaterThanOrEqual(1);
    await p.getByRole("button", { name: "Save and propose" }).waitFor();

    // Choosing the problem puts the cursor on its line; the fix clears it.
    await typo.click();
    await selectInEditor(p, criticalLine, durationColumn, "15 minuts".length);
    await p.keyboard.type("10m");
    await p.getByText("No problems found.").waitFor();
    expect(await problems.count()).toBe(0);

    // Save (with a summary), then propose.
    await p.getByLabel("Summary of this version").fill("Faster critical response");
    const saved = p.waitForResponse(
      (r) => r.request().method() === "PUT" && r.url().includes(`/protocol/versions/`),
    );
    await p.getByRole("button", { name: "Save", exact: true }).click();
    expect((await saved).status()).toBe(200);
    await p.getByRole("button", { name: "Saved", exact: true }).waitFor();
    await p.getByRole("button", { name: "Propose for signature" }).click();
    await p.getByTestId("version-state").filter({ hasText: "Proposed" }).waitFor();
    await p
      .getByRole("row", { name: /Critical/ })
      .getByText("within 10m")
      .waitFor();

    // Paula signs for the provider; the dialog shows the fingerprint the signature covers.
    const proposed = await api<Overview>(paula, "GET", `/relationships/${relationshipId}/protocol`);
    const v2 = proposed.open!;
    expect(v2.number).toBe(2);
    await p.getByRole("button", { name: "Sign for provider" }).click();
    const dialog = p.getByRole("dialog", { name: "Sign version 2 for the provider" });
    await dialog.getByText("this exact text").waitFor();
    expect(await dialog.getByTestId("sign-hash").textContent()).toBe(v2.documentSha256);
    await dialog.getByLabel(/I have read version 2/).check();
    await dialog.getByRole("button", { name: "Sign version 2" }).click();
    await dialog.waitFor({ state: "hidden" });
    await p.getByTestId("signature-provider").getByText(AM.name).waitFor();
    expect(await p.getByRole("button", { name: "Sign for provider" }).count()).toBe(0);

    // Eli, the client's executive, has a notification about the proposal; it opens version 2.
    const client = await openPage(onTestFailed, "protocol-client");
    const c = client.page;
    await signIn(c, SIGNING.executive.email);
    const bell = c.getByRole("button", { name: "Notifications, 1 unread" });
    await bell.click();
    const item = c.getByRole("button", { name: /protocol version 2 proposed for signature/ });
    await item.waitFor();
    await item.click();
    await c.waitForURL(
      (url) => url.pathname === `/r/${relationshipId}/protocol` && url.searchParams.get("version") === v2.id,
    );
    await c.getByRole("heading", { level: 2, name: "Version 2" }).waitFor();
    await c.getByRole("button", { name: "Notifications", exact: true }).waitFor();

    // Eli signs for the client: version 2 is in effect, with both signatures.
    await c.getByRole("button", { name: "Sign for client" }).click();
    const clientDialog = c.getByRole("dialog", { name: "Sign version 2 for the client" });
    expect(await clientDialog.getByTestId("sign-hash").textContent()).toBe(v2.documentSha256);
    await clientDialog.getByRole("button", { name: "Sign version 2" }).click();
    await clientDialog.getByText("Confirm that you have read this version before signing.").waitFor();
    await clientDialog.getByLabel(/I have read version 2/).check();
    await clientDialog.getByRole("button", { name: "Sign version 2" }).click();
    await clientDialog.waitFor({ state: "hidden" });
    await c.getByTestId("version-state").filter({ hasText: "In effect" }).waitFor();
    await c.getByTestId("signature-client").getByText(SIGNING.executive.name).waitFor();
    await c.getByTestId("signature-provider").getByText(AM.name).waitFor();
    const after = await api<Overview>(eli, "GET", `/relationships/${relationshipId}/protocol`);
    expect(after.active?.id).toBe(v2.id);
    expect(after.open).toBeNull();

    // Paula's page, reloaded without a version, shows version 2 as the one in effect.
    await p.goto(`/r/${relationshipId}/protocol`);
    await p.getByRole("tab", { name: "In effect: version 2" }).waitFor();
    await p.getByTestId("version-state").filter({ hasText: "In effect" }).waitFor();

    // The history compares version 1 with version 2, in words and side by side.
    await c.getByRole("tab", { name: "History and changes" }).click();
    await c.getByRole("heading", { name: "What changed from version 1 to version 2" }).waitFor();
    await c.getByTestId("protocol-changes").getByText("critical response 15m → 10m").waitFor();
    const diff = c.locator("table.text-diff");
    await diff.locator("td[data-mark=removed]", { hasText: "within: 15m" }).waitFor();
    await diff.locator("td[data-mark=added]", { hasText: "within: 10m" }).waitFor();

    // What if a high-severity ticket were raised on Monday 2 March 2026 at 09:00 in New York?
    await c.getByRole("tab", { name: /In effect: version 2|Version 2/ }).click();
    const whatIf = c.getByRole("region", { name: "What if a ticket were raised…" });
    await whatIf.getByRole("combobox", { name: "Severity" }).click();
    await c.getByRole("option", { name: "High" }).click();
    await whatIf.getByLabel("Raised at (America/New_York time)").fill("2026-03-02T09:00");
    const response = whatIf.locator('[data-deadline="Response"]');
    await response.getByText("Mon, Mar 2, 2026, 10:00 AM EST").waitFor();
    await response.getByText("Mon, Mar 2, 2026, 03:00 PM your time (UTC)").waitFor();
    await whatIf
      .locator('[data-deadline="Resolution"]')
      .getByText(/Tue, Mar 3, 2026, \d\d:\d\d [AP]M EST/)
      .waitFor();
    await whatIf
      .locator('[data-deadline="First update"]')
      .getByText(/2026, \d\d:\d\d [AP]M EST/)
      .waitFor();
    await whatIf.getByRole("combobox", { name: "Severity" }).click();
    await c.getByRole("option", { name: "Low" }).click();
    await whatIf.locator('[data-deadline="Resolution"]').getByText("As available — no deadline").waitFor();

    expect(provider.errors, "console errors on the provider's page").toEqual([]);
    expect(client.errors, "console errors on the client's page").toEqual([]);
  });

  test("with no protocol yet, a phone shows what it is and starts one from the template", async ({
    onTestFailed,
  }) => {
    // The relationship's first draft is discarded through the API: no version is in effect or open.
    const fiona = await apiSignIn(FRESH.executive.email);
    const relationshipId = await relationshipOf(fiona, FRESH.client);
    const overview = await api<Overview>(fiona, "GET", `/relationships/${relationshipId}/protocol`);
    await api(
      fiona,
      "POST",
      `/relationships/${relationshipId}/protocol/versions/${overview.open!.id}/close`,
      {
        reason: "We will start again together",
      },
    );

    const { page, errors } = await openPage(onTestFailed, "protocol-empty-phone", {
      width: 390,
      height: 844,
    });
    await signIn(page, FRESH.executive.email);
    await page.goto(`/r/${relationshipId}/protocol`);
    await page.getByText("No protocol is in effect yet").waitFor();
    await page.getByText(/Nothing runs on it until the client/).waitFor();

    await page.getByRole("button", { name: "Start from the default template" }).click();
    await page.getByRole("heading", { level: 2, name: "Version 2" }).waitFor();
    await page.getByRole("textbox", { name: "Protocol version 2 (YAML)" }).waitFor();
    await page.getByText("No problems found.").waitFor();

    // The readable view fits the phone: wide tables scroll inside their own box, not the page.
    await page.getByText("Readable", { exact: true }).click();
    await page.getByRole("heading", { name: "Severities and targets" }).waitFor();
    // (A string: this file is type-checked without the DOM library.)
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);

    // The history lists the discarded draft with its reason.
    await page.getByRole("tab", { name: "History and changes" }).click();
    await page.getByText("Reason: We will start again together").waitFor();
    expect(errors, "console errors").toEqual([]);
  });
});
