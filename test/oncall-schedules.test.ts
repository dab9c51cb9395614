/**
 * On-call schedules through the API: the provider keeps them, both sides see who is on call for
 * their relationship with gaps and unreachable people as warnings, one-off overrides, and each
 * person's shifts as an iCalendar file read back by an independent parser (ical.js).
 */
import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  activateProtocol,
  addPerson,
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

const HOUR = 3_600_000;
/** Monday 2 March 2026, 09:00 in New York (EST, UTC−5). */
const MONDAY_9AM = Date.UTC(2026, 2, 2, 14, 0);

async function call(as: Person | null, method: string, url: string, payload?: object) {
  const res = await request(t, as, { method: method as never, url, ...(payload ? { payload } : {}) });
  return {
    status: res.statusCode,
    body: res.body && res.headers["content-type"]?.toString().includes("json") ? res.json() : null,
    raw: res,
  };
}

const schedules = (tenant: Tenant) => `/api/v1/organizations/${tenant.providerOrgId}/oncall-schedules`;

function daily(tenant: Tenant, over: object = {}) {
  return {
    name: "Nights and weekends",
    timeZone: "America/New_York",
    rotations: [
      {
        name: "Daily",
        layer: 1,
        participants: [tenant.people.technician.userId, tenant.people.senior_technician.userId],
        start: "2026-03-02T09:00",
        every: 1,
        unit: "day",
        ...over,
      },
    ],
  };
}

describe("on-call schedules", () => {
  it("hands over at 09:00 local across the spring-forward night, so the shift that day is 23 hours", async () => {
    t.clock.set(MONDAY_9AM);
    const tenant = await createTenant(t, "DST");
    const created = await call(tenant.people.providerAdmin, "POST", schedules(tenant), daily(tenant));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.schedule.id;
    // 7 to 9 March: DST starts on Sunday 8 March at 02:00 in New York.
    const got = await call(
      tenant.people.providerAdmin,
      "GET",
      `${schedules(tenant)}/${id}?from=2026-03-07T14:00:00Z&to=2026-03-09T13:00:00Z`,
    );
    expect(got.status).toBe(200);
    const shifts = got.body.timeline.shifts as Array<{ start: string; end: string; userName: string }>;
    expect(shifts.map((s) => [s.start, s.end])).toEqual([
      ["2026-03-07T14:00:00.000Z", "2026-03-08T13:00:00.000Z"],
      ["2026-03-08T13:00:00.000Z", "2026-03-09T13:00:00.000Z"],
    ]);
    expect(got.body.timeline.gaps).toEqual([]);
    // Saturday 7 March is day 5 of the rotation (index 5 → the senior technician).
    expect(shifts[0]!.userName).toBe(tenant.people.senior_technician.name);
    expect(shifts[1]!.userName).toBe(tenant.people.technician.name);
  });

  it("shows the client who is on call for them, with gaps and unreachable people as warnings", async () => {
    t.clock.set(MONDAY_9AM);
    const tenant = await createTenant(t, "Client view");
    await activateProtocol(t, tenant);
    const oncallUrl = `/api/v1/relationships/${tenant.relationshipId}/oncall`;
    const none = await call(tenant.people.member, "GET", oncallUrl);
    expect(none.status).toBe(200);
    expect(none.body.schedule).toBeNull();
    expect(none.body.warnings[0]).toMatch(/no on-call schedule/);

    // Only outside business hours: Monday–Friday 18:00 → 08:00 and all weekend, leaving the working day uncovered.
    await call(
      tenant.people.providerAdmin,
      "POST",
      schedules(tenant),
      daily(tenant, {
        restrictions: [
          { days: ["mon", "tue", "wed", "thu", "fri"], from: "18:00", to: "08:00" },
          { days: ["sat", "sun"], from: "00:00", to: "24:00" },
        ],
      }),
    );
    const view = await call(tenant.people.member, "GET", `${oncallUrl}?weeks=1`);
    expect(view.status).toBe(200);
    expect(view.body.schedule.name).toBe("Nights and weekends");
    // Monday 09:00: nobody on call; the working day is a gap until 18:00.
    expect(view.body.timeline.now).toEqual([]);
    expect(view.body.timeline.gaps[0]).toMatchObject({
      layer: 1,
      start: new Date(MONDAY_9AM).toISOString(),
      end: new Date(MONDAY_9AM + 9 * HOUR).toISOString(),
    });
    // One warning for the recurring hole, in the schedule's zone, instead of one per working day:
    // five working days, and next Monday 00:00–09:00 (the weekend window ends at midnight and
    // Monday's night window starts only at 18:00).
    expect(view.body.warnings).toContain(
      "Nobody is on call (primary) in 6 stretches of this range, the first from Mon 2 Mar 09:00 to Mon 2 Mar 18:00 (America/New_York).",
    );

    // A person whose account is disabled cannot be paged: flagged by name.
    const { users } = await import("../src/modules/identity/identity.tables.ts");
    const { eq } = await import("drizzle-orm");
    await t.database.db
      .update(users)
      .set({ disabledAt: new Date(MONDAY_9AM) })
      .where(eq(users.id, tenant.people.senior_technician.userId));
    const flagged = await call(tenant.people.it_contact, "GET", oncallUrl);
    expect(flagged.body.timeline.unreachable).toEqual([
      expect.objectContaining({
        userId: tenant.people.senior_technician.userId,
        working: false,
        problem: "the account is disabled",
      }),
    ]);
    expect(flagged.body.warnings).toContain(
      `${tenant.people.senior_technician.name} is on a rotation but cannot be paged: the account is disabled.`,
    );
  });

  it("lets keepers swap anyone and people hand over only their own time; overrides show in the timeline", async () => {
    t.clock.set(MONDAY_9AM);
    const tenant = await createTenant(t, "Overrides");
    const created = await call(tenant.people.providerAdmin, "POST", schedules(tenant), daily(tenant));
    const url = `${schedules(tenant)}/${created.body.schedule.id}`;
    // Monday is the technician's day. Another technician cannot give it away...
    const colleague = await addPerson(t, tenant.providerOrgId, "technician");
    const grab = await call(colleague, "POST", `${url}/overrides`, {
      layer: 1,
      userId: tenant.people.account_manager.userId,
      start: new Date(MONDAY_9AM + HOUR).toISOString(),
      end: new Date(MONDAY_9AM + 3 * HOUR).toISOString(),
    });
    expect(grab.status).toBe(403);
    // ...but the technician can hand two hours of it to the account manager.
    const swap = await call(tenant.people.technician, "POST", `${url}/overrides`, {
      layer: 1,
      userId: tenant.people.account_manager.userId,
      start: new Date(MONDAY_9AM + HOUR).toISOString(),
      end: new Date(MONDAY_9AM + 3 * HOUR).toISOString(),
      reason: "Dentist",
    });
    expect(swap.status, JSON.stringify(swap.body)).toBe(201);
    const got = await call(
      tenant.people.technician,
      "GET",
      `${url}?from=${new Date(MONDAY_9AM).toISOString()}&to=${new Date(MONDAY_9AM + 6 * HOUR).toISOString()}`,
    );
    expect(
      got.body.timeline.shifts.map((s: { userName: string; start: string; overrideId: string | null }) => [
        s.userName,
        s.start,
        s.overrideId !== null,
      ]),
    ).toEqual([
      [tenant.people.technician.name, new Date(MONDAY_9AM).toISOString(), false],
      [tenant.people.account_manager.name, new Date(MONDAY_9AM + HOUR).toISOString(), true],
      [tenant.people.technician.name, new Date(MONDAY_9AM + 3 * HOUR).toISOString(), false],
    ]);
    // Provider staff see where people are paged; the client sees only whether they can be.
    const oncallUrl = `/api/v1/relationships/${tenant.relationshipId}/oncall`;
    const asProvider = await call(tenant.people.account_manager, "GET", oncallUrl);
    expect(asProvider.body.timeline.now[0].contact).toMatchObject({
      working: true,
      addresses: [tenant.people.technician.email],
    });
    const asClient = await call(tenant.people.member, "GET", oncallUrl);
    expect(asClient.body.timeline.now[0].contact).toMatchObject({ working: true, addresses: [] });
    // Bad input is named; a client organization has no schedules; a client person gets 404 on the provider's.
    const bad = await call(tenant.people.providerAdmin, "POST", `${url}/overrides`, {
      layer: 3,
      userId: tenant.people.member.userId,
      start: new Date(MONDAY_9AM + 2 * HOUR).toISOString(),
      end: new Date(MONDAY_9AM + HOUR).toISOString(),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "body.end",
      "body.layer",
      "body.userId",
    ]);
    expect((await call(tenant.people.it_contact, "GET", url)).status).toBe(404);
    const badRotation = await call(tenant.people.providerAdmin, "POST", schedules(tenant), {
      ...daily(tenant, { start: "2026-03-02 nine", participants: [tenant.people.member.userId] }),
      relationshipId: null,
    });
    expect(badRotation.status).toBe(400);
    const paths = badRotation.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toContain("body.rotations.0.start");
    expect(paths).toContain("body.rotations.0.participants.0");
    // Ranges stay within years a schedule can mean something for.
    const far = await call(tenant.people.providerAdmin, "GET", `${url}?from=9999-12-01T00:00:00Z&weeks=5`);
    expect(far.status).toBe(400);
    expect(far.body.errors[0].path).toBe("querystring.from");
    // One shared schedule per provider.
    const second = await call(tenant.people.providerAdmin, "POST", schedules(tenant), daily(tenant));
    expect(second.status).toBe(409);
    // Technicians cannot change the schedule itself.
    expect((await call(tenant.people.technician, "PATCH", url, { name: "Mine", revision: 1 })).status).toBe(
      403,
    );
    const renamed = await call(tenant.people.providerAdmin, "PATCH", url, {
      name: "Round the clock",
      revision: 1,
    });
    expect(renamed.status).toBe(200);
    expect(
      (await call(tenant.people.providerAdmin, "PATCH", url, { name: "Stale", revision: 1 })).status,
    ).toBe(409);
  });

  it("exports a person's shifts as iCalendar with the zone, correct instants and stable UIDs", async () => {
    t.clock.set(MONDAY_9AM);
    const tenant = await createTenant(t, "ICS");
    await call(tenant.people.providerAdmin, "POST", schedules(tenant), daily(tenant));
    const url = `/api/v1/organizations/${tenant.providerOrgId}/people/${tenant.people.technician.userId}/oncall.ics?from=2026-03-01T00:00:00Z&to=2026-03-15T00:00:00Z`;
    const first = await request(t, tenant.people.technician, { method: "GET", url });
    expect(first.statusCode).toBe(200);
    expect(first.headers["content-type"]).toContain("text/calendar");
    const cal = new ICAL.Component(ICAL.parse(first.body));
    expect(cal.getFirstSubcomponent("vtimezone")?.getFirstPropertyValue("tzid")).toBe("America/New_York");
    const events = cal.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
    // The technician has days 0, 2, 4… : 2, 4, 6, 8 (the 23-hour day), 10, 12, 14 March.
    const spans = events.map((e) => [
      e.startDate.toJSDate().toISOString(),
      e.endDate.toJSDate().toISOString(),
    ]);
    expect(spans).toContainEqual(["2026-03-08T13:00:00.000Z", "2026-03-09T13:00:00.000Z"]);
    expect(spans).toContainEqual(["2026-03-02T14:00:00.000Z", "2026-03-03T14:00:00.000Z"]);
    const again = await request(t, tenant.people.technician, { method: "GET", url });
    const uids = (body: string) =>
      new ICAL.Component(ICAL.parse(body))
        .getAllSubcomponents("vevent")
        .map((v) => v.getFirstPropertyValue("uid"));
    expect(uids(again.body)).toEqual(uids(first.body));
    // Someone else's shifts are for the schedule's keepers only.
    const other = `/api/v1/organizations/${tenant.providerOrgId}/people/${tenant.people.senior_technician.userId}/oncall.ics`;
    expect((await request(t, tenant.people.technician, { method: "GET", url: other })).statusCode).toBe(403);
    expect((await request(t, tenant.people.providerAdmin, { method: "GET", url: other })).statusCode).toBe(
      200,
    );
  });
});
