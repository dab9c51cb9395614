/**
 * Touchpoint meetings through the API, as both sides meet them: the series the protocol sets
 * (every 2 weeks on Tuesday at 10:00 New York, 45 minutes, agenda 1 business day before) with
 * its calendar invitations, moving and skipping single meetings, the agenda Liaison assembles
 * from tickets, changes, emergencies, business dates and items either side adds, action items
 * that carry over until done and are reported once when overdue, the agenda and summary emails,
 * minutes and decisions, who may do what, and the Markdown and PDF exports. Each test builds its
 * own tenant on the default protocol. Activation is Monday 2 February 2026, so meetings fall on
 * 10 and 24 February (EST, 15:00 UTC) and 10 and 24 March (EDT after 8 March, 14:00 UTC).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import ICAL from "ical.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { events } from "../src/core/events/events.tables.ts";
import type { EmailPayload } from "../src/core/notify/email.ts";
import { notifications, outbox } from "../src/core/notify/notify.tables.ts";
import { defaultProtocolTemplate } from "../src/modules/protocol/protocol.service.ts";
import { runDueTimers } from "../src/modules/tickets/tickets.service.ts";
import { touchpointMeetings } from "../src/modules/touchpoints/touchpoints.tables.ts";
import { runDueTouchpointTimers } from "../src/modules/touchpoints/touchpoints.jobs.ts";
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
afterEach(() => ICAL.TimezoneService.reset());

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
/** An instant given as UTC fields of 2026 (month 1-based, unlike Date.UTC). */
const utc = (month: number, day: number, hour: number, minute = 0) =>
  Date.UTC(2026, month - 1, day, hour, minute);

/** Monday 2 February 2026, 09:00 in New York. */
const ACTIVATED = utc(2, 2, 14);
/** The first meetings: Tuesdays at 10:00 New York, EST until 8 March, EDT after. */
const M1 = utc(2, 10, 15);
const M2 = utc(2, 24, 15);
const M3 = utc(3, 10, 14);
const M4 = utc(3, 24, 14);

async function call(as: Person | null, method: string, url: string, payload?: object) {
  const res = await request(t, as, { method: method as never, url, ...(payload ? { payload } : {}) });
  const json = String(res.headers["content-type"] ?? "").includes("json");
  return { status: res.statusCode, body: json && res.body ? res.json() : null, raw: res };
}

async function tenantAt(now: number, label: string, document?: string) {
  t.clock.set(now);
  const tenant = await createTenant(t, label);
  await activateProtocol(t, tenant, document);
  return tenant;
}

const base = (tenant: Tenant) => `/api/v1/relationships/${tenant.relationshipId}/touchpoints`;
const meetingUrl = (tenant: Tenant, id: string) => `${base(tenant)}/meetings/${id}`;

interface Meeting {
  id: string;
  number: number;
  state: string;
  scheduledStart: string;
  start: string;
  end: string;
  outcome: string;
  moved: boolean;
  moveReason: string | null;
  skipReason: string | null;
  agendaDueAt: string;
  agendaSentAt: string | null;
  revision: number;
}
interface Action {
  id: string;
  number: number;
  title: string;
  owner: { id: string; name: string };
  dueOn: string;
  overdue: boolean;
  done: boolean;
  revision: number;
}
interface Item {
  key: string;
  kind: string;
  group: string | null;
  title: string;
  status: string;
  owner: string | null;
  flags: string[];
  addedBy: { name: string; side: string } | null;
  removable: boolean;
  minutes: { text: string; revision: number } | null;
  decisions: { id: string; text: string }[];
  actions: Action[];
}
interface Detail {
  meeting: Meeting;
  agenda: { frozen: boolean; sections: { key: string; title: string; items: Item[] }[] };
  decisions: { id: string; text: string; itemTitle: string }[];
  actions: Action[];
}

/** The meetings of a tenant, in order, as the client's IT contact sees them. */
async function meetingsOf(tenant: Tenant): Promise<Meeting[]> {
  const res = await call(tenant.people.it_contact, "GET", `${base(tenant)}/meetings`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.meetings;
}

async function detail(tenant: Tenant, id: string, as?: Person): Promise<Detail> {
  const res = await call(as ?? tenant.people.account_manager, "GET", meetingUrl(tenant, id));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const section = (d: Detail, key: string) => d.agenda.sections.find((s) => s.key === key)!.items;
const titles = (items: Item[]) => items.map((i) => i.title);
const itemTitled = (d: Detail, title: string) =>
  d.agenda.sections.flatMap((s) => s.items).find((i) => i.title === title)!;

/** Records a meeting as held (as the client's IT contact, an organizer). */
async function hold(tenant: Tenant, m: { id: string }, as: Person = tenant.people.it_contact) {
  const current = await detail(tenant, m.id);
  const res = await call(as, "POST", `${meetingUrl(tenant, m.id)}/held`, {
    revision: current.meeting.revision,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Detail;
}

async function addItem(tenant: Tenant, m: { id: string }, as: Person, title: string, detailText?: string) {
  const res = await call(as, "POST", `${meetingUrl(tenant, m.id)}/items`, {
    title,
    ...(detailText ? { detail: detailText } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return itemTitled(res.body, title);
}

/** The people the default protocol invites: both IT contacts (one is the admin), the executive, both account managers, the senior technician. */
const attendeesOf = (tenant: Tenant) =>
  [
    tenant.people.clientAdmin,
    tenant.people.it_contact,
    tenant.people.executive,
    tenant.people.providerAdmin,
    tenant.people.account_manager,
    tenant.people.senior_technician,
  ].sort((a, b) => a.userId.localeCompare(b.userId));

async function notified(tenant: Tenant, kind: string) {
  return t.database.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.relationshipId, tenant.relationshipId), eq(notifications.kind, kind)));
}
const recipients = async (tenant: Tenant, kind: string) =>
  (await notified(tenant, kind)).map((n) => n.userId).sort();

async function emails(tenant: Tenant, kind: string) {
  const rows = await t.database.db
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.relationshipId, tenant.relationshipId),
        eq(outbox.kind, kind),
        eq(outbox.channel, "email"),
      ),
    );
  return rows.map((r) => r.payload as EmailPayload);
}

async function eventsOf(tenant: Tenant, action: string) {
  return t.database.db
    .select()
    .from(events)
    .where(and(eq(events.relationshipId, tenant.relationshipId), eq(events.action, action)))
    .orderBy(events.seq);
}

// ---- tickets, through the API as people raise them ----

const impact = {
  critical: { peopleAffected: "everyone", workaround: false, criticalFunctionStopped: true },
  high: { peopleAffected: "many", workaround: true, criticalFunctionStopped: false },
  medium: { peopleAffected: "team", workaround: true, criticalFunctionStopped: false },
  low: { peopleAffected: "one", workaround: true, criticalFunctionStopped: false },
} as const;

async function raise(tenant: Tenant, severity: keyof typeof impact, title: string) {
  const res = await call(
    tenant.people.member,
    "POST",
    `/api/v1/relationships/${tenant.relationshipId}/tickets`,
    {
      title,
      description: "Something is wrong",
      impact: impact[severity],
    },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.severity).toBe(severity);
  return res.body as { id: string; number: number; revision: number };
}

async function ticketAct(tenant: Tenant, as: Person, id: string, action: string, payload: object = {}) {
  const res = await call(
    as,
    "POST",
    `/api/v1/relationships/${tenant.relationshipId}/tickets/${id}/${action}`,
    payload,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

// ---- iCalendar, read back with ical.js (an independent parser) ----

/** Parses and registers the file's own VTIMEZONEs, so TZID times convert to instants. */
function parseIcs(ics: string): ICAL.Component {
  const root = new ICAL.Component(ICAL.parse(ics));
  for (const vtz of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(vtz);
  return root;
}
const instantOf = (v: ICAL.Component, name: string) =>
  (v.getFirstPropertyValue(name) as ICAL.Time).toUnixTime() * 1000;
const master = (root: ICAL.Component) =>
  root.getAllSubcomponents("vevent").find((v) => !v.hasProperty("recurrence-id"))!;
/** The first `n` occurrences of a recurring VEVENT, as ical.js expands its RRULE and EXDATEs. */
function occurrences(v: ICAL.Component, n: number): number[] {
  const it = new ICAL.Event(v).iterator();
  const out: number[] = [];
  for (let next = it.next(); next && out.length < n; next = it.next()) out.push(next.toUnixTime() * 1000);
  return out;
}
const attendeeEmails = (v: ICAL.Component) =>
  v
    .getAllProperties("attendee")
    .map((p) => String(p.getFirstValue()).replace(/^mailto:/i, ""))
    .sort();

describe("series and recurrence", () => {
  it("shows the protocol's series and puts the meetings at 10:00 New York on both sides of the DST change", async () => {
    const tenant = await tenantAt(ACTIVATED, "Series");
    const overview = await call(tenant.people.executive, "GET", base(tenant));
    expect(overview.status, JSON.stringify(overview.body)).toBe(200);
    const { series } = overview.body;
    expect(series).toMatchObject({
      rule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
      cadence: "Every 2 weeks on Tuesday at 10:00 (America/New_York)",
      at: "10:00",
      timeZone: "America/New_York",
      durationMinutes: 45,
      agendaBefore: "1 business day",
      protocolVersion: 1,
      startsAt: iso(M1),
    });
    const namesByRole = Object.fromEntries(
      series.attendees.map((a: { side: string; role: string; people: { name: string }[] }) => [
        `${a.side}:${a.role}`,
        a.people.map((p) => p.name).sort(),
      ]),
    );
    const { people } = tenant;
    expect(namesByRole).toEqual({
      "client:it_contact": [people.clientAdmin.name, people.it_contact.name].sort(),
      "client:executive": [people.executive.name],
      "provider:account_manager": [people.providerAdmin.name, people.account_manager.name].sort(),
      "provider:senior_technician": [people.senior_technician.name],
    });
    // Both sides and a business role attend: the only warning is the missing link.
    expect(overview.body.warnings).toEqual(["The protocol gives no video or room link for the meetings."]);
    expect(overview.body.next).toMatchObject({ number: 1, start: iso(M1), outcome: "upcoming" });
    expect(overview.body.abilities).toEqual({ organize: true, contribute: true, keepDates: true });
    const started = await eventsOf(tenant, "touchpoint.series_started");
    expect(started).toHaveLength(1);
    expect(started[0]!.after).toMatchObject({ firstMeeting: iso(M1), durationMinutes: 45 });

    // Every two weeks on Tuesday, 10:00 local: 15:00 UTC in February (EST), 14:00 UTC after 8 March (EDT).
    const list = await meetingsOf(tenant);
    const starts = list.map((m) => m.start);
    expect(starts.slice(0, 4)).toEqual([iso(M1), iso(M2), iso(M3), iso(M4)]);
    const local = new Intl.DateTimeFormat("en-US", {
      timeZone: "America/New_York",
      weekday: "long",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    for (const m of list) {
      expect(local.format(new Date(m.start))).toBe("Tuesday 10:00");
      expect(Date.parse(m.end) - Date.parse(m.start)).toBe(45 * MIN);
    }
    for (let i = 1; i < list.length; i++)
      expect(Math.round((Date.parse(starts[i]!) - Date.parse(starts[i - 1]!)) / DAY)).toBe(14);
    // About 120 days of meetings exist ahead.
    expect(Date.parse(starts.at(-1)!)).toBeGreaterThanOrEqual(ACTIVATED + 120 * DAY - 14 * DAY);
    expect(Date.parse(starts.at(-1)!)).toBeLessThanOrEqual(ACTIVATED + 120 * DAY);
    expect(list.map((m) => m.number)).toEqual(list.map((_, i) => i + 1));

    // The agenda goes out 1 business day before: Monday 10:00 New York.
    expect(list[0]!.agendaDueAt).toBe(iso(utc(2, 9, 15)));
    expect(list[2]!.agendaDueAt).toBe(iso(utc(3, 9, 14)));
    for (const m of list) expect(local.format(new Date(m.agendaDueAt))).toBe("Monday 10:00");

    // The senior technician leaves the provider: nobody holds that attendee role any more.
    const removed = await call(
      people.providerAdmin,
      "DELETE",
      `/api/v1/organizations/${tenant.providerOrgId}/members/${people.senior_technician.userId}`,
    );
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);
    const after = await call(people.executive, "GET", base(tenant));
    expect(after.body.warnings).toContain(
      "Nobody at the provider holds the senior technician role, so no senior technician is invited.",
    );
    const senior = after.body.series.attendees.find((a: { role: string }) => a.role === "senior_technician");
    expect(senior.people).toEqual([]);
  });

  it("warns when a protocol version leaves out a side or every business role; the agenda skips a holiday", async () => {
    const doc = defaultProtocolTemplate().replace(
      "    client: [it_contact, executive]\n    provider: [account_manager, senior_technician]",
      "    client: [it_contact]\n    provider: []",
    );
    expect(doc).not.toBe(defaultProtocolTemplate());
    // Monday 20 July 2026: the meetings run into September, past Labor Day (Monday 7 September).
    const tenant = await tenantAt(utc(7, 20, 14), "One side", doc);
    const overview = await call(tenant.people.it_contact, "GET", base(tenant));
    expect(overview.status).toBe(200);
    const warnings: string[] = overview.body.warnings;
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^No provider role attends/),
        expect.stringMatching(/^No business role attends/),
      ]),
    );
    expect(warnings.some((w) => w.startsWith("No client role attends"))).toBe(false);
    expect(overview.body.series.attendees.map((a: { side: string }) => a.side)).toEqual(["client"]);

    // Only the client's IT contacts are invited.
    const invited = (await emails(tenant, "touchpoint.invitation")).map((p) => p.to.address).sort();
    expect(invited).toEqual([tenant.people.clientAdmin.email, tenant.people.it_contact.email].sort());

    // Tuesday 8 September 10:00 EDT: the business day before is Friday 4 September (Monday is Labor Day).
    const list = await meetingsOf(tenant);
    const labor = list.find((m) => m.start === iso(utc(9, 8, 14)));
    expect(labor?.agendaDueAt).toBe(iso(utc(9, 4, 14)));
    const before = list.find((m) => m.start === iso(utc(8, 25, 14)));
    expect(before?.agendaDueAt).toBe(iso(utc(8, 24, 14)));
  });
});

describe("invitations, moves and skips", () => {
  it("invites the attendees to the series, sends an update for a moved and a cancellation for a skipped meeting, and records the outcomes", async () => {
    const tenant = await tenantAt(ACTIVATED, "Invitations");
    const list = await meetingsOf(tenant);
    const attendees = attendeesOf(tenant);

    // One invitation per attendee, each with the whole series.
    const invitations = await emails(tenant, "touchpoint.invitation");
    expect(invitations.map((p) => p.to.address).sort()).toEqual(attendees.map((p) => p.email).sort());
    expect((await recipients(tenant, "touchpoint.invitation")).sort()).toEqual(
      attendees.map((p) => p.userId).sort(),
    );
    const invite = invitations[0]!.calendar!;
    expect(invite.method).toBe("REQUEST");
    expect(invite.content).toMatch(/^METHOD:REQUEST\r$/m);
    expect(invite.content).toContain("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU");
    const root = parseIcs(invite.content);
    expect(root.getFirstPropertyValue("method")).toBe("REQUEST");
    const series = master(root);
    expect(attendeeEmails(series)).toEqual(attendees.map((p) => p.email.toLowerCase()).sort());
    const uid = String(series.getFirstPropertyValue("uid"));
    expect(instantOf(series, "dtend") - instantOf(series, "dtstart")).toBe(45 * MIN);
    // ical.js expands the RRULE to the same meetings the API lists, across the DST change.
    expect(occurrences(series, 8)).toEqual(list.slice(0, 8).map((m) => Date.parse(m.start)));

    // Meeting 2 moves to Wednesday 25 February 10:00 EST.
    t.clock.set(utc(2, 3, 15));
    const m2 = list[1]!;
    const newStart = utc(2, 25, 15);
    const moved = await call(tenant.people.account_manager, "POST", `${meetingUrl(tenant, m2.id)}/move`, {
      start: "2026-02-25T10:00:00-05:00",
      reason: "The client's board meets on Tuesday.",
      revision: m2.revision,
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.meeting).toMatchObject({
      scheduledStart: iso(M2),
      start: iso(newStart),
      end: iso(newStart + 45 * MIN),
      moved: true,
      moveReason: "The client's board meets on Tuesday.",
      outcome: "upcoming",
      // Its agenda now goes out on Tuesday 10:00, a business day before Wednesday.
      agendaDueAt: iso(utc(2, 24, 15)),
    });
    const updates = await emails(tenant, "touchpoint.moved");
    expect(updates.map((p) => p.to.address).sort()).toEqual(attendees.map((p) => p.email).sort());
    expect(updates[0]!.calendar!.method).toBe("REQUEST");
    const movedCal = parseIcs(updates[0]!.calendar!.content);
    expect(movedCal.getFirstPropertyValue("method")).toBe("REQUEST");
    const [override] = movedCal.getAllSubcomponents("vevent");
    expect(String(override!.getFirstPropertyValue("uid"))).toBe(uid);
    expect(instantOf(override!, "recurrence-id")).toBe(M2);
    expect(instantOf(override!, "dtstart")).toBe(newStart);
    expect(instantOf(override!, "dtend")).toBe(newStart + 45 * MIN);
    expect(Number(override!.getFirstPropertyValue("sequence"))).toBeGreaterThan(
      Number(series.getFirstPropertyValue("sequence")),
    );
    expect(String(override!.getFirstPropertyValue("description"))).toContain(
      "The client's board meets on Tuesday.",
    );

    // A second organizer working from the old revision is refused; the meeting stays where it moved.
    const stale = await call(tenant.people.it_contact, "POST", `${meetingUrl(tenant, m2.id)}/move`, {
      start: "2026-02-26T10:00:00-05:00",
      reason: "Thursday suits us better.",
      revision: m2.revision,
    });
    expect(stale.status).toBe(409);
    expect((await detail(tenant, m2.id)).meeting.start).toBe(iso(newStart));
    expect(await emails(tenant, "touchpoint.moved")).toHaveLength(attendees.length);

    // Meeting 3 is skipped: a cancellation of that one occurrence. What was added to its agenda carries over.
    const m3 = list[2]!;
    await addItem(tenant, m3, tenant.people.executive, "Office move timeline");
    const skipped = await call(tenant.people.it_contact, "POST", `${meetingUrl(tenant, m3.id)}/skip`, {
      reason: "The provider's team is at a conference.",
      revision: m3.revision,
    });
    expect(skipped.status, JSON.stringify(skipped.body)).toBe(200);
    expect(skipped.body.meeting).toMatchObject({
      state: "skipped",
      outcome: "skipped",
      skipReason: "The provider's team is at a conference.",
    });
    const cancels = await emails(tenant, "touchpoint.skipped");
    expect(cancels.map((p) => p.to.address).sort()).toEqual(attendees.map((p) => p.email).sort());
    expect(cancels[0]!.calendar!.method).toBe("CANCEL");
    const cancelCal = parseIcs(cancels[0]!.calendar!.content);
    expect(cancelCal.getFirstPropertyValue("method")).toBe("CANCEL");
    const [cancelled] = cancelCal.getAllSubcomponents("vevent");
    expect(String(cancelled!.getFirstPropertyValue("uid"))).toBe(uid);
    expect(instantOf(cancelled!, "recurrence-id")).toBe(M3);
    expect(String(cancelled!.getFirstPropertyValue("status"))).toBe("CANCELLED");

    // The audit trail has both, with the reasons.
    const movedEvents = await eventsOf(tenant, "touchpoint.moved");
    expect(movedEvents).toHaveLength(1);
    expect(movedEvents[0]).toMatchObject({ actorName: tenant.people.account_manager.name });
    expect(movedEvents[0]!.before).toMatchObject({ start: iso(M2) });
    expect(movedEvents[0]!.after).toMatchObject({
      start: iso(newStart),
      reason: "The client's board meets on Tuesday.",
    });
    const skippedEvents = await eventsOf(tenant, "touchpoint.skipped");
    expect(skippedEvents).toHaveLength(1);
    expect(skippedEvents[0]!.after).toMatchObject({
      scheduledStart: iso(M3),
      reason: "The provider's team is at a conference.",
    });

    // The calendar file to download carries both exceptions.
    const file = await call(tenant.people.technician, "GET", `${base(tenant)}/series.ics`);
    expect(file.status).toBe(200);
    expect(file.raw.headers["content-type"]).toContain("text/calendar");
    const published = parseIcs(file.raw.body);
    expect(published.getFirstPropertyValue("method")).toBe("PUBLISH");
    const all = occurrences(master(published), 4);
    expect(all).toEqual([M1, M2, M4, Date.parse(list[4]!.start)]); // 10 March is excluded
    const overrides = published.getAllSubcomponents("vevent").filter((v) => v.hasProperty("recurrence-id"));
    expect(overrides.map((v) => [instantOf(v, "recurrence-id"), instantOf(v, "dtstart")])).toEqual([
      [M2, newStart],
    ]);

    // Recording as held: not more than an hour before the start, then on schedule or after a move.
    const m1 = list[0]!;
    t.clock.set(M1 - 62 * MIN);
    const early = await call(tenant.people.it_contact, "POST", `${meetingUrl(tenant, m1.id)}/held`, {
      revision: m1.revision,
    });
    expect(early.status).toBe(409);
    t.clock.set(M1 + 50 * MIN);
    expect((await hold(tenant, m1)).meeting).toMatchObject({ state: "held", outcome: "held_on_schedule" });
    t.clock.set(newStart + 50 * MIN);
    expect((await hold(tenant, m2, tenant.people.account_manager)).meeting).toMatchObject({
      state: "held",
      outcome: "held_moved",
      moved: true,
    });
    // A skipped meeting cannot be held.
    const heldSkipped = await call(tenant.people.it_contact, "POST", `${meetingUrl(tenant, m3.id)}/held`, {
      revision: skipped.body.meeting.revision,
    });
    expect(heldSkipped.status).toBe(409);
    const carried = itemTitled(await detail(tenant, list[3]!.id), "Office move timeline");
    expect(carried).toMatchObject({
      group: "Raised by the client",
      status: "Carried over from a skipped meeting",
    });
    // The person who added it can take it back from the meeting it was carried to.
    expect(carried.removable).toBe(true);
    const itemId = carried.key.split(":")[2];
    const removed = await call(
      tenant.people.executive,
      "DELETE",
      `${meetingUrl(tenant, list[3]!.id)}/items/${itemId}`,
    );
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(
      removed.body.agenda.sections
        .flatMap((x: { items: { title: string }[] }) => x.items)
        .map((i: { title: string }) => i.title),
    ).not.toContain("Office move timeline");
    const outcomes = (await meetingsOf(tenant)).slice(0, 4).map((m) => m.outcome);
    expect(outcomes).toEqual(["held_on_schedule", "held_moved", "skipped", "upcoming"]);
    const held = await eventsOf(tenant, "touchpoint.held");
    expect(held.map((e) => (e.after as { onSchedule: boolean }).onSchedule)).toEqual([true, false]);
  });
});

describe("agenda assembly", () => {
  it("lists earlier open issues, new issues by severity with breaches, changes, concerns from both sides and upcoming dates", async () => {
    const tenant = await tenantAt(ACTIVATED, "Agenda");
    const { people } = tenant;
    const [m1, m2] = await meetingsOf(tenant);

    // Before meeting 1: one ticket that stays open, one resolved before the meeting.
    t.clock.set(utc(2, 5, 15));
    const old = await raise(tenant, "low", "Printer on the 2nd floor jams");
    await ticketAct(tenant, people.technician, old.id, "acknowledge");
    const gone = await raise(tenant, "low", "Desktop shortcut missing");
    await ticketAct(tenant, people.technician, gone.id, "acknowledge");
    await ticketAct(tenant, people.technician, gone.id, "resolve", { summary: "Shortcut added." });
    t.clock.set(M1 + 40 * MIN);
    await hold(tenant, m1!);

    // Since meeting 1: new tickets of each severity, Wednesday 11 February 10:00 EST.
    t.clock.set(utc(2, 11, 15));
    const critical = await raise(tenant, "critical", "ERP is down");
    await ticketAct(tenant, people.technician, critical.id, "acknowledge");
    const high = await raise(tenant, "high", "Email is very slow");
    const medium = await raise(tenant, "medium", "Shared calendar does not sync");
    const low = await raise(tenant, "low", "Dashboard colours are wrong");
    await ticketAct(tenant, people.it_contact, medium.id, "escalate", {
      level: "account_manager",
      justification: "Payroll depends on the calendar.",
    });
    // The high ticket's 1-hour response target passes unanswered.
    t.clock.set(utc(2, 11, 16, 5));
    await runDueTimers(t.ctx);

    // Changes: one finished on Sunday 15 February in the patch window, one planned before meeting 3, one after it.
    const changes = `/api/v1/relationships/${tenant.relationshipId}/changes`;
    const changeBody = (title: string, start: number, end: number, cls = "normal") => ({
      class: cls,
      title,
      description: "Details.",
      reason: "Needed.",
      impact: "Little.",
      expectedDowntimeMinutes: 0,
      risk: "low",
      rollbackPlan: "Undo it.",
      affectedSystems: ["Mail server"],
      plannedStart: iso(start),
      plannedEnd: iso(end),
      propose: true,
    });
    const patch = await call(
      people.technician,
      "POST",
      changes,
      changeBody("Patch the mail server", utc(2, 15, 7), utc(2, 15, 8), "routine"),
    );
    expect(patch.status, JSON.stringify(patch.body)).toBe(201);
    expect(patch.body.state).toBe("approved");
    const planned = await call(
      people.technician,
      "POST",
      changes,
      changeBody("Replace the core switch", utc(3, 3, 15), utc(3, 3, 16)),
    );
    expect(planned.status).toBe(201);
    const later = await call(
      people.technician,
      "POST",
      changes,
      changeBody("Upgrade the firewall", utc(3, 17, 14), utc(3, 17, 15)),
    );
    expect(later.status).toBe(201);
    const act = async (id: string, action: string, payload: object = {}) => {
      const res = await call(people.technician, "POST", `${changes}/${id}/${action}`, payload);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    await act(patch.body.id, "schedule", { revision: patch.body.revision });
    t.clock.set(utc(2, 15, 7));
    await act(patch.body.id, "start");
    t.clock.set(utc(2, 15, 7, 40));
    await act(patch.body.id, "finish", { outcome: "completed", notes: "All patches applied." });

    // Monday 16 February: an emergency, dates the client recorded, an item from each side.
    t.clock.set(utc(2, 16, 15));
    const emergency = await call(
      people.it_contact,
      "POST",
      `/api/v1/relationships/${tenant.relationshipId}/emergencies`,
      {
        title: "File server down",
        description: "Nobody can open shared files.",
        affectedSystem: "File server",
        criteria: ["A critical system is completely unavailable and the business cannot operate."],
      },
    );
    expect(emergency.status, JSON.stringify(emergency.body)).toBe(201);
    const dates = `/api/v1/relationships/${tenant.relationshipId}/business-dates`;
    // 30 days after meeting 2 (24 February), and 200 days after.
    for (const [kind, title, dueOn] of [
      ["audit", "PCI DSS audit", "2026-03-26"],
      ["renewal", "Office lease renewal", "2026-09-12"],
    ] as const) {
      const res = await call(people.it_contact, "POST", dates, {
        kind,
        title,
        dueOn,
        notes: "Prepare evidence.",
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    await addItem(tenant, m2!, people.executive, "Budget for new laptops", "Ten laptops are five years old.");
    await addItem(tenant, m2!, people.account_manager, "Backup retention proposal");

    t.clock.set(utc(2, 17, 15));
    const d = await detail(tenant, m2!.id);
    expect(d.agenda.frozen).toBe(false);
    expect(d.agenda.sections.map((s) => s.key)).toEqual([
      "previous",
      "overdue",
      "new_issues",
      "changes",
      "concerns",
      "upcoming",
    ]);

    // 1. Tickets raised before the last held meeting that are still open; not the one resolved before it.
    expect(titles(section(d, "previous"))).toEqual([`#${old.number} Printer on the 2nd floor jams`]);
    expect(section(d, "previous")[0]).toMatchObject({
      kind: "ticket",
      group: "Issues",
      status: "Acknowledged",
    });
    expect(section(d, "overdue")).toEqual([]);

    // 2. New issues, grouped by severity, the missed response target flagged.
    const fresh = section(d, "new_issues");
    const emergencyTicket = `#${emergency.body.ticket.number} File server down`;
    expect(fresh.map((i) => [i.group, i.title])).toEqual([
      ["Critical", `#${critical.number} ERP is down`],
      ["Critical", emergencyTicket],
      ["High", `#${high.number} Email is very slow`],
      ["Medium", `#${medium.number} Shared calendar does not sync`],
      ["Low", `#${low.number} Dashboard colours are wrong`],
    ]);
    expect(fresh[2]!.flags).toContain("Response target missed");
    expect(fresh[0]!.flags).not.toContain("Response target missed");
    expect(fresh[3]!.flags.some((f) => f.startsWith("Escalated"))).toBe(true);

    // 3. Changes: planned for the next period (up to meeting 3) and completed since meeting 1.
    const changeItems = section(d, "changes");
    expect(changeItems.map((i) => [i.group, i.title])).toEqual([
      ["Planned for the next period", `CHG-${planned.body.number} Replace the core switch`],
      ["Completed since the last meeting", `CHG-${patch.body.number} Patch the mail server`],
    ]);
    expect(changeItems[1]!.status).toBe("Completed");

    // 4. Escalations, emergencies, and what each side raised.
    const concerns = section(d, "concerns");
    expect(concerns.map((i) => [i.group, i.title])).toEqual([
      ["Escalations", `#${medium.number} Shared calendar does not sync`],
      ["Emergencies", `EMG-${emergency.body.number} File server down`],
      ["Raised by the client", "Budget for new laptops"],
      ["Raised by the provider", "Backup retention proposal"],
    ]);
    // (Which level, in words, is checked on its own below.)
    expect(concerns[0]!.flags.some((f) => f.startsWith("Escalated to"))).toBe(true);
    expect(concerns[1]!.flags).toContain("Still open");
    expect(concerns[2]).toMatchObject({ addedBy: { name: people.executive.name, side: "client" } });
    expect(concerns[3]).toMatchObject({ addedBy: { name: people.account_manager.name, side: "provider" } });

    // 5. The date 30 days after the meeting is listed; the one 200 days after is not yet.
    const upcoming = section(d, "upcoming");
    expect(titles(upcoming)).toEqual(["PCI DSS audit"]);
    expect(upcoming[0]).toMatchObject({ group: "Audit" });
    expect(upcoming[0]!.status).toMatch(/^2026-03-26/);
  });

  it("names the level a ticket was escalated to, as the protocol calls it, on the new issue and under concerns", async () => {
    const tenant = await tenantAt(ACTIVATED, "Escalation words");
    const [, m2] = await meetingsOf(tenant);
    t.clock.set(utc(2, 11, 15));
    const ticket = await raise(tenant, "medium", "Shared calendar does not sync");
    await ticketAct(tenant, tenant.people.it_contact, ticket.id, "escalate", {
      level: "account_manager",
      justification: "Payroll depends on the calendar.",
    });
    t.clock.set(utc(2, 11, 16));
    const d = await detail(tenant, m2!.id);
    // The default protocol names the level "Account manager"; its id (account_manager) means
    // nothing to the people reading the agenda, and "the next level" does not say which.
    for (const key of ["new_issues", "concerns"]) {
      const [item] = section(d, key);
      expect(item?.title, key).toBe(`#${ticket.number} Shared calendar does not sync`);
      const escalated = item!.flags.filter((f) => f.startsWith("Escalated"));
      expect(escalated, key).toHaveLength(1);
      expect(escalated[0], key).toMatch(/^Escalated(:| to) Account manager$/);
    }
  });
});

describe("action items", () => {
  it("carries an action item to the next agenda, reports it once when overdue, and moves it to done", async () => {
    const tenant = await tenantAt(ACTIVATED, "Actions");
    const { people } = tenant;
    const [m1, m2] = await meetingsOf(tenant);
    const owner = people.account_manager;
    const item = await addItem(tenant, m1!, people.it_contact, "Backups are never tested");

    t.clock.set(M1 + 20 * MIN);
    const added = await call(people.it_contact, "POST", `${meetingUrl(tenant, m1!.id)}/actions`, {
      itemKey: item.key,
      title: "Test a restore of the file server",
      ownerUserId: owner.userId,
      dueOn: "2026-02-17",
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const action: Action = added.body.actions[0];
    expect(action).toMatchObject({
      number: 1,
      title: "Test a restore of the file server",
      owner: { id: owner.userId, name: owner.name },
      dueOn: "2026-02-17",
      overdue: false,
      done: false,
    });
    expect(itemTitled(added.body, "Backups are never tested").actions.map((a) => a.id)).toEqual([action.id]);
    expect(await recipients(tenant, "touchpoint.action_assigned")).toEqual([owner.userId]);
    await hold(tenant, m1!);

    // Meeting 2's agenda lists it under previous, with its owner.
    t.clock.set(utc(2, 12, 15));
    let d = await detail(tenant, m2!.id);
    const carried = section(d, "previous").find((i) => i.kind === "action");
    expect(carried).toMatchObject({
      title: "A-1 Test a restore of the file server",
      group: "Action items",
      owner: owner.name,
      status: "Open, due 2026-02-17",
      flags: [],
    });
    expect(section(d, "overdue")).toEqual([]);

    // Due at the end of 17 February in New York (05:00 UTC on the 18th): reported once, to the owner.
    t.clock.set(utc(2, 18, 4, 59));
    await runDueTouchpointTimers(t.ctx);
    expect(await notified(tenant, "touchpoint.action_overdue")).toEqual([]);
    t.clock.set(utc(2, 18, 5, 1));
    await runDueTouchpointTimers(t.ctx);
    await runDueTouchpointTimers(t.ctx);
    const overdue = await notified(tenant, "touchpoint.action_overdue");
    expect(overdue.map((n) => n.userId)).toEqual([owner.userId]);
    expect(overdue[0]!.subject).toContain("Test a restore of the file server");
    expect(await eventsOf(tenant, "touchpoint.action_overdue")).toHaveLength(1);
    const overview = await call(people.executive, "GET", base(tenant));
    expect(overview.body).toMatchObject({ openActions: 1, overdueActions: 1 });

    // Meeting 2's agenda now has it in its own section, not under previous.
    d = await detail(tenant, m2!.id);
    expect(section(d, "previous").filter((i) => i.kind === "action")).toEqual([]);
    expect(section(d, "overdue")).toMatchObject([
      { title: "A-1 Test a restore of the file server", owner: owner.name, flags: ["Overdue by 1 day"] },
    ]);

    // Only the owner or an organizer marks it done.
    const listed = await call(people.technician, "GET", `${base(tenant)}/actions?state=overdue`);
    expect(listed.body.actions.map((a: Action) => a.id)).toEqual([action.id]);
    const current: Action = listed.body.actions[0];
    const byTech = await call(people.technician, "POST", `${base(tenant)}/actions/${action.id}/done`, {
      revision: current.revision,
    });
    expect(byTech.status).toBe(403);
    const done = await call(owner, "POST", `${base(tenant)}/actions/${action.id}/done`, {
      note: "Restored last night's backup to a test server.",
      revision: current.revision,
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ done: true, overdue: false, doneByName: owner.name });

    d = await detail(tenant, m2!.id);
    expect(section(d, "overdue")).toEqual([]);
    const finished = section(d, "previous").find((i) => i.kind === "action");
    expect(finished?.title).toBe("A-1 Test a restore of the file server");
    expect(finished?.status).toMatch(/^Done /);
    expect(finished?.flags).toEqual([]);
    // Done: no further notice however often the timers run.
    t.clock.set(utc(2, 19, 15));
    await runDueTouchpointTimers(t.ctx);
    expect(await notified(tenant, "touchpoint.action_overdue")).toHaveLength(1);
  });
});

describe("agenda and summary emails", () => {
  it("sends the agenda once at its time, the summary with decisions and action items when held, and keeps the held agenda as it was", async () => {
    const tenant = await tenantAt(ACTIVATED, "Emails");
    const { people } = tenant;
    const [m1, m2] = await meetingsOf(tenant);
    const attendees = attendeesOf(tenant).map((p) => p.userId);
    t.clock.set(utc(2, 6, 15));
    const fan = await raise(tenant, "low", "Laptop fan is loud");

    // The agenda is due Monday 9 February 10:00 EST (15:00 UTC): not a minute before.
    t.clock.set(utc(2, 9, 14, 59));
    await runDueTouchpointTimers(t.ctx);
    expect(await notified(tenant, "touchpoint.agenda")).toEqual([]);
    t.clock.set(utc(2, 9, 15));
    await runDueTouchpointTimers(t.ctx);
    await runDueTouchpointTimers(t.ctx);
    const agendas = await notified(tenant, "touchpoint.agenda");
    expect(agendas.map((n) => n.userId).sort()).toEqual(attendees.sort());
    expect(agendas[0]!.body).toContain("2. New issues since the last meeting");
    expect(agendas[0]!.body).toContain(`#${fan.number} Laptop fan is loud`);
    expect(await emails(tenant, "touchpoint.agenda")).toHaveLength(attendees.length);
    expect((await detail(tenant, m1!.id)).meeting.agendaSentAt).toBe(iso(utc(2, 9, 15)));
    t.clock.set(utc(2, 10, 12));
    await runDueTouchpointTimers(t.ctx);
    expect(await notified(tenant, "touchpoint.agenda")).toHaveLength(attendees.length);

    // In the meeting: a decision and an action item on the fan.
    t.clock.set(M1 + 30 * MIN);
    const key = itemTitled(await detail(tenant, m1!.id), `#${fan.number} Laptop fan is loud`).key;
    const decided = await call(people.executive, "POST", `${meetingUrl(tenant, m1!.id)}/decisions`, {
      itemKey: key,
      text: "Replace the fan under warranty.",
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(201);
    const assigned = await call(people.executive, "POST", `${meetingUrl(tenant, m1!.id)}/actions`, {
      itemKey: key,
      title: "Order a replacement fan",
      ownerUserId: people.senior_technician.userId,
      dueOn: "2026-02-20",
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(201);
    const held = await hold(tenant, m1!);
    expect(held.meeting.state).toBe("held");
    const summaries = await notified(tenant, "touchpoint.summary");
    expect(summaries.map((n) => n.userId).sort()).toEqual(attendees.sort());
    expect(summaries[0]!.body).toContain("Replace the fan under warranty.");
    expect(summaries[0]!.body).toContain(
      `A-1 Order a replacement fan (owner ${people.senior_technician.name}, due 2026-02-20)`,
    );
    expect(await emails(tenant, "touchpoint.summary")).toHaveLength(attendees.length);

    // A ticket raised after the meeting is not in its (frozen) agenda, but is in the next one.
    t.clock.set(utc(2, 11, 15));
    const vpn = await raise(tenant, "medium", "VPN drops every hour");
    t.clock.set(utc(2, 11, 16));
    const frozen = await detail(tenant, m1!.id);
    expect(frozen.agenda.frozen).toBe(true);
    const frozenTitles = frozen.agenda.sections.flatMap((s) => titles(s.items));
    expect(frozenTitles).toContain(`#${fan.number} Laptop fan is loud`);
    expect(frozenTitles).not.toContain(`#${vpn.number} VPN drops every hour`);
    expect(frozen.decisions.map((x) => x.text)).toEqual(["Replace the fan under warranty."]);
    const next = await detail(tenant, m2!.id);
    expect(titles(section(next, "new_issues"))).toEqual([`#${vpn.number} VPN drops every hour`]);
    expect(titles(section(next, "previous"))).toEqual([
      `#${fan.number} Laptop fan is loud`,
      "A-1 Order a replacement fan",
    ]);
  });
});

describe("minutes and decisions", () => {
  it("keeps minutes per item with revisions, records and withdraws decisions, and names an unknown item", async () => {
    const tenant = await tenantAt(ACTIVATED, "Minutes");
    const { people } = tenant;
    const [m1] = await meetingsOf(tenant);
    const item = await addItem(tenant, m1!, people.it_contact, "Move to the new office");
    const minutesUrl = `${meetingUrl(tenant, m1!.id)}/minutes`;
    t.clock.set(M1 + 10 * MIN);

    const first = await call(people.it_contact, "PUT", minutesUrl, {
      itemKey: item.key,
      text: "The move is planned for May.",
      revision: 0,
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(itemTitled(first.body, "Move to the new office").minutes).toMatchObject({
      text: "The move is planned for May.",
      revision: 1,
    });
    // Someone else, working from the empty minutes, is refused and told to merge.
    const stale = await call(people.account_manager, "PUT", minutesUrl, {
      itemKey: item.key,
      text: "Cabling survey needed.",
      revision: 0,
    });
    expect(stale.status).toBe(409);
    expect(itemTitled(await detail(tenant, m1!.id), "Move to the new office").minutes?.text).toBe(
      "The move is planned for May.",
    );
    const merged = await call(people.account_manager, "PUT", minutesUrl, {
      itemKey: item.key,
      text: "The move is planned for May. Cabling survey needed.",
      revision: 1,
    });
    expect(merged.status).toBe(200);
    expect(itemTitled(merged.body, "Move to the new office").minutes).toMatchObject({
      text: "The move is planned for May. Cabling survey needed.",
      revision: 2,
    });

    // A decision, withdrawn again.
    const decided = await call(people.executive, "POST", `${meetingUrl(tenant, m1!.id)}/decisions`, {
      itemKey: item.key,
      text: "The provider surveys the cabling in March.",
    });
    expect(decided.status).toBe(201);
    const decision = itemTitled(decided.body, "Move to the new office").decisions[0]!;
    expect(decision.text).toBe("The provider surveys the cabling in March.");
    expect(decided.body.decisions.map((x: { id: string }) => x.id)).toEqual([decision.id]);
    const withdrawn = await call(
      people.executive,
      "DELETE",
      `${meetingUrl(tenant, m1!.id)}/decisions/${decision.id}`,
    );
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.decisions).toEqual([]);
    expect(itemTitled(withdrawn.body, "Move to the new office").decisions).toEqual([]);
    expect(await eventsOf(tenant, "touchpoint.decision_recorded")).toHaveLength(1);
    expect(await eventsOf(tenant, "touchpoint.decision_withdrawn")).toHaveLength(1);

    // An item key that is not on the agenda is named.
    for (const [path, payload] of [
      ["minutes", { itemKey: "concerns:item:nothing", text: "x", revision: 0 }],
      ["decisions", { itemKey: "concerns:item:nothing", text: "x" }],
    ] as const) {
      const res = await call(
        people.it_contact,
        path === "minutes" ? "PUT" : "POST",
        `${meetingUrl(tenant, m1!.id)}/${path}`,
        payload,
      );
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toBe("body.itemKey");
    }
  });
});

describe("access", () => {
  it("keeps members out, lets only organizers move and skip, hides other tenants' meetings and names bad fields", async () => {
    const tenant = await tenantAt(ACTIVATED, "Access");
    const other = await tenantAt(ACTIVATED, "Other");
    const { people } = tenant;
    const [m1] = await meetingsOf(tenant);
    const [theirs] = await meetingsOf(other);
    const url = meetingUrl(tenant, m1!.id);

    expect((await call(people.member, "GET", base(tenant))).status).toBe(403);
    expect((await call(people.member, "GET", url)).status).toBe(403);
    const techView = await call(people.technician, "GET", url);
    expect(techView.status).toBe(200);
    expect(techView.body.abilities).toMatchObject({ organize: false, contribute: true });

    const rowBefore = await t.database.db
      .select()
      .from(touchpointMeetings)
      .where(eq(touchpointMeetings.id, m1!.id));
    const move = await call(people.technician, "POST", `${url}/move`, {
      start: "2026-02-11T10:00:00-05:00",
      reason: "Better for me.",
      revision: m1!.revision,
    });
    expect(move.status).toBe(403);
    const skip = await call(people.technician, "POST", `${url}/skip`, {
      reason: "Busy.",
      revision: m1!.revision,
    });
    expect(skip.status).toBe(403);
    expect((await call(people.member, "POST", `${url}/items`, { title: "x" })).status).toBe(403);
    // Business dates are the client's to keep.
    const providerDate = await call(
      people.account_manager,
      "POST",
      `/api/v1/relationships/${tenant.relationshipId}/business-dates`,
      {
        kind: "audit",
        title: "Audit",
        dueOn: "2026-04-01",
      },
    );
    expect(providerDate.status).toBe(403);

    // Another tenant's meeting, through one's own relationship or theirs: not found, and unchanged.
    expect((await call(people.it_contact, "GET", meetingUrl(tenant, theirs!.id))).status).toBe(404);
    expect(
      (
        await call(people.it_contact, "POST", `${meetingUrl(tenant, theirs!.id)}/skip`, {
          reason: "Mine now.",
          revision: theirs!.revision,
        })
      ).status,
    ).toBe(404);
    expect((await call(people.it_contact, "GET", meetingUrl(other, theirs!.id))).status).toBe(404);
    expect(
      (
        await call(people.it_contact, "POST", `${meetingUrl(other, theirs!.id)}/skip`, {
          reason: "Mine now.",
          revision: theirs!.revision,
        })
      ).status,
    ).toBe(404);
    const [theirsAfter] = await t.database.db
      .select()
      .from(touchpointMeetings)
      .where(eq(touchpointMeetings.id, theirs!.id));
    expect(theirsAfter).toMatchObject({ state: "scheduled", revision: theirs!.revision, skipReason: null });
    const rowAfter = await t.database.db
      .select()
      .from(touchpointMeetings)
      .where(eq(touchpointMeetings.id, m1!.id));
    expect(rowAfter).toEqual(rowBefore);

    // Action items: a real date, and an owner from this relationship.
    const item = await addItem(tenant, m1!, people.it_contact, "Licences");
    const action = (over: object) =>
      call(people.it_contact, "POST", `${url}/actions`, {
        itemKey: item.key,
        title: "Count the licences",
        ownerUserId: people.account_manager.userId,
        dueOn: "2026-02-20",
        ...over,
      });
    for (const dueOn of ["2026-02-30", "2026-13-01", "20-02-2026", "2026-01-15", "9999-12-31"]) {
      const res = await action({ dueOn });
      expect(res.status, dueOn).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(["body.dueOn"]);
    }
    const stranger = await action({ ownerUserId: other.people.account_manager.userId });
    expect(stranger.status).toBe(400);
    expect(stranger.body.errors.map((e: { path: string }) => e.path)).toEqual(["body.ownerUserId"]);
    expect((await detail(tenant, m1!.id)).actions).toEqual([]);
  });
});

describe("exports", () => {
  it("exports the agenda, and once held the minutes, as Markdown and as a PDF poppler reads back", async () => {
    const tenant = await tenantAt(ACTIVATED, "Export");
    const { people } = tenant;
    const [m1] = await meetingsOf(tenant);
    t.clock.set(utc(2, 5, 15));
    const scanner = await raise(tenant, "high", "Scanner in reception is offline");
    const item = await addItem(tenant, m1!, people.account_manager, "Renew the antivirus licences");
    const dates = `/api/v1/relationships/${tenant.relationshipId}/business-dates`;
    expect(
      (
        await call(people.it_contact, "POST", dates, {
          kind: "regulatory",
          title: "HIPAA risk assessment",
          dueOn: "2026-03-31",
        })
      ).status,
    ).toBe(201);
    const url = meetingUrl(tenant, m1!.id);
    t.clock.set(utc(2, 6, 15));

    const agenda = await call(people.technician, "GET", `${url}/export?format=md`);
    expect(agenda.status).toBe(200);
    expect(agenda.raw.headers["content-type"]).toContain("text/markdown");
    expect(agenda.raw.headers["content-disposition"]).toContain("touchpoint-1-2026-02-10-agenda.md");
    const scannerTitle = `#${scanner.number} Scanner in reception is offline`;
    for (const text of [
      "1. Previously identified issues and open action items",
      "2. New issues since the last meeting",
      "3. Changes",
      "4. Escalations and concerns",
      "5. Upcoming business and compliance needs",
      scannerTitle,
      "Renew the antivirus licences",
      "HIPAA risk assessment",
    ])
      expect(agenda.raw.body).toContain(text);

    t.clock.set(M1 + 20 * MIN);
    await call(people.it_contact, "PUT", `${url}/minutes`, {
      itemKey: item.key,
      text: "Three-year renewal quoted.",
      revision: 0,
    });
    await call(people.executive, "POST", `${url}/decisions`, {
      itemKey: item.key,
      text: "Renew for three years.",
    });
    await call(people.executive, "POST", `${url}/actions`, {
      itemKey: item.key,
      title: "Send the renewal order",
      ownerUserId: people.account_manager.userId,
      dueOn: "2026-02-27",
    });
    await hold(tenant, m1!);

    const minutes = await call(people.technician, "GET", `${url}/export?format=md`);
    expect(minutes.status).toBe(200);
    expect(minutes.raw.headers["content-disposition"]).toContain("touchpoint-1-2026-02-10-minutes.md");
    for (const text of [
      scannerTitle,
      "Renew the antivirus licences",
      "Three-year renewal quoted.",
      "Renew for three years.",
      "A-1",
      "Send the renewal order",
    ])
      expect(minutes.raw.body).toContain(text);

    const pdf = await call(people.technician, "GET", `${url}/export?format=pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.raw.headers["content-type"]).toContain("application/pdf");
    expect(pdf.raw.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    const dir = mkdtempSync(join(tmpdir(), "touchpoint-pdf-"));
    try {
      const file = join(dir, "minutes.pdf");
      writeFileSync(file, pdf.raw.rawPayload);
      const text = execFileSync("/usr/bin/pdftotext", ["-layout", file, "-"], { encoding: "utf8" }).replace(
        /\s+/g,
        " ",
      );
      for (const expected of [
        "Previously identified issues and open action items",
        scannerTitle,
        "Renew the antivirus licences",
        "Renew for three years.",
        "Send the renewal order",
      ])
        expect(text).toContain(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
