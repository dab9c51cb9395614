/** Shapes of the identity module's answers (docs/api.md, "Authentication" and "People"). */

export type OrgKind = "client" | "provider";

export interface User {
  id: string;
  email: string;
  name: string;
}

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  current: boolean;
}

/** `GET /auth/session`; login and setup return the same without `session`. */
export interface SessionResponse {
  user: User;
  csrfToken: string;
  session?: SessionInfo;
}

export interface MembershipSummary {
  orgId: string;
  orgName: string;
  orgKind: OrgKind;
  role: string;
  admin: boolean;
}

export interface Organization {
  id: string;
  name: string;
  kind: OrgKind;
  size: number | null;
  createdAt: string;
  viewer: { role: string; admin: boolean } | null;
  abilities: { manageMembers: boolean };
}

export interface Member {
  userId: string;
  name: string;
  email: string;
  role: string;
  admin: boolean;
  status: "active" | "invited";
  createdAt: string;
}

export interface AddMemberResponse {
  member: Member;
  /** Only when a new account was created; shown once. */
  setupUrl?: string | null;
}

export interface Token {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: string;
  createdBy: { id: string; name: string } | null;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface CreateTokenResponse {
  token: Token;
  secret: string;
}

export interface ItemList<T> {
  items: T[];
}
