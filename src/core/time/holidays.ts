/**
 * Civil-date helpers and holiday-rule resolution for business calendars. Dates are "day numbers"
 * (whole days since 1970-01-01 in the proleptic Gregorian calendar), which keeps date arithmetic
 * exact and independent of any time zone; calendar.ts turns them into instants.
 */
import type { HolidayRule, ObservedRule, Weekday } from "./calendar.ts";

export const DAY_MS = 86_400_000;

/** Weekday keys in index order: 0 = Monday … 6 = Sunday. */
export const WEEKDAY_KEYS: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** Day number of a civil date (month 1–12). */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** 0 = Monday … 6 = Sunday. 1970-01-01 was a Thursday. */
export function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** "YYYY-MM-DD" of a day number. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The civil year, month (1–12) and day of a day number. */
export function civilOf(day: number): { year: number; month: number; day: number } {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a strict "YYYY-MM-DD", or undefined when the text is not a real date. */
export function parseDay(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return dayNumber(y, mo, d);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumber(year, month, day);
}

/** A validated holiday rule, with dates as day numbers and weekdays as indexes. */
export type CompiledHolidayRule =
  | { kind: "date"; name: string; day: number }
  | { kind: "fixed"; name: string; month: number; day: number; observed: ObservedRule }
  | { kind: "nth"; name: string; month: number; weekday: number; nth: number; observed: ObservedRule }
  | { kind: "easter"; name: string; offset: number };

/** A holiday placed on the date it closes. `observedFrom` is its actual date when a rule moved it. */
export interface ResolvedHoliday {
  day: number;
  name: string;
  observedFrom?: number;
}

const OBSERVED: readonly ObservedRule[] = ["none", "nearest_weekday", "next_weekday"];

const isInt = (v: unknown, lo: number, hi: number): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi;

/** Checks one holiday rule from a spec; throws RangeError naming the rule and the problem. */
export function compileHolidayRule(rule: HolidayRule, index: number): CompiledHolidayRule {
  const where = `holidays[${index}]`;
  if (rule === null || typeof rule !== "object") throw new RangeError(`${where} must be an object`);
  const r = rule as unknown as Record<string, unknown>;
  if (typeof r.name !== "string") throw new RangeError(`${where}.name must be a string`);
  const name = r.name;
  const observed = (): ObservedRule => {
    const o = r.observed ?? "none";
    if (!OBSERVED.includes(o as ObservedRule)) {
      throw new RangeError(
        `${where}.observed must be one of ${OBSERVED.join(", ")}, not ${JSON.stringify(o)}`,
      );
    }
    return o as ObservedRule;
  };
  if ("date" in r) {
    const day = parseDay(r.date);
    if (day === undefined) throw new RangeError(`${where}.date must be a real date as YYYY-MM-DD`);
    return { kind: "date", name, day };
  }
  if ("easter" in r) {
    if (!isInt(r.easter, -366, 366)) throw new RangeError(`${where}.easter must be a whole number of days`);
    return { kind: "easter", name, offset: r.easter };
  }
  if (!isInt(r.month, 1, 12)) throw new RangeError(`${where}.month must be an integer from 1 to 12`);
  const month = r.month;
  if ("weekday" in r) {
    const weekday = WEEKDAY_KEYS.indexOf(r.weekday as Weekday);
    if (weekday < 0) throw new RangeError(`${where}.weekday must be one of ${WEEKDAY_KEYS.join(", ")}`);
    if (!(isInt(r.nth, 1, 5) || r.nth === -1))
      throw new RangeError(`${where}.nth must be 1, 2, 3, 4, 5 or -1`);
    return { kind: "nth", name, month, weekday, nth: r.nth as number, observed: observed() };
  }
  // 29 February is accepted: in years without one there is no holiday.
  if (!isInt(r.day, 1, daysInMonth(2000, month))) {
    throw new RangeError(`${where}.day must be a day of month ${month}`);
  }
  return { kind: "fixed", name, month, day: r.day, observed: observed() };
}

/** The actual date of a rule in a year, or undefined when it has none that year. */
function actualDay(rule: CompiledHolidayRule, year: number): number | undefined {
  switch (rule.kind) {
    case "date":
      return civilOf(rule.day).year === year ? rule.day : undefined;
    case "easter":
      return easterSunday(year) + rule.offset;
    case "fixed":
      return rule.day <= daysInMonth(year, rule.month) ? dayNumber(year, rule.month, rule.day) : undefined;
    case "nth": {
      const last = daysInMonth(year, rule.month);
      if (rule.nth === -1) {
        const lastDay = dayNumber(year, rule.month, last);
        return lastDay - ((weekdayOf(lastDay) - rule.weekday + 7) % 7);
      }
      const first = dayNumber(year, rule.month, 1);
      const offset = ((rule.weekday - weekdayOf(first) + 7) % 7) + 7 * (rule.nth - 1);
      return offset < last ? first + offset : undefined;
    }
  }
}

/**
 * The holidays observed in `year`, sorted by date (then rule order). `weekend[i]` is true for
 * weekdays the calendar never opens. Rules of the neighbouring years are resolved too, because an
 * observed date can cross New Year (1 January on a Saturday is observed on 31 December).
 */
export function resolveHolidays(
  rules: readonly CompiledHolidayRule[],
  year: number,
  weekend: readonly boolean[],
): ResolvedHoliday[] {
  const isWeekend = (day: number) => weekend[weekdayOf(day)] === true;
  const placed: Array<{ day: number; from: number; name: string; order: number }> = [];
  const movers: Array<{ from: number; name: string; order: number }> = [];
  const taken = new Set<number>();
  let order = 0;
  for (let y = year - 1; y <= year + 1; y++) {
    for (const rule of rules) {
      const from = actualDay(rule, y);
      order++;
      if (from === undefined) continue;
      const observed = rule.kind === "fixed" || rule.kind === "nth" ? rule.observed : "none";
      let day = from;
      if (observed !== "none" && isWeekend(from)) {
        if (observed === "next_weekday") {
          movers.push({ from, name: rule.name, order });
          continue;
        }
        day = nearestWorkday(from, isWeekend);
      }
      placed.push({ day, from, name: rule.name, order });
      taken.add(day);
    }
  }
  // Substitute days go, in date order, to the next day that is neither weekend nor already a holiday
  // (UK: Christmas on Saturday → Monday, Boxing Day on Sunday → Tuesday).
  movers.sort((a, b) => a.from - b.from || a.order - b.order);
  for (const m of movers) {
    let day = m.from + 1;
    while (isWeekend(day) || taken.has(day)) day++;
    taken.add(day);
    placed.push({ day, from: m.from, name: m.name, order: m.order });
  }
  const first = dayNumber(year, 1, 1);
  const last = dayNumber(year, 12, 31);
  return placed
    .filter((p) => p.day >= first && p.day <= last)
    .sort((a, b) => a.day - b.day || a.from - b.from || a.order - b.order)
    .map((p) =>
      p.day === p.from ? { day: p.day, name: p.name } : { day: p.day, name: p.name, observedFrom: p.from },
    );
}

/** The nearest day that is not weekend; a tie goes to the later day (Saturday → Friday, Sunday → Monday). */
function nearestWorkday(day: number, isWeekend: (day: number) => boolean): number {
  for (let k = 1; k < 7; k++) {
    if (!isWeekend(day + k)) return day + k;
    if (!isWeekend(day - k)) return day - k;
  }
  return day; // unreachable: a calendar has at least one open weekday
}
