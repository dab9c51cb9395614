import type { Role } from "../../core/http/actor.ts";
import type { RelationshipViewer } from "../identity/identity.policy.ts";

/**
 * Who does what with touchpoints. Organizers run the meetings (move, skip, record as held, send
 * the agenda): the client's executive and IT contact, the provider's account manager.
 * Contributors add agenda items and write minutes, decisions and action items: every role on
 * either side but the client's end users. Dates are kept by the client's leads; the provider
 * reads them. The client's end users (members) do not see the meetings.
 */
export const organizerRoles: readonly Role[] = ["executive", "it_contact", "account_manager"];
export const contributorRoles: readonly Role[] = [
  "executive",
  "it_contact",
  "approver",
  "advisor",
  "account_manager",
  "technician",
  "senior_technician",
];
export const dateKeeperRoles: readonly Role[] = ["executive", "it_contact", "approver"];

export const touchpointAbilities = (v: RelationshipViewer) => ({
  organize: organizerRoles.includes(v.role),
  contribute: contributorRoles.includes(v.role),
  keepDates: v.side === "client" && dateKeeperRoles.includes(v.role),
});

export const refusals = {
  view: "Touchpoint meetings are for the client's IT contact, executive, approvers and advisors, and the provider's staff.",
  organize:
    "Meetings are moved, skipped and recorded by the client's executive or IT contact or the provider's account manager.",
  contribute: "Agenda items, minutes, decisions and action items are written by the people who attend.",
  keepDates: "Business and compliance dates are kept by the client's executive, IT contact or approvers.",
} as const;
