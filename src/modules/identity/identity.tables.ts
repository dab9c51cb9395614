import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const id = () => uuid("id").primaryKey().defaultRandom();
const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** A client organization or a managed service provider. */
export const organizations = pgTable(
  "organizations",
  {
    id: id(),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["client", "provider"] }).notNull(),
    /** Headcount, as the organization states it; shapes defaults such as report audiences. */
    size: integer("size"),
    createdAt: createdAt(),
  },
  (t) => [check("organizations_kind_check", sql`${t.kind} in ('client', 'provider')`)],
);

/** A person. Email is stored lower-cased and is the sign-in name. */
export const users = pgTable(
  "users",
  {
    id: id(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** scrypt hash in the form `scrypt$N$r$p$salt$hash`; null until the person sets a password. */
    passwordHash: text("password_hash"),
    createdAt: createdAt(),
    disabledAt: ts("disabled_at"),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email)],
);

/** A person's role in one organization; `admin` lets them manage its people and API tokens. */
export const memberships = pgTable(
  "memberships",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    role: text("role").notNull(),
    admin: boolean("admin").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

/** One client and one provider: the tenant almost everything else hangs off. */
export const relationships = pgTable(
  "relationships",
  {
    id: id(),
    clientOrgId: uuid("client_org_id")
      .notNull()
      .references(() => organizations.id),
    providerOrgId: uuid("provider_org_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    status: text("status", { enum: ["active", "ended"] })
      .notNull()
      .default("active"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("relationships_parties_key").on(t.clientOrgId, t.providerOrgId),
    index("relationships_provider_idx").on(t.providerOrgId),
  ],
);

/** Server-side sign-in sessions. The cookie holds a random secret; only its SHA-256 is stored. */
export const sessions = pgTable(
  "sessions",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    tokenHash: text("token_hash").notNull(),
    /** Sent back in `x-csrf-token` on cookie-authenticated writes. Not a credential on its own. */
    csrfToken: text("csrf_token").notNull(),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    revokedAt: ts("revoked_at"),
  },
  (t) => [uniqueIndex("sessions_token_hash_key").on(t.tokenHash), index("sessions_user_idx").on(t.userId)],
);

/** Integration tokens, scoped to one relationship and one role of the issuing organization. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: id(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    role: text("role").notNull(),
    name: text("name").notNull(),
    /** First characters of the secret, shown so people can tell tokens apart. */
    prefix: text("prefix").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
    lastUsedAt: ts("last_used_at"),
    expiresAt: ts("expires_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [
    uniqueIndex("api_tokens_token_hash_key").on(t.tokenHash),
    index("api_tokens_relationship_idx").on(t.relationshipId),
  ],
);

/** One-time links to set a password: invitations and resets. Only the SHA-256 is stored. */
export const setupTokens = pgTable(
  "setup_tokens",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    orgId: uuid("org_id").references(() => organizations.id),
    purpose: text("purpose", { enum: ["invite", "reset"] }).notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
  },
  (t) => [uniqueIndex("setup_tokens_token_hash_key").on(t.tokenHash)],
);

/**
 * Sign-in attempts, kept briefly for throttling. In the database rather than process memory so
 * the limit holds across every API process behind a load balancer.
 */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: id(),
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    succeeded: boolean("succeeded").notNull(),
    at: ts("at").notNull(),
  },
  (t) => [index("login_attempts_email_idx").on(t.email, t.at), index("login_attempts_ip_idx").on(t.ip, t.at)],
);
