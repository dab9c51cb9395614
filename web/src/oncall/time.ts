/**
 * Times of on-call schedules: every schedule runs in one IANA zone, and shifts, gaps and the
 * timeline's days are shown in it (Luxon does the zone arithmetic, DST days included).
 */
import { DateTime } from "luxon";
import { viewerZone } from "../protocol/zone.ts";

const dayAndTime = (zone: string) =>
  new Intl.DateTimeFormat(undefined, {
    timeZone: zone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
const timeOnly = (zone: string) =>
  new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: "2-digit", minute: "2-digit" });

/** "Sat 21 Nov, 13:39" in `zone`. */
export function formatShort(iso: string, zone: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : dayAndTime(zone).format(at);
}

/** "Sat 21 Nov, 09:00 – 17:00" on one day, else "Sat 21 Nov, 18:00 → Mon 23 Nov, 08:00", in `zone`. */
export function formatSpan(startIso: string, endIso: string, zone: string): string {
  const start = DateTime.fromISO(startIso, { zone });
  const end = DateTime.fromISO(endIso, { zone });
  if (!start.isValid || !end.isValid) return `${startIso} – ${endIso}`;
  if (start.hasSame(end, "day"))
    return `${formatShort(startIso, zone)} – ${timeOnly(zone).format(end.toJSDate())}`;
  return `${formatShort(startIso, zone)} → ${formatShort(endIso, zone)}`;
}

/** How long a span lasts, roughly: "3 days 14 h", "6 h 20 min", "45 min". */
export function formatLength(startIso: string, endIso: string): string {
  const minutes = Math.round((Date.parse(endIso) - Date.parse(startIso)) / 60_000);
  if (!Number.isFinite(minutes) || minutes <= 0) return "";
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days)
    return hours
      ? `${days} ${days === 1 ? "day" : "days"} ${hours} h`
      : `${days} ${days === 1 ? "day" : "days"}`;
  if (hours) return mins ? `${hours} h ${mins} min` : `${hours} h`;
  return `${mins} min`;
}

export interface DaySlot {
  /** YYYY-MM-DD in the zone. */
  day: string;
  start: number;
  end: number;
}

/** The zone's days overlapping [from, to), each clipped to the range, in epoch ms. */
export function daysBetween(fromIso: string, toIso: string, zone: string): DaySlot[] {
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  const out: DaySlot[] = [];
  if (!(to > from)) return out;
  let day = DateTime.fromMillis(from, { zone }).startOf("day");
  // A year of days at most, whatever the server answered.
  for (let i = 0; i < 400 && day.toMillis() < to; i++) {
    const next = day.plus({ days: 1 }).startOf("day");
    out.push({
      day: day.toISODate() ?? "",
      start: Math.max(from, day.toMillis()),
      end: Math.min(to, next.toMillis()),
    });
    day = next;
  }
  return out;
}

/** Whether the viewer's clock reads differently from the zone's now (then the page says so). */
export function zoneDiffersFromViewer(zone: string): boolean {
  const now = DateTime.now();
  return now.setZone(zone).offset !== now.setZone(viewerZone()).offset;
}

/** Every IANA zone the browser knows, for the schedule's zone picker. */
export function knownZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    const zones = intl.supportedValuesOf?.("timeZone") ?? [];
    return zones.includes("UTC") ? zones : ["UTC", ...zones];
  } catch {
    return ["UTC"];
  }
}

/** A schedule's local date and time as written ("2026-11-16T09:00") as "Mon 16 Nov 2026, 09:00". */
export function formatLocalDateTime(text: string): string {
  const at = DateTime.fromISO(text, { zone: "UTC" });
  if (!at.isValid) return text;
  return new Intl.DateTimeFormat(undefined, {
    timeZone: "UTC",
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(at.toJSDate());
}
