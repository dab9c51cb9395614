import { z } from "zod";
import type { RouteApp } from "../../app.ts";
import { iso, isoOrNull, isoTime, uuidParam } from "../../modules/identity/identity.schema.ts";
import { listNotifications, markNotificationsRead } from "./notify.ts";

const Notification = z
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

/** The signed-in person's in-app notifications. */
export function registerNotificationRoutes(app: RouteApp): void {
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
        response: { 200: z.object({ items: z.array(Notification), unread: z.number().int() }) },
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
}
