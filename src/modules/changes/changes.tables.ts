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

export const changeClassValues = ["routine", "normal", "significant", "emergency"] as const;
export const changeStateValues = [
  "draft",
  "proposed",
  "approved",
  "rejected",
  "reschedule_requested",
  "scheduled",
  "in_progress",
  "completed",
  "failed",
  "rolled_back",
  "reviewed",
  "cancelled",
] as const;
export const changeRiskValues = ["low", "medium", "high"] as const;

/**
 * Change requests. `approval_round` counts material revisions: approvals belong to one round, so
 * moving the window or widening the scope invalidates the approvals given before. `sequence` is
 * the iCalendar SEQUENCE of the change's event (bumped when its time or status moves).
 * `next_check_at` is the earliest planned notice or review deadline the timers must look at.
 */
export const changes = pgTable(
  "changes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    /** Per-relationship number, shown as CHG-12. */
    number: integer("number").notNull(),
    class: text("class", { enum: changeClassValues }).notNull(),
    state: text("state", { enum: changeStateValues }).notNull(),
    title: text("title").notNull(),
    /** What changes. */
    description: text("description").notNull(),
    /** Why. */
    reason: text("reason").notNull(),
    /** Expected impact in the provider's words. */
    impact: text("impact").notNull(),
    /** The plain-language line people in the affected groups receive, e.g. "Email may be slow…". */
    userNotice: text("user_notice").notNull().default(""),
    expectedDowntimeMinutes: integer("expected_downtime_minutes").notNull().default(0),
    risk: text("risk", { enum: changeRiskValues }).notNull(),
    testing: text("testing").notNull().default(""),
    rollbackPlan: text("rollback_plan").notNull().default(""),
    affectedSystems: jsonb("affected_systems").$type<string[]>().notNull(),
    affectedGroupIds: jsonb("affected_group_ids").$type<string[]>().notNull(),
    relatedTicketIds: jsonb("related_ticket_ids").$type<string[]>().notNull(),
    plannedStart: at("planned_start").notNull(),
    plannedEnd: at("planned_end").notNull(),
    actualStart: at("actual_start"),
    actualEnd: at("actual_end"),
    /** Outcome notes and follow-ups written when the change finishes. */
    outcomeNotes: text("outcome_notes"),
    followUps: text("follow_ups"),
    /** Made or recorded without the notices the protocol requires. */
    unannounced: boolean("unannounced").notNull().default(false),
    /** Who recorded it after the fact, when it was: the client ("things changed") or the provider. */
    recordedAfterBy: text("recorded_after_by", { enum: ["client", "provider"] }),
    /** Approved without a person: a routine change inside a maintenance window. */
    autoApproved: boolean("auto_approved").notNull().default(false),
    approvalRound: integer("approval_round").notNull().default(1),
    sequence: integer("sequence").notNull().default(0),
    reviewDueAt: at("review_due_at"),
    /** When both sides were told the review is overdue (once). */
    reviewOverdueAt: at("review_overdue_at"),
    review: jsonb("review").$type<{ summary: string; lessons: string; byName: string; at: string }>(),
    cancelReason: text("cancel_reason"),
    protocolVersionId: uuid("protocol_version_id").references(() => protocolVersions.id),
    createdById: uuid("created_by_id"),
    createdByName: text("created_by_name").notNull(),
    proposedAt: at("proposed_at"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
    nextCheckAt: at("next_check_at"),
    revision: integer("revision").notNull().default(1),
  },
  (t) => [
    uniqueIndex("changes_number_key").on(t.relationshipId, t.number),
    index("changes_relationship_state_idx").on(t.relationshipId, t.state, t.plannedStart),
    index("changes_relationship_start_idx").on(t.relationshipId, t.plannedStart),
    index("changes_next_check_idx")
      .on(t.nextCheckAt)
      .where(sql`next_check_at is not null`),
  ],
);

export const changeCounters = pgTable("change_counters", {
  relationshipId: uuid("relationship_id")
    .primaryKey()
    .references(() => relationships.id),
  last: integer("last").notNull(),
});

export const approvalDecisionValues = ["approved", "rejected", "reschedule_requested"] as const;

/** Decisions on a change, per approval round; only the current round's decisions count. */
export const changeApprovals = pgTable(
  "change_approvals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    changeId: uuid("change_id")
      .notNull()
      .references(() => changes.id),
    round: integer("round").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    userName: text("user_name").notNull(),
    role: text("role").notNull(),
    decision: text("decision", { enum: approvalDecisionValues }).notNull(),
    reason: text("reason"),
    createdAt: at("created_at").notNull(),
  },
  (t) => [
    index("change_approvals_change_idx").on(t.relationshipId, t.changeId, t.round),
    uniqueIndex("change_approvals_once_key").on(t.changeId, t.round, t.userId),
  ],
);

export const noticeKindValues = [
  "advance",
  "reminder",
  "start",
  "finish",
  "post_change",
  "rescheduled",
  "cancelled",
] as const;
export const noticeStateValues = ["planned", "sent", "skipped", "missed"] as const;

/**
 * The notice plan of a change: each notice the protocol requires, with when it is due and what
 * became of it. Timed notices (advance, reminders) are sent by the change timer when due; event
 * notices (start, finish, post-change, rescheduled, cancelled) when the event happens. A replan
 * skips the planned rows it replaces (with the reason) and adds new ones, so the history stays.
 */
export const changeNotices = pgTable(
  "change_notices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    changeId: uuid("change_id")
      .notNull()
      .references(() => changes.id),
    kind: text("kind", { enum: noticeKindValues }).notNull(),
    /** "Advance notice (3 business days)", "Reminder 1d before", … */
    label: text("label").notNull(),
    /** When it is to be sent; null for notices sent when an event happens (start, finish…). */
    dueAt: at("due_at"),
    /** The latest moment that still honours the protocol (advance notice: start − lead time). */
    latestAt: at("latest_at"),
    state: text("state", { enum: noticeStateValues }).notNull(),
    reason: text("reason"),
    sentAt: at("sent_at"),
    recipients: integer("recipients"),
    createdAt: at("created_at").notNull(),
  },
  (t) => [
    index("change_notices_change_idx").on(t.relationshipId, t.changeId),
    index("change_notices_due_idx")
      .on(t.dueAt)
      .where(sql`state = 'planned'`),
  ],
);

/**
 * Named groups of the client's people (Finance, Warehouse, All staff) that a change can affect;
 * their members get the plain-language notices.
 */
export const userGroups = pgTable(
  "user_groups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    createdAt: at("created_at").notNull(),
    archivedAt: at("archived_at"),
  },
  (t) => [
    uniqueIndex("user_groups_name_key")
      .on(t.relationshipId, sql`lower(${t.name})`)
      .where(sql`archived_at is null`),
  ],
);

export const userGroupMembers = pgTable(
  "user_group_members",
  {
    groupId: uuid("group_id")
      .notNull()
      .references(() => userGroups.id),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.userId] }),
    index("user_group_members_rel_idx").on(t.relationshipId, t.userId),
  ],
);

/**
 * Secret iCalendar subscription URLs for a relationship's change calendar. Only the SHA-256 of
 * the token is stored; the URL is shown once. Revoked feeds answer 404.
 */
export const calendarFeeds = pgTable(
  "calendar_feeds",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    label: text("label").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdById: uuid("created_by_id").references(() => users.id),
    createdAt: at("created_at").notNull(),
    lastFetchedAt: at("last_fetched_at"),
    revokedAt: at("revoked_at"),
  },
  (t) => [
    uniqueIndex("calendar_feeds_token_key").on(t.tokenHash),
    index("calendar_feeds_relationship_idx").on(t.relationshipId),
  ],
);
