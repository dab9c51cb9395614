import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { relationships, users } from "../../modules/identity/identity.tables.ts";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * In-app notifications: one row per recipient, written in the transaction of the event that
 * caused it. Other channels (email, webhooks) deliver from the same rows' events.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    relationshipId: uuid("relationship_id").references(() => relationships.id),
    /** Dotted event type, e.g. `protocol.proposed`. */
    kind: text("kind").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    /** Path inside the web app, e.g. `/relationships/…/protocol`. */
    link: text("link"),
    data: jsonb("data"),
    createdAt: at("created_at").notNull(),
    readAt: at("read_at"),
  },
  (t) => [index("notifications_user_idx").on(t.userId, t.createdAt)],
);
