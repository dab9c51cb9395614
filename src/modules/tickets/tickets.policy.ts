import type { Role } from "../../core/http/actor.ts";
import type { RelationshipViewer } from "../identity/identity.policy.ts";
import type { ProtocolDoc } from "../protocol/protocol.document.ts";

/**
 * Who may do what to a ticket. The protocol decides escalation rights (each level's
 * `requested_by`); everything else is fixed here:
 * - client people raise tickets; members (end users) see and act on only their own;
 * - advisors read;
 * - provider staff acknowledge, assign, post investigation updates, wait on the client, resolve;
 * - the client confirms a resolution or reopens it; either side comments and proposes a severity.
 */
const clientRaisers: ReadonlySet<Role> = new Set<Role>(["member", "it_contact", "executive", "approver"]);
const providerStaff: ReadonlySet<Role> = new Set<Role>([
  "technician",
  "senior_technician",
  "account_manager",
]);
const clientDeciders: ReadonlySet<Role> = new Set<Role>(["it_contact", "executive", "approver"]);

export interface TicketFacts {
  reporterId: string | null;
  raisedById: string | null;
  assigneeId: string | null;
  state: string;
  escalationLevel: string | null;
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
  escalateTo: string[];
  deescalate: boolean;
}

export const canRaiseTickets = (v: RelationshipViewer) =>
  v.side === "client" ? clientRaisers.has(v.role) : providerStaff.has(v.role);

export const isProviderStaff = (v: RelationshipViewer) => v.side === "provider" && providerStaff.has(v.role);

/** Whether the viewer sees only their own tickets (client members). */
export const seesOnlyOwn = (v: RelationshipViewer) => v.side === "client" && v.role === "member";

/** The actor's id as tickets record it: a user id, or a token id for API tokens. */
export function canSeeTicket(v: RelationshipViewer, actorId: string, t: TicketFacts): boolean {
  if (!seesOnlyOwn(v)) return true;
  return t.reporterId === actorId || t.raisedById === actorId;
}

export function ticketAbilities(
  v: RelationshipViewer,
  actorId: string,
  t: TicketFacts,
  doc: ProtocolDoc | null,
): TicketAbilities {
  const staff = isProviderStaff(v);
  const own = t.reporterId === actorId || t.raisedById === actorId;
  const clientDecider = v.side === "client" && (clientDeciders.has(v.role) || own);
  const open = t.state !== "closed";
  const active = open && t.state !== "resolved";
  const levels = doc?.escalation.levels ?? [];
  const current = levels.findIndex((l) => l.id === t.escalationLevel);
  const escalateTo = active
    ? levels.filter((l, i) => i > current && l.requested_by.includes(v.role)).map((l) => l.id)
    : [];
  const currentLevel = current >= 0 ? levels[current] : undefined;
  return {
    comment: open && v.role !== "advisor",
    acknowledge: staff && t.state === "new",
    assign: staff && active,
    update: staff && active && t.state !== "new",
    waitOnClient: staff && (t.state === "acknowledged" || t.state === "in_progress"),
    resume: (staff || clientDecider) && t.state === "waiting_on_client",
    resolve: staff && active,
    confirm: clientDecider && t.state === "resolved",
    reopen: clientDecider && (t.state === "resolved" || t.state === "closed"),
    changeSeverity: active && (staff || clientDecider),
    escalateTo,
    deescalate:
      active &&
      !!currentLevel &&
      v.side === currentLevel.side &&
      (currentLevel.roles.includes(v.role) || v.role === "account_manager" || v.role === "executive"),
  };
}

const staffRoles = ["technician", "senior_technician", "account_manager"] as const;
const clientDeciderRoles = ["it_contact", "executive", "approver"] as const;

/**
 * The roles that may attempt each action at all, checked first (403) before the ticket's state
 * or ownership narrows it further. Routes publish these as `x-access.roles`.
 */
export const actionRoles = {
  raise: ["member", ...clientDeciderRoles, ...staffRoles],
  comment: ["member", ...clientDeciderRoles, ...staffRoles],
  acknowledge: staffRoles,
  assign: staffRoles,
  update: staffRoles,
  waitOnClient: staffRoles,
  resolve: staffRoles,
  resume: ["member", ...clientDeciderRoles, ...staffRoles],
  changeSeverity: ["member", ...clientDeciderRoles, ...staffRoles],
  confirm: ["member", ...clientDeciderRoles],
  reopen: ["member", ...clientDeciderRoles],
  escalate: ["member", ...clientDeciderRoles, ...staffRoles],
  deescalate: [...clientDeciderRoles, ...staffRoles],
} as const satisfies Record<string, readonly Role[]>;
export type TicketAction = keyof typeof actionRoles;

export const actionRefusals: Record<TicketAction, string> = {
  raise: "Tickets are raised by the client's people, or by provider staff on their behalf.",
  comment: "Advisors read tickets; they do not comment.",
  acknowledge: "Provider staff acknowledge tickets.",
  assign: "Provider staff assign tickets.",
  update: "Provider staff post investigation updates.",
  waitOnClient: "Provider staff put a ticket on hold for the client.",
  resolve: "Provider staff resolve tickets.",
  resume: "Provider staff, the reporter or the client's IT contact, approver or executive resume a ticket.",
  changeSeverity:
    "Provider staff, the reporter or the client's IT contact, approver or executive change a ticket's severity.",
  confirm: "The reporter or the client's IT contact, approver or executive confirm a resolution.",
  reopen: "The reporter or the client's IT contact, approver or executive reopen a ticket.",
  escalate: "Advisors cannot escalate tickets.",
  deescalate: "The holders of the current level, provider staff, or the client's deciders de-escalate.",
};

export const mayAttempt = (v: RelationshipViewer, action: TicketAction) =>
  (actionRoles[action] as readonly Role[]).includes(v.role);
