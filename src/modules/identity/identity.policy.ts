import type { Actor, ActorMembership, OrgKind, Role } from "../../core/http/actor.ts";

/** The minimum a policy needs to know about a relationship. */
export interface RelationshipParties {
  id: string;
  clientOrgId: string;
  providerOrgId: string;
}

/** How an actor stands in a relationship: which side, which role, whether an org admin. */
export interface RelationshipViewer {
  side: OrgKind;
  orgId: string;
  role: Role;
  admin: boolean;
  via: "membership" | "token";
}

/**
 * The actor's standing in a relationship, or null when they are not party to it — in which case
 * callers answer 404, never 403, so the relationship's existence is not revealed.
 */
export function relationshipViewer(actor: Actor, rel: RelationshipParties): RelationshipViewer | null {
  if (actor.type === "token") {
    if (actor.relationshipId !== rel.id) return null;
    return { side: actor.orgKind, orgId: actor.orgId, role: actor.role, admin: false, via: "token" };
  }
  // Provider first: a person on staff at the provider acts for the provider.
  const m =
    actor.memberships.find((x) => x.orgId === rel.providerOrgId) ??
    actor.memberships.find((x) => x.orgId === rel.clientOrgId);
  if (!m) return null;
  return { side: m.orgKind, orgId: m.orgId, role: m.role, admin: m.admin, via: "membership" };
}

/** The actor's membership of an organization, or null (API tokens belong to no organization page). */
export function orgMembership(actor: Actor, orgId: string): ActorMembership | null {
  if (actor.type !== "user") return null;
  return actor.memberships.find((m) => m.orgId === orgId) ?? null;
}

/** Roles that may read a relationship's audit trail: everyone but client end users. */
export const auditReaderRoles = [
  "executive",
  "it_contact",
  "approver",
  "advisor",
  "account_manager",
  "technician",
  "senior_technician",
] as const satisfies readonly Role[];
const auditReaders: ReadonlySet<Role> = new Set<Role>(auditReaderRoles);

export interface RelationshipAbilities {
  readAudit: boolean;
  manageTokens: boolean;
  manageWebhooks: boolean;
}

/** What a viewer may do in a relationship; sent with every relationship so the UI shows only that. */
export function relationshipAbilities(v: RelationshipViewer): RelationshipAbilities {
  return {
    readAudit: auditReaders.has(v.role),
    // Tokens cannot mint tokens: a leaked token must not be able to entrench itself.
    manageTokens: v.admin && v.via === "membership",
    // Webhook secrets and URLs are credentials of the organization's systems: admins, signed in.
    manageWebhooks: v.admin && v.via === "membership",
  };
}

export interface OrgAbilities {
  manageMembers: boolean;
}

export const orgAbilities = (m: ActorMembership): OrgAbilities => ({ manageMembers: m.admin });
