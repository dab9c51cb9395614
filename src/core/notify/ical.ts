import ical, {
  type ICalCalendar,
  type ICalCalendarMethod,
  type ICalEventData,
  type ICalTemporalInstantStub,
  type ICalTemporalPlainDateStub,
  type ICalTemporalPlainDateTimeStub,
  type ICalTemporalZonedDateTimeStub,
} from "ical-generator";
import { tzlib_get_ical_block, tzlib_get_timezones } from "timezones-ical-library";
import { DAY_MS } from "../time/holidays.ts";
import { zoneTable } from "../time/intervals.ts";

/**
 * Writing iCalendar files (RFC 5545) correctly with ical-generator 10.2 and Liaison's zone tables:
 * the calendar with its VTIMEZONEs, event times as local times of a zone (never the server's),
 * and TEXT values cleaned of what the format cannot hold. No feature logic: the modules decide
 * what the events are (UIDs, summaries, statuses), this decides how they are written.
 */

/**
 * A calendar that writes a VTIMEZONE (from timezones-ical-library) for every zone its events name.
 * `prodId` is the PRODID without its leading "-" (ical-generator adds it), e.g.
 * "//Liaison//Change calendar//EN"; `name` (X-WR-CALNAME) is cleaned with {@link text}.
 *
 * The calendar's own zone is left unset on purpose: with it set, ical-generator 10.2 writes DTSTAMP
 * and LAST-MODIFIED as floating local times (no Z), and RFC 5545 3.8.7.2 says DTSTAMP "MUST be
 * specified in the UTC time format". The cost is X-WR-TIMEZONE, which only matters for floating
 * times; give every event a zone (see {@link eventTimes}) and none are written.
 */
export function newCalendar(prodId: string, method: ICalCalendarMethod, name: string | null): ICalCalendar {
  return ical({
    prodId,
    method,
    name: name === null ? null : text(name),
    timezone: { name: null, generator: vtimezone },
  });
}

/**
 * DTSTART/DTEND (and the TZID) of an event: local times of the zone, unless the zone's clock shows
 * one of them twice (the hour repeated when summer time ends). RFC 5545 3.3.5 says such a local
 * time means the first occurrence, but clients differ (ical.js reads the second), so those events
 * are written in UTC, which every client reads the same way. `zone` should come from
 * {@link knownZone}, so that the calendar has a VTIMEZONE for it.
 */
export function eventTimes(
  start: number,
  end: number,
  zone: string,
): Pick<ICalEventData, "start" | "end" | "timezone"> {
  const local = shownOnce(start, zone) && shownOnce(end, zone);
  return { start: instant(start), end: instant(end), timezone: local ? zone : null };
}

/** Whether the zone's clock shows t's wall time only once (see {@link eventTimes}). */
function shownOnce(t: number, zone: string): boolean {
  const table = zoneTable(zone);
  const wall = table.instantToWall(t);
  // The offsets in force around t (a zone changes offset at most once a day, as ZoneTable
  // assumes); each one that maps some instant to the same wall time is another occurrence.
  const offsets = new Set([t - DAY_MS, t, t + DAY_MS].map((x) => table.instantToWall(x) - x));
  return [...offsets].filter((o) => table.instantToWall(wall - o) === wall).length === 1;
}

/**
 * An instant (epoch ms) in the shape of ical-generator's Temporal stubs, for DTSTAMP, DTSTART and
 * the like. Given a native Date and a zone, ical-generator 10.2 writes the Date's wall time in the
 * *process's* zone (Date#getHours) and labels it with the TZID, so a server on UTC would put a
 * 21:00 BST change at 20:00. A Temporal Instant it converts with `toZonedDateTimeISO(zone)`, which
 * this computes from Liaison's zone tables (Node 20 has no Temporal). Without a zone it writes UTC
 * with a Z.
 */
export function instant(t: number): ICalTemporalInstantStub {
  const iso = new Date(t).toISOString();
  return {
    epochMilliseconds: t,
    toJSON: () => iso,
    toString: () => iso,
    toZonedDateTimeISO: (zone) => zoned(t, zone),
  };
}

/** The ZonedDateTime stub of instant t in the zone; its fields are the zone's wall time. */
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

/** The PlainDateTime stub of a wall time given as "wall ms" (the epoch ms it would have in UTC). */
function plainDateTime(wall: number): ICalTemporalPlainDateTimeStub {
  const d = new Date(wall);
  const iso = d.toISOString().slice(0, 19);
  const date: ICalTemporalPlainDateStub = {
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

let zoneNames: Map<string, string> | undefined;

/**
 * The zone's name as timezones-ical-library spells it (Intl, and so Liaison's validation, accepts
 * any case; the library does not). Throws for a zone it has no VTIMEZONE for; zones are validated
 * when they are saved, so this is a programming error, not a user's.
 */
export function knownZone(name: string): string {
  if (!zoneNames) {
    const all = tzlib_get_timezones();
    zoneNames = new Map((Array.isArray(all) ? all : []).map((z) => [z.toLowerCase(), z]));
  }
  const zone = zoneNames.get(name.toLowerCase());
  if (!zone) throw new Error(`No VTIMEZONE is known for the time zone ${JSON.stringify(name)}.`);
  // A linked name (Europe/Stockholm, Asia/Calcutta) gets the VTIMEZONE of the zone it links to,
  // whose TZID is that zone's name; events must name the same TZID or clients read them as
  // floating times. The linked zone has the same rules, so its name is the one to write.
  const tzid = /^TZID:(.+)$/m.exec(vtimezone(zone))?.[1]?.trim();
  return tzid ?? zone;
}

/** The VTIMEZONE block of a zone, for ical-generator's timezone generator. */
function vtimezone(zone: string): string {
  const block = tzlib_get_ical_block(zone);
  const vtz = Array.isArray(block) ? block[0] : undefined;
  if (!vtz) throw new Error(`No VTIMEZONE is known for the time zone ${JSON.stringify(zone)}.`);
  return vtz;
}

/**
 * A TEXT value (SUMMARY, DESCRIPTION, X-WR-CALNAME…) without the control characters it may not
 * hold: all but tab and newline (RFC 5545 3.3.11). ical-generator escapes backslashes, commas,
 * semicolons and line breaks itself, but leaves other control characters as they are.
 */
export function text(s: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
}

/**
 * A parameter value (CN): parameters have no escape mechanism (RFC 5545 3.2), so a double quote
 * would end the quoted value, a backslash is read literally (ical-generator doubles it) and line
 * breaks cannot be folded in. They are replaced with look-alikes.
 */
export function paramText(s: string): string {
  return text(s)
    .replace(/"/g, "'")
    .replace(/\\/g, "/")
    .replace(/[\r\n\t]+/g, " ")
    .trim();
}
