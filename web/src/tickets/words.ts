/**
 * Tickets in words and colours: severities, states, clocks, durations ("2 h 15 min left"), and the
 * protocol's impact matrix applied in the browser. Pure functions, shared by the list, the intake
 * and the ticket page so they all say the same thing.
 */
import type {
  ClockFilter,
  ClockName,
  ClockStatus,
  Impact,
  IntakeRule,
  Severity,
  TicketState,
} from "./types.ts";

export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
};

export const SEVERITY_COLORS: Record<Severity, string> = {
  critical: "red",
  high: "orange",
  medium: "yellow",
  low: "gray",
};

export const STATE_LABELS: Record<TicketState, string> = {
  new: "New",
  acknowledged: "Acknowledged",
  in_progress: "In progress",
  waiting_on_client: "Waiting on client",
  resolved: "Resolved",
  closed: "Closed",
};

export const STATE_COLORS: Record<TicketState, string> = {
  new: "blue",
  acknowledged: "cyan",
  in_progress: "indigo",
  waiting_on_client: "grape",
  resolved: "teal",
  closed: "gray",
};

export const CLOCK_LABELS: Record<ClockName, string> = {
  response: "Response",
  resolution: "Resolution",
  updates: "Next update",
};

/** What each clock measures, for the ticket page. */
export const CLOCK_MEANINGS: Record<ClockName, string> = {
  response: "until the provider acknowledges the ticket and starts investigating",
  resolution: "until the provider resolves the ticket",
  updates: "until the provider's next investigation update is due",
};

export const CLOCK_FILTER_LABELS: Record<ClockFilter, string> = {
  on_track: "On track",
  warning: "Warning (half the time used)",
  breached: "Breached",
  paused: "Paused",
};

export const CLOCK_STATUS_LABELS: Record<ClockStatus, string> = {
  on_track: "On track",
  warning: "Warning",
  breached: "Breached",
  paused: "Paused",
  met: "Met",
  missed: "Missed",
  none: "No target",
};

export const CLOCK_STATUS_COLORS: Record<ClockStatus, string> = {
  on_track: "teal",
  warning: "orange",
  breached: "red",
  paused: "gray",
  met: "teal",
  missed: "red",
  none: "gray",
};

/** The state of a ticket, also for an unknown value from a newer server. */
export function stateLabel(state: string): string {
  return STATE_LABELS[state as TicketState] ?? humanize(state);
}

export function severityLabel(severity: string): string {
  return SEVERITY_LABELS[severity as Severity] ?? humanize(severity);
}

/** "senior_technician" → "Senior technician", for an escalation level whose name is not at hand. */
export function humanize(value: string): string {
  const words = value.replace(/[_.-]+/g, " ").trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : value;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A length of time, compact for countdowns: "2 d 3 h", "3 h 05 min", "12 min 30 s", "45 s".
 * Seconds show only under an hour, where they move visibly.
 */
export function durationShort(ms: number): string {
  const total = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return hours ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, "0")} min`;
  if (minutes > 0) return `${minutes} min ${String(seconds).padStart(2, "0")} s`;
  return `${seconds} s`;
}

/** A length of time in words, to the minute: "2 hours 15 minutes", "3 days 4 hours", "less than a minute". */
export function durationWords(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return "less than a minute";
  const days = Math.floor(abs / DAY);
  const hours = Math.floor((abs % DAY) / HOUR);
  const minutes = Math.floor((abs % HOUR) / MINUTE);
  const part = (n: number, unit: string) => (n === 1 ? `1 ${unit}` : `${n} ${unit}s`);
  if (days > 0) return hours ? `${part(days, "day")} ${part(hours, "hour")}` : part(days, "day");
  if (hours > 0) return minutes ? `${part(hours, "hour")} ${part(minutes, "minute")}` : part(hours, "hour");
  return part(minutes, "minute");
}

/**
 * The severity the protocol's impact matrix suggests: the first rule that matches wins, "low"
 * when none does (the server's suggestSeverity, src/modules/protocol/protocol.compile.ts).
 */
export function suggestSeverity(rules: readonly IntakeRule[], impact: Impact): Severity {
  for (const rule of rules) {
    if (
      (rule.peopleAffected === null || rule.peopleAffected.includes(impact.peopleAffected)) &&
      (rule.workaround === null || rule.workaround === impact.workaround) &&
      (rule.criticalFunctionStopped === null ||
        rule.criticalFunctionStopped === impact.criticalFunctionStopped)
    )
      return rule.severity;
  }
  return "low";
}

/** "within 4h", "by the next business day", "as available", with the clock it runs on. */
export function targetWords(target: { within: string; clock: "24x7" | "business" }): string {
  const within = target.within
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  const clock = target.clock === "24x7" ? "around the clock" : "in business hours";
  if (within === "as_available") return "as available (no deadline)";
  if (within === "next_business_day") return "by the next business day";
  return `within ${target.within}, ${clock}`;
}
