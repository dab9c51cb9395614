import {
  addBusinessTime,
  type BusinessCalendarSpec,
  businessTimeBetween,
  type Calendar,
  compileCalendar,
  type HolidayRule,
  type Interval,
  nextBusinessDayEnd,
  nextBusinessDayStart,
  nextOpening,
  type TimeSegment,
  type Weekday,
} from "../../core/time/calendar.ts";
import { DAY_MS } from "../../core/time/holidays.ts";
import { zoneTable } from "../../core/time/intervals.ts";
import { expandRecurrence, type Recurrence } from "../../core/time/recurrence.ts";
import type { ClockName, ProtocolDoc, Severity } from "./protocol.document.ts";
import {
  type Duration,
  parseDuration,
  parseSegment,
  parseTarget,
  type Target,
} from "./protocol.durations.ts";

/**
 * A valid protocol document turned into what the rest of Liaison runs on: the compiled business
 * calendar, parsed targets, and the arithmetic that turns a severity and a start time into
 * deadlines. Later modules (tickets, changes, on-call, touchpoints) call these functions rather
 * than reading durations themselves.
 */
export type ClockKind = "24x7" | "business";

export interface SeverityTargets {
  name: string;
  impact: string;
  response: { target: Target; clock: ClockKind };
  resolution: { target: Target; clock: ClockKind };
  updates: { every: Duration; clock: ClockKind };
}

export interface CompiledProtocol {
  doc: ProtocolDoc;
  timezone: string;
  calendarSpec: BusinessCalendarSpec;
  /** The business calendar. */
  calendar: Calendar;
  /** A 24x7 calendar in the protocol's zone. */
  always: Calendar;
  severities: Record<Severity, SeverityTargets>;
}

const cache = new WeakMap<ProtocolDoc, CompiledProtocol>();

export function calendarSpecOf(doc: ProtocolDoc): BusinessCalendarSpec {
  const hours: BusinessCalendarSpec["hours"] =
    doc.calendar.hours === "24x7"
      ? "24x7"
      : Object.fromEntries(
          Object.entries(doc.calendar.hours).map(([day, segments]) => [
            day as Weekday,
            (segments ?? []).map((s) => parseSegment(s) as TimeSegment),
          ]),
        );
  const holidays = doc.calendar.holidays.map((h) => {
    const rule: Record<string, unknown> = { name: h.name };
    for (const key of ["date", "month", "day", "weekday", "nth", "easter", "observed"] as const)
      if (h[key] !== undefined) rule[key] = h[key];
    return rule as unknown as HolidayRule;
  });
  const exceptions = doc.calendar.exceptions.map((e) => ({
    date: e.date,
    ...(e.name ? { name: e.name } : {}),
    ...(e.closed ? { closed: true } : {}),
    ...(e.hours ? { hours: e.hours.map((s) => parseSegment(s) as TimeSegment) } : {}),
  }));
  return { timezone: doc.timezone, hours, holidays, exceptions };
}

/** Compiles a valid document (cached per document object). Throws RangeError for a calendar with no open time. */
export function compileProtocol(doc: ProtocolDoc): CompiledProtocol {
  const hit = cache.get(doc);
  if (hit) return hit;
  const calendarSpec = calendarSpecOf(doc);
  const severities = Object.fromEntries(
    Object.entries(doc.severities).map(([key, s]) => [
      key,
      {
        name: s.name,
        impact: s.impact,
        response: { target: parseTarget(s.response.within)!, clock: s.response.clock },
        resolution: { target: parseTarget(s.resolution.within)!, clock: s.resolution.clock },
        updates: { every: parseDuration(s.updates.every)!, clock: s.updates.clock },
      },
    ]),
  ) as Record<Severity, SeverityTargets>;
  const compiled: CompiledProtocol = {
    doc,
    timezone: doc.timezone,
    calendarSpec,
    calendar: compileCalendar(calendarSpec),
    always: compileCalendar({ timezone: doc.timezone, hours: "24x7" }),
    severities,
  };
  cache.set(doc, compiled);
  return compiled;
}

export const calendarFor = (p: CompiledProtocol, clock: ClockKind): Calendar =>
  clock === "business" ? p.calendar : p.always;

/** A duration as an amount of clock time: elapsed ms, or business days × the calendar's standard day. */
export function durationMs(p: CompiledProtocol, d: Duration): number {
  return d.kind === "elapsed" ? d.ms : d.days * p.calendar.dayLength;
}

/**
 * How much clock time a target allows for something that started at `start`: a duration is
 * fixed; `next_business_day` is the business time from `start` to the start (response) or end
 * (resolution, updates) of the next business day, fixed at the moment the clock starts so pauses
 * later extend it like any other target; `as_available` has no deadline (null).
 */
export function targetBudget(
  p: CompiledProtocol,
  target: Target,
  clock: ClockKind,
  which: ClockName,
  start: number,
): number | null {
  if (target.kind === "as_available") return null;
  if (target.kind !== "next_business_day") return durationMs(p, target);
  const due =
    which === "response" ? nextBusinessDayStart(p.calendar, start) : nextBusinessDayEnd(p.calendar, start);
  return Math.max(0, businessTimeBetween(calendarFor(p, clock), start, due));
}

/**
 * The deadline of one clock of a severity, for a clock that started at `start` and was paused
 * during `pauses`; null when the target is `as_available`.
 */
export function computeDeadline(
  p: CompiledProtocol,
  severity: Severity,
  which: ClockName,
  start: number,
  pauses?: readonly Interval[],
): number | null {
  const s = p.severities[severity];
  const spec = which === "updates" ? { target: s.updates.every as Target, clock: s.updates.clock } : s[which];
  const budget = targetBudget(p, spec.target, spec.clock, which, start);
  if (budget === null) return null;
  const cal = calendarFor(p, spec.clock);
  const due = addBusinessTime(cal, start, budget, pauses);
  // "By the start of the next business day": the budget runs out at a closing, and the deadline
  // is the next opening after it, not the evening before.
  return spec.target.kind === "next_business_day" && which === "response"
    ? nextOpening(cal, due, pauses)
    : due;
}

/** The impact answers asked at intake. */
export interface ImpactAnswers {
  peopleAffected: "one" | "team" | "many" | "everyone";
  workaround: boolean;
  criticalFunctionStopped: boolean;
}

/** The severity the impact matrix suggests: the first rule that matches, else `low`. */
export function suggestSeverity(p: CompiledProtocol | ProtocolDoc, a: ImpactAnswers): Severity {
  const doc = "doc" in p ? p.doc : p;
  for (const rule of doc.impact_matrix.rules) if (ruleMatches(rule, a)) return rule.severity;
  return "low";
}

export function ruleMatches(rule: ProtocolDoc["impact_matrix"]["rules"][number], a: ImpactAnswers): boolean {
  return (
    (rule.people_affected === undefined || rule.people_affected.includes(a.peopleAffected)) &&
    (rule.workaround === undefined || rule.workaround === a.workaround) &&
    (rule.critical_function_stopped === undefined ||
      rule.critical_function_stopped === a.criticalFunctionStopped)
  );
}

/** A recurring section entry (maintenance window, blackout rule, touchpoint, report) as a Recurrence. */
export function recurrenceOf(entry: {
  rule: string;
  at?: string;
  from?: string;
  duration?: string;
}): Recurrence {
  return {
    rule: entry.rule,
    at: entry.at ?? "00:00",
    ...(entry.from ? { from: entry.from } : {}),
    durationMs: entry.duration ? elapsedMs(parseDuration(entry.duration)!) : 0,
  };
}

/** A duration as elapsed time, counting a business day as a calendar day (for windows and blackouts). */
const elapsedMs = (d: Duration): number => (d.kind === "elapsed" ? d.ms : d.days * 86_400_000);

/** One occurrence of a maintenance window. `systems` empty means it covers every system. */
export interface WindowOccurrence {
  name: string;
  start: number;
  end: number;
  systems: string[];
}

/** One blackout period (a dated range, or an occurrence of a recurring blackout). */
export interface BlackoutOccurrence {
  name: string;
  start: number;
  end: number;
  reason: string | null;
}

/** Maintenance window occurrences overlapping [from, to), in start order. */
export function windowsBetween(p: CompiledProtocol, from: number, to: number): WindowOccurrence[] {
  const out: WindowOccurrence[] = [];
  for (const w of p.doc.changes.maintenance_windows)
    for (const [start, end] of expandRecurrence(recurrenceOf(w), p.timezone, from, to, 5_000))
      out.push({ name: w.name, start, end, systems: w.systems });
  return out.sort((a, b) => a.start - b.start || a.name.localeCompare(b.name));
}

/**
 * Blackout periods overlapping [from, to), in start order. A dated blackout runs from local
 * midnight at the start of `from` to local midnight at the end of `to`, in the protocol's zone.
 */
export function blackoutsBetween(p: CompiledProtocol, from: number, to: number): BlackoutOccurrence[] {
  const zone = zoneTable(p.timezone);
  const localMidnight = (date: string, offset = 0) =>
    zone.wallToInstant(Date.parse(`${date}T00:00:00Z`) + offset * DAY_MS);
  const out: BlackoutOccurrence[] = [];
  for (const b of p.doc.changes.blackouts) {
    const reason = b.reason ?? null;
    if (b.from && b.to) {
      const start = localMidnight(b.from);
      const end = localMidnight(b.to, 1);
      if (start < to && end > from) out.push({ name: b.name, start, end, reason });
    } else if (b.rule && b.at && b.duration) {
      const rec = recurrenceOf({ rule: b.rule, at: b.at, duration: b.duration });
      for (const [start, end] of expandRecurrence(rec, p.timezone, from, to, 5_000))
        out.push({ name: b.name, start, end, reason });
    }
  }
  return out.sort((a, b) => a.start - b.start || a.name.localeCompare(b.name));
}
