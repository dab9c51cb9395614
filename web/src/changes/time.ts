/**
 * Change times live in the protocol's time zone: people plan "Sunday 02:00" in the zone the
 * agreement names, and the calendar's days are that zone's days. These helpers add what the
 * protocol pages' zone.ts does not have: input values from instants, and day arithmetic for the
 * calendar (Luxon, DST gaps and overlaps included).
 */
import { DateTime } from "luxon";
import { viewerZone } from "../protocol/zone.ts";

/** An instant as a `datetime-local` value ("2026-11-29T02:00") of its wall-clock time in `zone`. */
export function isoToInputValue(iso: string, zone: string): string {
  const at = DateTime.fromISO(iso, { zone });
  return at.isValid ? at.toFormat("yyyy-LL-dd'T'HH:mm") : "";
}

/** Whether the viewer's clock differs from the zone's at that moment (then both are shown). */
export function differsFromViewer(iso: string, zone: string): boolean {
  const at = DateTime.fromISO(iso);
  if (!at.isValid) return false;
  return at.setZone(zone).offset !== at.setZone(viewerZone()).offset;
}

const timeOnly = (zone: string) =>
  new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: "2-digit", minute: "2-digit" });

/** "02:00" of the instant in `zone`. */
export function formatTimeInZone(iso: string, zone: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : timeOnly(zone).format(date);
}

/** The calendar day (YYYY-MM-DD) an instant falls on in `zone`. */
export function dayOf(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).toISODate() ?? "";
}

/** Today in `zone`, as YYYY-MM-DD. */
export function todayIn(zone: string): string {
  return DateTime.now().setZone(zone).toISODate() ?? "";
}

/** Midnight at the start of `day` in `zone`, as an RFC 3339 instant. */
export function dayStartIso(day: string, zone: string): string {
  return DateTime.fromISO(day, { zone }).startOf("day").toUTC().toISO({ suppressMilliseconds: true }) ?? "";
}

export function addDays(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: "UTC" }).plus({ days }).toISODate() ?? day;
}

export function addMonths(day: string, months: number): string {
  return DateTime.fromISO(day, { zone: "UTC" }).plus({ months }).toISODate() ?? day;
}

/** The Monday of the week `day` is in. */
export function weekStart(day: string): string {
  const d = DateTime.fromISO(day, { zone: "UTC" });
  return d.minus({ days: d.weekday - 1 }).toISODate() ?? day;
}

/** The first of `day`'s month. */
export function monthStart(day: string): string {
  return DateTime.fromISO(day, { zone: "UTC" }).startOf("month").toISODate() ?? day;
}

/** Minutes since local midnight of `day` in `zone` (negative before it, over 1440 after it). */
export function minutesIntoDay(iso: string, day: string, zone: string): number {
  const start = DateTime.fromISO(day, { zone }).startOf("day");
  return DateTime.fromISO(iso).diff(start, "minutes").minutes;
}

/** How long the zone's `day` is in minutes (1380 or 1500 on DST change days). */
export function dayLengthMinutes(day: string, zone: string): number {
  const start = DateTime.fromISO(day, { zone }).startOf("day");
  return start.plus({ days: 1 }).diff(start, "minutes").minutes;
}

/** "Sunday, March 15, 2026": a calendar day, named the viewer's way. */
export function dayName(day: string): string {
  return new Intl.DateTimeFormat(undefined, {
    timeZone: "UTC",
    weekday: "long",
    month: "long",
    day: "numeric",
    year: "numeric",
  }).format(new Date(`${day}T12:00:00Z`));
}

/** "March 2026". */
export function monthName(day: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone: "UTC", month: "long", year: "numeric" }).format(
    new Date(`${day}T12:00:00Z`),
  );
}

/** "Mon", "Tue"… for the column heads (Monday first). */
export function weekdayShort(day: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone: "UTC", weekday: "short" }).format(
    new Date(`${day}T12:00:00Z`),
  );
}

/** "Mar 15" */
export function shortDate(day: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone: "UTC", month: "short", day: "numeric" }).format(
    new Date(`${day}T12:00:00Z`),
  );
}

/** A start moved to `newStart`, the end keeping the same duration (both RFC 3339). */
export function shiftWindow(start: string, end: string, newStart: string): { start: string; end: string } {
  const duration = Date.parse(end) - Date.parse(start);
  const s = Date.parse(newStart);
  return {
    start: new Date(s).toISOString(),
    end: new Date(s + (Number.isFinite(duration) && duration > 0 ? duration : 3_600_000)).toISOString(),
  };
}
