import { pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { relationships } from "../identity/identity.tables.ts";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * Each relationship's email intake key: mail to `tickets+<key>@<intake domain>` raises tickets in
 * that relationship. The key is random and unguessable, so knowing a client's name or a person's
 * address is not enough to reach its queue; rotating replaces it and the old address stops
 * working at once. Created the first time someone in the relationship asks for the address.
 */
export const ticketIntakeKeys = pgTable(
  "ticket_intake_keys",
  {
    relationshipId: uuid("relationship_id")
      .primaryKey()
      .references(() => relationships.id),
    /** Lower-case base32 (a–z, 2–7), 24 characters: 120 random bits that survive case-folding mail systems. */
    key: text("key").notNull(),
    createdAt: at("created_at").notNull(),
    /** When the key was last replaced; null while it is the first one. */
    rotatedAt: at("rotated_at"),
  },
  (t) => [uniqueIndex("ticket_intake_keys_key").on(t.key)],
);
