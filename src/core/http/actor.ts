/** The roles a person can hold in a client organization. */
export const clientRoles = ["executive", "it_contact", "approver", "member", "advisor"] as const;
/** The roles a person can hold in a provider organization. */
export const providerRoles = ["account_manager", "technician", "senior_technician"] as const;
export const allRoles = [...clientRoles, ...providerRoles] as const;

export type ClientRole = (typeof clientRoles)[number];
export type ProviderRole = (typeof providerRoles)[number];
export type Role = ClientRole | ProviderRole;
export type OrgKind = "client" | "provider";

export const rolesFor = (kind: OrgKind): readonly Role[] => (kind === "client" ? clientRoles : providerRoles);

export interface ActorMembership {
  orgId: string;
  orgName: string;
  orgKind: OrgKind;
  role: Role;
  admin: boolean;
}

/**
 * Who is making a request. A signed-in person carries all their memberships; an API token acts
 * as one role of one organization inside exactly one relationship and nowhere else.
 */
export type Actor =
  | {
      type: "user";
      userId: string;
      name: string;
      email: string;
      sessionId: string;
      memberships: ActorMembership[];
    }
  | {
      type: "token";
      tokenId: string;
      name: string;
      relationshipId: string;
      orgId: string;
      orgKind: OrgKind;
      role: Role;
    };
