import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  addBusinessTime,
  businessTimeBetween,
  compileCalendar,
  holidaysBetween,
  isOpen,
  nextOpening,
  openIntervals,
  WEEKDAYS,
  type BusinessCalendarSpec,
  type Calendar,
  type Interval,
  type TimeSegment,
} from "./calendar.ts";

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;

const seg = (from: string, to: string): TimeSegment => ({ from, to });

const specs: Record<string, BusinessCalendarSpec> = {
  newYork: {
    timezone: "America/New_York",
    hours: {
      mon: [seg("08:00", "12:00"), seg("13:00", "17:30")],
      tue: [seg("08:00", "12:00"), seg("13:00", "17:30")],
      wed: [seg("08:00", "12:00"), seg("13:00", "17:30")],
      thu: [seg("08:00", "12:00"), seg("13:00", "17:30")],
      fri: [seg("08:00", "12:00"), seg("13:00", "17:30")],
      // Boundaries in the hour skipped in March (02:00–03:00) and repeated in November (01:00–02:00).
      sun: [seg("00:30", "01:30"), seg("01:40", "02:10"), seg("02:30", "03:30")],
    },
    holidays: [
      { name: "New Year's Day", month: 1, day: 1, observed: "nearest_weekday" },
      { name: "Memorial Day", month: 5, weekday: "mon", nth: -1 },
      { name: "Independence Day", month: 7, day: 4, observed: "nearest_weekday" },
      { name: "Thanksgiving", month: 11, weekday: "thu", nth: 4 },
      { name: "Christmas Day", month: 12, day: 25, observed: "nearest_weekday" },
    ],
    exceptions: [
      { date: "2026-03-06", closed: true },
      { date: "2026-03-07", hours: [seg("10:00", "14:00")] },
    ],
  },
  london: {
    timezone: "Europe/London",
    hours: {
      mon: [seg("00:00", "06:00"), seg("09:00", "12:30"), seg("13:30", "17:30")],
      tue: [seg("09:00", "12:30"), seg("13:30", "17:30")],
      wed: [seg("09:00", "12:30"), seg("13:30", "17:30")],
      thu: [seg("09:00", "12:30"), seg("13:30", "17:30")],
      fri: [seg("09:00", "12:30"), seg("13:30", "17:30")],
      // 01:30 is skipped in March and repeated in October; 22:00–24:00 touches Monday 00:00.
      sun: [seg("00:00", "01:30"), seg("01:45", "02:30"), seg("22:00", "24:00")],
    },
    holidays: [
      { name: "Good Friday", easter: -2 },
      { name: "Easter Monday", easter: 1 },
      { name: "Early May bank holiday", month: 5, weekday: "mon", nth: 1 },
      { name: "Spring bank holiday", month: 5, weekday: "mon", nth: -1 },
      { name: "Christmas Day", month: 12, day: 25, observed: "next_weekday" },
      { name: "Boxing Day", month: 12, day: 26, observed: "next_weekday" },
    ],
  },
  lordHowe: {
    timezone: "Australia/Lord_Howe",
    hours: {
      mon: [seg("08:30", "12:00"), seg("12:30", "17:00")],
      tue: [seg("08:30", "12:00"), seg("12:30", "17:00")],
      wed: [seg("08:30", "12:00"), seg("12:30", "17:00")],
      thu: [seg("08:30", "12:00"), seg("12:30", "17:00")],
      fri: [seg("08:30", "12:00"), seg("12:30", "17:00")],
      // 02:15 is skipped in October (02:00–02:30); 01:45 is repeated in April (01:30–02:00).
      sun: [seg("01:00", "01:45"), seg("02:15", "03:00")],
    },
    holidays: [
      { name: "Australia Day", month: 1, day: 26, observed: "next_weekday" },
      { name: "Good Friday", easter: -2 },
      { name: "Christmas Day", month: 12, day: 25, observed: "next_weekday" },
    ],
  },
  kolkata: {
    timezone: "Asia/Kolkata",
    hours: Object.fromEntries(
      WEEKDAYS.filter((d) => d !== "sun").map((d) => [d, [seg("09:30", "13:30"), seg("14:30", "18:30")]]),
    ),
    holidays: [
      { name: "Republic Day", month: 1, day: 26 },
      { name: "Independence Day", month: 8, day: 15 },
      { name: "Gandhi Jayanti", month: 10, day: 2 },
    ],
  },
  always: { timezone: "America/Sao_Paulo", hours: "24x7", holidays: [{ name: "Carnival", easter: -47 }] },
};
const calendars = Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, compileCalendar(s)]));
const names = Object.keys(calendars);

const FROM = Date.UTC(2024, 0, 1);
const TO = Date.UTC(2030, 0, 1);

/** Instants where the zone's UTC offset changes in [FROM, TO), found with luxon. */
function transitions(zone: string): number[] {
  const offset = (t: number) => DateTime.fromMillis(t, { zone }).offset;
  const out: number[] = [];
  for (let t = FROM; t < TO; t += DAY) {
    if (offset(t) === offset(t + DAY)) continue;
    let [a, b] = [t, t + DAY];
    while (b - a > MIN) {
      const m = a + Math.floor((b - a) / 2 / MIN) * MIN;
      if (offset(m) === offset(a)) a = m;
      else b = m;
    }
    out.push(b);
  }
  return out;
}
const dstTransitions = ["America/New_York", "Europe/London", "Australia/Lord_Howe"].flatMap(transitions);

/** Instants over 2024–2029, a third of them within three days of a DST transition. */
const instant = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: FROM, max: TO }) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...dstTransitions)
      .chain((t) => fc.integer({ min: t - 3 * DAY, max: t + 3 * DAY }).map((x) => x - (x % MIN))),
  },
);
const duration = fc.oneof(
  fc.integer({ min: 0, max: 200 * H }),
  fc.integer({ min: 0, max: 200 * 60 }).map((m) => m * MIN),
);
/** Pauses near the start, unsorted, overlapping, sometimes empty or reversed. */
const pausesNear = (start: number) =>
  fc.array(
    fc
      .tuple(fc.integer({ min: -5 * DAY, max: 30 * DAY }), fc.integer({ min: -H, max: 3 * DAY }))
      .map(([off, len]): Interval => [start + off, start + off + len]),
    { maxLength: 5 },
  );
// Calendars are drawn by name, so that a counterexample prints the name rather than the arrays.
const calendar = fc.constantFrom(...names);
const caseWithPauses = fc
  .tuple(calendar, instant, duration)
  .chain(([name, a, d]) => pausesNear(a).map((p) => ({ name, a, d, p })));
const cal = (name: string) => calendars[name]!;

const RUNS = { numRuns: 2000 };

describe("business-time properties", () => {
  it("1. businessTimeBetween(a, addBusinessTime(a, d)) = d, with and without pauses", () => {
    fc.assert(
      fc.property(caseWithPauses, ({ name, a, d, p }) => {
        const c = cal(name);
        expect(businessTimeBetween(c, a, addBusinessTime(c, a, d))).toBe(d);
        expect(businessTimeBetween(c, a, addBusinessTime(c, a, d, p), p)).toBe(d);
      }),
      RUNS,
    );
  });

  it("2. a later start or a longer duration never gives an earlier result", () => {
    fc.assert(
      fc.property(
        caseWithPauses,
        fc.integer({ min: 0, max: 5 * DAY }),
        fc.integer({ min: 0, max: 20 * H }),
        ({ name, a, d, p }, later, longer) => {
          const c = cal(name);
          const r = addBusinessTime(c, a, d);
          expect(addBusinessTime(c, a + later, d)).toBeGreaterThanOrEqual(r);
          expect(addBusinessTime(c, a, d + longer)).toBeGreaterThanOrEqual(r);
          const rp = addBusinessTime(c, a, d, p);
          expect(addBusinessTime(c, a + later, d, p)).toBeGreaterThanOrEqual(rp);
          expect(addBusinessTime(c, a, d + longer, p)).toBeGreaterThanOrEqual(rp);
        },
      ),
      RUNS,
    );
  });

  it("3. the result of a positive duration is open time or the end of an open interval", () => {
    fc.assert(
      fc.property(calendar, instant, duration, (name, a, d) => {
        const c = cal(name);
        fc.pre(d > 0);
        const r = addBusinessTime(c, a, d);
        if (isOpen(c, r)) return;
        // Not open, so an interval clipped at r ends at r only if it really ends there.
        expect(openIntervals(c, r - 10 * DAY, r).at(-1)?.[1]).toBe(r);
      }),
      RUNS,
    );
  });

  it("4. adding pauses never makes a deadline earlier", () => {
    fc.assert(
      fc.property(caseWithPauses, ({ name, a, d, p }) => {
        const c = cal(name);
        expect(addBusinessTime(c, a, d, p)).toBeGreaterThanOrEqual(addBusinessTime(c, a, d));
      }),
      RUNS,
    );
  });

  it("5. businessTimeBetween is additive, in any order, with and without pauses", () => {
    fc.assert(
      fc.property(caseWithPauses, instant, instant, ({ name, a, p }, b, c) => {
        const k = cal(name);
        expect(businessTimeBetween(k, a, b) + businessTimeBetween(k, b, c)).toBe(
          businessTimeBetween(k, a, c),
        );
        expect(businessTimeBetween(k, a, b, p) + businessTimeBetween(k, b, c, p)).toBe(
          businessTimeBetween(k, a, c, p),
        );
        expect(businessTimeBetween(k, b, a)).toBe(0 - businessTimeBetween(k, a, b));
      }),
      RUNS,
    );
  });

  it("agrees with itself: isOpen, nextOpening and openIntervals describe the same open time", () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: 1, max: 3 * DAY }), (name, a, len) => {
        const c = cal(name);
        const ivs = openIntervals(c, a, a + len);
        const sum = ivs.reduce((s, [x, y]) => s + (y - x), 0);
        expect(sum).toBe(businessTimeBetween(c, a, a + len));
        for (const [x, y] of ivs) {
          expect(isOpen(c, x)).toBe(true);
          expect(isOpen(c, y - 1)).toBe(true);
        }
        const o = nextOpening(c, a);
        expect(o).toBeGreaterThanOrEqual(a);
        expect(isOpen(c, o)).toBe(true);
        expect(businessTimeBetween(c, a, o)).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// A slow reference: walk minute by minute with luxon. It shares nothing with the engine's
// arithmetic (only the list of holiday dates, which holidays.test.ts checks by example).

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Open minutes of a local date ("YYYY-MM-DD") by the spec: exception, else holiday, else weekly. */
function referenceSegments(cal: Calendar, date: string): Array<[number, number]> {
  const spec = cal.spec;
  const ex = spec.exceptions?.find((e) => e.date === date);
  if (ex) return ex.closed ? [] : ex.hours!.map((s) => [toMinutes(s.from), toMinutes(s.to)]);
  if (holidaysBetween(cal, date, date).length > 0) return [];
  if (spec.hours === "24x7") return [[0, 1440]];
  const weekday = WEEKDAYS[DateTime.fromISO(date, { zone: "UTC" }).weekday - 1]!;
  return (spec.hours[weekday] ?? []).map((s) => [toMinutes(s.from), toMinutes(s.to)]);
}

/**
 * Whether each minute [from + i min, from + (i + 1) min) is open. A wall time W opens or closes at
 * the first instant whose wall time reaches W, so an instant is inside a segment [F, T) exactly when
 * the highest wall time seen so far, M, has F ≤ M < T: in a repeated hour M stays at the wall time
 * before the clocks went back, and a skipped wall time is reached when the clocks jump past it.
 */
function referenceOpenMinutes(cal: Calendar, from: number, minutes: number): boolean[] {
  const wall = (t: number) => t + DateTime.fromMillis(t, { zone: cal.timezone }).offset * MIN;
  let highest = -Infinity;
  for (let t = from - 4 * H; t < from; t += MIN) highest = Math.max(highest, wall(t));
  const segmentsByDate = new Map<string, Array<[number, number]>>();
  const open: boolean[] = [];
  for (let i = 0; i < minutes; i++) {
    highest = Math.max(highest, wall(from + i * MIN));
    const date = new Date(highest).toISOString().slice(0, 10);
    const minuteOfDay = Math.round((highest - Date.parse(`${date}T00:00:00Z`)) / MIN);
    let segs = segmentsByDate.get(date);
    if (!segs) segmentsByDate.set(date, (segs = referenceSegments(cal, date)));
    open.push(segs.some(([f, t]) => f <= minuteOfDay && minuteOfDay < t));
  }
  return open;
}

describe("against a minute-by-minute reference", () => {
  // Five days from each window start: every DST transition of 2026, Christmas, and a few more.
  const windows: Array<[string, string]> = [];
  const iso = (t: number) => new Date(t).toISOString();
  for (const name of names) {
    const zone = specs[name]!.timezone;
    const inZone = transitions(zone).filter((t) => t >= Date.UTC(2026, 0, 1) && t < Date.UTC(2027, 0, 1));
    for (const t of inZone) windows.push([name, iso(t - 2 * DAY)]);
    windows.push([name, "2026-12-22T00:00:00.000Z"]);
  }
  windows.push(["newYork", "2026-03-04T00:00:00.000Z"]); // the exceptions
  windows.push(["london", "2026-04-01T00:00:00.000Z"]); // Easter

  it.each(windows)("%s from %s", (name, fromIso) => {
    const cal = calendars[name]!;
    const from = Date.parse(fromIso);
    const minutes = 5 * 24 * 60;
    const open = referenceOpenMinutes(cal, from, minutes);

    // The same open intervals, minute for minute.
    const runs: Array<[number, number]> = [];
    open.forEach((o, i) => {
      if (!o) return;
      const last = runs.at(-1);
      if (last && last[1] === from + i * MIN) last[1] += MIN;
      else runs.push([from + i * MIN, from + (i + 1) * MIN]);
    });
    expect(openIntervals(cal, from, from + minutes * MIN)).toEqual(runs);

    // addBusinessTime and businessTimeBetween from many starts, by counting minutes.
    const prefix = [0];
    for (const o of open) prefix.push(prefix.at(-1)! + (o ? 1 : 0));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: minutes - 1 }), fc.integer({ min: 0, max: 30 * 60 }), (i, d) => {
        const a = from + i * MIN;
        // The first minute j with d open minutes in [i, j): the reference's deadline.
        let j = i;
        if (d === 0) while (j < minutes && !open[j]) j++;
        else while (j < minutes && prefix[j]! - prefix[i]! < d) j++;
        if (j >= minutes) return; // runs past the window
        expect(addBusinessTime(cal, a, d * MIN)).toBe(from + j * MIN);
        expect(businessTimeBetween(cal, a, from + j * MIN)).toBe((prefix[j]! - prefix[i]!) * MIN);
        expect(isOpen(cal, a)).toBe(open[i]);
      }),
      { numRuns: 300 },
    );
  });
});
