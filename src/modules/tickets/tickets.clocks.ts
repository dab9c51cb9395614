import {
  addBusinessTime,
  businessTimeBetween,
  type Interval,
  nextOpening,
} from "../../core/time/calendar.ts";
import {
  calendarFor,
  type ClockKind,
  type CompiledProtocol,
  durationMs,
  targetBudget,
} from "../protocol/protocol.compile.ts";
import type { ClockName, Severity } from "../protocol/protocol.document.ts";
import { parseDuration, parseFraction, type Target } from "../protocol/protocol.durations.ts";

/**
 * A ticket's SLA clocks as pure functions of its history. Nothing here reads the database or the
 * time of day: the service hands in the facts (when the ticket was raised, acknowledged, last
 * updated, resolved; the pauses recorded so far; its severity) and the protocol, and gets back
 * every deadline and threshold. Deadlines are therefore always recomputable from history, and a
 * change of severity or protocol version keeps every pause already accrued.
 *
 * - response: from creation until provider staff acknowledge ("response means acknowledged").
 * - resolution: from creation until resolved; paused in the states the protocol names; it does
 *   not run while the ticket is resolved, so a reopened ticket continues where it stopped.
 * - updates: from acknowledgement, restarting at each investigation update; paused in the states
 *   the protocol names; stopped once resolved.
 */
export interface ClockFacts {
  severity: Severity;
  state: string;
  createdAt: number;
  acknowledgedAt: number | null;
  lastUpdateAt: number | null;
  resolvedAt: number | null;
  pauses: readonly { clock: ClockName; since: number; until: number | null; reason: string }[];
}

export type ClockStatus = "on_track" | "warning" | "breached" | "paused" | "met" | "missed" | "none";

export interface ClockView {
  name: ClockName;
  calendar: ClockKind;
  /** When this clock (this cycle, for updates) started; null when it has not started. */
  startedAt: number | null;
  /** The deadline given the pauses so far; null without a target, or while paused with no end known. */
  dueAt: number | null;
  /** When the clock stopped for good (acknowledged, resolved); null while running. */
  stoppedAt: number | null;
  /** Clock time the target allows; null for "as available". */
  budgetMs: number | null;
  /** Clock time used so far (or until stopped), pauses excluded. */
  usedMs: number;
  status: ClockStatus;
  /** Pauses of this clock (this cycle, for updates); an open pause ends at Infinity. */
  pauses: Interval[];
  /** When 50 %, 75 % and 100 % of the target are reached (null when not reachable yet). */
  thresholds: { pct: 50 | 75 | 100; at: number | null }[];
}

export const WARNING_PCTS = [50, 75] as const;

function targetOf(
  p: CompiledProtocol,
  severity: Severity,
  which: ClockName,
): { target: Target; clock: ClockKind } {
  const s = p.severities[severity];
  return which === "updates" ? { target: s.updates.every, clock: s.updates.clock } : s[which];
}

function pausesOf(f: ClockFacts, which: ClockName, from: number): Interval[] {
  const out: Interval[] = [];
  for (const p of f.pauses) {
    if (p.clock !== which) continue;
    const end = p.until ?? Infinity;
    if (end <= from) continue;
    out.push([Math.max(p.since, from), end]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** One clock's view at `now`. */
export function clockView(p: CompiledProtocol, f: ClockFacts, which: ClockName, now: number): ClockView {
  const { target, clock } = targetOf(p, f.severity, which);
  const cal = calendarFor(p, clock);
  const closed = f.state === "closed";
  let startedAt: number | null;
  let stoppedAt: number | null;
  if (which === "response") {
    startedAt = f.createdAt;
    stoppedAt = f.acknowledgedAt;
  } else if (which === "resolution") {
    startedAt = f.createdAt;
    stoppedAt = f.state === "resolved" || closed ? f.resolvedAt : null;
  } else {
    startedAt = f.acknowledgedAt === null ? null : Math.max(f.acknowledgedAt, f.lastUpdateAt ?? 0);
    stoppedAt = f.state === "resolved" || closed ? (f.resolvedAt ?? now) : null;
  }
  const empty: ClockView = {
    name: which,
    calendar: clock,
    startedAt,
    dueAt: null,
    stoppedAt,
    budgetMs: null,
    usedMs: 0,
    status: "none",
    pauses: [],
    thresholds: [],
  };
  if (startedAt === null) return empty;
  const pauses = pausesOf(f, which, startedAt);
  const budget = targetBudget(p, target, clock, which, startedAt);
  const until = stoppedAt ?? now;
  const usedMs = Math.max(
    0,
    businessTimeBetween(cal, startedAt, Math.max(until, startedAt), clip(pauses, until)),
  );
  if (budget === null) {
    return { ...empty, pauses, usedMs, status: stoppedAt !== null ? "met" : "none" };
  }
  const at = (share: number) => {
    const t = addBusinessTime(cal, startedAt, budget * share, pauses);
    return Number.isFinite(t) ? t : null;
  };
  let dueAt = at(1);
  // "By the start of the next business day": due at the next opening, not the evening before.
  if (dueAt !== null && target.kind === "next_business_day" && which === "response")
    dueAt = nextOpening(cal, dueAt, pauses);
  const thresholds = [
    ...WARNING_PCTS.map((pct) => ({ pct, at: at(pct / 100) })),
    { pct: 100 as const, at: dueAt },
  ];
  let status: ClockStatus;
  if (stoppedAt !== null) {
    status = usedMs > budget || (dueAt !== null && stoppedAt > dueAt) ? "missed" : "met";
  } else if (dueAt !== null && now >= dueAt) {
    status = "breached";
  } else if (pauses.some(([s, e]) => s <= now && now < e)) {
    status = "paused";
  } else if (usedMs >= budget * 0.5) {
    status = "warning";
  } else {
    status = "on_track";
  }
  return {
    name: which,
    calendar: clock,
    startedAt,
    dueAt,
    stoppedAt,
    budgetMs: budget,
    usedMs,
    status,
    pauses,
    thresholds,
  };
}

/** Pauses cut off at `until` (a pause still open counts only up to then). */
function clip(pauses: Interval[], until: number): Interval[] {
  return pauses.filter(([s]) => s < until).map(([s, e]) => [s, Math.min(e, until)] as Interval);
}

export function ticketClocks(p: CompiledProtocol, f: ClockFacts, now: number): Record<ClockName, ClockView> {
  return {
    response: clockView(p, f, "response", now),
    resolution: clockView(p, f, "resolution", now),
    updates: clockView(p, f, "updates", now),
  };
}

/** The clock states the protocol pauses `clock` in (plus `resolved`, where resolution and updates never run). */
export function pausingStates(p: CompiledProtocol, clock: ClockName): ReadonlySet<string> {
  const states = new Set<string>(p.doc.clock_pauses[clock]);
  if (clock !== "response") {
    states.add("resolved");
    states.add("closed");
  }
  return states;
}

/**
 * When an escalation level's automatic trigger fires for this ticket, or null (manual levels,
 * clocks not started or stopped, no target). `at` is a share of the target; `after_breach` is
 * clock time after the deadline, on that clock's calendar and pauses.
 */
export function escalationTriggerAt(
  p: CompiledProtocol,
  views: Record<ClockName, ClockView>,
  trigger: { clock: ClockName; at?: string | number; after_breach?: string } | "manual",
): number | null {
  if (trigger === "manual") return null;
  const v = views[trigger.clock];
  if (v.startedAt === null || v.budgetMs === null || v.stoppedAt !== null) return null;
  const cal = calendarFor(p, v.calendar);
  if (trigger.after_breach !== undefined) {
    const d = parseDuration(trigger.after_breach);
    if (!d || v.dueAt === null) return null;
    const t = addBusinessTime(cal, v.dueAt, durationMs(p, d), v.pauses);
    return Number.isFinite(t) ? t : null;
  }
  const share = parseFraction(trigger.at ?? "100%") ?? 1;
  if (share === 1) return v.dueAt;
  const t = addBusinessTime(cal, v.startedAt, v.budgetMs * share, v.pauses);
  return Number.isFinite(t) ? t : null;
}

/**
 * When an overdue investigation update is raised with the client's point of contact: half an
 * update interval (on the updates clock's calendar) after the assignee was told.
 */
export function updateClientNoticeAt(p: CompiledProtocol, v: ClockView): number | null {
  if (v.dueAt === null || v.budgetMs === null || v.stoppedAt !== null) return null;
  const t = addBusinessTime(calendarFor(p, v.calendar), v.dueAt, v.budgetMs / 2, v.pauses);
  return Number.isFinite(t) ? t : null;
}
