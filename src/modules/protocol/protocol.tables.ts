import { sql } from "drizzle-orm";
import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { relationships, users } from "../identity/identity.tables.ts";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * The versions of a relationship's protocol document. A version is written as a draft, proposed,
 * signed by both sides (protocol_signatures) and then active; the version it replaces becomes
 * superseded at that moment. Text is immutable once proposed; exactly one version is active.
 */
export const protocolVersions = pgTable(
  "protocol_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    number: integer("number").notNull(),
    state: text("state", {
      enum: ["draft", "proposed", "active", "superseded", "declined", "discarded"],
    }).notNull(),
    title: text("title").notNull(),
    document: text("document").notNull(),
    /** SHA-256 (hex) of the exact UTF-8 text; what each signature is made over. */
    documentSha256: text("document_sha256").notNull(),
    /** Why this version: the author's note, shown in history and notifications. */
    summary: text("summary").notNull().default(""),
    basedOnId: uuid("based_on_id"),
    createdById: uuid("created_by_id").references(() => users.id),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
    proposedById: uuid("proposed_by_id").references(() => users.id),
    proposedAt: at("proposed_at"),
    activatedAt: at("activated_at"),
    supersededAt: at("superseded_at"),
    closedById: uuid("closed_by_id").references(() => users.id),
    closedReason: text("closed_reason"),
  },
  (t) => [
    uniqueIndex("protocol_versions_number_key").on(t.relationshipId, t.number),
    uniqueIndex("protocol_versions_one_active")
      .on(t.relationshipId)
      .where(sql`state = 'active'`),
    uniqueIndex("protocol_versions_one_open")
      .on(t.relationshipId)
      .where(sql`state in ('draft', 'proposed')`),
  ],
);

/** One signature per side per version, over the SHA-256 of the exact text the signer read. */
export const protocolSignatures = pgTable(
  "protocol_signatures",
  {
    versionId: uuid("version_id")
      .notNull()
      .references(() => protocolVersions.id),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    side: text("side", { enum: ["client", "provider"] }).notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    role: text("role").notNull(),
    documentSha256: text("document_sha256").notNull(),
    signedAt: at("signed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.versionId, t.side] }),
    index("protocol_signatures_rel_idx").on(t.relationshipId),
  ],
);
