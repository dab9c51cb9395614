import type { ActorMembership, Role } from "../../core/http/actor.ts";
import type { RelationshipViewer } from "../identity/identity.policy.ts";

/**
 * Who may do what in emergencies, on-call schedules and post-incident reviews. The provider
 * keeps its schedules and responds; the client's leads may declare an emergency (it is their
 * business that stopped) and approve what the on-call register says needs approval; both sides
 * write and sign the review. Everyone in the relationship can read all of it: the client sees who
 * is on call and every step of the response.
 */
export type EmergencyAction =
  | "declare"
  | "acknowledge"
  | "act"
  | "note"
  | "update"
  | "resolve"
  | "editReview"
  | "signReview"
  | "trackActions";

const clientLeads: readonly Role[] = ["executive", "it_contact", "approver"];
const providerLeads: readonly Role[] = ["account_manager", "senior_technician"];

export const emergencyRefusals: Record<EmergencyAction, string> = {
  declare:
    "Emergencies are declared by the provider's staff or the client's executive, IT contact or approver.",
  acknowledge: "Only the provider's staff acknowledge a page.",
  act: "Only the provider's staff log actions taken in an emergency.",
  note: "Only people of the client or the provider add notes to an emergency.",
  update: "Only the provider's staff post updates in an emergency.",
  resolve: "Only the provider's staff resolve an emergency.",
  editReview: "Reviews are written by the provider's staff or the client's IT contact or executive.",
  signReview:
    "A review is signed off by the provider's account manager or senior technician and by the client's IT contact or executive.",
  trackActions:
    "Prevention actions are kept by the provider's staff, the client's IT contact or executive, and each action's owner.",
};

const isProvider = (v: RelationshipViewer) => v.side === "provider";

/** Whether the viewer's role may attempt the action at all (403 otherwise, before any state check). */
export function mayAttempt(v: RelationshipViewer, action: EmergencyAction): boolean {
  switch (action) {
    case "declare":
      return isProvider(v) || (v.side === "client" && clientLeads.includes(v.role));
    case "acknowledge":
    case "act":
    case "update":
    case "resolve":
      return isProvider(v);
    case "note":
      return true;
    case "editReview":
    case "trackActions":
      return isProvider(v) || (v.side === "client" && (v.role === "it_contact" || v.role === "executive"));
    case "signReview":
      return (
        v.via === "membership" &&
        (isProvider(v) ? providerLeads.includes(v.role) : v.role === "it_contact" || v.role === "executive")
      );
  }
}

/** Whether the viewer holds a role the register names as an approver (people only, not tokens). */
export const mayApprove = (v: RelationshipViewer, approverRoles: readonly string[]): boolean =>
  v.via === "membership" && approverRoles.includes(v.role);

/** Schedules are kept by the provider's account managers, senior technicians and admins. */
export const mayManageSchedules = (m: ActorMembership): boolean =>
  m.orgKind === "provider" && (m.admin || providerLeads.includes(m.role));

export const scheduleRefusal =
  "On-call schedules are kept by the provider's account managers, senior technicians and administrators.";

/** When an action outside the register needs approval, these client roles give it. */
export const outsideRegisterApprovers: readonly Role[] = ["it_contact", "executive"];
