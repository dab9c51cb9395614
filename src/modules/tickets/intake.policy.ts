import type { Role } from "../../core/http/actor.ts";
import type { RelationshipViewer } from "../identity/identity.policy.ts";

/**
 * Who may replace a relationship's intake address (when it leaked or attracts spam): on the
 * client side, an organization admin who is its IT contact or an executive; on the provider side,
 * the account manager. A person signed in, never an API token: a leaked token must not be able to
 * move the address somewhere only its holder knows.
 */
export const intakeRotatorRoles = [
  "it_contact",
  "executive",
  "account_manager",
] as const satisfies readonly Role[];

export function canRotateIntakeAddress(v: RelationshipViewer): boolean {
  if (v.via !== "membership") return false;
  if (v.side === "provider") return v.role === "account_manager";
  return v.admin && (v.role === "it_contact" || v.role === "executive");
}

export const rotateRefusal =
  "The client's IT contact or executive (organization admins) or the provider's account manager replace the intake address.";
