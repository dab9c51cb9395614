import ICAL from "ical.js";
import { afterEach, describe, expect, it } from "vitest";
import { type CalendarShift, renderShiftsCalendar } from "./oncall.ics.ts";
import { shiftsBetween } from "./oncall.rotation.ts";

// Everything is read back with ical.js, an independent parser, never from ical-generator's objects.

const NEW_YORK = "America/New_York";
const LONDON = "Europe/London";
const NOW = Date.UTC(2026, 2, 1, 12, 30, 5);
const at = (iso: string) => new Date(iso).getTime();

const shift = (over: Partial<CalendarShift> = {}): CalendarShift => ({
  layer: 1,
  userId: "ann",
  start: at("2026-06-10T13:00Z"),
  end: at("2026-06-11T13:00Z"),
  rotationId: "rot-1",
  overrideId: null,
  scheduleId: "sched-1",
  scheduleName: "Northwind service desk",
  layerName: "primary",
  ...over,
});

const render = (shifts: CalendarShift[], over: Partial<Parameters<typeof renderShiftsCalendar>[0]> = {}) =>
  renderShiftsCalendar({
    personName: "Ann Example",
    timeZone: NEW_YORK,
    publicUrl: "https://liaison.example/",
    calendarName: "Ann's on-call shifts",
    shifts,
    now: NOW,
    ...over,
  });

/** Parses with ical.js and registers the file's own VTIMEZONEs, so TZID times convert by them. */
function parse(ics: string): ICAL.Component {
  const root = new ICAL.Component(ICAL.parse(ics));
  for (const vtz of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(vtz);
  return root;
}

afterEach(() => ICAL.TimezoneService.reset());

const vevents = (root: ICAL.Component) => root.getAllSubcomponents("vevent");
const uids = (root: ICAL.Component) => vevents(root).map((v) => String(v.getFirstPropertyValue("uid")));

/** The instant of a date-time property, asserting ical.js resolved it in UTC or in its TZID. */
function instantOf(v: ICAL.Component, name: string): number {
  const p = v.getFirstProperty(name)!;
  const t = p.getFirstValue() as ICAL.Time;
  expect(t.zone?.tzid).toBe(p.getParameter("tzid") ?? "UTC");
  return t.toUnixTime() * 1000;
}

/** [TZID or "UTC", the time as written]. */
const local = (v: ICAL.Component, name: string) => {
  const p = v.getFirstProperty(name)!;
  return [String(p.getParameter("tzid") ?? "UTC"), (p.getFirstValue() as ICAL.Time).toString()];
};

describe("the on-call calendar", () => {
  it("publishes one event per shift, with the summary, link and UTC DTSTAMP", () => {
    const root = parse(
      render([shift(), shift({ start: at("2026-06-12T13:00Z"), end: at("2026-06-13T13:00Z") })]),
    );
    expect(root.getFirstPropertyValue("method")).toBe("PUBLISH");
    expect(root.getFirstPropertyValue("x-wr-calname")).toBe("Ann's on-call shifts");
    const events = vevents(root);
    expect(events).toHaveLength(2);
    const v = events[0]!;
    expect(v.getFirstPropertyValue("summary")).toBe("On call (primary): Northwind service desk");
    expect(v.getFirstPropertyValue("url")).toBe("https://liaison.example/oncall");
    expect(String(v.getFirstPropertyValue("description"))).toContain("Ann Example is on call (primary)");
    expect(v.getFirstPropertyValue("transp")).toBe("TRANSPARENT");
    const stamp = v.getFirstPropertyValue("dtstamp") as ICAL.Time;
    expect(stamp.zone).toBe(ICAL.Timezone.utcTimezone);
    expect(stamp.toUnixTime() * 1000).toBe(NOW);
    expect(local(v, "dtstart")).toEqual([NEW_YORK, "2026-06-10T09:00:00"]);
    expect(instantOf(v, "dtstart")).toBe(at("2026-06-10T13:00Z"));
    expect(instantOf(v, "dtend")).toBe(at("2026-06-11T13:00Z"));
  });

  it("includes exactly one VTIMEZONE, for the schedule's zone, spelled canonically", () => {
    const root = parse(
      render([shift(), shift({ start: at("2026-06-12T13:00Z") })], { timeZone: "america/new_york" }),
    );
    expect(root.getAllSubcomponents("vtimezone").map((z) => z.getFirstPropertyValue("tzid"))).toEqual([
      NEW_YORK,
    ]);
  });

  it("writes shifts crossing DST changes as local times that convert back to the right instants", () => {
    // Daily 09:00 handoffs in New York: 23 hours over 8 March, 25 hours over 1 November.
    const cases: Array<[string, string, string, string, string]> = [
      [NEW_YORK, "2026-03-07T14:00Z", "2026-03-08T13:00Z", "2026-03-07T09:00:00", "2026-03-08T09:00:00"],
      [NEW_YORK, "2026-10-31T13:00Z", "2026-11-01T14:00Z", "2026-10-31T09:00:00", "2026-11-01T09:00:00"],
      // Weekly Monday 10:00 in London over 29 March (BST begins).
      [LONDON, "2026-03-23T10:00Z", "2026-03-30T09:00Z", "2026-03-23T10:00:00", "2026-03-30T10:00:00"],
    ];
    for (const [zone, start, end, wallStart, wallEnd] of cases) {
      const root = parse(render([shift({ start: at(start), end: at(end) })], { timeZone: zone }));
      const v = vevents(root)[0]!;
      expect(local(v, "dtstart")).toEqual([zone, wallStart]);
      expect(local(v, "dtend")).toEqual([zone, wallEnd]);
      expect(instantOf(v, "dtstart")).toBe(at(start));
      expect(instantOf(v, "dtend")).toBe(at(end));
      ICAL.TimezoneService.reset();
    }
  });

  it("writes a shift that starts in the repeated autumn hour in UTC, as clients read it differently", () => {
    // A 01:30 handoff on 1 November 2026 is the first 01:30 (EDT).
    const root = parse(render([shift({ start: at("2026-11-01T05:30Z"), end: at("2026-11-02T06:30Z") })]));
    const v = vevents(root)[0]!;
    expect(local(v, "dtstart")[0]).toBe("UTC");
    expect(instantOf(v, "dtstart")).toBe(at("2026-11-01T05:30Z"));
    expect(instantOf(v, "dtend")).toBe(at("2026-11-02T06:30Z"));
  });

  it("renders what shiftsBetween computes, instant for instant", () => {
    const spec = {
      timeZone: NEW_YORK,
      rotations: [
        {
          id: "rot-1",
          name: "Primary",
          layer: 1,
          participants: ["ann", "bob"],
          start: "2026-03-01T09:00",
          every: 1,
          unit: "day" as const,
          restrictions: [],
          end: null,
        },
      ],
      overrides: [
        {
          id: "ovr-1",
          layer: 1,
          userId: "ann",
          start: at("2026-03-08T20:00Z"),
          end: at("2026-03-08T22:00Z"),
        },
      ],
    };
    const mine = shiftsBetween(spec, at("2026-03-05T00:00Z"), at("2026-03-12T00:00Z"))
      .filter((s) => s.userId === "ann")
      .map((s) => ({ ...s, scheduleId: "sched-1", scheduleName: "Northwind", layerName: "primary" }));
    const events = vevents(parse(render(mine)));
    expect(events.map((v) => [instantOf(v, "dtstart"), instantOf(v, "dtend")])).toEqual(
      mine.map((s) => [s.start, s.end]),
    );
    expect(
      String(
        events
          .find((v) => instantOf(v, "dtstart") === at("2026-03-08T20:00Z"))!
          .getFirstPropertyValue("description"),
      ),
    ).toContain("override");
  });

  it("keeps UIDs stable between renders and derives them from schedule, layer, source and start", () => {
    const shifts = [
      shift(),
      shift({ start: at("2026-06-12T13:00Z"), end: at("2026-06-13T13:00Z") }),
      shift({
        rotationId: null,
        overrideId: "ovr-1",
        start: at("2026-06-14T15:00Z"),
        end: at("2026-06-14T17:00Z"),
      }),
    ];
    const first = uids(parse(render(shifts)));
    expect(first).toHaveLength(3);
    expect(new Set(first).size).toBe(3);
    for (const uid of first) expect(uid).toMatch(/^oncall-[0-9a-f]{40}@liaison\.example$/);
    // Another day, another order, a shift lengthened at its end: the same UIDs.
    const again = uids(
      parse(
        render([shifts[2]!, shifts[1]!, { ...shifts[0]!, end: at("2026-06-11T15:00Z") }], {
          now: NOW + 86_400_000,
        }),
      ),
    );
    expect(again).toEqual([first[2], first[1], first[0]]);
    // Anything that identifies a different shift changes it.
    for (const other of [
      shift({ scheduleId: "sched-2" }),
      shift({ layer: 2 }),
      shift({ rotationId: "rot-2" }),
      shift({ start: at("2026-06-10T14:00Z") }),
    ]) {
      expect(uids(parse(render([other])))[0]).not.toBe(first[0]);
    }
  });

  it("does not depend on the server's own time zone", () => {
    const shifts = [shift({ start: at("2026-03-07T14:00Z"), end: at("2026-03-08T13:00Z") })];
    const inUtc = render(shifts);
    const saved = process.env.TZ;
    try {
      process.env.TZ = "Asia/Tokyo";
      expect(new Date(Date.UTC(2026, 0, 1, 0)).getHours()).toBe(9);
      expect(render(shifts)).toBe(inUtc);
    } finally {
      process.env.TZ = saved;
    }
  });
});
