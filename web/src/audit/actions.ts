import type { AuditEvent } from "./types.ts";

/**
 * Plain words for the dotted actions the server records. Unknown actions still read as a
 * sentence ("ticket.escalated" → "escalated a ticket"), so a new server event never shows
 * up as code.
 */
const PHRASES: Record<string, string> = {
  "organization.created": "created the organization",
  "organization.updated": "updated the organization",
  "relationship.created": "started the relationship",
  "relationship.updated": "updated the relationship",
  "relationship.ended": "ended the relationship",
  "user.created": "created an account",
  "user.invited": "invited someone",
  "user.updated": "updated a profile",
  "user.password_set": "chose a password",
  "user.password_changed": "changed their password",
  "user.password_reset_requested": "asked for a password reset",
  "membership.created": "added a member",
  "membership.updated": "changed a member's role",
  "membership.role_changed": "changed a member's role",
  "membership.admin_granted": "made a member an admin",
  "membership.admin_revoked": "removed a member's admin rights",
  "membership.deleted": "removed a member",
  "membership.removed": "removed a member",
  "auth.login": "signed in",
  "auth.login_failed": "failed to sign in",
  "auth.logout": "signed out",
  "auth.setup": "chose a password",
  "auth.password_changed": "changed their password",
  "session.created": "signed in",
  "password.changed": "changed their password",
  "password.reset": "reset their password",
  "invitation.accepted": "accepted an invitation and chose a password",
  "session.revoked": "signed out a session",
  "session.ended": "signed out",
  "token.created": "created an API token",
  "token.revoked": "revoked an API token",
  "token.used": "used an API token",
  "api_token.created": "created an API token",
  "api_token.revoked": "revoked an API token",
  "demo.loaded": "loaded the demo data",
  "protocol.draft_created": "started a protocol draft",
  "protocol.draft_updated": "edited a protocol draft",
  "protocol.proposed": "proposed a protocol version for signature",
  "protocol.signed": "signed a protocol version",
  "protocol.activated": "put a protocol version into effect",
  "protocol.declined": "declined a protocol version",
  "protocol.discarded": "discarded a protocol draft",
  "ticket.created": "raised a ticket",
  "ticket.acknowledged": "acknowledged a ticket",
  "ticket.assigned": "assigned a ticket",
  "ticket.update_posted": "posted an investigation update",
  "ticket.commented": "commented on a ticket",
  "ticket.waiting_on_client": "asked the client a question on a ticket",
  "ticket.resumed": "resumed a ticket",
  "ticket.severity_changed": "changed a ticket's severity",
  "ticket.escalated": "escalated a ticket",
  "ticket.deescalated": "de-escalated a ticket",
  "ticket.resolved": "resolved a ticket",
  "ticket.closed": "closed a ticket",
  "ticket.reopened": "reopened a ticket",
  "ticket.clock_warning": "warned that a ticket's clock is running out",
  "ticket.breached": "recorded a missed ticket target",
  "ticket.update_overdue": "recorded an overdue investigation update",
  "ticket.update_overdue_client": "told the client an investigation update is overdue",
};

const VERBS: Record<string, string> = {
  created: "created",
  updated: "updated",
  deleted: "deleted",
  removed: "removed",
  revoked: "revoked",
  added: "added",
  signed: "signed",
  proposed: "proposed",
  approved: "approved",
  rejected: "rejected",
  closed: "closed",
  opened: "opened",
  resolved: "resolved",
  escalated: "escalated",
  acknowledged: "acknowledged",
};

/** "membership.created" → "added a member". */
export function describeAction(action: string): string {
  const known = PHRASES[action];
  if (known) return known;
  const parts = action.split(".");
  if (parts.length < 2) return humanize(action).toLowerCase();
  const verb = parts[parts.length - 1] ?? "";
  const noun = humanize(parts.slice(0, -1).join(" ")).toLowerCase();
  const pastTense = VERBS[verb] ?? humanize(verb).toLowerCase();
  return `${pastTense} ${article(noun)} ${noun}`;
}

/** Who did it, in words: a person's name, an API token, or Liaison itself. */
export function describeActor(actor: AuditEvent["actor"]): string {
  if (actor.type === "system") return actor.name ?? "Liaison";
  if (actor.type === "token") return actor.name ? `API token “${actor.name}”` : "An API token";
  return actor.name ?? "Someone";
}

/** The record the event is about, e.g. "Dana Whitfield" or "membership 3f2a…" when it has no label. */
export function describeSubject(subject: AuditEvent["subject"]): string | null {
  if (subject.label) return subject.label;
  if (subject.id) return `${humanize(subject.type).toLowerCase()} ${subject.id.slice(0, 8)}`;
  return null;
}

/** The record type in words ("api_token" → "API token"). */
export function subjectTypeLabel(type: string): string {
  if (type === "api_token" || type === "token") return "API token";
  return humanize(type);
}

function humanize(value: string): string {
  const words = value.replace(/[_-]+/g, " ").trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : value;
}

function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? "an" : "a";
}
