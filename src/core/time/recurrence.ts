import { DateTime } from "luxon";
import * as rruleModule from "rrule";

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

/** Checks a rule parses; returns the parser's message when it does not. */
export function ruleProblem(rule: string): string | null {
  try {
    RRule.parseString(rule.replace(/^RRULE:/i, ""));
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
  const pad = 36 * 3_600_000 + rec.durationMs;
  const floatingFrom = new Date(toFloating(fromMs, timezone) - pad);
  const floatingTo = new Date(toFloating(toMs, timezone) + 36 * 3_600_000);
  const out: Array<[number, number]> = [];
  rule.between(floatingFrom, floatingTo, true, (date) => {
    const start = DateTime.fromObject(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: date.getUTCHours(),
        minute: date.getUTCMinutes(),
      },
      { zone: timezone },
    ).toMillis();
    const end = start + rec.durationMs;
    if (end > fromMs && start < toMs) out.push([start, end]);
    else if (rec.durationMs === 0 && start >= fromMs && start < toMs) out.push([start, start]);
    return out.length < limit;
  });
  return out;
}

/** The local wall time of an instant, read as if it were UTC (for rule evaluation). */
function toFloating(ms: number, timezone: string): number {
  const local = DateTime.fromMillis(ms, { zone: timezone });
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}
