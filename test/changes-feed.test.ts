/**
 * The change calendar as calendar apps see it: the secret subscription feed fetched without any
 * sign-in, and the invitations approvers get by email. Everything is read back with ical.js, an
 * independent parser, never with the library that wrote it.
 */
import { and, eq } from "drizzle-orm";
import ICAL from "ical.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CalendarInvite } from "../src/core/notify/notify.ts";
import { outbox } from "../src/core/notify/notify.tables.ts";
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
afterEach(() => ICAL.TimezoneService.reset());

const MIN = 60_000;
const ZONE = "America/New_York";
const DOMAIN = "liaison.test"; // the test app's publicUrl host
const iso = (ms: number) => new Date(ms).toISOString();
const utc = (month: number, day: number, hour: number, minute = 0) =>
  Date.UTC(2026, month - 1, day, hour, minute);
// Monday 6 April 2026, 10:00 in New York (EDT, UTC−4).
const MONDAY = utc(4, 6, 14);

async function call(as: Person | null, method: string, url: string, payload?: object) {
  const res = await request(t, as, { method: method as never, url, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body, json: () => res.json(), headers: res.headers };
}

async function tenantWithProtocol(label: string): Promise<Tenant> {
  t.clock.set(MONDAY);
  const tenant = await createTenant(t, label);
  await activateProtocol(t, tenant);
  return tenant;
}

const changesUrl = (tenant: Tenant) => `/api/v1/relationships/${tenant.relationshipId}/changes`;
const feedsUrl = (tenant: Tenant) => `/api/v1/relationships/${tenant.relationshipId}/calendar-feeds`;

/** Proposes a normal change on Tuesday 21 April 10:00–11:00 New York. */
async function proposeChange(tenant: Tenant) {
  const res = await call(tenant.people.technician, "POST", changesUrl(tenant), {
    class: "normal",
    title: "Replace the core switch",
    description: "Swap the switch in rack 3.",
    reason: "End of support.",
    impact: "The network drops for 10 minutes.",
    expectedDowntimeMinutes: 10,
    risk: "medium",
    rollbackPlan: "Put the old switch back.",
    affectedSystems: ["Core network"],
    plannedStart: iso(utc(4, 21, 14)),
    plannedEnd: iso(utc(4, 21, 15)),
    propose: true,
  });
  expect(res.status, res.body).toBe(201);
  return res.json() as { id: string; number: number; revision: number };
}

async function createFeed(tenant: Tenant, as: Person) {
  const res = await call(as, "POST", feedsUrl(tenant), { label: "Our IT calendar" });
  expect(res.status, res.body).toBe(201);
  const feed = res.json() as { id: string; url: string };
  const url = new URL(feed.url);
  expect(url.origin).toBe(`http://${DOMAIN}`);
  const token = /^\/api\/v1\/calendar\/([A-Za-z0-9_-]+)\.ics$/.exec(url.pathname)?.[1];
  expect(token).toBeDefined();
  return { id: feed.id, path: url.pathname, token: token! };
}

/** Fetches a feed anonymously, as a calendar app does. */
const fetchFeed = (path: string) => call(null, "GET", path);

/** Parses with ical.js and registers the file's own VTIMEZONEs, so TZID times resolve by its rules. */
function parse(ics: string): ICAL.Component {
  const root = new ICAL.Component(ICAL.parse(ics));
  for (const vtz of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(vtz);
  return root;
}

function eventOf(root: ICAL.Component, uid: string): ICAL.Component {
  const found = root.getAllSubcomponents("vevent").filter((v) => v.getFirstPropertyValue("uid") === uid);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The instant of a date-time property, asserting ical.js resolved it in the zone its TZID names. */
function instantOf(v: ICAL.Component, name: string): number {
  const p = v.getFirstProperty(name)!;
  const time = p.getFirstValue() as ICAL.Time;
  expect(time.zone?.tzid).toBe(p.getParameter("tzid") ?? "UTC");
  return time.toUnixTime() * 1000;
}

const uidOf = (changeId: string) => `change-${changeId}@${DOMAIN}`;

describe("the subscription feed", () => {
  it("serves the change without sign-in; its UID stays while SEQUENCE counts reschedules and the cancellation", async () => {
    const tenant = await tenantWithProtocol("Feed");
    const change = await proposeChange(tenant);
    const feed = await createFeed(tenant, tenant.people.it_contact);

    const first = await fetchFeed(feed.path);
    expect(first.status, first.body).toBe(200);
    expect(first.headers["content-type"]).toMatch(/^text\/calendar/);
    const root = parse(first.body);
    expect(root.getFirstPropertyValue("method")).toBe("PUBLISH");
    const zones = root.getAllSubcomponents("vtimezone").map((z) => z.getFirstPropertyValue("tzid"));
    expect(zones).toContain(ZONE);
    const event = eventOf(root, uidOf(change.id));
    expect(event.getFirstProperty("dtstart")!.getParameter("tzid")).toBe(ZONE);
    // 10:00 New York on 21 April is 14:00 UTC.
    expect(String(event.getFirstPropertyValue("dtstart"))).toBe("2026-04-21T10:00:00");
    expect(instantOf(event, "dtstart")).toBe(utc(4, 21, 14));
    expect(instantOf(event, "dtend")).toBe(utc(4, 21, 15));
    expect(event.getFirstPropertyValue("sequence")).toBe(0);
    expect(event.getFirstPropertyValue("status")).toBe("TENTATIVE");
    expect(event.getFirstPropertyValue("summary")).toBe(`CHG-${change.number} Replace the core switch`);
    // The Sunday window is in the feed too, as free time.
    const windows = root
      .getAllSubcomponents("vevent")
      .filter((v) => v.getFirstPropertyValue("summary") === "Maintenance window: Weekly patch window");
    const sunday = windows.find((w) => instantOf(w, "dtstart") === utc(4, 19, 6));
    expect(sunday?.getFirstPropertyValue("transp")).toBe("TRANSPARENT");

    const moved = await call(
      tenant.people.technician,
      "POST",
      `${changesUrl(tenant)}/${change.id}/reschedule`,
      {
        plannedStart: iso(utc(4, 22, 14)),
        plannedEnd: iso(utc(4, 22, 15)),
        reason: "The vendor comes a day later",
      },
    );
    expect(moved.status, moved.body).toBe(200);
    ICAL.TimezoneService.reset();
    const afterMove = eventOf(parse((await fetchFeed(feed.path)).body), uidOf(change.id));
    expect(afterMove.getFirstPropertyValue("sequence")).toBe(1);
    expect(instantOf(afterMove, "dtstart")).toBe(utc(4, 22, 14));

    const cancelled = await call(
      tenant.people.technician,
      "POST",
      `${changesUrl(tenant)}/${change.id}/cancel`,
      {
        reason: "Replaced by a bigger project",
      },
    );
    expect(cancelled.status, cancelled.body).toBe(200);
    ICAL.TimezoneService.reset();
    const afterCancel = eventOf(parse((await fetchFeed(feed.path)).body), uidOf(change.id));
    expect(afterCancel.getFirstPropertyValue("status")).toBe("CANCELLED");
    expect(afterCancel.getFirstPropertyValue("sequence")).toBe(2);
  });

  it("never lists the URL or its token, and answers 404 once revoked or for a wrong token", async () => {
    const tenant = await tenantWithProtocol("Feed list");
    const feed = await createFeed(tenant, tenant.people.member);
    t.clock.advance(5 * MIN);
    expect((await fetchFeed(feed.path)).status).toBe(200);

    const list = await call(tenant.people.it_contact, "GET", feedsUrl(tenant));
    expect(list.status).toBe(200);
    expect(list.body).not.toContain(feed.token);
    const items = (list.json() as { items: Array<Record<string, unknown>> }).items;
    expect(items).toHaveLength(1);
    expect(Object.keys(items[0]!).sort()).toEqual(
      ["canRevoke", "createdAt", "createdByName", "id", "label", "lastFetchedAt", "revokedAt"].sort(),
    );
    expect(items[0]).toMatchObject({
      id: feed.id,
      createdByName: tenant.people.member.name,
      lastFetchedAt: iso(t.clock.now()),
      revokedAt: null,
      canRevoke: true,
    });
    // The advisor sees the feed but no way to revoke someone else's.
    const seen = await call(tenant.people.advisor, "GET", feedsUrl(tenant));
    expect((seen.json() as { items: Array<{ canRevoke: boolean }> }).items[0]!.canRevoke).toBe(false);

    const wrong = `/api/v1/calendar/${"x".repeat(feed.token.length)}.ics`;
    expect((await fetchFeed(wrong)).status).toBe(404);

    // Someone else's feed is revoked only by the relationship's leads.
    expect((await call(tenant.people.advisor, "DELETE", `${feedsUrl(tenant)}/${feed.id}`)).status).toBe(403);
    const revoked = await call(tenant.people.it_contact, "DELETE", `${feedsUrl(tenant)}/${feed.id}`);
    expect(revoked.status, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ id: feed.id, revokedAt: iso(t.clock.now()) });
    expect((await fetchFeed(feed.path)).status).toBe(404);
  });
});

describe("invitations", () => {
  it("sends approvers the advance notice with a METHOD:REQUEST invitation for the feed's event", async () => {
    const tenant = await tenantWithProtocol("Invitation");
    const change = await proposeChange(tenant);
    const rows = await t.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.relationshipId, tenant.relationshipId), eq(outbox.kind, "change.notice.advance")));
    const emailTo = (p: Person) => rows.find((r) => r.channel === "email" && r.userId === p.userId);
    const payload = emailTo(tenant.people.approver)?.payload as { calendar?: CalendarInvite } | undefined;
    expect(payload?.calendar?.method).toBe("REQUEST");
    // The executive is told but does not approve normal changes: no invitation.
    expect(emailTo(tenant.people.executive)).toBeDefined();
    expect((emailTo(tenant.people.executive)!.payload as { calendar?: unknown }).calendar).toBeUndefined();

    const root = parse(payload!.calendar!.content);
    expect(root.getFirstPropertyValue("method")).toBe("REQUEST");
    const event = eventOf(root, uidOf(change.id));
    expect(event.getFirstPropertyValue("sequence")).toBe(0);
    expect(instantOf(event, "dtstart")).toBe(utc(4, 21, 14));
    const attendees = event.getAllProperties("attendee").map((a) => String(a.getFirstValue()).toLowerCase());
    expect(attendees).toContain(`mailto:${tenant.people.approver.email}`.toLowerCase());
    expect(attendees).toContain(`mailto:${tenant.people.it_contact.email}`.toLowerCase());
    expect(attendees).not.toContain(`mailto:${tenant.people.executive.email}`.toLowerCase());
    expect(String(event.getFirstPropertyValue("organizer")).toLowerCase()).toBe(
      `mailto:${tenant.people.technician.email}`.toLowerCase(),
    );
  });

  it("updates the invitation when the change moves and withdraws it with METHOD:CANCEL", async () => {
    const tenant = await tenantWithProtocol("Invitation updates");
    const change = await proposeChange(tenant);
    const base = `${changesUrl(tenant)}/${change.id}`;
    const moved = await call(tenant.people.technician, "POST", `${base}/reschedule`, {
      plannedStart: iso(utc(4, 22, 14)),
      plannedEnd: iso(utc(4, 22, 15)),
      reason: "The vendor comes a day later",
    });
    expect(moved.status, moved.body).toBe(200);
    const cancelled = await call(tenant.people.technician, "POST", `${base}/cancel`, {
      reason: "Not needed",
    });
    expect(cancelled.status, cancelled.body).toBe(200);

    const invitation = async (kind: string) => {
      const [row] = await t.database.db
        .select()
        .from(outbox)
        .where(
          and(
            eq(outbox.relationshipId, tenant.relationshipId),
            eq(outbox.kind, kind),
            eq(outbox.userId, tenant.people.approver.userId),
          ),
        );
      const calendar = (row?.payload as { calendar?: CalendarInvite } | undefined)?.calendar;
      expect(calendar, kind).toBeDefined();
      ICAL.TimezoneService.reset();
      const root = parse(calendar!.content);
      expect(root.getFirstPropertyValue("method")).toBe(calendar!.method);
      return { method: calendar!.method, event: eventOf(root, uidOf(change.id)) };
    };
    const update = await invitation("change.notice.rescheduled");
    expect(update.method).toBe("REQUEST");
    expect(update.event.getFirstPropertyValue("sequence")).toBe(1);
    expect(instantOf(update.event, "dtstart")).toBe(utc(4, 22, 14));
    const cancel = await invitation("change.notice.cancelled");
    expect(cancel.method).toBe("CANCEL");
    expect(cancel.event.getFirstPropertyValue("status")).toBe("CANCELLED");
    expect(cancel.event.getFirstPropertyValue("sequence")).toBe(2);
  });
});
