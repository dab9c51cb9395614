/**
 * Emergencies and reviews in words and colours: states, the authority an action was taken under,
 * restoration strategies, numbers ("EMG-3", "PIR-2") and times. Pure functions, shared by the
 * lists, the emergency page, the review page and the ticket page so they all say the same thing.
 */
import { formatInZone, viewerZone, zoneAbbreviation } from "../protocol/zone.ts";
import { humanize } from "../tickets/words.ts";
import type { Authority, EmergencyState, LogState, ReviewState } from "./types.ts";

export const EMERGENCY_STATE_LABELS: Record<EmergencyState, string> = {
  paging: "Paging",
  acknowledged: "Acknowledged",
  resolved: "Resolved",
};

export const EMERGENCY_STATE_COLORS: Record<EmergencyState, string> = {
  paging: "red",
  acknowledged: "orange",
  resolved: "green",
};

/** What each state means, for the badge's tooltip. */
export const EMERGENCY_STATE_MEANINGS: Record<EmergencyState, string> = {
  paging: "The on-call chain is being paged; nobody has acknowledged yet.",
  acknowledged: "Someone on call acknowledged the page and is responding.",
  resolved: "Service is restored; the post-incident review follows.",
};

export const AUTHORITY_LABELS: Record<Authority, string> = {
  without_approval: "Within authority",
  needs_approval: "Needs approval",
  outside_register: "Outside the register",
};

export const AUTHORITY_COLORS: Record<Authority, string> = {
  without_approval: "teal",
  needs_approval: "orange",
  outside_register: "red",
};

export const LOG_STATE_LABELS: Record<LogState, string> = {
  done: "Carried out",
  awaiting_approval: "Waiting for approval",
  approved: "Approved, not carried out yet",
  declined: "Declined",
  withdrawn: "Withdrawn",
};

export const LOG_STATE_COLORS: Record<LogState, string> = {
  done: "teal",
  awaiting_approval: "orange",
  approved: "blue",
  declined: "red",
  withdrawn: "gray",
};

export const STRATEGY_LABELS: Record<string, string> = {
  restore_from_backup: "Restore from backup",
  fail_over: "Fail over to a redundant system",
  repair_in_place: "Repair in place",
};

export const REVIEW_STATE_LABELS: Record<ReviewState, string> = {
  open: "Open",
  finished: "Signed off",
};

export const REVIEW_STATE_COLORS: Record<ReviewState, string> = {
  open: "blue",
  finished: "green",
};

export const emergencyStateLabel = (s: string): string =>
  EMERGENCY_STATE_LABELS[s as EmergencyState] ?? humanize(s);
export const authorityLabel = (a: string): string => AUTHORITY_LABELS[a as Authority] ?? humanize(a);
export const logStateLabel = (s: string): string => LOG_STATE_LABELS[s as LogState] ?? humanize(s);
export const strategyLabel = (s: string): string => STRATEGY_LABELS[s] ?? humanize(s);
export const reviewStateLabel = (s: string): string => REVIEW_STATE_LABELS[s as ReviewState] ?? humanize(s);

/** "EMG-3", the way both sides name an emergency. */
export const emergencyNumber = (n: number): string => `EMG-${n}`;
/** "PIR-2", a post-incident review. */
export const reviewNumber = (n: number): string => `PIR-${n}`;

/** Whether an emergency still needs someone (paging or acknowledged). */
export const isOpenEmergency = (state: string): boolean => state !== "resolved";

const UNITS: Record<string, [string, string]> = {
  m: ["minute", "minutes"],
  min: ["minute", "minutes"],
  h: ["hour", "hours"],
  d: ["day", "days"],
  w: ["week", "weeks"],
};

/** A protocol duration ("10m", "4h", "180d") in words ("10 minutes"); anything else as written. */
export function protocolDuration(value: string): string {
  const m = /^\s*(\d+)\s*(m|min|h|d|w)\s*$/i.exec(value);
  if (!m) return value;
  const n = Number(m[1]);
  const [one, many] = UNITS[m[2]!.toLowerCase()]!;
  return `${n} ${n === 1 ? one : many}`;
}

/** "Mon 20 Apr 2026, 02:10 EDT": a moment in `zone`, with the zone's short name. */
export function formatZoned(iso: string, zone: string): string {
  return `${formatInZone(iso, zone)} ${zoneAbbreviation(iso, zone)}`;
}

/** The same in the viewer's own zone, for pages that have no zone of their own. */
export function formatLocal(iso: string): string {
  return formatZoned(iso, viewerZone());
}

/** "14:05" of the instant in `zone` (for lists of moments on the same day). */
export function formatClock(iso: string, zone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(
    date,
  );
}
