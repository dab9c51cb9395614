import type { Role } from "../../core/http/actor.ts";
import type { RelationshipViewer } from "../identity/identity.policy.ts";
import type { changeStateValues } from "./changes.tables.ts";

/**
 * Who may do what with change requests. The provider plans, proposes, schedules and carries out
 * changes; the client's people named by the protocol approve them; either side may record a
 * change that happened without notice, and either side's leads may write the review. Everyone in
 * the relationship reads changes: end users are told about the changes that affect them.
 */
export type ChangeState = (typeof changeStateValues)[number];

export type ChangeAction =
  | "create"
  | "edit"
  | "propose"
  | "decide"
  | "reschedule"
  | "schedule"
  | "start"
  | "finish"
  | "review"
  | "cancel"
  | "record"
  | "manageGroups";

const clientLeads: readonly Role[] = ["executive", "it_contact", "approver"];

export const actionRefusals: Record<ChangeAction, string> = {
  create: "Only the provider's staff plan changes; the client approves them.",
  edit: "Only the provider's staff edit change requests.",
  propose: "Only the provider's staff propose changes.",
  decide: "Only the client people the protocol names for this class of change approve it.",
  reschedule: "Only the provider's staff move a change; the client can ask for another time.",
  schedule: "Only the provider's staff schedule changes.",
  start: "Only the provider's staff start changes.",
  finish: "Only the provider's staff record how a change went.",
  review: "Reviews are written by the provider's staff or the client's IT contact or executive.",
  cancel: "Only the provider's staff cancel changes.",
  record:
    "Record a change that happened as provider staff, or as the client's executive, IT contact or approver.",
  manageGroups: "User groups are kept by the client's IT contact or executive.",
};

const isProvider = (v: RelationshipViewer) => v.side === "provider";

/** Whether the viewer's role may attempt an action at all (403 otherwise, before any state check). */
export function mayAttempt(v: RelationshipViewer, action: ChangeAction): boolean {
  switch (action) {
    case "create":
    case "edit":
    case "propose":
    case "reschedule":
    case "schedule":
    case "start":
    case "finish":
    case "cancel":
      return isProvider(v);
    case "decide":
      return v.side === "client" && v.via === "membership" && clientLeads.includes(v.role);
    case "review":
      return isProvider(v) || (v.side === "client" && (v.role === "it_contact" || v.role === "executive"));
    case "record":
      return isProvider(v) || (v.side === "client" && clientLeads.includes(v.role));
    case "manageGroups":
      return v.side === "client" && (v.role === "it_contact" || v.role === "executive");
  }
}

/** States a change can still be edited, moved or cancelled in: everything before it starts. */
export const beforeStart: ReadonlySet<ChangeState> = new Set([
  "draft",
  "proposed",
  "approved",
  "rejected",
  "reschedule_requested",
  "scheduled",
]);
/** States waiting for the client's decision. */
export const awaitingDecision: ReadonlySet<ChangeState> = new Set(["proposed"]);
/** Finished states that can (and for some changes must) be reviewed. */
export const finished: ReadonlySet<ChangeState> = new Set(["completed", "failed", "rolled_back"]);
/** States whose planned window is still ahead: they occupy the calendar and can conflict. */
export const occupying: ReadonlySet<ChangeState> = new Set([
  "proposed",
  "approved",
  "reschedule_requested",
  "scheduled",
  "in_progress",
]);
