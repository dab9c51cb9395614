/**
 * Shapes of the tickets module's answers (src/modules/tickets/tickets.schema.ts): the list, one
 * ticket with its clocks, escalation and timeline, and the intake form built from the protocol.
 */
import type { Side } from "../relationships/types.ts";

export type Severity = "critical" | "high" | "medium" | "low";
export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];

export type TicketState =
  "new" | "acknowledged" | "in_progress" | "waiting_on_client" | "resolved" | "closed";
export const TICKET_STATES: readonly TicketState[] = [
  "new",
  "acknowledged",
  "in_progress",
  "waiting_on_client",
  "resolved",
  "closed",
];

export type PeopleAffected = "one" | "team" | "many" | "everyone";
export const PEOPLE_AFFECTED: readonly PeopleAffected[] = ["one", "team", "many", "everyone"];

export type ClockName = "response" | "resolution" | "updates";
/** What the list filters on: the worst running clock. */
export type ClockFilter = "on_track" | "warning" | "breached" | "paused";
export type ClockStatus = ClockFilter | "met" | "missed" | "none";

export interface NextDeadline {
  clock: ClockName;
  at: string;
  status: ClockStatus;
}

/** One row of `GET /relationships/:id/tickets`. */
export interface TicketSummary {
  id: string;
  number: number;
  title: string;
  severity: Severity;
  state: TicketState;
  assigneeId: string | null;
  reporterName: string;
  /** The escalation level's id in the protocol's ladder, or null. */
  escalationLevel: string | null;
  createdAt: string;
  updatedAt: string;
  responseDueAt: string | null;
  resolutionDueAt: string | null;
  updateDueAt: string | null;
  clockStatus: ClockFilter | "none";
  nextDeadline: NextDeadline | null;
}

export interface TicketList {
  items: TicketSummary[];
  /** Pass as `before` for the next page; null on the last page. */
  nextBefore: number | null;
}

export interface TicketFilters {
  state?: TicketState[];
  severity?: Severity[];
  clock?: ClockFilter;
  /** A user id, or "none" for unassigned. */
  assignee?: string;
  q?: string;
}

export interface Impact {
  peopleAffected: PeopleAffected;
  workaround: boolean;
  criticalFunctionStopped: boolean;
}

export interface TicketClock {
  name: ClockName;
  calendar: "24x7" | "business";
  startedAt: string | null;
  dueAt: string | null;
  stoppedAt: string | null;
  /** Clock time the target allows; null for "as available". */
  budgetMs: number | null;
  usedMs: number;
  status: ClockStatus;
  /** An open pause has `to: null`. */
  pauses: { from: string; to: string | null }[];
  thresholds: { pct: number; at: string | null }[];
}

export interface Authority {
  summary: string;
  decisions: string[];
}

export interface EscalationLevelInfo {
  id: string;
  name: string;
  side: Side;
  authority: Authority;
}

export interface StaffMember {
  userId: string;
  name: string;
  role: string;
}

export type EntryKind =
  | "created"
  | "comment"
  | "update"
  | "state"
  | "severity"
  | "assignment"
  | "escalation"
  | "clock"
  | "resolution";

export interface TicketEntry {
  id: string;
  kind: EntryKind | string;
  authorName: string;
  side: Side | "system";
  body: string;
  data: Record<string, unknown> | null;
  createdAt: string;
}

export interface TicketAbilities {
  comment: boolean;
  acknowledge: boolean;
  assign: boolean;
  update: boolean;
  waitOnClient: boolean;
  resume: boolean;
  resolve: boolean;
  confirm: boolean;
  reopen: boolean;
  changeSeverity: boolean;
  /** Level ids the viewer may escalate to. */
  escalateTo: string[];
  deescalate: boolean;
}

export interface Resolution {
  summary: string;
  rootCause?: string;
  fix?: string;
  prevention?: string;
}

/** `GET /relationships/:id/tickets/:ticketId`. */
export interface TicketDetail extends TicketSummary {
  description: string;
  source: "web" | "api" | "email";
  reporter: { id: string | null; name: string; email: string };
  assignee: { id: string; name: string } | null;
  impact: Impact & {
    peopleAffectedLabel: string;
    affectedSystems: string[];
    affectedPeopleCount: number | null;
  };
  suggestedSeverity: Severity;
  severityReason: string | null;
  severityInfo: { name: string; impact: string } | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  closeDueAt: string | null;
  resolution: Resolution | null;
  revision: number;
  protocolVersion: number | null;
  clocks: TicketClock[];
  escalation: {
    level: EscalationLevelInfo | null;
    holders: StaffMember[];
    ladder: (EscalationLevelInfo & { trigger: string })[];
  };
  /** Only for provider staff: who a ticket may be assigned to. */
  providerStaff: StaffMember[];
  /** Oldest first. */
  entries: TicketEntry[];
  abilities: TicketAbilities;
}

export interface TargetSpec {
  within: string;
  clock: "24x7" | "business";
}

export interface IntakeSeverity {
  key: Severity;
  name: string;
  impact: string;
  examples: string[];
  response: TargetSpec;
  resolution: TargetSpec;
  updates: { every: string; clock: "24x7" | "business" };
}

export interface IntakeRule {
  peopleAffected: PeopleAffected[] | null;
  workaround: boolean | null;
  criticalFunctionStopped: boolean | null;
  severity: Severity;
}

/** `GET /relationships/:id/tickets/intake-form`. */
export interface IntakeForm {
  canRaise: boolean;
  protocolVersion: number;
  peopleAffected: Record<PeopleAffected, string>;
  severities: IntakeSeverity[];
  rules: IntakeRule[];
}

export interface CreateTicketInput {
  title: string;
  description: string;
  impact: Impact;
  severity?: Severity;
  severityReason?: string;
  affectedSystems?: string[];
  affectedPeopleCount?: number;
  reporter?: { email: string; name?: string };
}
