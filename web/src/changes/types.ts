/**
 * Shapes of the changes module's answers and requests (src/modules/changes/changes.schema.ts):
 * change requests with their approval rounds and notice plan, the live check of a planned window,
 * the form built from the protocol, the change calendar, user groups and calendar feeds.
 */

export type ChangeClass = "routine" | "normal" | "significant" | "emergency";
export const CHANGE_CLASSES: readonly ChangeClass[] = ["routine", "normal", "significant", "emergency"];

export type ChangeState =
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

export type ChangeRisk = "low" | "medium" | "high";
export const CHANGE_RISKS: readonly ChangeRisk[] = ["low", "medium", "high"];

export type NoticeKind =
  "advance" | "reminder" | "start" | "finish" | "post_change" | "rescheduled" | "cancelled";
export type NoticeState = "planned" | "sent" | "skipped" | "missed";
export type ApprovalDecision = "approved" | "rejected" | "reschedule_requested";
export type FinishOutcome = "completed" | "failed" | "rolled_back";

/** Why a planned window is a problem; shown before anyone approves. */
export interface Conflict {
  kind: "blackout" | "outside_window" | "overlap" | "notice_lead_time";
  message: string;
  start: string | null;
  end: string | null;
  /** The blackout's or window's name, or the overlapping change's title. */
  name: string | null;
  /** The overlapping change. */
  changeId: string | null;
  /** For notice_lead_time: the earliest start that still gives the protocol's notice. */
  earliestStart: string | null;
}

export interface ApprovalRule {
  mode: "automatic" | "any_of" | "all_of" | "after_the_fact";
  roles: string[];
  /** Set when the change is approved under another class's rule (a routine change outside a window). */
  asClass: ChangeClass | null;
  /** The rule in a sentence, e.g. "Needs the approval of every one of: Approver, IT contact." */
  explanation: string;
}

export interface PlannedNotice {
  kind: NoticeKind;
  label: string;
  /** Null for notices sent when an event happens (start, finish…). */
  dueAt: string | null;
  latestAt: string | null;
  state: NoticeState;
  reason: string | null;
}

/** `POST /relationships/:id/changes/check`. */
export interface CheckResult {
  conflicts: Conflict[];
  approval: ApprovalRule;
  notices: PlannedNotice[];
  latestNoticeAt: string | null;
  earliestStartWithNotice: string | null;
  /** The plain-language line Liaison would write. */
  userNotice: string;
}

/** One row of `GET /relationships/:id/changes`. */
export interface ChangeSummary {
  id: string;
  number: number;
  title: string;
  class: ChangeClass;
  state: ChangeState;
  risk: ChangeRisk;
  plannedStart: string;
  plannedEnd: string;
  actualStart: string | null;
  actualEnd: string | null;
  affectedSystems: string[];
  unannounced: boolean;
  autoApproved: boolean;
  reviewDueAt: string | null;
  createdByName: string;
  updatedAt: string;
  /** Whether the viewer is one of the people whose decision the change waits for. */
  awaitingViewer: boolean;
}

export interface ChangeList {
  items: ChangeSummary[];
}

export interface Approval {
  id: string;
  round: number;
  userId: string;
  userName: string;
  role: string;
  decision: ApprovalDecision;
  reason: string | null;
  at: string;
  /** Given in the current approval round (earlier rounds were invalidated). */
  current: boolean;
}

export interface Notice extends PlannedNotice {
  id: string;
  sentAt: string | null;
  recipients: number | null;
}

export interface HistoryEntry {
  at: string;
  action: string;
  actorName: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface ChangeAbilities {
  edit: boolean;
  propose: boolean;
  approve: boolean;
  reject: boolean;
  requestReschedule: boolean;
  reschedule: boolean;
  schedule: boolean;
  start: boolean;
  finish: boolean;
  review: boolean;
  cancel: boolean;
}

export interface GroupRef {
  id: string;
  name: string;
  members: number;
}

/** `GET /relationships/:id/changes/:changeId`. */
export interface ChangeDetail extends ChangeSummary {
  description: string;
  reason: string;
  impact: string;
  userNotice: string;
  expectedDowntimeMinutes: number;
  testing: string;
  rollbackPlan: string;
  affectedGroups: GroupRef[];
  relatedTickets: { id: string; number: number; title: string }[];
  outcomeNotes: string | null;
  followUps: string | null;
  recordedAfterBy: "client" | "provider" | null;
  review: { summary: string; lessons: string; byName: string; at: string } | null;
  cancelReason: string | null;
  approvalRound: number;
  sequence: number;
  revision: number;
  /** The protocol's time zone, for showing local times. */
  timezone: string;
  approval: ApprovalRule & {
    /** Roles (all_of) or the one needed role (any_of) still without a decision this round. */
    waitingFor: string[];
    satisfied: boolean;
  };
  approvals: Approval[];
  notices: Notice[];
  /** For unannounced changes: the notices that never went out. */
  missedNotices: string[];
  conflicts: Conflict[];
  history: HistoryEntry[];
  abilities: ChangeAbilities;
}

/** One class of change as the protocol defines it, for the form's class picker. */
export interface ChangeFormClass {
  class: ChangeClass;
  description: string;
  /** The protocol's approval setting: standing, any_of, all_of or after_the_fact, with roles. */
  approval: { mode: string; roles: string[] };
  /** The advance notice, e.g. "5 business days". */
  notice: string;
  reminders: string[];
  realtimeNotices: boolean;
  postChangeNotice: boolean;
  reviewWithin: string | null;
}

/** `GET /relationships/:id/changes/form`. */
export interface ChangeForm {
  timezone: string;
  classes: ChangeFormClass[];
  groups: GroupRef[];
  /** Systems named on earlier changes, tickets and windows. */
  systems: string[];
}

export interface CalendarItem {
  kind: "change" | "window" | "blackout";
  id: string;
  title: string;
  start: string;
  end: string;
  changeId: string | null;
  number: number | null;
  class: ChangeClass | null;
  state: ChangeState | null;
  note: string | null;
}

/** `GET /relationships/:id/changes/calendar?from=&to=`. */
export interface CalendarView {
  timezone: string;
  items: CalendarItem[];
}

export interface GroupMember {
  id: string;
  name: string;
  email: string;
}

export interface UserGroup {
  id: string;
  name: string;
  description: string;
  members: GroupMember[];
}

export interface GroupList {
  items: UserGroup[];
}

export interface GroupInput {
  name?: string;
  description?: string;
  memberIds?: string[];
}

export interface Feed {
  id: string;
  label: string;
  createdAt: string;
  createdByName: string | null;
  lastFetchedAt: string | null;
  revokedAt: string | null;
  /** The creator, or an IT contact, executive or account manager. */
  canRevoke: boolean;
}

/** The answer to creating a feed: the secret subscription URL, shown only now. */
export interface FeedCreated extends Feed {
  url: string;
}

export interface FeedList {
  items: Feed[];
}

/** The fields of a change request that people write. */
export interface ChangeFields {
  class: ChangeClass;
  title: string;
  description: string;
  reason: string;
  impact: string;
  /** Left out, Liaison writes one from the systems, time and downtime. */
  userNotice?: string;
  expectedDowntimeMinutes: number;
  risk: ChangeRisk;
  testing?: string;
  rollbackPlan: string;
  affectedSystems: string[];
  affectedGroupIds?: string[];
  relatedTicketIds?: string[];
  plannedStart: string;
  plannedEnd: string;
}

export interface CreateChangeInput extends ChangeFields {
  /** Propose at once instead of saving a draft. */
  propose?: boolean;
}

export type UpdateChangeInput = Partial<ChangeFields> & { revision?: number };

export interface CheckChangeInput {
  class: ChangeClass;
  plannedStart: string;
  plannedEnd: string;
  affectedSystems?: string[];
  expectedDowntimeMinutes?: number;
  /** The change being edited, so it does not conflict with itself. */
  changeId?: string;
}

/** A change recorded after it happened. */
export interface RecordChangeInput {
  /** Provider only; a client report is recorded as normal. */
  class?: ChangeClass;
  title: string;
  description: string;
  reason?: string;
  impact?: string;
  affectedSystems?: string[];
  relatedTicketIds?: string[];
  startedAt: string;
  endedAt?: string;
  outcomeNotes?: string;
}

export interface ChangeFilters {
  state?: ChangeState[];
  class?: ChangeClass[];
  unannounced?: boolean;
  q?: string;
}
