import { createHash } from "node:crypto";
import ical, {
  ICalCalendarMethod,
  ICalEventStatus,
  ICalEventTransparency,
  type ICalTemporalInstantStub,
  type ICalTemporalPlainDateTimeStub,
  type ICalTemporalZonedDateTimeStub,
} from "ical-generator";
import { tzlib_get_ical_block, tzlib_get_timezones } from "timezones-ical-library";
import { DAY_MS } from "../../core/time/holidays.ts";
import { zoneTable } from "../../core/time/intervals.ts";
import type { Shift } from "./oncall.rotation.ts";

/**
 * A person's on-call shifts as an iCalendar file they can subscribe to. Times are local times of
 * the schedule's zone with a TZID and a VTIMEZONE, computed from Liaison's zone tables (never the
 * server's zone), so a 09:00 handoff shows as 09:00 in every calendar app.
 */

/** A shift as the calendar shows it. */
export type CalendarShift = Shift & { scheduleId: string; scheduleName: string; layerName: string };

/** ical-generator prefixes the "-". */
const PRODID = "//Liaison//On-call calendar//EN";
/** Subscribers are asked to refetch every 15 minutes, so swaps show up soon. */
const FEED_TTL_SECONDS = 15 * 60;

/**
 * METHOD:PUBLISH, one VEVENT per shift. The UID is derived from the schedule, the layer, the
 * rotation or override and the start, so exporting the same schedule again keeps each shift's UID
 * (and a calendar app updates events rather than duplicating them). Shifts are TRANSPARENT: being
 * on call does not make anyone look busy. DTSTAMP is `now`, in UTC.
 */
export function renderShiftsCalendar(input: {
  personName: string;
  timeZone: string;
  publicUrl: string;
  calendarName: string;
  shifts: CalendarShift[];
  now: number;
}): string {
  const zone = ianaName(input.timeZone);
  const base = input.publicUrl.replace(/\/+$/, "");
  const domain = new URL(base).hostname;
  const cal = ical({
    prodId: PRODID,
    method: ICalCalendarMethod.PUBLISH,
    name: clean(input.calendarName),
    // No calendar-wide zone: with one, ical-generator 10.2 writes DTSTAMP as a floating local time,
    // and RFC 5545 3.8.7.2 wants UTC. Each event names its zone, which brings in the VTIMEZONE.
    timezone: { name: null, generator: vtimezone },
  });
  cal.ttl(FEED_TTL_SECONDS);
  const seen = new Set<string>();
  for (const s of input.shifts) {
    const source = s.overrideId !== null ? `override:${s.overrideId}` : `rotation:${s.rotationId ?? ""}`;
    const hash = createHash("sha1").update(`${s.scheduleId}|${s.layer}|${source}|${s.start}`).digest("hex");
    const id = `oncall-${hash}@${domain}`;
    // One UID twice in a file makes clients keep either at random.
    if (seen.has(id)) continue;
    seen.add(id);
    const lines = [
      `${clean(input.personName)} is on call (${clean(s.layerName)}) for ${clean(s.scheduleName)}.`,
    ];
    if (s.overrideId !== null) lines.push("This is an override: a one-off swap.");
    lines.push("", `${base}/oncall`);
    cal.createEvent({
      id,
      sequence: 0,
      stamp: instant(input.now),
      start: instant(s.start),
      end: instant(s.end),
      timezone: shownOnce(s.start, zone) && shownOnce(s.end, zone) ? zone : null,
      summary: `On call (${clean(s.layerName)}): ${clean(s.scheduleName)}`,
      description: lines.join("\n"),
      url: `${base}/oncall`,
      status: ICalEventStatus.CONFIRMED,
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }
  return cal.toString();
}

/**
 * Whether the zone's clock shows t's wall time only once. A time in the hour repeated when summer
 * time ends is ambiguous in a TZID value (RFC 5545 3.3.5 means the first, ical.js reads the
 * second), so events touching one are written in UTC.
 */
function shownOnce(t: number, zone: string): boolean {
  const table = zoneTable(zone);
  const wall = table.instantToWall(t);
  // Offsets in force within a day of t; each that puts some instant at the same wall time is an
  // occurrence of it.
  const offsets = new Set([t - DAY_MS, t, t + DAY_MS].map((x) => table.instantToWall(x) - x));
  let occurrences = 0;
  for (const o of offsets) if (table.instantToWall(wall - o) === wall) occurrences++;
  return occurrences === 1;
}

/**
 * An instant in the shape of ical-generator's Temporal stubs, which it converts to a zone with
 * toZonedDateTimeISO (computed here from Liaison's zone tables). Given a native Date it would use
 * the process's zone instead. Without a zone it writes UTC with a Z.
 */
function instant(t: number): ICalTemporalInstantStub {
  const iso = new Date(t).toISOString();
  return {
    epochMilliseconds: t,
    toJSON: () => iso,
    toString: () => iso,
    toZonedDateTimeISO: (zone) => zoned(t, zone),
  };
}

function zoned(t: number, zone: string): ICalTemporalZonedDateTimeStub {
  const plain = plainDateTime(zoneTable(zone).instantToWall(t));
  const iso = `${plain.toString()}[${zone}]`;
  return {
    year: plain.year,
    month: plain.month,
    day: plain.day,
    hour: plain.hour,
    minute: plain.minute,
    second: plain.second,
    timeZoneId: zone,
    toInstant: () => instant(t),
    toPlainDateTime: () => plain,
    withTimeZone: (other) => zoned(t, other),
    toJSON: () => iso,
    toString: () => iso,
  };
}

/** A wall time given as wall ms (the epoch ms the same wall time would have in UTC). */
function plainDateTime(wall: number): ICalTemporalPlainDateTimeStub {
  const d = new Date(wall);
  const iso = d.toISOString().slice(0, 19);
  const date = {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    toJSON: () => iso.slice(0, 10),
    toString: () => iso.slice(0, 10),
  };
  return {
    year: date.year,
    month: date.month,
    day: date.day,
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    toPlainDate: () => date,
    toZonedDateTime: (zone) => zoned(zoneTable(zone).wallToInstant(wall), zone),
    toJSON: () => iso,
    toString: () => iso,
  };
}

/**
 * The zone as timezones-ical-library spells it (Intl, and so the schedule, accepts any case). The
 * schedule's zone is validated on save, so a zone without a VTIMEZONE is a programming error.
 */
function ianaName(name: string): string {
  const all = tzlib_get_timezones();
  const found = (Array.isArray(all) ? all : []).find((z) => z.toLowerCase() === name.toLowerCase());
  if (!found) throw new Error(`No VTIMEZONE is known for the time zone ${JSON.stringify(name)}.`);
  return found;
}

function vtimezone(zone: string): string {
  const block = tzlib_get_ical_block(zone);
  const vtz = Array.isArray(block) ? block[0] : undefined;
  if (!vtz) throw new Error(`No VTIMEZONE is known for the time zone ${JSON.stringify(zone)}.`);
  return vtz;
}

/** TEXT values may hold no control characters but tab and newline (RFC 5545 3.3.11). */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
}
