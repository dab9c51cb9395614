/**
 * Emergencies: what happens when something breaks at 2 AM on a Sunday. Declaring one (from a
 * critical ticket, or directly, which opens the critical ticket) pages the on-call primary on
 * every address they have; without an acknowledgement within the protocol's time the chain moves
 * to the secondary, then the provider's escalation levels, then everyone again. Each page, each
 * acknowledgement and each action is an event with its time. Actions are logged against the
 * protocol's on-call authority register: what needs approval waits for it, and who approved is
 * recorded. Updates are the ticket's investigation updates, so the critical cadence and the SLA
 * clocks are the ticket's. Resolving resolves the ticket and opens the post-incident review.
 */
import { and, asc, desc, eq, inArray, lte, ne, sql } from "drizzle-orm";
import type { Role } from "../../core/http/actor.ts";
import { appendEvent, type EventActor } from "../../core/events/events.ts";
import { eventActor, type ServiceContext, withTransaction } from "../../core/http/context.ts";
import { AppError, forbidden, notFound } from "../../core/http/errors.ts";
import { queueNames } from "../../core/jobs/jobs.ts";
import { emitWebhookEvent, membersWithRoles, notifyUsers, publishLive } from "../../core/notify/notify.ts";
import { users } from "../identity/identity.tables.ts";
import type { RelationshipViewer } from "../identity/identity.policy.ts";
import { getRelationshipForViewer } from "../identity/relationships.service.ts";
import type { CompiledProtocol } from "../protocol/protocol.compile.ts";
import { loadActiveProtocol, requireActiveProtocol } from "../protocol/protocol.service.ts";
import {
  acknowledgeTicket,
  computeAfter,
  createTicket,
  levelHolders,
  postInvestigationUpdate,
  resolveTicket,
  type ResolveInput,
  type UpdateInput,
} from "../tickets/tickets.service.ts";
import { tickets } from "../tickets/tickets.tables.ts";
import {
  emergencyRefusals,
  mayApprove,
  mayAttempt,
  outsideRegisterApprovers,
  type EmergencyAction,
} from "./oncall.policy.ts";
import {
  emergencies,
  emergencyLog,
  emergencyPages,
  incidentReviews as reviewsTable,
  type PagingStep,
} from "./oncall.tables.ts";
import { iso, nextOncallNumber, type Parties, partiesOf } from "./oncall.shared.ts";
import { restorationPlanFor } from "./restoration.service.ts";
import { openReview } from "./reviews.service.ts";
import {
  contactStatus,
  coveringSchedule,
  defaultLayerName,
  onCallNow,
  peopleInfo,
  shown,
} from "./schedules.service.ts";

export type EmergencyRow = typeof emergencies.$inferSelect;
type LogRow = typeof emergencyLog.$inferSelect;
type TicketRow = typeof tickets.$inferSelect;

const SYSTEM: EventActor = { type: "system", id: null, name: "Liaison" };
/** After the last step, the whole chain is paged again this many times. */
const MAX_REPEATS = 3;

export const emergencyLabel = (e: Pick<EmergencyRow, "number" | "title">) => `EMG-${e.number} ${e.title}`;
const link = (e: Pick<EmergencyRow, "relationshipId" | "id">) => `/r/${e.relationshipId}/emergencies/${e.id}`;

function fieldError(path: string, message: string, summary?: string): AppError {
  return new AppError("validation_failed", summary ?? message, { errors: [{ path, message }] });
}

function stateConflict(e: EmergencyRow, what: string): AppError {
  const state = e.state === "paging" ? "still paging (nobody has acknowledged)" : e.state;
  return new AppError("conflict", `EMG-${e.number} is ${state}; ${what}.`);
}

const actorUserId = (ctx: ServiceContext) => (ctx.actor?.type === "user" ? ctx.actor.userId : null);

async function loadEmergency(ctx: ServiceContext, relationshipId: string, emergencyId: string, lock = false) {
  const { row: rel, viewer } = await getRelationshipForViewer(ctx, relationshipId);
  const q = ctx.db
    .select()
    .from(emergencies)
    .where(and(eq(emergencies.relationshipId, relationshipId), eq(emergencies.id, emergencyId)));
  const [e] = lock ? await q.for("update") : await q;
  if (!e) throw notFound("emergency");
  return { rel, viewer, e };
}

/** The client's leads and the provider's account managers: who hears of every step. */
async function stakeholders(ctx: ServiceContext, rel: Parties, e: EmergencyRow): Promise<string[]> {
  const ids = new Set([
    ...(await membersWithRoles(ctx.db, [rel.clientOrgId], ["it_contact", "executive"])),
    ...(await membersWithRoles(ctx.db, [rel.providerOrgId], ["account_manager"])),
  ]);
  if (e.declaredBy) ids.add(e.declaredBy);
  if (e.acknowledgedBy) ids.add(e.acknowledgedBy);
  return [...ids];
}

const webhookEmergency = (e: EmergencyRow) => ({
  id: e.id,
  number: e.number,
  title: e.title,
  state: e.state,
  affectedSystem: e.affectedSystem,
  ticketId: e.ticketId,
  declaredAt: iso(e.declaredAt),
  acknowledgedAt: iso(e.acknowledgedAt),
  resolvedAt: iso(e.resolvedAt),
});

async function record(
  ctx: ServiceContext,
  e: EmergencyRow,
  actor: EventActor,
  action: string,
  detail: { before?: Record<string, unknown> | null; after?: Record<string, unknown> | null },
  now: number,
): Promise<void> {
  await emitWebhookEvent(ctx, e.relationshipId, action, { emergency: webhookEmergency(e), ...detail.after });
  await publishLive(ctx, { relationshipId: e.relationshipId, topic: "emergencies", id: e.id });
  await appendEvent(ctx.db, {
    scope: "relationship",
    chain: e.relationshipId,
    relationshipId: e.relationshipId,
    actor,
    action,
    subject: { type: "emergency", id: e.id, label: emergencyLabel(e) },
    before: detail.before ?? null,
    after: detail.after ?? null,
    requestId: ctx.requestId,
    occurredAt: now,
  });
}

async function store(ctx: ServiceContext, e: EmergencyRow, values: Partial<EmergencyRow>, now: number) {
  const [row] = await ctx.db
    .update(emergencies)
    .set({ ...values, revision: e.revision + 1, updatedAt: new Date(now) })
    .where(eq(emergencies.id, e.id))
    .returning();
  return row!;
}

/** Queues the wake-up for the next page (the sweep finds it too if the job is lost). */
async function wake(ctx: ServiceContext, e: Pick<EmergencyRow, "id" | "nextPageAt">) {
  if (!e.nextPageAt) return;
  const at = e.nextPageAt.getTime();
  await ctx.jobs?.send(
    ctx.db,
    queueNames.oncallTimer,
    { kind: "emergency", id: e.id },
    { startAfter: new Date(at), singletonKey: `emergency:${e.id}:${at}` },
  );
}

// ---------------------------------------------------------------------------------------------
// The paging chain

/**
 * The chain fixed at declaration: whoever is on duty in each layer of the covering schedule now,
 * then the provider's escalation levels of the protocol (people not already in an earlier step).
 * When nobody at all would be paged, the provider's whole staff is.
 */
async function buildChain(ctx: ServiceContext, rel: Parties, p: CompiledProtocol, now: number) {
  const schedule = await coveringSchedule(ctx.db, rel);
  const steps: PagingStep[] = [];
  const seen = new Set<string>();
  if (schedule) {
    for (const shift of await onCallNow(ctx.db, schedule, now)) {
      const name = schedule.layerNames[String(shift.layer)] ?? defaultLayerName(shift.layer);
      steps.push({
        target: `layer:${shift.layer}`,
        label: `On call (${name.toLowerCase()})`,
        userIds: [shift.userId],
      });
      seen.add(shift.userId);
    }
  }
  for (const level of p.doc.escalation.levels) {
    if (level.side !== "provider") continue;
    const holders = await levelHolders(ctx, rel, {
      side: "provider",
      roles: level.roles as Role[],
      people: level.people,
    });
    const fresh = holders.map((h) => h.userId).filter((id) => !seen.has(id));
    if (!fresh.length) continue;
    for (const id of fresh) seen.add(id);
    steps.push({ target: `escalation:${level.id}`, label: level.name, userIds: fresh });
  }
  if (!steps.length) {
    const staff = await membersWithRoles(ctx.db, [rel.providerOrgId]);
    if (staff.length)
      steps.push({ target: "staff", label: "The provider's staff", userIds: [...new Set(staff)] });
  }
  return { schedule, steps };
}

/**
 * Pages one step: every person by every channel they have (in-app, account email, confirmed
 * extra addresses, live), past quiet hours and their notification choices, and records it.
 */
async function pageStep(
  ctx: ServiceContext,
  rel: Parties,
  p: CompiledProtocol,
  e: EmergencyRow,
  step: number,
  target: PagingStep,
  now: number,
): Promise<EmergencyRow> {
  const info = await peopleInfo(ctx.db, rel.providerOrgId, target.userIds);
  const statuses = target.userIds.map((id) => contactStatus(info.get(id), id));
  const addresses = Object.fromEntries(statuses.map((s) => [s.userId, s.addresses]));
  const ackWithin = p.doc.emergencies.acknowledge_within;
  const ticketNo = await ticketNumber(ctx, e.ticketId);
  await notifyUsers(ctx, target.userIds, {
    relationshipId: e.relationshipId,
    kind: "emergency.page",
    subject: `EMERGENCY EMG-${e.number}: ${e.title}`,
    body:
      `You are paged as ${target.label.toLowerCase()} for an emergency: ${e.title}\n` +
      `Affected system: ${e.affectedSystem}\n\n${e.description}\n\n` +
      `Acknowledge within ${ackWithin}; otherwise the next person is paged. Ticket #${ticketNo}.`,
    link: link(e),
    page: { addresses },
    thread: { key: `emergency:${e.id}`, subject: `EMERGENCY EMG-${e.number}: ${e.title}` },
  });
  for (const s of statuses)
    await ctx.db.insert(emergencyPages).values({
      relationshipId: e.relationshipId,
      emergencyId: e.id,
      step,
      target: target.target,
      userId: s.userId,
      pagedAt: new Date(now),
      addresses: s.addresses.length,
    });
  const nextPageAt = computeAfter(p, now, ackWithin);
  const stored = await store(ctx, e, { pageStep: step, nextPageAt: new Date(nextPageAt) }, now);
  await record(
    ctx,
    stored,
    SYSTEM,
    "emergency.paged",
    {
      after: {
        step,
        target: target.target,
        label: target.label,
        people: statuses.map((s) => ({
          userId: s.userId,
          name: s.name,
          addresses: s.addresses.length,
          ...(s.problem ? { problem: s.problem } : {}),
        })),
        nextPageAt: iso(nextPageAt),
      },
    },
    now,
  );
  await wake(ctx, stored);
  return stored;
}

async function ticketNumber(ctx: ServiceContext, ticketId: string): Promise<number> {
  const [t] = await ctx.db.select({ number: tickets.number }).from(tickets).where(eq(tickets.id, ticketId));
  return t?.number ?? 0;
}

/** Moves an unacknowledged emergency along its chain when its acknowledgement time passed. */
async function advance(ctx: ServiceContext, rel: Parties, p: CompiledProtocol, e: EmergencyRow, now: number) {
  const next = e.pageStep + 1;
  if (next < e.chain.length) return pageStep(ctx, rel, p, e, next, e.chain[next]!, now);
  if (e.repeats < MAX_REPEATS) {
    const everyone = [...new Set(e.chain.flatMap((s) => s.userIds))];
    const repeated = await store(ctx, e, { repeats: e.repeats + 1 }, now);
    return pageStep(
      ctx,
      rel,
      p,
      repeated,
      e.pageStep,
      { target: "everyone", label: "Everyone in the chain, again", userIds: everyone },
      now,
    );
  }
  const stopped = await store(ctx, e, { nextPageAt: null }, now);
  await record(
    ctx,
    stopped,
    SYSTEM,
    "emergency.unanswered",
    { after: { pagedTimes: e.chain.length + e.repeats } },
    now,
  );
  await notifyUsers(ctx, await stakeholders(ctx, rel, stopped), {
    relationshipId: e.relationshipId,
    kind: "emergency.unanswered",
    subject: `Nobody has acknowledged EMG-${e.number}: ${e.title}`,
    body: `Every step of the on-call chain was paged, and the whole chain ${MAX_REPEATS} more times, without an acknowledgement. Call the provider directly.`,
    link: link(e),
    severity: "emergency",
  });
  return stopped;
}

/** Fires what is due for one emergency, under its row lock; safe to run early, late or twice. */
export async function processEmergencyTimer(ctx: ServiceContext, emergencyId: string): Promise<number> {
  return withTransaction(ctx, async (tx) => {
    const [e] = await tx.db
      .select()
      .from(emergencies)
      .where(eq(emergencies.id, emergencyId))
      .for("update", { skipLocked: true });
    if (!e || e.state !== "paging" || !e.nextPageAt) return 0;
    const now = tx.clock.now();
    if (e.nextPageAt.getTime() > now) return 0;
    const active = await loadActiveProtocol(tx.db, e.relationshipId);
    if (!active) return 0;
    const rel = await partiesOf(tx, e.relationshipId);
    await advance(tx, rel, active.protocol, e, now);
    return 1;
  });
}

/** Emergencies whose next page is due (the sweep's recovery path). */
export async function dueEmergencies(
  ctx: ServiceContext,
  lateByMs: number,
  limit: number,
): Promise<string[]> {
  const rows = await ctx.db
    .select({ id: emergencies.id })
    .from(emergencies)
    .where(
      and(eq(emergencies.state, "paging"), lte(emergencies.nextPageAt, new Date(ctx.clock.now() - lateByMs))),
    )
    .orderBy(asc(emergencies.nextPageAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------
// Declaring

export interface DeclareInput {
  ticketId?: string;
  title?: string;
  description?: string;
  affectedSystem: string;
  criteria: string[];
  reporter?: { email: string; name?: string };
}

/** What someone declaring sees first: the criteria, who would be paged, and open critical tickets. */
export async function getEmergencyForm(ctx: ServiceContext, relationshipId: string) {
  const { row: rel, viewer } = await getRelationshipForViewer(ctx, relationshipId);
  const active = await loadActiveProtocol(ctx.db, relationshipId);
  const schedule = await coveringSchedule(ctx.db, rel);
  const now = ctx.clock.now();
  const current = schedule ? await onCallNow(ctx.db, schedule, now) : [];
  const info = await peopleInfo(
    ctx.db,
    rel.providerOrgId,
    current.map((c) => c.userId),
  );
  const openCritical = await ctx.db
    .select({
      id: tickets.id,
      number: tickets.number,
      title: tickets.title,
      affectedSystems: tickets.affectedSystems,
    })
    .from(tickets)
    .where(
      and(
        eq(tickets.relationshipId, relationshipId),
        eq(tickets.severity, "critical"),
        inArray(tickets.state, ["new", "acknowledged", "in_progress", "waiting_on_client"]),
        sql`not exists (select 1 from ${emergencies} where ${emergencies.ticketId} = ${tickets.id} and ${emergencies.state} <> 'resolved')`,
      ),
    )
    .orderBy(desc(tickets.createdAt));
  return {
    criteria: active?.protocol.doc.emergencies.criteria ?? [],
    acknowledgeWithin: active?.protocol.doc.emergencies.acknowledge_within ?? null,
    onCallNow: current.map((c) => ({
      layer: c.layer,
      layerName: schedule?.layerNames[String(c.layer)] ?? defaultLayerName(c.layer),
      userId: c.userId,
      name: info.get(c.userId)?.name ?? "Unknown person",
      contact: shown(contactStatus(info.get(c.userId), c.userId), viewer.side === "provider"),
    })),
    hasSchedule: schedule !== null,
    openCriticalTickets: openCritical,
    canDeclare: mayAttempt(viewer, "declare") && active !== null,
  };
}

export async function declareEmergency(ctx: ServiceContext, relationshipId: string, input: DeclareInput) {
  const { row: rel, viewer } = await getRelationshipForViewer(ctx, relationshipId);
  if (!mayAttempt(viewer, "declare")) throw forbidden(emergencyRefusals.declare);
  const id = await withTransaction(ctx, async (tx) => {
    const active = await requireActiveProtocol(tx.db, relationshipId, "an emergency can be declared");
    const p = active.protocol;
    const known = new Set(p.doc.emergencies.criteria);
    const criteria = [...new Set(input.criteria.map((c) => c.trim()))];
    const unknown = criteria.findIndex((c) => !known.has(c));
    if (!criteria.length)
      throw fieldError(
        "body.criteria",
        "choose the protocol's criteria this emergency meets",
        "An emergency meets at least one of the protocol's criteria.",
      );
    if (unknown >= 0)
      throw fieldError(
        `body.criteria.${unknown}`,
        `not one of the protocol's criteria: ${[...known].join(" / ")}`,
      );
    let ticket: TicketRow;
    if (input.ticketId) {
      const [t] = await tx.db
        .select()
        .from(tickets)
        .where(and(eq(tickets.relationshipId, relationshipId), eq(tickets.id, input.ticketId)))
        .for("update");
      if (!t) throw fieldError("body.ticketId", "no ticket with that id in this relationship");
      if (t.severity !== "critical")
        throw new AppError(
          "conflict",
          `Ticket #${t.number} is ${t.severity}; an emergency runs on a critical ticket. Raise its severity to critical first.`,
        );
      if (t.state === "resolved" || t.state === "closed")
        throw new AppError(
          "conflict",
          `Ticket #${t.number} is ${t.state}; reopen it before declaring an emergency.`,
        );
      const [open] = await tx.db
        .select({ number: emergencies.number })
        .from(emergencies)
        .where(and(eq(emergencies.ticketId, t.id), ne(emergencies.state, "resolved")));
      if (open)
        throw new AppError("conflict", `Ticket #${t.number} already has emergency EMG-${open.number}.`);
      ticket = t;
    } else {
      if (!input.title?.trim())
        throw fieldError("body.title", "say what is broken, or give the critical ticket's id as ticketId");
      const reporter =
        input.reporter ??
        (viewer.side === "provider" && tx.actor?.type === "user"
          ? { email: tx.actor.email, name: tx.actor.name }
          : undefined);
      const created = await createTicket(
        tx,
        relationshipId,
        {
          title: input.title.trim(),
          description: input.description?.trim() || input.title.trim(),
          impact: { peopleAffected: "everyone", workaround: false, criticalFunctionStopped: true },
          severity: "critical",
          severityReason: "Declared an emergency",
          affectedSystems: [input.affectedSystem],
          ...(reporter ? { reporter } : {}),
        },
        "web",
      );
      const [t] = await tx.db
        .select()
        .from(tickets)
        .where(eq(tickets.id, (created as { id: string }).id));
      ticket = t!;
    }
    const now = tx.clock.now();
    const { schedule, steps } = await buildChain(tx, rel, p, now);
    const number = await nextOncallNumber(tx, relationshipId, "emergency");
    const [e] = await tx.db
      .insert(emergencies)
      .values({
        relationshipId,
        number,
        ticketId: ticket.id,
        title: input.title?.trim() || ticket.title,
        description: input.description?.trim() || ticket.description,
        affectedSystem: input.affectedSystem.trim(),
        criteria,
        state: "paging",
        scheduleId: schedule?.id ?? null,
        chain: steps,
        pageStep: 0,
        declaredBy: actorUserId(tx),
        declaredByName: eventActor(tx.actor).name,
        declaredAt: new Date(now),
        updatedAt: new Date(now),
      })
      .returning();
    await record(
      tx,
      e!,
      eventActor(tx.actor),
      "emergency.declared",
      {
        after: {
          ticket: ticket.number,
          affectedSystem: e!.affectedSystem,
          criteria,
          chain: steps.map((s) => ({ target: s.target, label: s.label, people: s.userIds.length })),
        },
      },
      now,
    );
    await notifyUsers(tx, await stakeholders(tx, rel, e!), {
      relationshipId,
      kind: "emergency.declared",
      subject: `Emergency declared: EMG-${number} ${e!.title}`,
      body:
        `${eventActor(tx.actor).name} declared an emergency on ${e!.affectedSystem}: ${criteria.join("; ")}.\n\n` +
        (steps.length
          ? `${steps[0]!.label} is being paged now.`
          : "Nobody could be paged: the provider has no staff on record."),
      link: link(e!),
      severity: "emergency",
    });
    if (steps.length) await pageStep(tx, rel, p, e!, 0, steps[0]!, now);
    return e!.id;
  });
  return getEmergency(ctx, relationshipId, id);
}

// ---------------------------------------------------------------------------------------------
// Responding

async function step<T>(
  ctx: ServiceContext,
  relationshipId: string,
  emergencyId: string,
  action: EmergencyAction,
  fn: (c: {
    tx: ServiceContext;
    rel: Parties;
    viewer: RelationshipViewer;
    e: EmergencyRow;
    p: CompiledProtocol;
    now: number;
  }) => Promise<T>,
): Promise<T> {
  return withTransaction(ctx, async (tx) => {
    const { rel, viewer, e } = await loadEmergency(tx, relationshipId, emergencyId, true);
    if (!mayAttempt(viewer, action)) throw forbidden(emergencyRefusals[action]);
    const active = await requireActiveProtocol(tx.db, relationshipId, "an emergency can be handled");
    return fn({ tx, rel, viewer, e, p: active.protocol, now: tx.clock.now() });
  });
}

export async function acknowledgeEmergency(ctx: ServiceContext, relationshipId: string, emergencyId: string) {
  await step(ctx, relationshipId, emergencyId, "acknowledge", async ({ tx, rel, e, now }) => {
    if (e.state !== "paging") throw stateConflict(e, "only a page still waiting is acknowledged");
    const me = actorUserId(tx);
    const stored = await store(
      tx,
      e,
      { state: "acknowledged", acknowledgedBy: me, acknowledgedAt: new Date(now), nextPageAt: null },
      now,
    );
    const [t] = await tx.db.select().from(tickets).where(eq(tickets.id, e.ticketId));
    if (t?.state === "new")
      await acknowledgeTicket(tx, relationshipId, t.id, {
        note: `Acknowledged the page for emergency EMG-${e.number}.`,
      });
    const took = now - e.declaredAt.getTime();
    await record(
      tx,
      stored,
      eventActor(tx.actor),
      "emergency.acknowledged",
      {
        before: { state: "paging" },
        after: { state: "acknowledged", secondsToAcknowledge: Math.round(took / 1000), step: e.pageStep },
      },
      now,
    );
    await notifyUsers(tx, await stakeholders(tx, rel, stored), {
      relationshipId,
      kind: "emergency.acknowledged",
      subject: `EMG-${e.number} acknowledged by ${eventActor(tx.actor).name}`,
      body: `${eventActor(tx.actor).name} acknowledged the page ${Math.max(1, Math.round(took / 60_000))} min after the emergency was declared and is responding.`,
      link: link(e),
      severity: "critical",
    });
  });
  return getEmergency(ctx, relationshipId, emergencyId);
}

/** The on-call authority register of the protocol, as the emergency page shows it. */
function registerOf(p: CompiledProtocol) {
  const a = p.doc.emergencies.oncall_authority;
  return {
    withoutApproval: a.without_approval.map((x) => ({ action: x.action, label: x.label })),
    needsApproval: a.needs_approval.map((x) => ({
      action: x.action,
      label: x.label,
      approverRoles: x.approver_roles,
    })),
    outsideRegisterApprovers: [...outsideRegisterApprovers],
  };
}

export async function logEmergencyAction(
  ctx: ServiceContext,
  relationshipId: string,
  emergencyId: string,
  input: { action: string; label?: string; detail: string },
) {
  await step(ctx, relationshipId, emergencyId, "act", async ({ tx, rel, viewer, e, p, now }) => {
    if (e.state === "paging") throw stateConflict(e, "acknowledge the page before logging actions");
    if (e.state === "resolved") throw stateConflict(e, "it is resolved; add a note instead");
    const reg = p.doc.emergencies.oncall_authority;
    const free = reg.without_approval.find((x) => x.action === input.action);
    const gated = reg.needs_approval.find((x) => x.action === input.action);
    if (!free && !gated && input.action !== "other")
      throw fieldError(
        "body.action",
        `not in the on-call authority register; use one of ${[...reg.without_approval, ...reg.needs_approval].map((x) => x.action).join(", ")}, or "other" with a label`,
      );
    if (input.action === "other" && !input.label?.trim())
      throw fieldError(
        "body.label",
        "say what the action is (it is outside the register, so it needs approval)",
      );
    const authority = free ? "without_approval" : gated ? "needs_approval" : "outside_register";
    const approverRoles = free ? null : gated ? gated.approver_roles : [...outsideRegisterApprovers];
    const label = free?.label ?? gated?.label ?? input.label!.trim();
    const [entry] = await tx.db
      .insert(emergencyLog)
      .values({
        relationshipId,
        emergencyId: e.id,
        kind: "action",
        action: input.action,
        label,
        detail: input.detail,
        authority,
        approverRoles,
        state: free ? "done" : "awaiting_approval",
        byUserId: actorUserId(tx),
        byName: eventActor(tx.actor).name,
        side: viewer.side,
        at: new Date(now),
        doneAt: free ? new Date(now) : null,
      })
      .returning();
    const stored = await store(tx, e, {}, now);
    await record(
      tx,
      stored,
      eventActor(tx.actor),
      free ? "emergency.action_taken" : "emergency.approval_requested",
      {
        after: {
          entryId: entry!.id,
          action: input.action,
          label,
          authority,
          detail: input.detail,
          ...(approverRoles ? { approverRoles } : {}),
        },
      },
      now,
    );
    if (approverRoles) {
      const approvers = await membersWithRoles(
        tx.db,
        [rel.clientOrgId, rel.providerOrgId],
        approverRoles as Role[],
      );
      await notifyUsers(tx, approvers, {
        relationshipId,
        kind: "emergency.approval_requested",
        subject: `Approval needed now: ${label} (EMG-${e.number})`,
        body: `${eventActor(tx.actor).name} asks to ${label.toLowerCase()} during emergency EMG-${e.number} (${e.affectedSystem}).\n\n${input.detail}\n\n${authority === "outside_register" ? "This is outside the on-call authority register." : "The on-call authority register says this needs approval."} Approve or decline on the emergency page.`,
        link: link(e),
        severity: "emergency",
      });
    }
  });
  return getEmergency(ctx, relationshipId, emergencyId);
}

async function loadEntry(ctx: ServiceContext, e: EmergencyRow, entryId: string): Promise<LogRow> {
  const [entry] = await ctx.db
    .select()
    .from(emergencyLog)
    .where(
      and(eq(emergencyLog.emergencyId, e.id), eq(emergencyLog.id, entryId), eq(emergencyLog.kind, "action")),
    )
    .for("update");
  if (!entry) throw notFound("action");
  return entry;
}

export async function decideEmergencyAction(
  ctx: ServiceContext,
  relationshipId: string,
  emergencyId: string,
  entryId: string,
  input: { decision: "approve" | "decline"; note?: string },
) {
  await withTransaction(ctx, async (tx) => {
    const { viewer, e } = await loadEmergency(tx, relationshipId, emergencyId, true);
    const entry = await loadEntry(tx, e, entryId);
    const roles = entry.approverRoles ?? [];
    if (!mayApprove(viewer, roles))
      throw forbidden(
        `Only people in these roles approve this action: ${roles.map((r) => r.replaceAll("_", " ")).join(", ")}.`,
      );
    if (entry.state !== "awaiting_approval")
      throw new AppError(
        "conflict",
        `That action is ${(entry.state ?? "done").replaceAll("_", " ")}; only a request still waiting is decided.`,
      );
    const now = tx.clock.now();
    const state = input.decision === "approve" ? "approved" : "declined";
    await tx.db
      .update(emergencyLog)
      .set({
        state,
        decidedBy: actorUserId(tx),
        decidedByName: eventActor(tx.actor).name,
        decidedAt: new Date(now),
        decisionNote: input.note ?? null,
      })
      .where(eq(emergencyLog.id, entry.id));
    const stored = await store(tx, e, {}, now);
    await record(
      tx,
      stored,
      eventActor(tx.actor),
      `emergency.action_${state}`,
      {
        before: { state: "awaiting_approval" },
        after: {
          entryId: entry.id,
          action: entry.action,
          label: entry.label,
          state,
          note: input.note ?? null,
          role: viewer.role,
        },
      },
      now,
    );
    if (entry.byUserId)
      await notifyUsers(tx, [entry.byUserId], {
        relationshipId,
        kind: "emergency.approval_decided",
        subject: `${entry.label}: ${state} by ${eventActor(tx.actor).name} (EMG-${e.number})`,
        body: `${eventActor(tx.actor).name} (${viewer.role.replaceAll("_", " ")}) ${state} "${entry.label}".${input.note ? `\n\n${input.note}` : ""}`,
        link: link(e),
        severity: "emergency",
      });
  });
  return getEmergency(ctx, relationshipId, emergencyId);
}

/** Withdraws a request for approval nobody has decided yet (it is no longer needed). */
export async function withdrawEmergencyAction(
  ctx: ServiceContext,
  relationshipId: string,
  emergencyId: string,
  entryId: string,
  input: { note?: string },
) {
  await step(ctx, relationshipId, emergencyId, "act", async ({ tx, e, now }) => {
    const entry = await loadEntry(tx, e, entryId);
    if (entry.state !== "awaiting_approval")
      throw new AppError(
        "conflict",
        `"${entry.label}" is ${(entry.state ?? "done").replaceAll("_", " ")}; only a request still waiting is withdrawn.`,
      );
    await tx.db
      .update(emergencyLog)
      .set({
        state: "withdrawn",
        decidedBy: actorUserId(tx),
        decidedByName: eventActor(tx.actor).name,
        decidedAt: new Date(now),
        decisionNote: input.note ?? null,
      })
      .where(eq(emergencyLog.id, entry.id));
    const stored = await store(tx, e, {}, now);
    await record(
      tx,
      stored,
      eventActor(tx.actor),
      "emergency.approval_withdrawn",
      {
        before: { state: "awaiting_approval" },
        after: { entryId: entry.id, action: entry.action, label: entry.label, note: input.note ?? null },
      },
      now,
    );
  });
  return getEmergency(ctx, relationshipId, emergencyId);
}

/** Records that an approved action was carried out. */
export async function completeEmergencyAction(
  ctx: ServiceContext,
  relationshipId: string,
  emergencyId: string,
  entryId: string,
  input: { note?: string },
) {
  await step(ctx, relationshipId, emergencyId, "act", async ({ tx, e, now }) => {
    const entry = await loadEntry(tx, e, entryId);
    if (entry.state === "awaiting_approval")
      throw new AppError(
        "conflict",
        `"${entry.label}" still waits for approval; it is not carried out before someone with authority approves it.`,
      );
    if (entry.state !== "approved")
      throw new AppError(
        "conflict",
        `"${entry.label}" is ${entry.state}; only an approved action is marked carried out.`,
      );
    await tx.db
      .update(emergencyLog)
      .set({
        state: "done",
        doneAt: new Date(now),
        ...(input.note ? { detail: `${entry.detail}\n\n${input.note}` } : {}),
      })
      .where(eq(emergencyLog.id, entry.id));
    const stored = await store(tx, e, {}, now);
    await record(
      tx,
      stored,
      eventActor(tx.actor),
      "emergency.action_taken",
      {
        after: {
          entryId: entry.id,
          action: entry.action,
          label: entry.label,
          authority: entry.authority,
          approvedBy: entry.decidedByName,
        },
      },
      now,
    );
  });
  return getEmergency(ctx, relationshipId, emergencyId);
}

export async function addEmergencyNote(
  ctx: ServiceContext,
  relationshipId: string,
  emergencyId: string,
  input: { body: string },
) {
  await step(ctx, relationshipId, emergencyId, "note", async ({ tx, viewer, e, now }) => {
    await tx.db.insert(emergencyLog).values({
      relationshipId,
      emergencyId: e.id,
      kind: "note",
      detail: input.body,
      byUserId: actorUserId(tx),
      byName: eventActor(tx.actor).name,
      side: viewer.side,
      at: new Date(now),
    });
    const stored = await store(tx, e, {}, now);
    await record(
      tx,
      stored,
      eventActor(tx.actor),
      "emergency.note_added",
      { after: { body: input.body, side: viewer.side } },
      now,
    );
  });
  return getEmergency(ctx, relationshipId, emergencyId);
}

/** An update to everyone following: the ticket's investigation update, which keeps the critical cadence. */
export async function postEmergencyUpdate(
  ctx: ServiceContext,
  relationshipId: string,
  emergencyId: string,
  input: UpdateInput,
) {
  await step(ctx, relationshipId, emergencyId, "update", async ({ tx, e }) => {
    if (e.state === "paging") throw stateConflict(e, "acknowledge the page before posting updates");
    if (e.state === "resolved") throw stateConflict(e, "it is resolved");
    await postInvestigationUpdate(tx, relationshipId, e.ticketId, {
      found: input.found,
      trying: input.trying,
      next: input.next,
      ...(input.stuck ? { stuck: true, stuckReason: input.stuckReason } : {}),
    });
    await publishLive(tx, { relationshipId, topic: "emergencies", id: e.id });
  });
  return getEmergency(ctx, relationshipId, emergencyId);
}

/** Resolves the emergency by resolving its ticket (root cause, fix, prevention); the review opens. */
export async function resolveEmergency(
  ctx: ServiceContext,
  relationshipId: string,
  emergencyId: string,
  input: ResolveInput,
) {
  await step(ctx, relationshipId, emergencyId, "resolve", async ({ tx, e }) => {
    if (e.state === "resolved") throw stateConflict(e, "it is already resolved");
    if (e.state === "paging") throw stateConflict(e, "acknowledge the page before resolving");
    const waiting = await tx.db
      .select({ label: emergencyLog.label })
      .from(emergencyLog)
      .where(and(eq(emergencyLog.emergencyId, e.id), eq(emergencyLog.state, "awaiting_approval")));
    if (waiting.length)
      throw new AppError(
        "conflict",
        `Decide or withdraw the requests still waiting for approval first: ${waiting.map((w) => w.label).join(", ")}.`,
      );
    const [t] = await tx.db.select().from(tickets).where(eq(tickets.id, e.ticketId));
    if (t && (t.state === "resolved" || t.state === "closed")) {
      // The ticket was resolved on its own page; close the emergency with it.
      await afterTicketResolved(tx, t, tx.clock.now());
    } else {
      await resolveTicket(tx, relationshipId, e.ticketId, {
        summary: input.summary,
        rootCause: input.rootCause,
        fix: input.fix,
        prevention: input.prevention,
      });
    }
  });
  return getEmergency(ctx, relationshipId, emergencyId);
}

/**
 * Called by the ticket service in the transaction that resolves a ticket: an open emergency on
 * it is resolved, and a review opens for an emergency or a critical ticket.
 */
export async function afterTicketResolved(
  ctx: ServiceContext,
  ticket: TicketRow,
  now: number,
): Promise<void> {
  const [e] = await ctx.db
    .select()
    .from(emergencies)
    .where(and(eq(emergencies.ticketId, ticket.id), ne(emergencies.state, "resolved")))
    .for("update");
  let resolved: EmergencyRow | null;
  if (e) {
    resolved = await store(
      ctx,
      e,
      { state: "resolved", resolvedAt: new Date(now), resolvedBy: actorUserId(ctx), nextPageAt: null },
      now,
    );
    await record(
      ctx,
      resolved,
      eventActor(ctx.actor),
      "emergency.resolved",
      {
        before: { state: e.state },
        after: {
          state: "resolved",
          minutesToResolve: Math.round((now - e.declaredAt.getTime()) / 60_000),
          ...(e.state === "paging" ? { acknowledged: false } : {}),
        },
      },
      now,
    );
  } else {
    const [last] = await ctx.db
      .select()
      .from(emergencies)
      .where(eq(emergencies.ticketId, ticket.id))
      .orderBy(desc(emergencies.declaredAt))
      .limit(1);
    resolved = last ?? null;
  }
  if (resolved || ticket.severity === "critical") await openReview(ctx, ticket, resolved, now);
}

// ---------------------------------------------------------------------------------------------
// Reading

function presentSummary(e: EmergencyRow) {
  return {
    id: e.id,
    number: e.number,
    title: e.title,
    state: e.state,
    affectedSystem: e.affectedSystem,
    ticketId: e.ticketId,
    declaredAt: iso(e.declaredAt)!,
    declaredByName: e.declaredByName,
    acknowledgedAt: iso(e.acknowledgedAt),
    resolvedAt: iso(e.resolvedAt),
    nextPageAt: iso(e.nextPageAt),
    revision: e.revision,
  };
}

export async function listEmergencies(
  ctx: ServiceContext,
  relationshipId: string,
  q: { state?: "open" | "resolved"; ticketId?: string } = {},
) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  const rows = await ctx.db
    .select()
    .from(emergencies)
    .where(
      and(
        eq(emergencies.relationshipId, relationshipId),
        q.state === "open"
          ? ne(emergencies.state, "resolved")
          : q.state === "resolved"
            ? eq(emergencies.state, "resolved")
            : undefined,
        q.ticketId ? eq(emergencies.ticketId, q.ticketId) : undefined,
      ),
    )
    .orderBy(desc(emergencies.declaredAt))
    .limit(200);
  return { emergencies: rows.map(presentSummary), canDeclare: mayAttempt(viewer, "declare") };
}

export async function getEmergency(ctx: ServiceContext, relationshipId: string, emergencyId: string) {
  const { viewer, e } = await loadEmergency(ctx, relationshipId, emergencyId);
  const active = await loadActiveProtocol(ctx.db, relationshipId);
  const [t] = await ctx.db.select().from(tickets).where(eq(tickets.id, e.ticketId));
  const pages = await ctx.db
    .select({
      id: emergencyPages.id,
      step: emergencyPages.step,
      target: emergencyPages.target,
      userId: emergencyPages.userId,
      name: users.name,
      pagedAt: emergencyPages.pagedAt,
      addresses: emergencyPages.addresses,
    })
    .from(emergencyPages)
    .innerJoin(users, eq(users.id, emergencyPages.userId))
    .where(and(eq(emergencyPages.relationshipId, relationshipId), eq(emergencyPages.emergencyId, e.id)))
    .orderBy(asc(emergencyPages.pagedAt), asc(emergencyPages.step));
  const log = await ctx.db
    .select()
    .from(emergencyLog)
    .where(and(eq(emergencyLog.relationshipId, relationshipId), eq(emergencyLog.emergencyId, e.id)))
    .orderBy(asc(emergencyLog.at));
  const [ackName] = e.acknowledgedBy
    ? await ctx.db.select({ name: users.name }).from(users).where(eq(users.id, e.acknowledgedBy))
    : [];
  const plan = await restorationPlanFor(ctx, relationshipId, e.affectedSystem, viewer);
  const me = actorUserId(ctx);
  const open = e.state !== "resolved";
  const [review] = await ctx.db
    .select({
      id: reviewsTable.id,
      number: reviewsTable.number,
      state: reviewsTable.state,
      dueAt: reviewsTable.dueAt,
    })
    .from(reviewsTable)
    .where(eq(reviewsTable.ticketId, e.ticketId));
  return {
    ...presentSummary(e),
    description: e.description,
    criteria: e.criteria,
    acknowledgedByName: ackName?.name ?? null,
    ticket: t
      ? {
          id: t.id,
          number: t.number,
          title: t.title,
          state: t.state,
          severity: t.severity,
          updateDueAt: iso(t.updateDueAt),
          resolutionDueAt: iso(t.resolutionDueAt),
          lastUpdateAt: iso(t.lastUpdateAt),
        }
      : null,
    timeZone: active?.protocol.doc.timezone ?? null,
    updateEvery: active ? active.protocol.doc.severities.critical.updates.every : null,
    acknowledgeWithin: active?.protocol.doc.emergencies.acknowledge_within ?? null,
    chain: e.chain.map((s, i) => ({ step: i, target: s.target, label: s.label, people: s.userIds.length })),
    pageStep: e.pageStep,
    repeats: e.repeats,
    pages: pages.map((p) => ({ ...p, pagedAt: iso(p.pagedAt)! })),
    register: active ? registerOf(active.protocol) : null,
    log: log.map((l) => ({
      id: l.id,
      kind: l.kind,
      action: l.action,
      label: l.label,
      detail: l.detail,
      authority: l.authority,
      approverRoles: l.approverRoles,
      state: l.state,
      byName: l.byName,
      side: l.side,
      at: iso(l.at)!,
      decidedByName: l.decidedByName,
      decidedAt: iso(l.decidedAt),
      decisionNote: l.decisionNote,
      doneAt: iso(l.doneAt),
      canDecide: l.state === "awaiting_approval" && mayApprove(viewer, l.approverRoles ?? []),
    })),
    restorationPlan: plan,
    review: review
      ? { id: review.id, number: review.number, state: review.state, dueAt: iso(review.dueAt)! }
      : null,
    abilities: {
      acknowledge: open && e.state === "paging" && mayAttempt(viewer, "acknowledge"),
      act: e.state === "acknowledged" && mayAttempt(viewer, "act"),
      update: e.state === "acknowledged" && mayAttempt(viewer, "update"),
      note: mayAttempt(viewer, "note"),
      resolve: e.state === "acknowledged" && mayAttempt(viewer, "resolve"),
      pagedMe: me !== null && pages.some((p) => p.userId === me),
    },
  };
}
