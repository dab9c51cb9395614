import { and, asc, desc, eq, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Role } from "../../core/http/actor.ts";
import { appendEvent, type EventActor } from "../../core/events/events.ts";
import { eventActor, type ServiceContext, withTransaction } from "../../core/http/context.ts";
import { AppError, forbidden, notFound } from "../../core/http/errors.ts";
import { queueNames } from "../../core/jobs/jobs.ts";
import { addBusinessTime } from "../../core/time/calendar.ts";
import { emitWebhookEvent, membersWithRoles, notifyUsers, publishLive } from "../../core/notify/notify.ts";
import { memberships, relationships, users } from "../identity/identity.tables.ts";
import type { RelationshipViewer } from "../identity/identity.policy.ts";
import { getRelationshipForViewer } from "../identity/relationships.service.ts";
import { type CompiledProtocol, durationMs, suggestSeverity } from "../protocol/protocol.compile.ts";
import type { ClockName, Severity } from "../protocol/protocol.document.ts";
import { parseDuration } from "../protocol/protocol.durations.ts";
import { loadActiveProtocol, requireActiveProtocol } from "../protocol/protocol.service.ts";
import {
  canRaiseTickets,
  canSeeTicket,
  actionRefusals,
  isProviderStaff,
  mayAttempt,
  seesOnlyOwn,
  type TicketAction,
  type TicketAbilities,
  ticketAbilities,
} from "./tickets.policy.ts";
import {
  type ClockFacts,
  type ClockView,
  escalationTriggerAt,
  pausingStates,
  ticketClocks,
  updateClientNoticeAt,
} from "./tickets.clocks.ts";
import { afterTicketResolved } from "../oncall/emergencies.service.ts";
import { ticketCounters, ticketEntries, ticketMarks, ticketPauses, tickets } from "./tickets.tables.ts";

export type TicketRow = typeof tickets.$inferSelect;
type PauseRow = typeof ticketPauses.$inferSelect;
type EntryRow = typeof ticketEntries.$inferSelect;
/** The two organizations of a relationship: what escalation and recipients need of it. */
type Parties = Pick<typeof relationships.$inferSelect, "clientOrgId" | "providerOrgId">;
type Side = "client" | "provider" | "system";

const SYSTEM: EventActor = { type: "system", id: null, name: "Liaison" };

// ---------------------------------------------------------------------------------------------
// Loading

/** The acting person's or token's id, as tickets record who raised them. */
function actorId(ctx: ServiceContext): string {
  const a = ctx.actor!;
  return a.type === "user" ? a.userId : a.tokenId;
}

/**
 * Loads a ticket the caller may see (404 otherwise, including other relationships' tickets and,
 * for client members, other people's tickets). With `lock`, the row is locked for the rest of the
 * caller's transaction, so concurrent changes and timers apply one after another.
 */
async function loadTicket(
  ctx: ServiceContext,
  relationshipId: string,
  ticketId: string,
  opts: { lock?: boolean } = {},
) {
  const { row: rel, viewer } = await getRelationshipForViewer(ctx, relationshipId);
  const q = ctx.db
    .select()
    .from(tickets)
    .where(and(eq(tickets.relationshipId, relationshipId), eq(tickets.id, ticketId)));
  const [ticket] = opts.lock ? await q.for("update") : await q;
  if (!ticket || !canSeeTicket(viewer, actorId(ctx), ticket)) throw notFound("ticket");
  return { rel, viewer, ticket };
}

async function pausesOf(ctx: ServiceContext, ticket: TicketRow): Promise<PauseRow[]> {
  return ctx.db
    .select()
    .from(ticketPauses)
    .where(and(eq(ticketPauses.relationshipId, ticket.relationshipId), eq(ticketPauses.ticketId, ticket.id)))
    .orderBy(asc(ticketPauses.since));
}

const ms = (d: Date | null) => (d ? d.getTime() : null);
/** Epoch ms as ISO 8601 for responses. */
const isoAt = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const isoDate = (d: Date | null) => (d ? d.toISOString() : null);

export function clockFacts(ticket: TicketRow, pauses: readonly PauseRow[]): ClockFacts {
  return {
    severity: ticket.severity,
    state: ticket.state,
    createdAt: ticket.createdAt.getTime(),
    acknowledgedAt: ms(ticket.acknowledgedAt),
    lastUpdateAt: ms(ticket.lastUpdateAt),
    resolvedAt: ms(ticket.resolvedAt),
    pauses: pauses.map((p) => ({
      clock: p.clock,
      since: p.since.getTime(),
      until: ms(p.until),
      reason: p.reason,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// What is due: the thresholds a timer acts on

export interface DueItem {
  /** The mark that records it was acted on (unique per ticket). */
  mark: string;
  at: number;
  kind: "warning" | "breach" | "update_overdue" | "update_overdue_client" | "escalate" | "close";
  clock?: ClockName;
  pct?: number;
  level?: string;
}

/** Everything that will need acting on for this ticket, in time order, whether or not already marked. */
export function dueItems(
  p: CompiledProtocol,
  ticket: Pick<TicketRow, "state" | "escalationLevel" | "closeDueAt">,
  views: Record<ClockName, ClockView>,
): DueItem[] {
  const items: DueItem[] = [];
  if (ticket.state === "closed") return items;
  for (const clock of ["response", "resolution"] as const) {
    const v = views[clock];
    if (v.stoppedAt !== null || v.startedAt === null) continue;
    for (const th of v.thresholds) {
      if (th.at === null) continue;
      items.push(
        th.pct === 100
          ? { mark: `${clock}:100`, at: th.at, kind: "breach", clock, pct: 100 }
          : { mark: `${clock}:${th.pct}`, at: th.at, kind: "warning", clock, pct: th.pct },
      );
    }
  }
  const u = views.updates;
  if (u.stoppedAt === null && u.startedAt !== null && u.dueAt !== null) {
    items.push({ mark: `updates:100:${u.startedAt}`, at: u.dueAt, kind: "update_overdue", clock: "updates" });
    const clientAt = updateClientNoticeAt(p, u);
    if (clientAt !== null)
      items.push({
        mark: `updates:client:${u.startedAt}`,
        at: clientAt,
        kind: "update_overdue_client",
        clock: "updates",
      });
  }
  const levels = p.doc.escalation.levels;
  const current = levels.findIndex((l) => l.id === ticket.escalationLevel);
  if (ticket.state !== "resolved")
    levels.forEach((level, i) => {
      if (i <= current) return;
      const at = escalationTriggerAt(p, views, level.trigger);
      if (at !== null) items.push({ mark: `escalate:${level.id}`, at, kind: "escalate", level: level.id });
    });
  if (ticket.state === "resolved" && ticket.closeDueAt)
    items.push({
      mark: `close:${ticket.closeDueAt.getTime()}`,
      at: ticket.closeDueAt.getTime(),
      kind: "close",
    });
  return items.sort((a, b) => a.at - b.at);
}

async function marksOf(ctx: ServiceContext, ticketId: string): Promise<Set<string>> {
  const rows = await ctx.db
    .select({ mark: ticketMarks.mark })
    .from(ticketMarks)
    .where(eq(ticketMarks.ticketId, ticketId));
  return new Set(rows.map((r) => r.mark));
}

// ---------------------------------------------------------------------------------------------
// Settling: pauses, deadlines and the next check, after any change

/**
 * Brings a ticket's derived state in line with its facts, inside the caller's transaction:
 * opens or closes pauses for the state it is now in (under the active protocol), recomputes the
 * stored deadlines, and the next time a timer must look at it; queues that timer. Returns the row
 * as stored.
 */
async function settle(
  ctx: ServiceContext,
  ticket: TicketRow,
  active: { versionId: string; protocol: CompiledProtocol },
  now: number,
  opts: { marks?: Set<string>; pauses?: PauseRow[]; changes?: Partial<TicketRow> } = {},
): Promise<TicketRow> {
  const p = active.protocol;
  const next: TicketRow = { ...ticket, ...opts.changes };
  let pauses = opts.pauses ?? (await pausesOf(ctx, ticket));
  const at = new Date(now);
  for (const clock of ["response", "resolution", "updates"] as const) {
    const shouldPause = pausingStates(p, clock).has(next.state);
    const open = pauses.find((x) => x.clock === clock && x.until === null);
    if (shouldPause && !open) {
      const [row] = await ctx.db
        .insert(ticketPauses)
        .values({
          relationshipId: ticket.relationshipId,
          ticketId: ticket.id,
          clock,
          reason: next.state,
          since: at,
        })
        .returning();
      pauses = [...pauses, row!];
    } else if (!shouldPause && open) {
      await ctx.db.update(ticketPauses).set({ until: at }).where(eq(ticketPauses.id, open.id));
      pauses = pauses.map((x) => (x.id === open.id ? { ...x, until: at } : x));
    }
  }
  const views = ticketClocks(p, clockFacts(next, pauses), now);
  const marks = opts.marks ?? (await marksOf(ctx, ticket.id));
  const pending = dueItems(p, next, views).filter((i) => !marks.has(i.mark));
  const nextCheck = pending[0]?.at ?? null;
  const date = (t: number | null) => (t === null ? null : new Date(t));
  const values = {
    ...opts.changes,
    protocolVersionId: active.versionId,
    responseDueAt: date(views.response.dueAt),
    resolutionDueAt: date(views.resolution.dueAt),
    updateDueAt: date(views.updates.stoppedAt === null ? views.updates.dueAt : null),
    nextCheckAt: date(nextCheck),
    updatedAt: at,
    revision: ticket.revision + 1,
  };
  const [stored] = await ctx.db.update(tickets).set(values).where(eq(tickets.id, ticket.id)).returning();
  if (nextCheck !== null && nextCheck !== ms(ticket.nextCheckAt)) {
    // The job is only the wake-up call; the row above is what the timer acts on.
    await ctx.jobs?.send(
      ctx.db,
      queueNames.ticketTimer,
      { ticketId: ticket.id, relationshipId: ticket.relationshipId },
      { startAfter: new Date(nextCheck), singletonKey: `${ticket.id}:${nextCheck}` },
    );
  }
  return stored!;
}

// ---------------------------------------------------------------------------------------------
// People

/** Everyone who has taken part in a ticket: reporter, assignee, authors of entries, escalation holders' requesters. */
async function participantsOf(ctx: ServiceContext, ticket: TicketRow): Promise<string[]> {
  const rows = await ctx.db
    .selectDistinct({ id: ticketEntries.authorId })
    .from(ticketEntries)
    .where(
      and(eq(ticketEntries.relationshipId, ticket.relationshipId), eq(ticketEntries.ticketId, ticket.id)),
    );
  const ids = new Set<string>();
  for (const r of rows) if (r.id) ids.add(r.id);
  if (ticket.reporterId) ids.add(ticket.reporterId);
  if (ticket.assigneeId) ids.add(ticket.assigneeId);
  return [...ids];
}

/** The people who hold an escalation level: members of that side's organization in its roles, and the people it names. */
export async function levelHolders(
  ctx: ServiceContext,
  rel: { clientOrgId: string; providerOrgId: string },
  level: { side: "client" | "provider"; roles: readonly Role[]; people: readonly string[] },
): Promise<{ userId: string; name: string; email: string; role: Role }[]> {
  const orgId = level.side === "client" ? rel.clientOrgId : rel.providerOrgId;
  const conditions: SQL[] = [];
  if (level.roles.length) conditions.push(inArray(memberships.role, [...level.roles]));
  if (level.people.length)
    conditions.push(
      inArray(
        sql`lower(${users.email})`,
        level.people.map((e) => e.toLowerCase()),
      ),
    );
  if (!conditions.length) return [];
  const rows = await ctx.db
    .select({ userId: users.id, name: users.name, email: users.email, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), or(...conditions)))
    .orderBy(asc(users.name));
  return rows.map((r) => ({ ...r, role: r.role as Role }));
}

// ---------------------------------------------------------------------------------------------
// Recording: entries, events, notifications, webhooks, live pings

interface Record_ {
  action: string;
  entry?: {
    kind: EntryRow["kind"];
    body?: string;
    data?: Record<string, unknown>;
    emailMessageId?: string | null;
  };
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  notify?: { userIds: Iterable<string>; subject: string; body: string; urgent?: boolean };
  webhook?: Record<string, unknown>;
}

const ticketLabel = (t: Pick<TicketRow, "number" | "title">) => `#${t.number} ${t.title}`;
const ticketLink = (t: Pick<TicketRow, "relationshipId" | "id">) => `/r/${t.relationshipId}/tickets/${t.id}`;

async function record(
  ctx: ServiceContext,
  ticket: TicketRow,
  who: { actor: EventActor; side: Side; userId: string | null },
  r: Record_,
  now: number,
): Promise<void> {
  if (r.entry) {
    await ctx.db.insert(ticketEntries).values({
      relationshipId: ticket.relationshipId,
      ticketId: ticket.id,
      kind: r.entry.kind,
      authorId: who.userId,
      authorName: who.actor.name,
      side: who.side,
      body: r.entry.body ?? "",
      data: r.entry.data ?? null,
      emailMessageId: r.entry.emailMessageId ?? null,
      createdAt: new Date(now),
    });
  }
  if (r.notify) {
    const recipients = [...new Set(r.notify.userIds)].filter((id) => id !== who.userId);
    await notifyUsers(ctx, recipients, {
      relationshipId: ticket.relationshipId,
      kind: r.action,
      subject: r.notify.subject,
      body: r.notify.body,
      link: ticketLink(ticket),
      data: { ticketId: ticket.id, number: ticket.number },
      severity: ticket.severity,
      thread: { key: `ticket-${ticket.id}`, subject: `[#${ticket.number}] ${ticket.title}` },
    });
  }
  await emitWebhookEvent(ctx, ticket.relationshipId, r.action, {
    ticket: webhookTicket(ticket),
    ...(r.webhook ?? {}),
  });
  await publishLive(ctx, { relationshipId: ticket.relationshipId, topic: "tickets", id: ticket.id });
  // Last: the event chain's head is locked from here to commit, so keep that stretch short.
  await appendEvent(ctx.db, {
    scope: "relationship",
    chain: ticket.relationshipId,
    relationshipId: ticket.relationshipId,
    actor: who.actor,
    action: r.action,
    subject: { type: "ticket", id: ticket.id, label: ticketLabel(ticket) },
    before: r.before ?? null,
    after: r.after ?? null,
    requestId: ctx.requestId,
    occurredAt: now,
  });
}

const webhookTicket = (t: TicketRow) => ({
  id: t.id,
  number: t.number,
  title: t.title,
  severity: t.severity,
  state: t.state,
  assigneeId: t.assigneeId,
  escalationLevel: t.escalationLevel,
  responseDueAt: t.responseDueAt?.toISOString() ?? null,
  resolutionDueAt: t.resolutionDueAt?.toISOString() ?? null,
  updateDueAt: t.updateDueAt?.toISOString() ?? null,
});

function who(ctx: ServiceContext, viewer: RelationshipViewer) {
  return {
    actor: eventActor(ctx.actor),
    side: viewer.side as Side,
    userId: ctx.actor?.type === "user" ? ctx.actor.userId : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Intake

export interface ImpactInput {
  peopleAffected: "one" | "team" | "many" | "everyone";
  workaround: boolean;
  criticalFunctionStopped: boolean;
}

export interface CreateTicketInput {
  title: string;
  description: string;
  impact: ImpactInput;
  severity?: Severity;
  severityReason?: string;
  affectedSystems?: string[];
  affectedPeopleCount?: number;
  /** Raising on behalf of someone (provider staff, API tokens, email intake). */
  reporter?: { email: string; name?: string };
}

/** The intake form: the protocol's impact questions, each severity's meaning, and the suggestion rules. */
export async function getIntakeForm(ctx: ServiceContext, relationshipId: string) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  const active = await requireActiveProtocol(ctx.db, relationshipId, "tickets can be raised");
  const doc = active.protocol.doc;
  return {
    canRaise: canRaiseTickets(viewer),
    protocolVersion: active.number,
    peopleAffected: doc.impact_matrix.people_affected,
    severities: (["critical", "high", "medium", "low"] as const).map((key) => {
      const s = doc.severities[key];
      return {
        key,
        name: s.name,
        impact: s.impact,
        examples: s.examples ?? [],
        response: s.response,
        resolution: s.resolution,
        updates: s.updates,
      };
    }),
    rules: doc.impact_matrix.rules.map((r) => ({
      peopleAffected: r.people_affected ?? null,
      workaround: r.workaround ?? null,
      criticalFunctionStopped: r.critical_function_stopped ?? null,
      severity: r.severity,
    })),
  };
}

/** The severity the protocol's matrix suggests for these answers. */
export async function suggestTicketSeverity(
  ctx: ServiceContext,
  relationshipId: string,
  impact: ImpactInput,
) {
  await getRelationshipForViewer(ctx, relationshipId);
  const active = await requireActiveProtocol(ctx.db, relationshipId, "tickets can be raised");
  return { severity: suggestSeverity(active.protocol, impact) };
}

/** Finds the client-side person behind an email address, if they are a member of this relationship's client. */
async function clientPersonByEmail(ctx: ServiceContext, rel: Parties, email: string) {
  const [row] = await ctx.db
    .select({ userId: users.id, name: users.name, email: users.email })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(
      and(eq(sql`lower(${users.email})`, email.trim().toLowerCase()), eq(memberships.orgId, rel.clientOrgId)),
    );
  return row ?? null;
}

/**
 * Raises a ticket. The matrix suggests a severity from the impact answers; choosing another
 * needs a reason, recorded and shown to both sides. Clocks start at once on the active protocol.
 */
export async function createTicket(
  ctx: ServiceContext,
  relationshipId: string,
  input: CreateTicketInput,
  source: "web" | "api" | "email",
  opts: { emailMessageId?: string | null } = {},
) {
  const { row: rel, viewer } = await getRelationshipForViewer(ctx, relationshipId);
  if (!canRaiseTickets(viewer)) throw forbidden(actionRefusals.raise);
  const active = await requireActiveProtocol(ctx.db, relationshipId, "tickets can be raised");
  const suggested = suggestSeverity(active.protocol, input.impact);
  const severity = input.severity ?? suggested;
  const reason = input.severityReason?.trim() || null;
  if (severity !== suggested && !reason)
    throw new AppError(
      "validation_failed",
      "Choosing another severity than the protocol suggests needs a reason.",
      {
        errors: [
          {
            path: "body.severityReason",
            message: `the impact answers suggest ${suggested}; say why this is ${severity}, or choose ${suggested}`,
          },
        ],
      },
    );
  const actor = ctx.actor!;
  let reporter: { id: string | null; name: string; email: string };
  if (input.reporter) {
    if (viewer.side === "client" && viewer.role === "member" && actor.type === "user")
      throw forbidden("Members raise tickets for themselves; leave out reporter.");
    const person = await clientPersonByEmail(ctx, rel, input.reporter.email);
    reporter = person
      ? { id: person.userId, name: person.name, email: person.email }
      : { id: null, name: input.reporter.name?.trim() || input.reporter.email, email: input.reporter.email };
  } else if (actor.type === "user" && viewer.side === "client") {
    reporter = { id: actor.userId, name: actor.name, email: actor.email };
  } else {
    throw new AppError("validation_failed", "Say who is affected: the reporter.", {
      errors: [
        {
          path: "body.reporter",
          message:
            actor.type === "token"
              ? "API tokens raise tickets on behalf of a person; send reporter {email, name}"
              : "provider staff raise tickets on behalf of a client person; send reporter {email, name}",
        },
      ],
    });
  }
  // The number is taken in its own short statement before the transaction: the counter row is
  // then locked for microseconds, not for the whole creation (concurrent creations in one
  // relationship would otherwise queue behind it). A creation that fails after this leaves a gap.
  const [counter] = await ctx.db
    .insert(ticketCounters)
    .values({ relationshipId, last: 1 })
    .onConflictDoUpdate({
      target: ticketCounters.relationshipId,
      set: { last: sql`${ticketCounters.last} + 1` },
    })
    .returning();
  return withTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const at = new Date(now);
    const [created] = await tx.db
      .insert(tickets)
      .values({
        relationshipId,
        number: counter!.last,
        title: input.title.trim(),
        description: input.description.trim(),
        reporterId: reporter.id,
        reporterName: reporter.name,
        reporterEmail: reporter.email,
        raisedById: actorId(tx),
        source,
        severity,
        suggestedSeverity: suggested,
        severityReason: severity !== suggested ? reason : null,
        peopleAffected: input.impact.peopleAffected,
        workaround: input.impact.workaround,
        criticalFunctionStopped: input.impact.criticalFunctionStopped,
        affectedSystems: (input.affectedSystems ?? []).map((s) => s.trim()).filter(Boolean),
        affectedPeopleCount: input.affectedPeopleCount ?? null,
        state: "new",
        createdAt: at,
        updatedAt: at,
        protocolVersionId: active.versionId,
      })
      .returning();
    const ticket = await settle(tx, created!, active, now, { marks: new Set(), pauses: [] });
    const triage = ticket.assigneeId
      ? [ticket.assigneeId]
      : await membersWithRoles(tx.db, [rel.providerOrgId], ["technician", "senior_technician"]);
    await record(
      tx,
      ticket,
      who(tx, viewer),
      {
        action: "ticket.created",
        entry: {
          kind: "created",
          body: ticket.description,
          data: { severity, suggested, reason: ticket.severityReason, source },
          emailMessageId: opts.emailMessageId ?? null,
        },
        after: {
          number: ticket.number,
          severity,
          suggestedSeverity: suggested,
          severityReason: ticket.severityReason,
          reporter: reporter.email,
          source,
          responseDueAt: ticket.responseDueAt?.toISOString() ?? null,
          resolutionDueAt: ticket.resolutionDueAt?.toISOString() ?? null,
        },
        notify: {
          userIds: triage,
          subject: `New ${severity} ticket #${ticket.number}: ${ticket.title}`,
          body:
            `${reporter.name} raised a ${severity} ticket: ${ticket.title}.\n\n${ticket.description}\n\n` +
            (ticket.responseDueAt ? `Acknowledge by ${ticket.responseDueAt.toISOString()}.` : ""),
          urgent: severity === "critical",
        },
      },
      now,
    );
    return presentSummary(ticket, active.protocol, [], now);
  });
}

// ---------------------------------------------------------------------------------------------
// Changes by people

interface ChangeContext {
  tx: ServiceContext;
  rel: Parties;
  viewer: RelationshipViewer;
  ticket: TicketRow;
  active: { versionId: string; number: number; protocol: CompiledProtocol };
  abilities: TicketAbilities;
  now: number;
}

/**
 * Runs one change to a ticket: in a transaction, with the ticket locked, the viewer's abilities
 * computed on the locked row, and `expectedRevision` checked when the caller sent one.
 */
async function change<T>(
  ctx: ServiceContext,
  relationshipId: string,
  ticketId: string,
  action: TicketAction,
  expectedRevision: number | undefined,
  fn: (c: ChangeContext) => Promise<T>,
): Promise<T> {
  return withTransaction(ctx, async (tx) => {
    const { rel, viewer, ticket } = await loadTicket(tx, relationshipId, ticketId, { lock: true });
    if (!mayAttempt(viewer, action)) throw forbidden(actionRefusals[action]);
    if (expectedRevision !== undefined && expectedRevision !== ticket.revision)
      throw new AppError(
        "conflict",
        `Ticket #${ticket.number} changed since you loaded it (revision ${ticket.revision}, you had ${expectedRevision}); reload and try again.`,
      );
    const active = await requireActiveProtocol(tx.db, relationshipId, "tickets can be raised");
    const abilities = ticketAbilities(viewer, actorId(tx), ticket, active.protocol.doc);
    return fn({ tx, rel, viewer, ticket, active, abilities, now: tx.clock.now() });
  });
}

function require_(allowed: boolean, why: string): void {
  if (!allowed) throw forbidden(why);
}

function stateConflict(ticket: TicketRow, what: string): AppError {
  return new AppError(
    "conflict",
    `Ticket #${ticket.number} is ${ticket.state.replaceAll("_", " ")}; ${what}.`,
  );
}

/**
 * Moves a ticket to another state inside a running change: settles its clocks (pauses follow the
 * new state), then records the step on the timeline and in the audit trail and tells the
 * ticket's participants. `data` and `after` add what is particular to the step.
 */
async function moveTo(
  c: Pick<ChangeContext, "tx" | "active" | "now">,
  ticket: TicketRow,
  actor: { actor: EventActor; side: Side; userId: string | null },
  to: TicketRow["state"],
  step: {
    action: string;
    note: string;
    changes?: Partial<TicketRow>;
    data?: Record<string, unknown>;
    after?: (moved: TicketRow) => Record<string, unknown>;
    subject: string;
    body: string;
    urgent?: boolean;
  },
): Promise<TicketRow> {
  const moved = await settle(c.tx, ticket, c.active, c.now, { changes: { ...step.changes, state: to } });
  await record(
    c.tx,
    moved,
    actor,
    {
      action: step.action,
      entry: { kind: "state", body: step.note, data: { from: ticket.state, to, ...step.data } },
      before: { state: ticket.state },
      after: { state: to, ...step.data, ...step.after?.(moved) },
      notify: {
        userIds: await participantsOf(c.tx, moved),
        subject: `#${moved.number} ${step.subject}: ${moved.title}`,
        body: step.body,
        urgent: step.urgent,
      },
    },
    c.now,
  );
  return moved;
}

const withNote = (text: string, note?: string) => (note ? `${text}\n\n${note}` : text);

export async function acknowledgeTicket(
  ctx: ServiceContext,
  relationshipId: string,
  ticketId: string,
  input: { note?: string; revision?: number },
) {
  return change(ctx, relationshipId, ticketId, "acknowledge", input.revision, async (c) => {
    if (c.ticket.state !== "new") throw stateConflict(c.ticket, "only a new ticket is acknowledged");
    require_(c.abilities.acknowledge, "Provider staff acknowledge tickets.");
    const me = c.tx.actor?.type === "user" ? c.tx.actor.userId : null;
    const withinTarget = c.ticket.responseDueAt ? c.now <= c.ticket.responseDueAt.getTime() : true;
    return moveTo(c, c.ticket, who(c.tx, c.viewer), "acknowledged", {
      action: "ticket.acknowledged",
      note: input.note ?? "",
      changes: { acknowledgedAt: new Date(c.now), assigneeId: c.ticket.assigneeId ?? me },
      data: { withinTarget },
      after: (t) => ({ assigneeId: t.assigneeId }),
      subject: "acknowledged",
      body: withNote(
        `${eventActor(c.tx.actor).name} acknowledged the ticket and started investigating.`,
        input.note,
      ),
    });
  });
}

export async function assignTicket(
  ctx: ServiceContext,
  relationshipId: string,
  ticketId: string,
  input: { assigneeId: string | null; revision?: number },
) {
  return change(ctx, relationshipId, ticketId, "assign", input.revision, async (c) => {
    require_(c.abilities.assign, "Provider staff assign open tickets.");
    if (input.assigneeId) {
      const [m] = await c.tx.db
        .select({ role: memberships.role })
        .from(memberships)
        .where(and(eq(memberships.userId, input.assigneeId), eq(memberships.orgId, c.rel.providerOrgId)));
      if (!m)
        throw new AppError("validation_failed", "The assignee must be on the provider's staff.", {
          errors: [{ path: "body.assigneeId", message: "not a member of the provider organization" }],
        });
    }
    const ticket = await settle(c.tx, c.ticket, c.active, c.now, {
      changes: { assigneeId: input.assigneeId },
    });
    await record(
      c.tx,
      ticket,
      who(c.tx, c.viewer),
      {
        action: "ticket.assigned",
        entry: { kind: "assignment", data: { from: c.ticket.assigneeId, to: input.assigneeId } },
        before: { assigneeId: c.ticket.assigneeId },
        after: { assigneeId: input.assigneeId },
        notify: input.assigneeId
          ? {
              userIds: [input.assigneeId],
              subject: `#${ticket.number} assigned to you: ${ticket.title}`,
              body: `${eventActor(c.tx.actor).name} assigned you ticket #${ticket.number} (${ticket.severity}).`,
            }
          : undefined,
      },
      c.now,
    );
    return ticket;
  });
}

export interface UpdateInput {
  found: string;
  trying: string;
  next: string;
  stuck?: boolean;
  stuckReason?: string;
  revision?: number;
}

/**
 * A structured investigation update. It restarts the update clock; the first one moves an
 * acknowledged ticket to in progress. "Stuck — need help" escalates to the next provider level.
 */
export async function postInvestigationUpdate(
  ctx: ServiceContext,
  relationshipId: string,
  ticketId: string,
  input: UpdateInput,
) {
  return change(ctx, relationshipId, ticketId, "update", input.revision, async (c) => {
    if (!(
      c.ticket.state === "acknowledged" ||
      c.ticket.state === "in_progress" ||
      c.ticket.state === "waiting_on_client"
    ))
      throw stateConflict(c.ticket, "updates are posted on acknowledged tickets still open");
    require_(c.abilities.update, "Provider staff post investigation updates.");
    const state = c.ticket.state === "acknowledged" ? "in_progress" : c.ticket.state;
    let ticket = await settle(c.tx, c.ticket, c.active, c.now, {
      changes: { state, lastUpdateAt: new Date(c.now) },
    });
    const stuck = !!input.stuck;
    await record(
      c.tx,
      ticket,
      who(c.tx, c.viewer),
      {
        action: "ticket.update_posted",
        entry: {
          kind: "update",
          data: {
            found: input.found,
            trying: input.trying,
            next: input.next,
            stuck,
            stuckReason: input.stuckReason ?? null,
          },
        },
        after: { stuck, state },
        notify: {
          userIds: await participantsOf(c.tx, ticket),
          subject: `#${ticket.number} update${stuck ? " — stuck, help needed" : ""}: ${ticket.title}`,
          body: `Found: ${input.found}\nTrying: ${input.trying}\nNext: ${input.next}${stuck ? `\n\nStuck — need help${input.stuckReason ? `: ${input.stuckReason}` : ""}` : ""}`,
        },
        webhook: { update: { found: input.found, trying: input.trying, next: input.next, stuck } },
      },
      c.now,
    );
    if (stuck) {
      const levels = c.active.protocol.doc.escalation.levels;
      const current = levels.findIndex((l) => l.id === ticket.escalationLevel);
      const target =
        levels.find((l, i) => i > current && l.side === "provider") ?? levels.find((_, i) => i > current);
      if (target)
        ticket = await escalateWithin(c, ticket, target.id, {
          reason: `Stuck — need help${input.stuckReason ? `: ${input.stuckReason}` : ""}`,
          automatic: false,
          trigger: "stuck",
        });
    }
    return ticket;
  });
}

export async function commentOnTicket(
  ctx: ServiceContext,
  relationshipId: string,
  ticketId: string,
  input: { body: string; emailMessageId?: string | null; revision?: number },
) {
  return change(ctx, relationshipId, ticketId, "comment", input.revision, async (c) => {
    require_(
      c.abilities.comment,
      c.ticket.state === "closed"
        ? "A closed ticket takes no comments; reopen it."
        : "Advisors read tickets; they do not comment.",
    );
    // A reply from the client to a ticket waiting on it hands it back to the provider.
    const resumes = c.ticket.state === "waiting_on_client" && c.viewer.side === "client";
    const ticket = resumes
      ? await settle(c.tx, c.ticket, c.active, c.now, { changes: { state: "in_progress" } })
      : await c.tx.db
          .update(tickets)
          .set({ updatedAt: new Date(c.now), revision: c.ticket.revision + 1 })
          .where(eq(tickets.id, c.ticket.id))
          .returning()
          .then((r) => r[0]!);
    await record(
      c.tx,
      ticket,
      who(c.tx, c.viewer),
      {
        action: "ticket.commented",
        entry: { kind: "comment", body: input.body, emailMessageId: input.emailMessageId ?? null },
        after: resumes ? { state: "in_progress", resumedByReply: true } : null,
        notify: {
          userIds: await participantsOf(c.tx, ticket),
          subject: `#${ticket.number} new comment: ${ticket.title}`,
          body: `${eventActor(c.tx.actor).name}: ${input.body}`,
        },
        webhook: { comment: { body: input.body } },
      },
      c.now,
    );
    return ticket;
  });
}

export async function waitOnClient(
  ctx: ServiceContext,
  relationshipId: string,
  ticketId: string,
  input: { question: string; revision?: number },
) {
  return change(ctx, relationshipId, ticketId, "waitOnClient", input.revision, async (c) => {
    if (c.ticket.state !== "acknowledged" && c.ticket.state !== "in_progress")
      throw stateConflict(c.ticket, "only an acknowledged or in-progress ticket waits on the client");
    require_(c.abilities.waitOnClient, "Provider staff put a ticket on hold for the client.");
    return moveTo(c, c.ticket, who(c.tx, c.viewer), "waiting_on_client", {
      action: "ticket.waiting_on_client",
      note: input.question,
      subject: "needs your answer",
      body: `${eventActor(c.tx.actor).name} needs something from you before work can continue:\n\n${input.question}\n\nReply to this message or on the ticket page.`,
    });
  });
}

export async function resumeTicket(
  ctx: ServiceContext,
  relationshipId: string,
  ticketId: string,
  input: { note?: string; revision?: number },
) {
  return change(ctx, relationshipId, ticketId, "resume", input.revision, async (c) => {
    if (c.ticket.state !== "waiting_on_client")
      throw stateConflict(c.ticket, "only a ticket waiting on the client resumes");
    require_(c.abilities.resume, "Provider staff, the reporter or the client's IT contact resume a ticket.");
    return moveTo(c, c.ticket, who(c.tx, c.viewer), "in_progress", {
      action: "ticket.resumed",
      note: input.note ?? "",
      subject: "back in progress",
      body: withNote(`${eventActor(c.tx.actor).name} resumed the ticket.`, input.note),
    });
  });
}

export async function changeSeverity(
  ctx: ServiceContext,
  relationshipId: string,
  ticketId: string,
  input: { severity: Severity; reason: string; revision?: number },
) {
  return change(ctx, relationshipId, ticketId, "changeSeverity", input.revision, async (c) => {
    require_(
      c.abilities.changeSeverity,
      "Provider staff, the reporter or the client's IT contact, approver or executive change the severity of an open ticket.",
    );
    if (input.severity === c.ticket.severity)
      throw new AppError("conflict", `Ticket #${c.ticket.number} is already ${input.severity}.`);
    // Deadlines are recomputed from the ticket's start with the new targets; pauses already
    // accrued are kept (they are facts in ticket_pauses, not part of a deadline).
    const ticket = await settle(c.tx, c.ticket, c.active, c.now, { changes: { severity: input.severity } });
    await record(
      c.tx,
      ticket,
      who(c.tx, c.viewer),
      {
        action: "ticket.severity_changed",
        entry: {
          kind: "severity",
          body: input.reason,
          data: { from: c.ticket.severity, to: input.severity },
        },
        before: {
          severity: c.ticket.severity,
          resolutionDueAt: c.ticket.resolutionDueAt?.toISOString() ?? null,
        },
        after: {
          severity: input.severity,
          reason: input.reason,
          resolutionDueAt: ticket.resolutionDueAt?.toISOString() ?? null,
        },
        notify: {
          userIds: await participantsOf(c.tx, ticket),
          subject: `#${ticket.number} is now ${input.severity}: ${ticket.title}`,
          body: `${eventActor(c.tx.actor).name} changed the severity from ${c.ticket.severity} to ${input.severity}: ${input.reason}`,
          urgent: input.severity === "critical",
        },
      },
      c.now,
    );
    return ticket;
  });
}

/** Escalates inside a change already running (manual, stuck, or a timer's trigger). */
async function escalateWithin(
  c: Pick<ChangeContext, "tx" | "rel" | "active" | "now"> & { viewer?: RelationshipViewer },
  ticket: TicketRow,
  levelId: string,
  opts: { reason: string; automatic: boolean; trigger: string; dueAt?: number },
): Promise<TicketRow> {
  const levels = c.active.protocol.doc.escalation.levels;
  const index = levels.findIndex((l) => l.id === levelId);
  const level = levels[index]!;
  // Every automatic trigger up to this level is now spent: they must not fire later, nor after a
  // de-escalation.
  await c.tx.db
    .insert(ticketMarks)
    .values(
      levels.slice(0, index + 1).map((l) => ({
        ticketId: ticket.id,
        mark: `escalate:${l.id}`,
        relationshipId: ticket.relationshipId,
        dueAt: new Date(opts.dueAt ?? c.now),
        firedAt: new Date(c.now),
      })),
    )
    .onConflictDoNothing();
  const before = ticket.escalationLevel;
  const updated = await settle(c.tx, ticket, c.active, c.now, { changes: { escalationLevel: level.id } });
  const holders = await levelHolders(c.tx, c.rel, level);
  const participants = await participantsOf(c.tx, updated);
  const actor = c.viewer ? who(c.tx, c.viewer) : { actor: SYSTEM, side: "system" as Side, userId: null };
  await record(
    c.tx,
    updated,
    actor,
    {
      action: "ticket.escalated",
      entry: {
        kind: "escalation",
        body: opts.reason,
        data: {
          from: before,
          to: level.id,
          levelName: level.name,
          automatic: opts.automatic,
          trigger: opts.trigger,
          holders: holders.map((h) => ({ userId: h.userId, name: h.name, role: h.role })),
          authority: level.authority,
        },
      },
      before: { escalationLevel: before },
      after: {
        escalationLevel: level.id,
        automatic: opts.automatic,
        trigger: opts.trigger,
        holders: holders.map((h) => h.email),
        authority: level.authority.summary,
        ...(opts.dueAt !== undefined
          ? { dueAt: new Date(opts.dueAt).toISOString(), firedAt: new Date(c.now).toISOString() }
          : {}),
      },
      // Exactly the people of the level and the ticket's participants: not everyone with access.
      notify: {
        userIds: [...holders.map((h) => h.userId), ...participants],
        subject: `#${updated.number} escalated to ${level.name}: ${updated.title}`,
        body:
          `${opts.automatic ? "Escalated automatically" : `${actor.actor.name} escalated`} to ${level.name}: ${opts.reason}\n\n` +
          `Now holding the ticket: ${holders.map((h) => h.name).join(", ") || "nobody holds this level yet"}.\n` +
          `Authority: ${level.authority.summary}` +
          (level.authority.decisions.length ? `\nMay decide: ${level.authority.decisions.join("; ")}.` : ""),
        urgent: updated.severity === "critical",
      },
      webhook: { escalation: { level: level.id, automatic: opts.automatic, trigger: opts.trigger } },
    },
    c.now,
  );
  return updated;
}

export async function escalateTicket(
  ctx: ServiceContext,
  relationshipId: string,
  ticketId: string,
  input: { level: string; justification: string; revision?: number },
) {
  return change(ctx, relationshipId, ticketId, "escalate", input.revision, async (c) => {
    const levels = c.active.protocol.doc.escalation.levels;
    const level = levels.find((l) => l.id === input.level);
    if (!level)
      throw new AppError("validation_failed", "No such escalation level in the protocol.", {
        errors: [{ path: "body.level", message: `choose one of ${levels.map((l) => l.id).join(", ")}` }],
      });
    if (c.ticket.state === "resolved" || c.ticket.state === "closed")
      throw stateConflict(c.ticket, "reopen it before escalating");
    const current = levels.findIndex((l) => l.id === c.ticket.escalationLevel);
    if (levels.indexOf(level) <= current)
      throw new AppError(
        "conflict",
        `Ticket #${c.ticket.number} is already at ${c.ticket.escalationLevel}; escalate to a higher level.`,
      );
    require_(
      c.abilities.escalateTo.includes(level.id),
      `The protocol lets ${level.requested_by.join(", ") || "nobody"} escalate to ${level.name}.`,
    );
    return escalateWithin(c, c.ticket, level.id, {
      reason: input.justification,
      automatic: false,
      trigger: "manual",
    });
  });
}

export async function deescalateTicket(
  ctx: ServiceContext,
  relationshipId: string,
  ticketId: string,
  input: { level: string | null; reason: string; revision?: number },
) {
  return change(ctx, relationshipId, ticketId, "deescalate", input.revision, async (c) => {
    const levels = c.active.protocol.doc.escalation.levels;
    const current = levels.findIndex((l) => l.id === c.ticket.escalationLevel);
    if (current < 0) throw new AppError("conflict", `Ticket #${c.ticket.number} is not escalated.`);
    const target = input.level === null ? -1 : levels.findIndex((l) => l.id === input.level);
    if (input.level !== null && target < 0)
      throw new AppError("validation_failed", "No such escalation level in the protocol.", {
        errors: [
          { path: "body.level", message: `choose a level below ${c.ticket.escalationLevel}, or null` },
        ],
      });
    if (target >= current)
      throw new AppError("validation_failed", "De-escalation goes to a lower level.", {
        errors: [
          { path: "body.level", message: `choose a level below ${c.ticket.escalationLevel}, or null` },
        ],
      });
    require_(
      c.abilities.deescalate,
      "The holders of the current level (or the account manager or client executive) de-escalate.",
    );
    const to = target < 0 ? null : levels[target]!.id;
    const ticket = await settle(c.tx, c.ticket, c.active, c.now, { changes: { escalationLevel: to } });
    await record(
      c.tx,
      ticket,
      who(c.tx, c.viewer),
      {
        action: "ticket.deescalated",
        entry: {
          kind: "escalation",
          body: input.reason,
          data: { from: c.ticket.escalationLevel, to, deescalated: true },
        },
        before: { escalationLevel: c.ticket.escalationLevel },
        after: { escalationLevel: to, reason: input.reason },
        notify: {
          userIds: await participantsOf(c.tx, ticket),
          subject: `#${ticket.number} de-escalated: ${ticket.title}`,
          body: `${eventActor(c.tx.actor).name} de-escalated the ticket${to ? ` to ${levels[target]!.name}` : ""}: ${input.reason}`,
        },
      },
      c.now,
    );
    return ticket;
  });
}

export interface ResolveInput {
  summary: string;
  rootCause?: string;
  fix?: string;
  prevention?: string;
  revision?: number;
}

/** Resolves a ticket. Critical and high tickets need a root cause, the fix, and how it is prevented. */
export async function resolveTicket(
  ctx: ServiceContext,
  relationshipId: string,
  ticketId: string,
  input: ResolveInput,
) {
  return change(ctx, relationshipId, ticketId, "resolve", input.revision, async (c) => {
    if (c.ticket.state === "resolved" || c.ticket.state === "closed")
      throw stateConflict(c.ticket, "it is already resolved");
    require_(c.abilities.resolve, "Provider staff resolve tickets.");
    if (c.ticket.severity === "critical" || c.ticket.severity === "high") {
      const missing = (["rootCause", "fix", "prevention"] as const).filter((k) => !input[k]?.trim());
      if (missing.length)
        throw new AppError(
          "validation_failed",
          `A ${c.ticket.severity} ticket is resolved with its root cause, the fix, and how it will be prevented.`,
          {
            errors: missing.map((k) => ({
              path: `body.${k}`,
              message: {
                rootCause: "say what caused the issue",
                fix: "say what was done to fix it",
                prevention: "say what will stop it happening again",
              }[k],
            })),
          },
        );
    }
    const closeAfter = c.active.protocol.doc.tickets.close_resolved_after;
    const closeDue = computeAfter(c.active.protocol, c.now, closeAfter);
    const resolution = {
      summary: input.summary,
      ...(input.rootCause ? { rootCause: input.rootCause } : {}),
      ...(input.fix ? { fix: input.fix } : {}),
      ...(input.prevention ? { prevention: input.prevention } : {}),
    };
    const ticket = await settle(c.tx, c.ticket, c.active, c.now, {
      changes: { state: "resolved", resolvedAt: new Date(c.now), resolution, closeDueAt: new Date(closeDue) },
    });
    const metTarget = c.ticket.resolutionDueAt ? c.now <= c.ticket.resolutionDueAt.getTime() : true;
    await record(
      c.tx,
      ticket,
      who(c.tx, c.viewer),
      {
        action: "ticket.resolved",
        entry: { kind: "resolution", body: input.summary, data: { ...resolution, withinTarget: metTarget } },
        before: { state: c.ticket.state },
        after: { state: "resolved", withinTarget: metTarget, closesAt: new Date(closeDue).toISOString() },
        notify: {
          userIds: await participantsOf(c.tx, ticket),
          subject: `#${ticket.number} resolved: ${ticket.title}`,
          body:
            `${eventActor(c.tx.actor).name} resolved the ticket: ${input.summary}` +
            (input.rootCause
              ? `\n\nRoot cause: ${input.rootCause}\nFix: ${input.fix}\nPrevention: ${input.prevention}`
              : "") +
            `\n\nConfirm it is fixed, or reopen it, by ${new Date(closeDue).toISOString()}; after that it closes by itself.`,
        },
        webhook: { resolution },
      },
      c.now,
    );
    // An emergency on this ticket ends with it, and a critical ticket gets its review.
    await afterTicketResolved(c.tx, ticket, c.now);
    return ticket;
  });
}

/** `text` (a protocol duration) after `from` on the business calendar (business days) or elapsed. */
export function computeAfter(p: CompiledProtocol, from: number, text: string): number {
  const d = parseDurationOrThrow(text);
  return d.kind === "elapsed" ? from + d.ms : addBusinessTime(p.calendar, from, durationMs(p, d));
}

export async function confirmResolution(
  ctx: ServiceContext,
  relationshipId: string,
  ticketId: string,
  input: { note?: string; revision?: number },
) {
  return change(ctx, relationshipId, ticketId, "confirm", input.revision, async (c) => {
    if (c.ticket.state !== "resolved") throw stateConflict(c.ticket, "only a resolved ticket is confirmed");
    require_(
      c.abilities.confirm,
      "The reporter or the client's IT contact, approver or executive confirm a resolution.",
    );
    return closeWithin(c, c.ticket, who(c.tx, c.viewer), { confirmed: true, note: input.note ?? "" });
  });
}

async function closeWithin(
  c: Pick<ChangeContext, "tx" | "active" | "now">,
  ticket: TicketRow,
  actor: { actor: EventActor; side: Side; userId: string | null },
  opts: { confirmed: boolean; note: string; dueAt?: number },
): Promise<TicketRow> {
  return moveTo(c, ticket, actor, "closed", {
    action: "ticket.closed",
    note: opts.note,
    changes: { closedAt: new Date(c.now), closeDueAt: null },
    data: { confirmed: opts.confirmed },
    after: () =>
      opts.dueAt !== undefined
        ? { dueAt: new Date(opts.dueAt).toISOString(), firedAt: new Date(c.now).toISOString() }
        : {},
    subject: "closed",
    body: opts.confirmed
      ? `${actor.actor.name} confirmed the fix; the ticket is closed.`
      : "Nobody replied within the protocol's waiting time after the resolution, so the ticket closed by itself. Reopen it if the problem is back.",
  });
}

export async function reopenTicket(
  ctx: ServiceContext,
  relationshipId: string,
  ticketId: string,
  input: { reason: string; revision?: number },
) {
  return change(ctx, relationshipId, ticketId, "reopen", input.revision, async (c) => {
    if (c.ticket.state !== "resolved" && c.ticket.state !== "closed")
      throw stateConflict(c.ticket, "only a resolved or closed ticket is reopened");
    require_(
      c.abilities.reopen,
      "The reporter or the client's IT contact, approver or executive reopen a ticket.",
    );
    return moveTo(c, c.ticket, who(c.tx, c.viewer), "in_progress", {
      action: "ticket.reopened",
      note: input.reason,
      changes: { resolvedAt: null, closedAt: null, closeDueAt: null },
      after: () => ({ reason: input.reason }),
      subject: "reopened",
      body: `${eventActor(c.tx.actor).name} reopened the ticket: ${input.reason}`,
      urgent: c.ticket.severity === "critical",
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Timers

/**
 * Acts on everything due for one ticket at the clock's time, exactly once: the ticket row is
 * locked, and each threshold is recorded in ticket_marks (primary key ticket + mark) in the same
 * transaction as its effects. A second worker, a retried job or a restart finds the mark and does
 * nothing. Returns what fired.
 */
export async function processTicketTimers(ctx: ServiceContext, ticketId: string): Promise<DueItem[]> {
  return withTransaction(ctx, async (tx) => {
    const [ticket] = await tx.db.select().from(tickets).where(eq(tickets.id, ticketId)).for("update");
    if (!ticket || ticket.nextCheckAt === null) return [];
    const now = tx.clock.now();
    if (ticket.nextCheckAt.getTime() > now) {
      // Woken early (a job for an older schedule): make sure the current schedule has a job.
      await tx.jobs?.send(
        tx.db,
        queueNames.ticketTimer,
        { ticketId: ticket.id, relationshipId: ticket.relationshipId },
        { startAfter: ticket.nextCheckAt, singletonKey: `${ticket.id}:${ticket.nextCheckAt.getTime()}` },
      );
      return [];
    }
    const active = await loadActiveProtocol(tx.db, ticket.relationshipId);
    if (!active) return [];
    const [rel] = await tx.db
      .select({ clientOrgId: relationships.clientOrgId, providerOrgId: relationships.providerOrgId })
      .from(relationships)
      .where(eq(relationships.id, ticket.relationshipId));
    const c = { tx, rel: rel!, active, now };
    const fired: DueItem[] = [];
    let current = ticket;
    const marks = await marksOf(tx, ticket.id);
    let pauses = await pausesOf(tx, current);
    for (let guard = 0; guard < 20; guard++) {
      const views = ticketClocks(active.protocol, clockFacts(current, pauses), now);
      const item = dueItems(active.protocol, current, views).find((i) => !marks.has(i.mark) && i.at <= now);
      if (!item) break;
      const [inserted] = await tx.db
        .insert(ticketMarks)
        .values({
          ticketId: current.id,
          mark: item.mark,
          relationshipId: current.relationshipId,
          dueAt: new Date(item.at),
          firedAt: new Date(now),
        })
        .onConflictDoNothing()
        .returning();
      marks.add(item.mark);
      if (!inserted) continue;
      fired.push(item);
      const before = current.state;
      current = await fire(c, current, item, views);
      // Only a change of state (closing) opens or closes pauses.
      if (current.state !== before) pauses = await pausesOf(tx, current);
    }
    await settle(tx, current, active, now, { marks, pauses });
    return fired;
  });
}

async function fire(
  c: {
    tx: ServiceContext;
    rel: Parties;
    active: { versionId: string; number: number; protocol: CompiledProtocol };
    now: number;
  },
  ticket: TicketRow,
  item: DueItem,
  views: Record<ClockName, ClockView>,
): Promise<TicketRow> {
  const system = { actor: SYSTEM, side: "system" as Side, userId: null };
  const timing = { dueAt: new Date(item.at).toISOString(), firedAt: new Date(c.now).toISOString() };
  const provider = async (roles: Role[]) => membersWithRoles(c.tx.db, [c.rel.providerOrgId], roles);
  switch (item.kind) {
    case "escalate": {
      const level = c.active.protocol.doc.escalation.levels.find((l) => l.id === item.level)!;
      const trigger =
        level.trigger === "manual"
          ? "manual"
          : level.trigger.after_breach
            ? `${level.trigger.clock} ${level.trigger.after_breach} after breach`
            : `${level.trigger.clock} ${level.trigger.at ?? "100%"}`;
      return escalateWithin(c, ticket, level.id, {
        reason: `The ${trigger} trigger of the protocol's escalation ladder was reached.`,
        automatic: true,
        trigger,
        dueAt: item.at,
      });
    }
    case "close":
      return closeWithin(c, ticket, system, { confirmed: false, note: "", dueAt: item.at });
    case "warning":
    case "breach": {
      const v = views[item.clock!];
      const breach = item.kind === "breach";
      const watchers = ticket.assigneeId
        ? [ticket.assigneeId]
        : await provider(["technician", "senior_technician"]);
      await record(
        c.tx,
        ticket,
        system,
        {
          action: breach ? "ticket.breached" : "ticket.clock_warning",
          entry: {
            kind: "clock",
            data: { clock: item.clock, pct: item.pct, deadline: isoAt(v.dueAt), ...timing },
          },
          after: {
            clock: item.clock,
            pct: item.pct,
            deadline: v.dueAt === null ? null : new Date(v.dueAt).toISOString(),
            ...timing,
          },
          notify: {
            userIds: breach ? [...watchers, ...(await participantsOf(c.tx, ticket))] : watchers,
            subject: breach
              ? `#${ticket.number} missed its ${item.clock} target: ${ticket.title}`
              : `#${ticket.number} has used ${item.pct}% of its ${item.clock} time: ${ticket.title}`,
            body: breach
              ? `The ${item.clock} target of this ${ticket.severity} ticket passed at ${new Date(item.at).toISOString()}.`
              : `${item.pct}% of the ${item.clock} target is used; the deadline is ${v.dueAt === null ? "not set" : new Date(v.dueAt).toISOString()}.`,
            urgent: ticket.severity === "critical",
          },
        },
        c.now,
      );
      return ticket;
    }
    case "update_overdue":
    case "update_overdue_client": {
      const toClient = item.kind === "update_overdue_client";
      const recipients = toClient
        ? await membersWithRoles(c.tx.db, [c.rel.clientOrgId], ["it_contact"])
        : ticket.assigneeId
          ? [ticket.assigneeId]
          : await provider(["senior_technician", "technician"]);
      await record(
        c.tx,
        ticket,
        system,
        {
          action: toClient ? "ticket.update_overdue_client" : "ticket.update_overdue",
          entry: { kind: "clock", data: { clock: "updates", overdue: true, toClient, ...timing } },
          after: { clock: "updates", toClient, ...timing },
          notify: {
            userIds: recipients,
            subject: `#${ticket.number} investigation update overdue: ${ticket.title}`,
            body: toClient
              ? `The provider has not posted an investigation update on this ${ticket.severity} ticket since ${new Date(views.updates.startedAt!).toISOString()}, past the protocol's interval. You are the client's point of contact.`
              : `An investigation update on this ${ticket.severity} ticket was due at ${new Date(item.at).toISOString()}. Post what you found, what you are trying and what happens next.`,
            urgent: ticket.severity === "critical",
          },
        },
        c.now,
      );
      return ticket;
    }
  }
}

/**
 * Fires every ticket whose next check is due (oldest first), each in its own transaction; other
 * workers doing the same at the same moment skip the rows already taken. The recovery path after a
 * crash or restart, and the way tests drive timers with a manual clock.
 */
export async function runDueTimers(ctx: ServiceContext, opts: { limit?: number; lateByMs?: number } = {}) {
  const limit = opts.limit ?? 500;
  const cutoff = new Date(ctx.clock.now() - (opts.lateByMs ?? 0));
  let fired = 0;
  let processed = 0;
  for (;;) {
    const due = await ctx.db
      .select({ id: tickets.id })
      .from(tickets)
      .where(
        and(sql`${tickets.nextCheckAt} is not null`, lt(tickets.nextCheckAt, new Date(cutoff.getTime() + 1))),
      )
      .orderBy(asc(tickets.nextCheckAt))
      .limit(limit);
    if (!due.length) break;
    let progressed = false;
    for (const { id } of due) {
      const items = await processTicketTimers(ctx, id);
      fired += items.length;
      processed++;
      if (items.length) progressed = true;
    }
    if (!progressed || due.length < limit) break;
  }
  return { processed, fired };
}

/**
 * Recomputes the open tickets of a relationship after its protocol changed (a new version took
 * effect): pauses follow the new version from now on, pauses already accrued are kept, and
 * deadlines are recomputed. Runs in the activation's transaction.
 */
export async function recomputeOpenTickets(ctx: ServiceContext, relationshipId: string): Promise<number> {
  const active = await loadActiveProtocol(ctx.db, relationshipId);
  if (!active) return 0;
  const open = await ctx.db
    .select()
    .from(tickets)
    .where(and(eq(tickets.relationshipId, relationshipId), sql`${tickets.state} <> 'closed'`))
    .for("update");
  const now = ctx.clock.now();
  for (const t of open) await settle(ctx, t, active, now);
  return open.length;
}

// ---------------------------------------------------------------------------------------------
// Reading

export type ClockFilter = "on_track" | "warning" | "breached" | "paused";

export interface TicketQuery {
  state?: string[];
  severity?: Severity[];
  clock?: ClockFilter;
  assignee?: string;
  q?: string;
  before?: number;
  limit?: number;
}

/** Tickets of a relationship, newest first, filtered; each with its clocks at this moment. */
export async function listTickets(ctx: ServiceContext, relationshipId: string, query: TicketQuery) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  const active = await loadActiveProtocol(ctx.db, relationshipId);
  const limit = Math.min(query.limit ?? 50, 200);
  const conditions: SQL[] = [eq(tickets.relationshipId, relationshipId)];
  if (seesOnlyOwn(viewer)) {
    const me = actorId(ctx);
    conditions.push(or(eq(tickets.reporterId, me), eq(tickets.raisedById, me))!);
  }
  if (query.state?.length) conditions.push(inArray(tickets.state, query.state as TicketRow["state"][]));
  if (query.severity?.length) conditions.push(inArray(tickets.severity, query.severity));
  if (query.assignee === "none") conditions.push(isNull(tickets.assigneeId));
  else if (query.assignee) conditions.push(eq(tickets.assigneeId, query.assignee));
  if (query.q) {
    const n = Number(query.q.replace(/^#/, ""));
    const like = `%${query.q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
    conditions.push(
      Number.isInteger(n) && n > 0
        ? or(eq(tickets.number, n), sql`${tickets.title} ilike ${like}`)!
        : sql`${tickets.title} ilike ${like}`,
    );
  }
  if (query.before) conditions.push(lt(tickets.number, query.before));
  const now = ctx.clock.now();
  const items: ReturnType<typeof presentSummary>[] = [];
  let cursor: number | null = null;
  // The clock filter is computed, not stored: page until enough rows match.
  for (let page = 0; page < 20 && items.length < limit; page++) {
    const rows = await ctx.db
      .select()
      .from(tickets)
      .where(and(...conditions, ...(cursor !== null ? [lt(tickets.number, cursor)] : [])))
      .orderBy(desc(tickets.number))
      .limit(limit);
    if (!rows.length) break;
    const pauses = rows.length
      ? await ctx.db
          .select()
          .from(ticketPauses)
          .where(
            and(
              eq(ticketPauses.relationshipId, relationshipId),
              inArray(
                ticketPauses.ticketId,
                rows.map((r) => r.id),
              ),
            ),
          )
      : [];
    for (const row of rows) {
      const summary = presentSummary(
        row,
        active?.protocol ?? null,
        pauses.filter((p) => p.ticketId === row.id),
        now,
      );
      if (!query.clock || summary.clockStatus === query.clock) items.push(summary);
      if (items.length >= limit) break;
    }
    cursor = rows[rows.length - 1]!.number;
    if (rows.length < limit || !query.clock) break;
  }
  const last = items[items.length - 1];
  return { items, nextBefore: items.length >= limit && last ? last.number : null };
}

/** The clock that matters now: the next deadline among the running ones. */
function headline(views: Record<ClockName, ClockView> | null) {
  if (!views) return { clockStatus: "none" as ClockFilter | "none", nextDeadline: null };
  const running = Object.values(views).filter((v) => v.stoppedAt === null && v.startedAt !== null);
  const order: Record<string, number> = { breached: 0, paused: 3, warning: 1, on_track: 2, none: 4 };
  const worst = running.sort((a, b) => (order[a.status] ?? 5) - (order[b.status] ?? 5))[0];
  const next = running.filter((v) => v.dueAt !== null).sort((a, b) => a.dueAt! - b.dueAt!)[0];
  const status = worst?.status ?? "none";
  return {
    clockStatus: (status === "met" || status === "missed" ? "none" : status) as ClockFilter | "none",
    nextDeadline: next ? { clock: next.name, at: isoAt(next.dueAt)!, status: next.status } : null,
  };
}

function presentSummary(row: TicketRow, p: CompiledProtocol | null, pauses: PauseRow[], now: number) {
  const views = p && row.state !== "closed" ? ticketClocks(p, clockFacts(row, pauses), now) : null;
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    severity: row.severity,
    state: row.state,
    assigneeId: row.assigneeId,
    reporterName: row.reporterName,
    escalationLevel: row.escalationLevel,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    responseDueAt: isoDate(row.responseDueAt),
    resolutionDueAt: isoDate(row.resolutionDueAt),
    updateDueAt: isoDate(row.updateDueAt),
    ...headline(views),
  };
}

/** One ticket as its page shows it: facts, clocks with pauses, escalation and authority, timeline, abilities. */
export async function getTicket(ctx: ServiceContext, relationshipId: string, ticketId: string) {
  const { rel, viewer, ticket } = await loadTicket(ctx, relationshipId, ticketId);
  const active = await loadActiveProtocol(ctx.db, relationshipId);
  const pauses = await pausesOf(ctx, ticket);
  const now = ctx.clock.now();
  const views = active ? ticketClocks(active.protocol, clockFacts(ticket, pauses), now) : null;
  const entries = await ctx.db
    .select()
    .from(ticketEntries)
    .where(and(eq(ticketEntries.relationshipId, relationshipId), eq(ticketEntries.ticketId, ticket.id)))
    .orderBy(asc(ticketEntries.createdAt), asc(ticketEntries.id));
  const levels = active?.protocol.doc.escalation.levels ?? [];
  const level = levels.find((l) => l.id === ticket.escalationLevel) ?? null;
  const holders = level ? await levelHolders(ctx, rel, level) : [];
  const people = await ctx.db
    .select({ userId: users.id, name: users.name, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, rel.providerOrgId))
    .orderBy(asc(users.name));
  const assignee = people.find((p) => p.userId === ticket.assigneeId) ?? null;
  const severitySpec = active?.protocol.doc.severities[ticket.severity];
  return {
    ...presentSummary(ticket, active?.protocol ?? null, pauses, now),
    description: ticket.description,
    source: ticket.source,
    reporter: { id: ticket.reporterId, name: ticket.reporterName, email: ticket.reporterEmail },
    assignee: assignee ? { id: assignee.userId, name: assignee.name } : null,
    impact: {
      peopleAffected: ticket.peopleAffected,
      peopleAffectedLabel:
        active?.protocol.doc.impact_matrix.people_affected[ticket.peopleAffected] ?? ticket.peopleAffected,
      workaround: ticket.workaround,
      criticalFunctionStopped: ticket.criticalFunctionStopped,
      affectedSystems: ticket.affectedSystems,
      affectedPeopleCount: ticket.affectedPeopleCount,
    },
    suggestedSeverity: ticket.suggestedSeverity,
    severityReason: ticket.severityReason,
    severityInfo: severitySpec ? { name: severitySpec.name, impact: severitySpec.impact } : null,
    acknowledgedAt: isoDate(ticket.acknowledgedAt),
    resolvedAt: isoDate(ticket.resolvedAt),
    closedAt: isoDate(ticket.closedAt),
    closeDueAt: isoDate(ticket.closeDueAt),
    resolution: ticket.resolution ?? null,
    revision: ticket.revision,
    protocolVersion: active?.number ?? null,
    clocks: views
      ? Object.values(views).map((v) => ({
          name: v.name,
          calendar: v.calendar,
          startedAt: isoAt(v.startedAt),
          dueAt: isoAt(v.dueAt),
          stoppedAt: isoAt(v.stoppedAt),
          budgetMs: v.budgetMs,
          usedMs: v.usedMs,
          status: v.status,
          pauses: v.pauses.map(([s, e]) => ({ from: isoAt(s)!, to: Number.isFinite(e) ? isoAt(e) : null })),
          thresholds: v.thresholds.map((th) => ({ pct: th.pct, at: isoAt(th.at) })),
        }))
      : [],
    escalation: {
      level: level ? { id: level.id, name: level.name, side: level.side, authority: level.authority } : null,
      holders: holders.map((h) => ({ userId: h.userId, name: h.name, role: h.role })),
      ladder: levels.map((l) => ({
        id: l.id,
        name: l.name,
        side: l.side,
        trigger:
          l.trigger === "manual"
            ? "manual"
            : l.trigger.after_breach
              ? `${l.trigger.after_breach} after the ${l.trigger.clock} target is breached`
              : `${l.trigger.at ?? "100%"} of the ${l.trigger.clock} target`,
        authority: l.authority,
      })),
    },
    providerStaff: isProviderStaff(viewer)
      ? people.map((p) => ({ userId: p.userId, name: p.name, role: p.role }))
      : [],
    entries: entries.map((e) => ({
      id: e.id,
      kind: e.kind,
      authorName: e.authorName,
      side: e.side,
      body: e.body,
      data: e.data ?? null,
      createdAt: e.createdAt.toISOString(),
    })),
    abilities: ticketAbilities(viewer, actorId(ctx), ticket, active?.protocol.doc ?? null),
  };
}

function parseDurationOrThrow(text: string) {
  const d = parseDuration(text);
  if (!d) throw new AppError("conflict", `The protocol's duration '${text}' does not parse.`);
  return d;
}

/** For other modules and the email intake: find a ticket by its number within a relationship. */
export async function findTicketByNumber(ctx: ServiceContext, relationshipId: string, number: number) {
  const [row] = await ctx.db
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(eq(tickets.relationshipId, relationshipId), eq(tickets.number, number)));
  return row?.id ?? null;
}
