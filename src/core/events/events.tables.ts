import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * The append-only audit trail. Each event belongs to one chain — a relationship, an
 * organization or a user — and stores the hash of the previous event of that chain, so a changed
 * or deleted row breaks every hash after it (`liaison audit verify`).
 */
export const events = pgTable(
  "events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Id of the chain's scope (a relationship, organization or user id). */
    chain: uuid("chain").notNull(),
    scope: text("scope", { enum: ["relationship", "organization", "user"] }).notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    relationshipId: uuid("relationship_id"),
    orgId: uuid("org_id"),
    actorType: text("actor_type", { enum: ["user", "token", "system"] }).notNull(),
    actorId: uuid("actor_id"),
    actorName: text("actor_name").notNull(),
    action: text("action").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: uuid("subject_id"),
    subjectLabel: text("subject_label").notNull(),
    before: jsonb("before"),
    after: jsonb("after"),
    requestId: text("request_id"),
    occurredAt: timestamp("occurred_at", { withTimezone: true, mode: "date" }).notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    uniqueIndex("events_chain_seq_key").on(t.chain, t.seq),
    index("events_relationship_idx").on(t.relationshipId, t.seq),
    index("events_org_idx").on(t.orgId, t.seq),
  ],
);

/**
 * The head of each chain. Appending locks this row (`FOR UPDATE`) so concurrent writers to one
 * chain take turns instead of forking it; different chains never wait on each other.
 */
export const eventChainHeads = pgTable("event_chain_heads", {
  chain: uuid("chain").primaryKey(),
  seq: bigint("seq", { mode: "number" }).notNull(),
  hash: text("hash").notNull(),
});
