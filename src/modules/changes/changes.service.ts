import { and, asc, desc, eq, gt, inArray, isNull, lt, ne, or, sql, type SQL } from "drizzle-orm";
import type { ClientRole, Role } from "../../core/http/actor.ts";
import { appendEvent, type EventActor } from "../../core/events/events.ts";
import { events } from "../../core/events/events.tables.ts";
import { eventActor, type ServiceContext, withTransaction } from "../../core/http/context.ts";
import { AppError, forbidden, notFound } from "../../core/http/errors.ts";
import { queueNames } from "../../core/jobs/jobs.ts";
import {
  type CalendarInvite,
  emitWebhookEvent,
  membersWithRoles,
  notifyUsers,
  publishLive,
} from "../../core/notify/notify.ts";
import { messageDomain } from "../../core/notify/email.ts";
import { memberships, relationships, users } from "../identity/identity.tables.ts";
import type { RelationshipViewer } from "../identity/identity.policy.ts";
import { getRelationshipForViewer } from "../identity/relationships.service.ts";
import type { CompiledProtocol } from "../protocol/protocol.compile.ts";
import { loadActiveProtocol, requireActiveProtocol } from "../protocol/protocol.service.ts";
import { tickets } from "../tickets/tickets.tables.ts";
import { type CalendarChange, renderChangeInvitation } from "./changes.ics.ts";
import {
  type ApprovalRule,
  approvalRule,
  type Conflict,
  defaultUserNotice,
  earliestStartWithNotice,
  findConflicts,
  formatLocal,
  formatLocalRange,
  latestNoticeAt,
  materialChanges,
  type OtherChange,
  type PlannedChange,
  planNotices,
  reviewDueAt,
} from "./changes.plan.ts";
import {
  actionRefusals,
  beforeStart,
  type ChangeAction,
  type ChangeState,
  finished,
  mayAttempt,
  occupying,
} from "./changes.policy.ts";
import {
  changeApprovals,
  changeCounters,
  changeNotices,
  changes,
  userGroupMembers,
  userGroups,
} from "./changes.tables.ts";

export type ChangeRow = typeof changes.$inferSelect;
type NoticeRow = typeof changeNotices.$inferSelect;
type ApprovalRow = typeof changeApprovals.$inferSelect;
type Parties = { clientOrgId: string; providerOrgId: string };
type Active = { versionId: string; number: number; protocol: CompiledProtocol };

const SYSTEM: EventActor = { type: "system", id: null, name: "Liaison" };
const HOUR = 3_600_000;

// ---------------------------------------------------------------------------------------------
// Loading and small helpers

async function loadChange(
  ctx: ServiceContext,
  relationshipId: string,
  changeId: string,
  opts: { lock?: boolean } = {},
) {
  const { row: rel, viewer } = await getRelationshipForViewer(ctx, relationshipId);
  const q = ctx.db
    .select()
    .from(changes)
    .where(and(eq(changes.relationshipId, relationshipId), eq(changes.id, changeId)));
  const [change] = opts.lock ? await q.for("update") : await q;
  if (!change) throw notFound("change");
  return { rel, viewer, change };
}

const iso = (t: number | Date | null | undefined) =>
  t === null || t === undefined ? null : new Date(t).toISOString();
const label = (c: Pick<ChangeRow, "number" | "title">) => `CHG-${c.number} ${c.title}`;
const changeLink = (c: Pick<ChangeRow, "relationshipId" | "id">) => `/r/${c.relationshipId}/changes/${c.id}`;
const words = (s: string) => s.replaceAll("_", " ");

/** The change's planned window in the protocol's zone, e.g. "Sun 29 Nov 02:00–06:00 (America/New_York)". */
const window_ = (c: Pick<ChangeRow, "plannedStart" | "plannedEnd">, tz: string) =>
  `${formatLocalRange(tz, c.plannedStart.getTime(), c.plannedEnd.getTime())} (${tz})`;
const localTime = (t: number, tz: string) => formatLocal(tz, t);

const plannedOf = (c: Pick<ChangeRow, "class" | "plannedStart" | "plannedEnd" | "affectedSystems">) =>
  ({
    class: c.class,
    start: c.plannedStart.getTime(),
    end: c.plannedEnd.getTime(),
    systems: c.affectedSystems,
  }) satisfies PlannedChange;

function who(ctx: ServiceContext) {
  return {
    actor: eventActor(ctx.actor),
    userId: ctx.actor?.type === "user" ? ctx.actor.userId : null,
  };
}

function stateConflict(change: ChangeRow, what: string): AppError {
  return new AppError("conflict", `CHG-${change.number} is ${words(change.state)}; ${what}.`);
}

function fieldError(path: string, message: string, summary?: string): AppError {
  return new AppError("validation_failed", summary ?? message, { errors: [{ path, message }] });
}

function checkWindow(start: number, end: number, field = "body.plannedEnd"): void {
  if (!(end > start)) throw fieldError(field, "must be after the start", "A change ends after it starts.");
  if (end - start > 14 * 24 * HOUR)
    throw fieldError(field, "a change window lasts at most 14 days; split longer work into several changes");
}

// ---------------------------------------------------------------------------------------------
// People

/** The client's leads and the provider's account managers, plus the change's author: who hears of every step. */
async function stakeholders(ctx: ServiceContext, rel: Parties, change: ChangeRow): Promise<string[]> {
  const ids = new Set([
    ...(await membersWithRoles(ctx.db, [rel.clientOrgId], ["executive", "it_contact", "approver"])),
    ...(await membersWithRoles(ctx.db, [rel.providerOrgId], ["account_manager"])),
  ]);
  if (change.createdById) ids.add(change.createdById);
  return [...ids];
}

/** The client's people holding any of these roles. */
async function clientPeopleInRoles(ctx: ServiceContext, rel: Parties, roles: readonly Role[]) {
  if (!roles.length) return [];
  return ctx.db
    .select({ id: users.id, name: users.name, email: users.email, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.orgId, rel.clientOrgId),
        inArray(memberships.role, [...roles]),
        isNull(users.disabledAt),
      ),
    )
    .orderBy(asc(users.name));
}

async function groupMemberIds(ctx: ServiceContext, change: ChangeRow): Promise<string[]> {
  if (!change.affectedGroupIds.length) return [];
  const rows = await ctx.db
    .selectDistinct({ userId: userGroupMembers.userId })
    .from(userGroupMembers)
    .innerJoin(userGroups, eq(userGroups.id, userGroupMembers.groupId))
    .where(
      and(
        eq(userGroupMembers.relationshipId, change.relationshipId),
        inArray(userGroupMembers.groupId, change.affectedGroupIds),
        isNull(userGroups.archivedAt),
      ),
    );
  return rows.map((r) => r.userId);
}

// ---------------------------------------------------------------------------------------------
// Approval

export interface ApprovalStatus {
  rule: ApprovalRule;
  roles: ClientRole[];
  waitingFor: string[];
  satisfied: boolean;
}

function approvalStatus(p: CompiledProtocol, change: ChangeRow, current: ApprovalRow[]): ApprovalStatus {
  const rule = approvalRule(p, plannedOf(change));
  if (rule.mode === "automatic" || rule.mode === "after_the_fact")
    return { rule, roles: [], waitingFor: [], satisfied: true };
  const approvedRoles = new Set(current.filter((a) => a.decision === "approved").map((a) => a.role));
  if (rule.mode === "any_of") {
    const satisfied = rule.roles.some((r) => approvedRoles.has(r));
    return { rule, roles: rule.roles, waitingFor: satisfied ? [] : [...rule.roles], satisfied };
  }
  const waitingFor = rule.roles.filter((r) => !approvedRoles.has(r));
  return { rule, roles: rule.roles, waitingFor, satisfied: waitingFor.length === 0 };
}

async function approvalsOf(ctx: ServiceContext, change: ChangeRow): Promise<ApprovalRow[]> {
  return ctx.db
    .select()
    .from(changeApprovals)
    .where(
      and(eq(changeApprovals.relationshipId, change.relationshipId), eq(changeApprovals.changeId, change.id)),
    )
    .orderBy(asc(changeApprovals.createdAt));
}

/** Whether this viewer is someone the change waits for: a client person in a role still needed, who has not decided. */
function awaits(
  viewer: RelationshipViewer,
  userId: string | null,
  change: ChangeRow,
  status: ApprovalStatus,
  current: ApprovalRow[],
): boolean {
  return (
    change.state === "proposed" &&
    userId !== null &&
    viewer.via === "membership" &&
    viewer.side === "client" &&
    status.waitingFor.includes(viewer.role) &&
    !current.some((a) => a.userId === userId)
  );
}

// ---------------------------------------------------------------------------------------------
// Conflicts

async function othersOverlapping(
  ctx: ServiceContext,
  relationshipId: string,
  start: number,
  end: number,
  excludeId: string | null,
): Promise<OtherChange[]> {
  const conditions: SQL[] = [
    eq(changes.relationshipId, relationshipId),
    inArray(changes.state, [...occupying]),
    lt(changes.plannedStart, new Date(end)),
    gt(changes.plannedEnd, new Date(start)),
  ];
  if (excludeId) conditions.push(ne(changes.id, excludeId));
  const rows = await ctx.db
    .select({
      id: changes.id,
      number: changes.number,
      title: changes.title,
      plannedStart: changes.plannedStart,
      plannedEnd: changes.plannedEnd,
      affectedSystems: changes.affectedSystems,
    })
    .from(changes)
    .where(and(...conditions))
    .limit(200);
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    title: r.title,
    start: r.plannedStart.getTime(),
    end: r.plannedEnd.getTime(),
    systems: r.affectedSystems,
  }));
}

/** The conflicts of a change as planned, judged as if announced at `announcedAt`. */
async function conflictsOf(
  ctx: ServiceContext,
  p: CompiledProtocol,
  change: PlannedChange,
  relationshipId: string,
  excludeId: string | null,
  announcedAt: number,
): Promise<Conflict[]> {
  const others = await othersOverlapping(ctx, relationshipId, change.start, change.end, excludeId);
  return findConflicts(p, change, others, announcedAt);
}

const presentConflict = (c: Conflict) => ({
  kind: c.kind,
  message: c.message,
  start: iso(c.start),
  end: iso(c.end),
  name: c.name ?? null,
  changeId: c.changeId ?? null,
  earliestStart: iso(c.earliestStart),
});

const presentRule = (rule: ApprovalRule) => ({
  mode: rule.mode,
  roles: rule.mode === "any_of" || rule.mode === "all_of" ? rule.roles : [],
  asClass: rule.mode === "any_of" || rule.mode === "all_of" ? rule.asClass : null,
  explanation: rule.explanation,
});

// ---------------------------------------------------------------------------------------------
// Recording: events, webhooks, live pings

async function record(
  ctx: ServiceContext,
  change: ChangeRow,
  actor: EventActor,
  action: string,
  detail: { before?: Record<string, unknown> | null; after?: Record<string, unknown> | null },
  now: number,
): Promise<void> {
  await emitWebhookEvent(ctx, change.relationshipId, action, { change: webhookChange(change) });
  await publishLive(ctx, { relationshipId: change.relationshipId, topic: "changes", id: change.id });
  // Last: the event chain's head stays locked from here to commit.
  await appendEvent(ctx.db, {
    scope: "relationship",
    chain: change.relationshipId,
    relationshipId: change.relationshipId,
    actor,
    action,
    subject: { type: "change", id: change.id, label: label(change) },
    before: detail.before ?? null,
    after: detail.after ?? null,
    requestId: ctx.requestId,
    occurredAt: now,
  });
}

const webhookChange = (c: ChangeRow) => ({
  id: c.id,
  number: c.number,
  title: c.title,
  class: c.class,
  state: c.state,
  plannedStart: iso(c.plannedStart),
  plannedEnd: iso(c.plannedEnd),
  actualStart: iso(c.actualStart),
  actualEnd: iso(c.actualEnd),
  affectedSystems: c.affectedSystems,
  unannounced: c.unannounced,
});

/** Writes the row's new values and bumps its revision. */
async function store(
  ctx: ServiceContext,
  change: ChangeRow,
  values: Partial<ChangeRow>,
  now: number,
): Promise<ChangeRow> {
  const [stored] = await ctx.db
    .update(changes)
    .set({ ...values, updatedAt: new Date(now), revision: change.revision + 1 })
    .where(eq(changes.id, change.id))
    .returning();
  return stored!;
}

/**
 * Points the change's `next_check_at` at its earliest planned notice or review deadline, and
 * queues the wake-up when that moved. Runs once at the end of every step, after its notices were
 * planned and sent; it is bookkeeping, so the revision stays.
 */
async function syncTimer(ctx: ServiceContext, changeId: string): Promise<void> {
  const [change] = await ctx.db.select().from(changes).where(eq(changes.id, changeId));
  const nextCheck = await nextCheckOf(ctx, change!);
  if (nextCheck === (change!.nextCheckAt?.getTime() ?? null)) return;
  await ctx.db
    .update(changes)
    .set({ nextCheckAt: nextCheck === null ? null : new Date(nextCheck) })
    .where(eq(changes.id, changeId));
  if (nextCheck !== null)
    await ctx.jobs?.send(
      ctx.db,
      queueNames.changeTimer,
      { changeId },
      { startAfter: new Date(nextCheck), singletonKey: `${changeId}:${nextCheck}` },
    );
}

/** The earliest planned timed notice, or the review deadline not yet reported overdue. */
async function nextCheckOf(ctx: ServiceContext, change: ChangeRow): Promise<number | null> {
  const [row] = await ctx.db
    .select({ due: sql<Date | string | null>`min(${changeNotices.dueAt})` })
    .from(changeNotices)
    .where(
      and(
        eq(changeNotices.relationshipId, change.relationshipId),
        eq(changeNotices.changeId, change.id),
        eq(changeNotices.state, "planned"),
        sql`${changeNotices.dueAt} is not null`,
      ),
    );
  const times: number[] = [];
  if (row?.due) times.push(new Date(row.due).getTime());
  if (change.reviewDueAt && !change.reviewOverdueAt && finished.has(change.state))
    times.push(change.reviewDueAt.getTime());
  return times.length ? Math.min(...times) : null;
}

// ---------------------------------------------------------------------------------------------
// Notices

async function noticesOf(ctx: ServiceContext, change: ChangeRow): Promise<NoticeRow[]> {
  return ctx.db
    .select()
    .from(changeNotices)
    .where(
      and(eq(changeNotices.relationshipId, change.relationshipId), eq(changeNotices.changeId, change.id)),
    )
    .orderBy(asc(changeNotices.createdAt), asc(sql`coalesce(${changeNotices.dueAt}, 'infinity')`));
}

/** Skips every planned notice with a reason (a replan, a cancellation). */
async function skipPlanned(ctx: ServiceContext, change: ChangeRow, reason: string): Promise<void> {
  await ctx.db
    .update(changeNotices)
    .set({ state: "skipped", reason })
    .where(
      and(
        eq(changeNotices.relationshipId, change.relationshipId),
        eq(changeNotices.changeId, change.id),
        eq(changeNotices.state, "planned"),
      ),
    );
}

/** Writes the protocol's notice plan for the change as it now is. */
async function writePlan(ctx: ServiceContext, p: CompiledProtocol, change: ChangeRow, now: number) {
  const plan = planNotices(p, plannedOf(change), now);
  if (!plan.length) return;
  await ctx.db.insert(changeNotices).values(
    plan.map((n) => ({
      relationshipId: change.relationshipId,
      changeId: change.id,
      kind: n.kind,
      label: n.label,
      dueAt: n.dueAt === null ? null : new Date(n.dueAt),
      latestAt: n.latestAt === null ? null : new Date(n.latestAt),
      state: n.state,
      reason: n.reason,
      createdAt: new Date(now),
    })),
  );
}

/** Adds and sends an event notice now (rescheduled, cancelled), or sends the planned one of that kind. */
async function sendEventNotice(
  ctx: ServiceContext,
  rel: Parties,
  p: CompiledProtocol,
  change: ChangeRow,
  kind: NoticeRow["kind"],
  now: number,
  extra: { label?: string; message?: string } = {},
): Promise<number> {
  const [planned] = await ctx.db
    .select()
    .from(changeNotices)
    .where(
      and(
        eq(changeNotices.relationshipId, change.relationshipId),
        eq(changeNotices.changeId, change.id),
        eq(changeNotices.kind, kind),
        eq(changeNotices.state, "planned"),
      ),
    )
    .limit(1);
  const notice =
    planned ??
    (
      await ctx.db
        .insert(changeNotices)
        .values({
          relationshipId: change.relationshipId,
          changeId: change.id,
          kind,
          label: extra.label ?? NOTICE_LABELS[kind],
          dueAt: new Date(now),
          state: "planned",
          createdAt: new Date(now),
        })
        .returning()
    )[0]!;
  return deliverNotice(ctx, rel, p, change, notice, now, extra.message);
}

const NOTICE_LABELS: Record<NoticeRow["kind"], string> = {
  advance: "Advance notice",
  reminder: "Reminder",
  start: "Start notice",
  finish: "Finish notice",
  post_change: "Post-change notice",
  rescheduled: "The change moved",
  cancelled: "The change was cancelled",
};

/** Whether anyone was told of the change yet: a sent advance notice. */
async function announced(ctx: ServiceContext, change: ChangeRow): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: changeNotices.id })
    .from(changeNotices)
    .where(
      and(
        eq(changeNotices.relationshipId, change.relationshipId),
        eq(changeNotices.changeId, change.id),
        eq(changeNotices.state, "sent"),
      ),
    )
    .limit(1);
  return Boolean(row);
}

/**
 * Sends one notice: the stakeholders get the full notice, the people in the affected groups the
 * plain-language line; approvers still to decide get an invitation (.ics) with the advance notice
 * and every move, and a cancellation when it is cancelled. Marks the row sent with its count.
 */
async function deliverNotice(
  ctx: ServiceContext,
  rel: Parties,
  p: CompiledProtocol,
  change: ChangeRow,
  notice: NoticeRow,
  now: number,
  message?: string,
): Promise<number> {
  const tz = p.timezone;
  const when = window_(change, tz);
  const plain =
    change.userNotice ||
    defaultUserNotice(
      {
        systems: change.affectedSystems,
        start: change.plannedStart.getTime(),
        end: change.plannedEnd.getTime(),
        downtimeMinutes: change.expectedDowntimeMinutes,
      },
      tz,
    );
  const status = approvalStatus(
    p,
    change,
    (await approvalsOf(ctx, change)).filter((a) => a.round === change.approvalRound),
  );
  const name = label(change);
  const kindTitle: Record<NoticeRow["kind"], string> = {
    advance: `Planned ${change.class} change ${name}`,
    reminder: `Reminder: ${name} on ${localTime(change.plannedStart.getTime(), tz)}`,
    start: `Started: ${name}`,
    finish: `Finished (${words(change.state)}): ${name}`,
    post_change: `${name}: ${words(change.state)}`,
    rescheduled: `Moved: ${name}, now ${localTime(change.plannedStart.getTime(), tz)}`,
    cancelled: `Cancelled: ${name}`,
  };
  const lines: string[] = [];
  if (message) lines.push(message);
  if (notice.kind === "post_change" || notice.kind === "finish") {
    lines.push(`Outcome: ${words(change.state)}.`);
    if (change.outcomeNotes) lines.push(change.outcomeNotes);
    if (change.followUps) lines.push(`Follow-ups: ${change.followUps}`);
  } else {
    lines.push(`When: ${when}.`);
  }
  lines.push(
    `What changes: ${change.description}`,
    `Why: ${change.reason}`,
    `Expected impact: ${change.impact}` +
      (change.expectedDowntimeMinutes
        ? ` Expected downtime: ${change.expectedDowntimeMinutes} minutes.`
        : ""),
  );
  if (change.affectedSystems.length) lines.push(`Systems: ${change.affectedSystems.join(", ")}.`);
  if (notice.kind === "advance" && !status.satisfied && change.state === "proposed")
    lines.push(`Waiting for approval from: ${status.waitingFor.map(words).join(", ")}.`);
  const full = lines.join("\n\n");
  const subject = kindTitle[notice.kind];
  const base = {
    relationshipId: change.relationshipId,
    kind: `change.notice.${notice.kind}`,
    subject,
    link: changeLink(change),
    data: { changeId: change.id, number: change.number, notice: notice.kind },
    severity: change.class === "emergency" ? ("critical" as const) : null,
    thread: { key: `change-${change.id}`, subject: `[CHG-${change.number}] ${change.title}` },
  };

  const everyone = new Set(await stakeholders(ctx, rel, change));
  const actorId = ctx.actor?.type === "user" ? ctx.actor.userId : null;
  if (actorId) everyone.delete(actorId);
  let recipients = 0;
  const invitedIds = new Set<string>();

  // Invitations for the approvers the change waits for (and, on a cancellation, for all approvers).
  const inviteKinds: ReadonlySet<NoticeRow["kind"]> = new Set(["advance", "rescheduled", "cancelled"]);
  if (inviteKinds.has(notice.kind) && status.roles.length) {
    const approvers = await clientPeopleInRoles(
      ctx,
      rel,
      notice.kind === "cancelled" ? status.roles : (status.waitingFor as Role[]),
    );
    const invited = approvers.filter((a) => everyone.has(a.id));
    if (invited.length) {
      const calendar: CalendarInvite = {
        method: notice.kind === "cancelled" ? "CANCEL" : "REQUEST",
        content: renderChangeInvitation({
          method: notice.kind === "cancelled" ? "CANCEL" : "REQUEST",
          change: calendarChange(change, ctx.publicUrl),
          timezone: tz,
          domain: messageDomain(ctx.publicUrl),
          organizer: await organizerOf(ctx, change),
          attendees: invited.map((a) => ({ name: a.name, email: a.email })),
          now,
        }),
      };
      recipients += await notifyUsers(
        ctx,
        invited.map((a) => a.id),
        { ...base, body: full, calendar },
      );
      for (const a of invited) {
        everyone.delete(a.id);
        invitedIds.add(a.id);
      }
    }
  }
  recipients += await notifyUsers(ctx, everyone, { ...base, body: full });

  // People in the affected groups get the plain line (and the outcome once it is over), unless
  // they got the full notice above (`everyone` no longer holds the invited approvers).
  const affected = (await groupMemberIds(ctx, change)).filter(
    (id) => !everyone.has(id) && !invitedIds.has(id) && id !== actorId,
  );
  if (affected.length) {
    const plainBody: Record<NoticeRow["kind"], string> = {
      advance: plain,
      reminder: `Reminder: ${plain}`,
      start: `Work has started. ${plain}`,
      finish: `The work is finished.`,
      post_change:
        change.state === "completed"
          ? `The planned work on ${change.affectedSystems.join(", ") || "IT systems"} is complete.`
          : `The planned work on ${change.affectedSystems.join(", ") || "IT systems"} did not go as planned (${words(change.state)}); IT will follow up.`,
      rescheduled: `The planned work has moved. ${plain}`,
      cancelled: `The planned work on ${localTime(change.plannedStart.getTime(), tz)} is cancelled; nothing changes for you.`,
    };
    recipients += await notifyUsers(ctx, affected, {
      ...base,
      kind: "change.notice.people",
      subject: change.title,
      body: plainBody[notice.kind],
    });
  }

  await ctx.db
    .update(changeNotices)
    .set({ state: "sent", sentAt: new Date(now), recipients })
    .where(eq(changeNotices.id, notice.id));
  return recipients;
}

/** The invitation's organizer: the person who planned the change, else Liaison itself. */
async function organizerOf(ctx: ServiceContext, change: ChangeRow) {
  if (change.createdById) {
    const [u] = await ctx.db
      .select({ name: users.name, email: users.email })
      .from(users)
      .where(eq(users.id, change.createdById));
    if (u) return u;
  }
  return { name: "Liaison", email: `liaison@${messageDomain(ctx.publicUrl)}` };
}

export function calendarChange(c: ChangeRow, publicUrl: string): CalendarChange {
  const happened = c.actualStart !== null;
  return {
    id: c.id,
    number: c.number,
    title: c.title,
    description: c.description,
    impact: c.impact,
    userNotice: c.userNotice,
    class: c.class,
    state: c.state,
    start: (happened ? c.actualStart! : c.plannedStart).getTime(),
    end: (
      c.actualEnd ?? (happened && c.actualStart! > c.plannedEnd ? c.actualStart! : c.plannedEnd)
    ).getTime(),
    sequence: c.sequence,
    systems: c.affectedSystems,
    url: `${publicUrl}${changeLink(c)}`,
    updatedAt: c.updatedAt.getTime(),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading

/** The form's facts: each class's rule and notice, the user groups, systems named before. */
export async function getChangeForm(ctx: ServiceContext, relationshipId: string) {
  await getRelationshipForViewer(ctx, relationshipId);
  const active = await requireActiveProtocol(ctx.db, relationshipId, "changes can be planned");
  const doc = active.protocol.doc;
  const groups = await groupSummaries(ctx, relationshipId);
  const systemRows = await ctx.db
    .select({ systems: changes.affectedSystems })
    .from(changes)
    .where(eq(changes.relationshipId, relationshipId))
    .orderBy(desc(changes.createdAt))
    .limit(200);
  const ticketSystems = await ctx.db
    .select({ systems: tickets.affectedSystems })
    .from(tickets)
    .where(eq(tickets.relationshipId, relationshipId))
    .orderBy(desc(tickets.createdAt))
    .limit(200);
  const systems = new Map<string, string>();
  for (const s of [
    ...doc.changes.maintenance_windows.flatMap((w) => w.systems),
    ...systemRows.flatMap((r) => r.systems),
    ...ticketSystems.flatMap((r) => r.systems),
  ])
    if (!systems.has(s.toLowerCase())) systems.set(s.toLowerCase(), s);
  return {
    timezone: active.protocol.timezone,
    classes: (["routine", "normal", "significant", "emergency"] as const).map((cls) => {
      const c = doc.changes.classes[cls];
      return {
        class: cls,
        description: c.description,
        approval: { mode: c.approval.mode, roles: c.approval.roles },
        notice: c.notice,
        reminders: c.reminders,
        realtimeNotices: c.realtime_notices,
        postChangeNotice: c.post_change_notice,
        reviewWithin: c.review_within ?? null,
      };
    }),
    groups,
    systems: [...systems.values()].sort((a, b) => a.localeCompare(b)),
  };
}

/** What the protocol says about a change before it is saved: conflicts, approval rule and notice plan. */
export async function checkChange(
  ctx: ServiceContext,
  relationshipId: string,
  input: {
    class: ChangeRow["class"];
    plannedStart: string;
    plannedEnd: string;
    affectedSystems?: string[];
    expectedDowntimeMinutes?: number;
    changeId?: string;
  },
) {
  await getRelationshipForViewer(ctx, relationshipId);
  const active = await requireActiveProtocol(ctx.db, relationshipId, "changes can be planned");
  const p = active.protocol;
  const start = Date.parse(input.plannedStart);
  const end = Date.parse(input.plannedEnd);
  checkWindow(start, end);
  const now = ctx.clock.now();
  const planned: PlannedChange = {
    class: input.class,
    start,
    end,
    systems: cleanList(input.affectedSystems ?? []),
  };
  const conflicts = await conflictsOf(ctx, p, planned, relationshipId, input.changeId ?? null, now);
  const afterTheFact = p.doc.changes.classes[input.class].approval.mode === "after_the_fact";
  return {
    conflicts: conflicts.map(presentConflict),
    approval: presentRule(approvalRule(p, planned)),
    notices: planNotices(p, planned, now).map((n) => ({
      kind: n.kind,
      label: n.label,
      dueAt: iso(n.dueAt),
      latestAt: iso(n.latestAt),
      state: n.state,
      reason: n.reason,
    })),
    latestNoticeAt: afterTheFact ? null : iso(latestNoticeAt(p, input.class, start)),
    earliestStartWithNotice: afterTheFact ? null : iso(earliestStartWithNotice(p, input.class, now)),
    userNotice: defaultUserNotice(
      { systems: planned.systems, start, end, downtimeMinutes: input.expectedDowntimeMinutes ?? 0 },
      p.timezone,
    ),
  };
}

const cleanList = (xs: readonly string[]) => {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const x of xs.map((s) => s.trim()).filter(Boolean))
    if (!seen.has(x.toLowerCase())) {
      seen.add(x.toLowerCase());
      out.push(x);
    }
  return out;
};

function summary(c: ChangeRow, awaitingViewer: boolean) {
  return {
    id: c.id,
    number: c.number,
    title: c.title,
    class: c.class,
    state: c.state,
    risk: c.risk,
    plannedStart: c.plannedStart.toISOString(),
    plannedEnd: c.plannedEnd.toISOString(),
    actualStart: iso(c.actualStart),
    actualEnd: iso(c.actualEnd),
    affectedSystems: c.affectedSystems,
    unannounced: c.unannounced,
    autoApproved: c.autoApproved,
    reviewDueAt: iso(c.reviewDueAt),
    createdByName: c.createdByName,
    updatedAt: c.updatedAt.toISOString(),
    awaitingViewer,
  };
}

/** Whether the viewer is awaited on each of these changes (one query for all of them). */
async function awaitedIn(ctx: ServiceContext, viewer: RelationshipViewer, rows: ChangeRow[]) {
  const userId = ctx.actor?.type === "user" ? ctx.actor.userId : null;
  const result = new Set<string>();
  const proposed = rows.filter((r) => r.state === "proposed");
  if (!proposed.length || viewer.side !== "client" || !userId) return result;
  const active = await loadActiveProtocol(ctx.db, proposed[0]!.relationshipId);
  if (!active) return result;
  const decisions = await ctx.db
    .select()
    .from(changeApprovals)
    .where(
      and(
        eq(changeApprovals.relationshipId, proposed[0]!.relationshipId),
        inArray(
          changeApprovals.changeId,
          proposed.map((r) => r.id),
        ),
      ),
    );
  for (const r of proposed) {
    const current = decisions.filter((d) => d.changeId === r.id && d.round === r.approvalRound);
    if (awaits(viewer, userId, r, approvalStatus(active.protocol, r, current), current)) result.add(r.id);
  }
  return result;
}

export async function listChanges(
  ctx: ServiceContext,
  relationshipId: string,
  query: {
    state?: ChangeState[];
    class?: ChangeRow["class"][];
    unannounced?: "true" | "false";
    q?: string;
    limit?: number;
  },
) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  const conditions: SQL[] = [eq(changes.relationshipId, relationshipId)];
  if (query.state?.length) conditions.push(inArray(changes.state, query.state));
  if (query.class?.length) conditions.push(inArray(changes.class, query.class));
  if (query.unannounced) conditions.push(eq(changes.unannounced, query.unannounced === "true"));
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const number = /^(?:chg-?)?(\d+)$/i.exec(query.q);
    conditions.push(
      or(
        sql`${changes.title} ilike ${like}`,
        sql`${changes.description} ilike ${like}`,
        ...(number ? [eq(changes.number, Number(number[1]))] : []),
      )!,
    );
  }
  const rows = await ctx.db
    .select()
    .from(changes)
    .where(and(...conditions))
    .orderBy(desc(changes.plannedStart), desc(changes.number))
    .limit(query.limit ?? 200);
  const awaited = await awaitedIn(ctx, viewer, rows);
  return { items: rows.map((r) => summary(r, awaited.has(r.id))) };
}

/** The approver's queue: proposed changes waiting for the viewer's decision. */
export async function listAwaitingMe(ctx: ServiceContext, relationshipId: string) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  if (viewer.side !== "client") return { items: [] };
  const rows = await ctx.db
    .select()
    .from(changes)
    .where(and(eq(changes.relationshipId, relationshipId), eq(changes.state, "proposed")))
    .orderBy(asc(changes.plannedStart));
  const awaited = await awaitedIn(ctx, viewer, rows);
  return { items: rows.filter((r) => awaited.has(r.id)).map((r) => summary(r, true)) };
}

export async function getChange(ctx: ServiceContext, relationshipId: string, changeId: string) {
  const { rel, viewer, change } = await loadChange(ctx, relationshipId, changeId);
  return presentDetail(ctx, rel, viewer, change);
}

async function presentDetail(ctx: ServiceContext, rel: Parties, viewer: RelationshipViewer, c: ChangeRow) {
  const active = await requireActiveProtocol(ctx.db, c.relationshipId, "changes can be planned");
  const p = active.protocol;
  const userId = ctx.actor?.type === "user" ? ctx.actor.userId : null;
  const approvals = await approvalsOf(ctx, c);
  const current = approvals.filter((a) => a.round === c.approvalRound);
  const status = approvalStatus(p, c, current);
  const notices = await noticesOf(ctx, c);
  const conflicts = beforeStart.has(c.state)
    ? await conflictsOf(
        ctx,
        p,
        plannedOf(c),
        c.relationshipId,
        c.id,
        c.proposedAt?.getTime() ?? ctx.clock.now(),
      )
    : [];
  const groups = c.affectedGroupIds.length
    ? (await groupSummaries(ctx, c.relationshipId)).filter((g) => c.affectedGroupIds.includes(g.id))
    : [];
  const related = c.relatedTicketIds.length
    ? await ctx.db
        .select({ id: tickets.id, number: tickets.number, title: tickets.title })
        .from(tickets)
        .where(and(eq(tickets.relationshipId, c.relationshipId), inArray(tickets.id, c.relatedTicketIds)))
        .orderBy(asc(tickets.number))
    : [];
  const history = await ctx.db
    .select({
      at: events.occurredAt,
      action: events.action,
      actorName: events.actorName,
      before: events.before,
      after: events.after,
    })
    .from(events)
    .where(
      and(
        eq(events.relationshipId, c.relationshipId),
        eq(events.subjectType, "change"),
        eq(events.subjectId, c.id),
      ),
    )
    .orderBy(asc(events.seq));
  const awaiting = awaits(viewer, userId, c, status, current);
  const can = (a: ChangeAction) => mayAttempt(viewer, a);
  const isAfterTheFact = status.rule.mode === "after_the_fact";
  return {
    ...summary(c, awaiting),
    description: c.description,
    reason: c.reason,
    impact: c.impact,
    userNotice:
      c.userNotice ||
      defaultUserNotice(
        {
          systems: c.affectedSystems,
          start: c.plannedStart.getTime(),
          end: c.plannedEnd.getTime(),
          downtimeMinutes: c.expectedDowntimeMinutes,
        },
        p.timezone,
      ),
    expectedDowntimeMinutes: c.expectedDowntimeMinutes,
    testing: c.testing,
    rollbackPlan: c.rollbackPlan,
    affectedGroups: groups.map((g) => ({ id: g.id, name: g.name, members: g.members })),
    relatedTickets: related,
    outcomeNotes: c.outcomeNotes,
    followUps: c.followUps,
    recordedAfterBy: c.recordedAfterBy,
    review: c.review,
    cancelReason: c.cancelReason,
    approvalRound: c.approvalRound,
    sequence: c.sequence,
    revision: c.revision,
    timezone: p.timezone,
    // A change recorded after it happened never went through approval: say so, not "waiting".
    approval: c.recordedAfterBy
      ? {
          mode: "after_the_fact" as const,
          roles: [],
          asClass: null,
          explanation: c.unannounced
            ? "Made without notice or approval and recorded afterwards; it needs a review."
            : "An emergency change made under on-call authority; it is reviewed afterwards.",
          waitingFor: [],
          satisfied: false,
        }
      : { ...presentRule(status.rule), waitingFor: status.waitingFor, satisfied: status.satisfied },
    approvals: approvals.map((a) => ({
      id: a.id,
      round: a.round,
      userId: a.userId,
      userName: a.userName,
      role: a.role,
      decision: a.decision,
      reason: a.reason,
      at: a.createdAt.toISOString(),
      current: a.round === c.approvalRound,
    })),
    notices: notices.map((n) => ({
      id: n.id,
      kind: n.kind,
      label: n.label,
      dueAt: iso(n.dueAt),
      latestAt: iso(n.latestAt),
      state: n.state,
      reason: n.reason,
      sentAt: iso(n.sentAt),
      recipients: n.recipients,
    })),
    missedNotices: notices.filter((n) => n.state === "missed").map((n) => n.label),
    conflicts: conflicts.map(presentConflict),
    history: history.map((h) => ({
      at: h.at.toISOString(),
      action: h.action,
      actorName: h.actorName,
      before: (h.before as Record<string, unknown> | null) ?? null,
      after: (h.after as Record<string, unknown> | null) ?? null,
    })),
    abilities: {
      edit: can("edit") && beforeStart.has(c.state),
      propose: can("propose") && (c.state === "draft" || c.state === "rejected"),
      approve: awaiting,
      reject: awaiting,
      requestReschedule:
        can("decide") &&
        viewer.side === "client" &&
        (c.state === "proposed" || c.state === "approved" || c.state === "scheduled"),
      reschedule: can("reschedule") && beforeStart.has(c.state) && c.state !== "draft",
      schedule: can("schedule") && c.state === "approved",
      start:
        can("start") &&
        (c.state === "scheduled" || (isAfterTheFact && ["draft", "proposed", "approved"].includes(c.state))),
      finish: can("finish") && c.state === "in_progress",
      review: can("review") && finished.has(c.state),
      cancel: can("cancel") && beforeStart.has(c.state),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Creating and editing

export interface ChangeInput {
  class: ChangeRow["class"];
  title: string;
  description: string;
  reason: string;
  impact: string;
  userNotice?: string;
  expectedDowntimeMinutes: number;
  risk: ChangeRow["risk"];
  testing?: string;
  rollbackPlan: string;
  affectedSystems: string[];
  affectedGroupIds?: string[];
  relatedTicketIds?: string[];
  plannedStart: string;
  plannedEnd: string;
}

/** Checks that groups and tickets named by a change belong to its relationship (400 naming the field). */
async function checkReferences(
  ctx: ServiceContext,
  relationshipId: string,
  input: { affectedGroupIds?: string[]; relatedTicketIds?: string[] },
) {
  if (input.affectedGroupIds?.length) {
    const found = await ctx.db
      .select({ id: userGroups.id })
      .from(userGroups)
      .where(
        and(
          eq(userGroups.relationshipId, relationshipId),
          inArray(userGroups.id, input.affectedGroupIds),
          isNull(userGroups.archivedAt),
        ),
      );
    const ids = new Set(found.map((f) => f.id));
    const i = input.affectedGroupIds.findIndex((g) => !ids.has(g));
    if (i >= 0)
      throw fieldError(
        `body.affectedGroupIds.${i}`,
        "is not a user group of this relationship; pick one from the form",
      );
  }
  if (input.relatedTicketIds?.length) {
    const found = await ctx.db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.relationshipId, relationshipId), inArray(tickets.id, input.relatedTicketIds)));
    const ids = new Set(found.map((f) => f.id));
    const i = input.relatedTicketIds.findIndex((t) => !ids.has(t));
    if (i >= 0) throw fieldError(`body.relatedTicketIds.${i}`, "is not a ticket of this relationship");
  }
}

async function nextNumber(ctx: ServiceContext, relationshipId: string): Promise<number> {
  const [counter] = await ctx.db
    .insert(changeCounters)
    .values({ relationshipId, last: 1 })
    .onConflictDoUpdate({
      target: changeCounters.relationshipId,
      set: { last: sql`${changeCounters.last} + 1` },
    })
    .returning();
  return counter!.last;
}

/** Creates a change request as a draft, or proposes it at once. */
export async function createChange(
  ctx: ServiceContext,
  relationshipId: string,
  input: ChangeInput & { propose?: boolean },
) {
  const { row: rel, viewer } = await getRelationshipForViewer(ctx, relationshipId);
  if (!mayAttempt(viewer, "create")) throw forbidden(actionRefusals.create);
  const active = await requireActiveProtocol(ctx.db, relationshipId, "changes can be planned");
  const start = Date.parse(input.plannedStart);
  const end = Date.parse(input.plannedEnd);
  checkWindow(start, end);
  return withTransaction(ctx, async (tx) => {
    await checkReferences(tx, relationshipId, input);
    const now = tx.clock.now();
    if (start < now - HOUR)
      throw fieldError(
        "body.plannedStart",
        "is in the past; record a change that already happened with POST …/changes/record",
        "A planned change starts in the future.",
      );
    const actor = tx.actor!;
    const [created] = await tx.db
      .insert(changes)
      .values({
        relationshipId,
        number: await nextNumber(tx, relationshipId),
        class: input.class,
        state: "draft",
        title: input.title,
        description: input.description,
        reason: input.reason,
        impact: input.impact,
        userNotice: input.userNotice ?? "",
        expectedDowntimeMinutes: input.expectedDowntimeMinutes,
        risk: input.risk,
        testing: input.testing ?? "",
        rollbackPlan: input.rollbackPlan,
        affectedSystems: cleanList(input.affectedSystems),
        affectedGroupIds: [...new Set(input.affectedGroupIds ?? [])],
        relatedTicketIds: [...new Set(input.relatedTicketIds ?? [])],
        plannedStart: new Date(start),
        plannedEnd: new Date(end),
        protocolVersionId: active.versionId,
        createdById: actor.type === "user" ? actor.userId : null,
        createdByName: eventActor(actor).name,
        createdAt: new Date(now),
        updatedAt: new Date(now),
      })
      .returning();
    let change = created!;
    await record(tx, change, who(tx).actor, "change.created", { after: webhookChange(change) }, now);
    if (input.propose) {
      change = await proposeNow(tx, rel, active, change, now);
      await syncTimer(tx, change.id);
    }
    return presentDetail(tx, rel, viewer, change);
  });
}

/**
 * Proposes a change: plans its notices (sending the advance notice now) and applies its approval
 * rule — a routine change inside a maintenance window is approved at once by standing approval.
 */
async function proposeNow(
  ctx: ServiceContext,
  rel: Parties,
  active: Active,
  change: ChangeRow,
  now: number,
): Promise<ChangeRow> {
  const p = active.protocol;
  const rule = approvalRule(p, plannedOf(change));
  const automatic = rule.mode === "automatic";
  const next = await store(
    ctx,
    change,
    {
      state: automatic ? "approved" : "proposed",
      autoApproved: automatic,
      proposedAt: new Date(now),
      protocolVersionId: active.versionId,
    },
    now,
  );
  await record(
    ctx,
    next,
    who(ctx).actor,
    "change.proposed",
    {
      before: { state: change.state },
      after: { state: "proposed", approval: rule.mode, round: next.approvalRound },
    },
    now,
  );
  if (automatic)
    await record(
      ctx,
      next,
      SYSTEM,
      "change.approved",
      { after: { state: "approved", automatic: true, window: rule.window.name } },
      now,
    );
  await writePlan(ctx, p, next, now);
  await sendDueNotices(ctx, rel, p, next, now);
  return next;
}

interface Step {
  tx: ServiceContext;
  rel: Parties;
  viewer: RelationshipViewer;
  change: ChangeRow;
  active: Active;
  now: number;
}

/** One step on a change: locked, role checked (403), revision checked (409), then `fn`; answers the detail. */
async function step(
  ctx: ServiceContext,
  relationshipId: string,
  changeId: string,
  action: ChangeAction,
  expectedRevision: number | undefined,
  fn: (s: Step) => Promise<ChangeRow>,
) {
  return withTransaction(ctx, async (tx) => {
    const { rel, viewer, change } = await loadChange(tx, relationshipId, changeId, { lock: true });
    if (!mayAttempt(viewer, action)) throw forbidden(actionRefusals[action]);
    if (expectedRevision !== undefined && expectedRevision !== change.revision)
      throw new AppError(
        "conflict",
        `CHG-${change.number} changed since you loaded it (revision ${change.revision}, you had ${expectedRevision}); reload and try again.`,
      );
    const active = await requireActiveProtocol(tx.db, relationshipId, "changes can be planned");
    const updated = await fn({ tx, rel, viewer, change, active, now: tx.clock.now() });
    await syncTimer(tx, change.id);
    return presentDetail(tx, rel, viewer, updated);
  });
}

export async function proposeChange(ctx: ServiceContext, relId: string, changeId: string, revision?: number) {
  return step(ctx, relId, changeId, "propose", revision, async (s) => {
    if (s.change.state !== "draft" && s.change.state !== "rejected")
      throw stateConflict(s.change, "only drafts and rejected changes are proposed");
    if (s.change.plannedStart.getTime() < s.now)
      throw new AppError(
        "conflict",
        `CHG-${s.change.number} was planned to start ${localTime(s.change.plannedStart.getTime(), s.active.protocol.timezone)}, which has passed; move it first.`,
      );
    let change = s.change;
    if (change.state === "rejected") {
      // A rejected change comes back as a new round: earlier decisions no longer count.
      change = await store(s.tx, change, { approvalRound: change.approvalRound + 1 }, s.now);
      await skipPlanned(s.tx, change, "replaced when the change was proposed again");
    }
    return proposeNow(s.tx, s.rel, s.active, change, s.now);
  });
}

/**
 * Edits a change. Before it is proposed anything goes; afterwards a material edit (window moved,
 * class changed, systems or groups added, more downtime) starts a new approval round, re-plans
 * the notices, and tells people it moved.
 */
export async function updateChange(
  ctx: ServiceContext,
  relId: string,
  changeId: string,
  input: Partial<ChangeInput> & { revision?: number },
) {
  return step(ctx, relId, changeId, "edit", input.revision, async (s) => {
    const c = s.change;
    if (!beforeStart.has(c.state)) throw stateConflict(c, "a change is edited only before it starts");
    await checkReferences(s.tx, relId, input);
    const start = input.plannedStart ? Date.parse(input.plannedStart) : c.plannedStart.getTime();
    const end = input.plannedEnd ? Date.parse(input.plannedEnd) : c.plannedEnd.getTime();
    checkWindow(start, end);
    const values: Partial<ChangeRow> = {};
    const set = <K extends keyof ChangeRow>(k: K, v: ChangeRow[K] | undefined) => {
      if (v !== undefined && JSON.stringify(v) !== JSON.stringify(c[k])) values[k] = v;
    };
    set("class", input.class);
    set("title", input.title);
    set("description", input.description);
    set("reason", input.reason);
    set("impact", input.impact);
    set("userNotice", input.userNotice);
    set("expectedDowntimeMinutes", input.expectedDowntimeMinutes);
    set("risk", input.risk);
    set("testing", input.testing);
    set("rollbackPlan", input.rollbackPlan);
    set("affectedSystems", input.affectedSystems ? cleanList(input.affectedSystems) : undefined);
    set("affectedGroupIds", input.affectedGroupIds ? [...new Set(input.affectedGroupIds)] : undefined);
    set("relatedTicketIds", input.relatedTicketIds ? [...new Set(input.relatedTicketIds)] : undefined);
    set("plannedStart", new Date(start));
    set("plannedEnd", new Date(end));
    if (!Object.keys(values).length) return c;
    const before = Object.fromEntries(Object.keys(values).map((k) => [k, c[k as keyof ChangeRow]]));
    return revise(s, values, before, null);
  });
}

/** Moves a change to a new window (the provider's answer to a reschedule request, or its own). */
export async function rescheduleChange(
  ctx: ServiceContext,
  relId: string,
  changeId: string,
  input: { plannedStart: string; plannedEnd: string; reason: string; revision?: number },
) {
  return step(ctx, relId, changeId, "reschedule", input.revision, async (s) => {
    const c = s.change;
    if (!beforeStart.has(c.state) || c.state === "draft")
      throw stateConflict(c, "only a proposed, approved or scheduled change is moved (edit a draft instead)");
    const start = Date.parse(input.plannedStart);
    const end = Date.parse(input.plannedEnd);
    checkWindow(start, end);
    if (start < s.now) throw fieldError("body.plannedStart", "is in the past; pick a time ahead");
    if (start === c.plannedStart.getTime() && end === c.plannedEnd.getTime())
      throw fieldError("body.plannedStart", "is the window the change already has; pick another time");
    return revise(
      s,
      { plannedStart: new Date(start), plannedEnd: new Date(end) },
      { plannedStart: iso(c.plannedStart), plannedEnd: iso(c.plannedEnd) },
      input.reason,
    );
  });
}

/** Applies an edit; a material one after proposal restarts approval and the notice plan. */
async function revise(
  s: Step,
  values: Partial<ChangeRow>,
  before: Record<string, unknown>,
  reason: string | null,
): Promise<ChangeRow> {
  const c = s.change;
  const p = s.active.protocol;
  const after = { ...c, ...values };
  const shape = (x: ChangeRow) => ({
    class: x.class,
    start: x.plannedStart.getTime(),
    end: x.plannedEnd.getTime(),
    systems: x.affectedSystems,
    groupIds: x.affectedGroupIds,
    downtimeMinutes: x.expectedDowntimeMinutes,
  });
  const material = c.state === "draft" ? [] : materialChanges(shape(c), shape(after), p.timezone);
  const moved =
    after.plannedStart.getTime() !== c.plannedStart.getTime() ||
    after.plannedEnd.getTime() !== c.plannedEnd.getTime();
  const summaryAfter = Object.fromEntries(
    Object.keys(values).map((k) => [k, (values as Record<string, unknown>)[k]]),
  );
  if (!material.length) {
    const next = await store(s.tx, c, { ...values, ...(moved ? { sequence: c.sequence + 1 } : {}) }, s.now);
    await record(s.tx, next, who(s.tx).actor, "change.updated", { before, after: summaryAfter }, s.now);
    return next;
  }
  const wasAnnounced = await announced(s.tx, c);
  let next = await store(
    s.tx,
    c,
    {
      ...values,
      state: "proposed",
      autoApproved: false,
      approvalRound: c.approvalRound + 1,
      sequence: c.sequence + (moved ? 1 : 0),
      proposedAt: new Date(s.now),
    },
    s.now,
  );
  await record(
    s.tx,
    next,
    who(s.tx).actor,
    moved ? "change.rescheduled" : "change.updated",
    {
      before: { ...before, state: c.state, round: c.approvalRound },
      after: { ...summaryAfter, state: "proposed", round: next.approvalRound, invalidated: material, reason },
    },
    s.now,
  );
  await skipPlanned(s.tx, next, `replaced: ${material.join("; ")}`);
  await writePlan(s.tx, p, next, s.now);
  // Standing approval applies again to a routine change that still fits a window.
  const rule = approvalRule(p, plannedOf(next));
  if (rule.mode === "automatic") {
    next = await store(s.tx, next, { state: "approved", autoApproved: true }, s.now);
    await record(
      s.tx,
      next,
      SYSTEM,
      "change.approved",
      { after: { automatic: true, window: rule.window.name } },
      s.now,
    );
  }
  if (wasAnnounced && moved) {
    const recipients = await sendEventNotice(s.tx, s.rel, p, next, "rescheduled", s.now, {
      message:
        `The change moved from ${window_(c, p.timezone)} to ${window_(next, p.timezone)}.` +
        (reason ? ` Reason: ${reason}` : "") +
        (material.length ? ` Approvals given before no longer count (${material.join("; ")}).` : ""),
    });
    // The notice of the move is the new advance notice: one message, not two.
    await s.tx.db
      .update(changeNotices)
      .set({ state: "sent", sentAt: new Date(s.now), recipients, reason: "sent as the notice of the move" })
      .where(
        and(
          eq(changeNotices.relationshipId, next.relationshipId),
          eq(changeNotices.changeId, next.id),
          eq(changeNotices.kind, "advance"),
          eq(changeNotices.state, "planned"),
          sql`${changeNotices.dueAt} <= ${new Date(s.now)}`,
        ),
      );
  }
  await sendDueNotices(s.tx, s.rel, p, next, s.now);
  return next;
}

// ---------------------------------------------------------------------------------------------
// Decisions

async function decide(s: Step, decision: ApprovalRow["decision"], reason: string | null): Promise<ChangeRow> {
  const c = s.change;
  const p = s.active.protocol;
  const actor = s.tx.actor;
  if (actor?.type !== "user") throw forbidden("Approvals are given by people, not API tokens.");
  const approvals = await approvalsOf(s.tx, c);
  const current = approvals.filter((a) => a.round === c.approvalRound);
  const status = approvalStatus(p, c, current);
  const reschedulable =
    decision === "reschedule_requested" && (c.state === "approved" || c.state === "scheduled");
  if (c.state !== "proposed" && !reschedulable)
    throw stateConflict(
      c,
      decision === "reschedule_requested"
        ? "a reschedule is asked for while the change is proposed, approved or scheduled"
        : "only a proposed change is approved or rejected",
    );
  if (!reschedulable) {
    if (!status.roles.includes(s.viewer.role as ClientRole))
      throw forbidden(
        status.rule.mode === "automatic" || status.rule.mode === "after_the_fact"
          ? `This change needs no approval (${status.rule.explanation})`
          : `This change is approved by ${status.roles.map(words).join(" or ")}; you are ${words(s.viewer.role)}.`,
      );
    if (current.some((a) => a.userId === actor.userId))
      throw new AppError("conflict", `You already decided on CHG-${c.number} in this round.`);
  }
  const decisionRow = {
    relationshipId: c.relationshipId,
    changeId: c.id,
    round: c.approvalRound,
    userId: actor.userId,
    userName: actor.name,
    role: s.viewer.role,
    decision,
    reason,
    createdAt: new Date(s.now),
  };
  // Asking to move an approved change replaces the asker's approval in this round (the audit
  // trail keeps both); the move that follows starts a new round anyway.
  if (reschedulable)
    await s.tx.db
      .insert(changeApprovals)
      .values(decisionRow)
      .onConflictDoUpdate({
        target: [changeApprovals.changeId, changeApprovals.round, changeApprovals.userId],
        set: { decision, reason, role: s.viewer.role, createdAt: new Date(s.now) },
      });
  else await s.tx.db.insert(changeApprovals).values(decisionRow);
  const after = [...current, { role: s.viewer.role, decision } as ApprovalRow];
  let state: ChangeState = c.state;
  if (decision === "rejected") state = "rejected";
  else if (decision === "reschedule_requested") state = "reschedule_requested";
  else if (approvalStatus(p, c, after).satisfied) state = "approved";
  const next = await store(s.tx, c, { state }, s.now);
  const action =
    decision === "approved"
      ? state === "approved"
        ? "change.approved"
        : "change.approval_given"
      : decision === "rejected"
        ? "change.rejected"
        : "change.reschedule_requested";
  await record(
    s.tx,
    next,
    who(s.tx).actor,
    action,
    { before: { state: c.state }, after: { state, role: s.viewer.role, round: c.approvalRound, reason } },
    s.now,
  );
  // The provider hears of every decision; the client's leads of the outcome.
  const provider = await membersWithRoles(s.tx.db, [s.rel.providerOrgId], ["account_manager"]);
  const recipients = new Set([...provider, ...(c.createdById ? [c.createdById] : [])]);
  if (state !== c.state) for (const id of await stakeholders(s.tx, s.rel, c)) recipients.add(id);
  recipients.delete(actor.userId);
  const verb = {
    approved:
      state === "approved"
        ? "approved"
        : `approved (still waiting for ${approvalStatus(p, c, after).waitingFor.map(words).join(", ")})`,
    rejected: "rejected",
    reschedule_requested: "asked to reschedule",
  }[decision];
  await notifyUsers(s.tx, recipients, {
    relationshipId: c.relationshipId,
    kind: action,
    subject: `CHG-${c.number} ${verb} by ${actor.name}`,
    body: `${actor.name} (${words(s.viewer.role)}) ${verb} ${label(c)}.${reason ? `\n\n${reason}` : ""}`,
    link: changeLink(c),
    data: { changeId: c.id, number: c.number },
    thread: { key: `change-${c.id}`, subject: `[CHG-${c.number}] ${c.title}` },
  });
  return next;
}

export const approveChange = (
  ctx: ServiceContext,
  relId: string,
  changeId: string,
  input: { reason?: string; revision?: number },
) =>
  step(ctx, relId, changeId, "decide", input.revision, (s) =>
    decide(s, "approved", input.reason?.trim() || null),
  );

export const rejectChange = (
  ctx: ServiceContext,
  relId: string,
  changeId: string,
  input: { reason: string; revision?: number },
) => step(ctx, relId, changeId, "decide", input.revision, (s) => decide(s, "rejected", input.reason));

export const requestReschedule = (
  ctx: ServiceContext,
  relId: string,
  changeId: string,
  input: { reason: string; suggestedStart?: string; revision?: number },
) =>
  step(ctx, relId, changeId, "decide", input.revision, async (s) => {
    const suggestion = input.suggestedStart
      ? ` Suggested start: ${localTime(Date.parse(input.suggestedStart), s.active.protocol.timezone)}.`
      : "";
    return decide(s, "reschedule_requested", `${input.reason}${suggestion}`);
  });

// ---------------------------------------------------------------------------------------------
// Carrying out

export const scheduleChange = (ctx: ServiceContext, relId: string, changeId: string, revision?: number) =>
  step(ctx, relId, changeId, "schedule", revision, async (s) => {
    if (s.change.state !== "approved") throw stateConflict(s.change, "only an approved change is scheduled");
    const next = await store(s.tx, s.change, { state: "scheduled" }, s.now);
    await record(
      s.tx,
      next,
      who(s.tx).actor,
      "change.scheduled",
      { before: { state: "approved" }, after: { state: "scheduled" } },
      s.now,
    );
    return next;
  });

export const startChange = (ctx: ServiceContext, relId: string, changeId: string, revision?: number) =>
  step(ctx, relId, changeId, "start", revision, async (s) => {
    const c = s.change;
    const p = s.active.protocol;
    const afterTheFact = p.doc.changes.classes[c.class].approval.mode === "after_the_fact";
    if (c.state !== "scheduled" && !(afterTheFact && ["draft", "proposed", "approved"].includes(c.state)))
      throw stateConflict(
        c,
        c.state === "approved"
          ? "schedule it first"
          : c.state === "proposed"
            ? "it is still waiting for approval"
            : "only a scheduled change is started",
      );
    const next = await store(s.tx, c, { state: "in_progress", actualStart: new Date(s.now) }, s.now);
    // Reminders not yet sent no longer make sense once the work has begun.
    await s.tx.db
      .update(changeNotices)
      .set({ state: "skipped", reason: "the change started before it was due" })
      .where(
        and(
          eq(changeNotices.changeId, c.id),
          eq(changeNotices.state, "planned"),
          inArray(changeNotices.kind, ["advance", "reminder"]),
        ),
      );
    await record(
      s.tx,
      next,
      who(s.tx).actor,
      "change.started",
      {
        before: { state: c.state },
        after: { state: "in_progress", actualStart: iso(s.now), ...(await noticeGiven(s, c)) },
      },
      s.now,
    );
    if (await hasPlanned(s.tx, next, "start")) await sendEventNotice(s.tx, s.rel, p, next, "start", s.now);
    return next;
  });

/**
 * How much notice the change really had when it starts: when the first notice went out, the
 * latest moment the protocol allowed for this start, and whether it was short — the fact the
 * compliance view counts, from the audit trail. Emergency changes owe no advance notice.
 */
async function noticeGiven(s: Step, c: ChangeRow) {
  const p = s.active.protocol;
  if (p.doc.changes.classes[c.class].approval.mode === "after_the_fact") return {};
  const [first] = await s.tx.db
    .select({ at: sql<Date | string | null>`min(${changeNotices.sentAt})` })
    .from(changeNotices)
    .where(and(eq(changeNotices.changeId, c.id), eq(changeNotices.state, "sent")));
  const givenAt = first?.at ? new Date(first.at).getTime() : null;
  const latest = latestNoticeAt(p, c.class, s.now);
  return {
    noticeGivenAt: iso(givenAt),
    noticeDueBy: iso(latest),
    shortNotice: givenAt === null || givenAt > latest,
  };
}

async function hasPlanned(ctx: ServiceContext, c: ChangeRow, kind: NoticeRow["kind"]) {
  const [row] = await ctx.db
    .select({ id: changeNotices.id })
    .from(changeNotices)
    .where(
      and(eq(changeNotices.changeId, c.id), eq(changeNotices.kind, kind), eq(changeNotices.state, "planned")),
    )
    .limit(1);
  return Boolean(row);
}

/** Whether finishing a change this way requires a review: emergency and unannounced changes, and failures. */
const needsReview = (c: ChangeRow, outcome: ChangeState) =>
  c.class === "emergency" || c.unannounced || outcome === "failed" || outcome === "rolled_back";

export const finishChange = (
  ctx: ServiceContext,
  relId: string,
  changeId: string,
  input: {
    outcome: "completed" | "failed" | "rolled_back";
    notes: string;
    followUps?: string;
    revision?: number;
  },
) =>
  step(ctx, relId, changeId, "finish", input.revision, async (s) => {
    const c = s.change;
    const p = s.active.protocol;
    if (c.state !== "in_progress") throw stateConflict(c, "only a change in progress is finished");
    const next = await store(
      s.tx,
      c,
      {
        state: input.outcome,
        actualEnd: new Date(s.now),
        outcomeNotes: input.notes,
        followUps: input.followUps?.trim() || null,
        // A deadline already given (a change recorded afterwards) stands; otherwise it starts now.
        reviewDueAt: needsReview(c, input.outcome)
          ? (c.reviewDueAt ?? new Date(reviewDueAt(p, c.class, s.now)))
          : null,
      },
      s.now,
    );
    await record(
      s.tx,
      next,
      who(s.tx).actor,
      `change.${input.outcome}`,
      {
        before: { state: c.state },
        after: { state: input.outcome, actualEnd: iso(s.now), reviewDueAt: iso(next.reviewDueAt) },
      },
      s.now,
    );
    if (await hasPlanned(s.tx, next, "finish")) await sendEventNotice(s.tx, s.rel, p, next, "finish", s.now);
    if (await hasPlanned(s.tx, next, "post_change"))
      await sendEventNotice(s.tx, s.rel, p, next, "post_change", s.now);
    return next;
  });

export const reviewChange = (
  ctx: ServiceContext,
  relId: string,
  changeId: string,
  input: { summary: string; lessons: string; revision?: number },
) =>
  step(ctx, relId, changeId, "review", input.revision, async (s) => {
    const c = s.change;
    if (!finished.has(c.state)) throw stateConflict(c, "a change is reviewed after it finished");
    const review = {
      summary: input.summary,
      lessons: input.lessons,
      byName: eventActor(s.tx.actor).name,
      at: new Date(s.now).toISOString(),
    };
    const next = await store(s.tx, c, { state: "reviewed", review }, s.now);
    const late = c.reviewDueAt !== null && c.reviewDueAt.getTime() < s.now;
    await record(
      s.tx,
      next,
      who(s.tx).actor,
      "change.reviewed",
      { before: { state: c.state }, after: { state: "reviewed", late, reviewDueAt: iso(c.reviewDueAt) } },
      s.now,
    );
    return next;
  });

export const cancelChange = (
  ctx: ServiceContext,
  relId: string,
  changeId: string,
  input: { reason: string; revision?: number },
) =>
  step(ctx, relId, changeId, "cancel", input.revision, async (s) => {
    const c = s.change;
    if (!beforeStart.has(c.state)) throw stateConflict(c, "a change is cancelled only before it starts");
    const wasAnnounced = await announced(s.tx, c);
    const next = await store(
      s.tx,
      c,
      { state: "cancelled", cancelReason: input.reason, sequence: c.sequence + 1 },
      s.now,
    );
    await skipPlanned(s.tx, next, "the change was cancelled");
    await record(
      s.tx,
      next,
      who(s.tx).actor,
      "change.cancelled",
      { before: { state: c.state }, after: { state: "cancelled", reason: input.reason } },
      s.now,
    );
    if (wasAnnounced)
      await sendEventNotice(s.tx, s.rel, s.active.protocol, next, "cancelled", s.now, {
        message: `Reason: ${input.reason}`,
      });
    return next;
  });

// ---------------------------------------------------------------------------------------------
// Changes recorded after the fact

export interface RecordInput {
  class?: ChangeRow["class"];
  title: string;
  description: string;
  reason?: string;
  impact?: string;
  affectedSystems?: string[];
  relatedTicketIds?: string[];
  startedAt: string;
  endedAt?: string;
  outcomeNotes?: string;
}

/**
 * Records a change that happened: reported by the client ("things changed") or logged by the
 * provider afterwards. Unless it is an emergency change made under on-call authority, it was
 * unannounced: the notices it should have had are listed as missed, and it needs a review. An
 * emergency change still owes its post-change notice (sent now) and a review in the protocol's time.
 */
export async function recordChange(ctx: ServiceContext, relationshipId: string, input: RecordInput) {
  const { row: rel, viewer } = await getRelationshipForViewer(ctx, relationshipId);
  if (!mayAttempt(viewer, "record")) throw forbidden(actionRefusals.record);
  if (input.class && viewer.side === "client")
    throw fieldError(
      "body.class",
      "is set by the provider; leave it out when reporting a change you noticed",
    );
  const active = await requireActiveProtocol(ctx.db, relationshipId, "changes can be planned");
  const p = active.protocol;
  return withTransaction(ctx, async (tx) => {
    await checkReferences(tx, relationshipId, input);
    const now = tx.clock.now();
    const started = Date.parse(input.startedAt);
    const ended = input.endedAt ? Date.parse(input.endedAt) : null;
    if (started > now)
      throw fieldError("body.startedAt", "is in the future; plan a change with POST …/changes instead");
    if (ended !== null && ended < started) throw fieldError("body.endedAt", "is before startedAt");
    if (ended !== null && ended > now)
      throw fieldError("body.endedAt", "is in the future; leave it out while the change is still going on");
    const cls = input.class ?? "normal";
    const emergency = p.doc.changes.classes[cls].approval.mode === "after_the_fact";
    const actor = tx.actor!;
    const state: ChangeState = ended === null ? "in_progress" : "completed";
    const [created] = await tx.db
      .insert(changes)
      .values({
        relationshipId,
        number: await nextNumber(tx, relationshipId),
        class: cls,
        state,
        title: input.title,
        description: input.description,
        reason: input.reason ?? "",
        impact: input.impact ?? "",
        expectedDowntimeMinutes: 0,
        risk: "medium",
        rollbackPlan: "",
        affectedSystems: cleanList(input.affectedSystems ?? []),
        affectedGroupIds: [],
        relatedTicketIds: [...new Set(input.relatedTicketIds ?? [])],
        plannedStart: new Date(started),
        plannedEnd: new Date(ended ?? Math.max(now, started + 1)),
        actualStart: new Date(started),
        actualEnd: ended === null ? null : new Date(ended),
        outcomeNotes: input.outcomeNotes ?? null,
        unannounced: !emergency,
        recordedAfterBy: viewer.side,
        reviewDueAt: ended === null && emergency ? null : new Date(reviewDueAt(p, cls, now)),
        protocolVersionId: active.versionId,
        createdById: actor.type === "user" ? actor.userId : null,
        createdByName: eventActor(actor).name,
        proposedAt: null,
        createdAt: new Date(now),
        updatedAt: new Date(now),
      })
      .returning();
    const change = created!;
    // What the protocol required and never happened.
    const required = planNotices(p, plannedOf(change), started - 365 * 24 * HOUR);
    const missed = emergency ? [] : required.filter((n) => n.kind !== "post_change");
    if (missed.length)
      await tx.db.insert(changeNotices).values(
        missed.map((n) => ({
          relationshipId,
          changeId: change.id,
          kind: n.kind,
          label: n.label,
          dueAt:
            n.kind === "advance"
              ? n.latestAt === null
                ? null
                : new Date(n.latestAt)
              : n.dueAt === null
                ? null
                : new Date(n.dueAt),
          latestAt: n.latestAt === null ? null : new Date(n.latestAt),
          state: "missed" as const,
          reason: "the change was made without notice",
          createdAt: new Date(now),
        })),
      );
    await record(
      tx,
      change,
      who(tx).actor,
      emergency ? "change.recorded" : "change.unannounced",
      {
        after: {
          ...webhookChange(change),
          recordedBy: viewer.side,
          missedNotices: missed.map((n) => n.label),
          reviewDueAt: iso(change.reviewDueAt),
        },
      },
      now,
    );
    const tz = p.timezone;
    const message = emergency
      ? `An emergency change was made under on-call authority on ${localTime(started, tz)}. A review is due by ${localTime(change.reviewDueAt?.getTime() ?? now, tz)}.`
      : viewer.side === "client"
        ? `${eventActor(actor).name} reported a change nobody announced, noticed ${localTime(started, tz)}. The protocol required: ${missed.map((n) => n.label).join("; ") || "notice"}. The provider owes an account of it and a review by ${localTime(change.reviewDueAt!.getTime(), tz)}.`
        : `A change made on ${localTime(started, tz)} was recorded afterwards without the notices the protocol requires (${missed.map((n) => n.label).join("; ")}). A review is due by ${localTime(change.reviewDueAt!.getTime(), tz)}.`;
    if (state !== "in_progress")
      await sendEventNotice(tx, rel, p, change, "post_change", now, { label: "Post-change notice", message });
    else {
      const ids = (await stakeholders(tx, rel, change)).filter(
        (id) => id !== (actor.type === "user" ? actor.userId : null),
      );
      await notifyUsers(tx, ids, {
        relationshipId,
        kind: emergency ? "change.notice.start" : "change.unannounced",
        subject: emergency
          ? `Emergency change under way: ${label(change)}`
          : `Unannounced change: ${label(change)}`,
        body: message,
        link: changeLink(change),
        data: { changeId: change.id, number: change.number },
        thread: { key: `change-${change.id}`, subject: `[CHG-${change.number}] ${change.title}` },
      });
    }
    // Still going on: the outcome is owed when it finishes (the class's finish and post-change notices).
    const owed =
      state === "in_progress"
        ? required.filter((n) => (n.kind === "finish" || n.kind === "post_change") && !missed.includes(n))
        : [];
    if (owed.length)
      await tx.db.insert(changeNotices).values(
        owed.map((n) => ({
          relationshipId,
          changeId: change.id,
          kind: n.kind,
          label: n.label,
          state: "planned" as const,
          createdAt: new Date(now),
        })),
      );
    await syncTimer(tx, change.id);
    return presentDetail(tx, rel, viewer, change);
  });
}

// ---------------------------------------------------------------------------------------------
// Timers: due notices and overdue reviews

/** Sends the change's planned notices that are due (or skips those that no longer apply). */
async function sendDueNotices(
  ctx: ServiceContext,
  rel: Parties,
  p: CompiledProtocol,
  change: ChangeRow,
  now: number,
) {
  const due = await ctx.db
    .select()
    .from(changeNotices)
    .where(
      and(
        eq(changeNotices.changeId, change.id),
        eq(changeNotices.state, "planned"),
        sql`${changeNotices.dueAt} <= ${new Date(now)}`,
      ),
    )
    .orderBy(asc(changeNotices.dueAt));
  let sent = 0;
  for (const n of due) {
    const skip =
      n.kind === "reminder" && change.state !== "approved" && change.state !== "scheduled"
        ? `not sent: the change was ${words(change.state)} when the reminder was due`
        : n.kind === "advance" && !beforeStart.has(change.state)
          ? `not sent: the change was already ${words(change.state)}`
          : null;
    if (skip) {
      await ctx.db
        .update(changeNotices)
        .set({ state: "skipped", reason: skip })
        .where(eq(changeNotices.id, n.id));
      continue;
    }
    await deliverNotice(ctx, rel, p, change, n, now);
    sent++;
  }
  return sent;
}

/**
 * The change timer: under the change's row lock, sends what is due and reports an overdue review
 * once. Early, late and duplicate wake-ups come to the same effects, since notice rows change
 * state (planned → sent) in the same transaction.
 */
export async function processChangeTimers(ctx: ServiceContext, changeId: string): Promise<number> {
  return withTransaction(ctx, async (tx) => {
    const [change] = await tx.db.select().from(changes).where(eq(changes.id, changeId)).for("update");
    if (!change || change.nextCheckAt === null) return 0;
    const now = tx.clock.now();
    if (change.nextCheckAt.getTime() > now) {
      await tx.jobs?.send(
        tx.db,
        queueNames.changeTimer,
        { changeId: change.id },
        { startAfter: change.nextCheckAt, singletonKey: `${change.id}:${change.nextCheckAt.getTime()}` },
      );
      return 0;
    }
    const active = await loadActiveProtocol(tx.db, change.relationshipId);
    if (!active) return 0;
    const [rel] = await tx.db
      .select({ clientOrgId: relationships.clientOrgId, providerOrgId: relationships.providerOrgId })
      .from(relationships)
      .where(eq(relationships.id, change.relationshipId));
    let fired = await sendDueNotices(tx, rel!, active.protocol, change, now);
    let values: Partial<ChangeRow> = {};
    if (
      change.reviewDueAt &&
      !change.reviewOverdueAt &&
      finished.has(change.state) &&
      change.reviewDueAt.getTime() <= now
    ) {
      values = { reviewOverdueAt: new Date(now) };
      const ids = await stakeholders(tx, rel!, change);
      const senior = await membersWithRoles(tx.db, [rel!.providerOrgId], ["senior_technician"]);
      await notifyUsers(tx, [...ids, ...senior], {
        relationshipId: change.relationshipId,
        kind: "change.review_overdue",
        subject: `Review overdue: ${label(change)}`,
        body: `The review of ${label(change)} was due ${localTime(change.reviewDueAt.getTime(), active.protocol.timezone)} and has not been written.`,
        link: changeLink(change),
        data: { changeId: change.id, number: change.number },
        thread: { key: `change-${change.id}`, subject: `[CHG-${change.number}] ${change.title}` },
      });
      await record(
        tx,
        change,
        SYSTEM,
        "change.review_overdue",
        { after: { reviewDueAt: iso(change.reviewDueAt) } },
        now,
      );
      fired++;
    }
    if (Object.keys(values).length) await store(tx, change, values, now);
    await syncTimer(tx, change.id);
    return fired;
  });
}

/** The recovery sweep for change timers: every change whose check is overdue by more than `lateByMs`. */
export async function runDueChangeTimers(
  ctx: ServiceContext,
  opts: { lateByMs?: number; limit?: number } = {},
) {
  const cutoff = new Date(ctx.clock.now() - (opts.lateByMs ?? 0) + 1);
  const due = await ctx.db
    .select({ id: changes.id })
    .from(changes)
    .where(and(sql`${changes.nextCheckAt} is not null`, lt(changes.nextCheckAt, cutoff)))
    .orderBy(asc(changes.nextCheckAt))
    .limit(opts.limit ?? 500);
  let fired = 0;
  for (const { id } of due) fired += await processChangeTimers(ctx, id);
  return { processed: due.length, fired };
}

// ---------------------------------------------------------------------------------------------
// User groups

export async function groupSummaries(ctx: ServiceContext, relationshipId: string) {
  const rows = await ctx.db
    .select({
      id: userGroups.id,
      name: userGroups.name,
      members: sql<number>`(select count(*)::int from ${userGroupMembers} m where m.group_id = ${userGroups.id})`,
    })
    .from(userGroups)
    .where(and(eq(userGroups.relationshipId, relationshipId), isNull(userGroups.archivedAt)))
    .orderBy(asc(userGroups.name));
  return rows.map((r) => ({ ...r, members: Number(r.members) }));
}
