/**
 * The event kinds people can choose channels for, as the preferences page lists them. A module
 * that notifies about a new kind adds it here; a kind that is not listed still notifies (on
 * every channel by default) and appears on the page once someone has received it.
 */
export interface NotificationKindInfo {
  kind: string;
  /** The module it belongs to, for grouping on the preferences page. */
  group: string;
  label: string;
}

export const notificationKinds: readonly NotificationKindInfo[] = [
  { kind: "ticket.created", group: "Tickets", label: "A ticket is raised" },
  { kind: "ticket.acknowledged", group: "Tickets", label: "The provider acknowledges a ticket" },
  { kind: "ticket.assigned", group: "Tickets", label: "A ticket is assigned" },
  { kind: "ticket.update_posted", group: "Tickets", label: "An investigation update is posted" },
  { kind: "ticket.commented", group: "Tickets", label: "Someone comments on a ticket" },
  { kind: "ticket.waiting_on_client", group: "Tickets", label: "The provider waits for the client's answer" },
  { kind: "ticket.resumed", group: "Tickets", label: "Work on a waiting ticket resumes" },
  { kind: "ticket.severity_changed", group: "Tickets", label: "A ticket's severity changes" },
  { kind: "ticket.clock_warning", group: "Tickets", label: "A response or resolution deadline is near" },
  { kind: "ticket.breached", group: "Tickets", label: "A response or resolution deadline is missed" },
  { kind: "ticket.update_overdue", group: "Tickets", label: "An investigation update is overdue" },
  { kind: "ticket.update_overdue_client", group: "Tickets", label: "An update owed to you is overdue" },
  { kind: "ticket.escalated", group: "Tickets", label: "A ticket is escalated" },
  { kind: "ticket.deescalated", group: "Tickets", label: "A ticket's escalation is lowered" },
  { kind: "ticket.resolved", group: "Tickets", label: "A ticket is resolved" },
  { kind: "ticket.closed", group: "Tickets", label: "A ticket is closed" },
  { kind: "ticket.reopened", group: "Tickets", label: "A ticket is reopened" },
  { kind: "change.notice.advance", group: "Changes", label: "Advance notice of a planned change" },
  { kind: "change.notice.reminder", group: "Changes", label: "Reminder before a change" },
  { kind: "change.notice.start", group: "Changes", label: "A change starts" },
  { kind: "change.notice.finish", group: "Changes", label: "A change finishes" },
  { kind: "change.notice.post_change", group: "Changes", label: "The outcome of a change" },
  { kind: "change.notice.rescheduled", group: "Changes", label: "A change moves to another time" },
  { kind: "change.notice.cancelled", group: "Changes", label: "A change is cancelled" },
  {
    kind: "change.notice.people",
    group: "Changes",
    label: "Plain-language notices of changes that affect your group",
  },
  {
    kind: "change.approval_given",
    group: "Changes",
    label: "Someone approves a change (more approvals needed)",
  },
  { kind: "change.approved", group: "Changes", label: "A change is approved" },
  { kind: "change.rejected", group: "Changes", label: "A change is rejected" },
  { kind: "change.reschedule_requested", group: "Changes", label: "The client asks to move a change" },
  { kind: "change.unannounced", group: "Changes", label: "A change nobody announced is recorded" },
  { kind: "change.review_overdue", group: "Changes", label: "A change's review is overdue" },
  {
    kind: "emergency.page",
    group: "Emergencies",
    label: "You are paged for an emergency (always sent to every address: pages ignore these choices)",
  },
  { kind: "emergency.declared", group: "Emergencies", label: "An emergency is declared" },
  { kind: "emergency.acknowledged", group: "Emergencies", label: "Someone acknowledges an emergency page" },
  { kind: "emergency.unanswered", group: "Emergencies", label: "Nobody acknowledged an emergency page" },
  {
    kind: "emergency.approval_requested",
    group: "Emergencies",
    label: "An on-call action needs your approval",
  },
  {
    kind: "emergency.approval_decided",
    group: "Emergencies",
    label: "Your on-call action is approved or declined",
  },
  { kind: "oncall.override", group: "On call", label: "Someone puts you on call" },
  { kind: "restoration.stale", group: "On call", label: "A restoration plan has gone untested too long" },
  { kind: "review.opened", group: "Reviews", label: "A post-incident review opens" },
  { kind: "review.signed", group: "Reviews", label: "A review is signed by one side" },
  { kind: "review.finished", group: "Reviews", label: "A review is signed off by both sides" },
  { kind: "review.overdue", group: "Reviews", label: "A review is overdue" },
  { kind: "review.action_assigned", group: "Reviews", label: "You are given a prevention action" },
  { kind: "review.action_overdue", group: "Reviews", label: "A prevention action is overdue" },
  { kind: "touchpoint.invitation", group: "Touchpoints", label: "Meeting invitations and their updates" },
  { kind: "touchpoint.moved", group: "Touchpoints", label: "A meeting moves to another time" },
  { kind: "touchpoint.skipped", group: "Touchpoints", label: "A meeting is skipped" },
  { kind: "touchpoint.agenda", group: "Touchpoints", label: "The agenda before a meeting" },
  { kind: "touchpoint.summary", group: "Touchpoints", label: "The summary after a meeting" },
  { kind: "touchpoint.action_assigned", group: "Touchpoints", label: "You are given an action item" },
  { kind: "touchpoint.action_overdue", group: "Touchpoints", label: "Your action item is overdue" },
  { kind: "protocol.proposed", group: "Protocol", label: "A protocol version is proposed for signature" },
  { kind: "protocol.activated", group: "Protocol", label: "A protocol version takes effect" },
  { kind: "protocol.declined", group: "Protocol", label: "A proposed protocol version is declined" },
];

/** Dotted lower-case event kinds: `ticket.breached`, `protocol.proposed`. */
export const KIND_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

/**
 * Whether a webhook endpoint subscribed to `patterns` receives `type`: an empty list or `*`
 * means every type, `ticket.*` every type under `ticket.`, anything else an exact match.
 */
export function matchesEventTypes(patterns: readonly string[], type: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((p) =>
    p === "*" ? true : p.endsWith(".*") ? type.startsWith(p.slice(0, -1)) : p === type,
  );
}

/** Severities of the notification core, most urgent first. */
export const severities = ["emergency", "critical", "high", "medium", "low"] as const;
