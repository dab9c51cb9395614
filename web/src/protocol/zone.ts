/**
 * Times in the protocol's time zone. Deadlines run on the protocol's business calendar, so they are
 * shown in its zone first, and in the viewer's own zone when that differs. Luxon does the
 * wall-clock ↔ instant conversion (DST gaps and overlaps included), the same library the server's
 * calendar uses.
 */
import { DateTime } from "luxon";

/** The viewer's time zone, e.g. "Europe/Paris". */
export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** "Mon 23 Nov 2026, 08:00" in `zone`, in the viewer's locale. */
export function formatInZone(iso: string, zone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, {
    timeZone: zone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(date);
}

/** The zone's short name at that moment ("EST", "GMT+1"), for a label next to a time. */
export function zoneAbbreviation(iso: string, zone: string): string {
  const parts = new Intl.DateTimeFormat(undefined, { timeZone: zone, timeZoneName: "short" }).formatToParts(
    new Date(iso),
  );
  return parts.find((p) => p.type === "timeZoneName")?.value ?? zone;
}

/** A calendar date (YYYY-MM-DD) as "Thu 26 Nov 2026", without any zone shifting it. */
export function formatCalendarDate(date: string): string {
  const at = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(at.getTime())) return date;
  return new Intl.DateTimeFormat(undefined, {
    timeZone: "UTC",
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
  }).format(at);
}

/** The current wall-clock time in `zone`, as a `datetime-local` input value ("2026-11-21T12:05"). */
export function nowInputValue(zone: string): string {
  return DateTime.now().setZone(zone).startOf("minute").toFormat("yyyy-LL-dd'T'HH:mm");
}

/**
 * A `datetime-local` value read as wall-clock time in `zone`, as an RFC 3339 instant; null when
 * it is not a complete date and time.
 */
export function inputValueToIso(value: string, zone: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const at = DateTime.fromISO(value, { zone });
  return at.isValid ? at.toUTC().toISO({ suppressMilliseconds: true }) : null;
}
