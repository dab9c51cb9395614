import * as rruleModule from "rrule";
import { zoneTable } from "./intervals.ts";

// rrule ships CommonJS to Node (named exports under `default`) and ESM to bundlers; accept both.
const { RRule } = (rruleModule as unknown as { default?: typeof rruleModule }).default ?? rruleModule;

/**
 * A recurring local-time event: an RFC 5545 rule, a wall-clock start time in a zone, and a
 * length. Maintenance windows, recurring blackouts, touchpoint meetings and report schedules are
 * all this shape.
 */
export interface Recurrence {
  /** RFC 5545 RRULE without DTSTART, e.g. `FREQ=WEEKLY;INTERVAL=2;BYDAY=TU`. */
  rule: string;
  /** Local start time "HH:MM". */
  at: string;
  /** The date the rule counts from (YYYY-MM-DD); matters for INTERVAL > 1. */
  from?: string;
  /** Length of each occurrence in ms (0 for instants such as report dates). */
  durationMs: number;
}

export const DEFAULT_RECURRENCE_ANCHOR = "2026-01-01";

/** Checks a rule; returns what is wrong with it, or null. The parser alone lets bad BYDAY values through. */
export function ruleProblem(rule: string): string | null {
  const text = rule.replace(/^RRULE:/i, "");
  for (const part of text.split(";")) {
    const [key, value = ""] = part.split("=");
    const values = value.split(",");
    if (key === "BYDAY" && !values.every((v) => /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.test(v)))
      return `BYDAY=${value}: use day codes MO, TU, WE, TH, FR, SA, SU, optionally with a position such as 1SA or -1FR`;
    if (
      /^BY(MONTH|MONTHDAY|YEARDAY|WEEKNO|HOUR|MINUTE|SECOND|SETPOS)$/.test(key!) &&
      !values.every((v) => /^[+-]?\d+$/.test(v))
    )
      return `${key}=${value}: use whole numbers`;
    if ((key === "INTERVAL" || key === "COUNT") && !/^[1-9]\d*$/.test(value))
      return `${key}=${value}: use a whole number of 1 or more`;
  }
  try {
    RRule.parseString(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * The occurrences of a recurrence that overlap [fromMs, toMs), as epoch-ms intervals. The rule
 * is evaluated in floating local time and each occurrence is then placed in the zone, so a 02:00
 * weekly window stays at 02:00 local across DST changes (a start inside a skipped hour moves to
 * the first instant after the gap).
 */
export function expandRecurrence(
  rec: Recurrence,
  timezone: string,
  fromMs: number,
  toMs: number,
  limit = 10_000,
): Array<[number, number]> {
  const [h, m] = rec.at.split(":").map(Number) as [number, number];
  const anchor = rec.from ?? DEFAULT_RECURRENCE_ANCHOR;
  const [y, mo, d] = anchor.split("-").map(Number) as [number, number, number];
  const options = RRule.parseString(rec.rule.replace(/^RRULE:/i, ""));
  const rule = new RRule({ ...options, dtstart: new Date(Date.UTC(y, mo - 1, d, h, m)) });
  // Floating bounds: widen by a day plus the occurrence length on each side, then clip exactly.
  const zone = zoneTable(timezone);
  const pad = 36 * 3_600_000 + rec.durationMs;
  const floatingFrom = new Date(zone.instantToWall(fromMs) - pad);
  const floatingTo = new Date(zone.instantToWall(toMs) + 36 * 3_600_000);
  const out: Array<[number, number]> = [];
  rule.between(floatingFrom, floatingTo, true, (date) => {
    // The rule yields wall times read as UTC; place each in the zone.
    const start = zone.wallToInstant(date.getTime());
    const end = start + rec.durationMs;
    if (end > fromMs && start < toMs) out.push([start, end]);
    else if (rec.durationMs === 0 && start >= fromMs && start < toMs) out.push([start, start]);
    return out.length < limit;
  });
  return out;
}

/** A rule in words, as rrule writes it ("every 2 weeks on Tuesday"); a rule it cannot word stays as written. */
export function ruleText(rule: string): string {
  const text = rule.replace(/^RRULE:/i, "");
  try {
    const r = RRule.fromString(text);
    return r.isFullyConvertibleToText() ? r.toText() : text;
  } catch {
    return text;
  }
}
