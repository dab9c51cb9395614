import { DAY_MS } from "../../core/time/holidays.ts";
import { zoneTable } from "../../core/time/intervals.ts";
import { expandRecurrence } from "../../core/time/recurrence.ts";
import { type CompiledProtocol, recurrenceOf } from "../protocol/protocol.compile.ts";

/**
 * The change module's arithmetic on the protocol, as pure functions of epoch milliseconds:
 * maintenance windows and blackouts in a range, the approval rule of a change, the conflicts
 * shown before approval, and the notice plan.
 */

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
