import { and, asc, desc, eq, gt, inArray, isNull, lt, ne } from "drizzle-orm";
import { appendEvent } from "../../core/events/events.ts";
import { eventActor, type ServiceContext, withTransaction } from "../../core/http/context.ts";
import { AppError, forbidden, notFound } from "../../core/http/errors.ts";
import { memberships, relationships, users } from "../identity/identity.tables.ts";
import type { RelationshipViewer } from "../identity/identity.policy.ts";
import { getRelationshipForViewer } from "../identity/relationships.service.ts";
import { newSecret, sha256 } from "../identity/passwords.ts";
import { loadActiveProtocol } from "../protocol/protocol.service.ts";
import { renderChangeFeed } from "./changes.ics.ts";
import { blackoutsBetween, windowsBetween } from "./changes.plan.ts";
import { actionRefusals, mayAttempt } from "./changes.policy.ts";
import { messageDomain } from "../../core/notify/email.ts";
import { calendarChange } from "./changes.service.ts";
import { calendarFeeds, changes, userGroupMembers, userGroups } from "./changes.tables.ts";

/**
 * The change calendar: what the web app's month and week views show, the secret iCalendar
 * subscription feeds, and the user groups whose members get plain-language notices.
 */

const DAY = 86_400_000;
const MAX_RANGE = 400 * DAY;

function rangeOf(from: string, to: string): [number, number] {
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (!(b > a))
    throw new AppError("validation_failed", "The range ends after it starts.", {
      errors: [{ path: "query.to", message: "must be after from" }],
    });
  if (b - a > MAX_RANGE)
    throw new AppError("validation_failed", "Ask for at most 400 days at once.", {
      errors: [{ path: "query.to", message: "must be at most 400 days after from" }],
    });
  return [a, b];
}

/** Changes (not drafts), maintenance windows and blackouts overlapping [from, to). */
export async function getChangeCalendar(
  ctx: ServiceContext,
  relationshipId: string,
  q: { from: string; to: string },
) {
  await getRelationshipForViewer(ctx, relationshipId);
  const [from, to] = rangeOf(q.from, q.to);
  const active = await loadActiveProtocol(ctx.db, relationshipId);
  const rows = await ctx.db
    .select()
    .from(changes)
    .where(
      and(
        eq(changes.relationshipId, relationshipId),
        ne(changes.state, "draft"),
        lt(changes.plannedStart, new Date(to)),
        gt(changes.plannedEnd, new Date(from)),
      ),
    )
    .orderBy(asc(changes.plannedStart))
    .limit(2_000);
  const items = rows.map((c) => {
    const shown = calendarChange(c, ctx.publicUrl);
    return {
      kind: "change" as const,
      id: c.id,
      title: `CHG-${c.number} ${c.title}`,
      start: new Date(shown.start).toISOString(),
      end: new Date(shown.end).toISOString(),
      changeId: c.id,
      number: c.number,
      class: c.class,
      state: c.state,
      note: c.affectedSystems.join(", ") || null,
    };
  });
  const periods = active
    ? [
        ...windowsBetween(active.protocol, from, to).map((w) => ({
          kind: "window" as const,
          id: `window:${w.name}:${w.start}`,
          title: w.name,
          start: new Date(w.start).toISOString(),
          end: new Date(w.end).toISOString(),
          changeId: null,
          number: null,
          class: null,
          state: null,
          note: w.systems.length ? `For ${w.systems.join(", ")}` : null,
        })),
        ...blackoutsBetween(active.protocol, from, to).map((b) => ({
          kind: "blackout" as const,
          id: `blackout:${b.name}:${b.start}`,
          title: b.name,
          start: new Date(b.start).toISOString(),
          end: new Date(b.end).toISOString(),
          changeId: null,
          number: null,
          class: null,
          state: null,
          note: b.reason,
        })),
      ]
    : [];
  return { timezone: active?.protocol.timezone ?? "UTC", items: [...items, ...periods] };
}

// ---------------------------------------------------------------------------------------------
// Subscription feeds

const FEED_BACK = 90 * DAY;
const FEED_AHEAD = 365 * DAY;

const presentFeed = (
  f: typeof calendarFeeds.$inferSelect,
  createdByName: string | null,
  canRevoke: boolean,
) => ({
  id: f.id,
  label: f.label,
  createdAt: f.createdAt.toISOString(),
  createdByName,
  lastFetchedAt: f.lastFetchedAt?.toISOString() ?? null,
  revokedAt: f.revokedAt?.toISOString() ?? null,
  canRevoke: canRevoke && !f.revokedAt,
});

/** Who may revoke a feed: the person who made it, or the relationship's leads on either side. */
const mayRevoke = (ctx: ServiceContext, viewer: RelationshipViewer, f: typeof calendarFeeds.$inferSelect) =>
  (ctx.actor?.type === "user" && f.createdById === ctx.actor.userId) ||
  ["executive", "it_contact", "account_manager"].includes(viewer.role);

export async function listFeeds(ctx: ServiceContext, relationshipId: string) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  const rows = await ctx.db
    .select({ feed: calendarFeeds, by: users.name })
    .from(calendarFeeds)
    .leftJoin(users, eq(users.id, calendarFeeds.createdById))
    .where(eq(calendarFeeds.relationshipId, relationshipId))
    .orderBy(desc(calendarFeeds.createdAt));
  return { items: rows.map((r) => presentFeed(r.feed, r.by, mayRevoke(ctx, viewer, r.feed))) };
}

/** Creates a secret subscription URL; only its hash is kept, so the URL is shown once. */
export async function createFeed(ctx: ServiceContext, relationshipId: string, input: { label: string }) {
  await getRelationshipForViewer(ctx, relationshipId);
  return withTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const token = newSecret(24);
    const actor = tx.actor!;
    const [feed] = await tx.db
      .insert(calendarFeeds)
      .values({
        relationshipId,
        label: input.label,
        tokenHash: sha256(token),
        createdById: actor.type === "user" ? actor.userId : null,
        createdAt: new Date(now),
      })
      .returning();
    await appendEvent(tx.db, {
      scope: "relationship",
      chain: relationshipId,
      relationshipId,
      actor: eventActor(actor),
      action: "calendar_feed.created",
      subject: { type: "calendar_feed", id: feed!.id, label: feed!.label },
      after: { label: feed!.label },
      requestId: tx.requestId,
      occurredAt: now,
    });
    return {
      ...presentFeed(feed!, actor.type === "user" ? actor.name : null, true),
      url: `${tx.publicUrl}/api/v1/calendar/${token}.ics`,
    };
  });
}

/** Revokes a feed: its URL answers 404 from now on. The creator or the relationship's leads may. */
export async function revokeFeed(ctx: ServiceContext, relationshipId: string, feedId: string) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  return withTransaction(ctx, async (tx) => {
    const [feed] = await tx.db
      .select()
      .from(calendarFeeds)
      .where(and(eq(calendarFeeds.relationshipId, relationshipId), eq(calendarFeeds.id, feedId)))
      .for("update");
    if (!feed) throw notFound("calendar feed");
    const actor = tx.actor!;
    if (!mayRevoke(tx, viewer, feed))
      throw forbidden(
        "A feed is revoked by the person who made it, or by an IT contact, executive or account manager.",
      );
    if (feed.revokedAt) return presentFeed(feed, null, false);
    const now = tx.clock.now();
    const [revoked] = await tx.db
      .update(calendarFeeds)
      .set({ revokedAt: new Date(now) })
      .where(eq(calendarFeeds.id, feed.id))
      .returning();
    await appendEvent(tx.db, {
      scope: "relationship",
      chain: relationshipId,
      relationshipId,
      actor: eventActor(actor),
      action: "calendar_feed.revoked",
      subject: { type: "calendar_feed", id: feed.id, label: feed.label },
      requestId: tx.requestId,
      occurredAt: now,
    });
    return presentFeed(revoked!, null, false);
  });
}

/** The feed behind a secret URL, rendered; null for unknown or revoked tokens (404). */
export async function renderFeed(ctx: ServiceContext, token: string): Promise<string | null> {
  const [feed] = await ctx.db
    .select({ feed: calendarFeeds, name: relationships.name })
    .from(calendarFeeds)
    .innerJoin(relationships, eq(relationships.id, calendarFeeds.relationshipId))
    .where(and(eq(calendarFeeds.tokenHash, sha256(token)), isNull(calendarFeeds.revokedAt)));
  if (!feed) return null;
  const relationshipId = feed.feed.relationshipId;
  const now = ctx.clock.now();
  const active = await loadActiveProtocol(ctx.db, relationshipId);
  const timezone = active?.protocol.timezone ?? "UTC";
  const from = now - FEED_BACK;
  const to = now + FEED_AHEAD;
  const rows = await ctx.db
    .select()
    .from(changes)
    .where(
      and(
        eq(changes.relationshipId, relationshipId),
        ne(changes.state, "draft"),
        lt(changes.plannedStart, new Date(to)),
        gt(changes.plannedEnd, new Date(from)),
      ),
    )
    .orderBy(asc(changes.plannedStart))
    .limit(5_000);
  // Fetches are not audited (they change nothing); the time is kept so people can spot unused feeds.
  await ctx.db
    .update(calendarFeeds)
    .set({ lastFetchedAt: new Date(now) })
    .where(eq(calendarFeeds.id, feed.feed.id));
  return renderChangeFeed({
    name: feed.name,
    timezone,
    domain: messageDomain(ctx.publicUrl),
    changes: rows.map((c) => calendarChange(c, ctx.publicUrl)),
    windows: active
      ? windowsBetween(active.protocol, from, to).map((w) => ({
          name: w.name,
          start: w.start,
          end: w.end,
          note: w.systems.length ? `For ${w.systems.join(", ")}` : null,
        }))
      : [],
    blackouts: active
      ? blackoutsBetween(active.protocol, from, to).map((b) => ({
          name: b.name,
          start: b.start,
          end: b.end,
          note: b.reason,
        }))
      : [],
    now,
  });
}

// ---------------------------------------------------------------------------------------------
// User groups

async function groupsWithMembers(ctx: ServiceContext, relationshipId: string, ids?: string[]) {
  const groups = await ctx.db
    .select()
    .from(userGroups)
    .where(
      and(
        eq(userGroups.relationshipId, relationshipId),
        isNull(userGroups.archivedAt),
        ...(ids ? [inArray(userGroups.id, ids)] : []),
      ),
    )
    .orderBy(asc(userGroups.name));
  const members = groups.length
    ? await ctx.db
        .select({ groupId: userGroupMembers.groupId, id: users.id, name: users.name, email: users.email })
        .from(userGroupMembers)
        .innerJoin(users, eq(users.id, userGroupMembers.userId))
        .where(
          and(
            eq(userGroupMembers.relationshipId, relationshipId),
            inArray(
              userGroupMembers.groupId,
              groups.map((g) => g.id),
            ),
          ),
        )
        .orderBy(asc(users.name))
    : [];
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    description: g.description,
    members: members.filter((m) => m.groupId === g.id).map(({ id, name, email }) => ({ id, name, email })),
  }));
}

export async function listGroups(ctx: ServiceContext, relationshipId: string) {
  await getRelationshipForViewer(ctx, relationshipId);
  return { items: await groupsWithMembers(ctx, relationshipId) };
}

interface GroupInput {
  name?: string;
  description?: string;
  memberIds?: string[];
}

/** Members must be people of the relationship's client organization (400 naming the one that is not). */
async function checkMembers(ctx: ServiceContext, clientOrgId: string, ids: string[]) {
  if (!ids.length) return;
  const found = await ctx.db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, clientOrgId), inArray(memberships.userId, ids)));
  const known = new Set(found.map((f) => f.userId));
  const i = ids.findIndex((id) => !known.has(id));
  if (i >= 0)
    throw new AppError("validation_failed", "Group members are people of the client organization.", {
      errors: [{ path: `body.memberIds.${i}`, message: "is not a person of the client organization" }],
    });
}

async function setMembers(ctx: ServiceContext, relationshipId: string, groupId: string, ids: string[]) {
  await ctx.db.delete(userGroupMembers).where(eq(userGroupMembers.groupId, groupId));
  if (ids.length)
    await ctx.db
      .insert(userGroupMembers)
      .values([...new Set(ids)].map((userId) => ({ groupId, userId, relationshipId })));
}

function duplicateName(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e.code === "23505" || e.cause?.code === "23505";
}

const nameTaken = (name: string) =>
  new AppError("validation_failed", `A group named “${name}” exists already.`, {
    errors: [{ path: "body.name", message: "is taken by another group; choose another name" }],
  });

export async function createGroup(
  ctx: ServiceContext,
  relationshipId: string,
  input: Required<Pick<GroupInput, "name">> & GroupInput,
) {
  const { row: rel, viewer } = await getRelationshipForViewer(ctx, relationshipId);
  if (!mayAttempt(viewer, "manageGroups")) throw forbidden(actionRefusals.manageGroups);
  const ids = [...new Set(input.memberIds ?? [])];
  try {
    return await withTransaction(ctx, async (tx) => {
      await checkMembers(tx, rel.clientOrgId, ids);
      const now = tx.clock.now();
      const [group] = await tx.db
        .insert(userGroups)
        .values({
          relationshipId,
          name: input.name,
          description: input.description ?? "",
          createdAt: new Date(now),
        })
        .returning();
      await setMembers(tx, relationshipId, group!.id, ids);
      await appendEvent(tx.db, {
        scope: "relationship",
        chain: relationshipId,
        relationshipId,
        actor: eventActor(tx.actor),
        action: "user_group.created",
        subject: { type: "user_group", id: group!.id, label: group!.name },
        after: { name: group!.name, members: ids.length },
        requestId: tx.requestId,
        occurredAt: now,
      });
      return (await groupsWithMembers(tx, relationshipId, [group!.id]))[0]!;
    });
  } catch (err) {
    if (duplicateName(err)) throw nameTaken(input.name);
    throw err;
  }
}

export async function updateGroup(
  ctx: ServiceContext,
  relationshipId: string,
  groupId: string,
  input: GroupInput,
) {
  const { row: rel, viewer } = await getRelationshipForViewer(ctx, relationshipId);
  if (!mayAttempt(viewer, "manageGroups")) throw forbidden(actionRefusals.manageGroups);
  try {
    return await withTransaction(ctx, async (tx) => {
      const [group] = await tx.db
        .select()
        .from(userGroups)
        .where(
          and(
            eq(userGroups.relationshipId, relationshipId),
            eq(userGroups.id, groupId),
            isNull(userGroups.archivedAt),
          ),
        )
        .for("update");
      if (!group) throw notFound("user group");
      const now = tx.clock.now();
      const before = (await groupsWithMembers(tx, relationshipId, [groupId]))[0]!;
      if (input.name !== undefined || input.description !== undefined)
        await tx.db
          .update(userGroups)
          .set({ name: input.name ?? group.name, description: input.description ?? group.description })
          .where(eq(userGroups.id, groupId));
      if (input.memberIds) {
        await checkMembers(tx, rel.clientOrgId, input.memberIds);
        await setMembers(tx, relationshipId, groupId, input.memberIds);
      }
      const after = (await groupsWithMembers(tx, relationshipId, [groupId]))[0]!;
      await appendEvent(tx.db, {
        scope: "relationship",
        chain: relationshipId,
        relationshipId,
        actor: eventActor(tx.actor),
        action: "user_group.updated",
        subject: { type: "user_group", id: groupId, label: after.name },
        before: { name: before.name, members: before.members.length },
        after: { name: after.name, members: after.members.length },
        requestId: tx.requestId,
        occurredAt: now,
      });
      return after;
    });
  } catch (err) {
    if (duplicateName(err)) throw nameTaken(input.name ?? "");
    throw err;
  }
}

/** Archives a group: changes that named it keep the name in their history, and no one new is notified through it. */
export async function archiveGroup(ctx: ServiceContext, relationshipId: string, groupId: string) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  if (!mayAttempt(viewer, "manageGroups")) throw forbidden(actionRefusals.manageGroups);
  return withTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const [group] = await tx.db
      .update(userGroups)
      .set({ archivedAt: new Date(now) })
      .where(
        and(
          eq(userGroups.relationshipId, relationshipId),
          eq(userGroups.id, groupId),
          isNull(userGroups.archivedAt),
        ),
      )
      .returning();
    if (!group) throw notFound("user group");
    await appendEvent(tx.db, {
      scope: "relationship",
      chain: relationshipId,
      relationshipId,
      actor: eventActor(tx.actor),
      action: "user_group.archived",
      subject: { type: "user_group", id: groupId, label: group.name },
      requestId: tx.requestId,
      occurredAt: now,
    });
  });
}
