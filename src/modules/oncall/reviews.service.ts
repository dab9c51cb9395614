/**
 * Post-incident reviews. One opens by itself when an emergency or a critical ticket resolves,
 * due within the protocol's time. Its timeline is assembled from the audit events of the ticket
 * and the emergency (declared, paged, acknowledged, actions, updates, resolved) with the time
 * between them; people write what happened, what went well and what could be better, and add
 * prevention actions with one owner and a due date, tracked until done. Overdue reviews and
 * actions are reported once to both sides. A review is finished when both sides signed it off;
 * an edit after a sign-off clears the sign-offs, so a signature always covers the text it saw.
 */
import { and, asc, desc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { appendEvent, type EventActor } from "../../core/events/events.ts";
import { events } from "../../core/events/events.tables.ts";
import { eventActor, type ServiceContext, withTransaction } from "../../core/http/context.ts";
import { AppError, forbidden, notFound } from "../../core/http/errors.ts";
import { queueNames } from "../../core/jobs/jobs.ts";
import { emitWebhookEvent, notifyUsers, publishLive } from "../../core/notify/notify.ts";
import { dueDateOf } from "../../core/time/intervals.ts";
import { memberships, organizations, relationships, users } from "../identity/identity.tables.ts";
import type { RelationshipViewer } from "../identity/identity.policy.ts";
import { getRelationshipForViewer } from "../identity/relationships.service.ts";
import { loadActiveProtocol, requireActiveProtocol } from "../protocol/protocol.service.ts";
import { computeAfter } from "../tickets/tickets.service.ts";
import { ticketEntries, tickets } from "../tickets/tickets.tables.ts";
import { emergencyRefusals, mayAttempt } from "./oncall.policy.ts";
import { bothSidesLeads, iso, nextOncallNumber, type Parties, partiesOf } from "./oncall.shared.ts";
import { emergencies, incidentReviews, reviewActions } from "./oncall.tables.ts";
import {
  renderReviewMarkdown,
  renderReviewPdf,
  type ReviewDocument,
  reviewFileName,
} from "./reviews.export.ts";

type ReviewRow = typeof incidentReviews.$inferSelect;
type ActionRow = typeof reviewActions.$inferSelect;
type TicketRow = typeof tickets.$inferSelect;
type EmergencyRow = typeof emergencies.$inferSelect;

const SYSTEM: EventActor = { type: "system", id: null, name: "Liaison" };

const label = (r: Pick<ReviewRow, "number" | "title">) => `PIR-${r.number} ${r.title}`;
const link = (r: Pick<ReviewRow, "relationshipId" | "id">) => `/r/${r.relationshipId}/reviews/${r.id}`;
const actorUserId = (ctx: ServiceContext) => (ctx.actor?.type === "user" ? ctx.actor.userId : null);

function fieldErrors(summary: string, errors: Array<{ path: string; message: string }>): AppError {
  return new AppError("validation_failed", summary, { errors });
}

async function record(
  ctx: ServiceContext,
  r: ReviewRow,
  actor: EventActor,
  action: string,
  detail: { before?: Record<string, unknown> | null; after?: Record<string, unknown> | null },
  now: number,
) {
  await emitWebhookEvent(ctx, r.relationshipId, action, {
    review: {
      id: r.id,
      number: r.number,
      title: r.title,
      state: r.state,
      dueAt: iso(r.dueAt),
      ticketId: r.ticketId,
    },
    ...detail.after,
  });
  await publishLive(ctx, { relationshipId: r.relationshipId, topic: "reviews", id: r.id });
  await appendEvent(ctx.db, {
    scope: "relationship",
    chain: r.relationshipId,
    relationshipId: r.relationshipId,
    actor,
    action,
    subject: { type: "incident_review", id: r.id, label: label(r) },
    before: detail.before ?? null,
    after: detail.after ?? null,
    requestId: ctx.requestId,
    occurredAt: now,
  });
}

/**
 * Points the review's next check at its deadline (until reported overdue) or the earliest open
 * action not yet reported overdue, and queues the wake-up.
 */
async function syncTimer(ctx: ServiceContext, reviewId: string): Promise<void> {
  const [r] = await ctx.db.select().from(incidentReviews).where(eq(incidentReviews.id, reviewId));
  if (!r) return;
  const candidates: number[] = [];
  if (r.state === "open" && !r.overdueNotifiedAt) candidates.push(r.dueAt.getTime());
  const [a] = await ctx.db
    .select({ dueAt: sql<Date>`min(${reviewActions.dueAt})`.mapWith(reviewActions.dueAt) })
    .from(reviewActions)
    .where(
      and(
        eq(reviewActions.reviewId, r.id),
        isNull(reviewActions.doneAt),
        isNull(reviewActions.overdueNotifiedAt),
      ),
    );
  if (a?.dueAt) candidates.push(a.dueAt.getTime());
  const next = candidates.length ? Math.min(...candidates) : null;
  if (next === (r.nextCheckAt?.getTime() ?? null)) return;
  await ctx.db
    .update(incidentReviews)
    .set({ nextCheckAt: next === null ? null : new Date(next) })
    .where(eq(incidentReviews.id, r.id));
  if (next !== null)
    await ctx.jobs?.send(
      ctx.db,
      queueNames.oncallTimer,
      { kind: "review", id: r.id },
      { startAfter: new Date(next), singletonKey: `review:${r.id}:${next}` },
    );
}

/** Opens the review of a resolved emergency or critical ticket (once per ticket), in the caller's transaction. */
export async function openReview(
  ctx: ServiceContext,
  ticket: TicketRow,
  emergency: EmergencyRow | null,
  now: number,
) {
  const active = await loadActiveProtocol(ctx.db, ticket.relationshipId);
  if (!active) return;
  const [existing] = await ctx.db
    .select({ id: incidentReviews.id })
    .from(incidentReviews)
    .where(eq(incidentReviews.ticketId, ticket.id));
  if (existing) return;
  const within = active.protocol.doc.emergencies.post_incident_review_within;
  const dueAt = computeAfter(active.protocol, now, within);
  const number = await nextOncallNumber(ctx, ticket.relationshipId, "review");
  const [r] = await ctx.db
    .insert(incidentReviews)
    .values({
      relationshipId: ticket.relationshipId,
      number,
      ticketId: ticket.id,
      emergencyId: emergency?.id ?? null,
      title: emergency?.title ?? ticket.title,
      state: "open",
      dueAt: new Date(dueAt),
      createdAt: new Date(now),
      updatedAt: new Date(now),
    })
    .returning();
  await record(
    ctx,
    r!,
    SYSTEM,
    "review.opened",
    {
      after: { ticket: ticket.number, emergency: emergency?.number ?? null, dueAt: iso(dueAt), within },
    },
    now,
  );
  const rel = await partiesOf(ctx, ticket.relationshipId);
  const people = new Set(await bothSidesLeads(ctx, rel));
  if (emergency?.acknowledgedBy) people.add(emergency.acknowledgedBy);
  if (ticket.assigneeId) people.add(ticket.assigneeId);
  await notifyUsers(ctx, people, {
    relationshipId: ticket.relationshipId,
    kind: "review.opened",
    subject: `Post-incident review PIR-${r!.number} opened: ${r!.title}`,
    body: `${emergency ? `Emergency EMG-${emergency.number}` : `Critical ticket #${ticket.number}`} is resolved. The review is due by ${iso(dueAt)} (${within}): write what happened, what went well, what could be better, and the actions that prevent it happening again; then both sides sign it off.`,
    link: link(r!),
  });
  await syncTimer(ctx, r!.id);
}

// ---------------------------------------------------------------------------------------------
// The timeline, from events

const timelineActions = new Set([
  "ticket.created",
  "ticket.acknowledged",
  "ticket.assigned",
  "ticket.update_posted",
  "ticket.escalated",
  "ticket.severity_changed",
  "ticket.breached",
  "ticket.update_overdue",
  "ticket.waiting_on_client",
  "ticket.resumed",
  "ticket.resolved",
  "emergency.declared",
  "emergency.paged",
  "emergency.acknowledged",
  "emergency.unanswered",
  "emergency.action_taken",
  "emergency.approval_requested",
  "emergency.action_approved",
  "emergency.action_declined",
  "emergency.approval_withdrawn",
  "emergency.note_added",
  "emergency.resolved",
]);

type EventRow = typeof events.$inferSelect;
const words = (s: string) => s.replaceAll("_", " ");

/**
 * What a timeline line says. Ticket events keep their details on the ticket's own timeline entry
 * (`entry`, matched by kind and time), emergency events in the event itself.
 */
function describe(
  e: EventRow,
  entry: { body: string; data: Record<string, unknown> | null } | undefined,
  names: Map<string, string>,
): { label: string; detail: string | null } {
  const a = { ...(entry?.data ?? {}), ...((e.after ?? {}) as Record<string, unknown>) };
  const str = (k: string) => (typeof a[k] === "string" ? (a[k] as string) : null);
  switch (e.action) {
    case "ticket.created":
      return { label: `Ticket raised (${str("severity") ?? "critical"})`, detail: null };
    case "ticket.acknowledged":
      return { label: "Ticket acknowledged", detail: null };
    case "ticket.assigned": {
      const to = str("assigneeId");
      return { label: "Ticket assigned", detail: to ? (names.get(to) ?? null) : "unassigned" };
    }
    case "ticket.update_posted":
      return {
        label: "Update posted",
        detail:
          [
            str("found") && `Found: ${str("found")}`,
            str("trying") && `Trying: ${str("trying")}`,
            str("next") && `Next: ${str("next")}`,
          ]
            .filter(Boolean)
            .join(" · ") || null,
      };
    case "ticket.escalated":
      return {
        label: `Escalated to ${str("levelName") ?? str("to") ?? "the next level"}`,
        detail: entry?.body || null,
      };
    case "ticket.severity_changed":
      return { label: `Severity changed to ${str("severity") ?? "?"}`, detail: str("reason") };
    case "ticket.breached":
      return { label: `Target missed: ${str("clock") ?? "SLA"}`, detail: null };
    case "ticket.update_overdue":
      return { label: "Update overdue", detail: null };
    case "ticket.waiting_on_client":
      return { label: "Waiting on the client", detail: str("reason") };
    case "ticket.resumed":
      return { label: "Work resumed", detail: null };
    case "ticket.resolved":
      return { label: "Ticket resolved", detail: null };
    case "emergency.declared":
      return {
        label: "Emergency declared",
        detail: Array.isArray(a.criteria) ? (a.criteria as string[]).join("; ") : null,
      };
    case "emergency.paged": {
      const people = Array.isArray(a.people) ? (a.people as Array<{ name: string }>).map((p) => p.name) : [];
      return {
        label: `Paged ${people.join(", ") || "nobody"} (${str("label")?.toLowerCase() ?? "on call"})`,
        detail: null,
      };
    }
    case "emergency.acknowledged":
      return { label: "Page acknowledged", detail: null };
    case "emergency.unanswered":
      return { label: "Nobody acknowledged the pages", detail: null };
    case "emergency.action_taken":
      return {
        label: `Action: ${str("label") ?? "?"}`,
        detail:
          [
            str("detail"),
            str("approvedBy") ? `approved by ${str("approvedBy")}` : null,
            str("authority") === "without_approval" ? "within on-call authority" : null,
          ]
            .filter(Boolean)
            .join(" — ") || null,
      };
    case "emergency.approval_requested":
      return { label: `Approval requested: ${str("label") ?? "?"}`, detail: str("detail") };
    case "emergency.action_approved":
      return { label: `Approved: ${str("label") ?? "?"}`, detail: str("note") };
    case "emergency.action_declined":
      return { label: `Declined: ${str("label") ?? "?"}`, detail: str("note") };
    case "emergency.approval_withdrawn":
      return { label: `Request withdrawn: ${str("label") ?? "?"}`, detail: str("note") };
    case "emergency.note_added":
      return { label: "Note", detail: str("body") };
    case "emergency.resolved":
      return { label: "Emergency resolved", detail: null };
    default:
      return { label: words(e.action), detail: null };
  }
}

async function timelineOf(ctx: ServiceContext, r: ReviewRow) {
  const subjects = [r.ticketId, ...(r.emergencyId ? [r.emergencyId] : [])];
  const rows = await ctx.db
    .select()
    .from(events)
    .where(
      and(
        eq(events.chain, r.relationshipId),
        inArray(events.subjectId, subjects),
        inArray(events.subjectType, ["ticket", "emergency"]),
      ),
    )
    .orderBy(asc(events.occurredAt), asc(events.seq));
  const kept = rows.filter((e) => timelineActions.has(e.action));
  const entries = await ctx.db
    .select({
      kind: ticketEntries.kind,
      body: ticketEntries.body,
      data: ticketEntries.data,
      createdAt: ticketEntries.createdAt,
    })
    .from(ticketEntries)
    .where(and(eq(ticketEntries.relationshipId, r.relationshipId), eq(ticketEntries.ticketId, r.ticketId)));
  const entryKind: Record<string, string> = {
    "ticket.update_posted": "update",
    "ticket.escalated": "escalation",
    "ticket.assigned": "assignment",
  };
  const entryOf = (e: EventRow) =>
    entries.find((x) => x.kind === entryKind[e.action] && x.createdAt.getTime() === e.occurredAt.getTime());
  const assignees = kept
    .map((e) => ((e.after ?? {}) as { assigneeId?: string }).assigneeId)
    .filter((id): id is string => typeof id === "string");
  const names = new Map(
    assignees.length
      ? (
          await ctx.db
            .select({ id: users.id, name: users.name })
            .from(users)
            .where(inArray(users.id, assignees))
        ).map((u) => [u.id, u.name] as const)
      : [],
  );
  const start = kept[0]?.occurredAt.getTime() ?? r.createdAt.getTime();
  let previous: number | null = null;
  return kept.map((e) => {
    const at = e.occurredAt.getTime();
    const d = describe(e, entryOf(e), names);
    const item = {
      at,
      action: e.action,
      label: d.label,
      by: e.actorType === "system" ? null : e.actorName,
      detail: d.detail,
      sincePrevious: previous === null ? null : at - previous,
      sinceStart: at - start,
    };
    previous = at;
    return item;
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

async function loadReview(ctx: ServiceContext, relationshipId: string, reviewId: string, lock = false) {
  const { row: rel, viewer } = await getRelationshipForViewer(ctx, relationshipId);
  const q = ctx.db
    .select()
    .from(incidentReviews)
    .where(and(eq(incidentReviews.relationshipId, relationshipId), eq(incidentReviews.id, reviewId)));
  const [r] = lock ? await q.for("update") : await q;
  if (!r) throw notFound("review");
  return { rel, viewer, r };
}

async function actionsOf(ctx: ServiceContext, r: ReviewRow) {
  return ctx.db
    .select({ a: reviewActions, owner: users.name })
    .from(reviewActions)
    .innerJoin(users, eq(users.id, reviewActions.ownerUserId))
    .where(and(eq(reviewActions.relationshipId, r.relationshipId), eq(reviewActions.reviewId, r.id)))
    .orderBy(asc(reviewActions.dueAt), asc(reviewActions.createdAt));
}

function presentAction(
  a: ActionRow,
  owner: string,
  now: number,
  viewer: RelationshipViewer,
  me: string | null,
) {
  return {
    id: a.id,
    title: a.title,
    ownerUserId: a.ownerUserId,
    ownerName: owner,
    dueOn: a.dueOn,
    dueAt: iso(a.dueAt)!,
    done: a.doneAt !== null,
    doneAt: iso(a.doneAt),
    doneNote: a.doneNote,
    overdue: a.doneAt === null && a.dueAt.getTime() <= now,
    canComplete: a.doneAt === null && (mayAttempt(viewer, "trackActions") || a.ownerUserId === me),
  };
}

function presentSummary(r: ReviewRow, now: number, counts?: { open: number; overdue: number }) {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    state: r.state,
    ticketId: r.ticketId,
    emergencyId: r.emergencyId,
    dueAt: iso(r.dueAt)!,
    overdue: r.state === "open" && r.dueAt.getTime() <= now,
    providerSigned: r.providerSignedAt !== null,
    clientSigned: r.clientSignedAt !== null,
    finishedAt: iso(r.finishedAt),
    createdAt: iso(r.createdAt)!,
    openActions: counts?.open ?? 0,
    overdueActions: counts?.overdue ?? 0,
  };
}

export async function listReviews(ctx: ServiceContext, relationshipId: string) {
  await getRelationshipForViewer(ctx, relationshipId);
  const now = ctx.clock.now();
  const rows = await ctx.db
    .select()
    .from(incidentReviews)
    .where(eq(incidentReviews.relationshipId, relationshipId))
    .orderBy(desc(incidentReviews.createdAt))
    .limit(200);
  const counts = rows.length
    ? await ctx.db
        .select({
          reviewId: reviewActions.reviewId,
          open: sql<number>`count(*) filter (where ${reviewActions.doneAt} is null)`.mapWith(Number),
          overdue:
            sql<number>`count(*) filter (where ${reviewActions.doneAt} is null and ${reviewActions.dueAt} <= ${new Date(now)})`.mapWith(
              Number,
            ),
        })
        .from(reviewActions)
        .where(
          and(
            eq(reviewActions.relationshipId, relationshipId),
            inArray(
              reviewActions.reviewId,
              rows.map((r) => r.id),
            ),
          ),
        )
        .groupBy(reviewActions.reviewId)
    : [];
  const overdueActions = await ctx.db
    .select({
      a: reviewActions,
      owner: users.name,
      reviewNumber: incidentReviews.number,
      reviewTitle: incidentReviews.title,
    })
    .from(reviewActions)
    .innerJoin(users, eq(users.id, reviewActions.ownerUserId))
    .innerJoin(incidentReviews, eq(incidentReviews.id, reviewActions.reviewId))
    .where(
      and(
        eq(reviewActions.relationshipId, relationshipId),
        isNull(reviewActions.doneAt),
        lte(reviewActions.dueAt, new Date(now)),
      ),
    )
    .orderBy(asc(reviewActions.dueAt));
  return {
    reviews: rows.map((r) =>
      presentSummary(
        r,
        now,
        counts.find((c) => c.reviewId === r.id),
      ),
    ),
    overdueActions: overdueActions.map((o) => ({
      id: o.a.id,
      reviewId: o.a.reviewId,
      reviewNumber: o.reviewNumber,
      reviewTitle: o.reviewTitle,
      title: o.a.title,
      ownerName: o.owner,
      dueOn: o.a.dueOn,
    })),
  };
}

export async function getReview(ctx: ServiceContext, relationshipId: string, reviewId: string) {
  const { viewer, r } = await loadReview(ctx, relationshipId, reviewId);
  return presentDetail(ctx, viewer, r);
}

async function presentDetail(ctx: ServiceContext, viewer: RelationshipViewer, r: ReviewRow) {
  const now = ctx.clock.now();
  const me = actorUserId(ctx);
  const [t] = await ctx.db.select().from(tickets).where(eq(tickets.id, r.ticketId));
  const [e] = r.emergencyId
    ? await ctx.db.select().from(emergencies).where(eq(emergencies.id, r.emergencyId))
    : [];
  const timeline = await timelineOf(ctx, r);
  const actions = await actionsOf(ctx, r);
  const active = await loadActiveProtocol(ctx.db, r.relationshipId);
  const startAt = e?.declaredAt.getTime() ?? t?.createdAt.getTime() ?? r.createdAt.getTime();
  const ackAt = e?.acknowledgedAt?.getTime() ?? t?.acknowledgedAt?.getTime() ?? null;
  const resolvedAt = e?.resolvedAt?.getTime() ?? t?.resolvedAt?.getTime() ?? null;
  const counts = {
    open: actions.filter((a) => !a.a.doneAt).length,
    overdue: actions.filter((a) => !a.a.doneAt && a.a.dueAt.getTime() <= now).length,
  };
  const side = viewer.side;
  const canSign = mayAttempt(viewer, "signReview") && r.state === "open";
  return {
    ...presentSummary(r, now, counts),
    timeZone: active?.protocol.doc.timezone ?? "UTC",
    ticket: t
      ? { id: t.id, number: t.number, title: t.title, severity: t.severity, resolution: t.resolution }
      : null,
    emergency: e
      ? { id: e.id, number: e.number, affectedSystem: e.affectedSystem, criteria: e.criteria }
      : null,
    whatHappened: r.whatHappened,
    wentWell: r.wentWell,
    couldBeBetter: r.couldBeBetter,
    timeline: timeline.map((x) => ({ ...x, at: iso(x.at)! })),
    durations: {
      toAcknowledge: ackAt === null ? null : ackAt - startAt,
      toResolve: resolvedAt === null ? null : resolvedAt - startAt,
    },
    actions: actions.map((a) => presentAction(a.a, a.owner, now, viewer, me)),
    signoffs: {
      provider: r.providerSignedAt ? { name: r.providerSignedByName!, at: iso(r.providerSignedAt)! } : null,
      client: r.clientSignedAt ? { name: r.clientSignedByName!, at: iso(r.clientSignedAt)! } : null,
    },
    revision: r.revision,
    abilities: {
      edit: mayAttempt(viewer, "editReview") && r.state === "open",
      addActions: mayAttempt(viewer, "trackActions"),
      sign: canSign && (side === "provider" ? !r.providerSignedAt : !r.clientSignedAt),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Writing

async function change<T>(
  ctx: ServiceContext,
  relationshipId: string,
  reviewId: string,
  fn: (c: {
    tx: ServiceContext;
    rel: Parties;
    viewer: RelationshipViewer;
    r: ReviewRow;
    now: number;
  }) => Promise<T>,
) {
  return withTransaction(ctx, async (tx) => {
    const { rel, viewer, r } = await loadReview(tx, relationshipId, reviewId, true);
    const out = await fn({ tx, rel, viewer, r, now: tx.clock.now() });
    await syncTimer(tx, r.id);
    return out;
  });
}

export async function updateReview(
  ctx: ServiceContext,
  relationshipId: string,
  reviewId: string,
  input: { whatHappened?: string; wentWell?: string; couldBeBetter?: string; revision: number },
) {
  return change(ctx, relationshipId, reviewId, async ({ tx, viewer, r, now }) => {
    if (!mayAttempt(viewer, "editReview")) throw forbidden(emergencyRefusals.editReview);
    if (input.revision !== r.revision)
      throw new AppError(
        "conflict",
        `PIR-${r.number} changed since you loaded it (revision ${r.revision}, you had ${input.revision}); reload and try again.`,
      );
    if (r.state === "finished")
      throw new AppError(
        "conflict",
        `PIR-${r.number} is finished and signed by both sides; it no longer changes.`,
      );
    const values = {
      whatHappened: input.whatHappened ?? r.whatHappened,
      wentWell: input.wentWell ?? r.wentWell,
      couldBeBetter: input.couldBeBetter ?? r.couldBeBetter,
    };
    const changed = (Object.keys(values) as Array<keyof typeof values>).filter((k) => values[k] !== r[k]);
    if (!changed.length) return presentDetail(tx, viewer, r);
    const hadSignoffs = r.providerSignedAt !== null || r.clientSignedAt !== null;
    const [stored] = await tx.db
      .update(incidentReviews)
      .set({
        ...values,
        providerSignedBy: null,
        providerSignedByName: null,
        providerSignedAt: null,
        clientSignedBy: null,
        clientSignedByName: null,
        clientSignedAt: null,
        revision: r.revision + 1,
        updatedAt: new Date(now),
      })
      .where(eq(incidentReviews.id, r.id))
      .returning();
    await record(
      tx,
      stored!,
      eventActor(tx.actor),
      "review.updated",
      {
        before: Object.fromEntries(changed.map((k) => [k, r[k]])),
        after: {
          ...Object.fromEntries(changed.map((k) => [k, values[k]])),
          ...(hadSignoffs ? { signoffsCleared: true } : {}),
        },
      },
      now,
    );
    return presentDetail(tx, viewer, stored!);
  });
}

export async function signReview(
  ctx: ServiceContext,
  relationshipId: string,
  reviewId: string,
  input: { revision: number },
) {
  return change(ctx, relationshipId, reviewId, async ({ tx, rel, viewer, r, now }) => {
    if (!mayAttempt(viewer, "signReview")) throw forbidden(emergencyRefusals.signReview);
    if (input.revision !== r.revision)
      throw new AppError(
        "conflict",
        `PIR-${r.number} changed since you read it (revision ${r.revision}, you had ${input.revision}); read it again before signing.`,
      );
    if (r.state === "finished")
      throw new AppError("conflict", `PIR-${r.number} is already signed off by both sides.`);
    const missing = (["whatHappened", "wentWell", "couldBeBetter"] as const).filter((k) => !r[k].trim());
    if (missing.length)
      throw new AppError(
        "conflict",
        `PIR-${r.number} is not written yet: ${missing.map((k) => ({ whatHappened: "what happened", wentWell: "what went well", couldBeBetter: "what could be better" })[k]).join(", ")} ${missing.length > 1 ? "are" : "is"} empty.`,
      );
    const provider = viewer.side === "provider";
    if (provider ? r.providerSignedAt : r.clientSignedAt)
      throw new AppError("conflict", `The ${viewer.side} has already signed PIR-${r.number}.`);
    const name = eventActor(tx.actor).name;
    const other = provider ? r.clientSignedAt : r.providerSignedAt;
    const [stored] = await tx.db
      .update(incidentReviews)
      .set({
        ...(provider
          ? { providerSignedBy: actorUserId(tx), providerSignedByName: name, providerSignedAt: new Date(now) }
          : { clientSignedBy: actorUserId(tx), clientSignedByName: name, clientSignedAt: new Date(now) }),
        ...(other ? { state: "finished" as const, finishedAt: new Date(now) } : {}),
        revision: r.revision + 1,
        updatedAt: new Date(now),
      })
      .where(eq(incidentReviews.id, r.id))
      .returning();
    await record(
      tx,
      stored!,
      eventActor(tx.actor),
      other ? "review.finished" : "review.signed",
      {
        after: { side: viewer.side, role: viewer.role, ...(other ? { state: "finished" } : {}) },
      },
      now,
    );
    await notifyUsers(tx, await bothSidesLeads(tx, rel), {
      relationshipId,
      kind: other ? "review.finished" : "review.signed",
      subject: other
        ? `PIR-${r.number} signed off by both sides`
        : `PIR-${r.number} signed by the ${viewer.side}; waiting for the ${provider ? "client" : "provider"}`,
      body: `${name} signed the review "${r.title}" for the ${viewer.side}.`,
      link: link(r),
    });
    return presentDetail(tx, viewer, stored!);
  });
}

export async function addReviewAction(
  ctx: ServiceContext,
  relationshipId: string,
  reviewId: string,
  input: { title: string; ownerUserId: string; dueOn: string },
) {
  return change(ctx, relationshipId, reviewId, async ({ tx, rel, viewer, r, now }) => {
    if (!mayAttempt(viewer, "trackActions")) throw forbidden(emergencyRefusals.trackActions);
    const active = await requireActiveProtocol(tx.db, relationshipId, "prevention actions can be tracked");
    const zone = active.protocol.doc.timezone;
    const errors: Array<{ path: string; message: string }> = [];
    const { dueAt, problem } = dueDateOf(zone, input.dueOn, now);
    if (problem) errors.push({ path: "body.dueOn", message: problem });
    const [member] = await tx.db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(
        and(
          eq(memberships.userId, input.ownerUserId),
          inArray(memberships.orgId, [rel.clientOrgId, rel.providerOrgId]),
        ),
      );
    if (!member)
      errors.push({
        path: "body.ownerUserId",
        message: "not a person of the client or the provider; choose someone in the relationship",
      });
    if (errors.length) throw fieldErrors("The action has problems; fix the fields named.", errors);
    const [a] = await tx.db
      .insert(reviewActions)
      .values({
        relationshipId,
        reviewId: r.id,
        title: input.title,
        ownerUserId: input.ownerUserId,
        dueOn: input.dueOn,
        dueAt: new Date(dueAt!),
        createdBy: actorUserId(tx),
        createdAt: new Date(now),
      })
      .returning();
    const [owner] = await tx.db
      .select({ name: users.name })
      .from(users)
      .where(eq(users.id, input.ownerUserId));
    await record(
      tx,
      r,
      eventActor(tx.actor),
      "review.action_added",
      {
        after: { actionId: a!.id, title: input.title, owner: owner?.name ?? null, dueOn: input.dueOn },
      },
      now,
    );
    if (input.ownerUserId !== actorUserId(tx))
      await notifyUsers(tx, [input.ownerUserId], {
        relationshipId,
        kind: "review.action_assigned",
        subject: `Prevention action for you (PIR-${r.number}): ${input.title}`,
        body: `${eventActor(tx.actor).name} gave you an action from the review "${r.title}", due ${input.dueOn}.`,
        link: link(r),
      });
    return presentDetail(tx, viewer, r);
  });
}

export async function completeReviewAction(
  ctx: ServiceContext,
  relationshipId: string,
  reviewId: string,
  actionId: string,
  input: { note?: string },
) {
  return change(ctx, relationshipId, reviewId, async ({ tx, viewer, r, now }) => {
    const [a] = await tx.db
      .select()
      .from(reviewActions)
      .where(and(eq(reviewActions.reviewId, r.id), eq(reviewActions.id, actionId)))
      .for("update");
    if (!a) throw notFound("action");
    if (!mayAttempt(viewer, "trackActions") && a.ownerUserId !== actorUserId(tx))
      throw forbidden(emergencyRefusals.trackActions);
    if (a.doneAt) throw new AppError("conflict", `"${a.title}" is already done.`);
    await tx.db
      .update(reviewActions)
      .set({ doneAt: new Date(now), doneBy: actorUserId(tx), doneNote: input.note ?? null })
      .where(eq(reviewActions.id, a.id));
    await record(
      tx,
      r,
      eventActor(tx.actor),
      "review.action_done",
      {
        after: { actionId: a.id, title: a.title, late: a.dueAt.getTime() < now, note: input.note ?? null },
      },
      now,
    );
    return presentDetail(tx, viewer, r);
  });
}

// ---------------------------------------------------------------------------------------------
// Timers: overdue reviews and actions, reported once to both sides

export async function processReviewTimer(ctx: ServiceContext, reviewId: string): Promise<number> {
  return withTransaction(ctx, async (tx) => {
    const [r] = await tx.db
      .select()
      .from(incidentReviews)
      .where(eq(incidentReviews.id, reviewId))
      .for("update", { skipLocked: true });
    if (!r) return 0;
    const now = tx.clock.now();
    let fired = 0;
    const rel = await partiesOf(tx, r.relationshipId);
    const both = await bothSidesLeads(tx, rel);
    if (r.state === "open" && !r.overdueNotifiedAt && r.dueAt.getTime() <= now) {
      await tx.db
        .update(incidentReviews)
        .set({ overdueNotifiedAt: new Date(now) })
        .where(eq(incidentReviews.id, r.id));
      await record(tx, r, SYSTEM, "review.overdue", { after: { dueAt: iso(r.dueAt) } }, now);
      await notifyUsers(tx, both, {
        relationshipId: r.relationshipId,
        kind: "review.overdue",
        subject: `Post-incident review PIR-${r.number} is overdue`,
        body: `The review of "${r.title}" was due by ${iso(r.dueAt)} and is not signed off by both sides yet.`,
        link: link(r),
      });
      fired++;
    }
    const due = await tx.db
      .select()
      .from(reviewActions)
      .where(
        and(
          eq(reviewActions.reviewId, r.id),
          isNull(reviewActions.doneAt),
          isNull(reviewActions.overdueNotifiedAt),
          lte(reviewActions.dueAt, new Date(now)),
        ),
      )
      .for("update");
    for (const a of due) {
      await tx.db
        .update(reviewActions)
        .set({ overdueNotifiedAt: new Date(now) })
        .where(eq(reviewActions.id, a.id));
      await record(
        tx,
        r,
        SYSTEM,
        "review.action_overdue",
        { after: { actionId: a.id, title: a.title, dueOn: a.dueOn } },
        now,
      );
      await notifyUsers(tx, [a.ownerUserId, ...both], {
        relationshipId: r.relationshipId,
        kind: "review.action_overdue",
        subject: `Overdue prevention action (PIR-${r.number}): ${a.title}`,
        body: `"${a.title}" from the review of "${r.title}" was due on ${a.dueOn} and is not done.`,
        link: link(r),
      });
      fired++;
    }
    await syncTimer(tx, r.id);
    return fired;
  });
}

export async function dueReviews(ctx: ServiceContext, lateByMs: number, limit: number): Promise<string[]> {
  const rows = await ctx.db
    .select({ id: incidentReviews.id })
    .from(incidentReviews)
    .where(lte(incidentReviews.nextCheckAt, new Date(ctx.clock.now() - lateByMs)))
    .orderBy(asc(incidentReviews.nextCheckAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------
// Export

export async function exportReview(
  ctx: ServiceContext,
  relationshipId: string,
  reviewId: string,
  format: "md" | "pdf",
) {
  const { viewer, r } = await loadReview(ctx, relationshipId, reviewId);
  const d = await presentDetail(ctx, viewer, r);
  const [names] = await ctx.db
    .select({ client: sql<string>`c.name`, provider: sql<string>`p.name` })
    .from(relationships)
    .innerJoin(sql`${organizations} c`, sql`c.id = ${relationships.clientOrgId}`)
    .innerJoin(sql`${organizations} p`, sql`p.id = ${relationships.providerOrgId}`)
    .where(eq(relationships.id, relationshipId));
  const doc: ReviewDocument = {
    relationship: { clientName: names?.client ?? "Client", providerName: names?.provider ?? "Provider" },
    number: d.number,
    title: d.title,
    state: d.state,
    timeZone: d.timeZone,
    ticket: d.ticket
      ? { number: d.ticket.number, title: d.ticket.title, severity: d.ticket.severity }
      : { number: 0, title: "", severity: "" },
    emergency: d.emergency
      ? {
          number: d.emergency.number,
          affectedSystem: d.emergency.affectedSystem,
          criteria: d.emergency.criteria,
        }
      : null,
    createdAt: Date.parse(d.createdAt),
    dueAt: Date.parse(d.dueAt),
    finishedAt: d.finishedAt ? Date.parse(d.finishedAt) : null,
    timeline: d.timeline.map((x) => ({
      at: Date.parse(x.at),
      label: x.label,
      by: x.by,
      detail: x.detail,
      sincePrevious: x.sincePrevious,
      sinceStart: x.sinceStart,
    })),
    durations: d.durations,
    whatHappened: d.whatHappened,
    wentWell: d.wentWell,
    couldBeBetter: d.couldBeBetter,
    actions: d.actions.map((a) => ({
      title: a.title,
      owner: a.ownerName,
      dueOn: a.dueOn,
      done: a.done,
      doneAt: a.doneAt ? Date.parse(a.doneAt) : null,
      overdue: a.overdue,
    })),
    signoffs: {
      provider: d.signoffs.provider
        ? { name: d.signoffs.provider.name, at: Date.parse(d.signoffs.provider.at) }
        : null,
      client: d.signoffs.client
        ? { name: d.signoffs.client.name, at: Date.parse(d.signoffs.client.at) }
        : null,
    },
    generatedAt: ctx.clock.now(),
  };
  return {
    fileName: reviewFileName(doc, format),
    contentType: format === "md" ? "text/markdown; charset=utf-8" : "application/pdf",
    body: format === "md" ? renderReviewMarkdown(doc) : await renderReviewPdf(doc),
  };
}
