import { sql } from "drizzle-orm";
import {
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
import type { ClientRole, ProviderRole } from "../../core/http/actor.ts";
import { relationships, users } from "../identity/identity.tables.ts";
import { protocolVersions } from "../protocol/protocol.tables.ts";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Who is invited to a series, by role on each side. */
export interface AttendeeRoles {
  client: ClientRole[];
  provider: ProviderRole[];
}

/**
 * The recurring touchpoint meeting of a relationship, as the active protocol's `touchpoints`
 * section sets it. One current series per relationship (`ended_at` null); a protocol version that
 * changes the cadence, time, length, attendees or link ends the series and starts another, so
 * every meeting keeps the terms it was planned under. `sequence` is the series invitation's
 * iCalendar SEQUENCE.
 */
export const touchpointSeries = pgTable(
  "touchpoint_series",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    protocolVersionId: uuid("protocol_version_id")
      .notNull()
      .references(() => protocolVersions.id),
    rule: text("rule").notNull(),
    at: text("at").notNull(),
    fromDate: text("from_date"),
    timeZone: text("time_zone").notNull(),
    durationMs: integer("duration_ms").notNull(),
    agendaBefore: text("agenda_before").notNull(),
    attendeeRoles: jsonb("attendee_roles").$type<AttendeeRoles>().notNull(),
    link: text("link"),
    /** The terms above, hashed: a protocol version with the same terms keeps the series. */
    fingerprint: text("fingerprint").notNull(),
    startsAt: at("starts_at").notNull(),
    endedAt: at("ended_at"),
    sequence: integer("sequence").notNull().default(0),
    /** Meetings exist as rows up to here; the sweep extends it. */
    materializedUntil: at("materialized_until").notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("touchpoint_series_current_key")
      .on(t.relationshipId)
      .where(sql`ended_at is null`),
  ],
);

export const meetingStateValues = ["scheduled", "held", "skipped", "cancelled"] as const;
export type MeetingState = (typeof meetingStateValues)[number];

/**
 * One meeting of a series. `scheduled_start` is where the rule put it (the iCalendar
 * RECURRENCE-ID); `start`/`end` are where it is now, after any move. A meeting is held, skipped
 * (with a reason, before or after its time) or cancelled (its series ended); a held meeting keeps
 * the agenda it was held with (`agenda_snapshot`). `next_check_at` is when the agenda is due to
 * go out.
 */
export const touchpointMeetings = pgTable(
  "touchpoint_meetings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    seriesId: uuid("series_id")
      .notNull()
      .references(() => touchpointSeries.id),
    number: integer("number").notNull(),
    scheduledStart: at("scheduled_start").notNull(),
    start: at("start").notNull(),
    end: at("end").notNull(),
    state: text("state", { enum: meetingStateValues }).notNull(),
    movedAt: at("moved_at"),
    moveReason: text("move_reason"),
    movedByName: text("moved_by_name"),
    skipReason: text("skip_reason"),
    skippedAt: at("skipped_at"),
    skippedByName: text("skipped_by_name"),
    heldAt: at("held_at"),
    heldByName: text("held_by_name"),
    agendaDueAt: at("agenda_due_at").notNull(),
    agendaSentAt: at("agenda_sent_at"),
    summarySentAt: at("summary_sent_at"),
    agendaSnapshot: jsonb("agenda_snapshot").$type<unknown>(),
    /** iCalendar SEQUENCE of this meeting's own invitation (moves and cancellations). */
    sequence: integer("sequence").notNull().default(0),
    nextCheckAt: at("next_check_at"),
    revision: integer("revision").notNull().default(1),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("touchpoint_meetings_number_key").on(t.relationshipId, t.number),
    uniqueIndex("touchpoint_meetings_occurrence_key").on(t.seriesId, t.scheduledStart),
    index("touchpoint_meetings_relationship_idx").on(t.relationshipId, t.start),
    index("touchpoint_meetings_next_check_idx")
      .on(t.nextCheckAt)
      .where(sql`next_check_at is not null`),
  ],
);

/** Items either side adds to a meeting's agenda (concerns, questions), optionally about a ticket or change. */
export const touchpointItems = pgTable(
  "touchpoint_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => touchpointMeetings.id),
    title: text("title").notNull(),
    detail: text("detail").notNull().default(""),
    side: text("side", { enum: ["client", "provider"] }).notNull(),
    addedBy: uuid("added_by").references(() => users.id),
    addedByName: text("added_by_name").notNull(),
    createdAt: at("created_at").notNull(),
    removedAt: at("removed_at"),
  },
  (t) => [index("touchpoint_items_meeting_idx").on(t.relationshipId, t.meetingId)],
);

/** The minutes of one agenda item of one meeting (one text per item, edited in place). */
export const touchpointMinutes = pgTable(
  "touchpoint_minutes",
  {
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => touchpointMeetings.id),
    /** The agenda item's key, e.g. `new_issues:ticket:<id>` or `concerns:item:<id>`. */
    itemKey: text("item_key").notNull(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    text: text("text").notNull(),
    updatedByName: text("updated_by_name").notNull(),
    updatedAt: at("updated_at").notNull(),
    revision: integer("revision").notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.itemKey] })],
);

/** Decisions taken in a meeting, each on an agenda item. */
export const touchpointDecisions = pgTable(
  "touchpoint_decisions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => touchpointMeetings.id),
    itemKey: text("item_key").notNull(),
    itemTitle: text("item_title").notNull(),
    text: text("text").notNull(),
    recordedBy: uuid("recorded_by").references(() => users.id),
    recordedByName: text("recorded_by_name").notNull(),
    createdAt: at("created_at").notNull(),
    removedAt: at("removed_at"),
  },
  (t) => [index("touchpoint_decisions_meeting_idx").on(t.relationshipId, t.meetingId)],
);

/**
 * Action items: one owner, a due date, and the meeting and agenda item they came from. Open ones
 * carry over to every later agenda until done; `overdue_notified_at` marks the one overdue notice.
 */
export const touchpointActions = pgTable(
  "touchpoint_actions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    number: integer("number").notNull(),
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => touchpointMeetings.id),
    itemKey: text("item_key").notNull(),
    itemTitle: text("item_title").notNull(),
    title: text("title").notNull(),
    ownerUserId: uuid("owner_user_id")
      .notNull()
      .references(() => users.id),
    /** The local due date (protocol zone) and the instant it ends. */
    dueOn: text("due_on").notNull(),
    dueAt: at("due_at").notNull(),
    doneAt: at("done_at"),
    doneByName: text("done_by_name"),
    doneNote: text("done_note"),
    overdueNotifiedAt: at("overdue_notified_at"),
    createdBy: uuid("created_by").references(() => users.id),
    createdByName: text("created_by_name").notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
    revision: integer("revision").notNull().default(1),
  },
  (t) => [
    uniqueIndex("touchpoint_actions_number_key").on(t.relationshipId, t.number),
    index("touchpoint_actions_meeting_idx").on(t.relationshipId, t.meetingId),
    index("touchpoint_actions_overdue_idx")
      .on(t.dueAt)
      .where(sql`done_at is null and overdue_notified_at is null`),
  ],
);

export const businessDateKindValues = [
  "audit",
  "renewal",
  "office_move",
  "regulatory",
  "budget",
  "other",
] as const;
export type BusinessDateKind = (typeof businessDateKindValues)[number];

/**
 * Dated business and compliance needs the client records (audits, renewals, office moves,
 * regulatory deadlines): each agenda lists those coming up, so the provider hears in time.
 */
export const businessDates = pgTable(
  "business_dates",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    kind: text("kind", { enum: businessDateKindValues }).notNull(),
    title: text("title").notNull(),
    dueOn: text("due_on").notNull(),
    notes: text("notes").notNull().default(""),
    createdBy: uuid("created_by").references(() => users.id),
    createdByName: text("created_by_name").notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
    removedAt: at("removed_at"),
    revision: integer("revision").notNull().default(1),
  },
  (t) => [index("business_dates_relationship_idx").on(t.relationshipId, t.dueOn)],
);

/** Per-relationship numbers of meetings and action items. */
export const touchpointCounters = pgTable(
  "touchpoint_counters",
  {
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    kind: text("kind", { enum: ["meeting", "action"] }).notNull(),
    last: integer("last").notNull(),
  },
  (t) => [primaryKey({ columns: [t.relationshipId, t.kind] })],
);
