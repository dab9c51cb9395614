import { z } from "zod";
import { allRoles } from "../../core/http/actor.ts";

/** Request and response contracts of the identity module; the OpenAPI document is generated from these. */

export const uuidParam = (name: string) => z.uuid({ error: `${name} must be a UUID` });
export const isoTime = z.iso
  .datetime({ offset: true, error: "must be an RFC 3339 time such as 2026-11-20T16:30:00Z" })
  .describe("RFC 3339 timestamp");
export const iso = (d: Date) => d.toISOString();
export const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

const email = z
  .email({ error: "must be an email address such as name@example.com" })
  .max(254, "must be at most 254 characters");
const role = z.enum(allRoles, { error: `must be one of ${allRoles.join(", ")}` });

export const User = z.object({ id: z.uuid(), email: z.string(), name: z.string() }).meta({ id: "User" });

export const LoginBody = z.strictObject({
  email,
  password: z.string().min(1, "is required").max(200, "must be at most 200 characters"),
});
export const SessionInfo = z.object({
  id: z.uuid(),
  createdAt: isoTime,
  lastSeenAt: isoTime,
  expiresAt: isoTime,
  userAgent: z.string().nullable(),
});
export const SignedInResponse = z.object({ user: User, csrfToken: z.string(), session: SessionInfo });
export const SessionList = z.object({ items: z.array(SessionInfo.extend({ current: z.boolean() })) });
export const PasswordBody = z.strictObject({
  currentPassword: z.string().min(1, "is required").max(200),
  newPassword: z
    .string()
    .min(10, "must be at least 10 characters")
    .max(200, "must be at most 200 characters"),
});
export const SetupBody = z.strictObject({
  token: z.string().min(10, "is required: use the link you were sent").max(200),
  password: z.string().min(10, "must be at least 10 characters").max(200, "must be at most 200 characters"),
});
export const SessionParams = z.strictObject({ sessionId: uuidParam("sessionId") });

export const Membership = z.object({
  orgId: z.uuid(),
  orgName: z.string(),
  orgKind: z.enum(["client", "provider"]),
  role,
  admin: z.boolean(),
});
export const RelationshipAbilities = z.object({
  readAudit: z.boolean(),
  manageTokens: z.boolean(),
  manageWebhooks: z.boolean(),
});
export const Relationship = z
  .object({
    id: z.uuid(),
    name: z.string(),
    status: z.enum(["active", "ended"]),
    createdAt: isoTime,
    client: z.object({ id: z.uuid(), name: z.string() }),
    provider: z.object({ id: z.uuid(), name: z.string() }),
    viewer: z.object({ side: z.enum(["client", "provider"]), role, admin: z.boolean() }),
    abilities: RelationshipAbilities,
  })
  .meta({ id: "Relationship" });
export const MeResponse = z.object({
  user: User,
  memberships: z.array(Membership),
  relationships: z.array(Relationship),
});

export const Event = z
  .object({
    id: z.uuid(),
    seq: z.number().int(),
    action: z.string(),
    actor: z.object({ type: z.enum(["user", "token", "system"]), id: z.uuid().nullable(), name: z.string() }),
    subject: z.object({ type: z.string(), id: z.uuid().nullable(), label: z.string() }),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    occurredAt: isoTime,
    requestId: z.string().nullable(),
    hash: z.string(),
    prevHash: z.string(),
  })
  .meta({ id: "Event" });
export const EventPage = z.object({ items: z.array(Event), nextBefore: z.number().int().nullable() });
export const EventQuery = z.strictObject({
  before: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .optional(),
  limit: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 200")
    .max(200, "must be between 1 and 200")
    .default(50),
});

const Person = z.object({ userId: z.uuid(), name: z.string(), email: z.string(), role });
export const RelationshipOverview = Relationship.extend({
  people: z.object({ client: z.array(Person), provider: z.array(Person) }),
  recentEvents: z.array(Event),
});
export const RelationshipParams = z.strictObject({ relationshipId: uuidParam("relationshipId") });
export const TokenParams = RelationshipParams.extend({ tokenId: uuidParam("tokenId") });

export const Token = z.object({
  id: z.uuid(),
  name: z.string(),
  role,
  prefix: z.string(),
  createdAt: isoTime,
  createdBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  lastUsedAt: isoTime.nullable(),
  expiresAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
});
export const TokenList = z.object({ items: z.array(Token) });
export const CreateTokenBody = z.strictObject({
  name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
  role,
  expiresInDays: z
    .number()
    .int("must be a whole number")
    .min(1, "must be between 1 and 730")
    .max(730, "must be between 1 and 730")
    .optional(),
});
export const CreatedToken = z.object({
  token: Token,
  secret: z.string().describe("Shown once; store it now."),
});

export const OrgParams = z.strictObject({ orgId: uuidParam("orgId") });
export const MemberParams = OrgParams.extend({ userId: uuidParam("userId") });
export const Organization = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(["client", "provider"]),
  size: z.number().int().nullable(),
  createdAt: isoTime,
  viewer: z.object({ role, admin: z.boolean() }),
  abilities: z.object({ manageMembers: z.boolean() }),
});
export const Member = z.object({
  userId: z.uuid(),
  name: z.string(),
  email: z.string(),
  role,
  admin: z.boolean(),
  status: z.enum(["active", "invited"]),
  createdAt: isoTime,
});
export const MemberList = z.object({ items: z.array(Member) });
export const AddMemberBody = z.strictObject({
  email,
  name: z.string().trim().min(1, "is required").max(120, "must be at most 120 characters"),
  role,
  admin: z.boolean().optional(),
});
export const AddedMember = z.object({
  member: Member,
  setupUrl: z.string().nullable().describe("One-time link for a new account to set a password; shown once."),
});
export const Invitation = z.object({
  setupUrl: z.string().describe("One-time link to set a password; shown once. Older links stop working."),
});
export const UpdateMemberBody = z
  .strictObject({ role: role.optional(), admin: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.admin !== undefined, { error: "send role, admin or both" });

export const presentEvent = (e: {
  id: string;
  seq: number;
  action: string;
  actorType: "user" | "token" | "system";
  actorId: string | null;
  actorName: string;
  subjectType: string;
  subjectId: string | null;
  subjectLabel: string;
  before: unknown;
  after: unknown;
  occurredAt: Date;
  requestId: string | null;
  hash: string;
  prevHash: string;
}) => ({
  id: e.id,
  seq: e.seq,
  action: e.action,
  actor: { type: e.actorType, id: e.actorId, name: e.actorName },
  subject: { type: e.subjectType, id: e.subjectId, label: e.subjectLabel },
  before: (e.before ?? null) as Record<string, unknown> | null,
  after: (e.after ?? null) as Record<string, unknown> | null,
  occurredAt: iso(e.occurredAt),
  requestId: e.requestId,
  hash: e.hash,
  prevHash: e.prevHash,
});
