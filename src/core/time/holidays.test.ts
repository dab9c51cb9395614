import { describe, expect, it } from "vitest";
import {
  compileCalendar,
  holidaysBetween,
  isOpen,
  type BusinessCalendarSpec,
  type HolidayRule,
  type TimeSegment,
} from "./calendar.ts";
import { easterSunday, formatDay } from "./holidays.ts";

const day: TimeSegment[] = [{ from: "09:00", to: "17:00" }];
const monFri = { mon: day, tue: day, wed: day, thu: day, fri: day };
const calendar = (holidays: HolidayRule[], extra: Partial<BusinessCalendarSpec> = {}) =>
  compileCalendar({ timezone: "America/New_York", hours: monFri, holidays, ...extra });
const dates = (cal: ReturnType<typeof calendar>, from: string, to: string) =>
  holidaysBetween(cal, from, to).map((h) => h.date);

describe("holiday rules", () => {
  it("finds the nth and the last weekday of a month", () => {
    const us = calendar([
      { name: "Thanksgiving", month: 11, weekday: "thu", nth: 4 },
      { name: "Memorial Day", month: 5, weekday: "mon", nth: -1 },
      { name: "Labor Day", month: 9, weekday: "mon", nth: 1 },
    ]);
    expect(holidaysBetween(us, "2026-01-01", "2026-12-31")).toEqual([
      { date: "2026-05-25", name: "Memorial Day" },
      { date: "2026-09-07", name: "Labor Day" },
      { date: "2026-11-26", name: "Thanksgiving" },
    ]);
    expect(dates(us, "2035-11-01", "2035-11-30")).toEqual(["2035-11-22"]);
  });

  it("has no holiday in a month without a fifth such weekday", () => {
    const cal = calendar([
      { name: "Fifth Monday", month: 5, weekday: "mon", nth: 5 },
      { name: "Fifth Friday", month: 10, weekday: "fri", nth: 5 },
      { name: "Fifth Sunday of February", month: 2, weekday: "sun", nth: 5 },
    ]);
    // May 2026 has four Mondays (4–25); October 2026 has five Fridays (2–30); February 2026 has 28 days.
    expect(dates(cal, "2026-01-01", "2026-12-31")).toEqual(["2026-10-30"]);
    // May 2027 has five Mondays (3–31); February 2032 (leap year) has a fifth Sunday, the 29th.
    expect(dates(cal, "2027-05-01", "2027-05-31")).toEqual(["2027-05-31"]);
    expect(dates(cal, "2032-02-01", "2032-02-29")).toEqual(["2032-02-29"]);
  });

  it("places one-off dates and 29 February only where they exist", () => {
    const cal = calendar([
      { name: "Company anniversary", date: "2026-06-12" },
      { name: "Leap day", month: 2, day: 29 },
    ]);
    expect(dates(cal, "2026-01-01", "2028-12-31")).toEqual(["2026-06-12", "2028-02-29"]);
  });

  it("computes Western Easter and days relative to it", () => {
    const known: Record<number, string> = {
      1818: "1818-03-22",
      1943: "1943-04-25",
      2000: "2000-04-23",
      2024: "2024-03-31",
      2025: "2025-04-20",
      2026: "2026-04-05",
      2027: "2027-03-28",
      2038: "2038-04-25",
      2285: "2285-03-22",
    };
    for (const [year, date] of Object.entries(known))
      expect(formatDay(easterSunday(Number(year)))).toBe(date);
    const cal = calendar([
      { name: "Good Friday", easter: -2 },
      { name: "Easter Monday", easter: 1 },
      { name: "Whit Monday", easter: 50 },
    ]);
    expect(holidaysBetween(cal, "2027-01-01", "2027-12-31")).toEqual([
      { date: "2027-03-26", name: "Good Friday" },
      { date: "2027-03-29", name: "Easter Monday" },
      { date: "2027-05-17", name: "Whit Monday" },
    ]);
  });
});

describe("observed dates", () => {
  it("moves a Saturday holiday to Friday and a Sunday one to Monday with nearest_weekday", () => {
    const us = calendar([
      { name: "Independence Day", month: 7, day: 4, observed: "nearest_weekday" },
      { name: "Christmas Day", month: 12, day: 25, observed: "nearest_weekday" },
    ]);
    expect(holidaysBetween(us, "2026-01-01", "2026-12-31")).toEqual([
      { date: "2026-07-03", name: "Independence Day", observedFrom: "2026-07-04" },
      { date: "2026-12-25", name: "Christmas Day" },
    ]);
    // 25 December 2022 was a Sunday.
    expect(holidaysBetween(us, "2022-12-01", "2022-12-31")).toEqual([
      { date: "2022-12-26", name: "Christmas Day", observedFrom: "2022-12-25" },
    ]);
    // The observed date is closed; the actual Saturday was closed anyway.
    expect(isOpen(us, Date.parse("2026-07-03T10:00:00-04:00"))).toBe(false);
    expect(isOpen(us, Date.parse("2026-07-02T10:00:00-04:00"))).toBe(true);
  });

  it("observes New Year's Day on Saturday in the year before", () => {
    const us = calendar([{ name: "New Year's Day", month: 1, day: 1, observed: "nearest_weekday" }]);
    expect(holidaysBetween(us, "2021-12-01", "2022-01-31")).toEqual([
      { date: "2021-12-31", name: "New Year's Day", observedFrom: "2022-01-01" },
    ]);
  });

  it("gives UK substitute days with next_weekday: Christmas 2027 on Monday 27, Boxing Day on Tuesday 28", () => {
    const uk = compileCalendar({
      timezone: "Europe/London",
      hours: monFri,
      holidays: [
        { name: "Christmas Day", month: 12, day: 25, observed: "next_weekday" },
        { name: "Boxing Day", month: 12, day: 26, observed: "next_weekday" },
      ],
    });
    expect(holidaysBetween(uk, "2027-12-01", "2027-12-31")).toEqual([
      { date: "2027-12-27", name: "Christmas Day", observedFrom: "2027-12-25" },
      { date: "2027-12-28", name: "Boxing Day", observedFrom: "2027-12-26" },
    ]);
    // 2022: Christmas on Sunday skips Boxing Day (Monday 26) and lands on Tuesday 27.
    expect(holidaysBetween(uk, "2022-12-01", "2022-12-31")).toEqual([
      { date: "2022-12-26", name: "Boxing Day" },
      { date: "2022-12-27", name: "Christmas Day", observedFrom: "2022-12-25" },
    ]);
    // A weekday holiday stays put.
    expect(dates(uk, "2025-12-01", "2025-12-31")).toEqual(["2025-12-25", "2025-12-26"]);
  });

  it("takes the weekend from the weekly hours", () => {
    const rules: HolidayRule[] = [
      { name: "Saturday holiday", date: "2026-07-04" },
      { name: "National Day", month: 7, day: 4, observed: "nearest_weekday" },
      { name: "Founders' Day", month: 7, day: 10, observed: "nearest_weekday" },
      { name: "Substitute", month: 7, day: 11, observed: "next_weekday" },
    ];
    // Open Monday to Saturday: only Sunday is weekend.
    const sixDays = calendar(rules, { hours: { ...monFri, sat: day } });
    expect(dates(sixDays, "2026-07-01", "2026-07-31")).toEqual([
      "2026-07-04",
      "2026-07-04",
      "2026-07-10",
      "2026-07-11",
    ]);
    // Sunday to Thursday (Friday and Saturday off): Friday → Thursday, Saturday → Sunday.
    const sunThu = calendar(rules, { hours: { sun: day, mon: day, tue: day, wed: day, thu: day } });
    expect(holidaysBetween(sunThu, "2026-07-01", "2026-07-31")).toEqual([
      { date: "2026-07-04", name: "Saturday holiday" },
      { date: "2026-07-05", name: "National Day", observedFrom: "2026-07-04" },
      { date: "2026-07-09", name: "Founders' Day", observedFrom: "2026-07-10" },
      { date: "2026-07-12", name: "Substitute", observedFrom: "2026-07-11" },
    ]);
    // 24x7 calendars list holidays with Saturday and Sunday as the weekend.
    const always = compileCalendar({ timezone: "UTC", hours: "24x7", holidays: rules });
    expect(dates(always, "2026-07-01", "2026-07-31")).toEqual([
      "2026-07-03",
      "2026-07-04",
      "2026-07-10",
      "2026-07-13",
    ]);
  });

  it("does not substitute onto a day that is already a holiday", () => {
    const cal = calendar([
      { name: "Weekend holiday", month: 7, day: 4, observed: "next_weekday" },
      { name: "Monday holiday", month: 7, weekday: "mon", nth: 1 },
    ]);
    // 4 July 2026 is a Saturday; Monday 6 July is the first Monday of July.
    expect(dates(cal, "2026-07-01", "2026-07-31")).toEqual(["2026-07-06", "2026-07-07"]);
  });
});

describe("holidaysBetween", () => {
  it("includes both ends and rejects malformed dates", () => {
    const cal = calendar([{ name: "Thanksgiving", month: 11, weekday: "thu", nth: 4 }]);
    expect(dates(cal, "2026-11-26", "2026-11-26")).toEqual(["2026-11-26"]);
    expect(dates(cal, "2026-11-27", "2026-11-25")).toEqual([]);
    expect(() => holidaysBetween(cal, "2026-11-31", "2026-12-31")).toThrow(RangeError);
    expect(() => holidaysBetween(cal, "26-11-01", "2026-12-31")).toThrow(/fromDate/);
  });
});
