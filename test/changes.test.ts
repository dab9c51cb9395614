/**
 * Change management through the API, as the people on both sides meet it: who approves each class
 * of change, what invalidates an approval, the conflicts shown before approval, the notice plan in
 * the protocol's business time and the timers that send it, changes nobody announced, and the
 * lifecycle with its refusals. Each test builds its own tenant on the default protocol
 * (America/New_York; weekly window Sunday 02:00 for 4h). Dates are in April 2026, when New York is
 * on EDT (UTC−4): Sunday 02:00–06:00 there is 06:00–10:00 UTC.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "../src/core/events/events.tables.ts";
import { notifications } from "../src/core/notify/notify.tables.ts";
import { runDueChangeTimers } from "../src/modules/changes/changes.service.ts";
import { defaultProtocolTemplate } from "../src/modules/protocol/protocol.service.ts";
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
  // Tests move the clock weeks ahead; sign-ins must outlast that.
  t = await createTestApp({ sessionTtlHours: 24 * 365 });
});
afterAll(async () => t?.close());

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** An instant given as UTC fields (month 1-based, unlike Date.UTC). */
const utc = (month: number, day: number, hour: number, minute = 0) =>
  Date.UTC(2026, month - 1, day, hour, minute);

const base = (tenant: Tenant) => `/api/v1/relationships/${tenant.relationshipId}/changes`;

async function call(as: Person | null, method: string, url: string, payload?: object, bearer?: string) {
  const res = await request(t, as, {
    method: method as never,
    url,
    ...(payload ? { payload } : {}),
    ...(bearer ? { bearer } : {}),
  });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}

async function tenantAt(now: number, label: string, document?: string) {
  t.clock.set(now);
  const tenant = await createTenant(t, label);
  await activateProtocol(t, tenant, document);
  return tenant;
}

/** A complete change request; `start`/`end` are epoch ms. */
function changeBody(start: number, end: number, over: Record<string, unknown> = {}) {
  return {
    class: "normal",
    title: "Replace the mail relay",
    description: "Move outbound mail to the new relay host.",
    reason: "The old relay is out of support.",
    impact: "Outbound mail queues for a few minutes.",
    expectedDowntimeMinutes: 0,
    risk: "low",
    rollbackPlan: "Point the MX back at the old relay.",
    affectedSystems: ["Mail server"],
    plannedStart: iso(start),
    plannedEnd: iso(end),
    ...over,
  };
}

/** Plans and proposes a change as the technician; answers its detail. */
async function propose(tenant: Tenant, start: number, end: number, over: Record<string, unknown> = {}) {
  const res = await call(tenant.people.technician, "POST", base(tenant), {
    ...changeBody(start, end, over),
    propose: true,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const act = (tenant: Tenant, as: Person, id: string, action: string, payload: object = {}) =>
  call(as, "POST", `${base(tenant)}/${id}/${action}`, payload);
const detail = async (tenant: Tenant, id: string, as?: Person) =>
  (await call(as ?? tenant.people.technician, "GET", `${base(tenant)}/${id}`)).body;
const check = (tenant: Tenant, payload: object) =>
  call(tenant.people.technician, "POST", `${base(tenant)}/check`, payload);

async function approve(tenant: Tenant, as: Person, id: string) {
  const res = await act(tenant, as, id, "approve");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

type NoticeView = {
  kind: string;
  state: string;
  dueAt: string | null;
  latestAt: string | null;
  reason: string | null;
};
type ConflictView = {
  kind: string;
  name: string | null;
  start: string | null;
  end: string | null;
  changeId: string | null;
  earliestStart: string | null;
};
const noticesOf = (d: { notices: NoticeView[] }, kind: string) => d.notices.filter((n) => n.kind === kind);
const kinds = (conflicts: ConflictView[]) => conflicts.map((c) => c.kind);

async function eventsOn(changeId: string) {
  return t.database.db
    .select({ action: events.action, actorType: events.actorType, actorName: events.actorName })
    .from(events)
    .where(and(eq(events.subjectType, "change"), eq(events.subjectId, changeId)))
    .orderBy(events.seq);
}

/** The in-app notifications of a kind about a change: who got them and what they read. */
async function notified(kind: string, changeId: string) {
  const rows = await t.database.db.select().from(notifications).where(eq(notifications.kind, kind));
  return rows
    .filter((r) => (r.data as { changeId?: string } | null)?.changeId === changeId)
    .map((r) => ({ userId: r.userId, subject: r.subject, body: r.body }));
}
const recipients = async (kind: string, changeId: string) =>
  (await notified(kind, changeId)).map((n) => n.userId).sort();

/** Everyone who hears of every step: the client's leads and the provider's account managers. */
const stakeholdersOf = (tenant: Tenant) =>
  [
    tenant.people.clientAdmin,
    tenant.people.executive,
    tenant.people.it_contact,
    tenant.people.approver,
    tenant.people.providerAdmin,
    tenant.people.account_manager,
  ]
    .map((p) => p.userId)
    .sort();

// Monday 6 April 2026, 10:00 in New York.
const MONDAY = utc(4, 6, 14);
// Sunday 19 April 2026: the weekly window runs 02:00–06:00 New York = 06:00–10:00 UTC.
const WINDOW_START = utc(4, 19, 6);
const WINDOW_END = utc(4, 19, 10);

describe("approval rules per class", () => {
  it("approves a routine change inside the Sunday window by standing approval, with the system's audit event", async () => {
    const tenant = await tenantAt(MONDAY, "Routine");
    const change = await propose(tenant, WINDOW_START, WINDOW_START + 2 * 60 * MIN, { class: "routine" });
    expect(change).toMatchObject({ state: "approved", autoApproved: true });
    expect(change.approval).toMatchObject({ mode: "automatic", satisfied: true, waitingFor: [] });
    expect(change.approvals).toEqual([]);
    const approved = (await eventsOn(change.id)).filter((e) => e.action === "change.approved");
    expect(approved).toEqual([{ action: "change.approved", actorType: "system", actorName: "Liaison" }]);
    // Nobody is asked to approve it.
    const queue = await call(tenant.people.approver, "GET", `${base(tenant)}/awaiting-me`);
    expect(queue.body.items).toEqual([]);
  });

  it("needs approval like a normal change when a routine change runs past the window's end", async () => {
    const tenant = await tenantAt(MONDAY, "Routine late");
    // 05:00–07:00 New York: the window closes at 06:00.
    const change = await propose(tenant, WINDOW_END - 60 * MIN, WINDOW_END + 60 * MIN, { class: "routine" });
    expect(change).toMatchObject({ state: "proposed", autoApproved: false });
    expect(change.approval).toMatchObject({
      mode: "any_of",
      asClass: "normal",
      roles: ["it_contact", "approver"],
      satisfied: false,
    });
    expect(change.approval.explanation).toMatch(/outside every maintenance window/);
    expect(kinds(change.conflicts)).toContain("outside_window");
    // Either role is enough: the IT contact's approval approves it.
    const approved = await approve(tenant, tenant.people.it_contact, change.id);
    expect(approved).toMatchObject({ state: "approved", autoApproved: false });
    expect(approved.approval).toMatchObject({ satisfied: true, waitingFor: [] });
    expect(approved.approvals).toMatchObject([
      {
        userId: tenant.people.it_contact.userId,
        role: "it_contact",
        decision: "approved",
        round: 1,
        current: true,
      },
    ]);
    const approvedEvents = (await eventsOn(change.id)).filter((e) => e.action === "change.approved");
    expect(approvedEvents).toEqual([
      { action: "change.approved", actorType: "user", actorName: tenant.people.it_contact.name },
    ]);
  });

  it("needs both the approver and the IT contact for a significant change", async () => {
    const tenant = await tenantAt(MONDAY, "Significant");
    const change = await propose(tenant, WINDOW_START, WINDOW_START + 3 * 60 * MIN, {
      class: "significant",
    });
    expect(change.state).toBe("proposed");
    expect(change.approval).toMatchObject({ mode: "all_of", roles: ["approver", "it_contact"] });
    expect(change.approval.waitingFor).toEqual(["approver", "it_contact"]);
    const queue = await call(tenant.people.approver, "GET", `${base(tenant)}/awaiting-me`);
    expect(queue.body.items.map((i: { id: string }) => i.id)).toEqual([change.id]);

    const first = await approve(tenant, tenant.people.approver, change.id);
    expect(first.state).toBe("proposed");
    expect(first.approval.waitingFor).toEqual(["it_contact"]);
    expect((await eventsOn(change.id)).map((e) => e.action)).toContain("change.approval_given");
    // The same person again: already decided in this round.
    const twice = await act(tenant, tenant.people.approver, change.id, "approve");
    expect(twice.status).toBe(409);

    const second = await approve(tenant, tenant.people.it_contact, change.id);
    expect(second.state).toBe("approved");
    expect(second.approval).toMatchObject({ waitingFor: [], satisfied: true });
    expect(second.approvals.map((a: { role: string }) => a.role)).toEqual(["approver", "it_contact"]);
  });

  it("refuses approval from people the protocol does not name, and from API tokens", async () => {
    const tenant = await tenantAt(MONDAY, "Refusals");
    const change = await propose(tenant, WINDOW_START, WINDOW_START + 3 * 60 * MIN, {
      class: "significant",
    });
    const people = tenant.people;
    for (const p of [
      people.member,
      people.advisor,
      people.executive,
      people.technician,
      people.account_manager,
    ]) {
      const res = await act(tenant, p, change.id, "approve");
      expect(res.status, `${p.name}: ${JSON.stringify(res.body)}`).toBe(403);
    }
    const token = await call(
      people.clientAdmin,
      "POST",
      `/api/v1/relationships/${tenant.relationshipId}/tokens`,
      {
        name: "approval bot",
        role: "approver",
      },
    );
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    const byToken = await call(null, "POST", `${base(tenant)}/${change.id}/approve`, {}, token.body.secret);
    expect(byToken.status, JSON.stringify(byToken.body)).toBe(403);
    const after = await detail(tenant, change.id);
    expect(after).toMatchObject({ state: "proposed", approvals: [], revision: change.revision });
  });
});

describe("material changes invalidate approvals", () => {
  it("moving an approved change restarts approval, bumps the sequence and tells those already told", async () => {
    const tenant = await tenantAt(MONDAY, "Reschedule");
    // Tuesday 21 April 10:00–11:00 New York.
    const change = await propose(tenant, utc(4, 21, 14), utc(4, 21, 15));
    const told = await recipients("change.notice.advance", change.id);
    expect(told).toEqual(stakeholdersOf(tenant));
    const approved = await approve(tenant, tenant.people.approver, change.id);
    expect(approved.state).toBe("approved");

    const moved = await act(tenant, tenant.people.technician, change.id, "reschedule", {
      plannedStart: iso(utc(4, 22, 14)),
      plannedEnd: iso(utc(4, 22, 15)),
      reason: "The vendor's engineer is away on Tuesday",
      revision: approved.revision,
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({
      state: "proposed",
      approvalRound: approved.approvalRound + 1,
      sequence: approved.sequence + 1,
      plannedStart: iso(utc(4, 22, 14)),
    });
    expect(moved.body.approvals).toMatchObject([
      { userId: tenant.people.approver.userId, round: 1, current: false },
    ]);
    expect(moved.body.approval.waitingFor).toEqual(["it_contact", "approver"]);
    const rescheduled = await notified("change.notice.rescheduled", change.id);
    expect(rescheduled.map((n) => n.userId).sort()).toEqual(told);
    expect(rescheduled[0]!.body).toMatch(/The vendor's engineer is away on Tuesday/);
    expect(noticesOf(moved.body, "rescheduled")).toMatchObject([{ state: "sent" }]);
    // One message about the move: the new advance notice goes out as that message, not again.
    expect(await notified("change.notice.advance", change.id)).toHaveLength(told.length);
    expect(noticesOf(moved.body, "advance")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ state: "sent", reason: "sent as the notice of the move" }),
      ]),
    );
    const history = moved.body.history.map((h: { action: string }) => h.action);
    expect(history).toContain("change.rescheduled");
  });

  it("lets the person who approved ask for another time, and the provider's move starts a new round", async () => {
    const tenant = await tenantAt(MONDAY, "Ask to move");
    const change = await propose(tenant, utc(4, 21, 14), utc(4, 21, 15));
    const approved = await approve(tenant, tenant.people.it_contact, change.id);
    expect(approved.state).toBe("approved");
    const asked = await act(tenant, tenant.people.it_contact, change.id, "request-reschedule", {
      reason: "Month-end close that day",
      suggestedStart: iso(utc(4, 23, 14)),
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body.state).toBe("reschedule_requested");
    expect(asked.body.approvals).toMatchObject([
      { userId: tenant.people.it_contact.userId, decision: "reschedule_requested", current: true },
    ]);
    expect((await notified("change.reschedule_requested", change.id))[0]!.body).toMatch(/Month-end close/);
    const moved = await act(tenant, tenant.people.technician, change.id, "reschedule", {
      plannedStart: iso(utc(4, 23, 14)),
      plannedEnd: iso(utc(4, 23, 15)),
      reason: "As the client asked",
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ state: "proposed", approvalRound: 2 });
    expect((await approve(tenant, tenant.people.it_contact, change.id)).state).toBe("approved");
  });

  it("keeps the approval for a typo fix or a removed system; an added system restarts it", async () => {
    const tenant = await tenantAt(MONDAY, "Edits");
    const change = await propose(tenant, utc(4, 21, 14), utc(4, 21, 15), {
      affectedSystems: ["Mail server", "VPN"],
    });
    const url = `${base(tenant)}/${change.id}`;
    const approved = await approve(tenant, tenant.people.it_contact, change.id);

    const typo = await call(tenant.people.technician, "PATCH", url, {
      description: "Move outbound mail to the new relay host (relay-02).",
      revision: approved.revision,
    });
    expect(typo.status, JSON.stringify(typo.body)).toBe(200);
    expect(typo.body).toMatchObject({ state: "approved", approvalRound: 1, sequence: approved.sequence });
    expect(typo.body.approvals.every((a: { current: boolean }) => a.current)).toBe(true);

    const narrower = await call(tenant.people.technician, "PATCH", url, { affectedSystems: ["Mail server"] });
    expect(narrower.status, JSON.stringify(narrower.body)).toBe(200);
    expect(narrower.body).toMatchObject({
      state: "approved",
      approvalRound: 1,
      affectedSystems: ["Mail server"],
    });

    const wider = await call(tenant.people.technician, "PATCH", url, {
      affectedSystems: ["Mail server", "Firewall"],
    });
    expect(wider.status, JSON.stringify(wider.body)).toBe(200);
    expect(wider.body).toMatchObject({ state: "proposed", approvalRound: 2 });
    expect(wider.body.approvals).toMatchObject([{ round: 1, current: false }]);
    const updated = wider.body.history
      .filter((h: { action: string }) => h.action === "change.updated")
      .at(-1);
    expect(updated.after.invalidated).toEqual(["Firewall added"]);
  });
});

describe("conflicts", () => {
  const BLACKOUT_DOC = () => {
    const doc = defaultProtocolTemplate().replace(
      "  blackouts: []",
      "  blackouts:\n    - { name: Quarter close, from: 2026-04-27, to: 2026-04-30, reason: Finance closes the books }",
    );
    expect(doc).not.toBe(defaultProtocolTemplate());
    return doc;
  };

  it("reports a blackout, both through the check and on the change", async () => {
    const tenant = await tenantAt(MONDAY, "Blackout", BLACKOUT_DOC());
    // Tuesday 28 April 10:00 New York, inside the close (27–30 April, local days).
    const res = await check(tenant, {
      class: "normal",
      plannedStart: iso(utc(4, 28, 14)),
      plannedEnd: iso(utc(4, 28, 15)),
      affectedSystems: ["Mail server"],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const blackout = res.body.conflicts.find((c: ConflictView) => c.kind === "blackout");
    expect(blackout).toMatchObject({
      name: "Quarter close",
      // Local midnight of 27 April to local midnight after 30 April.
      start: iso(utc(4, 27, 4)),
      end: iso(utc(5, 1, 4)),
    });
    expect(blackout.message).toMatch(/Finance closes the books/);
    // The window just before the close is clear of it.
    const sunday = await check(tenant, {
      class: "routine",
      plannedStart: iso(utc(4, 26, 6)),
      plannedEnd: iso(utc(4, 26, 8)),
    });
    expect(sunday.body.conflicts).toEqual([]);
    expect(sunday.body.approval.mode).toBe("automatic");

    const change = await propose(tenant, utc(4, 28, 14), utc(4, 28, 15));
    expect(kinds(change.conflicts)).toEqual(["blackout", "outside_window"]);
  });

  it("reports a change outside the maintenance windows, naming the next one that fits", async () => {
    const tenant = await tenantAt(MONDAY, "Outside");
    const res = await check(tenant, {
      class: "routine",
      plannedStart: iso(utc(4, 21, 14)),
      plannedEnd: iso(utc(4, 21, 15)),
    });
    expect(res.status).toBe(200);
    expect(res.body.conflicts).toMatchObject([
      {
        kind: "outside_window",
        name: "Weekly patch window",
        start: iso(utc(4, 26, 6)),
        end: iso(utc(4, 26, 10)),
      },
    ]);
    expect(res.body.approval).toMatchObject({ mode: "any_of", asClass: "normal" });
  });

  it("reports another change on the same system at the same time, and not on other systems", async () => {
    const tenant = await tenantAt(MONDAY, "Overlap");
    const first = await propose(tenant, WINDOW_START, WINDOW_START + 2 * 60 * MIN, {
      class: "routine",
      title: "Patch the mail server",
      affectedSystems: ["Mail server"],
    });
    const later = {
      class: "routine",
      plannedStart: iso(WINDOW_START + 60 * MIN),
      plannedEnd: iso(WINDOW_START + 3 * 60 * MIN),
    };
    const same = await check(tenant, { ...later, affectedSystems: ["mail SERVER", "VPN"] });
    expect(same.body.conflicts).toMatchObject([
      { kind: "overlap", changeId: first.id, name: "Patch the mail server", start: iso(WINDOW_START) },
    ]);
    expect(same.body.conflicts[0].message).toMatch(/CHG-1 .* on mail SERVER/);
    const other = await check(tenant, { ...later, affectedSystems: ["Firewall"] });
    expect(other.body.conflicts).toEqual([]);
    // Editing the change itself: it does not conflict with itself.
    const itself = await check(tenant, { ...later, affectedSystems: ["Mail server"], changeId: first.id });
    expect(itself.body.conflicts).toEqual([]);

    const second = await propose(tenant, WINDOW_START + 60 * MIN, WINDOW_START + 3 * 60 * MIN, {
      class: "routine",
      affectedSystems: ["Mail server"],
    });
    expect(second.conflicts).toMatchObject([{ kind: "overlap", changeId: first.id }]);
    // The first change sees the second one too.
    expect((await detail(tenant, first.id)).conflicts).toMatchObject([
      { kind: "overlap", changeId: second.id },
    ]);
  });

  it("reports a change inside the notice lead time, with the earliest start that allows full notice", async () => {
    // Wednesday 8 April 10:00 New York.
    const tenant = await tenantAt(utc(4, 8, 14), "Lead time");
    // Monday 13 April 09:00 New York: 3 business days before is Wednesday 09:00 (Mon 08–09, Fri,
    // Thu, and Wed 09–12, 13–17), an hour ago.
    const res = await check(tenant, {
      class: "normal",
      plannedStart: iso(utc(4, 13, 13)),
      plannedEnd: iso(utc(4, 13, 14)),
    });
    const lead = res.body.conflicts.find((c: ConflictView) => c.kind === "notice_lead_time");
    // Now plus 3 business days: Wed 10–12, 13–17, Thu, Fri, Mon 08–10.
    expect(lead).toMatchObject({ earliestStart: iso(utc(4, 13, 14)) });
    expect(lead.message).toMatch(/3 business days/);
    expect(res.body.latestNoticeAt).toBe(iso(utc(4, 8, 13)));
    expect(res.body.earliestStartWithNotice).toBe(iso(utc(4, 13, 14)));
    // At the earliest start itself there is no lateness.
    const inTime = await check(tenant, {
      class: "normal",
      plannedStart: iso(utc(4, 13, 14)),
      plannedEnd: iso(utc(4, 13, 15)),
    });
    expect(kinds(inTime.body.conflicts)).not.toContain("notice_lead_time");
  });
});

describe("the notice plan", () => {
  it("counts lead times in business time: next Monday is late on a Wednesday, two weeks ahead is not", async () => {
    const tenant = await tenantAt(utc(4, 8, 14), "Notice");
    const late = await propose(tenant, utc(4, 13, 13), utc(4, 13, 14));
    const [lateAdvance] = noticesOf(late, "advance");
    expect(lateAdvance).toMatchObject({ state: "sent", latestAt: iso(utc(4, 8, 13)) });
    expect(lateAdvance!.reason).toMatch(/^late: it was due by Wed 8 Apr 09:00/);
    expect(late.conflicts.find((c: ConflictView) => c.kind === "notice_lead_time")).toMatchObject({
      earliestStart: iso(utc(4, 13, 14)),
    });

    const early = await propose(tenant, utc(4, 20, 13), utc(4, 20, 14));
    const [advance] = noticesOf(early, "advance");
    // Monday 20 April 09:00 minus 3 business days: Wednesday 15 April 09:00 New York.
    expect(advance).toMatchObject({ state: "sent", latestAt: iso(utc(4, 15, 13)), reason: null });
    expect(kinds(early.conflicts)).not.toContain("notice_lead_time");
    // The reminder is due a day before the start.
    expect(noticesOf(early, "reminder")).toMatchObject([{ state: "planned", dueAt: iso(utc(4, 19, 13)) }]);
  });

  it("sends the reminder when it is due, exactly once however often the timer runs", async () => {
    const tenant = await tenantAt(utc(4, 8, 14), "Reminder");
    const change = await propose(tenant, utc(4, 20, 13), utc(4, 20, 14));
    await approve(tenant, tenant.people.approver, change.id);

    t.clock.set(utc(4, 19, 13) - MIN);
    await runDueChangeTimers(t.ctx);
    expect(await notified("change.notice.reminder", change.id)).toEqual([]);

    t.clock.set(utc(4, 19, 13));
    await runDueChangeTimers(t.ctx);
    await runDueChangeTimers(t.ctx);
    const reminded = await recipients("change.notice.reminder", change.id);
    expect(reminded).toEqual(stakeholdersOf(tenant).concat(tenant.people.technician.userId).sort());
    expect(new Set(reminded).size).toBe(reminded.length);
    const d = await detail(tenant, change.id);
    expect(noticesOf(d, "reminder")).toMatchObject([{ state: "sent", dueAt: iso(utc(4, 19, 13)) }]);
  });

  it("re-plans on a reschedule and tells people of a cancellation, skipping what was planned", async () => {
    const tenant = await tenantAt(utc(4, 8, 14), "Replan");
    const change = await propose(tenant, utc(4, 20, 13), utc(4, 20, 14));
    await approve(tenant, tenant.people.it_contact, change.id);
    const moved = await act(tenant, tenant.people.technician, change.id, "reschedule", {
      plannedStart: iso(utc(4, 27, 13)),
      plannedEnd: iso(utc(4, 27, 14)),
      reason: "Clashes with the audit",
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const reminders = noticesOf(moved.body, "reminder");
    expect(reminders).toHaveLength(2);
    const old = reminders.find((r) => r.dueAt === iso(utc(4, 19, 13)));
    expect(old).toMatchObject({ state: "skipped" });
    expect(old!.reason).toMatch(/^replaced: the window moved/);
    expect(reminders.find((r) => r.dueAt === iso(utc(4, 26, 13)))).toMatchObject({ state: "planned" });

    const cancelled = await act(tenant, tenant.people.technician, change.id, "cancel", {
      reason: "The relay vendor withdrew the product",
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({
      state: "cancelled",
      cancelReason: "The relay vendor withdrew the product",
    });
    expect(cancelled.body.notices.filter((n: NoticeView) => n.state === "planned")).toEqual([]);
    expect(noticesOf(cancelled.body, "reminder").find((r) => r.dueAt === iso(utc(4, 26, 13)))).toMatchObject({
      state: "skipped",
      reason: "the change was cancelled",
    });
    expect(noticesOf(cancelled.body, "cancelled")).toMatchObject([{ state: "sent" }]);
    const told = await notified("change.notice.cancelled", change.id);
    expect(told.map((n) => n.userId).sort()).toEqual(stakeholdersOf(tenant));
    expect(told[0]!.body).toMatch(/The relay vendor withdrew the product/);
    // The cancelled change's reminder never goes out.
    t.clock.set(utc(4, 26, 14));
    await runDueChangeTimers(t.ctx);
    expect(await notified("change.notice.reminder", change.id)).toEqual([]);
  });

  it("gives the people in an affected group the plain-language line, not the full notice", async () => {
    const tenant = await tenantAt(MONDAY, "Groups");
    const group = await call(
      tenant.people.it_contact,
      "POST",
      `/api/v1/relationships/${tenant.relationshipId}/groups`,
      {
        name: "Finance",
        memberIds: [tenant.people.member.userId],
      },
    );
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    const change = await propose(tenant, WINDOW_START, WINDOW_START + 2 * 60 * MIN, {
      class: "routine",
      expectedDowntimeMinutes: 20,
      affectedGroupIds: [group.body.id],
    });
    const plain =
      "Mail server will be unavailable for up to 20 minutes on Sunday 19 April from 02:00 (America/New_York).";
    expect(change.userNotice).toBe(plain);
    expect(change.affectedGroups).toEqual([{ id: group.body.id, name: "Finance", members: 1 }]);
    const people = await notified("change.notice.people", change.id);
    expect(people).toEqual([{ userId: tenant.people.member.userId, subject: change.title, body: plain }]);
    expect(await recipients("change.notice.advance", change.id)).not.toContain(tenant.people.member.userId);
  });

  it("does not also send the plain line to group members who got the full notice, approvers included", async () => {
    const tenant = await tenantAt(MONDAY, "Groups and leads");
    const { approver, executive, member } = tenant.people;
    const group = await call(
      tenant.people.it_contact,
      "POST",
      `/api/v1/relationships/${tenant.relationshipId}/groups`,
      {
        name: "Head office",
        memberIds: [approver.userId, executive.userId, member.userId],
      },
    );
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    // A normal change: the approver is invited (advance notice with an invitation), the executive told.
    const change = await propose(tenant, utc(4, 21, 14), utc(4, 21, 15), {
      affectedGroupIds: [group.body.id],
    });
    expect(await recipients("change.notice.advance", change.id)).toEqual(stakeholdersOf(tenant));
    expect(await recipients("change.notice.people", change.id)).toEqual([member.userId]);
  });
});

describe("changes nobody announced", () => {
  // Tuesday 14 April 11:00 New York.
  const NOW = utc(4, 14, 15);

  it("records a change the client's IT contact reports: missed notices, a review due, the provider told", async () => {
    const tenant = await tenantAt(NOW, "Unannounced");
    const res = await call(tenant.people.it_contact, "POST", `${base(tenant)}/record`, {
      title: "Printer driver replaced",
      description: "Every printer shows a new driver since this morning.",
      affectedSystems: ["Printers"],
      startedAt: iso(utc(4, 14, 13)),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const change = res.body;
    expect(change).toMatchObject({
      unannounced: true,
      recordedAfterBy: "client",
      class: "normal",
      state: "in_progress",
    });
    expect(change.missedNotices).toContain("Advance notice (3 business days before)");
    expect(change.missedNotices.length).toBeGreaterThan(0);
    expect(noticesOf(change, "advance")).toMatchObject([{ state: "missed" }]);
    expect(change.approval).toMatchObject({ mode: "after_the_fact", waitingFor: [] });
    expect(change.approval.explanation).toMatch(/without notice or approval/);
    // Two business days: Thursday 16 April 11:00 New York.
    expect(change.reviewDueAt).toBe(iso(utc(4, 16, 15)));
    expect((await eventsOn(change.id)).map((e) => e.action)).toEqual(["change.unannounced"]);
    const told = await recipients("change.unannounced", change.id);
    expect(told).toContain(tenant.people.account_manager.userId);
    expect(told).not.toContain(tenant.people.it_contact.userId);
    const list = await call(tenant.people.account_manager, "GET", `${base(tenant)}?unannounced=true`);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([change.id]);
  });

  it("tells people the outcome when the provider finishes a reported change that was still going on", async () => {
    const tenant = await tenantAt(NOW, "Unannounced outcome");
    const reported = await call(tenant.people.it_contact, "POST", `${base(tenant)}/record`, {
      title: "VPN profile changed",
      description: "Laptops got a new VPN profile overnight.",
      startedAt: iso(utc(4, 14, 13)),
    });
    expect(reported.status, JSON.stringify(reported.body)).toBe(201);
    t.clock.set(NOW + 60 * MIN);
    const finished = await act(tenant, tenant.people.technician, reported.body.id, "finish", {
      outcome: "completed",
      notes: "A scheduled policy push nobody announced; the profile is correct.",
    });
    expect(finished.status, JSON.stringify(finished.body)).toBe(200);
    expect(noticesOf(finished.body, "post_change")).toMatchObject([{ state: "sent" }]);
    const told = await notified("change.notice.post_change", reported.body.id);
    expect(told.map((n) => n.userId).sort()).toEqual(stakeholdersOf(tenant));
    expect(told[0]!.body).toMatch(/policy push nobody announced/);
  });

  it("records the provider's emergency change as announced after the fact; the review falls overdue once, then is written", async () => {
    const tenant = await tenantAt(NOW, "Emergency");
    const res = await call(tenant.people.technician, "POST", `${base(tenant)}/record`, {
      class: "emergency",
      title: "Firewall rule to block an attack",
      description: "Blocked the attacking range at the edge.",
      affectedSystems: ["Firewall"],
      startedAt: iso(utc(4, 14, 13)),
      endedAt: iso(utc(4, 14, 14, 30)),
      outcomeNotes: "Traffic back to normal.",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const change = res.body;
    expect(change).toMatchObject({
      unannounced: false,
      recordedAfterBy: "provider",
      state: "completed",
      missedNotices: [],
      reviewDueAt: iso(utc(4, 16, 15)),
    });
    expect(noticesOf(change, "post_change")).toMatchObject([{ state: "sent" }]);
    const told = await notified("change.notice.post_change", change.id);
    expect(told.map((n) => n.userId)).toContain(tenant.people.it_contact.userId);
    expect(told[0]!.body).toMatch(/emergency change was made under on-call authority/);
    expect((await eventsOn(change.id)).map((e) => e.action)).toEqual(["change.recorded"]);

    t.clock.set(utc(4, 16, 15) - MIN);
    await runDueChangeTimers(t.ctx);
    expect(await notified("change.review_overdue", change.id)).toEqual([]);
    t.clock.set(utc(4, 16, 15) + MIN);
    await runDueChangeTimers(t.ctx);
    await runDueChangeTimers(t.ctx);
    const overdue = (await eventsOn(change.id)).filter((e) => e.action === "change.review_overdue");
    expect(overdue).toHaveLength(1);
    const overdueTold = await recipients("change.review_overdue", change.id);
    expect(overdueTold).toContain(tenant.people.it_contact.userId);
    expect(new Set(overdueTold).size).toBe(overdueTold.length);

    const reviewed = await act(tenant, tenant.people.it_contact, change.id, "review", {
      summary: "The block worked; the range belongs to a botnet.",
      lessons: "Add the feed to the firewall's threat list.",
    });
    expect(reviewed.status, JSON.stringify(reviewed.body)).toBe(200);
    expect(reviewed.body.state).toBe("reviewed");
    expect(reviewed.body.review).toMatchObject({ byName: tenant.people.it_contact.name });
  });
});

/** What the audit trail says about the notice a change had when it started. */
async function startedWith(changeId: string) {
  const [row] = await t.database.db
    .select({ after: events.after })
    .from(events)
    .where(and(eq(events.subjectId, changeId), eq(events.action, "change.started")));
  return row?.after as Record<string, unknown>;
}

describe("lifecycle and errors", () => {
  it("records short notice when a change starts with less notice than its class requires", async () => {
    const tenant = await tenantAt(MONDAY, "Short notice");
    // Proposed Monday for Wednesday: a normal change needs 3 business days.
    const change = await propose(tenant, utc(4, 8, 14), utc(4, 8, 15));
    expect(change.conflicts.map((c: { kind: string }) => c.kind)).toContain("notice_lead_time");
    await approve(tenant, tenant.people.approver, change.id);
    expect((await act(tenant, tenant.people.technician, change.id, "schedule")).status).toBe(200);
    t.clock.set(utc(4, 8, 14));
    expect((await act(tenant, tenant.people.technician, change.id, "start")).status).toBe(200);
    expect(await startedWith(change.id)).toMatchObject({ shortNotice: true, noticeGivenAt: iso(MONDAY) });
  });

  it("schedules, starts and finishes a change; the post-change notice carries the notes", async () => {
    const tenant = await tenantAt(MONDAY, "Lifecycle");
    const change = await propose(tenant, utc(4, 21, 14), utc(4, 21, 15));
    const approved = await approve(tenant, tenant.people.approver, change.id);
    const early = await act(tenant, tenant.people.technician, change.id, "start");
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/schedule it first/);

    const scheduled = await act(tenant, tenant.people.technician, change.id, "schedule", {
      revision: approved.revision,
    });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    expect(scheduled.body.state).toBe("scheduled");
    t.clock.set(utc(4, 21, 14));
    const started = await act(tenant, tenant.people.technician, change.id, "start");
    expect(started.body).toMatchObject({ state: "in_progress", actualStart: iso(utc(4, 21, 14)) });
    const cancel = await act(tenant, tenant.people.technician, change.id, "cancel", { reason: "Too late" });
    expect(cancel.status).toBe(409);
    expect(await startedWith(change.id)).toMatchObject({ shortNotice: false, noticeGivenAt: iso(MONDAY) });

    t.clock.set(utc(4, 21, 14, 40));
    const finished = await act(tenant, tenant.people.technician, change.id, "finish", {
      outcome: "completed",
      notes: "Mail flows through relay-02; the queue drained in 3 minutes.",
    });
    expect(finished.status, JSON.stringify(finished.body)).toBe(200);
    expect(finished.body).toMatchObject({
      state: "completed",
      actualEnd: iso(utc(4, 21, 14, 40)),
      outcomeNotes: "Mail flows through relay-02; the queue drained in 3 minutes.",
      reviewDueAt: null,
    });
    expect(noticesOf(finished.body, "post_change")).toMatchObject([{ state: "sent" }]);
    const told = await notified("change.notice.post_change", change.id);
    expect(told.map((n) => n.userId).sort()).toEqual(stakeholdersOf(tenant));
    expect(told[0]!.body).toMatch(/Outcome: completed\.[\s\S]*relay-02/);
  });

  it("answers 409 to a stale revision and leaves the change as it was", async () => {
    const tenant = await tenantAt(MONDAY, "Stale");
    const change = await propose(tenant, utc(4, 21, 14), utc(4, 21, 15));
    await approve(tenant, tenant.people.approver, change.id);
    const stale = await act(tenant, tenant.people.technician, change.id, "schedule", {
      revision: change.revision,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.detail).toMatch(/changed since you loaded it/);
    expect((await detail(tenant, change.id)).state).toBe("approved");
    const patch = await call(tenant.people.technician, "PATCH", `${base(tenant)}/${change.id}`, {
      title: "Something else",
      revision: change.revision,
    });
    expect(patch.status).toBe(409);
  });

  it("answers 400 naming the field for an end before the start, a foreign group and an unknown class", async () => {
    const tenant = await tenantAt(MONDAY, "Bad input");
    const other = await tenantAt(MONDAY, "Bad input other");
    const foreign = await call(
      other.people.it_contact,
      "POST",
      `/api/v1/relationships/${other.relationshipId}/groups`,
      {
        name: "Sales",
      },
    );
    expect(foreign.status).toBe(201);
    const post = (body: object) => call(tenant.people.technician, "POST", base(tenant), body);

    const backwards = await post(changeBody(utc(4, 21, 15), utc(4, 21, 14)));
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0].path).toBe("body.plannedEnd");
    const group = await post(
      changeBody(utc(4, 21, 14), utc(4, 21, 15), { affectedGroupIds: [foreign.body.id] }),
    );
    expect(group.status).toBe(400);
    expect(group.body.errors[0].path).toBe("body.affectedGroupIds.0");
    const cls = await post(changeBody(utc(4, 21, 14), utc(4, 21, 15), { class: "urgent" }));
    expect(cls.status).toBe(400);
    expect(cls.body.errors[0]).toMatchObject({ path: "body.class" });
    expect(cls.body.errors[0].message).toMatch(/routine, normal, significant, emergency/);
    const checked = await check(tenant, {
      class: "normal",
      plannedStart: iso(utc(4, 21, 15)),
      plannedEnd: iso(utc(4, 21, 14)),
    });
    expect(checked.status).toBe(400);
    expect(checked.body.errors[0].path).toBe("body.plannedEnd");
    expect((await call(tenant.people.technician, "GET", base(tenant))).body.items).toEqual([]);
  });

  it("hides one tenant's change from another tenant's people (404) and leaves it unchanged", async () => {
    const tenant = await tenantAt(MONDAY, "Owner");
    const outsider = await tenantAt(MONDAY, "Outsider");
    const change = await propose(tenant, utc(4, 21, 14), utc(4, 21, 15));
    // Through the outsider's own relationship, and through the owner's.
    for (const rel of [outsider.relationshipId, tenant.relationshipId]) {
      const url = `/api/v1/relationships/${rel}/changes/${change.id}`;
      expect((await call(outsider.people.technician, "GET", url)).status).toBe(404);
      expect((await call(outsider.people.approver, "POST", `${url}/approve`, {})).status).toBe(404);
      expect((await call(outsider.people.technician, "POST", `${url}/cancel`, { reason: "x" })).status).toBe(
        404,
      );
    }
    const after = await detail(tenant, change.id);
    expect(after).toMatchObject({ state: "proposed", revision: change.revision, approvals: [] });
  });
});
