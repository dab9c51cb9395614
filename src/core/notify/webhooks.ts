import { and, desc, eq, inArray, isNull, lt } from "drizzle-orm";
import { users } from "../../modules/identity/identity.tables.ts";
import { getRelationshipForViewer } from "../../modules/identity/relationships.service.ts";
import { appendEvent } from "../events/events.ts";
import { eventActor, type ServiceContext, withTransaction } from "../http/context.ts";
import { AppError, forbidden, notFound } from "../http/errors.ts";
import { queueWebhook } from "./notify.ts";
import { deliveryAttempts, outbox, webhookEndpoints } from "./notify.tables.ts";
import { newWebhookSecret } from "./webhook-signature.ts";

/**
 * Webhook endpoints of a relationship. Each belongs to one side (the organization that created
 * it); only that organization's admins, signed in, see and manage it — the other side's
 * endpoints answer 404, like another tenant's records. Events go to both sides' endpoints.
 */

/** How long a rotated-out secret keeps signing (as a second signature), so receivers can switch. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

type EndpointRow = typeof webhookEndpoints.$inferSelect;

export interface EndpointView {
  id: string;
  relationshipId: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  /** The first characters of the secret, so people can tell which one a receiver holds. */
  secretHint: string;
  /** While set, deliveries are also signed with the previous secret. */
  previousSecretUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
  createdBy: { id: string; name: string } | null;
}

function present(row: EndpointRow, creatorName: string | null, now: number): EndpointView {
  const overlap =
    row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt.getTime() > now;
  return {
    id: row.id,
    relationshipId: row.relationshipId,
    url: row.url,
    description: row.description,
    events: row.eventTypes,
    enabled: row.enabled,
    secretHint: `${row.secret.slice(0, 10)}…`,
    previousSecretUntil: overlap ? row.previousSecretExpiresAt : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    createdBy: row.createdBy ? { id: row.createdBy, name: creatorName ?? "" } : null,
  };
}

/**
 * Only scheme, host and port of a URL go into the audit trail, which both sides can read: the
 * path or query of a webhook URL is often a credential (chat integrations put their token there).
 */
const origin = (url: string) => new URL(url).origin;

async function managerOf(ctx: ServiceContext, relationshipId: string) {
  const rel = await getRelationshipForViewer(ctx, relationshipId);
  if (!rel.abilities.manageWebhooks) {
    throw forbidden("Only an admin of your organization can manage webhooks, and only when signed in.");
  }
  return rel;
}

async function loadEndpoint(ctx: ServiceContext, relationshipId: string, orgId: string, endpointId: string) {
  const [row] = await ctx.db
    .select({ e: webhookEndpoints, creatorName: users.name })
    .from(webhookEndpoints)
    .leftJoin(users, eq(users.id, webhookEndpoints.createdBy))
    .where(
      and(
        eq(webhookEndpoints.id, endpointId),
        eq(webhookEndpoints.relationshipId, relationshipId),
        eq(webhookEndpoints.orgId, orgId),
        isNull(webhookEndpoints.deletedAt),
      ),
    );
  if (!row) throw notFound("webhook endpoint");
  return row;
}

/** Refuses URLs fetch would refuse or that would leak a credential in every request line. */
function checkUrl(url: string): string {
  const u = new URL(url);
  if (u.username || u.password) {
    throw new AppError("validation_failed", "The URL must not contain a user name or password.", {
      errors: [
        {
          path: "body.url",
          message:
            "must not contain a user name or password; receivers authenticate deliveries by their signature",
        },
      ],
    });
  }
  return u.toString();
}

/** The caller's organization's endpoints for this relationship, newest first. */
/** Records a step on an endpoint in the relationship's audit chain, in the caller's transaction. */
async function recordEndpointStep(
  tx: ServiceContext,
  orgId: string,
  endpoint: Pick<EndpointRow, "id" | "relationshipId" | "description" | "url">,
  action: string,
  change: { before?: Record<string, unknown>; after?: Record<string, unknown> },
  now: number,
): Promise<void> {
  await appendEvent(tx.db, {
    scope: "relationship",
    chain: endpoint.relationshipId,
    relationshipId: endpoint.relationshipId,
    orgId,
    actor: eventActor(tx.actor),
    action: `webhook_endpoint.${action}`,
    subject: {
      type: "webhook_endpoint",
      id: endpoint.id,
      label: endpoint.description || origin(endpoint.url),
    },
    ...change,
    requestId: tx.requestId,
    occurredAt: now,
  });
}

export async function listWebhookEndpoints(
  ctx: ServiceContext,
  relationshipId: string,
): Promise<EndpointView[]> {
  const { viewer } = await managerOf(ctx, relationshipId);
  const rows = await ctx.db
    .select({ e: webhookEndpoints, creatorName: users.name })
    .from(webhookEndpoints)
    .leftJoin(users, eq(users.id, webhookEndpoints.createdBy))
    .where(
      and(
        eq(webhookEndpoints.relationshipId, relationshipId),
        eq(webhookEndpoints.orgId, viewer.orgId),
        isNull(webhookEndpoints.deletedAt),
      ),
    )
    .orderBy(desc(webhookEndpoints.createdAt));
  const now = ctx.clock.now();
  return rows.map((r) => present(r.e, r.creatorName, now));
}

export interface EndpointInput {
  url: string;
  description?: string;
  events?: string[];
  enabled?: boolean;
}

/** Creates an endpoint for the caller's organization. The secret is returned here and on rotation only. */
export async function createWebhookEndpoint(
  ctx: ServiceContext,
  relationshipId: string,
  input: EndpointInput,
): Promise<{ endpoint: EndpointView; secret: string }> {
  const { viewer } = await managerOf(ctx, relationshipId);
  const url = checkUrl(input.url);
  const secret = newWebhookSecret();
  const now = ctx.clock.now();
  const userId = ctx.actor?.type === "user" ? ctx.actor.userId : null;
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(webhookEndpoints)
      .values({
        relationshipId,
        orgId: viewer.orgId,
        url,
        description: input.description?.trim() ?? "",
        secret,
        eventTypes: [...new Set(input.events ?? [])],
        enabled: input.enabled ?? true,
        createdBy: userId,
        createdAt: new Date(now),
        updatedAt: new Date(now),
      })
      .returning();
    await recordEndpointStep(
      tx,
      viewer.orgId,
      row!,
      "created",
      { after: { origin: origin(url), events: row!.eventTypes, enabled: row!.enabled } },
      now,
    );
    return {
      secret,
      endpoint: present(row!, ctx.actor?.type === "user" ? ctx.actor.name : null, now),
    };
  });
}

/** Changes an endpoint's URL, description, event types or whether it is enabled. */
export async function updateWebhookEndpoint(
  ctx: ServiceContext,
  relationshipId: string,
  endpointId: string,
  input: Partial<EndpointInput>,
): Promise<EndpointView> {
  const { viewer } = await managerOf(ctx, relationshipId);
  const url = input.url === undefined ? undefined : checkUrl(input.url);
  return withTransaction(ctx, async (tx) => {
    const { e: before, creatorName } = await loadEndpoint(tx, relationshipId, viewer.orgId, endpointId);
    const now = tx.clock.now();
    const [row] = await tx.db
      .update(webhookEndpoints)
      .set({
        ...(url === undefined ? {} : { url }),
        ...(input.description === undefined ? {} : { description: input.description.trim() }),
        ...(input.events === undefined ? {} : { eventTypes: [...new Set(input.events)] }),
        ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
        updatedAt: new Date(now),
      })
      .where(eq(webhookEndpoints.id, before.id))
      .returning();
    const summary = (e: EndpointRow) => ({
      origin: origin(e.url),
      urlChanged: e.url !== before.url,
      events: e.eventTypes,
      enabled: e.enabled,
      description: e.description,
    });
    await recordEndpointStep(
      tx,
      viewer.orgId,
      row!,
      "updated",
      { before: { ...summary(before), urlChanged: false }, after: summary(row!) },
      now,
    );
    return present(row!, creatorName, now);
  });
}

/**
 * Deletes an endpoint: it stops receiving at once, its secrets are wiped, and deliveries still
 * waiting are marked failed. Its deliveries log stays (in the audit sense) but is no longer listed.
 */
export async function deleteWebhookEndpoint(
  ctx: ServiceContext,
  relationshipId: string,
  endpointId: string,
): Promise<void> {
  const { viewer } = await managerOf(ctx, relationshipId);
  await withTransaction(ctx, async (tx) => {
    const { e } = await loadEndpoint(tx, relationshipId, viewer.orgId, endpointId);
    const now = tx.clock.now();
    await tx.db
      .update(webhookEndpoints)
      .set({
        deletedAt: new Date(now),
        enabled: false,
        secret: "",
        previousSecret: null,
        previousSecretExpiresAt: null,
        updatedAt: new Date(now),
      })
      .where(eq(webhookEndpoints.id, e.id));
    const dropped = await tx.db
      .update(outbox)
      .set({ status: "failed", lastError: "not sent: the endpoint was deleted", lockedUntil: null })
      .where(
        and(
          eq(outbox.relationshipId, relationshipId),
          eq(outbox.endpointId, e.id),
          eq(outbox.status, "pending"),
        ),
      )
      .returning({ id: outbox.id });
    await recordEndpointStep(
      tx,
      viewer.orgId,
      e,
      "deleted",
      {
        before: { origin: origin(e.url), events: e.eventTypes, enabled: e.enabled },
        after: { pendingDeliveriesDropped: dropped.length },
      },
      now,
    );
  });
}

/**
 * Issues a new secret. The old one keeps signing deliveries (as a second `v1,` signature) for
 * ROTATION_OVERLAP_MS, so a receiver can switch without refusing anything in between.
 */
export async function rotateWebhookSecret(
  ctx: ServiceContext,
  relationshipId: string,
  endpointId: string,
): Promise<{ endpoint: EndpointView; secret: string }> {
  const { viewer } = await managerOf(ctx, relationshipId);
  const secret = newWebhookSecret();
  return withTransaction(ctx, async (tx) => {
    const { e, creatorName } = await loadEndpoint(tx, relationshipId, viewer.orgId, endpointId);
    const now = tx.clock.now();
    const [row] = await tx.db
      .update(webhookEndpoints)
      .set({
        secret,
        previousSecret: e.secret,
        previousSecretExpiresAt: new Date(now + ROTATION_OVERLAP_MS),
        updatedAt: new Date(now),
      })
      .where(eq(webhookEndpoints.id, e.id))
      .returning();
    await recordEndpointStep(
      tx,
      viewer.orgId,
      e,
      "secret_rotated",
      { after: { previousSecretValidUntil: new Date(now + ROTATION_OVERLAP_MS).toISOString() } },
      now,
    );
    return { secret, endpoint: present(row!, creatorName, now) };
  });
}

/**
 * Queues a `webhook.test` delivery to the endpoint (also when it is disabled, so it can be checked
 * before it is turned on). Returns the outbox id, which is the delivery's `webhook-id`.
 */
export async function sendTestWebhook(
  ctx: ServiceContext,
  relationshipId: string,
  endpointId: string,
): Promise<{ outboxId: string }> {
  const { viewer, row: rel } = await managerOf(ctx, relationshipId);
  return withTransaction(ctx, async (tx) => {
    const { e } = await loadEndpoint(tx, relationshipId, viewer.orgId, endpointId);
    const outboxId = await queueWebhook(tx, e, "webhook.test", {
      relationshipId,
      endpointId: e.id,
      message: `A test delivery from Liaison for ${rel.name}, sent by ${eventActor(ctx.actor).name}.`,
    });
    await recordEndpointStep(
      tx,
      viewer.orgId,
      e,
      "test_sent",
      { after: { deliveryId: outboxId } },
      tx.clock.now(),
    );
    return { outboxId };
  });
}

export interface DeliveryView {
  id: string;
  type: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  log: {
    attempt: number;
    startedAt: Date;
    finishedAt: Date | null;
    ok: boolean | null;
    statusCode: number | null;
    error: string | null;
    responseExcerpt: string | null;
    durationMs: number | null;
  }[];
}

/** An endpoint's deliveries, newest first, each with its attempts (newest first). */
export async function listWebhookDeliveries(
  ctx: ServiceContext,
  relationshipId: string,
  endpointId: string,
  query: { before?: string; limit?: number },
): Promise<{ items: DeliveryView[]; nextBefore: string | null }> {
  const { viewer } = await managerOf(ctx, relationshipId);
  await loadEndpoint(ctx, relationshipId, viewer.orgId, endpointId);
  const limit = Math.min(query.limit ?? 50, 100);
  const conditions = [eq(outbox.relationshipId, relationshipId), eq(outbox.endpointId, endpointId)];
  if (query.before) conditions.push(lt(outbox.createdAt, new Date(query.before)));
  const rows = await ctx.db
    .select()
    .from(outbox)
    .where(and(...conditions))
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const attempts = page.length
    ? await ctx.db
        .select()
        .from(deliveryAttempts)
        .where(
          and(
            eq(deliveryAttempts.relationshipId, relationshipId),
            inArray(
              deliveryAttempts.outboxId,
              page.map((r) => r.id),
            ),
          ),
        )
        .orderBy(desc(deliveryAttempts.attempt))
    : [];
  const items = page.map((r) => ({
    id: r.id,
    type: r.kind,
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.maxAttempts,
    nextAttemptAt: r.status === "pending" ? r.nextAttemptAt : null,
    deliveredAt: r.deliveredAt,
    lastStatusCode: r.lastStatusCode,
    lastError: r.lastError,
    createdAt: r.createdAt,
    log: attempts
      .filter((a) => a.outboxId === r.id)
      .map((a) => ({
        attempt: a.attempt,
        startedAt: a.startedAt,
        finishedAt: a.finishedAt,
        ok: a.ok,
        statusCode: a.statusCode,
        error: a.error,
        responseExcerpt: a.responseExcerpt,
        durationMs: a.durationMs,
      })),
  }));
  const last = page.at(-1);
  return { items, nextBefore: rows.length > limit && last ? last.createdAt.toISOString() : null };
}
