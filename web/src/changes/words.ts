/**
 * Changes in words and colours: classes, states, risks, notices, conflicts and the protocol's
 * approval settings. Pure functions, shared by the list, the form, the change page and the
 * calendar so they all say the same thing.
 */
import { roleLabel } from "../identity/roles.ts";
import type {
  ChangeClass,
  ChangeRisk,
  ChangeState,
  Conflict,
  FinishOutcome,
  NoticeKind,
  NoticeState,
} from "./types.ts";

export const CLASS_LABELS: Record<ChangeClass, string> = {
  routine: "Routine",
  normal: "Normal",
  significant: "Significant",
  emergency: "Emergency",
};

/** One colour per class, the same in badges and on the calendar. */
export const CLASS_COLORS: Record<ChangeClass, string> = {
  routine: "teal",
  normal: "blue",
  significant: "orange",
  emergency: "red",
};

export const STATE_LABELS: Record<ChangeState, string> = {
  draft: "Draft",
  proposed: "Proposed",
  approved: "Approved",
  rejected: "Rejected",
  reschedule_requested: "Reschedule requested",
  scheduled: "Scheduled",
  in_progress: "In progress",
  completed: "Completed",
  failed: "Failed",
  rolled_back: "Rolled back",
  reviewed: "Reviewed",
  cancelled: "Cancelled",
};

export const STATE_COLORS: Record<ChangeState, string> = {
  draft: "gray",
  proposed: "blue",
  approved: "teal",
  rejected: "red",
  reschedule_requested: "grape",
  scheduled: "cyan",
  in_progress: "indigo",
  completed: "teal",
  failed: "red",
  rolled_back: "orange",
  reviewed: "gray",
  cancelled: "gray",
};

export const RISK_LABELS: Record<ChangeRisk, string> = { low: "Low", medium: "Medium", high: "High" };
export const RISK_COLORS: Record<ChangeRisk, string> = { low: "gray", medium: "yellow", high: "red" };

export const NOTICE_STATE_LABELS: Record<NoticeState, string> = {
  planned: "Planned",
  sent: "Sent",
  skipped: "Skipped",
  missed: "Missed",
};

export const NOTICE_STATE_COLORS: Record<NoticeState, string> = {
  planned: "blue",
  sent: "teal",
  skipped: "gray",
  missed: "red",
};

/** When an event notice goes out, for notices without a due time. */
export const NOTICE_EVENT_WORDS: Record<NoticeKind, string> = {
  advance: "Before the change",
  reminder: "Before the change",
  start: "When the change starts",
  finish: "When the change ends",
  post_change: "After the change",
  rescheduled: "When it is rescheduled",
  cancelled: "When it is cancelled",
};

export const CONFLICT_TITLES: Record<Conflict["kind"], string> = {
  blackout: "During a blackout",
  outside_window: "Outside the maintenance windows",
  overlap: "Overlaps another change",
  notice_lead_time: "Too late for the required notice",
};

export const OUTCOME_LABELS: Record<FinishOutcome, string> = {
  completed: "Completed",
  failed: "Failed",
  rolled_back: "Rolled back",
};

export const classLabel = (c: string): string => CLASS_LABELS[c as ChangeClass] ?? humanize(c);
export const stateLabel = (s: string): string => STATE_LABELS[s as ChangeState] ?? humanize(s);

/** "CHG-12", the way both sides name a change. */
export const changeNumber = (n: number | null | undefined): string => (n == null ? "CHG" : `CHG-${n}`);

/** "Approver, IT point of contact" → "Approver and IT point of contact". */
export function roleList(roles: readonly string[], joiner: "and" | "or" = "and"): string {
  const labels = roles.map(roleLabel);
  if (labels.length <= 1) return labels.join("");
  return `${labels.slice(0, -1).join(", ")} ${joiner} ${labels[labels.length - 1]}`;
}

/**
 * The protocol's approval setting of a class in a sentence, for the class picker (the server's
 * explanation of the rule that applies to a planned window comes with the live check).
 */
export function approvalSettingWords(approval: { mode: string; roles: string[] }): string {
  switch (approval.mode) {
    case "standing":
      return "Standing approval inside a maintenance window; outside one, it needs approval like a normal change.";
    case "any_of":
      return `Needs the approval of one of: ${roleList(approval.roles, "or")}.`;
    case "all_of":
      return `Needs the approval of each of: ${roleList(approval.roles)}.`;
    case "after_the_fact":
      return "Made at once, reviewed after the fact.";
    default:
      return humanize(approval.mode);
  }
}

/** Whether a state is one a change can still move out of towards being done. */
export function isOpenState(state: ChangeState): boolean {
  return !["completed", "failed", "rolled_back", "reviewed", "cancelled", "rejected"].includes(state);
}

/** History actions (audit events `change.*`) in words, after the actor's name. */
const ACTION_WORDS: Record<string, string> = {
  created: "created the change",
  recorded: "recorded the change after it happened",
  updated: "edited the change",
  proposed: "proposed the change",
  approval_given: "approved",
  approved: "approved; the change is approved",
  rejected: "rejected the change",
  reschedule_requested: "asked for another time",
  rescheduled: "rescheduled the change",
  scheduled: "scheduled the change",
  started: "started the change",
  completed: "finished the change: completed",
  failed: "finished the change: it failed",
  rolled_back: "finished the change: rolled back",
  reviewed: "reviewed the change",
  cancelled: "cancelled the change",
  review_overdue: "noted that the review is overdue",
  unannounced: "marked the change unannounced",
};

export function actionWords(action: string, after?: Record<string, unknown> | null): string {
  const key = action.replace(/^change\./, "");
  if (key === "approved" && after?.automatic) return "approved it automatically (standing approval)";
  return ACTION_WORDS[key] ?? humanize(key).toLowerCase();
}

/** Events whose `after` is the whole change: its fields are on the page already. */
export const WHOLE_RECORD_ACTIONS = new Set(["change.created", "change.recorded"]);

/** Bookkeeping fields the history does not list. */
export const HIDDEN_HISTORY_FIELDS = new Set([
  "id",
  "number",
  "revision",
  "sequence",
  "relationshipId",
  "automatic",
]);

/** Field names of a change in words, for the history's before → after. */
const FIELD_WORDS: Record<string, string> = {
  class: "Class",
  state: "State",
  title: "Title",
  description: "What changes",
  reason: "Why",
  impact: "Impact",
  userNotice: "Notice to affected people",
  expectedDowntimeMinutes: "Expected downtime (minutes)",
  risk: "Risk",
  testing: "Testing",
  rollbackPlan: "Rollback plan",
  affectedSystems: "Affected systems",
  affectedGroupIds: "Affected groups",
  relatedTicketIds: "Related tickets",
  plannedStart: "Planned start",
  plannedEnd: "Planned end",
  actualStart: "Started",
  actualEnd: "Ended",
  approvalRound: "Approval round",
  outcomeNotes: "Outcome",
  followUps: "Follow-ups",
  cancelReason: "Reason",
  round: "Round",
  role: "Role",
  window: "Maintenance window",
  invalidated: "Invalidated",
  approval: "Approval",
  noticeDueBy: "Notice due by",
  noticeGivenAt: "Notice given at",
  shortNotice: "Short notice",
  reviewDueAt: "Review due",
  late: "Late",
};

export function fieldWords(field: string): string {
  return FIELD_WORDS[field] ?? humanize(field);
}

export function humanize(value: string): string {
  const words = value
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/[_.-]+/g, " ")
    .trim()
    .toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : value;
}

/** "90" → "1 h 30 min", "0" → "none". */
export function minutesWords(minutes: number): string {
  if (minutes <= 0) return "none";
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  return [days ? `${days} d` : "", hours ? `${hours} h` : "", mins ? `${mins} min` : ""]
    .filter(Boolean)
    .join(" ");
}
