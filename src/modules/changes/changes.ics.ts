import { createHash } from "node:crypto";
import ical, {
  ICalAttendeeRole,
  type ICalCalendar,
  ICalCalendarMethod,
  type ICalEventData,
  ICalEventStatus,
  ICalEventTransparency,
  type ICalTemporalInstantStub,
  type ICalTemporalPlainDateStub,
  type ICalTemporalPlainDateTimeStub,
  type ICalTemporalZonedDateTimeStub,
} from "ical-generator";
import { tzlib_get_ical_block, tzlib_get_timezones } from "timezones-ical-library";
import { DAY_MS } from "../../core/time/holidays.ts";
import { zoneTable } from "../../core/time/intervals.ts";

/**
 * The iCalendar side of change management, as pure functions: the subscription feed of a
 * relationship (changes, maintenance windows and blackouts) and the invitation (or cancellation)
 * sent to a change's approvers. Times are written as local times of the relationship's zone with
 * a TZID and a VTIMEZONE, so calendar apps show "20:00" the way the protocol says it.
 */

/** A change as the calendar shows it. */
export interface CalendarChange {
  id: string;
  number: number;
  title: string;
  description: string;
  impact: string;
  /** The plain-language line for affected people, e.g. "Email may be slow on Saturday evening". */
  userNotice: string;
  class: "routine" | "normal" | "significant" | "emergency";
  state:
    | "draft"
    | "proposed"
    | "approved"
    | "rejected"
    | "reschedule_requested"
    | "scheduled"
    | "in_progress"
    | "completed"
    | "failed"
    | "rolled_back"
    | "reviewed"
    | "cancelled";
  /** Epoch ms: the planned window, or the actual one once the change has run. */
  start: number;
  end: number;
  /** Bumped by the caller on every reschedule, cancellation or other significant revision. */
  sequence: number;
  systems: string[];
  /** Absolute link to the change page. */
  url: string;
  updatedAt: number;
}

/** A maintenance window occurrence or a blackout period. */
export interface CalendarPeriod {
  name: string;
  start: number;
  end: number;
  note?: string | null;
}

// RFC 5545 3.8.1.11: TENTATIVE until approved, CONFIRMED from then on (also once it has run,
// whatever the outcome), CANCELLED when it will not happen.
const STATUS: Record<CalendarChange["state"], ICalEventStatus> = {
  draft: ICalEventStatus.TENTATIVE,
  proposed: ICalEventStatus.TENTATIVE,
  reschedule_requested: ICalEventStatus.TENTATIVE,
  approved: ICalEventStatus.CONFIRMED,
  scheduled: ICalEventStatus.CONFIRMED,
  in_progress: ICalEventStatus.CONFIRMED,
  completed: ICalEventStatus.CONFIRMED,
  failed: ICalEventStatus.CONFIRMED,
  rolled_back: ICalEventStatus.CONFIRMED,
  reviewed: ICalEventStatus.CONFIRMED,
  rejected: ICalEventStatus.CANCELLED,
  cancelled: ICalEventStatus.CANCELLED,
};

/** ical-generator prefixes the "-". */
const PRODID = "//Liaison//Change calendar//EN";
/** Subscribers are asked to refetch the feed every 15 minutes (REFRESH-INTERVAL, X-PUBLISHED-TTL). */
const FEED_TTL_SECONDS = 15 * 60;

/**
 * The subscription feed of a relationship: every change (UID `change-<id>@<domain>`, SEQUENCE the
 * change's), maintenance window occurrences and blackouts (UIDs stable per name and start,
 * TRANSP:TRANSPARENT so they never make anyone look busy), METHOD:PUBLISH.
 */
export function renderChangeFeed(opts: {
  name: string;
  timezone: string;
  domain: string;
  changes: CalendarChange[];
  windows: CalendarPeriod[];
  blackouts: CalendarPeriod[];
  now: number;
}): string {
  const zone = knownZone(opts.timezone);
  const cal = newCalendar(ICalCalendarMethod.PUBLISH, `Changes — ${text(opts.name)}`);
  cal.ttl(FEED_TTL_SECONDS);
  const seen = new Set<string>();
  const add = (event: EventData) => {
    // The same UID twice in one feed makes clients keep one at random; the first one wins here.
    if (seen.has(event.id)) return;
    seen.add(event.id);
    cal.createEvent(event);
  };
  for (const c of opts.changes) add(changeEvent(c, zone, opts.domain, opts.now));
  for (const w of opts.windows) add(periodEvent("window", w, zone, opts.domain, opts.now));
  for (const b of opts.blackouts) add(periodEvent("blackout", b, zone, opts.domain, opts.now));
  return cal.toString();
}

/**
 * An invitation for a change's approvers (METHOD:REQUEST), or its withdrawal (METHOD:CANCEL with
 * STATUS:CANCELLED): one VEVENT with the feed's UID and SEQUENCE, so a client that holds both
 * sees one event. Attendees are required participants; only the request asks them to reply.
 */
export function renderChangeInvitation(opts: {
  method: "REQUEST" | "CANCEL";
  change: CalendarChange;
  timezone: string;
  domain: string;
  organizer: { name: string; email: string };
  attendees: Array<{ name: string; email: string }>;
  now: number;
}): string {
  // RFC 5546 3.2.2 and 3.2.5: REQUEST and CANCEL both carry at least one ATTENDEE.
  if (opts.attendees.length === 0) throw new Error("An invitation needs at least one attendee.");
  const zone = knownZone(opts.timezone);
  const cancel = opts.method === "CANCEL";
  const cal = newCalendar(cancel ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST, null);
  const event = changeEvent(opts.change, zone, opts.domain, opts.now);
  if (cancel) event.status = ICalEventStatus.CANCELLED;
  event.organizer = { name: paramText(opts.organizer.name), email: opts.organizer.email };
  event.attendees = opts.attendees.map((a) => ({
    name: paramText(a.name),
    email: a.email,
    role: ICalAttendeeRole.REQ,
    // A cancellation expects no reply (RFC 5546 3.2.5); RSVP=TRUE there makes clients offer one.
    rsvp: cancel ? null : true,
  }));
  cal.createEvent(event);
  return cal.toString();
}

function newCalendar(method: ICalCalendarMethod, name: string | null): ICalCalendar {
  return ical({
    prodId: PRODID,
    method,
    name,
    // The generator writes a VTIMEZONE for every zone an event names. The calendar's own zone is
    // left unset on purpose: with it set, ical-generator 10.2 writes DTSTAMP and LAST-MODIFIED as
    // floating local times (no Z), and RFC 5545 3.8.7.2 says DTSTAMP "MUST be specified in the
    // UTC time format". The cost is X-WR-TIMEZONE, which only matters for floating times; none
    // are written here.
    timezone: { name: null, generator: vtimezone },
  });
}

/** Event data with the UID set (ical-generator would otherwise make up a random one). */
type EventData = ICalEventData & { id: string };

function changeEvent(c: CalendarChange, zone: string, domain: string, now: number): EventData {
  return {
    id: `change-${c.id}@${domain}`,
    sequence: c.sequence,
    stamp: instant(now),
    ...times(c.start, c.end, zone),
    summary: `CHG-${c.number} ${text(c.title)}`,
    description: describeChange(c),
    url: c.url,
    lastModified: instant(c.updatedAt),
    categories: [{ name: c.class }],
    status: STATUS[c.state],
  };
}

function periodEvent(
  kind: "window" | "blackout",
  p: CalendarPeriod,
  zone: string,
  domain: string,
  now: number,
): EventData {
  // Windows and blackouts have no id of their own (they are expanded from the protocol), so the
  // UID is derived from what identifies an occurrence: its name and its start.
  const hash = createHash("sha1").update(`${p.name}|${p.start}`).digest("hex");
  const note = p.note ? text(p.note) : "";
  return {
    id: `${kind}-${hash}@${domain}`,
    sequence: 0,
    stamp: instant(now),
    ...times(p.start, p.end, zone),
    summary: `${kind === "window" ? "Maintenance window" : "Blackout"}: ${text(p.name)}`,
    description: note || null,
    categories: [{ name: kind === "window" ? "maintenance window" : "blackout" }],
    status: ICalEventStatus.CONFIRMED,
    transparency: ICalEventTransparency.TRANSPARENT,
  };
}

/** The DESCRIPTION of a change: the plain-language line first, then the facts, then the link. */
function describeChange(c: CalendarChange): string {
  const lines: string[] = [];
  const notice = text(c.userNotice).trim();
  if (notice) lines.push(notice, "");
  lines.push(`Class: ${c.class}`);
  const impact = text(c.impact).trim();
  if (impact) lines.push(`Impact: ${impact}`);
  const systems = c.systems.map(text).filter((s) => s.trim() !== "");
  lines.push(`Systems: ${systems.length ? systems.join(", ") : "none named"}`);
  const description = text(c.description).trim();
  if (description) lines.push("", description);
  lines.push("", c.url);
  return lines.join("\n");
}

/**
 * DTSTART/DTEND as local times of the zone, unless the zone's clock shows one of them twice (the
 * hour repeated when summer time ends). RFC 5545 3.3.5 says such a local time means the first
 * occurrence, but clients differ (ical.js reads the second), so those events are written in UTC.
 */
function times(start: number, end: number, zone: string): Pick<ICalEventData, "start" | "end" | "timezone"> {
  const table = zoneTable(zone);
  const shownOnce = (t: number) => {
    const wall = table.instantToWall(t);
    // The offsets in force around t (a zone changes offset at most once a day, as ZoneTable
    // assumes); each one that maps some instant to the same wall time is another occurrence.
    const offsets = new Set([t - DAY_MS, t, t + DAY_MS].map((x) => table.instantToWall(x) - x));
    return [...offsets].filter((o) => table.instantToWall(wall - o) === wall).length === 1;
  };
  const local = shownOnce(start) && shownOnce(end);
  return { start: instant(start), end: instant(end), timezone: local ? zone : null };
}

/**
 * An instant in the shape of ical-generator's Temporal stubs. Given a native Date and a zone,
 * ical-generator 10.2 writes the Date's wall time in the *process's* zone (Date#getHours) and
 * labels it with the TZID, so a server on UTC would put a 21:00 BST change at 20:00. A Temporal
 * Instant it converts with `toZonedDateTimeISO(zone)`, which this computes from the zone's offsets
 * (Node 20 has no Temporal). Without a zone it writes UTC with a Z.
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

/** A wall time given as "wall ms" (the epoch ms the same wall time would have in UTC). */
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
 * The zone's name as timezones-ical-library spells it (Intl accepts any case, the library does
 * not). Throws for a zone it has no VTIMEZONE for; the protocol's zone is validated on save, so
 * this is a programming error, not a user's.
 */
function knownZone(name: string): string {
  if (!zoneNames) {
    const all = tzlib_get_timezones();
    zoneNames = new Map((Array.isArray(all) ? all : []).map((z) => [z.toLowerCase(), z]));
  }
  const zone = zoneNames.get(name.toLowerCase());
  if (!zone) throw new Error(`No VTIMEZONE is known for the time zone ${JSON.stringify(name)}.`);
  return zone;
}

function vtimezone(zone: string): string {
  const block = tzlib_get_ical_block(zone);
  const vtz = Array.isArray(block) ? block[0] : undefined;
  if (!vtz) throw new Error(`No VTIMEZONE is known for the time zone ${JSON.stringify(zone)}.`);
  return vtz;
}

/**
 * TEXT values may hold no control characters but tab and newline (RFC 5545 3.3.11);
 * ical-generator escapes backslashes, commas, semicolons and line breaks itself.
 */
function text(s: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
}

/**
 * Parameter values (CN) have no escape mechanism (RFC 5545 3.2): a double quote would end the
 * quoted value, a backslash is read literally (ical-generator doubles it), line breaks cannot be
 * folded in. Replace them with look-alikes.
 */
function paramText(s: string): string {
  return text(s)
    .replace(/"/g, "'")
    .replace(/\\/g, "/")
    .replace(/[\r\n\t]+/g, " ")
    .trim();
}
