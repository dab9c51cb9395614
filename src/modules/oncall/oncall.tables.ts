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
import { organizations, relationships, users } from "../identity/identity.tables.ts";
import { tickets } from "../tickets/tickets.tables.ts";
import type { RotationSpec } from "./oncall.rotation.ts";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * On-call schedules of a provider. A schedule with a relationship covers that relationship only;
 * one without covers every relationship of the provider that has no schedule of its own. At most
 * one active schedule per (provider, relationship or shared). Rotations are kept on the row
 * (an ordered list; later rotations take precedence within a layer) and change with `revision`.
 */
export const oncallSchedules = pgTable(
  "oncall_schedules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    providerOrgId: uuid("provider_org_id")
      .notNull()
      .references(() => organizations.id),
    /** null: shared across the provider's relationships. */
    relationshipId: uuid("relationship_id").references(() => relationships.id),
    name: text("name").notNull(),
    timeZone: text("time_zone").notNull(),
    rotations: jsonb("rotations").$type<RotationSpec[]>().notNull(),
    /** Names of the layers, by number ("1": "Primary"). */
    layerNames: jsonb("layer_names").$type<Record<string, string>>().notNull(),
    revision: integer("revision").notNull().default(1),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
    archivedAt: at("archived_at"),
  },
  (t) => [
    uniqueIndex("oncall_schedules_cover_key")
      .on(t.providerOrgId, sql`coalesce(${t.relationshipId}, '00000000-0000-0000-0000-000000000000'::uuid)`)
      .where(sql`archived_at is null`),
  ],
);

/** One-off swaps: someone else takes a layer of a schedule for a while. */
export const oncallOverrides = pgTable(
  "oncall_overrides",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    scheduleId: uuid("schedule_id")
      .notNull()
      .references(() => oncallSchedules.id),
    layer: integer("layer").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    startsAt: at("starts_at").notNull(),
    endsAt: at("ends_at").notNull(),
    reason: text("reason"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: at("created_at").notNull(),
    cancelledAt: at("cancelled_at"),
  },
  (t) => [index("oncall_overrides_schedule_idx").on(t.scheduleId, t.endsAt)],
);

/**
 * Extra addresses a person is paged at besides their account email (a pager or an SMS gateway
 * address). A method pages only once its owner confirmed the code sent to it; the code is
 * stored hashed.
 */
export const contactMethods = pgTable(
  "contact_methods",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: ["email"] }).notNull(),
    address: text("address").notNull(),
    label: text("label").notNull(),
    codeHash: text("code_hash"),
    codeExpiresAt: at("code_expires_at"),
    verifiedAt: at("verified_at"),
    createdAt: at("created_at").notNull(),
  },
  (t) => [uniqueIndex("contact_methods_address_key").on(t.userId, sql`lower(${t.address})`)],
);

/** Per-relationship numbering of emergencies (EMG-3) and reviews (PIR-3). */
export const oncallCounters = pgTable(
  "oncall_counters",
  {
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    kind: text("kind", { enum: ["emergency", "review"] }).notNull(),
    last: integer("last").notNull(),
  },
  (t) => [primaryKey({ columns: [t.relationshipId, t.kind] })],
);

export const emergencyStateValues = ["paging", "acknowledged", "resolved"] as const;

/** One step of the paging chain, fixed when the emergency is declared. */
export interface PagingStep {
  /** "layer:1", "layer:2", "escalation:<level id>", or "everyone" (the final repeat). */
  target: string;
  label: string;
  userIds: string[];
}

/**
 * Emergencies. Every emergency runs on a critical ticket (declared from one, or opened with it),
 * so its updates, cadence and SLA clocks are the ticket's. `page_step` is the step of `chain`
 * paged last; `next_page_at` when the next step is paged unless someone acknowledges.
 */
export const emergencies = pgTable(
  "emergencies",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    number: integer("number").notNull(),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id),
    title: text("title").notNull(),
    description: text("description").notNull(),
    affectedSystem: text("affected_system").notNull(),
    /** The protocol's criteria the person declaring said apply. */
    criteria: jsonb("criteria").$type<string[]>().notNull(),
    state: text("state", { enum: emergencyStateValues }).notNull(),
    scheduleId: uuid("schedule_id").references(() => oncallSchedules.id),
    chain: jsonb("chain").$type<PagingStep[]>().notNull(),
    pageStep: integer("page_step").notNull(),
    /** How many times the whole chain was paged again after its last step. */
    repeats: integer("repeats").notNull().default(0),
    nextPageAt: at("next_page_at"),
    declaredBy: uuid("declared_by").references(() => users.id),
    declaredByName: text("declared_by_name").notNull(),
    declaredAt: at("declared_at").notNull(),
    acknowledgedBy: uuid("acknowledged_by").references(() => users.id),
    acknowledgedAt: at("acknowledged_at"),
    resolvedAt: at("resolved_at"),
    resolvedBy: uuid("resolved_by").references(() => users.id),
    revision: integer("revision").notNull().default(1),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("emergencies_number_key").on(t.relationshipId, t.number),
    uniqueIndex("emergencies_open_ticket_key")
      .on(t.ticketId)
      .where(sql`state <> 'resolved'`),
    index("emergencies_relationship_idx").on(t.relationshipId, t.declaredAt),
    index("emergencies_next_page_idx")
      .on(t.nextPageAt)
      .where(sql`next_page_at is not null`),
  ],
);

/** Each page sent: who, at which step, and whether they acknowledged. */
export const emergencyPages = pgTable(
  "emergency_pages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    emergencyId: uuid("emergency_id")
      .notNull()
      .references(() => emergencies.id),
    step: integer("step").notNull(),
    target: text("target").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    pagedAt: at("paged_at").notNull(),
    /** How many addresses the page went to (account email + confirmed contact methods). */
    addresses: integer("addresses").notNull(),
  },
  (t) => [index("emergency_pages_emergency_idx").on(t.relationshipId, t.emergencyId, t.pagedAt)],
);

export const authorityValues = ["without_approval", "needs_approval", "outside_register"] as const;
export const actionStateValues = ["done", "awaiting_approval", "approved", "declined", "withdrawn"] as const;

/**
 * The running log of an emergency: actions taken, checked against the on-call authority
 * register (an action that needs approval waits for it), and notes.
 */
export const emergencyLog = pgTable(
  "emergency_log",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    emergencyId: uuid("emergency_id")
      .notNull()
      .references(() => emergencies.id),
    kind: text("kind", { enum: ["action", "note"] }).notNull(),
    /** The register's action id, or "other"; null for notes. */
    action: text("action"),
    label: text("label"),
    detail: text("detail").notNull(),
    authority: text("authority", { enum: authorityValues }),
    approverRoles: jsonb("approver_roles").$type<string[]>(),
    state: text("state", { enum: actionStateValues }),
    byUserId: uuid("by_user_id").references(() => users.id),
    byName: text("by_name").notNull(),
    side: text("side", { enum: ["client", "provider"] }).notNull(),
    at: at("at").notNull(),
    decidedBy: uuid("decided_by").references(() => users.id),
    decidedByName: text("decided_by_name"),
    decidedAt: at("decided_at"),
    decisionNote: text("decision_note"),
    doneAt: at("done_at"),
  },
  (t) => [index("emergency_log_emergency_idx").on(t.relationshipId, t.emergencyId, t.at)],
);

export const restorationStrategyValues = ["restore_from_backup", "fail_over", "repair_in_place"] as const;

/** How a critical system is brought back, and when that was last proven. */
export const restorationPlans = pgTable(
  "restoration_plans",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    system: text("system").notNull(),
    strategy: text("strategy", { enum: restorationStrategyValues }).notNull(),
    /** Expected time to restore, a protocol duration ("4h"). */
    expectedRestore: text("expected_restore").notNull(),
    /** Data that may be lost: the recovery point, a duration ("24h") before the failure. */
    recoveryPoint: text("recovery_point").notNull(),
    runbook: jsonb("runbook").$type<string[]>().notNull(),
    /** Who can execute it: roles and named people. */
    executorRoles: jsonb("executor_roles").$type<string[]>().notNull(),
    executorUserIds: jsonb("executor_user_ids").$type<string[]>().notNull(),
    notes: text("notes"),
    lastTestedAt: at("last_tested_at"),
    /** When the plan becomes (or became) untested for longer than the protocol allows. */
    staleAt: at("stale_at"),
    staleNotifiedAt: at("stale_notified_at"),
    revision: integer("revision").notNull().default(1),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
    archivedAt: at("archived_at"),
  },
  (t) => [
    uniqueIndex("restoration_plans_system_key")
      .on(t.relationshipId, sql`lower(${t.system})`)
      .where(sql`archived_at is null`),
    index("restoration_plans_stale_idx")
      .on(t.staleAt)
      .where(sql`stale_notified_at is null and archived_at is null`),
  ],
);

export const restorationTestOutcomeValues = ["passed", "partial", "failed"] as const;

/** Restoration tests: each one proves (or not) that the plan works. */
export const restorationTests = pgTable(
  "restoration_tests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    planId: uuid("plan_id")
      .notNull()
      .references(() => restorationPlans.id),
    testedAt: at("tested_at").notNull(),
    outcome: text("outcome", { enum: restorationTestOutcomeValues }).notNull(),
    /** How long the restoration took, a duration ("2h 30m"). */
    took: text("took"),
    notes: text("notes"),
    recordedBy: uuid("recorded_by").references(() => users.id),
    recordedByName: text("recorded_by_name").notNull(),
    createdAt: at("created_at").notNull(),
  },
  (t) => [index("restoration_tests_plan_idx").on(t.relationshipId, t.planId, t.testedAt)],
);

export const reviewStateValues = ["open", "finished"] as const;

/**
 * Post-incident reviews, opened when an emergency or a critical ticket resolves. Finished once
 * both sides signed it off; an edit after a sign-off clears the sign-offs.
 */
export const incidentReviews = pgTable(
  "incident_reviews",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    number: integer("number").notNull(),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id),
    emergencyId: uuid("emergency_id").references(() => emergencies.id),
    title: text("title").notNull(),
    state: text("state", { enum: reviewStateValues }).notNull(),
    dueAt: at("due_at").notNull(),
    overdueNotifiedAt: at("overdue_notified_at"),
    whatHappened: text("what_happened").notNull().default(""),
    wentWell: text("went_well").notNull().default(""),
    couldBeBetter: text("could_be_better").notNull().default(""),
    providerSignedBy: uuid("provider_signed_by").references(() => users.id),
    providerSignedByName: text("provider_signed_by_name"),
    providerSignedAt: at("provider_signed_at"),
    clientSignedBy: uuid("client_signed_by").references(() => users.id),
    clientSignedByName: text("client_signed_by_name"),
    clientSignedAt: at("client_signed_at"),
    finishedAt: at("finished_at"),
    /** The earliest review deadline or action-item due date the timers must look at. */
    nextCheckAt: at("next_check_at"),
    revision: integer("revision").notNull().default(1),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("incident_reviews_number_key").on(t.relationshipId, t.number),
    uniqueIndex("incident_reviews_ticket_key").on(t.ticketId),
    index("incident_reviews_relationship_idx").on(t.relationshipId, t.createdAt),
    index("incident_reviews_next_check_idx")
      .on(t.nextCheckAt)
      .where(sql`next_check_at is not null`),
  ],
);

/** Prevention actions from a review: one owner, a due date, tracked until done. */
export const reviewActions = pgTable(
  "review_actions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    reviewId: uuid("review_id")
      .notNull()
      .references(() => incidentReviews.id),
    title: text("title").notNull(),
    ownerUserId: uuid("owner_user_id")
      .notNull()
      .references(() => users.id),
    /** The local due date (protocol zone) and the instant it ends. */
    dueOn: text("due_on").notNull(),
    dueAt: at("due_at").notNull(),
    doneAt: at("done_at"),
    doneBy: uuid("done_by").references(() => users.id),
    doneNote: text("done_note"),
    overdueNotifiedAt: at("overdue_notified_at"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: at("created_at").notNull(),
  },
  (t) => [
    index("review_actions_review_idx").on(t.relationshipId, t.reviewId),
    index("review_actions_open_idx")
      .on(t.relationshipId, t.dueAt)
      .where(sql`done_at is null`),
  ],
);
