import {
  foldLines,
  ICalAttendeeRole,
  ICalCalendarMethod,
  type ICalEventData,
  ICalEventStatus,
  type ICalTemporalInstantStub,
  type ICalTemporalZonedDateTimeStub,
} from "ical-generator";
import * as rruleModule from "rrule";
import { tzlib_get_ical_block } from "timezones-ical-library";
import { eventTimes, instant, knownZone, newCalendar, text, paramText } from "../../core/notify/ical.ts";
import { DAY_MS } from "../../core/time/holidays.ts";
import { zoneTable } from "../../core/time/intervals.ts";
import { DEFAULT_RECURRENCE_ANCHOR, expandRecurrence, type Recurrence } from "../../core/time/recurrence.ts";

// rrule ships CommonJS to Node (named exports under `default`) and ESM to bundlers; accept both.
const { RRule } = (rruleModule as unknown as { default?: typeof rruleModule }).default ?? rruleModule;

/**
 * The iCalendar side of touchpoints, as pure functions: a relationship's recurring meeting series
 * as one recurring event (RRULE, EXDATE for meetings that will not take place, an override per
 * moved meeting), and the update or cancellation of one meeting. Times are local times of the
 * protocol's zone with a TZID and a VTIMEZONE, so "10:00" stays 10:00 across DST in every client,
 * the way `expandRecurrence` places the meetings.
 *
 * Limits, all about local times a DST change skips or repeats (a meeting would have to be set
 * between about 01:00 and 03:00 local for them to matter):
 * - The master's DTSTART is always written with its TZID (in UTC the RRULE would drift by an hour
 *   at every DST change). When the first meeting starts in the repeated hour, RFC 5545 3.3.5 reads
 *   the time as its first occurrence, as Liaison does, but some clients (ical.js) read the second.
 * - A meeting whose rule time falls into a skipped hour is placed by Liaison at the end of the gap
 *   (02:30 → 03:00), by RFC 5545 shifted by the gap's length (03:30), by ical.js (Thunderbird) with
 *   the offset after the gap (01:30). The rule time is kept as written (DTSTART, EXDATE,
 *   RECURRENCE-ID show 02:30), so only that meeting differs; but when it is the first meeting,
 *   DTEND is set for the RFC reading and clients reading DTSTART otherwise give every meeting of
 *   the series another length (ical.js: an hour longer).
 * - When the first meeting ends in a repeated hour, DTEND (local, read as the first occurrence)
 *   may give every meeting a wrong length.
 * - A moved meeting (an override) is written in UTC if its new times are in a repeated hour, like
 *   every single event (see `eventTimes`); its RECURRENCE-ID keeps the TZID form regardless.
 * - Rules are expected to be DAILY or coarser; HOURLY rules are evaluated in floating time by
 *   Liaison and may be counted differently across a DST change by clients.
 */

/** A touchpoint series as written into calendars. Instants are epoch ms. */
export interface InviteSeries {
  /** Series id; the UID is `touchpoint-<id>@<domain>`. */
  id: string;
  /** RRULE without DTSTART, as in the protocol, e.g. `FREQ=WEEKLY;INTERVAL=2;BYDAY=TU`. */
  rule: string;
  /** Local start time "HH:MM". */
  at: string;
  /** The date the rule counts from (YYYY-MM-DD); default {@link DEFAULT_RECURRENCE_ANCHOR}. */
  from?: string | null;
  /** IANA zone of the protocol. */
  timeZone: string;
  durationMs: number;
  /** Start of the first meeting of the series (an occurrence of the rule): DTSTART. */
  firstStart: number;
  /** When the series ended (a later protocol version replaced it); null while it runs. */
  endedAt: number | null;
  sequence: number;
  /** E.g. "Acme ↔ Northwind touchpoint". */
  summary: string;
  /** Plain text; the caller includes the agenda link. */
  description: string;
  /** The video or room link; also named in the DESCRIPTION when it is a web address. */
  location: string | null;
  /** The meetings page in the web app (URL of the series). */
  url: string;
}

/** One meeting of a series that differs from its rule: moved, skipped or cancelled. */
export interface InviteMeeting {
  /** Where the rule put it: the RECURRENCE-ID. */
  scheduledStart: number;
  start: number;
  end: number;
  sequence: number;
  state: "scheduled" | "held" | "skipped" | "cancelled";
  number: number;
  /** The meeting's page in the web app. */
  url: string;
  /** Why it was moved or skipped; shown in the DESCRIPTION. */
  reason?: string | null;
}

export interface Person {
  name: string;
  email: string;
}

/** ical-generator prefixes the "-". */
const PRODID = "//Liaison//Touchpoints//EN";

/**
 * The whole series: METHOD:REQUEST (invitation or update), PUBLISH (a download; organizer but no
 * attendees, so clients do not offer to reply) or CANCEL (the whole series, STATUS:CANCELLED). One
 * VEVENT with the RRULE from `firstStart` (COUNT, and UNTIL or `endedAt`, turned into an UNTIL on
 * the last meeting) and an EXDATE per skipped or cancelled meeting, plus, except in CANCEL, one
 * override VEVENT (same UID, RECURRENCE-ID) per moved meeting.
 *
 * `exceptions` may hold any meetings: skipped and cancelled ones become EXDATEs, scheduled or held
 * ones whose times differ from the rule's become overrides, others are ignored, as are meetings
 * outside the series (before `firstStart`, after its last meeting). For one `scheduledStart` the
 * first meeting given wins. Throws for REQUEST and CANCEL without attendees, for a `firstStart`
 * that is not an occurrence of the rule, and for REQUEST and PUBLISH of a series without meetings
 * (ended before its first one).
 */
export function renderSeriesInvitation(opts: {
  method: "REQUEST" | "PUBLISH" | "CANCEL";
  series: InviteSeries;
  exceptions: InviteMeeting[];
  organizer: Person;
  attendees: Person[];
  domain: string;
  now: number;
}): string {
  const { method, series } = opts;
  requireAttendees(method, opts.attendees);
  const zone = calendarZone(series.timeZone);
  const rec = recurrence(series);
  if (
    !expandRecurrence(rec, zone, series.firstStart, series.firstStart + 1).some(
      ([s]) => s === series.firstStart,
    )
  )
    throw new Error(
      `firstStart ${new Date(series.firstStart).toISOString()} is not an occurrence of the rule.`,
    );
  const last = lastStart(series, rec, zone);
  if (last === "none" && method !== "CANCEL")
    throw new Error("The series has no meeting: it ended before its first one.");
  // A cancelled series without meetings still needs a valid RRULE: UNTIL on DTSTART (one instance).
  const until = last === "none" ? series.firstStart : last;
  const inSeries = (t: number) => t >= series.firstStart && (until === null || t <= until);

  const cal = newCalendar(PRODID, ICalCalendarMethod[method], null);
  const people = participants(method, opts.organizer, opts.attendees);
  const uid = seriesUid(series, opts.domain);
  const table = zoneTable(zone);

  const skipped: number[] = [];
  const movedMeetings: InviteMeeting[] = [];
  const seen = new Set<number>();
  for (const m of opts.exceptions) {
    if (!inSeries(m.scheduledStart) || seen.has(m.scheduledStart)) continue;
    seen.add(m.scheduledStart);
    if (m.state === "skipped" || m.state === "cancelled") skipped.push(m.scheduledStart);
    else if (moved(series, m)) movedMeetings.push(m);
  }

  // DTSTART shows the rule's wall time (see ruleWall); DTEND is where RFC 5545 puts DTSTART plus
  // the length, since clients give every occurrence the length DTEND − DTSTART.
  const startWall = ruleWall(series.firstStart, series.at, zone);
  const rfcStart =
    startWall === table.instantToWall(series.firstStart)
      ? series.firstStart
      : gapStart(series.firstStart, startWall, zone);
  const master = cal.createEvent({
    id: uid,
    sequence: series.sequence,
    stamp: instant(opts.now),
    start: shownAt(series.firstStart, startWall),
    end: instant(rfcStart + series.durationMs),
    timezone: zone,
    repeating: rrule(series.rule, until),
    summary: text(series.summary),
    description: describe(series, null, series.url),
    location: locationOf(series),
    url: series.url,
    status: method === "CANCEL" ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    ...people,
  });
  // RFC 5545 3.8.5.1: EXDATE has the same form as DTSTART (TZID local). One property per date, as
  // ical-generator would escape the commas of a list in a custom property.
  for (const t of skipped.sort((a, b) => a - b)) master.x(EXDATE, localStamp(ruleWall(t, series.at, zone)));

  // RFC 5546 3.2.5: cancelling the series is the master alone; its overrides go with the UID.
  if (method !== "CANCEL")
    for (const m of movedMeetings)
      addOverride(cal, series, m, zone, uid, opts.now, people, ICalEventStatus.CONFIRMED);
  return finish(cal.toString(), zone);
}

/**
 * One meeting's update: METHOD:REQUEST with the meeting's RECURRENCE-ID and its new DTSTART/DTEND
 * (moved), or METHOD:CANCEL with RECURRENCE-ID and STATUS:CANCELLED (skipped or cancelled). The UID
 * is the series', SEQUENCE the meeting's. Throws without attendees (RFC 5546 3.2.2, 3.2.5).
 */
export function renderMeetingUpdate(opts: {
  method: "REQUEST" | "CANCEL";
  series: InviteSeries;
  meeting: InviteMeeting;
  organizer: Person;
  attendees: Person[];
  domain: string;
  now: number;
}): string {
  requireAttendees(opts.method, opts.attendees);
  const zone = calendarZone(opts.series.timeZone);
  const cal = newCalendar(PRODID, ICalCalendarMethod[opts.method], null);
  const people = participants(opts.method, opts.organizer, opts.attendees);
  const status = opts.method === "CANCEL" ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED;
  addOverride(
    cal,
    opts.series,
    opts.meeting,
    zone,
    seriesUid(opts.series, opts.domain),
    opts.now,
    people,
    status,
  );
  return finish(cal.toString(), zone);
}

/** Custom properties standing in for the ones ical-generator cannot write as needed; see {@link finish}. */
const EXDATE = "X-LIAISON-EXDATE";
const RECURRENCE_ID = "X-LIAISON-RECURRENCE-ID";
const STAND_IN = /^X-LIAISON-(EXDATE|RECURRENCE-ID):(\d{8}T\d{6})$/;

/**
 * Turns the stand-in properties into `EXDATE;TZID=<zone>:…` and `RECURRENCE-ID;TZID=<zone>:…`.
 * ical-generator writes EXDATE only with its own RRULE options (not with a rule string) and
 * RECURRENCE-ID only in the form of the event's DTSTART, which is UTC for a meeting moved into a
 * repeated hour; calendar clients match overrides to occurrences on RECURRENCE-ID, so it must have
 * the master's form. Lines are unfolded, rewritten whole and folded again with ical-generator's
 * own folding; its TEXT escaping turns line breaks into "\n", so only property lines can match.
 */
function finish(ics: string, zone: string): string {
  const lines = ics.replace(/\r\n /g, "").split("\r\n");
  return foldLines(
    lines
      .map((line) => {
        const m = STAND_IN.exec(line);
        return m ? `${m[1]};TZID=${zone}:${m[2]}` : line;
      })
      .join("\r\n"),
  );
}

/**
 * The zone as the calendar names it: the TZID of the VTIMEZONE timezones-ical-library has for it.
 * For a link (Europe/Stockholm, Europe/Amsterdam, Asia/Calcutta…) the library gives the block of
 * the zone it links to (TZID:Europe/Berlin), and a TZID=Europe/Stockholm with no VTIMEZONE of that
 * name leaves clients to guess. The two have the same rules, so the linked zone's name is used.
 */
function calendarZone(name: string): string {
  const zone = knownZone(name);
  const block = tzlib_get_ical_block(zone);
  const tzid = Array.isArray(block) ? /^TZID:(.+?)\r?$/m.exec(block[0] ?? "")?.[1] : undefined;
  return tzid ?? zone;
}

type People = Pick<ICalEventData, "organizer" | "attendees">;

function requireAttendees(method: string, attendees: Person[]): void {
  // RFC 5546 3.2.2 and 3.2.5: REQUEST and CANCEL both carry at least one ATTENDEE.
  if (method !== "PUBLISH" && attendees.length === 0)
    throw new Error(`A ${method} needs at least one attendee.`);
}

/** ORGANIZER always (RFC 5546 requires it in PUBLISH too); ATTENDEEs only in REQUEST and CANCEL. */
function participants(method: string, organizer: Person, attendees: Person[]): People {
  return {
    organizer: { name: paramText(organizer.name), email: organizer.email },
    attendees:
      method === "PUBLISH"
        ? []
        : attendees.map((a) => ({
            name: paramText(a.name),
            email: a.email,
            role: ICalAttendeeRole.REQ,
            // A cancellation expects no reply (RFC 5546 3.2.5); RSVP=TRUE there makes clients offer one.
            rsvp: method === "CANCEL" ? null : true,
          })),
  };
}

/** A moved meeting's override, or a meeting's cancellation: same UID, RECURRENCE-ID as the master. */
function addOverride(
  cal: ReturnType<typeof newCalendar>,
  series: InviteSeries,
  m: InviteMeeting,
  zone: string,
  uid: string,
  now: number,
  people: People,
  status: ICalEventStatus,
): void {
  const cancelled = status === ICalEventStatus.CANCELLED;
  const event = cal.createEvent({
    id: uid,
    sequence: m.sequence,
    stamp: instant(now),
    ...eventTimes(m.start, m.end, zone),
    summary: text(series.summary),
    description: describe(
      series,
      cancelled || moved(series, m) || m.reason ? { meeting: m, cancelled } : null,
      m.url,
    ),
    location: locationOf(series),
    url: m.url,
    status,
    ...people,
  });
  event.x(RECURRENCE_ID, localStamp(ruleWall(m.scheduledStart, series.at, zone)));
}

/** Whether a meeting is not where and as long as the rule put it. */
function moved(series: InviteSeries, m: InviteMeeting): boolean {
  return m.start !== m.scheduledStart || m.end !== m.scheduledStart + series.durationMs;
}

function seriesUid(series: InviteSeries, domain: string): string {
  return `touchpoint-${series.id}@${domain}`;
}

function recurrence(series: InviteSeries): Recurrence {
  return { rule: series.rule, at: series.at, from: series.from ?? undefined, durationMs: series.durationMs };
}

/** The rule's parts without RRULE:, COUNT and UNTIL (replaced by an UNTIL computed here). */
function ruleParts(rule: string): string[] {
  return rule
    .replace(/^RRULE:/i, "")
    .split(";")
    .map((p) => p.trim().toUpperCase())
    .filter((p) => p !== "" && !/^(COUNT|UNTIL)=/.test(p));
}

/**
 * The RRULE with DTSTART = firstStart. COUNT counts from the protocol's anchor date, not from
 * firstStart, and a rule's own UNTIL is read in floating local time by `expandRecurrence`, so both
 * become an UNTIL on the last meeting's start, in UTC as RFC 5545 3.3.10 requires with a TZID
 * DTSTART. UNTIL is inclusive.
 */
function rrule(rule: string, until: number | null): string {
  const parts = ruleParts(rule);
  if (until !== null) parts.push(`UNTIL=${utcStamp(until)}`);
  return `RRULE:${parts.join(";")}`;
}

/**
 * The start of the series' last meeting from firstStart on: null when the series is open-ended,
 * "none" when it has no meeting (ended before firstStart, or COUNT used up before it).
 */
function lastStart(series: InviteSeries, rec: Recurrence, zone: string): number | null | "none" {
  const after = (list: Array<[number, number]>) => list.map(([s]) => s).filter((s) => s >= series.firstStart);
  if (series.endedAt !== null) {
    // expandRecurrence applies the rule's own COUNT and UNTIL too.
    const starts = after(expandRecurrence(rec, zone, series.firstStart, series.endedAt, Infinity));
    return starts.length ? starts[starts.length - 1]! : "none";
  }
  const text = rec.rule.replace(/^RRULE:/i, "");
  if (!/(^|;)\s*(COUNT|UNTIL)=/i.test(text)) return null;
  // A finite rule: find its last occurrence in floating time the way expandRecurrence builds the
  // rule, then let expandRecurrence place it in the zone (offsets lie within ±14 h, so two days
  // either side of the wall time hold the instant).
  const [h, m] = rec.at.split(":").map(Number) as [number, number];
  const [y, mo, d] = (rec.from ?? DEFAULT_RECURRENCE_ANCHOR).split("-").map(Number) as [
    number,
    number,
    number,
  ];
  const rule = new RRule({ ...RRule.parseString(text), dtstart: new Date(Date.UTC(y, mo - 1, d, h, m)) });
  const all = rule.all();
  const wall = all[all.length - 1]?.getTime();
  if (wall === undefined) return "none";
  const starts = after(expandRecurrence(rec, zone, wall - 2 * DAY_MS, wall + 2 * DAY_MS, Infinity));
  return starts.length ? starts[starts.length - 1]! : "none";
}

/**
 * The local wall time (as "wall ms") the rule gives an occurrence: its wall time in the zone, except
 * when the rule's time fell into a skipped hour that day and expandRecurrence moved it to the end of
 * the gap (02:30 → 03:00). Clients expand the RRULE from DTSTART's wall time and match EXDATE and
 * RECURRENCE-ID on the times they generate, so all three must show 02:30, not 03:00.
 */
function ruleWall(t: number, at: string, zone: string): number {
  const table = zoneTable(zone);
  const wall = table.instantToWall(t);
  const [h, m] = at.split(":").map(Number) as [number, number];
  const nominal = Math.floor(wall / DAY_MS) * DAY_MS + (h * 60 + m) * 60_000;
  return nominal !== wall && table.wallToInstant(nominal) === t ? nominal : wall;
}

/** Where RFC 5545 3.3.5 puts a skipped wall time: read with the offset before the gap, which ends at t. */
function gapStart(t: number, wall: number, zone: string): number {
  const before = t - 1;
  return wall - (zoneTable(zone).instantToWall(before) - before);
}

/**
 * Instant t, written by ical-generator in a zone as the given wall time instead of t's own (they
 * differ only for a rule time in a skipped hour, see {@link ruleWall}).
 */
function shownAt(t: number, wall: number): ICalTemporalInstantStub {
  const real = instant(t);
  // The fields of a wall time are those of the same "wall ms" read in UTC.
  const plain = instant(wall).toZonedDateTimeISO("UTC").toPlainDateTime();
  return {
    ...real,
    toZonedDateTimeISO: (zone) => {
      const shown: ICalTemporalZonedDateTimeStub = {
        ...real.toZonedDateTimeISO(zone),
        year: plain.year,
        month: plain.month,
        day: plain.day,
        hour: plain.hour,
        minute: plain.minute,
        second: plain.second,
        toPlainDateTime: () => plain,
        // ical-generator calls this with the stub's own zone before reading the fields.
        withTimeZone: () => shown,
        toJSON: () => `${plain.toString()}[${zone}]`,
        toString: () => `${plain.toString()}[${zone}]`,
      };
      return shown;
    },
  };
}

/** "wall ms" as a local DATE-TIME without zone, e.g. 20260310T100000. */
function localStamp(wall: number): string {
  return new Date(wall).toISOString().slice(0, 19).replace(/[-:]/g, "");
}

/** An instant as a UTC DATE-TIME, e.g. 20260310T140000Z. */
function utcStamp(t: number): string {
  return `${localStamp(t)}Z`;
}

function locationOf(series: InviteSeries): ICalEventData["location"] {
  const location = series.location === null ? "" : text(series.location).trim();
  return location ? { title: location } : null;
}

/**
 * DESCRIPTION: for a changed meeting, what happened and why first; then the series' text, the
 * link to join when the location is a web address (clients make links of them in descriptions,
 * not in LOCATION), and the page in the web app.
 */
function describe(
  series: InviteSeries,
  changed: { meeting: InviteMeeting; cancelled: boolean } | null,
  url: string,
): string {
  const lines: string[] = [];
  if (changed) {
    const { meeting, cancelled } = changed;
    const what = !cancelled ? "moved" : meeting.state === "skipped" ? "skipped" : "cancelled";
    const reason = meeting.reason ? text(meeting.reason).trim() : "";
    lines.push(`Meeting ${meeting.number} is ${what}${reason ? `: ${reason}` : "."}`, "");
  }
  const description = text(series.description).trim();
  if (description) lines.push(description, "");
  const location = series.location === null ? "" : text(series.location).trim();
  if (/^https?:\/\/\S+$/i.test(location)) lines.push(`Join: ${location}`);
  lines.push(url);
  return lines.join("\n");
}
