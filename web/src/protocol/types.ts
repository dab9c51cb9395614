/**
 * Shapes of the protocol module's answers (src/modules/protocol/protocol.routes.ts) and of the
 * protocol document itself once the server has validated it (`parsed`, with defaults filled in).
 */
import type { Side } from "../relationships/types.ts";

export type VersionState = "draft" | "proposed" | "active" | "superseded" | "declined" | "discarded";
export type Clock = "24x7" | "business";
export type SeverityKey = "critical" | "high" | "medium" | "low";
export const SEVERITY_KEYS: readonly SeverityKey[] = ["critical", "high", "medium", "low"];

export interface Signature {
  side: Side;
  userId: string;
  name: string;
  role: string;
  signedAt: string;
  documentSha256: string;
}

export interface VersionSummary {
  id: string;
  number: number;
  state: VersionState;
  title: string;
  summary: string;
  documentSha256: string;
  basedOnId: string | null;
  createdAt: string;
  updatedAt: string;
  proposedAt: string | null;
  activatedAt: string | null;
  supersededAt: string | null;
  closedReason: string | null;
  signatures: Signature[];
}

export interface ProtocolAbilities {
  edit: boolean;
  sign: boolean;
}

/** `GET /relationships/:id/protocol`. */
export interface ProtocolOverview {
  active: VersionSummary | null;
  open: VersionSummary | null;
  /** Newest first. */
  versions: VersionSummary[];
  abilities: ProtocolAbilities;
  viewerSide: Side;
}

/** One problem in a document, at its (1-based) line and column. */
export interface DocumentProblem {
  path: string;
  line: number;
  column: number;
  message: string;
  level: "error" | "warning";
}

export interface UpcomingHoliday {
  date: string;
  name: string;
  observedFrom?: string;
}

/** `GET /relationships/:id/protocol/versions/:versionId`. */
export interface VersionDetail extends VersionSummary {
  document: string;
  valid: boolean;
  problems: DocumentProblem[];
  parsed: ProtocolDoc | null;
  businessDayMs: number | null;
  upcomingHolidays: UpcomingHoliday[];
  abilities: ProtocolAbilities;
  viewerSide: Side;
}

export interface ValidationAnswer {
  valid: boolean;
  problems: DocumentProblem[];
}

export interface ProtocolChange {
  section: string;
  kind: "added" | "removed" | "changed";
  label: string;
  before: string | null;
  after: string | null;
  text: string;
}

interface DiffSide {
  id: string;
  number: number;
  state: VersionState;
  document: string;
  valid: boolean;
}

/** `GET /relationships/:id/protocol/diff`; `changes` is null when either text has problems. */
export interface ProtocolDiff {
  from: DiffSide;
  to: DiffSide;
  changes: ProtocolChange[] | null;
}

export interface Deadline {
  /** null: no deadline ("as available"). */
  due: string | null;
  clock: Clock;
}

export interface DeadlinePreview {
  versionNumber: number;
  severity: SeverityKey;
  response: Deadline;
  resolution: Deadline;
  firstUpdate: Deadline;
}

export interface HolidayImport {
  document: string;
  added: { name: string; rule: string }[];
  skipped: number;
}

// The document, as the server's schema outputs it (src/modules/protocol/protocol.document.ts).

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export const WEEKDAYS: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

export interface Holiday {
  name: string;
  date?: string;
  month?: number;
  day?: number;
  weekday?: Weekday;
  nth?: number;
  easter?: number;
  observed?: "none" | "nearest_weekday" | "next_weekday";
}

export interface CalendarException {
  date: string;
  name?: string;
  closed?: boolean;
  hours?: string[];
}

export interface Target {
  within: string;
  clock: Clock;
}

export interface SeveritySpec {
  name: string;
  impact: string;
  examples?: string[];
  response: Target;
  resolution: Target;
  updates: { every: string; clock: Clock };
}

export interface ImpactRule {
  people_affected?: ("one" | "team" | "many" | "everyone")[];
  workaround?: boolean;
  critical_function_stopped?: boolean;
  severity: SeverityKey;
}

export type ClockName = "response" | "resolution" | "updates";

export type Trigger = "manual" | { clock: ClockName; at?: string | number; after_breach?: string };

export interface EscalationLevel {
  id: string;
  name: string;
  side: Side;
  roles: string[];
  people: string[];
  trigger: Trigger;
  requested_by: string[];
  authority: { summary: string; decisions: string[] };
}

export type ChangeClassKey = "routine" | "normal" | "significant" | "emergency";
export const CHANGE_CLASS_KEYS: readonly ChangeClassKey[] = ["routine", "normal", "significant", "emergency"];

export interface ChangeClass {
  description: string;
  approval: { mode: "standing" | "any_of" | "all_of" | "after_the_fact"; roles: string[] };
  notice: string;
  reminders: string[];
  realtime_notices: boolean;
  post_change_notice: boolean;
  review_within?: string;
}

export interface MaintenanceWindow {
  name: string;
  rule: string;
  at: string;
  duration: string;
  from?: string;
  systems: string[];
}

export interface Blackout {
  name: string;
  from?: string;
  to?: string;
  rule?: string;
  at?: string;
  duration?: string;
  reason?: string;
}

export interface OnCallAction {
  action: string;
  label: string;
  approver_roles: string[];
}

export interface Report {
  audience: string;
  name: string;
  rule: string;
  recipients: string[];
  includes: string[];
}

export interface ScopeItem {
  item: string;
  examples: string[];
  notes?: string;
}

export interface ProtocolDoc {
  liaison_protocol: 1;
  title: string;
  timezone: string;
  calendar: {
    hours: "24x7" | Partial<Record<Weekday, string[]>>;
    holidays: Holiday[];
    exceptions: CalendarException[];
  };
  severities: Record<SeverityKey, SeveritySpec>;
  impact_matrix: {
    people_affected: Record<"one" | "team" | "many" | "everyone", string>;
    rules: ImpactRule[];
  };
  clock_pauses: Record<ClockName, string[]>;
  tickets: { close_resolved_after: string };
  escalation: { levels: EscalationLevel[] };
  changes: {
    classes: Record<ChangeClassKey, ChangeClass>;
    maintenance_windows: MaintenanceWindow[];
    blackouts: Blackout[];
  };
  emergencies: {
    criteria: string[];
    acknowledge_within: string;
    oncall_authority: { without_approval: OnCallAction[]; needs_approval: OnCallAction[] };
    post_incident_review_within: string;
    restoration_test_max_age: string;
  };
  touchpoints: {
    rule: string;
    at: string;
    from?: string;
    duration: string;
    attendees: { client: string[]; provider: string[] };
    agenda_before: string;
    link?: string;
  };
  reports: Report[];
  scope: { included: ScopeItem[]; billable: ScopeItem[]; out_of_scope: ScopeItem[] };
}
