/**
 * Restoration plans through the API: one plan per critical system, kept by the provider's staff
 * and the client's IT contact or executive and read by everyone in the relationship; restoration
 * tests (only passed or partial ones make a plan tested); and staleness under the default
 * protocol's `restoration_test_max_age: 180d`, announced to both sides exactly once by the sweep.
 * Each test builds its own tenant; other tenants' plans share the database, so checks of what
 * the sweep did look at this tenant's rows only.
 */
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "../src/core/events/events.tables.ts";
import { notifications, outbox } from "../src/core/notify/notify.tables.ts";
import { restorationPlans } from "../src/modules/oncall/oncall.tables.ts";
import { restorationPlanFor, runDueRestorationChecks } from "../src/modules/oncall/restoration.service.ts";
import { defaultProtocolTemplate } from "../src/modules/protocol/protocol.service.ts";
import {
  activateProtocol,
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
  // Tests move the clock past the 180-day maximum age, twice; sign-ins must outlast that.
  t = await createTestApp({ sessionTtlHours: 24 * 800 });
});
afterAll(async () => t?.close());

const DAY = 86_400_000;
const START = Date.UTC(2026, 2, 2, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

const base = (tenant: Tenant) => `/api/v1/relationships/${tenant.relationshipId}/restoration-plans`;

async function call(as: Person | null, method: string, url: string, payload?: object) {
  const res = await request(t, as, { method: method as never, url, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}

async function tenantAt(now: number, label: string, protocol: boolean | string = true) {
  t.clock.set(now);
  const tenant = await createTenant(t, label);
  if (protocol) await activateProtocol(t, tenant, typeof protocol === "string" ? protocol : undefined);
  return tenant;
}

function planBody(over: Record<string, unknown> = {}) {
  return {
    system: "Mail server",
    strategy: "restore_from_backup",
    expectedRestore: "4h",
    recoveryPoint: "24h",
    runbook: ["Provision a new VM", "Restore the latest nightly backup", "Point the MX records at it"],
    executorRoles: ["senior_technician"],
    notes: "Backups are in the offsite bucket.",
    ...over,
  };
}

async function createPlan(tenant: Tenant, over: Record<string, unknown> = {}, as?: Person) {
  const res = await call(as ?? tenant.people.technician, "POST", base(tenant), planBody(over));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const recordTest = (tenant: Tenant, planId: string, payload: object, as?: Person) =>
  call(as ?? tenant.people.technician, "POST", `${base(tenant)}/${planId}/tests`, payload);

/** This tenant's stale-plan notifications: who got one, by user id. */
async function staleNotices(tenant: Tenant) {
  return t.database.db
    .select({ userId: notifications.userId, subject: notifications.subject, link: notifications.link })
    .from(notifications)
    .where(
      and(
        eq(notifications.relationshipId, tenant.relationshipId),
        eq(notifications.kind, "restoration.stale"),
      ),
    );
}

async function eventsOn(planId: string) {
  return t.database.db
    .select({ action: events.action, actorType: events.actorType })
    .from(events)
    .where(and(eq(events.subjectType, "restoration_plan"), eq(events.subjectId, planId)))
    .orderBy(asc(events.seq));
}

describe("restoration plans", () => {
  it("creates, reads and edits a plan; an edit on a stale revision answers 409", async () => {
    const tenant = await tenantAt(START, "Restore CRUD");
    const plan = await createPlan(tenant, { executorUserIds: [tenant.people.senior_technician.userId] });
    expect(plan).toMatchObject({
      system: "Mail server",
      strategy: "restore_from_backup",
      expectedRestore: "4h",
      recoveryPoint: "24h",
      executorRoles: ["senior_technician"],
      executors: [
        { userId: tenant.people.senior_technician.userId, name: tenant.people.senior_technician.name },
      ],
      notes: "Backups are in the offsite bucket.",
      lastTestedAt: null,
      lastTest: null,
      maxAge: "180d",
      revision: 1,
      tests: [],
      abilities: { edit: true, recordTest: true, archive: true },
    });
    expect(plan.runbook).toHaveLength(3);

    // Everyone in the relationship reads; the member may do nothing else.
    const list = await call(tenant.people.member, "GET", base(tenant));
    expect(list.status).toBe(200);
    expect(list.body.maxAge).toBe("180d");
    expect(list.body.counts).toEqual({ total: 1, stale: 1 });
    expect(list.body.abilities).toEqual({ create: false });
    expect(list.body.items[0]).toMatchObject({
      id: plan.id,
      abilities: { edit: false, recordTest: false, archive: false },
    });
    const read = await call(tenant.people.member, "GET", `${base(tenant)}/${plan.id}`);
    expect(read.status).toBe(200);
    expect(read.body.system).toBe("Mail server");

    // Only the fields given change.
    t.clock.set(START + DAY);
    const edited = await call(tenant.people.it_contact, "PATCH", `${base(tenant)}/${plan.id}`, {
      revision: 1,
      expectedRestore: "2h 30m",
      runbook: ["Fail over to the standby", "Check mail flow"],
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({
      revision: 2,
      expectedRestore: "2h 30m",
      recoveryPoint: "24h",
      strategy: "restore_from_backup",
      runbook: ["Fail over to the standby", "Check mail flow"],
      notes: "Backups are in the offsite bucket.",
      updatedAt: iso(START + DAY),
    });

    const stale = await call(tenant.people.technician, "PATCH", `${base(tenant)}/${plan.id}`, {
      revision: 1,
      notes: "Overwrites the other edit",
    });
    expect(stale.status).toBe(409);
    expect(stale.body.detail).toContain("revision 2");
    const [kept] = await t.database.db
      .select()
      .from(restorationPlans)
      .where(eq(restorationPlans.id, plan.id));
    expect(kept).toMatchObject({ revision: 2, notes: "Backups are in the offsite bucket." });
    expect(await eventsOn(plan.id)).toHaveLength(2);

    // An empty notes field clears the notes.
    const cleared = await call(tenant.people.technician, "PATCH", `${base(tenant)}/${plan.id}`, {
      revision: 2,
      notes: "",
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.notes).toBeNull();
  });

  it("refuses a second plan for a system (ignoring case) naming the plan; archiving frees the name", async () => {
    const tenant = await tenantAt(START, "Restore names");
    const mail = await createPlan(tenant);
    const files = await createPlan(tenant, { system: "File server" });

    const dup = await call(
      tenant.people.technician,
      "POST",
      base(tenant),
      planBody({ system: "  mail SERVER " }),
    );
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("conflict");
    expect(dup.body.detail).toContain("“Mail server”");
    expect(dup.body.detail).toContain(mail.id);
    expect(dup.body.errors[0].path).toBe("body.system");

    const renamed = await call(tenant.people.technician, "PATCH", `${base(tenant)}/${files.id}`, {
      revision: 1,
      system: "MAIL server",
    });
    expect(renamed.status).toBe(409);
    expect(renamed.body.detail).toContain(mail.id);
    // A plan may change the case of its own name.
    const recased = await call(tenant.people.technician, "PATCH", `${base(tenant)}/${mail.id}`, {
      revision: 1,
      system: "Mail Server",
    });
    expect(recased.status, JSON.stringify(recased.body)).toBe(200);

    const archived = await call(tenant.people.executive, "DELETE", `${base(tenant)}/${mail.id}`);
    expect(archived.status).toBe(204);
    expect((await call(tenant.people.member, "GET", `${base(tenant)}/${mail.id}`)).status).toBe(404);
    expect((await recordTest(tenant, mail.id, { outcome: "passed" })).status).toBe(404);
    expect((await call(tenant.people.executive, "DELETE", `${base(tenant)}/${mail.id}`)).status).toBe(404);
    const list = await call(tenant.people.member, "GET", base(tenant));
    expect(list.body.items.map((p: { system: string }) => p.system)).toEqual(["File server"]);

    const again = await createPlan(tenant, { system: "mail server", strategy: "fail_over" });
    expect(again.id).not.toBe(mail.id);
    expect(again.strategy).toBe("fail_over");
  });

  it("answers 400 naming the field for bad durations, unknown people and roles, and future tests", async () => {
    const tenant = await tenantAt(START, "Restore input");
    const other = await tenantAt(START, "Restore input other", false);
    const before = await snapshotDatabase(t.database);

    const restore = await call(
      tenant.people.technician,
      "POST",
      base(tenant),
      planBody({ expectedRestore: "soon" }),
    );
    expect(restore.status).toBe(400);
    expect(restore.body.code).toBe("validation_failed");
    expect(restore.body.errors).toEqual([
      { path: "body.expectedRestore", message: expect.stringContaining("4h or 30m") },
    ]);

    const point = await call(
      tenant.people.technician,
      "POST",
      base(tenant),
      planBody({ recoveryPoint: "yesterday" }),
    );
    expect(point.status).toBe(400);
    expect(point.body.errors[0].path).toBe("body.recoveryPoint");

    const people = await call(
      tenant.people.technician,
      "POST",
      base(tenant),
      planBody({ executorUserIds: [tenant.people.member.userId, other.people.technician.userId] }),
    );
    expect(people.status).toBe(400);
    expect(people.body.errors[0].path).toBe("body.executorUserIds.1");

    const roles = await call(
      tenant.people.technician,
      "POST",
      base(tenant),
      planBody({ executorRoles: ["janitor"] }),
    );
    expect(roles.status).toBe(400);
    expect(roles.body.errors[0].path).toBe("body.executorRoles.0");
    expect(await snapshotDatabase(t.database)).toEqual(before);

    const plan = await createPlan(tenant);
    const patch = await call(tenant.people.technician, "PATCH", `${base(tenant)}/${plan.id}`, {
      revision: 1,
      recoveryPoint: "a day or so",
    });
    expect(patch.status).toBe(400);
    expect(patch.body.errors[0].path).toBe("body.recoveryPoint");

    const took = await recordTest(tenant, plan.id, { outcome: "passed", took: "quick" });
    expect(took.status).toBe(400);
    expect(took.body.errors[0].path).toBe("body.took");

    const future = await recordTest(tenant, plan.id, { outcome: "passed", testedAt: iso(START + 60_000) });
    expect(future.status).toBe(400);
    expect(future.body.errors[0].path).toBe("body.testedAt");
    const detail = await call(tenant.people.technician, "GET", `${base(tenant)}/${plan.id}`);
    expect(detail.body.tests).toEqual([]);
  });

  it("keeps a never-tested plan stale; a failed test leaves it stale, a passed one clears it", async () => {
    const tenant = await tenantAt(START, "Restore tests");
    const plan = await createPlan(tenant);
    expect(plan.stale).toBe(true);
    expect(plan.staleSince).toBe(iso(START));

    t.clock.set(START + 2 * DAY);
    const failed = await recordTest(tenant, plan.id, {
      outcome: "failed",
      took: "3h",
      notes: "The backup of the mail store was empty.",
      testedAt: iso(START + DAY),
    });
    expect(failed.status, JSON.stringify(failed.body)).toBe(201);
    expect(failed.body).toMatchObject({
      stale: true,
      lastTestedAt: null,
      lastTest: { outcome: "failed", testedAt: iso(START + DAY), took: "3h" },
    });

    const passed = await recordTest(
      tenant,
      plan.id,
      { outcome: "passed", took: "2h" },
      tenant.people.it_contact,
    );
    expect(passed.status).toBe(201);
    expect(passed.body).toMatchObject({
      stale: false,
      staleSince: null,
      lastTestedAt: iso(START + 2 * DAY),
      testDueAt: iso(START + 182 * DAY),
      lastTest: { outcome: "passed", testedAt: iso(START + 2 * DAY), took: "2h" },
    });
    // The history, newest first, with who recorded each test.
    expect(
      passed.body.tests.map((x: { outcome: string; recordedByName: string }) => [
        x.outcome,
        x.recordedByName,
      ]),
    ).toEqual([
      ["passed", tenant.people.it_contact.name],
      ["failed", tenant.people.technician.name],
    ]);

    // A partial test counts as tested, too; an older one does not move the date back.
    t.clock.set(START + 3 * DAY);
    const older = await recordTest(tenant, plan.id, { outcome: "partial", testedAt: iso(START + DAY / 2) });
    expect(older.body.lastTestedAt).toBe(iso(START + 2 * DAY));
    const partial = await recordTest(tenant, plan.id, { outcome: "partial" });
    expect(partial.body).toMatchObject({ stale: false, lastTestedAt: iso(START + 3 * DAY) });
    expect(partial.body.tests).toHaveLength(4);

    const stale = await call(tenant.people.member, "GET", `${base(tenant)}?stale=true`);
    expect(stale.body.items).toEqual([]);
    expect(stale.body.counts).toEqual({ total: 1, stale: 0 });
  });

  it("flags a plan past the maximum age and tells both sides exactly once; a passing test re-arms it", async () => {
    const tenant = await tenantAt(START, "Restore stale");
    const plan = await createPlan(tenant);
    expect((await recordTest(tenant, plan.id, { outcome: "passed" })).status).toBe(201);

    await runDueRestorationChecks(t.ctx);
    t.clock.set(START + 179 * DAY);
    await runDueRestorationChecks(t.ctx);
    expect(await staleNotices(tenant)).toEqual([]);
    expect((await call(tenant.people.member, "GET", `${base(tenant)}?stale=true`)).body.items).toEqual([]);

    t.clock.set(START + 181 * DAY);
    const list = await call(tenant.people.member, "GET", `${base(tenant)}?stale=true`);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      id: plan.id,
      stale: true,
      staleSince: iso(START + 180 * DAY),
    });
    expect((await call(tenant.people.member, "GET", `${base(tenant)}?stale=false`)).body.items).toEqual([]);

    const first = await runDueRestorationChecks(t.ctx);
    expect(first.notified).toBeGreaterThanOrEqual(1);
    const told = await staleNotices(tenant);
    const p = tenant.people;
    const expected = [
      p.clientAdmin,
      p.it_contact,
      p.executive,
      p.providerAdmin,
      p.account_manager,
      p.senior_technician,
    ].map((x) => x.userId);
    expect(told.map((n) => n.userId).sort()).toEqual([...expected].sort());
    expect(told[0]!.subject).toBe("Restoration plan untested: Mail server");
    expect(told[0]!.link).toBe(`/r/${tenant.relationshipId}/oncall/restoration/${plan.id}`);

    // Again, and again later: nobody is told twice.
    await runDueRestorationChecks(t.ctx);
    t.clock.set(START + 200 * DAY);
    await runDueRestorationChecks(t.ctx);
    expect(await staleNotices(tenant)).toHaveLength(6);

    // A failed test does not make the plan tested, and does not re-arm the notice.
    const failed = await recordTest(tenant, plan.id, { outcome: "failed" });
    expect(failed.body.stale).toBe(true);
    const [afterFailed] = await t.database.db
      .select()
      .from(restorationPlans)
      .where(eq(restorationPlans.id, plan.id));
    expect(afterFailed!.staleNotifiedAt).not.toBeNull();
    await runDueRestorationChecks(t.ctx);
    expect(await staleNotices(tenant)).toHaveLength(6);

    // A passing test clears the flag and re-arms the notice for the next lapse.
    const passed = await recordTest(tenant, plan.id, { outcome: "passed" });
    expect(passed.body).toMatchObject({ stale: false, testDueAt: iso(START + 380 * DAY) });
    const [row] = await t.database.db.select().from(restorationPlans).where(eq(restorationPlans.id, plan.id));
    expect(row!.staleNotifiedAt).toBeNull();
    expect(row!.staleAt).toEqual(new Date(START + 380 * DAY));
    await runDueRestorationChecks(t.ctx);
    expect(await staleNotices(tenant)).toHaveLength(6);

    t.clock.set(START + 381 * DAY);
    await runDueRestorationChecks(t.ctx);
    await runDueRestorationChecks(t.ctx);
    expect(await staleNotices(tenant)).toHaveLength(12);

    const actions = (await eventsOn(plan.id)).map((e) => e.action);
    expect(actions.filter((a) => a === "restoration_plan.stale")).toHaveLength(2);
    expect((await eventsOn(plan.id)).find((e) => e.action === "restoration_plan.stale")!.actorType).toBe(
      "system",
    );
  });

  it("counts a maximum age in business days on the protocol's business calendar", async () => {
    const document = defaultProtocolTemplate().replace(
      "restoration_test_max_age: 180d",
      "restoration_test_max_age: 2 business days",
    );
    // Friday 6 March 2026, 10:00 in New York (EST): 6 business hours left that day, 8 on Monday,
    // 2 on Tuesday, which is on EDT: Tuesday 10:00 New York is 14:00 UTC.
    const friday = Date.UTC(2026, 2, 6, 15, 0);
    const tenant = await tenantAt(friday, "Restore business days", document);
    const plan = await createPlan(tenant);
    const tested = await recordTest(tenant, plan.id, { outcome: "passed" });
    expect(tested.body).toMatchObject({
      maxAge: "2 business days",
      stale: false,
      testDueAt: "2026-03-10T14:00:00.000Z",
    });
  });

  it("announces a never-tested plan at the next sweep", async () => {
    const tenant = await tenantAt(START + 400 * DAY, "Restore untested");
    await createPlan(tenant, { system: "ERP" });
    await runDueRestorationChecks(t.ctx);
    await runDueRestorationChecks(t.ctx);
    const told = await staleNotices(tenant);
    expect(told).toHaveLength(6);
    expect(told[0]!.subject).toBe("Restoration plan untested: ERP");
  });

  it("lets every member read, and refuses others with 403 before any other check", async () => {
    const tenant = await tenantAt(START, "Restore roles");
    const plan = await createPlan(tenant, {}, tenant.people.executive);
    const url = `${base(tenant)}/${plan.id}`;
    const before = await snapshotDatabase(t.database);
    for (const who of [tenant.people.member, tenant.people.approver, tenant.people.advisor]) {
      expect((await call(who, "GET", base(tenant))).status).toBe(200);
      expect((await call(who, "GET", url)).status).toBe(200);
      const refused = [
        await call(who, "POST", base(tenant), planBody({ system: "Firewall" })),
        // A stale revision, bad durations, a missing plan: still 403 first.
        await call(who, "PATCH", url, { revision: 9, expectedRestore: "soon" }),
        await call(who, "PATCH", `${base(tenant)}/00000000-0000-4000-8000-000000000000`, { revision: 1 }),
        await call(who, "DELETE", url),
        await recordTest(tenant, plan.id, { outcome: "passed", testedAt: iso(START + DAY) }, who),
      ];
      for (const r of refused) {
        expect(r.status, JSON.stringify(r.body)).toBe(403);
        expect(r.body.code).toBe("forbidden");
      }
    }
    expect(await snapshotDatabase(t.database)).toEqual(before);
  });

  it("answers 404 for another tenant's plan and leaves it unchanged", async () => {
    const a = await tenantAt(START, "Restore A");
    const b = await tenantAt(START, "Restore B");
    const plan = await createPlan(a);
    const before = await snapshotDatabase(t.database);
    for (const outsider of [b.people.providerAdmin, b.people.clientAdmin]) {
      for (const url of [`${base(a)}/${plan.id}`, `${base(b)}/${plan.id}`]) {
        expect((await call(outsider, "GET", url)).status).toBe(404);
        expect((await call(outsider, "PATCH", url, { revision: 1, notes: "mine now" })).status).toBe(404);
        expect((await call(outsider, "DELETE", url)).status).toBe(404);
        expect((await call(outsider, "POST", `${url}/tests`, { outcome: "passed" })).status).toBe(404);
      }
      expect((await call(outsider, "GET", base(a))).status).toBe(404);
      expect((await call(outsider, "POST", base(a), planBody({ system: "Firewall" }))).status).toBe(404);
    }
    expect(await snapshotDatabase(t.database)).toEqual(before);
    const [row] = await t.database.db.select().from(restorationPlans).where(eq(restorationPlans.id, plan.id));
    expect(row).toMatchObject({ revision: 1, archivedAt: null, notes: "Backups are in the offsite bucket." });
  });

  it("needs a protocol in effect to keep plans, and reads without one", async () => {
    const tenant = await tenantAt(START, "Restore no protocol", false);
    const list = await call(tenant.people.member, "GET", base(tenant));
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ items: [], maxAge: null, counts: { total: 0, stale: 0 } });
    const created = await call(tenant.people.technician, "POST", base(tenant), planBody());
    expect(created.status).toBe(409);
    expect(created.body.detail).toContain("restoration plans");
  });

  it("writes every change to the audit trail and to subscribed webhooks", async () => {
    const tenant = await tenantAt(START, "Restore audit");
    const hook = await call(
      tenant.people.clientAdmin,
      "POST",
      `/api/v1/relationships/${tenant.relationshipId}/webhooks`,
      {
        url: "https://hooks.example/restoration",
      },
    );
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const plan = await createPlan(tenant);
    await call(tenant.people.technician, "PATCH", `${base(tenant)}/${plan.id}`, {
      revision: 1,
      strategy: "fail_over",
    });
    // An edit that changes nothing records nothing.
    await call(tenant.people.technician, "PATCH", `${base(tenant)}/${plan.id}`, {
      revision: 2,
      strategy: "fail_over",
    });
    await recordTest(tenant, plan.id, { outcome: "passed" });
    await call(tenant.people.technician, "DELETE", `${base(tenant)}/${plan.id}`);
    expect((await eventsOn(plan.id)).map((e) => e.action)).toEqual([
      "restoration_plan.created",
      "restoration_plan.updated",
      "restoration_plan.tested",
      "restoration_plan.archived",
    ]);
    const [updated] = await t.database.db
      .select({ before: events.before, after: events.after, actorName: events.actorName })
      .from(events)
      .where(and(eq(events.subjectId, plan.id), eq(events.action, "restoration_plan.updated")));
    expect(updated).toEqual({
      before: { strategy: "restore_from_backup" },
      after: { strategy: "fail_over" },
      actorName: tenant.people.technician.name,
    });
    const hooks = await t.database.db
      .select({ kind: outbox.kind })
      .from(outbox)
      .where(and(eq(outbox.relationshipId, tenant.relationshipId), eq(outbox.channel, "webhook")));
    expect(hooks.map((h) => h.kind).sort()).toEqual([
      "restoration_plan.archived",
      "restoration_plan.created",
      "restoration_plan.tested",
      "restoration_plan.updated",
    ]);
    // Members of the relationship can read the trail through the API.
    const trail = await call(
      tenant.people.it_contact,
      "GET",
      `/api/v1/relationships/${tenant.relationshipId}/events`,
    );
    expect(trail.status).toBe(200);
  });

  it("finds the plan for a system ignoring case, for the emergency page", async () => {
    const tenant = await tenantAt(START, "Restore lookup");
    const plan = await createPlan(tenant, { system: "Core Switch", strategy: "repair_in_place" });
    const found = await restorationPlanFor(t.ctx, tenant.relationshipId, "  core switch ", null);
    expect(found).toMatchObject({
      id: plan.id,
      strategy: "repair_in_place",
      stale: true,
      maxAge: "180d",
      abilities: { edit: false, recordTest: false, archive: false },
    });
    expect(await restorationPlanFor(t.ctx, tenant.relationshipId, "Mail server", null)).toBeNull();
  });
});
