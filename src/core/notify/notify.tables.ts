import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { organizations, relationships, users } from "../../modules/identity/identity.tables.ts";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * In-app notifications: one row per recipient, written in the transaction of the event that
 * caused it. The bell lists these rows; the live stream tells the browser when one arrives.
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
    /** Path inside the web app, e.g. `/r/…/protocol`. */
    link: text("link"),
    data: jsonb("data"),
    createdAt: at("created_at").notNull(),
    readAt: at("read_at"),
  },
  (t) => [index("notifications_user_idx").on(t.userId, t.createdAt)],
);

export const notificationChannels = ["in_app", "email"] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

/**
 * A person's choice for one event kind on one channel. Only choices someone made are stored; a
 * kind × channel without a row is on (see `defaultChannelEnabled`).
 */
export const notificationPreferences = pgTable(
  "notification_preferences",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind").notNull(),
    channel: text("channel", { enum: notificationChannels }).notNull(),
    enabled: boolean("enabled").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.kind, t.channel] }),
    check("notification_preferences_channel_check", sql`${t.channel} in ('in_app', 'email')`),
  ],
);

export const digestModes = ["off", "hourly", "daily"] as const;
export type DigestMode = (typeof digestModes)[number];

/**
 * A person's delivery settings: quiet hours (local wall times in their zone, as minutes after
 * midnight; both null = none; start > end spans midnight) and how low-severity email is batched.
 * No row means the defaults: UTC, no quiet hours, no digest.
 */
export const notificationSettings = pgTable(
  "notification_settings",
  {
    userId: uuid("user_id")
      .primaryKey()
      .references(() => users.id),
    /** IANA zone the quiet hours and digest times are read in. */
    timeZone: text("time_zone").notNull().default("UTC"),
    quietStart: smallint("quiet_start"),
    quietEnd: smallint("quiet_end"),
    digest: text("digest", { enum: digestModes }).notNull().default("off"),
    /** Local time (minutes after midnight) of the daily digest. */
    dailyDigestAt: smallint("daily_digest_at").notNull().default(480),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    check("notification_settings_digest_check", sql`${t.digest} in ('off', 'hourly', 'daily')`),
    check(
      "notification_settings_quiet_check",
      sql`(${t.quietStart} is null and ${t.quietEnd} is null) or (${t.quietStart} between 0 and 1439 and ${t.quietEnd} between 0 and 1439 and ${t.quietStart} <> ${t.quietEnd})`,
    ),
    check("notification_settings_digest_at_check", sql`${t.dailyDigestAt} between 0 and 1439`),
  ],
);

/**
 * Where one organization of a relationship wants signed event deliveries (Standard Webhooks).
 * The secret is stored as issued, not hashed: every delivery is signed with it. After a rotation
 * the previous secret keeps signing (a second signature) until `previous_secret_expires_at`, so
 * receivers can switch without dropping deliveries. Deleted endpoints keep their row (the
 * deliveries log refers to it) with the secrets wiped.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id")
      .notNull()
      .references(() => relationships.id),
    /** The side that owns the endpoint; only its admins see and manage it. */
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    /** `whsec_` + base64 of the HMAC key. */
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: at("previous_secret_expires_at"),
    /** Event types delivered: exact (`ticket.breached`), a prefix (`ticket.*`) or `*`; empty = all. */
    eventTypes: text("event_types")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    enabled: boolean("enabled").notNull().default(true),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
    deletedAt: at("deleted_at"),
  },
  (t) => [index("webhook_endpoints_relationship_idx").on(t.relationshipId, t.orgId)],
);

export const outboxChannels = ["email", "webhook"] as const;
export type OutboxChannel = (typeof outboxChannels)[number];
export const outboxStatuses = ["pending", "delivered", "failed"] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

/**
 * Every outbound message (one email to one person, one webhook call to one endpoint), inserted
 * in the transaction of the event that caused it and delivered after commit by the worker. The
 * row is the truth about delivery: attempts, when the next one is due, and the outcome. The
 * message id is its idempotency key (the `webhook-id` header; the email's Message-ID).
 */
export const outbox = pgTable(
  "outbox",
  {
    id: uuid("id").primaryKey(),
    relationshipId: uuid("relationship_id").references(() => relationships.id),
    channel: text("channel", { enum: outboxChannels }).notNull(),
    /** Dotted event type (`ticket.breached`, `webhook.test`, `notification.digest`). */
    kind: text("kind").notNull(),
    /** The recipient of an email. */
    userId: uuid("user_id").references(() => users.id),
    /** The receiver of a webhook. */
    endpointId: uuid("endpoint_id").references(() => webhookEndpoints.id),
    /** What is sent, rendered when queued: an email's parts, or a webhook's exact JSON body. */
    payload: jsonb("payload").notNull(),
    status: text("status", { enum: outboxStatuses }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull(),
    nextAttemptAt: at("next_attempt_at").notNull(),
    /** Set while a worker is sending: no one else claims the row before then (a lease). */
    lockedUntil: at("locked_until"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: at("created_at").notNull(),
    deliveredAt: at("delivered_at"),
  },
  (t) => [
    index("outbox_relationship_idx").on(t.relationshipId, t.endpointId, t.createdAt),
    // The worker's queue: global by nature (it serves every tenant), so it is the one index here
    // that does not lead with the relationship. Partial, so it holds only what is still to do.
    index("outbox_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    check("outbox_channel_check", sql`${t.channel} in ('email', 'webhook')`),
    check("outbox_status_check", sql`${t.status} in ('pending', 'delivered', 'failed')`),
    check(
      "outbox_recipient_check",
      sql`(${t.channel} = 'email' and ${t.userId} is not null) or (${t.channel} = 'webhook' and ${t.endpointId} is not null)`,
    ),
  ],
);

/**
 * One row per delivery attempt, written when the attempt starts and completed with its outcome:
 * an attempt without an outcome is one whose worker stopped mid-way (the message is retried).
 */
export const deliveryAttempts = pgTable(
  "delivery_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    relationshipId: uuid("relationship_id").references(() => relationships.id),
    outboxId: uuid("outbox_id")
      .notNull()
      .references(() => outbox.id),
    /** 1 for the first attempt. */
    attempt: integer("attempt").notNull(),
    startedAt: at("started_at").notNull(),
    finishedAt: at("finished_at"),
    ok: boolean("ok"),
    /** HTTP status of a webhook call, or the SMTP reply code of an email. */
    statusCode: integer("status_code"),
    error: text("error"),
    /** The first characters of the receiver's answer, for debugging a receiver. */
    responseExcerpt: text("response_excerpt"),
    durationMs: integer("duration_ms"),
  },
  (t) => [
    index("delivery_attempts_relationship_idx").on(t.relationshipId, t.outboxId),
    uniqueIndex("delivery_attempts_outbox_attempt_key").on(t.outboxId, t.attempt),
  ],
);

/**
 * The email conversation of one thread key (e.g. a ticket) for one recipient: the Message-ID
 * of the first message they got, which every later message answers (In-Reply-To, References).
 */
export const emailThreads = pgTable(
  "email_threads",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    threadKey: text("thread_key").notNull(),
    rootMessageId: text("root_message_id").notNull(),
    createdAt: at("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.threadKey] })],
);

/**
 * Low-severity emails held for a person's digest. `outbox_id` is set when a digest takes them,
 * in the same transaction that queues the digest email.
 */
export const digestItems = pgTable(
  "digest_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    relationshipId: uuid("relationship_id").references(() => relationships.id),
    kind: text("kind").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    /** Absolute URL, resolved when the item was queued. */
    url: text("url"),
    createdAt: at("created_at").notNull(),
    outboxId: uuid("outbox_id").references(() => outbox.id),
  },
  (t) => [
    index("digest_items_pending_idx")
      .on(t.userId, t.createdAt)
      .where(sql`${t.outboxId} is null`),
  ],
);
