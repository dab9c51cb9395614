/**
 * Emergencies through the API, as both sides meet them at 2 AM on a Sunday: declaring from a
 * critical ticket or directly, the paging chain with its acknowledgement timeouts (on a manual
 * clock), actions checked against the on-call authority register, updates on the critical
 * cadence, resolution, and the post-incident review that opens by itself and tracks its
 * prevention actions until done. Each test builds its own tenant on the default protocol
 * (America/New_York; acknowledge within 10m; review within 5 business days).
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "../src/core/events/events.tables.ts";
import { notifications, outbox } from "../src/core/notify/notify.tables.ts";
import { runDueOncallTimers } from "../src/modules/oncall/oncall.jobs.ts";
import {
  activateProtocol,
  createTenant,
  createTestApp,
  type Person,
  request,
  type Tenant,
  type TestApp,
} from "./support.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ sessionTtlHours: 24 * 365 });
});
afterAll(async () => t?.close());

const MIN = 60_000;
/** Sunday 19 April 2026, 02:00 in New York (EDT, UTC−4). */
const SUNDAY_2AM = Date.UTC(2026, 3, 19, 6, 0);

async function call(as: Person | null, method: string, url: string, payload?: object) {
  const res = await request(t, as, { method: method as never, url, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body ? res.json() : null, raw: res };
}

async function tenantAt(now: number, label: string) {
  t.clock.set(now);
  const tenant = await createTenant(t, label);
  await activateProtocol(t, tenant);
  return tenant;
}

/** A weekly primary rotation (technician, senior technician) and a secondary (account manager). */
async function schedule(tenant: Tenant) {
  const res = await call(
    tenant.people.providerAdmin,
    "POST",
    `/api/v1/organizations/${tenant.providerOrgId}/oncall-schedules`,
    {
      name: "Round the clock",
      timeZone: "America/New_York",
      rotations: [
        {
          name: "Primary",
          layer: 1,
          participants: [tenant.people.technician.userId, tenant.people.senior_technician.userId],
          start: "2026-04-13T09:00",
          every: 1,
          unit: "week",
        },
        {
          name: "Secondary",
          layer: 2,
          participants: [tenant.people.account_manager.userId],
          start: "2026-04-13T09:00",
          every: 1,
          unit: "week",
        },
      ],
    },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const base = (tenant: Tenant) => `/api/v1/relationships/${tenant.relationshipId}/emergencies`;
const criterion = "A critical system is completely unavailable and the business cannot operate.";

async function declare(tenant: Tenant, as: Person = tenant.people.it_contact, extra: object = {}) {
  const res = await call(as, "POST", base(tenant), {
    title: "File server down",
    description: "Nobody can open shared files.",
    affectedSystem: "File server",
    criteria: [criterion],
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function pagesTo(tenant: Tenant, userId: string) {
  return t.database.db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        eq(notifications.kind, "emergency.page"),
        eq(notifications.relationshipId, tenant.relationshipId),
      ),
    );
}

describe("emergencies", () => {
  it("pages the primary on call at once, then the secondary, then the escalation levels when nobody acknowledges", async () => {
    const tenant = await tenantAt(SUNDAY_2AM, "Paging");
    await schedule(tenant);
    const e = await declare(tenant);
    expect(e.state).toBe("paging");
    expect(e.number).toBe(1);
    // Week of 13 April: the technician is primary; the account manager secondary.
    expect(e.chain.map((s: { target: string }) => s.target)).toEqual(
      expect.arrayContaining(["layer:1", "layer:2"]),
    );
    expect(e.chain[0]).toMatchObject({ target: "layer:1", people: 1 });
    expect(e.pages).toHaveLength(1);
    expect(e.pages[0]).toMatchObject({ userId: tenant.people.technician.userId, step: 0 });
    expect(e.nextPageAt).toBe(new Date(SUNDAY_2AM + 10 * MIN).toISOString());
    expect(await pagesTo(tenant, tenant.people.technician.userId)).toHaveLength(1);

    // Nine minutes: nothing more. Ten: the secondary.
    t.clock.set(SUNDAY_2AM + 9 * MIN);
    expect((await runDueOncallTimers(t.ctx)).pages).toBe(0);
    t.clock.set(SUNDAY_2AM + 10 * MIN);
    expect((await runDueOncallTimers(t.ctx)).pages).toBe(1);
    expect((await runDueOncallTimers(t.ctx)).pages).toBe(0);
    expect(await pagesTo(tenant, tenant.people.account_manager.userId)).toHaveLength(1);

    // Ten more: the protocol's provider escalation levels (senior technician, then account managers).
    t.clock.set(SUNDAY_2AM + 20 * MIN);
    await runDueOncallTimers(t.ctx);
    expect(await pagesTo(tenant, tenant.people.senior_technician.userId)).toHaveLength(1);
    const detail = await call(tenant.people.member, "GET", `${base(tenant)}/${e.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.pages.map((p: { step: number }) => p.step)).toEqual([0, 1, 2]);

    // Each step is an event with its time.
    const paged = await t.database.db
      .select()
      .from(events)
      .where(and(eq(events.subjectId, e.id), eq(events.action, "emergency.paged")));
    expect(paged.map((p) => p.occurredAt.getTime())).toEqual([
      SUNDAY_2AM,
      SUNDAY_2AM + 10 * MIN,
      SUNDAY_2AM + 20 * MIN,
    ]);

    // The senior technician acknowledges: paging stops.
    const ack = await call(tenant.people.senior_technician, "POST", `${base(tenant)}/${e.id}/acknowledge`);
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body).toMatchObject({
      state: "acknowledged",
      acknowledgedByName: tenant.people.senior_technician.name,
      nextPageAt: null,
    });
    expect(ack.body.ticket.state).toBe("acknowledged");
    t.clock.set(SUNDAY_2AM + 60 * MIN);
    expect((await runDueOncallTimers(t.ctx)).pages).toBe(0);
  });

  it("pages past quiet hours and preferences, to the person's confirmed extra address too", async () => {
    const tenant = await tenantAt(SUNDAY_2AM, "Channels");
    await schedule(tenant);
    const tech = tenant.people.technician;
    // Quiet hours all night, and emails for pages turned off: a page still goes out at once.
    expect(
      (
        await call(tech, "PUT", "/api/v1/notifications/preferences", {
          timeZone: "America/New_York",
          quietHours: { start: "22:00", end: "08:00" },
          digest: "off",
          dailyDigestAt: "08:00",
          kinds: [{ kind: "emergency.page", email: false, inApp: false }],
        })
      ).status,
    ).toBeLessThan(300);
    const added = await call(tech, "POST", "/api/v1/me/contact-methods", {
      address: "pager-5551234@sms.example",
      label: "Pager",
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.verified).toBe(false);
    // The code went to the new address only; read it from the outbox.
    const [codeMail] = await t.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.userId, tech.userId), eq(outbox.kind, "contact_method.code")));
    const payload = codeMail!.payload as { to: { address: string }; subject: string };
    expect(payload.to.address).toBe("pager-5551234@sms.example");
    const code = /(\d{6})/.exec(payload.subject)![1]!;
    // The code is not shown in the app: only the new address gets it.
    const inApp = await t.database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, tech.userId), eq(notifications.kind, "contact_method.code")));
    expect(inApp).toEqual([]);
    expect(
      (
        await call(tech, "POST", `/api/v1/me/contact-methods/${added.body.id}/verify`, {
          code: "000000" === code ? "111111" : "000000",
        })
      ).status,
    ).toBe(400);
    const ok = await call(tech, "POST", `/api/v1/me/contact-methods/${added.body.id}/verify`, { code });
    expect(ok.status).toBe(200);
    expect(ok.body.verified).toBe(true);

    const e = await declare(tenant);
    const mails = await t.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.userId, tech.userId), eq(outbox.kind, "emergency.page")));
    const addresses = mails.map((m) => (m.payload as { to: { address: string } }).to.address).sort();
    expect(addresses).toEqual([tech.email, "pager-5551234@sms.example"].sort());
    for (const m of mails) expect(m.nextAttemptAt.getTime()).toBe(SUNDAY_2AM);
    expect(await pagesTo(tenant, tech.userId)).toHaveLength(1);
    expect(e.pages[0].addresses).toBe(2);
  });

  it("checks each action against the on-call authority register and records who approved", async () => {
    const tenant = await tenantAt(SUNDAY_2AM, "Authority");
    await schedule(tenant);
    const e = await declare(tenant);
    const url = `${base(tenant)}/${e.id}`;
    const tech = tenant.people.technician;
    // Before acknowledging, no actions.
    expect(
      (await call(tech, "POST", `${url}/actions`, { action: "restart_services", detail: "Restarting" }))
        .status,
    ).toBe(409);
    await call(tech, "POST", `${url}/acknowledge`);
    // The client cannot log provider actions.
    expect(
      (
        await call(tenant.people.it_contact, "POST", `${url}/actions`, {
          action: "restart_services",
          detail: "x",
        })
      ).status,
    ).toBe(403);

    const restart = await call(tech, "POST", `${url}/actions`, {
      action: "restart_services",
      detail: "Restarted the file server service.",
    });
    expect(restart.status).toBe(200);
    expect(restart.body.log.at(-1)).toMatchObject({
      kind: "action",
      label: "Restart servers and services",
      authority: "without_approval",
      state: "done",
    });

    const unknown = await call(tech, "POST", `${url}/actions`, { action: "format_disk", detail: "x" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].path).toBe("body.action");

    const config = await call(tech, "POST", `${url}/actions`, {
      action: "configuration_change",
      detail: "Change the RAID controller cache policy.",
    });
    const entry = config.body.log.at(-1);
    expect(entry).toMatchObject({
      authority: "needs_approval",
      state: "awaiting_approval",
      approverRoles: ["it_contact", "executive"],
    });
    // Carrying it out before approval is refused; so is approval by someone without the role.
    expect((await call(tech, "POST", `${url}/actions/${entry.id}/complete`, {})).status).toBe(409);
    expect(
      (
        await call(tenant.people.approver, "POST", `${url}/actions/${entry.id}/decide`, {
          decision: "approve",
        })
      ).status,
    ).toBe(403);
    // The approver roles were asked.
    const asked = await t.database.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, tenant.people.executive.userId),
          eq(notifications.kind, "emergency.approval_requested"),
        ),
      );
    expect(asked).toHaveLength(1);
    // Resolving with a request still waiting is refused.
    const early = await call(tech, "POST", `${url}/resolve`, {
      summary: "x",
      rootCause: "x",
      fix: "x",
      prevention: "x",
    });
    expect(early.status).toBe(409);

    const approved = await call(tenant.people.executive, "POST", `${url}/actions/${entry.id}/decide`, {
      decision: "approve",
      note: "Go ahead.",
    });
    expect(approved.status).toBe(200);
    expect(approved.body.log.find((l: { id: string }) => l.id === entry.id)).toMatchObject({
      state: "approved",
      decidedByName: tenant.people.executive.name,
    });
    const done = await call(tech, "POST", `${url}/actions/${entry.id}/complete`, { note: "Applied." });
    expect(done.body.log.find((l: { id: string }) => l.id === entry.id).state).toBe("done");

    // Outside the register: needs the client's IT contact or executive; a decline is recorded.
    const other = await call(tech, "POST", `${url}/actions`, {
      action: "other",
      label: "Call the disk vendor's emergency line",
      detail: "Costs extra.",
    });
    const o = other.body.log.at(-1);
    expect(o).toMatchObject({ authority: "outside_register", state: "awaiting_approval" });
    const declined = await call(tenant.people.it_contact, "POST", `${url}/actions/${o.id}/decide`, {
      decision: "decline",
      note: "Not yet.",
    });
    expect(declined.body.log.find((l: { id: string }) => l.id === o.id)).toMatchObject({ state: "declined" });
    expect((await call(tech, "POST", `${url}/actions/${o.id}/complete`, {})).status).toBe(409);

    // A request nobody answers can be withdrawn, and then the emergency can be resolved.
    const buy = await call(tech, "POST", `${url}/actions`, {
      action: "buy_replacement",
      detail: "New disk shelf.",
    });
    const b = buy.body.log.at(-1);
    expect(b).toMatchObject({ state: "awaiting_approval", approverRoles: ["executive"] });
    const withdrawn = await call(tech, "POST", `${url}/actions/${b.id}/withdraw`, { note: "Spare found." });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(withdrawn.body.log.find((l: { id: string }) => l.id === b.id)).toMatchObject({
      state: "withdrawn",
      decisionNote: "Spare found.",
    });
    expect(
      (await call(tenant.people.executive, "POST", `${url}/actions/${b.id}/decide`, { decision: "approve" }))
        .status,
    ).toBe(409);
    const resolved = await call(tech, "POST", `${url}/resolve`, {
      summary: "Back",
      rootCause: "Disk",
      fix: "Swap",
      prevention: "Monitor",
    });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    const byTicket = await call(tenant.people.member, "GET", `${base(tenant)}?ticketId=${e.ticketId}`);
    expect(byTicket.body.emergencies.map((x: { id: string }) => x.id)).toEqual([e.id]);
  });

  it("resolves with its ticket, opens the review with a timeline from events, and tracks prevention actions until done", async () => {
    const tenant = await tenantAt(SUNDAY_2AM, "Review");
    await schedule(tenant);
    // Raised as a critical ticket by the client, then declared from it.
    const ticket = await call(
      tenant.people.it_contact,
      "POST",
      `/api/v1/relationships/${tenant.relationshipId}/tickets`,
      {
        title: "No internet at the main office",
        description: "All sites down",
        impact: { peopleAffected: "everyone", workaround: false, criticalFunctionStopped: true },
      },
    );
    expect(ticket.status).toBe(201);
    const low = await call(
      tenant.people.it_contact,
      "POST",
      `/api/v1/relationships/${tenant.relationshipId}/tickets`,
      {
        title: "Mouse",
        description: "Slow",
        impact: { peopleAffected: "one", workaround: true, criticalFunctionStopped: false },
      },
    );
    expect(
      (
        await call(tenant.people.it_contact, "POST", base(tenant), {
          ticketId: low.body.id,
          affectedSystem: "Mouse",
          criteria: [criterion],
        })
      ).status,
    ).toBe(409);
    const e = await declare(tenant, tenant.people.it_contact, {
      ticketId: ticket.body.id,
      title: undefined,
      affectedSystem: "Internet",
    });
    expect(e.ticketId).toBe(ticket.body.id);
    expect(e.title).toBe("No internet at the main office");
    const url = `${base(tenant)}/${e.id}`;
    const tech = tenant.people.technician;
    t.clock.set(SUNDAY_2AM + 4 * MIN);
    await call(tech, "POST", `${url}/acknowledge`);
    t.clock.set(SUNDAY_2AM + 15 * MIN);
    await call(tech, "POST", `${url}/actions`, {
      action: "fail_over",
      detail: "Failed over to the backup line.",
    });
    t.clock.set(SUNDAY_2AM + 20 * MIN);
    const upd = await call(tech, "POST", `${url}/updates`, {
      found: "Fibre cut",
      trying: "Backup line",
      next: "Carrier ETA",
    });
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    expect(upd.body.ticket.updateDueAt).toBe(new Date(SUNDAY_2AM + 50 * MIN).toISOString());
    t.clock.set(SUNDAY_2AM + 90 * MIN);
    const resolved = await call(tech, "POST", `${url}/resolve`, {
      summary: "Carrier repaired the fibre.",
      rootCause: "Roadworks cut the fibre.",
      fix: "Carrier spliced it.",
      prevention: "Second carrier on a different route.",
    });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body.state).toBe("resolved");
    expect(resolved.body.ticket.state).toBe("resolved");
    expect(resolved.body.review).not.toBeNull();
    // Due within 5 business days of Sunday 03:30: Friday 24 April 17:00 (business day ends 17:00).
    const review = await call(
      tenant.people.executive,
      "GET",
      `/api/v1/relationships/${tenant.relationshipId}/reviews/${resolved.body.review.id}`,
    );
    expect(review.status).toBe(200);
    const labels = review.body.timeline.map((x: { label: string }) => x.label);
    expect(labels[0]).toMatch(/Ticket raised/);
    expect(labels).toEqual(
      expect.arrayContaining([
        "Emergency declared",
        "Page acknowledged",
        "Action: Fail over to a redundant system",
        "Update posted",
        "Emergency resolved",
      ]),
    );
    const ackItem = review.body.timeline.find((x: { label: string }) => x.label === "Page acknowledged");
    expect(ackItem.sinceStart).toBe(4 * MIN);
    expect(review.body.durations).toEqual({ toAcknowledge: 4 * MIN, toResolve: 90 * MIN });
    expect(review.body.timeline.find((x: { label: string }) => x.label === "Update posted").detail).toBe(
      "Found: Fibre cut · Trying: Backup line · Next: Carrier ETA",
    );

    // Writing, an action with an owner and due date, overdue notice once, sign-offs.
    const rurl = `/api/v1/relationships/${tenant.relationshipId}/reviews/${review.body.id}`;
    const w = await call(tenant.people.senior_technician, "PATCH", rurl, {
      whatHappened: "Fibre cut by roadworks.",
      wentWell: "Failover in 15 minutes.",
      couldBeBetter: "Nobody knew the carrier's number.",
      revision: review.body.revision,
    });
    expect(w.status, JSON.stringify(w.body)).toBe(200);
    const a = await call(tenant.people.it_contact, "POST", `${rurl}/actions`, {
      title: "Order a second carrier",
      ownerUserId: tenant.people.account_manager.userId,
      dueOn: "2026-05-01",
    });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body.actions[0]).toMatchObject({
      title: "Order a second carrier",
      dueOn: "2026-05-01",
      done: false,
      overdue: false,
    });
    expect(
      (
        await call(tenant.people.it_contact, "POST", `${rurl}/actions`, {
          title: "x",
          ownerUserId: tenant.people.account_manager.userId,
          dueOn: "2026-13-01",
        })
      ).status,
    ).toBe(400);
    for (const dueOn of ["9999-12-31", "2041-01-01"]) {
      const far = await call(tenant.people.it_contact, "POST", `${rurl}/actions`, {
        title: "x",
        ownerUserId: tenant.people.account_manager.userId,
        dueOn,
      });
      expect(far.status).toBe(400);
      expect(far.body.errors[0].path).toBe("body.dueOn");
    }
    // Past the end of 1 May in New York (04:00 UTC on 2 May): overdue, reported once to the owner and both sides.
    t.clock.set(Date.UTC(2026, 4, 2, 4, 1));
    await runDueOncallTimers(t.ctx);
    await runDueOncallTimers(t.ctx);
    const overdue = await t.database.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.relationshipId, tenant.relationshipId),
          eq(notifications.kind, "review.action_overdue"),
        ),
      );
    const owners = overdue.filter((n) => n.userId === tenant.people.account_manager.userId);
    expect(owners).toHaveLength(1);
    expect(overdue.some((n) => n.userId === tenant.people.it_contact.userId)).toBe(true);
    const list = await call(
      tenant.people.it_contact,
      "GET",
      `/api/v1/relationships/${tenant.relationshipId}/reviews`,
    );
    expect(list.body.overdueActions).toHaveLength(1);
    expect(list.body.reviews[0]).toMatchObject({ overdue: true, overdueActions: 1 });
    // The review itself was overdue too (due 24 April), reported once.
    const reviewOverdue = await t.database.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, tenant.people.executive.userId),
          eq(notifications.kind, "review.overdue"),
        ),
      );
    expect(reviewOverdue).toHaveLength(1);

    // The owner marks it done; both sides sign; an edit in between clears the first signature.
    const done = await call(
      tenant.people.account_manager,
      "POST",
      `${rurl}/actions/${a.body.actions[0].id}/complete`,
      { note: "Ordered." },
    );
    expect(done.status).toBe(200);
    expect(done.body.actions[0].done).toBe(true);
    const signed = await call(tenant.people.senior_technician, "POST", `${rurl}/sign`, {
      revision: done.body.revision,
    });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(signed.body.signoffs.provider.name).toBe(tenant.people.senior_technician.name);
    const edited = await call(tenant.people.executive, "PATCH", `${rurl}`, {
      couldBeBetter: "Carrier number in the runbook.",
      revision: signed.body.revision,
    });
    expect(edited.body.signoffs.provider).toBeNull();
    expect(
      (await call(tenant.people.member, "POST", `${rurl}/sign`, { revision: edited.body.revision })).status,
    ).toBe(403);
    await call(tenant.people.senior_technician, "POST", `${rurl}/sign`, { revision: edited.body.revision });
    const again = await call(tenant.people.it_contact, "GET", rurl);
    const finished = await call(tenant.people.it_contact, "POST", `${rurl}/sign`, {
      revision: again.body.revision,
    });
    expect(finished.body.state).toBe("finished");

    // Exports: Markdown and a PDF.
    const md = await request(t, tenant.people.member, { method: "GET", url: `${rurl}/export?format=md` });
    expect(md.statusCode).toBe(200);
    expect(md.headers["content-type"]).toContain("text/markdown");
    expect(md.body).toContain(`# PIR-${review.body.number}: No internet at the main office`);
    const pdf = await request(t, tenant.people.member, { method: "GET", url: `${rurl}/export?format=pdf` });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("opens a review when a critical ticket resolves without an emergency, and refuses what it must", async () => {
    const tenant = await tenantAt(SUNDAY_2AM, "Plain critical");
    const ticket = await call(
      tenant.people.it_contact,
      "POST",
      `/api/v1/relationships/${tenant.relationshipId}/tickets`,
      {
        title: "ERP down",
        description: "Down",
        impact: { peopleAffected: "everyone", workaround: false, criticalFunctionStopped: true },
      },
    );
    const turl = `/api/v1/relationships/${tenant.relationshipId}/tickets/${ticket.body.id}`;
    await call(tenant.people.technician, "POST", `${turl}/acknowledge`, {});
    const r = await call(tenant.people.technician, "POST", `${turl}/resolve`, {
      summary: "Restarted",
      rootCause: "Leak",
      fix: "Restart",
      prevention: "Patch",
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const list = await call(
      tenant.people.member,
      "GET",
      `/api/v1/relationships/${tenant.relationshipId}/reviews`,
    );
    expect(list.body.reviews).toHaveLength(1);
    expect(list.body.reviews[0]).toMatchObject({ title: "ERP down", state: "open", emergencyId: null });

    // Members cannot declare; unknown criteria are named; no schedule means the provider's levels are paged.
    expect(
      (
        await call(tenant.people.member, "POST", base(tenant), {
          title: "x",
          affectedSystem: "x",
          criteria: [criterion],
        })
      ).status,
    ).toBe(403);
    const bad = await call(tenant.people.it_contact, "POST", base(tenant), {
      title: "x",
      affectedSystem: "x",
      criteria: ["It is Monday"],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe("body.criteria.0");
    const e = await declare(tenant);
    expect(e.chain[0].target).toMatch(/^escalation:/);
    // Text that cannot be stored is refused with the field named, for any route.
    for (const body of ["nul \u0000 byte", "half an emoji \ud83d"]) {
      const note = await call(tenant.people.it_contact, "POST", `${base(tenant)}/${e.id}/notes`, { body });
      expect(note.status).toBe(400);
      expect(note.body.errors[0].path).toBe("body.body");
    }
    expect(
      (
        await call(tenant.people.it_contact, "POST", `${base(tenant)}/${e.id}/notes`, {
          body: "whole emoji \ud83d\ude00",
        })
      ).status,
    ).toBe(200);
    // Another tenant's emergency is 404.
    const other = await tenantAt(SUNDAY_2AM, "Other");
    expect((await call(other.people.it_contact, "GET", `${base(tenant)}/${e.id}`)).status).toBe(404);
    expect((await call(other.people.it_contact, "GET", `${base(other)}/${e.id}`)).status).toBe(404);
  });
});
