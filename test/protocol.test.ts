/**
 * The protocol as a signed, versioned document, through the HTTP API: a draft is written,
 * proposed, signed by both sides over the exact text, and becomes the one active version; the
 * previous one is superseded at that instant; both parties are notified; every step is audited.
 */
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocolSignatures, protocolVersions } from "../src/modules/protocol/protocol.tables.ts";
import { defaultProtocolTemplate, loadActiveProtocol } from "../src/modules/protocol/protocol.service.ts";
import {
  createTenant,
  createTestApp,
  type Person,
  request,
  snapshotDatabase,
  type Tenant,
  type TestApp,
} from "./support.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const base = (tenant: Tenant) => `/api/v1/relationships/${tenant.relationshipId}/protocol`;
const sha = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

async function call(as: Person | null, method: string, url: string, payload?: object) {
  const res = await request(t, as, { method: method as never, url, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}

/** Draft → proposed → signed by both → active, returning the version id. */
async function activate(tenant: Tenant, document?: string): Promise<string> {
  const { people } = tenant;
  const draft = await call(
    people.account_manager,
    "POST",
    `${base(tenant)}/versions`,
    document ? { document } : {},
  );
  expect(draft.status, JSON.stringify(draft.body)).toBe(201);
  const id = draft.body.id as string;
  expect(
    (await call(people.account_manager, "POST", `${base(tenant)}/versions/${id}/propose`, {})).status,
  ).toBe(200);
  const provider = await call(people.account_manager, "POST", `${base(tenant)}/versions/${id}/sign`, {
    documentSha256: draft.body.documentSha256,
  });
  expect(provider.body.activated).toBe(false);
  t.clock.advance(60_000);
  const client = await call(people.executive, "POST", `${base(tenant)}/versions/${id}/sign`, {
    documentSha256: draft.body.documentSha256,
  });
  expect(client.status, JSON.stringify(client.body)).toBe(200);
  expect(client.body.activated).toBe(true);
  return id;
}

describe("protocol versions", () => {
  it("starts with no version, and a first draft comes from the default template", async () => {
    const tenant = await createTenant(t, "Proto first");
    const empty = await call(tenant.people.member, "GET", base(tenant));
    expect(empty.body).toMatchObject({
      active: null,
      open: null,
      versions: [],
      abilities: { edit: false, sign: false },
    });
    const draft = await call(tenant.people.it_contact, "POST", `${base(tenant)}/versions`, {});
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ number: 1, state: "draft", valid: true, problems: [] });
    expect(draft.body.document).toBe(defaultProtocolTemplate());
    expect(draft.body.documentSha256).toBe(sha(defaultProtocolTemplate()));
    expect(draft.body.parsed.severities.critical.response.within).toBe("15m");
    expect(draft.body.upcomingHolidays.length).toBeGreaterThan(3);
  });

  it("activates a version once both sides sign the exact text, superseding the previous one at that instant", async () => {
    const tenant = await createTenant(t, "Proto sign");
    const { people } = tenant;
    const v1 = await activate(tenant);
    const second = defaultProtocolTemplate().replace("response: { within: 15m", "response: { within: 10m");
    const draft = await call(people.approver, "POST", `${base(tenant)}/versions`, {
      document: second,
      summary: "Faster critical response",
    });
    const v2 = draft.body.id as string;
    expect(draft.body.basedOnId).toBeNull();
    await call(people.approver, "POST", `${base(tenant)}/versions/${v2}/propose`, {});

    // Signed text can never be edited.
    const edit = await call(people.approver, "PUT", `${base(tenant)}/versions/${v2}`, {
      document: defaultProtocolTemplate(),
    });
    expect(edit.status).toBe(409);
    expect(edit.body.detail).toContain("can no longer change");

    // A signature over different text is refused.
    const wrong = await call(people.executive, "POST", `${base(tenant)}/versions/${v2}/sign`, {
      documentSha256: sha(defaultProtocolTemplate()),
    });
    expect(wrong.status).toBe(409);
    expect(wrong.body.detail).toContain("SHA-256 differs");

    // A technician cannot sign; an it_contact cannot sign for the client.
    expect(
      (
        await call(people.technician, "POST", `${base(tenant)}/versions/${v2}/sign`, {
          documentSha256: sha(second),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call(people.it_contact, "POST", `${base(tenant)}/versions/${v2}/sign`, {
          documentSha256: sha(second),
        })
      ).status,
    ).toBe(403);

    const clientSig = await call(people.executive, "POST", `${base(tenant)}/versions/${v2}/sign`, {
      documentSha256: sha(second),
    });
    expect(clientSig.body).toMatchObject({ state: "proposed", activated: false });
    const again = await call(people.approver, "POST", `${base(tenant)}/versions/${v2}/sign`, {
      documentSha256: sha(second),
    });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain("already signed");

    t.clock.advance(60_000);
    const providerSig = await call(people.account_manager, "POST", `${base(tenant)}/versions/${v2}/sign`, {
      documentSha256: sha(second),
    });
    expect(providerSig.body).toMatchObject({ state: "active", activated: true });
    expect(
      providerSig.body.signatures.map((s: { side: string; role: string; documentSha256: string }) => [
        s.side,
        s.role,
        s.documentSha256,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ["client", "executive", sha(second)],
        ["provider", "account_manager", sha(second)],
      ]),
    );

    const overview = await call(people.member, "GET", base(tenant));
    expect(overview.body.active.id).toBe(v2);
    const old = overview.body.versions.find((v: { id: string }) => v.id === v1);
    expect(old.state).toBe("superseded");
    expect(old.supersededAt).toBe(overview.body.active.activatedAt);
    const active = await t.database.db
      .select()
      .from(protocolVersions)
      .where(
        and(eq(protocolVersions.relationshipId, tenant.relationshipId), eq(protocolVersions.state, "active")),
      );
    expect(active).toHaveLength(1);
    // What later modules run on: the active version, compiled.
    const loaded = await loadActiveProtocol(t.database.db, tenant.relationshipId);
    expect(loaded).toMatchObject({ versionId: v2, number: 2 });
    expect(loaded!.protocol.doc.severities.critical.response.within).toBe("10m");

    // Every step is in the relationship's audit trail, in order.
    const events = await call(
      people.executive,
      "GET",
      `/api/v1/relationships/${tenant.relationshipId}/events?limit=100`,
    );
    const actions = events.body.items.map((e: { action: string }) => e.action).reverse();
    expect(actions.filter((a: string) => a.startsWith("protocol."))).toEqual([
      "protocol.draft_created",
      "protocol.proposed",
      "protocol.signed",
      "protocol.signed",
      "protocol.activated",
      "protocol.draft_created",
      "protocol.proposed",
      "protocol.signed",
      "protocol.signed",
      "protocol.activated",
    ]);
  });

  it("makes the database itself refuse to change signed text or signatures", async () => {
    const tenant = await createTenant(t, "Proto frozen");
    const id = await activate(tenant);
    await expect(
      t.database.db
        .update(protocolVersions)
        .set({ document: "title: rewritten\n" })
        .where(eq(protocolVersions.id, id)),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/its text cannot change/) } });
    await expect(
      t.database.db.delete(protocolSignatures).where(eq(protocolSignatures.versionId, id)),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/cannot be changed or removed/) } });
    const version = await call(tenant.people.member, "GET", `${base(tenant)}/versions/${id}`);
    expect(version.body.document).toBe(defaultProtocolTemplate());
    expect(version.body.signatures).toHaveLength(2);
  });

  it("notifies both parties of a proposal and of activation, not client end users", async () => {
    const tenant = await createTenant(t, "Proto notify");
    const { people } = tenant;
    await activate(tenant);
    const inbox = async (p: Person) => (await call(p, "GET", "/api/v1/notifications")).body;
    // Attendees of the touchpoint meetings also get the series invitation the activation starts.
    const kinds = (items: Array<{ kind: string }>) =>
      items.map((n) => n.kind).filter((k) => !k.startsWith("touchpoint."));
    const exec = await inbox(people.executive);
    expect(kinds(exec.items)).toEqual(["protocol.activated", "protocol.proposed"]);
    expect(exec.items.filter((n: { kind: string }) => n.kind === "touchpoint.invitation")).toHaveLength(1);
    expect(exec.unread).toBe(3);
    const proposed = exec.items.find((n: { kind: string }) => n.kind === "protocol.proposed");
    expect(proposed.link).toMatch(
      new RegExp(`^/r/${tenant.relationshipId}/protocol\\?version=[0-9a-f-]{36}$`),
    );
    const senior = await inbox(people.senior_technician);
    expect(kinds(senior.items)).toEqual(["protocol.activated", "protocol.proposed"]);
    // The proposer is not told about their own proposal.
    expect(kinds((await inbox(people.account_manager)).items)).toEqual(["protocol.activated"]);
    expect((await inbox(people.member)).items).toEqual([]);
    // Reading them.
    const activated = exec.items.find((n: { kind: string }) => n.kind === "protocol.activated");
    const read = await call(people.executive, "POST", `/api/v1/notifications/${activated.id}/read`);
    expect(read.body.marked).toBe(1);
    expect((await inbox(people.executive)).unread).toBe(2);
    // Someone else's notification is a 404.
    expect((await call(people.approver, "POST", `/api/v1/notifications/${proposed.id}/read`)).status).toBe(
      404,
    );
    expect((await call(people.executive, "POST", "/api/v1/notifications/read-all")).body.marked).toBe(2);
  });

  it("refuses to propose a document with problems, listing each with its line, and changes nothing", async () => {
    const tenant = await createTenant(t, "Proto invalid");
    const text = defaultProtocolTemplate().replace(
      "response: { within: 15m",
      "response: { within: 15 minuts",
    );
    const draft = await call(tenant.people.it_contact, "POST", `${base(tenant)}/versions`, {
      document: text,
    });
    expect(draft.body).toMatchObject({ valid: false, state: "draft" });
    expect(draft.body.problems[0].path).toBe("severities.critical.response.within");
    const before = await snapshotDatabase(t.database);
    const res = await call(
      tenant.people.it_contact,
      "POST",
      `${base(tenant)}/versions/${draft.body.id}/propose`,
      {},
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation_failed");
    const line = text.slice(0, text.indexOf("15 minuts")).split("\n").length;
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0]).toMatchObject({ line, path: `document:${line}:${res.body.errors[0].column}` });
    expect(res.body.errors[0].message).toContain("'15 minuts' is not a duration");
    expect(await snapshotDatabase(t.database)).toEqual(before);
  });

  it("keeps one open version at a time, and closes drafts and proposals with a reason", async () => {
    const tenant = await createTenant(t, "Proto open");
    const { people } = tenant;
    const first = await call(people.it_contact, "POST", `${base(tenant)}/versions`, {});
    const clash = await call(people.account_manager, "POST", `${base(tenant)}/versions`, {});
    expect(clash.status).toBe(409);
    expect(clash.body.detail).toContain("Version 1 is still draft");
    const discarded = await call(
      people.it_contact,
      "POST",
      `${base(tenant)}/versions/${first.body.id}/close`,
      { reason: "Starting over" },
    );
    expect(discarded.body).toMatchObject({ state: "discarded", closedReason: "Starting over" });
    const second = await call(people.account_manager, "POST", `${base(tenant)}/versions`, {});
    expect(second.body.number).toBe(2);
    await call(people.account_manager, "POST", `${base(tenant)}/versions/${second.body.id}/propose`, {});
    const declined = await call(
      people.executive,
      "POST",
      `${base(tenant)}/versions/${second.body.id}/close`,
      { reason: "Critical response must be 10m" },
    );
    expect(declined.body.state).toBe("declined");
    const sign = await call(people.executive, "POST", `${base(tenant)}/versions/${second.body.id}/sign`, {
      documentSha256: second.body.documentSha256,
    });
    expect(sign.status).toBe(409);
  });

  it("diffs two versions by section", async () => {
    const tenant = await createTenant(t, "Proto diff");
    const v1 = await activate(tenant);
    const text = defaultProtocolTemplate()
      .replace("response: { within: 15m", "response: { within: 10m")
      .replace(
        "  blackouts: []",
        "  blackouts:\n    - { name: Year-end close, from: 2026-12-20, to: 2027-01-02 }",
      );
    const v2 = await call(tenant.people.approver, "POST", `${base(tenant)}/versions`, { document: text });
    const diff = await call(
      tenant.people.technician,
      "GET",
      `${base(tenant)}/diff?from=${v1}&to=${v2.body.id}`,
    );
    expect(diff.status).toBe(200);
    expect(diff.body.changes.map((c: { text: string }) => c.text)).toEqual([
      "critical response 15m → 10m",
      "added blackout Year-end close 2026-12-20..2027-01-02",
    ]);
    expect(diff.body.from.document).toBe(defaultProtocolTemplate());
    expect(diff.body.to.document).toBe(text);
  });

  it("answers what-if questions on the protocol's calendar", async () => {
    const tenant = await createTenant(t, "Proto preview");
    await activate(tenant);
    const due = await call(tenant.people.member, "POST", `${base(tenant)}/preview-due`, {
      start: "2026-11-20T21:30:00Z", // Friday 16:30 in New York
      seconds: 3600,
    });
    expect(due.body).toEqual({ due: "2026-11-23T13:30:00.000Z", versionNumber: 1 });
    const round = await call(tenant.people.member, "POST", `${base(tenant)}/preview-due`, {
      start: "2026-11-20T21:30:00Z",
      seconds: 3600,
      clock: "24x7",
    });
    expect(round.body.due).toBe("2026-11-20T22:30:00.000Z");
    const deadlines = await call(tenant.people.it_contact, "POST", `${base(tenant)}/preview-deadlines`, {
      severity: "low",
      start: "2026-11-25T15:00:00Z",
    });
    expect(deadlines.body).toMatchObject({
      response: { due: "2026-11-30T13:00:00.000Z", clock: "business" },
      resolution: { due: null },
    });
    const bad = await call(tenant.people.member, "POST", `${base(tenant)}/preview-due`, {
      start: "next friday",
      seconds: -1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "body.seconds",
      "body.start",
    ]);
  });

  it("validates documents for editors and publishes the template and JSON Schema", async () => {
    const tenant = await createTenant(t, "Proto validate");
    const res = await call(tenant.people.member, "POST", "/api/v1/protocol/validate", {
      document: "timezone: Mars/Olympus\n",
    });
    expect(res.body.valid).toBe(false);
    expect(res.body.problems[0]).toMatchObject({ path: "liaison_protocol", line: 1 });
    const template = await t.app.inject({ method: "GET", url: "/api/v1/protocol/template" });
    expect(template.json().document).toBe(defaultProtocolTemplate());
    const schema = await t.app.inject({ method: "GET", url: "/api/v1/protocol/schema.json" });
    expect(schema.headers["content-type"]).toContain("application/schema+json");
    expect(schema.json().properties.severities).toBeDefined();
  });
});
