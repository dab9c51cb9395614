import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { relationships, users } from "../identity/identity.tables.ts";
import { protocolVersions } from "../protocol/protocol.tables.ts";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const ticketStateValues = [
  "new",
  "acknowledged",
  "in_progress",
  "waiting_on_client",
  "resolved",
  "closed",
] as const;
export const severityValues = ["critical", "high", "medium", "low"] as const;
export const peopleAffectedValues = ["one", "team", "many", "everyone"] as const;

/**
 * Issues raised by the client (or by provider staff on its behalf). The deadline columns are
 * derived data: recomputed from the ticket's history (ticket_pauses, state times, severity, the
 * active protocol) whenever something that affects them changes, and stored so lists and timers
 * can query them. `next_check_at` is the earliest moment a timer must look at the ticket.
 */
export const tickets = pgTable(
  "tickets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    /** Per-relationship number, shown as #12 and used in email subjects. */
    number: integer("number").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull(),
    reporterId: uuid("reporter_id").references(() => users.id),
    reporterName: text("reporter_name").notNull(),
    reporterEmail: text("reporter_email").notNull(),
    /** Who raised it: a user id, or an API token's id (members see what they raised). */
    raisedById: uuid("raised_by_id"),
    source: text("source", { enum: ["web", "api", "email"] }).notNull(),
    severity: text("severity", { enum: severityValues }).notNull(),
    suggestedSeverity: text("suggested_severity", { enum: severityValues }).notNull(),
    /** Why the reporter chose another severity than the matrix suggested (required then). */
    severityReason: text("severity_reason"),
    peopleAffected: text("people_affected", { enum: peopleAffectedValues }).notNull(),
    workaround: boolean("workaround").notNull(),
    criticalFunctionStopped: boolean("critical_function_stopped").notNull(),
    affectedSystems: jsonb("affected_systems").$type<string[]>().notNull(),
    affectedPeopleCount: integer("affected_people_count"),
    state: text("state", { enum: ticketStateValues }).notNull(),
    assigneeId: uuid("assignee_id").references(() => users.id),
    /** The escalation level id from the protocol's ladder, or null before any escalation. */
    escalationLevel: text("escalation_level"),
    /** The protocol version the clocks were last computed on. */
    protocolVersionId: uuid("protocol_version_id").references(() => protocolVersions.id),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
    acknowledgedAt: at("acknowledged_at"),
    lastUpdateAt: at("last_update_at"),
    resolvedAt: at("resolved_at"),
    closedAt: at("closed_at"),
    responseDueAt: at("response_due_at"),
    resolutionDueAt: at("resolution_due_at"),
    updateDueAt: at("update_due_at"),
    /** When a resolved ticket closes by itself if the client does not reply. */
    closeDueAt: at("close_due_at"),
    nextCheckAt: at("next_check_at"),
    /** Resolution record: required for critical and high. */
    resolution: jsonb("resolution").$type<{
      summary: string;
      rootCause?: string;
      fix?: string;
      prevention?: string;
    }>(),
    /** Bumped on every change: optimistic concurrency for clients and the timer. */
    revision: integer("revision").notNull().default(1),
  },
  (t) => [
    uniqueIndex("tickets_number_key").on(t.relationshipId, t.number),
    index("tickets_relationship_state_idx").on(t.relationshipId, t.state, t.createdAt),
    index("tickets_relationship_reporter_idx").on(t.relationshipId, t.reporterId),
    // The timers' index: only tickets that still have something to check.
    index("tickets_next_check_idx")
      .on(t.nextCheckAt)
      .where(sql`next_check_at is not null`),
  ],
);

/** The last number handed out per relationship (a row lock serializes concurrent creations briefly). */
export const ticketCounters = pgTable("ticket_counters", {
  relationshipId: uuid("relationship_id")
    .primaryKey()
    .references(() => relationships.id),
  last: integer("last").notNull(),
});

export const clockNameValues = ["response", "resolution", "updates"] as const;

/**
 * Intervals during which one clock of a ticket did not run, recorded as facts when they happen
 * under the protocol then active. They survive severity and protocol changes: a later version that
 * no longer pauses in some state does not take back time already paused (nor invent new pauses).
 * `until` is null while the pause is open.
 */
export const ticketPauses = pgTable(
  "ticket_pauses",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id),
    clock: text("clock", { enum: clockNameValues }).notNull(),
    reason: text("reason").notNull(),
    since: at("since").notNull(),
    until: at("until"),
  },
  (t) => [
    index("ticket_pauses_ticket_idx").on(t.relationshipId, t.ticketId, t.clock),
    uniqueIndex("ticket_pauses_one_open")
      .on(t.ticketId, t.clock)
      .where(sql`until is null`),
  ],
);

/**
 * Thresholds a timer has acted on (warnings, breaches, escalations, overdue updates, closing).
 * The primary key is what makes firing exactly-once: a second worker, a retried job or a restart
 * finds the mark already there and does nothing.
 */
export const ticketMarks = pgTable(
  "ticket_marks",
  {
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id),
    /** e.g. `resolution:75`, `response:100`, `updates:100:<cycle start ms>`, `escalate:account_manager`. */
    mark: text("mark").notNull(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    dueAt: at("due_at").notNull(),
    firedAt: at("fired_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.mark] })],
);

export const entryKindValues = [
  "created",
  "comment",
  "update",
  "state",
  "severity",
  "assignment",
  "escalation",
  "clock",
  "resolution",
] as const;

/**
 * The ticket's timeline as both sides read it: comments, structured investigation updates, state
 * and severity changes, escalations and clock warnings. The audit trail records the same changes
 * with hashes; this table is what the ticket page and email threads are built from.
 */
export const ticketEntries = pgTable(
  "ticket_entries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id),
    kind: text("kind", { enum: entryKindValues }).notNull(),
    authorId: uuid("author_id").references(() => users.id),
    authorName: text("author_name").notNull(),
    /** client, provider, or system (timers). */
    side: text("side", { enum: ["client", "provider", "system"] }).notNull(),
    body: text("body").notNull().default(""),
    data: jsonb("data").$type<Record<string, unknown>>(),
    /** Message-ID of the email this entry came from (intake), to ignore duplicates. */
    emailMessageId: text("email_message_id"),
    createdAt: at("created_at").notNull(),
  },
  (t) => [
    index("ticket_entries_ticket_idx").on(t.relationshipId, t.ticketId, t.createdAt),
    uniqueIndex("ticket_entries_email_key")
      .on(t.relationshipId, t.emailMessageId)
      .where(sql`email_message_id is not null`),
  ],
);
