import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  addBusinessTime,
  ALWAYS_OPEN,
  businessTimeBetween,
  compileCalendar,
  holidaysBetween,
  isOpen,
  nextBusinessDayEnd,
  nextBusinessDayStart,
  nextOpening,
  openIntervals,
  subtractBusinessTime,
  WEEKDAYS,
  type BusinessCalendarSpec,
  type Calendar,
  type Interval,
  type TimeSegment,
} from "./calendar.ts";

const H = 3_600_000;
const MIN = 60_000;
const at = (iso: string) => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad instant ${iso}`);
  return t;
};
/** An instant as local ISO time with offset in the calendar's zone, for readable expectations. */
const local = (cal: Calendar, t: number) =>
  DateTime.fromMillis(t, { zone: cal.timezone }).toISO({ suppressMilliseconds: true });

const lunchDay: TimeSegment[] = [
  { from: "08:00", to: "12:00" },
  { from: "13:00", to: "17:30" },
];
const nySpec: BusinessCalendarSpec = {
  timezone: "America/New_York",
  hours: { mon: lunchDay, tue: lunchDay, wed: lunchDay, thu: lunchDay, fri: lunchDay },
  holidays: [
    { name: "New Year's Day", month: 1, day: 1, observed: "nearest_weekday" },
    { name: "Martin Luther King Jr. Day", month: 1, weekday: "mon", nth: 3 },
    { name: "Thanksgiving", month: 11, weekday: "thu", nth: 4 },
    { name: "Christmas Day", month: 12, day: 25, observed: "nearest_weekday" },
  ],
};
const ny = compileCalendar(nySpec);

/** A calendar open all day on Sundays, to measure DST days. */
const sundays = (timezone: string, extra: Partial<BusinessCalendarSpec> = {}) =>
  compileCalendar({ timezone, hours: { sun: [{ from: "00:00", to: "24:00" }], wed: lunchDay }, ...extra });

describe("compileCalendar", () => {
  it("reports the standard business day and caches by content", () => {
    expect(ny.dayLength).toBe(8.5 * H);
    expect(ny.alwaysOpen).toBe(false);
    expect(ny.timezone).toBe("America/New_York");
    const reordered = compileCalendar({
      holidays: nySpec.holidays,
      hours: nySpec.hours,
      timezone: "America/New_York",
    } as BusinessCalendarSpec);
    expect(reordered).toBe(ny);
    expect(Object.isFrozen(ny.spec)).toBe(true);
    expect(WEEKDAYS).toEqual(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
  });

  it("takes the most common day length, the longer one on a tie", () => {
    const short = [{ from: "09:00", to: "13:00" }];
    const cal = compileCalendar({
      timezone: "Europe/Berlin",
      hours: { mon: lunchDay, tue: lunchDay, wed: short, thu: short, fri: short },
    });
    expect(cal.dayLength).toBe(4 * H);
    const tie = compileCalendar({ timezone: "Europe/Berlin", hours: { mon: lunchDay, fri: short } });
    expect(tie.dayLength).toBe(8.5 * H);
    expect(ALWAYS_OPEN.dayLength).toBe(24 * H);
  });

  it("rejects bad specs with a RangeError that says what is wrong", () => {
    const bad = (spec: unknown, message: RegExp) =>
      expect(() => compileCalendar(spec as BusinessCalendarSpec)).toThrow(message);
    bad({ timezone: "Mars/Olympus_Mons", hours: "24x7" }, /Unknown time zone "Mars\/Olympus_Mons"/);
    bad({ timezone: "America/New_York", hours: {} }, /has no open hours/);
    bad(
      { timezone: "UTC", hours: { mon: [{ from: "8:00", to: "12:00" }] } },
      /hours\.mon\[0\]\.from.*"HH:MM"/,
    );
    bad({ timezone: "UTC", hours: { mon: [{ from: "24:00", to: "24:00" }] } }, /hours\.mon\[0\]\.from/);
    bad({ timezone: "UTC", hours: { mon: [{ from: "12:00", to: "08:00" }] } }, /must be after/);
    bad({ timezone: "UTC", hours: { monday: lunchDay } }, /hours\.monday is not a weekday/);
    bad(
      { timezone: "UTC", hours: "24x7", holidays: [{ name: "x", month: 13, day: 1 }] },
      /holidays\[0\]\.month/,
    );
    bad(
      { timezone: "UTC", hours: "24x7", holidays: [{ name: "x", date: "2026-02-30" }] },
      /holidays\[0\]\.date/,
    );
    bad(
      { timezone: "UTC", hours: "24x7", holidays: [{ name: "x", month: 5, weekday: "mon", nth: 0 }] },
      /holidays\[0\]\.nth/,
    );
    bad(
      { timezone: "UTC", hours: "24x7", exceptions: [{ date: "2026-01-01" }] },
      /either closed: true or hours/,
    );
    bad(
      { timezone: "UTC", hours: "24x7", exceptions: [{ date: "2026-01-01", closed: true, hours: lunchDay }] },
      /not both/,
    );
    bad(
      {
        timezone: "UTC",
        hours: "24x7",
        exceptions: [
          { date: "2026-01-01", closed: true },
          { date: "2026-01-01", closed: true },
        ],
      },
      /already has an exception/,
    );
    expect(() => compileCalendar({ timezone: "Nowhere/City", hours: "24x7" })).toThrow(RangeError);
  });
});

describe("addBusinessTime on a two-segment day", () => {
  it("starts at the next opening when started before opening, in the lunch gap or after closing", () => {
    expect(local(ny, addBusinessTime(ny, at("2026-01-06T07:00:00-05:00"), H))).toBe(
      "2026-01-06T09:00:00-05:00",
    );
    expect(local(ny, addBusinessTime(ny, at("2026-01-06T12:30:00-05:00"), H))).toBe(
      "2026-01-06T14:00:00-05:00",
    );
    expect(local(ny, addBusinessTime(ny, at("2026-01-06T11:30:00-05:00"), H))).toBe(
      "2026-01-06T13:30:00-05:00",
    );
    expect(local(ny, addBusinessTime(ny, at("2026-01-06T18:00:00-05:00"), H))).toBe(
      "2026-01-07T09:00:00-05:00",
    );
  });

  it("skips a weekend and a holiday from a Friday evening", () => {
    // Monday 19 January 2026 is Martin Luther King Jr. Day.
    expect(local(ny, addBusinessTime(ny, at("2026-01-16T18:00:00-05:00"), 2 * H))).toBe(
      "2026-01-20T10:00:00-05:00",
    );
  });

  it("ends at the closing instant when the time runs out exactly there", () => {
    expect(local(ny, addBusinessTime(ny, at("2026-01-06T16:30:00-05:00"), H))).toBe(
      "2026-01-06T17:30:00-05:00",
    );
    expect(local(ny, addBusinessTime(ny, at("2026-01-06T08:00:00-05:00"), 4 * H))).toBe(
      "2026-01-06T12:00:00-05:00",
    );
    // Five business days from Friday's closing: the next Friday's closing, not Monday morning.
    expect(local(ny, addBusinessTime(ny, at("2026-01-09T17:30:00-05:00"), 5 * ny.dayLength))).toBe(
      "2026-01-16T17:30:00-05:00",
    );
  });

  it("returns the next opening for zero and rejects negative or non-finite durations", () => {
    expect(local(ny, addBusinessTime(ny, at("2026-01-06T18:00:00-05:00"), 0))).toBe(
      "2026-01-07T08:00:00-05:00",
    );
    expect(addBusinessTime(ny, at("2026-01-06T09:00:00-05:00"), 0)).toBe(at("2026-01-06T09:00:00-05:00"));
    expect(() => addBusinessTime(ny, 0, -1)).toThrow(RangeError);
    expect(() => addBusinessTime(ny, 0, Number.NaN)).toThrow(RangeError);
    expect(() => addBusinessTime(ny, Number.NaN, H)).toThrow(RangeError);
    expect(() => addBusinessTime(ALWAYS_OPEN, Number.NaN, H)).toThrow(RangeError);
  });

  it("crosses New Year with an observed holiday, and in years compiled on demand (1999, 2035)", () => {
    // 1 January 2000 is a Saturday, observed on Friday 31 December 1999.
    expect(local(ny, addBusinessTime(ny, at("1999-12-30T17:00:00-05:00"), H))).toBe(
      "2000-01-03T08:30:00-05:00",
    );
    // Thanksgiving 2035 is 22 November.
    expect(local(ny, addBusinessTime(ny, at("2035-11-21T17:00:00-05:00"), H))).toBe(
      "2035-11-23T08:30:00-05:00",
    );
    // And across the whole span in one query.
    const a = at("1999-06-01T08:00:00-04:00");
    const b = at("2035-06-01T08:00:00-04:00");
    expect(addBusinessTime(ny, a, businessTimeBetween(ny, a, b))).toBe(b - 14.5 * H); // previous closing
  });

  it("rejects instants outside the supported years", () => {
    expect(() => addBusinessTime(ny, at("1850-01-01T00:00:00Z"), H)).toThrow(/supported for the years/);
    expect(() => isOpen(ny, at("2400-01-01T00:00:00Z"))).toThrow(RangeError);
  });
});

describe("businessTimeBetween", () => {
  it("counts open time across weeks, minus holidays, and is negative backwards", () => {
    const a = at("2026-01-05T08:00:00-05:00");
    const b = at("2026-01-26T08:00:00-05:00");
    // Three weeks of five days, less Martin Luther King Jr. Day.
    expect(businessTimeBetween(ny, a, b)).toBe(14 * 8.5 * H);
    expect(businessTimeBetween(ny, b, a)).toBe(-14 * 8.5 * H);
    expect(businessTimeBetween(ny, at("2026-01-06T11:00:00-05:00"), at("2026-01-06T14:00:00-05:00"))).toBe(
      2 * H,
    );
    expect(businessTimeBetween(ny, a, a)).toBe(0);
  });
});

describe("daylight saving time", () => {
  it("gives a 24-hour Sunday in New York 23 h in March and 25 h in November", () => {
    const cal = sundays("America/New_York");
    expect(businessTimeBetween(cal, at("2026-03-08T00:00:00-05:00"), at("2026-03-09T00:00:00-04:00"))).toBe(
      23 * H,
    );
    expect(businessTimeBetween(cal, at("2026-11-01T00:00:00-04:00"), at("2026-11-02T00:00:00-05:00"))).toBe(
      25 * H,
    );
    expect(openIntervals(cal, at("2026-03-07T00:00:00Z"), at("2026-03-10T00:00:00Z"))[0]).toEqual([
      at("2026-03-08T00:00:00-05:00"),
      at("2026-03-09T00:00:00-04:00"),
    ]);
    // Three hours from midnight on the spring-forward day: 00:00–02:00 EST, then 03:00–04:00 EDT.
    expect(local(cal, addBusinessTime(cal, at("2026-03-08T00:00:00-05:00"), 3 * H))).toBe(
      "2026-03-08T04:00:00-04:00",
    );
  });

  it("gives a 24-hour Sunday in London 23 h and 25 h", () => {
    const cal = sundays("Europe/London");
    expect(businessTimeBetween(cal, at("2026-03-29T00:00:00Z"), at("2026-03-30T00:00:00+01:00"))).toBe(
      23 * H,
    );
    expect(businessTimeBetween(cal, at("2026-10-25T00:00:00+01:00"), at("2026-10-26T00:00:00Z"))).toBe(
      25 * H,
    );
  });

  it("handles Lord Howe Island's 30-minute shift", () => {
    const cal = sundays("Australia/Lord_Howe");
    expect(businessTimeBetween(cal, at("2026-04-05T00:00:00+11:00"), at("2026-04-06T00:00:00+10:30"))).toBe(
      24.5 * H,
    );
    expect(businessTimeBetween(cal, at("2026-10-04T00:00:00+10:30"), at("2026-10-05T00:00:00+11:00"))).toBe(
      23.5 * H,
    );
    // 01:00 + 1 h reaches 02:00, which does not exist that day: clocks show 02:30.
    expect(local(cal, addBusinessTime(cal, at("2026-10-04T01:00:00+10:30"), H))).toBe(
      "2026-10-04T02:30:00+11:00",
    );
    expect(local(cal, addBusinessTime(cal, at("2026-10-04T01:00:00+10:30"), H + 30 * MIN))).toBe(
      "2026-10-04T03:00:00+11:00",
    );
  });

  it("maps segment boundaries in a skipped hour to the end of the gap, repeated ones to the first occurrence", () => {
    const early = [{ from: "02:00", to: "04:00" }];
    const cal = compileCalendar({
      timezone: "America/New_York",
      hours: { mon: lunchDay },
      exceptions: [
        { date: "2026-03-08", hours: early },
        { date: "2026-11-01", hours: [{ from: "01:00", to: "02:00" }] },
      ],
    });
    // 02:00 does not exist on 8 March 2026: the segment opens at 03:00 EDT, one hour of open time.
    expect(openIntervals(cal, at("2026-03-08T00:00:00-05:00"), at("2026-03-09T00:00:00-04:00"))).toEqual([
      [at("2026-03-08T03:00:00-04:00"), at("2026-03-08T04:00:00-04:00")],
    ]);
    // 01:00 happens twice on 1 November 2026: from the first 01:00 (EDT) to 02:00 EST is two hours.
    expect(openIntervals(cal, at("2026-11-01T00:00:00-04:00"), at("2026-11-02T00:00:00-05:00"))).toEqual([
      [at("2026-11-01T01:00:00-04:00"), at("2026-11-01T02:00:00-05:00")],
    ]);
    const london = compileCalendar({
      timezone: "Europe/London",
      hours: { mon: lunchDay },
      exceptions: [{ date: "2026-03-29", hours: [{ from: "01:00", to: "03:00" }] }],
    });
    expect(businessTimeBetween(london, at("2026-03-29T00:00:00Z"), at("2026-03-30T00:00:00Z"))).toBe(H);
    const lordHowe = compileCalendar({
      timezone: "Australia/Lord_Howe",
      hours: { mon: lunchDay },
      exceptions: [{ date: "2026-10-04", hours: early }],
    });
    expect(
      businessTimeBetween(lordHowe, at("2026-10-04T00:00:00+10:30"), at("2026-10-05T00:00:00+11:00")),
    ).toBe(1.5 * H);
  });

  it("merges open days that touch into one interval", () => {
    const cal = compileCalendar({
      timezone: "Europe/London",
      hours: {
        mon: [{ from: "00:00", to: "24:00" }],
        tue: [
          { from: "00:00", to: "12:00" },
          { from: "12:00", to: "18:00" },
        ],
      },
    });
    expect(openIntervals(cal, at("2026-01-04T00:00:00Z"), at("2026-01-08T00:00:00Z"))).toEqual([
      [at("2026-01-05T00:00:00Z"), at("2026-01-06T18:00:00Z")],
    ]);
    // The end of that interval is Tuesday 18:00, so 42 h from Monday midnight ends there.
    expect(addBusinessTime(cal, at("2026-01-05T00:00:00Z"), 42 * H)).toBe(at("2026-01-06T18:00:00Z"));
  });
});

describe("24x7 calendars", () => {
  const tokyo = compileCalendar({
    timezone: "Asia/Tokyo",
    hours: "24x7",
    holidays: [{ name: "New Year's Day", month: 1, day: 1 }],
    exceptions: [{ date: "2026-01-02", closed: true }],
  });

  it("is plain arithmetic and ignores holidays for open time", () => {
    const t = at("2026-01-01T03:00:00+09:00");
    expect(addBusinessTime(ALWAYS_OPEN, t, 5 * H)).toBe(t + 5 * H);
    expect(addBusinessTime(tokyo, t, 5 * H)).toBe(t + 5 * H);
    expect(businessTimeBetween(tokyo, t, t + 48 * H)).toBe(48 * H);
    expect(isOpen(tokyo, t)).toBe(true);
    expect(nextOpening(tokyo, t)).toBe(t);
    expect(openIntervals(tokyo, t, t + H)).toEqual([[t, t + H]]);
    expect(holidaysBetween(tokyo, "2026-01-01", "2026-12-31")).toEqual([
      { date: "2026-01-01", name: "New Year's Day" },
    ]);
  });

  it("takes pauses out", () => {
    const t = at("2026-01-01T00:00:00Z");
    expect(addBusinessTime(ALWAYS_OPEN, t, 2 * H, [[t + H, t + 3 * H]])).toBe(t + 4 * H);
    expect(businessTimeBetween(ALWAYS_OPEN, t, t + 4 * H, [[t + H, t + 3 * H]])).toBe(2 * H);
  });

  it("has business days from local midnight to midnight", () => {
    const t = at("2026-01-01T15:00:00+09:00");
    expect(local(tokyo, nextBusinessDayStart(tokyo, t))).toBe("2026-01-02T00:00:00+09:00");
    expect(local(tokyo, nextBusinessDayEnd(tokyo, t))).toBe("2026-01-03T00:00:00+09:00");
    expect(nextBusinessDayStart(ALWAYS_OPEN, at("2026-01-01T23:59:59Z"))).toBe(at("2026-01-02T00:00:00Z"));
    expect(nextBusinessDayEnd(ALWAYS_OPEN, at("2026-01-01T00:00:00Z"))).toBe(at("2026-01-03T00:00:00Z"));
    // The DST night in New York: the next local midnight is 23 h after the previous one.
    const nyAll = compileCalendar({ timezone: "America/New_York", hours: "24x7" });
    expect(local(nyAll, nextBusinessDayEnd(nyAll, at("2026-03-07T12:00:00-05:00")))).toBe(
      "2026-03-09T00:00:00-04:00",
    );
  });
});

describe("exceptions", () => {
  const cal = compileCalendar({
    ...nySpec,
    exceptions: [
      { date: "2026-01-07", name: "Office move", closed: true },
      { date: "2026-01-10", name: "Migration weekend", hours: [{ from: "09:00", to: "13:00" }] },
      { date: "2026-01-08", hours: [{ from: "10:00", to: "14:00" }] },
      { date: "2026-01-19", name: "Open on MLK Day", hours: [{ from: "09:00", to: "12:00" }] },
    ],
  });

  it("closes a weekday", () => {
    expect(local(cal, addBusinessTime(cal, at("2026-01-06T17:00:00-05:00"), H))).toBe(
      "2026-01-08T10:30:00-05:00",
    );
    expect(isOpen(cal, at("2026-01-07T09:00:00-05:00"))).toBe(false);
  });

  it("opens an extra Saturday", () => {
    expect(local(cal, addBusinessTime(cal, at("2026-01-09T17:00:00-05:00"), H))).toBe(
      "2026-01-10T09:30:00-05:00",
    );
    expect(businessTimeBetween(cal, at("2026-01-10T00:00:00-05:00"), at("2026-01-11T00:00:00-05:00"))).toBe(
      4 * H,
    );
  });

  it("changes the hours of a day", () => {
    expect(isOpen(cal, at("2026-01-08T09:00:00-05:00"))).toBe(false);
    expect(isOpen(cal, at("2026-01-08T13:30:00-05:00"))).toBe(true);
    expect(isOpen(cal, at("2026-01-08T14:00:00-05:00"))).toBe(false);
    expect(local(cal, nextOpening(cal, at("2026-01-08T07:00:00-05:00")))).toBe("2026-01-08T10:00:00-05:00");
  });

  it("overrides a holiday", () => {
    expect(businessTimeBetween(cal, at("2026-01-19T00:00:00-05:00"), at("2026-01-20T00:00:00-05:00"))).toBe(
      3 * H,
    );
    expect(businessTimeBetween(ny, at("2026-01-19T00:00:00-05:00"), at("2026-01-20T00:00:00-05:00"))).toBe(0);
  });
});

describe("pauses", () => {
  const start = at("2026-01-06T09:00:00-05:00"); // deadline 2 h later: 11:00
  const t = (hhmm: string) => at(`2026-01-06T${hhmm}:00-05:00`);

  it("moves the deadline by the open time paused inside it", () => {
    expect(addBusinessTime(ny, start, 2 * H, [[t("09:30"), t("10:00")]])).toBe(t("11:30"));
    // Time running out as the pause begins ends there; a pause over lunch costs only its open part
    // (11:30–12:00 and 13:00–13:15).
    expect(local(ny, addBusinessTime(ny, start, 2.5 * H, [[t("11:30"), t("13:15")]]))).toBe(
      "2026-01-06T11:30:00-05:00",
    );
    expect(local(ny, addBusinessTime(ny, start, 3 * H, [[t("11:30"), t("13:15")]]))).toBe(
      "2026-01-06T13:45:00-05:00",
    );
  });

  it("handles a pause straddling the start or covering the deadline", () => {
    expect(addBusinessTime(ny, start, H, [[t("07:00"), t("09:30")]])).toBe(t("10:30"));
    expect(addBusinessTime(ny, start, 2 * H, [[t("10:30"), t("14:00")]])).toBe(t("14:30"));
    // Time runs out exactly as a pause begins: that instant, not after the pause.
    expect(addBusinessTime(ny, start, 2 * H, [[t("11:00"), t("14:00")]])).toBe(t("11:00"));
    // Zero: the next instant that is open and not paused.
    expect(addBusinessTime(ny, start, 0, [[t("08:00"), t("10:00")]])).toBe(t("10:00"));
    expect(local(ny, nextOpening(ny, t("11:00"), [[t("10:00"), t("12:30")]]))).toBe(
      "2026-01-06T13:00:00-05:00",
    );
  });

  it("accepts unsorted, overlapping and empty pauses", () => {
    const messy = [
      [t("10:15"), t("10:30")],
      [t("09:30"), t("10:00")],
      [t("09:45"), t("10:20")],
      [t("10:40"), t("10:40")],
    ] as const;
    expect(addBusinessTime(ny, start, 2 * H, messy)).toBe(t("12:00"));
    expect(businessTimeBetween(ny, start, t("12:00"), messy)).toBe(2 * H);
    expect(businessTimeBetween(ny, t("12:00"), start, messy)).toBe(-2 * H);
    expect(isOpen(ny, t("10:10"), messy)).toBe(false);
    expect(isOpen(ny, t("10:35"), messy)).toBe(true);
  });

  it("gives Infinity while a pause that has not ended holds the clock", () => {
    expect(addBusinessTime(ny, start, 2 * H, [[t("10:00"), Infinity]])).toBe(Infinity);
    expect(businessTimeBetween(ny, start, t("17:30"), [[t("10:00"), Infinity]])).toBe(H);
  });
});

describe("next business day", () => {
  it("skips a weekend and a holiday", () => {
    const friday = at("2026-01-16T10:00:00-05:00");
    expect(local(ny, nextBusinessDayStart(ny, friday))).toBe("2026-01-20T08:00:00-05:00");
    expect(local(ny, nextBusinessDayEnd(ny, friday))).toBe("2026-01-20T17:30:00-05:00");
  });

  it("goes by local date, not by 24 hours", () => {
    expect(local(ny, nextBusinessDayStart(ny, at("2026-01-15T23:00:00-05:00")))).toBe(
      "2026-01-16T08:00:00-05:00",
    );
    expect(local(ny, nextBusinessDayStart(ny, at("2026-01-15T00:00:00-05:00")))).toBe(
      "2026-01-16T08:00:00-05:00",
    );
    expect(local(ny, nextBusinessDayStart(ny, at("2026-01-14T23:59:59-05:00")))).toBe(
      "2026-01-15T08:00:00-05:00",
    );
  });
});

describe("openIntervals", () => {
  it("clips to the range", () => {
    expect(openIntervals(ny, at("2026-01-06T10:00:00-05:00"), at("2026-01-06T14:00:00-05:00"))).toEqual([
      [at("2026-01-06T10:00:00-05:00"), at("2026-01-06T12:00:00-05:00")],
      [at("2026-01-06T13:00:00-05:00"), at("2026-01-06T14:00:00-05:00")],
    ]);
    expect(openIntervals(ny, at("2026-01-06T14:00:00-05:00"), at("2026-01-06T10:00:00-05:00"))).toEqual([]);
  });
});

describe("next business day with pauses", () => {
  // Mon–Fri 08:00–12:00 and 13:00–17:00 in New York.
  const cal = compileCalendar({
    timezone: "America/New_York",
    hours: Object.fromEntries(
      (["mon", "tue", "wed", "thu", "fri"] as const).map((d) => [
        d,
        [
          { from: "08:00", to: "12:00" },
          { from: "13:00", to: "17:00" },
        ],
      ]),
    ),
  });
  const friday = Date.parse("2026-11-20T20:00:00Z"); // Friday 15:00 EST
  const at = (s: string) => Date.parse(s);
  const iso = (ms: number) => new Date(ms).toISOString();

  it("is the plain next business day when pauses miss it", () => {
    const pauses = [[at("2026-11-20T20:30:00Z"), at("2026-11-20T21:00:00Z")]] as const;
    expect(iso(nextBusinessDayStart(cal, friday, pauses))).toBe("2026-11-23T13:00:00.000Z");
    expect(iso(nextBusinessDayEnd(cal, friday, pauses))).toBe("2026-11-23T22:00:00.000Z");
  });

  it("starts after a pause that covers the morning, and ends before one that covers the afternoon", () => {
    const pauses = [
      [at("2026-11-23T12:00:00Z"), at("2026-11-23T15:30:00Z")], // to Monday 10:30
      [at("2026-11-23T19:00:00Z"), at("2026-11-23T23:00:00Z")], // from Monday 14:00
    ] as const;
    expect(iso(nextBusinessDayStart(cal, friday, pauses))).toBe("2026-11-23T15:30:00.000Z");
    expect(iso(nextBusinessDayEnd(cal, friday, pauses))).toBe("2026-11-23T19:00:00.000Z");
  });

  it("skips a day paused all day, and answers Infinity behind a pause that has not ended", () => {
    const monday = [[at("2026-11-23T12:00:00Z"), at("2026-11-24T05:00:00Z")]] as const;
    expect(iso(nextBusinessDayStart(cal, friday, monday))).toBe("2026-11-24T13:00:00.000Z");
    expect(iso(nextBusinessDayEnd(cal, friday, monday))).toBe("2026-11-24T22:00:00.000Z");
    const open = [[at("2026-11-21T00:00:00Z"), Infinity]] as const;
    expect(nextBusinessDayStart(cal, friday, open)).toBe(Infinity);
  });
});

describe("subtractBusinessTime", () => {
  /** Mon–Fri 08:00–17:00, no lunch: the example in the doc comment. */
  const plain = compileCalendar({
    timezone: "Europe/London",
    hours: Object.fromEntries(
      (["mon", "tue", "wed", "thu", "fri"] as const).map((d) => [d, [{ from: "08:00", to: "17:00" }]]),
    ),
  });
  const day = 9 * H;

  it("counts back over closed time to the latest instant, an opening rather than the closing before it", () => {
    // Wednesday 2026-06-10.
    expect(local(plain, subtractBusinessTime(plain, at("2026-06-10T10:00:00+01:00"), 2 * day))).toBe(
      "2026-06-08T10:00:00+01:00",
    );
    expect(local(plain, subtractBusinessTime(plain, at("2026-06-10T08:00:00+01:00"), 2 * day))).toBe(
      "2026-06-08T08:00:00+01:00",
    );
    // From a closed instant (Sunday) the open time counts from Friday's closing.
    expect(local(plain, subtractBusinessTime(plain, at("2026-06-14T12:00:00+01:00"), H))).toBe(
      "2026-06-12T16:00:00+01:00",
    );
    // Across the weekend: one hour before Monday 08:30 is Friday 16:30.
    expect(local(plain, subtractBusinessTime(plain, at("2026-06-15T08:30:00+01:00"), H))).toBe(
      "2026-06-12T16:30:00+01:00",
    );
  });

  it("skips the lunch break, a weekend and a holiday", () => {
    // Tuesday 20 January 2026 09:00, one business day back: Monday is Martin Luther King Jr. Day,
    // so 1 h on Tuesday and 7.5 h on Friday 16 January (back past lunch) → Friday 09:00.
    expect(local(ny, subtractBusinessTime(ny, at("2026-01-20T09:00:00-05:00"), ny.dayLength))).toBe(
      "2026-01-16T09:00:00-05:00",
    );
    // Half an hour before 13:15 is 12:00 less a quarter: 11:45 (the lunch hour counts for nothing).
    expect(local(ny, subtractBusinessTime(ny, at("2026-01-06T13:15:00-05:00"), 30 * MIN))).toBe(
      "2026-01-06T11:45:00-05:00",
    );
    // Exactly the morning's open time back from 13:00 lands on 08:00; a quarter hour from 13:15 on 13:00.
    expect(local(ny, subtractBusinessTime(ny, at("2026-01-06T13:00:00-05:00"), 4 * H))).toBe(
      "2026-01-06T08:00:00-05:00",
    );
    expect(local(ny, subtractBusinessTime(ny, at("2026-01-06T13:15:00-05:00"), 15 * MIN))).toBe(
      "2026-01-06T13:00:00-05:00",
    );
  });

  it("returns end for zero and rejects negative or non-finite durations", () => {
    const sunday = at("2026-01-04T12:00:00-05:00");
    expect(subtractBusinessTime(ny, sunday, 0)).toBe(sunday);
    expect(() => subtractBusinessTime(ny, sunday, -1)).toThrow(RangeError);
    expect(() => subtractBusinessTime(ny, sunday, Infinity)).toThrow(RangeError);
    expect(() => subtractBusinessTime(ny, sunday, Number.NaN)).toThrow(RangeError);
    expect(() => subtractBusinessTime(ny, Number.NaN, H)).toThrow(RangeError);
    expect(() => subtractBusinessTime(ALWAYS_OPEN, Number.NaN, 0)).toThrow(RangeError);
  });

  it("is plain subtraction on a 24x7 calendar", () => {
    const t = at("2026-03-08T12:00:00Z");
    expect(subtractBusinessTime(ALWAYS_OPEN, t, 5 * H)).toBe(t - 5 * H);
  });

  it("compiles earlier years as it reaches them, and refuses to go before the first supported year", () => {
    // A fresh calendar (nothing compiled yet), 30 years back from 2040 in one query.
    const cal = compileCalendar({ ...nySpec, exceptions: [{ date: "2199-01-01", closed: true }] });
    const end = at("2040-06-01T10:00:00-04:00");
    const start = at("2010-06-01T10:00:00-04:00");
    expect(subtractBusinessTime(cal, end, businessTimeBetween(cal, start, end))).toBe(start);
    expect(() => subtractBusinessTime(cal, at("1901-01-10T12:00:00Z"), 400 * cal.dayLength)).toThrow(
      /runs before 1900/,
    );
  });

  it("takes pauses out, walking back over them", () => {
    const t = (hhmm: string) => at(`2026-01-06T${hhmm}:00-05:00`);
    // Two hours back from 11:00 with 09:30–10:00 paused: 08:30.
    expect(subtractBusinessTime(ny, t("11:00"), 2 * H, [[t("09:30"), t("10:00")]])).toBe(t("08:30"));
    // A pause straddling the end: the time counts from its start.
    expect(subtractBusinessTime(ny, t("11:00"), H, [[t("10:30"), t("14:00")]])).toBe(t("09:30"));
    // Time used up exactly at a pause's end: that instant, not before the pause.
    expect(subtractBusinessTime(ny, t("11:00"), H, [[t("09:00"), t("10:00")]])).toBe(t("10:00"));
    // Unsorted and overlapping pauses; and a pause reaching back forever.
    const messy = [
      [t("10:15"), t("10:30")],
      [t("09:45"), t("10:20")],
      [t("09:30"), t("10:00")],
    ] as const;
    expect(subtractBusinessTime(ny, t("11:00"), H, messy)).toBe(t("09:00"));
    expect(subtractBusinessTime(ny, t("11:00"), 2 * H, [[-Infinity, t("10:00")]])).toBe(-Infinity);
    // A pause long before the answer does not change it.
    expect(
      subtractBusinessTime(ny, t("11:00"), H, [[at("1950-01-01T00:00:00Z"), at("1950-02-01T00:00:00Z")]]),
    ).toBe(t("10:00"));
  });

  describe("properties", () => {
    /** Lunch breaks, a holiday and a DST zone; a Sunday morning with boundaries in the DST hours. */
    const cal = compileCalendar({
      ...nySpec,
      hours: {
        ...(nySpec.hours as Record<string, TimeSegment[]>),
        sun: [
          { from: "00:30", to: "01:30" },
          { from: "02:30", to: "03:30" },
        ],
      },
      holidays: [
        ...nySpec.holidays!,
        { name: "Independence Day", month: 7, day: 4, observed: "nearest_weekday" },
      ],
    });
    const FROM = Date.UTC(2025, 0, 1);
    const TO = Date.UTC(2029, 0, 1);
    // Instants near the DST changes of 2026 half the time.
    const dst = [at("2026-03-08T07:00:00Z"), at("2026-11-01T06:00:00Z")];
    const instant = fc.oneof(
      fc.integer({ min: FROM, max: TO }),
      fc.constantFrom(...dst).chain((t) => fc.integer({ min: t - 3 * 24 * H, max: t + 3 * 24 * H })),
    );
    const duration = fc.oneof(
      fc.integer({ min: 1, max: 120 * H }),
      fc.integer({ min: 1, max: 120 * 60 }).map((m) => m * MIN),
    );

    it("gives exactly ms of open time before end, from the latest such instant", () => {
      fc.assert(
        fc.property(instant, duration, (end, ms) => {
          const t = subtractBusinessTime(cal, end, ms);
          expect(businessTimeBetween(cal, t, end)).toBe(ms);
          // The latest: a millisecond later there is less open time left before end.
          expect(businessTimeBetween(cal, t + 1, end)).toBeLessThan(ms);
          // And it is open there, or an opening (never a closing or closed time).
          expect(isOpen(cal, t)).toBe(true);
        }),
        { numRuns: 2000 },
      );
    });

    it("does the same with pauses, and undoes addBusinessTime up to closed time", () => {
      const pauses = (end: number) =>
        fc.array(
          fc
            .tuple(
              fc.integer({ min: -20 * 24 * H, max: 2 * 24 * H }),
              fc.integer({ min: -H, max: 3 * 24 * H }),
            )
            .map(([off, len]): Interval => [end + off, end + off + len]),
          { maxLength: 4 },
        );
      fc.assert(
        fc.property(
          instant.chain((end) => fc.tuple(fc.constant(end), duration, pauses(end))),
          ([end, ms, p]) => {
            const t = subtractBusinessTime(cal, end, ms, p);
            expect(businessTimeBetween(cal, t, end, p)).toBe(ms);
            expect(businessTimeBetween(cal, t + 1, end, p)).toBeLessThan(ms);
            // Going forward again lands on end, or earlier when end itself is closed or paused.
            const back = addBusinessTime(cal, t, ms, p);
            expect(back).toBeLessThanOrEqual(end);
            expect(businessTimeBetween(cal, back, end, p)).toBe(0);
          },
        ),
        { numRuns: 1000 },
      );
    });
  });
});
