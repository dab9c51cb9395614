import { createHash } from "node:crypto";
import {
  ICalAttendeeRole,
  ICalCalendarMethod,
  type ICalEventData,
  ICalEventStatus,
  ICalEventTransparency,
} from "ical-generator";
import { eventTimes, instant, knownZone, newCalendar, text, paramText } from "../../core/notify/ical.ts";

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
  const cal = newCalendar(PRODID, ICalCalendarMethod.PUBLISH, `Changes — ${opts.name}`);
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
  const cal = newCalendar(PRODID, cancel ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST, null);
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

/** Event data with the UID set (ical-generator would otherwise make up a random one). */
type EventData = ICalEventData & { id: string };

function changeEvent(c: CalendarChange, zone: string, domain: string, now: number): EventData {
  return {
    id: `change-${c.id}@${domain}`,
    sequence: c.sequence,
    stamp: instant(now),
    ...eventTimes(c.start, c.end, zone),
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
    ...eventTimes(p.start, p.end, zone),
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
