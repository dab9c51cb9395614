/**
 * The protocol document in words: what people agreed on, the way they would say it ("at 50% of
 * the resolution target", "approved by one of: IT point of contact or approver"), never YAML.
 * Pure functions, so every section of the page reads the same way.
 */
import { roleLabel } from "../identity/roles.ts";
import type {
  ChangeClass,
  Clock,
  ClockName,
  Holiday,
  ImpactRule,
  ProtocolDoc,
  Target,
  Trigger,
  VersionState,
  Weekday,
} from "./types.ts";

export const DAY_NAMES: Record<Weekday, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

const RRULE_DAYS: Record<string, string> = {
  MO: "Monday",
  TU: "Tuesday",
  WE: "Wednesday",
  TH: "Thursday",
  FR: "Friday",
  SA: "Saturday",
  SU: "Sunday",
};

const CLOCK_TARGETS: Record<ClockName, string> = {
  response: "response target",
  resolution: "resolution target",
  updates: "update interval",
};

/** "around the clock" or "business hours". */
export function clockLabel(clock: Clock): string {
  return clock === "24x7" ? "around the clock (24×7)" : "business hours";
}

/** A short badge text for a clock. */
export function clockShort(clock: Clock): string {
  return clock === "24x7" ? "24×7" : "business hours";
}

/** "within 15m", "by the start of the next business day", "as available". */
export function targetLabel(target: Target, which: "response" | "resolution"): string {
  const within = target.within
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  if (within === "next_business_day")
    return which === "response"
      ? "by the start of the next business day"
      : "by the end of the next business day";
  if (within === "as_available") return "as available (no deadline)";
  return `within ${target.within}`;
}

/**
 * When a level is reached, in words: "at 50% of the resolution target", "4h after the resolution
 * target is breached", "manual only"; plus who may ask for it by hand.
 */
export function triggerLabel(trigger: Trigger, requestedBy: readonly string[] = []): string {
  const byHand = requestedBy.length ? `on request by the ${rolesList(requestedBy)}` : "";
  if (trigger === "manual") return `Manual only${byHand ? ` — ${byHand}` : ""}.`;
  const target = CLOCK_TARGETS[trigger.clock];
  const parts: string[] = [];
  if (trigger.at !== undefined) parts.push(`at ${percent(trigger.at)} of the ${target}`);
  if (trigger.after_breach !== undefined)
    parts.push(`${trigger.after_breach} after the ${target} is breached`);
  if (parts.length === 0) parts.push(`when the ${target} is breached`);
  return `${capitalize(parts.join(", or "))}${byHand ? `; earlier ${byHand}` : ""}.`;
}

function percent(value: string | number): string {
  if (typeof value === "number") return `${Math.round(value * 100)}%`;
  return value.trim();
}

/** A role inside a sentence: "executive", "end user", but "IT point of contact". */
export function roleWords(role: string): string {
  const label = roleLabel(role);
  return /^[A-Z][a-z]/.test(label) ? label[0]!.toLowerCase() + label.slice(1) : label;
}

/** "IT point of contact, executive or approver" (or "and"), for use inside a sentence. */
export function rolesList(roles: readonly string[], conjunction: "or" | "and" = "or"): string {
  if (roles.length === 0) return "nobody";
  return listJoin(roles.map(roleWords), conjunction);
}

/** The first letter in upper case, for a phrase that starts a line. */
export function capitalize(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}

/** "Approved by one of: IT point of contact or approver", in words for each approval mode. */
export function approvalLabel(cls: ChangeClass): string {
  const { mode, roles } = cls.approval;
  if (mode === "standing")
    return "Standing approval inside a maintenance window; outside one, it needs approval like a normal change";
  if (mode === "after_the_fact")
    return `Made under on-call authority and reviewed afterwards${cls.review_within ? ` (within ${cls.review_within})` : ""}`;
  if (roles.length === 0) return "Needs the client's approval";
  if (mode === "any_of")
    return roles.length === 1
      ? `Approved by the ${roleWords(roles[0]!)}`
      : `Approved by one of: ${rolesList(roles, "or")}`;
  return roles.length === 1
    ? `Approved by the ${roleWords(roles[0]!)}`
    : `Approved by each of: ${rolesList(roles, "and")}`;
}

/** "2 business days ahead", or "no advance notice" for zero. */
export function noticeLabel(notice: string): string {
  return isZero(notice) ? "No advance notice" : `${notice} ahead`;
}

function isZero(duration: string): boolean {
  return /^\s*0+(\.0+)?\s*[a-z]*\s*$/i.test(duration);
}

/** "1d and 2h before" or "none". */
export function remindersLabel(reminders: readonly string[]): string {
  if (reminders.length === 0) return "None";
  return `${listJoin(reminders)} before`;
}

/** "a, b and c". */
export function listJoin(items: readonly string[], conjunction = "and"): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}

/** "08:00–12:00, 13:00–17:00" for a day's opening hours. */
export function segmentsLabel(segments: readonly string[] | undefined): string {
  if (!segments || segments.length === 0) return "Closed";
  return segments.map((s) => s.replace(/\s*[-–]\s*/, "–")).join(", ");
}

/**
 * An RFC 5545 rule in words for the common shapes ("every week on Sunday", "every 2 weeks on
 * Tuesday", "every month on day 1"); anything else is shown as written.
 */
export function ruleLabel(rule: string): string {
  const parts = new Map(
    rule
      .replace(/^RRULE:/i, "")
      .split(";")
      .map((p) => p.split("=") as [string, string])
      .map(([k, v]) => [k.toUpperCase(), v ?? ""]),
  );
  const freq = parts.get("FREQ")?.toUpperCase();
  const interval = Number(parts.get("INTERVAL") ?? "1") || 1;
  const known = new Set(["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY"]);
  if (!freq || [...parts.keys()].some((k) => !known.has(k))) return rule;
  const unit = { DAILY: "day", WEEKLY: "week", MONTHLY: "month", YEARLY: "year" }[freq];
  if (!unit) return rule;
  let text = interval === 1 ? `every ${unit}` : `every ${interval} ${unit}s`;
  const byDay = parts.get("BYDAY");
  if (byDay) {
    const days = byDay.split(",").map((d) => {
      const m = /^([+-]?\d+)?([A-Z]{2})$/i.exec(d.trim());
      if (!m) return d;
      const name = RRULE_DAYS[m[2]!.toUpperCase()] ?? d;
      if (!m[1]) return name;
      const n = Number(m[1]);
      return `${n === -1 ? "last" : ordinal(n)} ${name}`;
    });
    text += ` on ${listJoin(days)}`;
  }
  const byMonthDay = parts.get("BYMONTHDAY");
  if (byMonthDay) text += ` on day ${listJoin(byMonthDay.split(","))}`;
  return text;
}

function ordinal(n: number): string {
  return ["", "first", "second", "third", "fourth", "fifth"][n] ?? `${n}th`;
}

/** How a recurring holiday is defined: "1 January", "last Monday of May", "Easter −2 days". */
export function holidayRule(h: Holiday): string {
  const observed =
    h.observed === "nearest_weekday"
      ? "; on a weekend, observed on the nearest weekday"
      : h.observed === "next_weekday"
        ? "; on a weekend, observed on the next weekday"
        : "";
  if (h.date) return `${h.date} only${observed}`;
  if (h.easter !== undefined)
    return `${h.easter === 0 ? "Easter Sunday" : `Easter ${h.easter > 0 ? "+" : "−"}${Math.abs(h.easter)} days`}${observed}`;
  const month = h.month ? MONTHS[h.month - 1] : "";
  if (h.weekday && h.nth !== undefined)
    return `${h.nth === -1 ? "last" : ordinal(h.nth)} ${DAY_NAMES[h.weekday]} of ${month}${observed}`;
  return `${h.day ?? ""} ${month}${observed}`.trim();
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** "Critical function stopped, and many or everyone affected" → severity, for the impact matrix. */
export function impactRuleLabel(rule: ImpactRule, doc: ProtocolDoc): string {
  const conditions: string[] = [];
  if (rule.critical_function_stopped !== undefined)
    conditions.push(
      rule.critical_function_stopped
        ? "a critical business function has stopped"
        : "no critical function stopped",
    );
  if (rule.people_affected?.length)
    conditions.push(
      `affected: ${listJoin(
        rule.people_affected.map((p) => doc.impact_matrix.people_affected[p].toLowerCase()),
        "or",
      )}`,
    );
  if (rule.workaround !== undefined)
    conditions.push(rule.workaround ? "a workaround exists" : "no workaround");
  return conditions.length ? `If ${conditions.join(", and ")}` : "Otherwise";
}

/** The words for a version's state. */
export const STATE_LABELS: Record<VersionState, string> = {
  draft: "Draft",
  proposed: "Proposed — waiting for signatures",
  active: "In effect",
  superseded: "Superseded",
  declined: "Declined",
  discarded: "Discarded",
};

/** Short words for a state, for badges in lists. */
export const STATE_SHORT: Record<VersionState, string> = {
  draft: "Draft",
  proposed: "Proposed",
  active: "In effect",
  superseded: "Superseded",
  declined: "Declined",
  discarded: "Discarded",
};

export const STATE_COLORS: Record<VersionState, string> = {
  draft: "yellow",
  proposed: "blue",
  active: "teal",
  superseded: "gray",
  declined: "red",
  discarded: "gray",
};

/** "Client" / "Provider". */
export function sideName(side: "client" | "provider"): string {
  return side === "client" ? "Client" : "Provider";
}

/** A duration such as 28 800 000 ms as "8h", "7h 30m". */
export function formatMs(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h && m) return `${h}h ${m}m`;
  if (h) return `${h}h`;
  return `${m}m`;
}

/** The first characters of a SHA-256, enough to compare by eye. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/** Who signs for a side, in words. */
export function signerRoles(side: "client" | "provider"): string {
  return side === "client" ? "an executive or an approver" : "the account manager";
}
