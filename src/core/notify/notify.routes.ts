import { z } from "zod";
import type { RouteApp } from "../../app.ts";
import { resolveSession } from "../../modules/identity/auth.service.ts";
import {
  iso,
  isoOrNull,
  isoTime,
  RelationshipParams,
  uuidParam,
} from "../../modules/identity/identity.schema.ts";
import { SESSION_COOKIE } from "../http/auth.ts";
import { forbidden } from "../http/errors.ts";
import type { LiveEvent, LiveHub } from "./live.ts";
import { listNotifications, markNotificationsRead } from "./notify.ts";
import * as S from "./notify.schema.ts";
import { getPreferences, type PreferencesView, updatePreferences } from "./preferences.ts";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  type EndpointView,
  listWebhookDeliveries,
  listWebhookEndpoints,
  rotateWebhookSecret,
  sendTestWebhook,
  updateWebhookEndpoint,
} from "./webhooks.ts";

/** A comment line every 25 s keeps proxies from closing an idle stream and notices dead ones. */
const HEARTBEAT_MS = 25_000;

const preferences = (p: PreferencesView) => ({ ...p, updatedAt: isoOrNull(p.updatedAt) });
const endpoint = (e: EndpointView) => ({
  ...e,
  createdAt: iso(e.createdAt),
  updatedAt: iso(e.updatedAt),
  previousSecretUntil: isoOrNull(e.previousSecretUntil),
});
const noContent = z.null().describe("No content");

/** The signed-in person's notifications, preferences and live stream; a relationship's webhooks. */
export function registerNotificationRoutes(app: RouteApp, opts: { live: LiveHub }): void {
  const tags = ["notifications"];
  app.get(
    "/notifications",
    {
      schema: {
        tags,
        summary: "Your notifications, newest first, and how many are unread",
        querystring: z.strictObject({
          unread: z
            .enum(["true", "false"], { error: "must be true or false" })
            .optional()
            .transform((v) => v === "true"),
          before: isoTime.optional(),
          limit: z.coerce
            .number()
            .int()
            .min(1, "must be at least 1")
            .max(100, "must be at most 100")
            .optional(),
        }),
        response: { 200: z.object({ items: z.array(S.Notification), unread: z.number().int() }) },
        "x-access": { auth: "session", scope: "self" },
      },
    },
    async (req) => {
      const page = await listNotifications(req.ctx, req.query);
      return {
        unread: page.unread,
        items: page.items.map((n) => ({ ...n, createdAt: iso(n.createdAt), readAt: isoOrNull(n.readAt) })),
      };
    },
  );
  app.post(
    "/notifications/:notificationId/read",
    {
      schema: {
        tags,
        summary: "Mark a notification read",
        params: z.strictObject({ notificationId: uuidParam("notificationId") }),
        response: { 200: z.object({ marked: z.number().int() }) },
        "x-access": { auth: "session", scope: "self" },
      },
    },
    async (req) => ({ marked: await markNotificationsRead(req.ctx, req.params.notificationId) }),
  );
  app.post(
    "/notifications/read-all",
    {
      schema: {
        tags,
        summary: "Mark all your notifications read",
        response: { 200: z.object({ marked: z.number().int() }) },
        "x-access": { auth: "session", scope: "self" },
      },
    },
    async (req) => ({ marked: await markNotificationsRead(req.ctx, null) }),
  );

  app.get(
    "/notifications/preferences",
    {
      schema: {
        tags,
        summary: "Your channels per event kind, quiet hours, time zone and digest",
        response: { 200: S.Preferences },
        "x-access": { auth: "session", scope: "self" },
      },
    },
    async (req) => preferences(await getPreferences(req.ctx)),
  );
  app.put(
    "/notifications/preferences",
    {
      schema: {
        tags,
        summary: "Replace your notification preferences",
        body: S.PreferencesBody,
        response: { 200: S.Preferences },
        "x-access": { auth: "session", scope: "self" },
      },
    },
    async (req) => preferences(await updatePreferences(req.ctx, req.body)),
  );

  registerStream(app, opts.live);
  registerWebhookRoutes(app);
}

/**
 * `GET /notifications/stream`: server-sent events for the signed-in person — `notification`
 * when they get one, `ping` when something changes in a relationship they are party to, `resync`
 * when pings may have been missed, and `ended` when their session ends. The session is checked
 * again at every heartbeat, which also refreshes which relationships the person belongs to.
 */
function registerStream(app: RouteApp, live: LiveHub): void {
  const open = new Set<() => Promise<void>>();
  // Streams never end on their own: close them first, or closing the server waits for them.
  app.addHook("preClose", async () => {
    await Promise.all([...open].map((close) => close()));
  });

  app.get(
    "/notifications/stream",
    {
      schema: {
        tags: ["notifications"],
        summary: "Live updates (text/event-stream): your new notifications and changes in your relationships",
        description:
          "Events: `ready` once subscribed; `notification` `{ relationshipId, kind }`; `ping` `{ relationshipId, topic, id }` " +
          "(refetch what you show of that topic); `resync` (updates may have been missed: refetch everything); " +
          "`ended` (the session ended). A comment line is sent every 25 s.",
        "x-access": { auth: "session", scope: "self" },
      },
    },
    async (req, reply) => {
      const actor = req.ctx.actor;
      const cookie = req.cookies[SESSION_COOKIE];
      if (actor?.type !== "user" || !cookie) throw forbidden("The live stream needs a signed-in person.");
      let orgIds: readonly string[] = actor.memberships.map((m) => m.orgId);
      const raw = reply.raw;
      let started = false;
      const early: LiveEvent[] = [];
      const write = (chunk: string) => {
        if (!raw.writableEnded && !raw.destroyed) raw.write(chunk);
      };
      const send = (event: LiveEvent) => {
        if (!started) return void early.push(event);
        const { type, ...data } = event;
        write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      // Subscribe before answering, so a failure is an ordinary error response, and anything
      // committed from the moment the browser sees `ready` reaches it.
      const unsubscribe = await live.subscribe({ userId: actor.userId, orgIds: () => orgIds, send });

      let closed = false;
      const heartbeat = setInterval(() => {
        write(": heartbeat\n\n");
        resolveSession(req.ctx.db, cookie, req.ctx.clock.now()).then(
          (s) => {
            if (!s || s.actor.type !== "user" || s.actor.userId !== actor.userId) {
              send({ type: "ended" });
              void close();
            } else {
              orgIds = s.actor.memberships.map((m) => m.orgId);
            }
          },
          // The database is briefly unreachable: keep the stream; the next heartbeat checks again.
          () => {},
        );
      }, HEARTBEAT_MS);
      heartbeat.unref();
      const close = async () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        open.delete(close);
        await unsubscribe().catch((err) => req.log.warn({ err }, "live stream unsubscribe failed"));
        if (!raw.writableEnded) raw.end();
      };
      open.add(close);
      // The response's close is the connection's (the request's fires once its body is read).
      raw.once("close", () => void close());
      reply.hijack();
      // The browser may have gone while we subscribed; its close event is then already past.
      if (raw.destroyed || raw.socket?.destroyed) return close();
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        connection: "keep-alive",
        // Proxies such as nginx would otherwise buffer the stream.
        "x-accel-buffering": "no",
      });
      write("retry: 5000\n\n");
      started = true;
      send({ type: "ready" });
      for (const e of early.splice(0)) send(e);
    },
  );
}

function registerWebhookRoutes(app: RouteApp): void {
  const tags = ["webhooks"];
  const access = { auth: "session", scope: "relationship", admin: true } as const;

  app.get(
    "/relationships/:relationshipId/webhooks",
    {
      schema: {
        tags,
        summary: "Your organization's webhook endpoints for this relationship",
        params: RelationshipParams,
        response: { 200: z.object({ items: z.array(S.WebhookEndpoint) }) },
        "x-access": access,
      },
    },
    async (req) => ({
      items: (await listWebhookEndpoints(req.ctx, req.params.relationshipId)).map(endpoint),
    }),
  );
  app.post(
    "/relationships/:relationshipId/webhooks",
    {
      schema: {
        tags,
        summary: "Add a webhook endpoint (the signing secret is shown once)",
        params: RelationshipParams,
        body: S.CreateEndpointBody,
        response: { 201: S.EndpointWithSecret },
        "x-access": access,
      },
    },
    async (req, reply) => {
      const r = await createWebhookEndpoint(req.ctx, req.params.relationshipId, req.body);
      return reply.status(201).send({ endpoint: endpoint(r.endpoint), secret: r.secret });
    },
  );
  app.patch(
    "/relationships/:relationshipId/webhooks/:endpointId",
    {
      schema: {
        tags,
        summary: "Change a webhook endpoint's URL, description, event types or whether it is enabled",
        params: S.EndpointParams,
        body: S.UpdateEndpointBody,
        response: { 200: S.WebhookEndpoint },
        "x-access": access,
      },
    },
    async (req) =>
      endpoint(
        await updateWebhookEndpoint(req.ctx, req.params.relationshipId, req.params.endpointId, req.body),
      ),
  );
  app.delete(
    "/relationships/:relationshipId/webhooks/:endpointId",
    {
      schema: {
        tags,
        summary: "Delete a webhook endpoint; deliveries still waiting are dropped",
        params: S.EndpointParams,
        response: { 204: noContent },
        "x-access": access,
      },
    },
    async (req, reply) => {
      await deleteWebhookEndpoint(req.ctx, req.params.relationshipId, req.params.endpointId);
      return reply.status(204).send(null);
    },
  );
  app.post(
    "/relationships/:relationshipId/webhooks/:endpointId/rotate-secret",
    {
      schema: {
        tags,
        summary: "Issue a new signing secret (shown once); the old one also signs for 24 hours",
        params: S.EndpointParams,
        response: { 200: S.EndpointWithSecret },
        "x-access": access,
      },
    },
    async (req) => {
      const r = await rotateWebhookSecret(req.ctx, req.params.relationshipId, req.params.endpointId);
      return { endpoint: endpoint(r.endpoint), secret: r.secret };
    },
  );
  app.post(
    "/relationships/:relationshipId/webhooks/:endpointId/test",
    {
      schema: {
        tags,
        summary: "Queue a webhook.test delivery to the endpoint",
        params: S.EndpointParams,
        response: {
          202: z.object({ outboxId: z.uuid().describe("The delivery's id (its webhook-id header)") }),
        },
        "x-access": access,
      },
    },
    async (req, reply) =>
      reply
        .status(202)
        .send(await sendTestWebhook(req.ctx, req.params.relationshipId, req.params.endpointId)),
  );
  app.get(
    "/relationships/:relationshipId/webhooks/:endpointId/deliveries",
    {
      schema: {
        tags,
        summary: "The endpoint's deliveries, newest first, with every attempt and the receiver's status code",
        params: S.EndpointParams,
        querystring: S.DeliveriesQuery,
        response: { 200: z.object({ items: z.array(S.Delivery), nextBefore: isoTime.nullable() }) },
        "x-access": access,
      },
    },
    async (req) => {
      const page = await listWebhookDeliveries(
        req.ctx,
        req.params.relationshipId,
        req.params.endpointId,
        req.query,
      );
      return {
        nextBefore: page.nextBefore,
        items: page.items.map((d) => ({
          ...d,
          nextAttemptAt: isoOrNull(d.nextAttemptAt),
          deliveredAt: isoOrNull(d.deliveredAt),
          createdAt: iso(d.createdAt),
          log: d.log.map((a) => ({ ...a, startedAt: iso(a.startedAt), finishedAt: isoOrNull(a.finishedAt) })),
        })),
      };
    },
  );
}
