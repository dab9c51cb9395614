import { randomUUID } from "node:crypto";
import { and, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { requireActor, type ServiceContext } from "../http/context.ts";
import { AppError, notFound } from "../http/errors.ts";
import { queueNames } from "../jobs/jobs.ts";
import { memberships, users } from "../../modules/identity/identity.tables.ts";
import type { Role } from "../http/actor.ts";
import {
  absoluteUrl,
  type EmailPayload,
  messageDomain,
  messageIdFor,
  renderNotificationEmail,
} from "./email.ts";
import { matchesEventTypes } from "./kinds.ts";
import {
  digestItems,
  emailThreads,
  notificationPreferences,
  notifications,
  notificationSettings,
  outbox,
  webhookEndpoints,
} from "./notify.tables.ts";
import {
  defaultDeliverySettings,
  type DeliverySettings,
  digestDueAt,
  firstAttemptAt,
  goesToDigest,
  MAX_ATTEMPTS,
  type Severity,
} from "./schedule.ts";

/**
 * The notification core. Callers notify inside the transaction of the event that caused it:
 * in-app rows, one outbox row per email and per webhook call, and live pings are all written
 * there, so they exist exactly when the event does. Nothing is sent from the transaction — the
 * worker delivers outbox rows after commit (deliver.ts), at least once, with the outbox id as the
 * idempotency key. A failing channel therefore never blocks or undoes an event.
 */
export interface NewNotification {
  relationshipId: string | null;
  /** Dotted event type, e.g. `ticket.breached`, `protocol.proposed`. */
  kind: string;
  subject: string;
  /** Plain text; the HTML email is rendered from it (escaped) with a button to `link`. */
  body: string;
  /** Path inside the web app, e.g. `/r/<relId>/tickets/<id>`. */
  link?: string | null;
  data?: Record<string, unknown> | null;
  /** Critical and emergency ignore quiet hours; low may be collected into a digest. */
  severity?: Severity | null;
  /** Email conversation: every message with the same key lands in one thread. */
  thread?: { key: string; subject: string } | null;
  /** An iCalendar invitation (METHOD REQUEST or CANCEL) carried by the email as text/calendar. */
  calendar?: CalendarInvite | null;
  /**
   * A page (an emergency): every channel regardless of the person's choices for the kind, no
   * quiet hours, no digest, and the email also goes to each person's confirmed extra addresses
   * (`addresses`, by user id). `onlyAddresses` leaves out the account address (a code that
   * proves a new address works must reach that address alone).
   */
  page?: { addresses: Record<string, string[]>; onlyAddresses?: boolean } | null;
}

/** An invitation: calendar clients offer to add, update or remove the event it carries. */
export interface CalendarInvite {
  method: "REQUEST" | "CANCEL" | "PUBLISH";
  /** The whole VCALENDAR text, with the same METHOD. */
  content: string;
}

/** The NOTIFY channel of live pings (see live.ts). */
export const LIVE_CHANNEL = "liaison_live";

/** What travels on LIVE_CHANNEL. Small: PostgreSQL caps a payload at 8000 bytes. */
export type LiveMessage =
  | { t: "n"; u: string[]; r: string | null; k: string }
  | { t: "p"; r: string; topic: string; id: string | null };

/** Recipients per NOTIFY payload: 150 ids stay well under the 8000-byte limit. */
const USERS_PER_PING = 150;

async function sendLive(db: Db, message: LiveMessage): Promise<void> {
  await db.execute(sql`select pg_notify(${LIVE_CHANNEL}, ${JSON.stringify(message)})`);
}

/** Where people change their notification settings (linked from every email). */
export const preferencesUrl = (publicUrl: string) => `${publicUrl}/settings/notifications`;

/** Per person: their settings, or the defaults. */
export async function loadDeliverySettings(
  db: Db,
  userIds: string[],
): Promise<Map<string, DeliverySettings>> {
  const out = new Map<string, DeliverySettings>();
  if (!userIds.length) return out;
  const rows = await db
    .select()
    .from(notificationSettings)
    .where(inArray(notificationSettings.userId, userIds));
  for (const r of rows) {
    out.set(r.userId, {
      timeZone: r.timeZone,
      quietStart: r.quietStart,
      quietEnd: r.quietEnd,
      digest: r.digest,
      dailyDigestAt: r.dailyDigestAt,
    });
  }
  return out;
}

/**
 * Notifies people of an event, in the caller's transaction (`ctx.db` is the transaction): an
 * in-app notification and an email per each person's preferences for `n.kind` (both on unless
 * turned off). Emails wait out quiet hours unless critical or emergency; low-severity emails go
 * to the digest of people who chose one. Wakes delivery through `ctx.jobs` (when present;
 * otherwise the worker's sweep finds the rows) and pings the recipients' live streams, both
 * effective only if the transaction commits. Recipients are deduplicated; disabled accounts are
 * skipped. Returns how many people were notified on at least one channel.
 */
export async function notifyUsers(
  ctx: ServiceContext,
  userIds: Iterable<string>,
  n: NewNotification,
): Promise<number> {
  const unique = [...new Set(userIds)];
  if (!unique.length) return 0;
  const now = ctx.clock.now();
  const db = ctx.db;
  const people = await db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(and(inArray(users.id, unique), isNull(users.disabledAt)));
  if (!people.length) return 0;
  const ids = people.map((p) => p.id);
  const prefs = await db
    .select()
    .from(notificationPreferences)
    .where(and(inArray(notificationPreferences.userId, ids), eq(notificationPreferences.kind, n.kind)));
  const off = n.page
    ? new Set<string>()
    : new Set(prefs.filter((p) => !p.enabled).map((p) => `${p.userId}:${p.channel}`));
  const severity = n.page ? "emergency" : n.severity;
  const settings = await loadDeliverySettings(db, ids);

  // A code that proves an address works goes to that address alone, not into the app.
  const inApp = n.page?.onlyAddresses ? [] : people.filter((p) => !off.has(`${p.id}:in_app`));
  const byEmail = people.filter((p) => !off.has(`${p.id}:email`));
  const createdAt = new Date(now);
  const url = absoluteUrl(ctx.publicUrl, n.link);

  if (inApp.length) {
    await db.insert(notifications).values(
      inApp.map((p) => ({
        userId: p.id,
        relationshipId: n.relationshipId,
        kind: n.kind,
        subject: n.subject,
        body: n.body,
        link: n.link ?? null,
        data: n.data ?? null,
        createdAt,
      })),
    );
  }

  const digested = byEmail.filter((p) =>
    goesToDigest(severity, settings.get(p.id) ?? defaultDeliverySettings),
  );
  const direct = byEmail.filter((p) => !digested.includes(p));

  if (digested.length) {
    await db.insert(digestItems).values(
      digested.map((p) => ({
        userId: p.id,
        relationshipId: n.relationshipId,
        kind: n.kind,
        subject: n.subject,
        body: n.body,
        url,
        createdAt,
      })),
    );
    for (const p of digested) {
      const due = digestDueAt(now, settings.get(p.id)!);
      await ctx.jobs?.send(
        db,
        queueNames.digest,
        { userId: p.id },
        {
          startAfter: new Date(due),
          singletonKey: `${p.id}:${due}`,
        },
      );
    }
  }

  if (direct.length) {
    const domain = messageDomain(ctx.publicUrl);
    const messages = direct.flatMap((p) => [
      ...(n.page?.onlyAddresses ? [] : [{ person: p, id: randomUUID() }]),
      ...(n.page?.addresses[p.id] ?? [])
        .filter((a) => a.toLowerCase() !== p.email.toLowerCase())
        .map((address) => ({ person: { ...p, email: address }, id: randomUUID() })),
    ]);
    // The first message of a thread to a person is the thread's root; later ones answer it.
    const roots = new Map<string, string>();
    const firsts = new Set<string>();
    if (n.thread) {
      const created = await db
        .insert(emailThreads)
        .values(
          messages.map((m) => ({
            userId: m.person.id,
            threadKey: n.thread!.key,
            rootMessageId: messageIdFor(m.id, domain),
            createdAt,
          })),
        )
        .onConflictDoNothing()
        .returning({ userId: emailThreads.userId });
      for (const c of created) firsts.add(c.userId);
      const existing = await db
        .select({ userId: emailThreads.userId, root: emailThreads.rootMessageId })
        .from(emailThreads)
        .where(
          and(
            inArray(
              emailThreads.userId,
              messages.map((m) => m.person.id),
            ),
            eq(emailThreads.threadKey, n.thread.key),
          ),
        );
      for (const e of existing) roots.set(e.userId, e.root);
    }
    const { text, html } = renderNotificationEmail({
      heading: n.subject,
      body: n.body,
      url,
      preferencesUrl: preferencesUrl(ctx.publicUrl),
    });
    const rows = messages.map(({ person, id }) => {
      const first = !n.thread || firsts.has(person.id);
      const root = n.thread && !first ? (roots.get(person.id) ?? null) : null;
      const payload: EmailPayload = {
        to: { name: person.name, address: person.email },
        subject: n.thread ? (first ? n.thread.subject : `Re: ${n.thread.subject}`) : n.subject,
        text,
        html,
        messageId: messageIdFor(id, domain),
        inReplyTo: root,
        references: root ? [root] : [],
        ...(n.calendar ? { calendar: n.calendar } : {}),
      };
      return {
        id,
        relationshipId: n.relationshipId,
        channel: "email" as const,
        kind: n.kind,
        userId: person.id,
        payload,
        maxAttempts: MAX_ATTEMPTS,
        nextAttemptAt: new Date(
          firstAttemptAt(now, settings.get(person.id) ?? defaultDeliverySettings, severity),
        ),
        createdAt,
      };
    });
    await db.insert(outbox).values(rows);
    for (const row of rows) await wakeDelivery(ctx, row.id, row.nextAttemptAt);
  }

  for (let i = 0; i < inApp.length; i += USERS_PER_PING) {
    await sendLive(db, {
      t: "n",
      u: inApp.slice(i, i + USERS_PER_PING).map((p) => p.id),
      r: n.relationshipId,
      k: n.kind,
    });
  }
  return new Set([...inApp, ...byEmail].map((p) => p.id)).size;
}

/** Queues the job that delivers one outbox row when it is due (in the caller's transaction). */
async function wakeDelivery(ctx: ServiceContext, outboxId: string, at: Date): Promise<void> {
  await ctx.jobs?.send(ctx.db, queueNames.deliver, { outboxId }, { singletonKey: outboxId, startAfter: at });
}

type EndpointRow = typeof webhookEndpoints.$inferSelect;

/**
 * Queues one signed delivery of an event to one endpoint: the body is fixed now (every retry
 * signs the same bytes), the signature is made per attempt. Standard Webhooks payload shape:
 * `{ type, timestamp, data }`.
 */
export async function queueWebhook(
  ctx: ServiceContext,
  endpoint: Pick<EndpointRow, "id" | "relationshipId">,
  type: string,
  data: Record<string, unknown>,
): Promise<string> {
  const now = ctx.clock.now();
  const id = randomUUID();
  const body = JSON.stringify({ type, timestamp: new Date(now).toISOString(), data });
  await ctx.db.insert(outbox).values({
    id,
    relationshipId: endpoint.relationshipId,
    channel: "webhook",
    kind: type,
    endpointId: endpoint.id,
    payload: { body },
    maxAttempts: MAX_ATTEMPTS,
    nextAttemptAt: new Date(now),
    createdAt: new Date(now),
  });
  await wakeDelivery(ctx, id, new Date(now));
  return id;
}

/**
 * Queues a signed webhook delivery of `type` to every enabled endpoint of the relationship that
 * subscribes to it — the client's and the provider's alike — in the caller's transaction.
 * `data` gets the relationship id added. Returns how many deliveries were queued.
 */
export async function emitWebhookEvent(
  ctx: ServiceContext,
  relationshipId: string,
  type: string,
  data: Record<string, unknown>,
): Promise<number> {
  const endpoints = await ctx.db
    .select({
      id: webhookEndpoints.id,
      relationshipId: webhookEndpoints.relationshipId,
      types: webhookEndpoints.eventTypes,
    })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.relationshipId, relationshipId),
        eq(webhookEndpoints.enabled, true),
        isNull(webhookEndpoints.deletedAt),
      ),
    );
  let queued = 0;
  for (const e of endpoints) {
    if (!matchesEventTypes(e.types, type)) continue;
    await queueWebhook(ctx, e, type, { relationshipId, ...data });
    queued++;
  }
  return queued;
}

const TOPIC = /^[a-z][a-z0-9_.-]{0,63}$/;

/**
 * Tells the live streams of everyone party to the relationship that `topic` changed (the web app
 * refetches what it shows of it). Sent with NOTIFY in the caller's transaction, so it is delivered
 * only if the transaction commits. Carries no content: the browser refetches through the API,
 * which applies the usual access rules.
 */
export async function publishLive(
  ctx: ServiceContext,
  msg: { relationshipId: string; topic: string; id?: string },
): Promise<void> {
  if (!TOPIC.test(msg.topic)) throw new Error(`invalid live topic ${JSON.stringify(msg.topic)}`);
  await sendLive(ctx.db, { t: "p", r: msg.relationshipId, topic: msg.topic, id: msg.id ?? null });
}

/** Same, for code that holds a database handle rather than a service context (the worker). */
export async function publishLiveFrom(
  db: Db,
  msg: { relationshipId: string; topic: string; id?: string },
): Promise<void> {
  await sendLive(db, { t: "p", r: msg.relationshipId, topic: msg.topic, id: msg.id ?? null });
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
