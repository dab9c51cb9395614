import { z } from "zod";
import { isoTime, RelationshipParams, uuidParam } from "../../modules/identity/identity.schema.ts";
import { KIND_PATTERN } from "./kinds.ts";
import { digestModes } from "./notify.tables.ts";

/** Request and response contracts of the notification core; the OpenAPI document is generated from these. */

export const Notification = z
  .object({
    id: z.uuid(),
    relationshipId: z.uuid().nullable(),
    kind: z.string(),
    subject: z.string(),
    body: z.string(),
    link: z.string().nullable(),
    createdAt: isoTime,
    readAt: isoTime.nullable(),
  })
  .meta({ id: "Notification" });

const LocalTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a local time such as 22:00")
  .describe("HH:MM, 24-hour, in the person's time zone");
const QuietHours = z
  .strictObject({ start: LocalTime, end: LocalTime })
  .describe("Emails wait until the end (critical and emergency ones do not); start after end spans midnight");
const Digest = z.enum(digestModes, { error: "must be off, hourly or daily" });
const Kind = z
  .string()
  .max(100, "must be at most 100 characters")
  .regex(KIND_PATTERN, "must be a dotted event kind such as ticket.breached");

export const Preferences = z
  .object({
    kinds: z.array(
      z.object({
        kind: z.string(),
        group: z.string(),
        label: z.string(),
        inApp: z.boolean(),
        email: z.boolean(),
      }),
    ),
    timeZone: z.string(),
    quietHours: QuietHours.nullable(),
    digest: Digest,
    dailyDigestAt: LocalTime,
    updatedAt: isoTime.nullable().describe("Null until first saved"),
  })
  .meta({ id: "NotificationPreferences" });

export const PreferencesBody = z.strictObject({
  kinds: z
    .array(z.strictObject({ kind: Kind, inApp: z.boolean(), email: z.boolean() }))
    .max(500, "must list at most 500 kinds")
    .describe("Channels per event kind; kinds not listed get every channel"),
  timeZone: z
    .string()
    .min(1, "is required: an IANA time zone such as Europe/Berlin")
    .max(64, "must be at most 64 characters"),
  quietHours: QuietHours.nullable(),
  digest: Digest.describe("Low-severity emails: sent one by one (off), or collected hourly or daily"),
  dailyDigestAt: LocalTime,
});

const EventPattern = z
  .string()
  .max(100, "must be at most 100 characters")
  .regex(
    /^(\*|[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?)$/,
    "must be an event type such as ticket.breached, a prefix such as ticket.*, or *",
  );
const WebhookUrl = z
  .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
  .max(2000, "must be at most 2000 characters");
const Description = z.string().trim().max(200, "must be at most 200 characters");
const Events = z
  .array(EventPattern)
  .max(50, "must list at most 50 event types")
  .describe("Event types to deliver; empty means all");

export const WebhookEndpoint = z
  .object({
    id: z.uuid(),
    relationshipId: z.uuid(),
    url: z.string(),
    description: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    secretHint: z.string().describe("The first characters of the signing secret"),
    previousSecretUntil: isoTime
      .nullable()
      .describe("Until then, deliveries also carry a signature with the previous secret"),
    createdAt: isoTime,
    updatedAt: isoTime,
    createdBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  })
  .meta({ id: "WebhookEndpoint" });

export const CreateEndpointBody = z.strictObject({
  url: WebhookUrl,
  description: Description.optional(),
  events: Events.optional(),
  enabled: z.boolean().optional(),
});
export const UpdateEndpointBody = z.strictObject({
  url: WebhookUrl.optional(),
  description: Description.optional(),
  events: Events.optional(),
  enabled: z.boolean().optional(),
});
export const EndpointWithSecret = z.object({
  endpoint: WebhookEndpoint,
  secret: z.string().describe("whsec_…: shown once; verify deliveries with it (Standard Webhooks)"),
});

export const EndpointParams = RelationshipParams.extend({ endpointId: uuidParam("endpointId") });

export const Delivery = z
  .object({
    id: z.uuid().describe("Also the webhook-id header: receivers deduplicate on it"),
    type: z.string(),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    nextAttemptAt: isoTime.nullable(),
    deliveredAt: isoTime.nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: isoTime,
    log: z.array(
      z.object({
        attempt: z.number().int(),
        startedAt: isoTime,
        finishedAt: isoTime.nullable(),
        ok: z.boolean().nullable().describe("Null: the attempt did not finish (the worker stopped)"),
        statusCode: z.number().int().nullable(),
        error: z.string().nullable(),
        responseExcerpt: z.string().nullable(),
        durationMs: z.number().int().nullable(),
      }),
    ),
  })
  .meta({ id: "WebhookDelivery" });

export const DeliveriesQuery = z.strictObject({
  before: isoTime.optional(),
  limit: z.coerce.number().int().min(1, "must be at least 1").max(100, "must be at most 100").optional(),
});
