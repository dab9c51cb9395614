/**
 * Touchpoints in words and colours: how a meeting turned out, its number and times in the
 * protocol's zone, action item numbers ("A-4"), business date kinds and how far away a date is.
 * Pure functions, shared by the meetings list, the meeting page, the action items and the dates.
 */
import { DateTime } from "luxon";
import { differsFromViewer, formatTimeInZone } from "../changes/time.ts";
import { formatInZone, viewerZone, zoneAbbreviation } from "../protocol/zone.ts";
import { humanize } from "../tickets/words.ts";
import type { BusinessDateKind, MeetingOutcome, MeetingState, MeetingSummary } from "./types.ts";

export const OUTCOME_LABELS: Record<MeetingOutcome, string> = {
  upcoming: "Upcoming",
  held_on_schedule: "Held on schedule",
  held_moved: "Held, moved",
  skipped: "Skipped",
  cancelled: "Cancelled",
  not_recorded: "Not recorded",
};

export const OUTCOME_COLORS: Record<MeetingOutcome, string> = {
  upcoming: "blue",
  held_on_schedule: "green",
  held_moved: "teal",
  skipped: "gray",
  cancelled: "gray",
  not_recorded: "orange",
};

/** What each outcome means, for the badge's tooltip. */
export const OUTCOME_MEANINGS: Record<MeetingOutcome, string> = {
  upcoming: "Still ahead: the agenda is assembled from live data until it is recorded as held.",
  held_on_schedule: "Held at the time the protocol set; its agenda and minutes are kept as they were.",
  held_moved: "Held, at another time than the protocol set; its agenda and minutes are kept as they were.",
  skipped: "Skipped on purpose, with a reason.",
  cancelled: "Cancelled because the protocol's meeting terms changed.",
  not_recorded: "Its time has passed, and nobody recorded it as held or skipped.",
};

export const STATE_LABELS: Record<MeetingState, string> = {
  scheduled: "Scheduled",
  held: "Held",
  skipped: "Skipped",
  cancelled: "Cancelled",
};

export const outcomeLabel = (o: string): string => OUTCOME_LABELS[o as MeetingOutcome] ?? humanize(o);
export const stateLabel = (s: string): string => STATE_LABELS[s as MeetingState] ?? humanize(s);

export const BUSINESS_DATE_KIND_LABELS: Record<BusinessDateKind, string> = {
  audit: "Audit",
  renewal: "Renewal",
  office_move: "Office move",
  regulatory: "Regulatory deadline",
  budget: "Budget",
  other: "Other",
};

export const BUSINESS_DATE_KIND_COLORS: Record<BusinessDateKind, string> = {
  audit: "grape",
  renewal: "blue",
  office_move: "cyan",
  regulatory: "red",
  budget: "yellow",
  other: "gray",
};

export const kindLabel = (k: string): string =>
  BUSINESS_DATE_KIND_LABELS[k as BusinessDateKind] ?? humanize(k);

/** "Touchpoint 3", the way both sides name a meeting (the invitations, agendas and exports too). */
export const meetingNumber = (n: number): string => `Touchpoint ${n}`;
/** "A-4", an action item (numbered across every meeting of the relationship). */
export const actionNumber = (n: number): string => `A-${n}`;

/** Whether people may still add items to a meeting's agenda: it is neither held nor called off. */
export const isOpenMeeting = (m: Pick<MeetingSummary, "state">): boolean => m.state === "scheduled";

/**
 * "Tue 3 Mar 2026, 10:00 – 10:45 EST": a meeting's time in `zone`, one day; across days, both
 * ends in full.
 */
export function formatMeetingTime(start: string, end: string, zone: string): string {
  const s = DateTime.fromISO(start, { zone });
  const e = DateTime.fromISO(end, { zone });
  if (!s.isValid || !e.isValid) return `${start} – ${end}`;
  const abbreviation = zoneAbbreviation(start, zone);
  if (s.hasSame(e, "day"))
    return `${formatInZone(start, zone)} – ${formatTimeInZone(end, zone)} ${abbreviation}`;
  return `${formatInZone(start, zone)} – ${formatInZone(end, zone)} ${abbreviation}`;
}

/** "Tue 3 Mar 2026, 10:00 EST": one moment in `zone`, with the zone's short name. */
export function formatZoned(iso: string, zone: string): string {
  return `${formatInZone(iso, zone)} ${zoneAbbreviation(iso, zone)}`;
}

/** The same moment in the viewer's own zone, when their clock differs from the zone's; else null. */
export function viewerTime(iso: string, zone: string): string | null {
  return differsFromViewer(iso, zone) ? formatZoned(iso, viewerZone()) : null;
}

/** "today", "tomorrow", "in 12 days", "yesterday", "3 days ago". */
export function daysAwayWords(days: number): string {
  if (days === 0) return "today";
  if (days === 1) return "tomorrow";
  if (days === -1) return "yesterday";
  return days > 0 ? `in ${days} days` : `${-days} days ago`;
}

/** "45 minutes", "1 hour 30 minutes". */
export function minutesLength(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const mins = minutes % 60;
  const h = hours ? `${hours} ${hours === 1 ? "hour" : "hours"}` : "";
  const m = mins ? `${mins} ${mins === 1 ? "minute" : "minutes"}` : "";
  return [h, m].filter(Boolean).join(" ") || "0 minutes";
}

/** "1 action item", "3 action items". */
export function countWords(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The id of an item people added, from its agenda key (`concerns:item:<id>`): the last part of
 * the key is the record's id for every kind of item.
 */
export function itemIdOf(key: string): string {
  return key.slice(key.lastIndexOf(":") + 1);
}
