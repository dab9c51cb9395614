import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import type { Weekday } from "../../core/time/calendar.ts";
import {
  formatLocalDateTime,
  gapsBetween,
  layersOf,
  onCallAt,
  parseLocalDateTime,
  rotationProblems,
  shiftsBetween,
  type OverrideSpec,
  type Restriction,
  type RotationSpec,
  type ScheduleSpec,
  type Shift,
} from "./oncall.rotation.ts";

const H = 3_600_000;
const DAY = 24 * H;
const NEW_YORK = "America/New_York";
const LONDON = "Europe/London";
const SYDNEY = "Australia/Sydney";
const KOLKATA = "Asia/Kolkata";

/** An instant from an ISO string with its Z, e.g. at("2026-03-08T13:00Z"). */
const at = (iso: string) => new Date(iso).getTime();

const rotation = (over: Partial<RotationSpec> = {}): RotationSpec => ({
  id: "r1",
  name: "Primary",
  layer: 1,
  participants: ["ann", "bob", "cat"],
  start: "2026-03-01T09:00",
  every: 1,
  unit: "day",
  restrictions: [],
  end: null,
  ...over,
});

const schedule = (
  timeZone: string,
  rotations: RotationSpec[],
  overrides: OverrideSpec[] = [],
): ScheduleSpec => ({ timeZone, rotations, overrides });

/** An expected shift; rotation "r1" unless told otherwise. */
const shift = (
  userId: string,
  start: string,
  end: string,
  source: { rotationId?: string | null; overrideId?: string | null; layer?: number } = {},
): Shift => ({
  layer: source.layer ?? 1,
  userId,
  start: at(start),
  end: at(end),
  rotationId: source.overrideId ? null : (source.rotationId ?? "r1"),
  overrideId: source.overrideId ?? null,
});

/** The local wall time of an instant, by luxon (which shares nothing with Liaison's zone tables). */
const wall = (t: number, zone: string) => DateTime.fromMillis(t, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");

/** Shifts follow each other without gaps or overlaps. */
function expectContiguous(shifts: Shift[]): void {
  for (let i = 1; i < shifts.length; i++) expect(shifts[i]!.start).toBe(shifts[i - 1]!.end);
}

const WEEKDAYS_MON_FRI: Weekday[] = ["mon", "tue", "wed", "thu", "fri"];
const businessHours: Restriction[] = [{ days: WEEKDAYS_MON_FRI, from: "08:00", to: "18:00" }];
/** "Only outside business hours", as people first write it: weeknights plus the weekend. */
const outsideBusinessHours: Restriction[] = [
  { days: WEEKDAYS_MON_FRI, from: "18:00", to: "08:00" },
  { days: ["sat", "sun"], from: "00:00", to: "00:00" },
];

describe("local date-times", () => {
  it("parses strict YYYY-MM-DDTHH:MM into wall ms and formats it back", () => {
    expect(parseLocalDateTime("2026-03-02T09:00")).toBe(Date.UTC(2026, 2, 2, 9));
    expect(parseLocalDateTime("2028-02-29T23:59")).toBe(Date.UTC(2028, 1, 29, 23, 59));
    expect(formatLocalDateTime(Date.UTC(2026, 2, 2, 9))).toBe("2026-03-02T09:00");
    expect(formatLocalDateTime(parseLocalDateTime("2026-11-01T01:30")!)).toBe("2026-11-01T01:30");
  });

  it("rejects what is not a real local date-time", () => {
    for (const bad of [
      "2026-02-29T09:00",
      "2026-13-01T09:00",
      "2026-03-02T24:00",
      "2026-03-02T09:60",
      "2026-03-02 09:00",
      "2026-03-02T09:00:00",
      "2026-03-02T9:00",
      "2026-03-02",
      "0026-03-02T09:00",
      "",
    ]) {
      expect(parseLocalDateTime(bad), bad).toBeUndefined();
    }
  });
});

describe("daily handoffs across DST in New York", () => {
  const spec = schedule(NEW_YORK, [rotation()]);

  it("keeps the handoff at 09:00 local through the spring-forward day: a 23-hour shift", () => {
    const shifts = shiftsBetween(spec, at("2026-03-06T14:00Z"), at("2026-03-10T13:00Z"));
    // 1 March is shift 0 (ann); 6 March is shift 5.
    expect(shifts).toEqual([
      shift("cat", "2026-03-06T14:00Z", "2026-03-07T14:00Z"),
      shift("ann", "2026-03-07T14:00Z", "2026-03-08T13:00Z"),
      shift("bob", "2026-03-08T13:00Z", "2026-03-09T13:00Z"),
      shift("cat", "2026-03-09T13:00Z", "2026-03-10T13:00Z"),
    ]);
    expect(shifts.map((s) => (s.end - s.start) / H)).toEqual([24, 23, 24, 24]);
    for (const s of shifts) expect(wall(s.start, NEW_YORK).slice(11)).toBe("09:00");
    expectContiguous(shifts);
    expect(gapsBetween(spec, at("2026-03-06T14:00Z"), at("2026-03-10T13:00Z"))).toEqual([]);
  });

  it("keeps the handoff at 09:00 local through the fall-back day: a 25-hour shift", () => {
    const shifts = shiftsBetween(spec, at("2026-10-30T13:00Z"), at("2026-11-03T14:00Z"));
    // 30 October is 243 days after 1 March: shift 243, ann again.
    expect(shifts).toEqual([
      shift("ann", "2026-10-30T13:00Z", "2026-10-31T13:00Z"),
      shift("bob", "2026-10-31T13:00Z", "2026-11-01T14:00Z"),
      shift("cat", "2026-11-01T14:00Z", "2026-11-02T14:00Z"),
      shift("ann", "2026-11-02T14:00Z", "2026-11-03T14:00Z"),
    ]);
    expect(shifts.map((s) => (s.end - s.start) / H)).toEqual([24, 25, 24, 24]);
    for (const s of shifts) expect(wall(s.start, NEW_YORK).slice(11)).toBe("09:00");
    expectContiguous(shifts);
  });

  it("moves a handoff at 02:30 to 03:00 on the spring-forward day, and back to 02:30 after", () => {
    const spec = schedule(NEW_YORK, [rotation({ start: "2026-03-06T02:30" })]);
    const shifts = shiftsBetween(spec, at("2026-03-06T07:30Z"), at("2026-03-10T06:30Z"));
    expect(shifts).toEqual([
      shift("ann", "2026-03-06T07:30Z", "2026-03-07T07:30Z"), // 02:30 EST
      shift("bob", "2026-03-07T07:30Z", "2026-03-08T07:00Z"), // until 03:00 EDT: 02:30 does not exist
      shift("cat", "2026-03-08T07:00Z", "2026-03-09T06:30Z"), // until 02:30 EDT
      shift("ann", "2026-03-09T06:30Z", "2026-03-10T06:30Z"),
    ]);
    expect(shifts.map((s) => wall(s.start, NEW_YORK).slice(11))).toEqual([
      "02:30",
      "02:30",
      "03:00",
      "02:30",
    ]);
  });

  it("hands off at the first 01:30 on the fall-back day, and at 01:30 EST the day after", () => {
    const spec = schedule(NEW_YORK, [rotation({ start: "2026-10-30T01:30" })]);
    const shifts = shiftsBetween(spec, at("2026-10-30T05:30Z"), at("2026-11-03T06:30Z"));
    expect(shifts).toEqual([
      shift("ann", "2026-10-30T05:30Z", "2026-10-31T05:30Z"),
      shift("bob", "2026-10-31T05:30Z", "2026-11-01T05:30Z"), // 01:30 EDT, the first of the two
      shift("cat", "2026-11-01T05:30Z", "2026-11-02T06:30Z"), // 25 hours, until 01:30 EST
      shift("ann", "2026-11-02T06:30Z", "2026-11-03T06:30Z"),
    ]);
    // 06:10Z reads 01:10 (EST), earlier on the clock than the 01:30 (EDT) handoff it comes after.
    expect(shiftsBetween(spec, at("2026-11-01T06:10Z"), at("2026-11-01T07:00Z"))).toEqual([
      shift("cat", "2026-11-01T06:10Z", "2026-11-01T07:00Z"),
    ]);
    expect(onCallAt(spec, at("2026-11-01T06:10Z"))).toEqual([
      shift("cat", "2026-11-01T05:30Z", "2026-11-02T06:30Z"),
    ]);
  });
});

describe("weekly handoffs in other zones", () => {
  it("London: a 167-hour week over 29 March and a 169-hour week over 25 October", () => {
    const spec = schedule(LONDON, [
      rotation({ participants: ["ann", "bob"], start: "2026-03-02T10:00", unit: "week" }),
    ]);
    expect(shiftsBetween(spec, at("2026-03-23T10:00Z"), at("2026-04-06T09:00Z"))).toEqual([
      shift("bob", "2026-03-23T10:00Z", "2026-03-30T09:00Z"), // 10:00 GMT → 10:00 BST
      shift("ann", "2026-03-30T09:00Z", "2026-04-06T09:00Z"),
    ]);
    // 19 October is 33 weeks after 2 March.
    expect(shiftsBetween(spec, at("2026-10-19T09:00Z"), at("2026-11-02T10:00Z"))).toEqual([
      shift("bob", "2026-10-19T09:00Z", "2026-10-26T10:00Z"), // 10:00 BST → 10:00 GMT
      shift("ann", "2026-10-26T10:00Z", "2026-11-02T10:00Z"),
    ]);
  });

  it("Sydney: summer time ends on 5 April and starts on 4 October 2026", () => {
    const spec = schedule(SYDNEY, [rotation({ start: "2026-03-04T08:00", unit: "week" })]);
    // Wednesday 1 April is week 4 (bob).
    const april = shiftsBetween(spec, at("2026-03-31T21:00Z"), at("2026-04-14T22:00Z"));
    expect(april).toEqual([
      shift("bob", "2026-03-31T21:00Z", "2026-04-07T22:00Z"), // 08:00 AEDT (+11) → 08:00 AEST (+10)
      shift("cat", "2026-04-07T22:00Z", "2026-04-14T22:00Z"),
    ]);
    expect(april.map((s) => (s.end - s.start) / H)).toEqual([169, 168]);
    // Wednesday 30 September is week 30 (ann).
    const october = shiftsBetween(spec, at("2026-09-29T22:00Z"), at("2026-10-13T21:00Z"));
    expect(october).toEqual([
      shift("ann", "2026-09-29T22:00Z", "2026-10-06T21:00Z"), // 08:00 AEST → 08:00 AEDT
      shift("bob", "2026-10-06T21:00Z", "2026-10-13T21:00Z"),
    ]);
    expect(october.map((s) => (s.end - s.start) / H)).toEqual([167, 168]);
  });

  it("Kolkata: +05:30 all year, every two weeks, clipped to the range", () => {
    const spec = schedule(KOLKATA, [
      rotation({ participants: ["ann", "bob"], start: "2026-01-05T09:00", every: 2, unit: "week" }),
    ]);
    const shifts = shiftsBetween(spec, at("2026-03-01T00:00Z"), at("2026-04-30T00:00Z"));
    expect(shifts).toEqual([
      shift("bob", "2026-03-01T00:00Z", "2026-03-02T03:30Z"),
      shift("ann", "2026-03-02T03:30Z", "2026-03-16T03:30Z"),
      shift("bob", "2026-03-16T03:30Z", "2026-03-30T03:30Z"),
      shift("ann", "2026-03-30T03:30Z", "2026-04-13T03:30Z"),
      shift("bob", "2026-04-13T03:30Z", "2026-04-27T03:30Z"),
      shift("ann", "2026-04-27T03:30Z", "2026-04-30T00:00Z"),
    ]);
  });
});

describe("hourly handoffs", () => {
  it("every 12 hours is 12 elapsed hours across both DST changes, so the local time drifts", () => {
    const spring = schedule(NEW_YORK, [
      rotation({ participants: ["ann", "bob"], start: "2026-03-07T20:00", every: 12, unit: "hour" }),
    ]);
    const shifts = shiftsBetween(spring, at("2026-03-08T01:00Z"), at("2026-03-09T13:00Z"));
    expect(shifts).toEqual([
      shift("ann", "2026-03-08T01:00Z", "2026-03-08T13:00Z"),
      shift("bob", "2026-03-08T13:00Z", "2026-03-09T01:00Z"),
      shift("ann", "2026-03-09T01:00Z", "2026-03-09T13:00Z"),
    ]);
    expect(shifts.map((s) => wall(s.start, NEW_YORK).slice(11))).toEqual(["20:00", "09:00", "21:00"]);

    const autumn = schedule(NEW_YORK, [
      rotation({ participants: ["ann", "bob"], start: "2026-10-31T20:00", every: 12, unit: "hour" }),
    ]);
    const fall = shiftsBetween(autumn, at("2026-11-01T00:00Z"), at("2026-11-02T00:00Z"));
    expect(fall).toEqual([
      shift("ann", "2026-11-01T00:00Z", "2026-11-01T12:00Z"),
      shift("bob", "2026-11-01T12:00Z", "2026-11-02T00:00Z"),
    ]);
    expect(fall.map((s) => wall(s.start, NEW_YORK).slice(11))).toEqual(["20:00", "07:00"]);
  });
});

describe("restrictions", () => {
  it("“only outside business hours” as weeknights plus the weekend leaves Monday 00:00–08:00 open", () => {
    const spec = schedule(NEW_YORK, [
      rotation({
        participants: ["ann"],
        start: "2026-06-01T09:00",
        unit: "week",
        restrictions: outsideBusinessHours,
      }),
    ]);
    // Monday 8 June 00:00 EDT to Monday 15 June 00:00 EDT.
    const from = at("2026-06-08T04:00Z");
    const to = at("2026-06-15T04:00Z");
    expect(shiftsBetween(spec, from, to)).toEqual([
      shift("ann", "2026-06-08T22:00Z", "2026-06-09T12:00Z"), // Mon 18:00 → Tue 08:00
      shift("ann", "2026-06-09T22:00Z", "2026-06-10T12:00Z"),
      shift("ann", "2026-06-10T22:00Z", "2026-06-11T12:00Z"),
      shift("ann", "2026-06-11T22:00Z", "2026-06-12T12:00Z"),
      // Friday 18:00 runs on into the weekend, which ends at Monday 00:00.
      shift("ann", "2026-06-12T22:00Z", "2026-06-15T04:00Z"),
    ]);
    // The weekend's windows end at Monday 00:00, and Monday's night window starts at 18:00.
    expect(gapsBetween(spec, from, to)).toEqual([
      { start: at("2026-06-08T04:00Z"), end: at("2026-06-08T22:00Z") }, // Mon 00:00–18:00
      { start: at("2026-06-09T12:00Z"), end: at("2026-06-09T22:00Z") },
      { start: at("2026-06-10T12:00Z"), end: at("2026-06-10T22:00Z") },
      { start: at("2026-06-11T12:00Z"), end: at("2026-06-11T22:00Z") },
      { start: at("2026-06-12T12:00Z"), end: at("2026-06-12T22:00Z") },
    ]);
  });

  it("clips a handoff's shifts to the windows, by the person whose shift it is", () => {
    // Daily 09:00 handoffs (ann, bob, cat from Monday 1 June); windows 18:00 → 08:00 weeknights.
    const spec = schedule(NEW_YORK, [
      rotation({
        start: "2026-06-01T09:00",
        restrictions: [{ days: WEEKDAYS_MON_FRI, from: "18:00", to: "08:00" }],
      }),
    ]);
    expect(shiftsBetween(spec, at("2026-06-01T13:00Z"), at("2026-06-04T13:00Z"))).toEqual([
      shift("ann", "2026-06-01T22:00Z", "2026-06-02T12:00Z"),
      shift("bob", "2026-06-02T22:00Z", "2026-06-03T12:00Z"),
      shift("cat", "2026-06-03T22:00Z", "2026-06-04T12:00Z"),
    ]);
  });

  it("a night window is 7 hours across the spring-forward night and 9 across the fall-back night", () => {
    const every: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    const spec = schedule(NEW_YORK, [
      rotation({ participants: ["ann", "bob"], restrictions: [{ days: every, from: "22:00", to: "06:00" }] }),
    ]);
    // Saturday 7 March 00:00 EST to Monday 9 March 00:00 EDT.
    expect(shiftsBetween(spec, at("2026-03-07T05:00Z"), at("2026-03-09T04:00Z"))).toEqual([
      shift("bob", "2026-03-07T05:00Z", "2026-03-07T11:00Z"), // Friday night's window, to 06:00 EST
      shift("ann", "2026-03-08T03:00Z", "2026-03-08T10:00Z"), // 22:00 EST → 06:00 EDT
      shift("bob", "2026-03-09T02:00Z", "2026-03-09T04:00Z"), // 22:00 EDT → end of range
    ]);
    // 31 October 22:00 EDT → 1 November 06:00 EST.
    const fall = shiftsBetween(spec, at("2026-10-31T12:00Z"), at("2026-11-01T18:00Z"));
    expect(fall.map((s) => [s.start, s.end])).toEqual([[at("2026-11-01T02:00Z"), at("2026-11-01T11:00Z")]]);
    expect((fall[0]!.end - fall[0]!.start) / H).toBe(9);
  });

  it("moves a window edge in the skipped hour to 03:00 and drops a window wholly inside it", () => {
    const spec = schedule(NEW_YORK, [
      rotation({
        participants: ["ann"],
        restrictions: [
          { days: ["sun"], from: "02:30", to: "04:00" },
          { days: ["sun"], from: "02:10", to: "02:50" },
        ],
      }),
    ]);
    expect(shiftsBetween(spec, at("2026-03-08T00:00Z"), at("2026-03-09T00:00Z"))).toEqual([
      shift("ann", "2026-03-08T07:00Z", "2026-03-08T08:00Z"),
    ]);
    // A week later the same windows are 02:10–04:00 EDT, merged.
    expect(shiftsBetween(spec, at("2026-03-15T00:00Z"), at("2026-03-16T00:00Z"))).toEqual([
      shift("ann", "2026-03-15T06:10Z", "2026-03-15T08:00Z"),
    ]);
  });

  it("a window from 00:00 to 24:00 is the whole day, like from == to", () => {
    const a = schedule(LONDON, [
      rotation({ participants: ["ann"], restrictions: [{ days: ["sun"], from: "00:00", to: "24:00" }] }),
    ]);
    const b = schedule(LONDON, [
      rotation({ participants: ["ann"], restrictions: [{ days: ["sun"], from: "00:00", to: "00:00" }] }),
    ]);
    // Sunday 29 March 2026 has 23 hours in London.
    const expected = [shift("ann", "2026-03-29T00:00Z", "2026-03-29T23:00Z")];
    expect(shiftsBetween(a, at("2026-03-27T00:00Z"), at("2026-04-01T00:00Z"))).toEqual(expected);
    expect(shiftsBetween(b, at("2026-03-27T00:00Z"), at("2026-04-01T00:00Z"))).toEqual(expected);
  });
});

describe("layering within a layer", () => {
  const daytime = rotation({
    id: "day",
    participants: ["ann", "bob"],
    start: "2026-02-23T08:00",
    unit: "week",
    restrictions: businessHours,
  });
  const nights = rotation({
    id: "night",
    participants: ["cat", "dan"],
    start: "2026-02-23T08:00",
    unit: "week",
    // The weekend's windows end at Monday 00:00, so Monday's early hours are named too.
    restrictions: [...outsideBusinessHours, { days: ["mon"], from: "00:00", to: "08:00" }],
  });

  it("a business-hours and an after-hours rotation together cover every hour, DST week included", () => {
    const spec = schedule(NEW_YORK, [daytime, nights]);
    const from = at("2026-03-02T05:00Z");
    const to = at("2026-04-06T04:00Z");
    expect(gapsBetween(spec, from, to)).toEqual([]);
    const shifts = shiftsBetween(spec, from, to);
    expectContiguous(shifts);
    // Handoffs on Monday at 08:00: until then it is still the first week's night shift (cat).
    expect(shifts[0]).toEqual(
      shift("cat", "2026-03-02T05:00Z", "2026-03-02T13:00Z", { rotationId: "night" }),
    );
    expect(shifts[1]).toEqual(shift("bob", "2026-03-02T13:00Z", "2026-03-02T23:00Z", { rotationId: "day" }));
    // Friday 6 March 18:00 EST to Monday 9 March 08:00 EDT: one stretch of 61 hours.
    expect(shifts).toContainEqual(
      shift("dan", "2026-03-06T23:00Z", "2026-03-09T12:00Z", { rotationId: "night" }),
    );
    // The third week belongs to ann and cat again.
    expect(onCallAt(spec, at("2026-03-10T15:00Z"))[0]!.userId).toBe("ann");
    expect(onCallAt(spec, at("2026-03-10T03:00Z"))[0]!.userId).toBe("cat");
  });

  it("without the after-hours rotation, gapsBetween reports exactly the hours outside business hours", () => {
    const spec = schedule(NEW_YORK, [daytime]);
    // Monday 2 March 00:00 EST to Monday 9 March 00:00 EDT: the week with the spring-forward Sunday.
    expect(gapsBetween(spec, at("2026-03-02T05:00Z"), at("2026-03-09T04:00Z"))).toEqual([
      { start: at("2026-03-02T05:00Z"), end: at("2026-03-02T13:00Z") },
      { start: at("2026-03-02T23:00Z"), end: at("2026-03-03T13:00Z") },
      { start: at("2026-03-03T23:00Z"), end: at("2026-03-04T13:00Z") },
      { start: at("2026-03-04T23:00Z"), end: at("2026-03-05T13:00Z") },
      { start: at("2026-03-05T23:00Z"), end: at("2026-03-06T13:00Z") },
      { start: at("2026-03-06T23:00Z"), end: at("2026-03-09T04:00Z") },
    ]);
  });

  it("a later rotation takes precedence where both are on duty; the earlier one fills the rest", () => {
    const base = rotation({ id: "base", participants: ["ann"], unit: "week" });
    const wednesdays = rotation({
      id: "wed",
      participants: ["bob"],
      unit: "week",
      restrictions: [{ days: ["wed"], from: "09:00", to: "17:00" }],
    });
    const from = at("2026-06-10T00:00Z");
    const to = at("2026-06-11T00:00Z");
    expect(shiftsBetween(schedule(LONDON, [base, wednesdays]), from, to)).toEqual([
      shift("ann", "2026-06-10T00:00Z", "2026-06-10T08:00Z", { rotationId: "base" }),
      shift("bob", "2026-06-10T08:00Z", "2026-06-10T16:00Z", { rotationId: "wed" }),
      shift("ann", "2026-06-10T16:00Z", "2026-06-11T00:00Z", { rotationId: "base" }),
    ]);
    // Listed the other way round, the always-on rotation hides the Wednesday one.
    expect(shiftsBetween(schedule(LONDON, [wednesdays, base]), from, to)).toEqual([
      shift("ann", "2026-06-10T00:00Z", "2026-06-11T00:00Z", { rotationId: "base" }),
    ]);
  });

  it("merges back-to-back shifts of the same person from the same rotation", () => {
    const spec = schedule(NEW_YORK, [rotation({ participants: ["ann", "ann", "bob"] })]);
    expect(shiftsBetween(spec, at("2026-03-01T14:00Z"), at("2026-03-04T14:00Z"))).toEqual([
      shift("ann", "2026-03-01T14:00Z", "2026-03-03T14:00Z"),
      shift("bob", "2026-03-03T14:00Z", "2026-03-04T14:00Z"),
    ]);
  });
});

describe("overrides", () => {
  // Daily 09:00 EDT handoffs: 10 June is shift 101 (cat), 11 June ann, 12 June bob.
  const base = rotation();
  const swap = (id: string, userId: string, start: string, end: string, layer = 1): OverrideSpec => ({
    id,
    layer,
    userId,
    start: at(start),
    end: at(end),
  });

  it("a one-off swap replaces part of a shift, which resumes afterwards", () => {
    const spec = schedule(NEW_YORK, [base], [swap("o1", "dan", "2026-06-10T16:00Z", "2026-06-10T20:00Z")]);
    expect(shiftsBetween(spec, at("2026-06-10T13:00Z"), at("2026-06-11T13:00Z"))).toEqual([
      shift("cat", "2026-06-10T13:00Z", "2026-06-10T16:00Z"),
      shift("dan", "2026-06-10T16:00Z", "2026-06-10T20:00Z", { overrideId: "o1" }),
      shift("cat", "2026-06-10T20:00Z", "2026-06-11T13:00Z"),
    ]);
    expect(onCallAt(spec, at("2026-06-10T18:00Z"))).toEqual([
      shift("dan", "2026-06-10T16:00Z", "2026-06-10T20:00Z", { overrideId: "o1" }),
    ]);
  });

  it("an override spanning a handoff covers the end of one shift and the start of the next", () => {
    const spec = schedule(NEW_YORK, [base], [swap("o1", "dan", "2026-06-11T10:00Z", "2026-06-11T16:00Z")]);
    expect(shiftsBetween(spec, at("2026-06-10T13:00Z"), at("2026-06-12T13:00Z"))).toEqual([
      shift("cat", "2026-06-10T13:00Z", "2026-06-11T10:00Z"),
      shift("dan", "2026-06-11T10:00Z", "2026-06-11T16:00Z", { overrideId: "o1" }),
      shift("ann", "2026-06-11T16:00Z", "2026-06-12T13:00Z"),
    ]);
  });

  it("of overlapping overrides the later one wins", () => {
    const first = swap("o1", "dan", "2026-06-12T14:00Z", "2026-06-12T20:00Z");
    const second = swap("o2", "eve", "2026-06-12T16:00Z", "2026-06-12T18:00Z");
    const range = [at("2026-06-12T13:00Z"), at("2026-06-12T22:00Z")] as const;
    expect(shiftsBetween(schedule(NEW_YORK, [base], [first, second]), ...range)).toEqual([
      shift("bob", "2026-06-12T13:00Z", "2026-06-12T14:00Z"),
      shift("dan", "2026-06-12T14:00Z", "2026-06-12T16:00Z", { overrideId: "o1" }),
      shift("eve", "2026-06-12T16:00Z", "2026-06-12T18:00Z", { overrideId: "o2" }),
      shift("dan", "2026-06-12T18:00Z", "2026-06-12T20:00Z", { overrideId: "o1" }),
      shift("bob", "2026-06-12T20:00Z", "2026-06-12T22:00Z"),
    ]);
    // Created the other way round, the longer one hides the shorter one completely.
    expect(shiftsBetween(schedule(NEW_YORK, [base], [second, first]), ...range)).toEqual([
      shift("bob", "2026-06-12T13:00Z", "2026-06-12T14:00Z"),
      shift("dan", "2026-06-12T14:00Z", "2026-06-12T20:00Z", { overrideId: "o1" }),
      shift("bob", "2026-06-12T20:00Z", "2026-06-12T22:00Z"),
    ]);
  });

  it("an override fills a gap of a restricted rotation, and one in an empty layer makes that layer", () => {
    const spec = schedule(
      NEW_YORK,
      [rotation({ participants: ["ann"], restrictions: businessHours })],
      [
        swap("o1", "dan", "2026-06-13T14:00Z", "2026-06-13T16:00Z"),
        swap("o2", "eve", "2026-06-13T15:00Z", "2026-06-13T17:00Z", 3),
      ],
    );
    expect(layersOf(spec)).toEqual([1, 3]);
    expect(gapsBetween(spec, at("2026-06-13T12:00Z"), at("2026-06-13T18:00Z"))).toEqual([
      { start: at("2026-06-13T12:00Z"), end: at("2026-06-13T14:00Z") },
      { start: at("2026-06-13T16:00Z"), end: at("2026-06-13T18:00Z") },
    ]);
    expect(onCallAt(spec, at("2026-06-13T15:30Z"))).toEqual([
      shift("dan", "2026-06-13T14:00Z", "2026-06-13T16:00Z", { overrideId: "o1" }),
      shift("eve", "2026-06-13T15:00Z", "2026-06-13T17:00Z", { overrideId: "o2", layer: 3 }),
    ]);
  });
});

describe("secondary layer", () => {
  const primary = rotation({ id: "p", participants: ["ann", "bob"] });
  const secondary = rotation({
    id: "s",
    layer: 2,
    participants: ["xia", "yan"],
    start: "2026-03-02T10:00",
    unit: "week",
  });
  const spec = schedule(
    NEW_YORK,
    [secondary, primary],
    [{ id: "o1", layer: 1, userId: "dan", start: at("2026-03-10T15:00Z"), end: at("2026-03-10T17:00Z") }],
  );

  it("runs on its own rotation, untouched by the primary's overrides", () => {
    expect(layersOf(spec)).toEqual([1, 2]);
    const t = at("2026-03-10T16:00Z");
    expect(onCallAt(spec, t)).toEqual([
      shift("dan", "2026-03-10T15:00Z", "2026-03-10T17:00Z", { overrideId: "o1" }),
      // Week 1 of the secondary rotation: Monday 9 March 10:00 EDT to Monday 16 March 10:00 EDT.
      shift("yan", "2026-03-09T14:00Z", "2026-03-16T14:00Z", { rotationId: "s", layer: 2 }),
    ]);
    const shifts = shiftsBetween(spec, at("2026-03-10T00:00Z"), at("2026-03-11T00:00Z"));
    // Sorted by layer, then start.
    expect(shifts.map((s) => [s.layer, s.userId])).toEqual([
      [1, "ann"],
      [1, "bob"],
      [1, "dan"],
      [1, "bob"],
      [2, "yan"],
    ]);
    expect(gapsBetween(spec, at("2026-03-02T00:00Z"), at("2026-03-03T00:00Z"), 2)).toEqual([
      { start: at("2026-03-02T00:00Z"), end: at("2026-03-02T15:00Z") },
    ]);
    expect(gapsBetween(spec, at("2026-03-02T00:00Z"), at("2026-03-03T00:00Z"), 4)).toEqual([
      { start: at("2026-03-02T00:00Z"), end: at("2026-03-03T00:00Z") },
    ]);
  });
});

describe("ranges far from the start", () => {
  it("jumps straight to the right shift years after a weekly rotation started", () => {
    const people = ["p0", "p1", "p2", "p3", "p4"];
    const spec = schedule(NEW_YORK, [
      rotation({ participants: people, start: "2020-01-06T09:00", unit: "week" }),
    ]);
    const weeks = (Date.UTC(2026, 2, 2) - Date.UTC(2020, 0, 6)) / (7 * DAY);
    expect(shiftsBetween(spec, at("2026-03-02T14:00Z"), at("2026-03-09T13:00Z"))).toEqual([
      shift(people[weeks % 5]!, "2026-03-02T14:00Z", "2026-03-09T13:00Z"),
    ]);
  });

  it("gives a year of hourly handoffs, 26 years after the start, to the right people", () => {
    const people = ["p0", "p1", "p2", "p3", "p4", "p5", "p6"];
    const spec = schedule(NEW_YORK, [
      rotation({ participants: people, start: "2000-01-01T00:00", unit: "hour" }),
    ]);
    const from = at("2026-01-01T05:00Z");
    const shifts = shiftsBetween(spec, from, at("2027-01-01T05:00Z"));
    expect(shifts).toHaveLength(365 * 24);
    const k0 = (from - Date.UTC(2000, 0, 1, 5)) / H;
    shifts.forEach((s, i) => {
      expect(s.start).toBe(from + i * H);
      expect(s.end - s.start).toBe(H);
      expect(s.userId).toBe(people[(k0 + i) % 7]);
    });
  });

  it("has nobody before the start or after the end", () => {
    const spec = schedule(NEW_YORK, [rotation({ end: "2026-03-10T09:00" })]);
    expect(shiftsBetween(spec, at("2026-02-01T00:00Z"), at("2026-03-01T14:00Z"))).toEqual([]);
    expect(gapsBetween(spec, at("2026-02-01T00:00Z"), at("2026-03-01T14:00Z"))).toEqual([
      { start: at("2026-02-01T00:00Z"), end: at("2026-03-01T14:00Z") },
    ]);
    expect(onCallAt(spec, at("2026-03-01T13:59Z"))).toEqual([]);
    expect(shiftsBetween(spec, at("2026-02-28T00:00Z"), at("2026-03-02T00:00Z"))).toEqual([
      shift("ann", "2026-03-01T14:00Z", "2026-03-02T00:00Z"),
    ]);
    // Ends at 09:00 EDT on 10 March: the last shift is cut there.
    expect(shiftsBetween(spec, at("2026-03-09T00:00Z"), at("2026-03-12T00:00Z"))).toEqual([
      shift("bob", "2026-03-09T00:00Z", "2026-03-09T13:00Z"),
      shift("cat", "2026-03-09T13:00Z", "2026-03-10T13:00Z"),
    ]);
    expect(shiftsBetween(spec, at("2026-04-01T00:00Z"), at("2027-04-01T00:00Z"))).toEqual([]);
    expect(onCallAt(spec, at("2026-03-10T13:00Z"))).toEqual([]);
  });

  it("onCallAt reports the whole stretch around t, not a clipped piece", () => {
    const spec = schedule(NEW_YORK, [rotation()]);
    expect(onCallAt(spec, at("2026-03-08T12:59Z"))).toEqual([
      shift("ann", "2026-03-07T14:00Z", "2026-03-08T13:00Z"),
    ]);
    expect(onCallAt(spec, at("2026-03-08T13:00Z"))).toEqual([
      shift("bob", "2026-03-08T13:00Z", "2026-03-09T13:00Z"),
    ]);
    // One person for five weeks at a time: a stretch longer than the first window looked at.
    const long = schedule(LONDON, [
      rotation({ participants: ["ann", "bob"], start: "2026-01-05T09:00", every: 5, unit: "week" }),
    ]);
    expect(onCallAt(long, at("2026-03-01T00:00Z"))).toEqual([
      shift("bob", "2026-02-09T09:00Z", "2026-03-16T09:00Z"),
    ]);
  });

  it("returns nothing for an empty or reversed range", () => {
    const spec = schedule(NEW_YORK, [rotation()]);
    expect(shiftsBetween(spec, at("2026-03-05T00:00Z"), at("2026-03-05T00:00Z"))).toEqual([]);
    expect(shiftsBetween(spec, at("2026-03-06T00:00Z"), at("2026-03-05T00:00Z"))).toEqual([]);
    expect(gapsBetween(spec, at("2026-03-06T00:00Z"), at("2026-03-05T00:00Z"))).toEqual([]);
    expect(() => shiftsBetween(spec, 0, Infinity)).toThrow(RangeError);
  });
});

describe("rotationProblems", () => {
  it("finds nothing wrong with a good schedule", () => {
    expect(rotationProblems(schedule(NEW_YORK, [rotation({ restrictions: outsideBusinessHours })]))).toEqual(
      [],
    );
  });

  it("names each problem by its path, saying how to fix it", () => {
    const spec = {
      timeZone: "Mars/Olympus_Mons",
      rotations: [
        rotation({ start: "2026-02-30T09:00", every: 0 }),
        rotation({
          layer: 6,
          participants: [],
          start: "2026-03-02T09:00",
          end: "2026-03-01T09:00",
          every: 1.5,
          restrictions: [{ days: [], from: "24:00", to: "25:00" }],
        }),
        rotation({ id: "r3", unit: "hour", every: 24 * 28 + 1, start: "2026-03-02 09:00" }),
        rotation({
          id: "r3",
          unit: "fortnight" as never,
          restrictions: [{ days: ["mon", "Mon" as Weekday], from: "9:00", to: "24:00" }],
        }),
      ],
      overrides: [
        { id: "o1", layer: 1, userId: "ann", start: at("2026-03-02T09:00Z"), end: at("2026-03-03T09:00Z") },
        { id: "o2", layer: 0, userId: "", start: at("2026-03-02T09:00Z"), end: at("2026-03-02T09:00Z") },
      ],
    } satisfies ScheduleSpec;
    const problems = rotationProblems(spec);
    expect(problems.map((p) => p.path)).toEqual([
      "timeZone",
      "rotations.0.start",
      "rotations.0.every",
      "rotations.1.id",
      "rotations.1.layer",
      "rotations.1.participants",
      "rotations.1.end",
      "rotations.1.every",
      "rotations.1.restrictions.0.days",
      "rotations.1.restrictions.0.from",
      "rotations.1.restrictions.0.to",
      "rotations.2.start",
      "rotations.2.every",
      "rotations.3.id",
      "rotations.3.unit",
      "rotations.3.restrictions.0.days.1",
      "rotations.3.restrictions.0.from",
      "overrides.1.layer",
      "overrides.1.userId",
      "overrides.1.end",
    ]);
    const message = (path: string) => problems.find((p) => p.path === path)!.message;
    expect(message("timeZone")).toMatch(/use an IANA name like Europe\/London/);
    expect(message("rotations.0.start")).toBe(
      '"2026-02-30T09:00" is not a local date and time; use one like 2026-03-02T09:00.',
    );
    expect(message("rotations.1.end")).toMatch(/before it starts/);
    expect(message("rotations.2.every")).toMatch(/at most 672 hours/);
    expect(message("rotations.3.id")).toMatch(/already used by rotation 3/);
    expect(message("overrides.1.end")).toMatch(/pick an end after the start/);
    expect(() => shiftsBetween(spec, 0, DAY)).toThrow(/rotations\.0\.start/);
    expect(() => onCallAt(spec, 0)).toThrow(RangeError);
  });

  it("rejects years the zone tables do not support", () => {
    const problems = rotationProblems(schedule(NEW_YORK, [rotation({ start: "1899-12-31T09:00" })]));
    expect(problems).toEqual([{ path: "rotations.0.start", message: expect.stringMatching(/1900 to 2299/) }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const ZONES = [
  NEW_YORK,
  LONDON,
  SYDNEY,
  KOLKATA,
  "Australia/Lord_Howe",
  "America/St_Johns",
  "America/Sao_Paulo",
];
const MIN = 60_000;

/** Handoff wall times, a third of them in the small hours when clocks change. */
const startText = fc
  .tuple(
    fc.integer({ min: Date.UTC(2024, 0, 1) / DAY, max: Date.UTC(2028, 11, 31) / DAY }),
    fc.oneof(
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 1439 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 240 }) },
    ),
  )
  .map(([day, minute]) => formatLocalDateTime(day * DAY + minute * MIN));
const cadence = fc.oneof(
  fc.record({
    unit: fc.constant("hour" as const),
    every: fc.oneof(fc.integer({ min: 1, max: 72 }), fc.integer({ min: 1, max: 672 })),
  }),
  fc.record({ unit: fc.constant("day" as const), every: fc.integer({ min: 1, max: 14 }) }),
  fc.record({ unit: fc.constant("week" as const), every: fc.integer({ min: 1, max: 4 }) }),
);
const singleRotation = fc.record({
  zone: fc.constantFrom(...ZONES),
  start: startText,
  cadence,
  people: fc.integer({ min: 1, max: 4 }),
  // The range starts at least a day after the start's wall time, so after the first handoff.
  offset: fc.integer({ min: DAY, max: 3 * 365 * DAY }),
  length: fc.oneof(fc.integer({ min: 1, max: 3 * DAY }), fc.integer({ min: 1, max: 90 * DAY })),
  probes: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
    minLength: 1,
    maxLength: 5,
  }),
});

describe("properties", () => {
  it("a single unrestricted rotation tiles any range: contiguous, in turn, handing off on time", () => {
    fc.assert(
      fc.property(singleRotation, ({ zone, start, cadence, people, offset, length, probes }) => {
        const participants = Array.from({ length: people }, (_, i) => `p${i}`);
        const spec = schedule(zone, [rotation({ participants, start, ...cadence })]);
        const from = parseLocalDateTime(start)! + offset;
        const to = from + length;
        const shifts = shiftsBetween(spec, from, to);

        expect(shifts.length).toBeGreaterThan(0);
        expect(shifts[0]!.start).toBe(from);
        expect(shifts.at(-1)!.end).toBe(to);
        expectContiguous(shifts);
        if (people === 1) expect(shifts).toHaveLength(1);
        const hhmm = start.slice(11);
        const offsetAt = (t: number) => DateTime.fromMillis(t, { zone }).offset;
        for (let i = 0; i < shifts.length; i++) {
          const s = shifts[i]!;
          expect(s.start).toBeLessThan(s.end);
          expect([s.layer, s.rotationId, s.overrideId]).toEqual([1, "r1", null]);
          if (i === 0) continue;
          // Each handoff passes to the next person in turn...
          const prev = shifts[i - 1]!;
          expect(participants.indexOf(s.userId)).toBe((participants.indexOf(prev.userId) + 1) % people);
          // ...at the start's wall-clock time (or where a gap skips it), or after N elapsed hours.
          if (cadence.unit === "hour") {
            if (i >= 2) expect(s.start - prev.start).toBe(cadence.every * H);
          } else {
            const local = DateTime.fromMillis(s.start, { zone }).toFormat("HH:mm");
            if (local !== hhmm) expect(offsetAt(s.start - 1)).not.toBe(offsetAt(s.start));
            if (i >= 2) {
              const days = DateTime.fromMillis(s.start, { zone })
                .startOf("day")
                .diff(DateTime.fromMillis(prev.start, { zone }).startOf("day"), "days").days;
              expect(Math.round(days)).toBe(cadence.every * (cadence.unit === "week" ? 7 : 1));
            }
          }
        }
        // onCallAt agrees, and reports the stretch that shiftsBetween clipped to the range.
        for (const p of probes) {
          const t = from + Math.floor(p * length);
          const here = shifts.find((s) => s.start <= t && t < s.end)!;
          const now = onCallAt(spec, t);
          expect(now).toHaveLength(1);
          expect(now[0]!.userId).toBe(here.userId);
          expect(Math.max(now[0]!.start, from)).toBe(here.start);
          expect(Math.min(now[0]!.end, to)).toBe(here.end);
        }
      }),
      { numRuns: 400 },
    );
  });

  const clock = fc
    .integer({ min: 0, max: 48 })
    .map((h) => `${String(Math.floor(h / 2)).padStart(2, "0")}:${h % 2 ? "30" : "00"}`);
  const restriction = fc.record({
    days: fc.subarray(["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as Weekday[], { minLength: 1 }),
    from: clock.filter((c) => c !== "24:00"),
    to: clock,
  });
  const layered = fc
    .record({
      zone: fc.constantFrom(...ZONES),
      rotations: fc.array(
        fc.record({
          layer: fc.integer({ min: 1, max: 2 }),
          start: startText,
          cadence,
          people: fc.integer({ min: 1, max: 3 }),
          restrictions: fc.array(restriction, { maxLength: 2 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      from: fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2029, 0, 1) }),
      length: fc.integer({ min: H, max: 21 * DAY }),
    })
    .chain((c) =>
      fc
        .record({
          overrides: fc.array(
            fc.record({
              layer: fc.integer({ min: 1, max: 2 }),
              start: fc.integer({ min: c.from - DAY, max: c.from + c.length }),
              length: fc.integer({ min: 1, max: 3 * DAY }),
            }),
            { maxLength: 3 },
          ),
          probes: fc.array(fc.integer({ min: c.from, max: c.from + c.length - 1 }), {
            minLength: 1,
            maxLength: 40,
          }),
        })
        .map((more) => ({ ...c, ...more })),
    );

  it("layering: at every instant the owner is the top source on duty, as computed alone", () => {
    fc.assert(
      fc.property(layered, (c) => {
        const rotations = c.rotations.map((r, i) =>
          rotation({
            id: `r${i}`,
            layer: r.layer,
            start: r.start,
            ...r.cadence,
            participants: Array.from({ length: r.people }, (_, k) => `r${i}p${k}`),
            restrictions: r.restrictions,
          }),
        );
        const overrides = c.overrides.map((o, i) => ({
          id: `o${i}`,
          layer: o.layer,
          userId: `o${i}person`,
          start: o.start,
          end: o.start + o.length,
        }));
        const spec = schedule(c.zone, rotations, overrides);
        const to = c.from + c.length;
        const all = shiftsBetween(spec, c.from, to);
        // Sorted by layer then start, disjoint within a layer, inside the range, merged.
        for (let i = 0; i < all.length; i++) {
          const s = all[i]!;
          expect(s.start).toBeGreaterThanOrEqual(c.from);
          expect(s.end).toBeLessThanOrEqual(to);
          expect(s.start).toBeLessThan(s.end);
          const prev = all[i - 1];
          if (!prev) continue;
          expect(prev.layer).toBeLessThanOrEqual(s.layer);
          if (prev.layer !== s.layer) continue;
          expect(prev.end).toBeLessThanOrEqual(s.start);
          if (prev.end === s.start) {
            expect([prev.userId, prev.rotationId, prev.overrideId]).not.toEqual([
              s.userId,
              s.rotationId,
              s.overrideId,
            ]);
          }
        }
        // Each source alone, in descending precedence within its layer.
        const alone = (r: RotationSpec) => ({
          id: r.id,
          layer: r.layer,
          shifts: shiftsBetween(schedule(c.zone, [r]), c.from, to),
        });
        const sources = [
          ...overrides
            .map((o) => ({
              id: o.id,
              layer: o.layer,
              shifts: [{ ...o, rotationId: null, overrideId: o.id }],
            }))
            .reverse(),
          ...rotations.map(alone).reverse(),
        ];
        for (const t of c.probes) {
          for (const layer of [1, 2]) {
            const top = sources
              .filter((s) => s.layer === layer)
              .map((s) => s.shifts.find((x) => x.start <= t && t < x.end))
              .find((x) => x !== undefined);
            const got = all.find((s) => s.layer === layer && s.start <= t && t < s.end);
            expect(got?.userId).toBe(top?.userId);
            expect(got?.rotationId ?? got?.overrideId).toBe(top?.rotationId ?? top?.overrideId);
            const gap = gapsBetween(spec, c.from, to, layer).some((g) => g.start <= t && t < g.end);
            expect(gap).toBe(got === undefined);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
