import type { AuditEvent } from "../audit/types.ts";
import type { MembershipSummary, User } from "../identity/types.ts";

/** Which party of a relationship someone belongs to. */
export type Side = "client" | "provider";

export interface Relationship {
  id: string;
  name: string;
  status: string;
  createdAt: string;
  client: { id: string; name: string };
  provider: { id: string; name: string };
  viewer: { side: Side; role: string; admin: boolean };
  abilities: { readAudit: boolean; manageTokens: boolean; manageWebhooks: boolean };
}

export interface Person {
  userId: string;
  name: string;
  email: string;
  role: string;
}

export interface RelationshipDetail extends Relationship {
  people: { client: Person[]; provider: Person[] };
  recentEvents: AuditEvent[];
}

/** `GET /me`: who is signed in, where they are a member, and which relationships they see. */
export interface Me {
  user: User;
  memberships: MembershipSummary[];
  relationships: Relationship[];
}
