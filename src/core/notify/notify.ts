import { and, desc, eq, inArray, isNull, lt } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { requireActor, type ServiceContext } from "../http/context.ts";
import { AppError, notFound } from "../http/errors.ts";
import { memberships } from "../../modules/identity/identity.tables.ts";
import type { Role } from "../http/actor.ts";
import { notifications } from "./notify.tables.ts";

/**
 * The notification core. Callers write notifications inside the transaction of the event that
 * caused them, so a notification exists exactly when its event does. In-app delivery reads these
 * rows; email and webhook channels will deliver from the same rows.
 */
export interface NewNotification {
  relationshipId: string | null;
  kind: string;
  subject: string;
  body: string;
  link?: string | null;
  data?: Record<string, unknown> | null;
}

/** Queues one notification per recipient (deduplicated) in the caller's transaction. */
export async function notifyUsers(
  tx: Db,
  userIds: Iterable<string>,
  n: NewNotification,
  now: number,
): Promise<number> {
  const unique = [...new Set(userIds)];
  if (!unique.length) return 0;
  await tx.insert(notifications).values(
    unique.map((userId) => ({
      userId,
      relationshipId: n.relationshipId,
      kind: n.kind,
      subject: n.subject,
      body: n.body,
      link: n.link ?? null,
      data: n.data ?? null,
      createdAt: new Date(now),
    })),
  );
  return unique.length;
}

/** The people of some organizations who hold one of `roles` (all people when roles is omitted). */
export async function membersWithRoles(tx: Db, orgIds: string[], roles?: readonly Role[]): Promise<string[]> {
  const rows = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(
      roles
        ? and(inArray(memberships.orgId, orgIds), inArray(memberships.role, [...roles]))
        : inArray(memberships.orgId, orgIds),
    );
  return rows.map((r) => r.userId);
}

/** The signed-in person's notifications, newest first. */
export async function listNotifications(
  ctx: ServiceContext,
  query: { unread?: boolean; before?: string; limit?: number },
) {
  requireActor(ctx);
  const actor = ctx.actor;
  if (actor.type !== "user") return { items: [], unread: 0 };
  const limit = Math.min(query.limit ?? 30, 100);
  const conditions = [eq(notifications.userId, actor.userId)];
  if (query.unread) conditions.push(isNull(notifications.readAt));
  if (query.before) conditions.push(lt(notifications.createdAt, new Date(query.before)));
  const items = await ctx.db
    .select()
    .from(notifications)
    .where(and(...conditions))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit);
  const unread = await ctx.db.$count(
    notifications,
    and(eq(notifications.userId, actor.userId), isNull(notifications.readAt)),
  );
  return { items, unread };
}

/** Marks one notification (or, with id null, all of them) read. Someone else's answers 404. */
export async function markNotificationsRead(ctx: ServiceContext, id: string | null): Promise<number> {
  requireActor(ctx);
  const actor = ctx.actor;
  if (actor.type !== "user") throw new AppError("forbidden", "API tokens have no notifications.");
  const now = new Date(ctx.clock.now());
  const where = id
    ? and(eq(notifications.userId, actor.userId), eq(notifications.id, id))
    : and(eq(notifications.userId, actor.userId), isNull(notifications.readAt));
  const rows = await ctx.db
    .update(notifications)
    .set({ readAt: now })
    .where(where)
    .returning({ id: notifications.id });
  if (id && !rows.length) throw notFound("notification");
  return rows.length;
}
