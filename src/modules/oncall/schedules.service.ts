import { createHash, randomInt, randomUUID } from "node:crypto";
import { and, asc, desc, eq, gt, inArray, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { Db } from "../../core/db/index.ts";
import { appendEvent } from "../../core/events/events.ts";
import { eventActor, requireActor, type ServiceContext, withTransaction } from "../../core/http/context.ts";
import { AppError, forbidden, notFound } from "../../core/http/errors.ts";
import { NO_SMTP } from "../../core/notify/deliver.ts";
import { notifyUsers } from "../../core/notify/notify.ts";
import { outbox } from "../../core/notify/notify.tables.ts";
import { isValidZone } from "../../core/time/intervals.ts";
import { orgMembership } from "../identity/identity.policy.ts";
import { memberships, organizations, relationships, users } from "../identity/identity.tables.ts";
import { getRelationshipForViewer } from "../identity/relationships.service.ts";
import { renderShiftsCalendar } from "./oncall.ics.ts";
import { iso } from "./oncall.shared.ts";
import { mayManageSchedules, scheduleRefusal } from "./oncall.policy.ts";
import {
  gapsBetween,
  layersOf,
  onCallAt,
  type RotationSpec,
  rotationProblems,
  type ScheduleSpec,
  type Shift,
  shiftsBetween,
} from "./oncall.rotation.ts";
import { contactMethods, oncallOverrides, oncallSchedules } from "./oncall.tables.ts";

export type ScheduleRow = typeof oncallSchedules.$inferSelect;
type OverrideRow = typeof oncallOverrides.$inferSelect;

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** The longest range a timeline or export covers. */
const MAX_RANGE = 400 * DAY;

export const defaultLayerName = (layer: number) =>
  layer === 1 ? "Primary" : layer === 2 ? "Secondary" : `Level ${layer}`;
const layerName = (s: Pick<ScheduleRow, "layerNames">, layer: number) =>
  s.layerNames[String(layer)] ?? defaultLayerName(layer);

function fieldErrors(summary: string, errors: Array<{ path: string; message: string }>): AppError {
  return new AppError("validation_failed", summary, { errors });
}

// ---------------------------------------------------------------------------------------------
// Loading

function managerOf(ctx: ServiceContext, orgId: string) {
  requireActor(ctx);
  const m = orgMembership(ctx.actor, orgId);
  if (!m) throw notFound("organization");
  if (m.orgKind !== "provider")
    throw new AppError("conflict", "On-call schedules belong to providers; this organization is a client.");
  return m;
}

async function loadSchedule(ctx: ServiceContext, orgId: string, scheduleId: string, lock = false) {
  const q = ctx.db
    .select()
    .from(oncallSchedules)
    .where(
      and(
        eq(oncallSchedules.providerOrgId, orgId),
        eq(oncallSchedules.id, scheduleId),
        isNull(oncallSchedules.archivedAt),
      ),
    );
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("on-call schedule");
  return row;
}

async function overridesOf(db: Db, scheduleIds: string[], from: number, to: number): Promise<OverrideRow[]> {
  if (!scheduleIds.length) return [];
  return db
    .select()
    .from(oncallOverrides)
    .where(
      and(
        inArray(oncallOverrides.scheduleId, scheduleIds),
        isNull(oncallOverrides.cancelledAt),
        lt(oncallOverrides.startsAt, new Date(to)),
        gt(oncallOverrides.endsAt, new Date(from)),
      ),
    )
    .orderBy(asc(oncallOverrides.createdAt));
}

export function specOf(s: ScheduleRow, overrides: readonly OverrideRow[]): ScheduleSpec {
  return {
    timeZone: s.timeZone,
    rotations: s.rotations,
    overrides: overrides
      .filter((o) => o.scheduleId === s.id)
      .map((o) => ({
        id: o.id,
        layer: o.layer,
        userId: o.userId,
        start: o.startsAt.getTime(),
        end: o.endsAt.getTime(),
      })),
  };
}

/**
 * The schedule that covers a relationship: its own, or else the provider's shared one (null when
 * the provider keeps none).
 */
export async function coveringSchedule(
  db: Db,
  rel: { id: string; providerOrgId: string },
): Promise<ScheduleRow | null> {
  const rows = await db
    .select()
    .from(oncallSchedules)
    .where(
      and(
        eq(oncallSchedules.providerOrgId, rel.providerOrgId),
        isNull(oncallSchedules.archivedAt),
        or(eq(oncallSchedules.relationshipId, rel.id), isNull(oncallSchedules.relationshipId)),
      ),
    );
  return rows.find((r) => r.relationshipId === rel.id) ?? rows.find((r) => !r.relationshipId) ?? null;
}

/** Who is on duty at `t` in each layer of a schedule. */
export async function onCallNow(db: Db, s: ScheduleRow, t: number): Promise<Shift[]> {
  const overrides = await overridesOf(db, [s.id], t, t + 1);
  return onCallAt(specOf(s, overrides), t);
}

// ---------------------------------------------------------------------------------------------
// People and contact methods

interface PersonInfo {
  userId: string;
  name: string;
  email: string;
  /** Still a member of the provider. */
  member: boolean;
  disabled: boolean;
  /** Confirmed extra addresses. */
  extraAddresses: string[];
  /** The last email to the account address failed for good. */
  accountEmailFailing: boolean;
}

export interface ContactStatus {
  userId: string;
  name: string;
  working: boolean;
  /** Why not, in plain words (null when working). */
  problem: string | null;
  addresses: string[];
}

/** Facts about people on a rotation: membership, account state, working addresses. */
export async function peopleInfo(
  db: Db,
  providerOrgId: string,
  userIds: string[],
): Promise<Map<string, PersonInfo>> {
  const ids = [...new Set(userIds)];
  const out = new Map<string, PersonInfo>();
  if (!ids.length) return out;
  const people = await db
    .select({ id: users.id, name: users.name, email: users.email, disabledAt: users.disabledAt })
    .from(users)
    .where(inArray(users.id, ids));
  const members = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, providerOrgId), inArray(memberships.userId, ids)));
  const memberIds = new Set(members.map((m) => m.userId));
  const confirmed = await db
    .select({
      userId: contactMethods.userId,
      address: contactMethods.address,
      verifiedAt: contactMethods.verifiedAt,
    })
    .from(contactMethods)
    .where(inArray(contactMethods.userId, ids));
  // The latest attempt to email each person's account address: failing when it was given up on
  // for a reason that concerns the address (not when no mail server is configured at all).
  const lastEmails = await db
    .selectDistinctOn([outbox.userId], {
      userId: outbox.userId,
      status: outbox.status,
      lastError: outbox.lastError,
    })
    .from(outbox)
    .innerJoin(users, eq(users.id, outbox.userId))
    .where(
      and(
        eq(outbox.channel, "email"),
        inArray(outbox.userId, ids),
        inArray(outbox.status, ["delivered", "failed"]),
        sql`lower(${outbox.payload}->'to'->>'address') = lower(${users.email})`,
        or(isNull(outbox.lastError), ne(outbox.lastError, NO_SMTP)),
      ),
    )
    .orderBy(outbox.userId, desc(outbox.createdAt));
  for (const p of people) {
    const last = lastEmails.find((e) => e.userId === p.id);
    out.set(p.id, {
      userId: p.id,
      name: p.name,
      email: p.email,
      member: memberIds.has(p.id),
      disabled: p.disabledAt !== null,
      extraAddresses: confirmed.filter((c) => c.userId === p.id && c.verifiedAt).map((c) => c.address),
      accountEmailFailing: last?.status === "failed",
    });
  }
  return out;
}

/** A contact status without its addresses, for people who should not see them. */
export const shown = (c: ContactStatus, addresses: boolean): ContactStatus =>
  addresses ? c : { ...c, addresses: [] };

export function contactStatus(p: PersonInfo | undefined, userId: string): ContactStatus {
  if (!p)
    return {
      userId,
      name: "Unknown person",
      working: false,
      problem: "this account no longer exists",
      addresses: [],
    };
  const addresses = [...(p.accountEmailFailing ? [] : [p.email]), ...p.extraAddresses];
  const problem = p.disabled
    ? "the account is disabled"
    : !p.member
      ? "no longer on the provider's staff"
      : !addresses.length
        ? "the last email to their address could not be delivered and they have no confirmed pager address"
        : null;
  return { userId, name: p.name, working: problem === null, problem, addresses: problem ? [] : addresses };
}

// ---------------------------------------------------------------------------------------------
// Presenting a schedule

function presentOverride(o: OverrideRow, names: Map<string, string>) {
  return {
    id: o.id,
    layer: o.layer,
    userId: o.userId,
    userName: names.get(o.userId) ?? "Unknown person",
    start: iso(o.startsAt)!,
    end: iso(o.endsAt)!,
    reason: o.reason,
  };
}

function presentShift(s: Shift, names: Map<string, string>, schedule: ScheduleRow) {
  return {
    layer: s.layer,
    layerName: layerName(schedule, s.layer),
    userId: s.userId,
    userName: names.get(s.userId) ?? "Unknown person",
    start: iso(s.start)!,
    end: iso(s.end)!,
    rotationId: s.rotationId,
    overrideId: s.overrideId,
  };
}

/**
 * A schedule over a range: its shifts per layer, gaps per layer (warnings), who is on duty now,
 * and people who could not be reached if paged.
 */
async function presentTimeline(
  db: Db,
  s: ScheduleRow,
  from: number,
  to: number,
  now: number,
  /** Provider staff see the addresses people are paged at; the client sees only whether they work. */
  showAddresses: boolean,
) {
  const overrides = await overridesOf(db, [s.id], Math.min(from, now), Math.max(to, now + 1));
  const spec = specOf(s, overrides);
  const shifts = shiftsBetween(spec, from, to);
  const layers = [...new Set([...layersOf(spec), 1])].sort((a, b) => a - b);
  const current = onCallAt(spec, now);
  const people = [
    ...new Set([
      ...s.rotations.flatMap((r) => r.participants),
      ...shifts.map((x) => x.userId),
      ...overrides.map((o) => o.userId),
    ]),
  ];
  const info = await peopleInfo(db, s.providerOrgId, people);
  const names = new Map([...info.values()].map((p) => [p.userId, p.name]));
  const contacts = people.map((id) => contactStatus(info.get(id), id));
  const gaps = layers.flatMap((layer) =>
    gapsBetween(spec, from, to, layer).map((g) => ({
      layer,
      layerName: layerName(s, layer),
      start: iso(g.start)!,
      end: iso(g.end)!,
    })),
  );
  return {
    from: iso(from)!,
    to: iso(to)!,
    layers: layers.map((l) => ({ layer: l, name: layerName(s, l) })),
    now: current.map((x) => ({
      ...presentShift(x, names, s),
      contact: shown(contactStatus(info.get(x.userId), x.userId), showAddresses),
    })),
    shifts: shifts.map((x) => presentShift(x, names, s)),
    gaps,
    overrides: overrides.filter((o) => o.endsAt.getTime() > from).map((o) => presentOverride(o, names)),
    unreachable: contacts.filter((c) => !c.working),
    warnings: [
      ...gapWarnings(s.timeZone, gaps),
      ...contacts
        .filter((c) => !c.working)
        .map((c) => `${c.name} is on a rotation but cannot be paged: ${c.problem}.`),
    ],
  };
}

/** "Mon 2 Mar 09:00" in the zone. */
function localText(zone: string, t: number): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  })
    .format(t)
    .replace(",", "");
}

/**
 * One warning per layer with gaps, in the schedule's zone: the gap itself when there is one, or
 * how many there are and the first when a rotation leaves a recurring hole (e.g. the working day).
 */
function gapWarnings(
  zone: string,
  gaps: Array<{ layer: number; layerName: string; start: string; end: string }>,
) {
  const byLayer = new Map<number, typeof gaps>();
  for (const g of gaps) byLayer.set(g.layer, [...(byLayer.get(g.layer) ?? []), g]);
  return [...byLayer.values()].map((list) => {
    const first = list[0]!;
    const span = `${localText(zone, Date.parse(first.start))} to ${localText(zone, Date.parse(first.end))}`;
    const layer = first.layerName.toLowerCase();
    return list.length === 1
      ? `Nobody is on call (${layer}) from ${span} (${zone}).`
      : `Nobody is on call (${layer}) in ${list.length} stretches of this range, the first from ${span} (${zone}).`;
  });
}

function presentSchedule(s: ScheduleRow, names: Map<string, string>, relationshipName: string | null) {
  return {
    id: s.id,
    providerOrgId: s.providerOrgId,
    relationshipId: s.relationshipId,
    covers: s.relationshipId
      ? (relationshipName ?? "one relationship")
      : "every relationship without its own",
    name: s.name,
    timeZone: s.timeZone,
    layerNames: s.layerNames,
    rotations: s.rotations.map((r) => ({
      ...r,
      participantNames: r.participants.map((id) => names.get(id) ?? "Unknown person"),
    })),
    revision: s.revision,
    createdAt: iso(s.createdAt)!,
    updatedAt: iso(s.updatedAt)!,
  };
}

async function nameMap(db: Db, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(inArray(users.id, unique));
  return new Map(rows.map((r) => [r.id, r.name]));
}

async function relationshipName(db: Db, relationshipId: string | null): Promise<string | null> {
  if (!relationshipId) return null;
  const [row] = await db
    .select({ client: organizations.name })
    .from(relationships)
    .innerJoin(organizations, eq(organizations.id, relationships.clientOrgId))
    .where(eq(relationships.id, relationshipId));
  return row?.client ?? null;
}

// ---------------------------------------------------------------------------------------------
// Validation of a schedule as people send it

export interface ScheduleInput {
  name: string;
  timeZone: string;
  relationshipId?: string | null;
  layerNames?: Record<string, string>;
  rotations: Array<Omit<RotationSpec, "id"> & { id?: string }>;
}

async function checkSchedule(
  ctx: ServiceContext,
  orgId: string,
  input: Pick<ScheduleInput, "timeZone" | "rotations"> & { relationshipId?: string | null },
): Promise<RotationSpec[]> {
  const errors: Array<{ path: string; message: string }> = [];
  if (!isValidZone(input.timeZone))
    errors.push({ path: "body.timeZone", message: "not a time zone; use an IANA name like Europe/London" });
  const rotations: RotationSpec[] = input.rotations.map((r) => ({
    id: r.id ?? randomUUID(),
    name: r.name,
    layer: r.layer,
    participants: r.participants,
    start: r.start,
    every: r.every,
    unit: r.unit,
    restrictions: r.restrictions ?? [],
    end: r.end ?? null,
  }));
  if (isValidZone(input.timeZone))
    for (const p of rotationProblems({ timeZone: input.timeZone, rotations, overrides: [] }))
      errors.push({ path: `body.${p.path}`, message: p.message });
  const people = [...new Set(rotations.flatMap((r) => r.participants))];
  if (people.length) {
    const staff = await ctx.db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.orgId, orgId), inArray(memberships.userId, people)));
    const ok = new Set(staff.map((s) => s.userId));
    rotations.forEach((r, i) =>
      r.participants.forEach((p, j) => {
        if (!ok.has(p))
          errors.push({
            path: `body.rotations.${i}.participants.${j}`,
            message: "not a member of this provider; add people from the provider's staff",
          });
      }),
    );
  }
  if (input.relationshipId) {
    const [rel] = await ctx.db
      .select({ id: relationships.id })
      .from(relationships)
      .where(and(eq(relationships.id, input.relationshipId), eq(relationships.providerOrgId, orgId)));
    if (!rel)
      errors.push({
        path: "body.relationshipId",
        message: "not a relationship of this provider; leave it out to share the schedule across all of them",
      });
  }
  if (errors.length) throw fieldErrors("The schedule has problems; fix the fields named.", errors);
  return rotations;
}

async function coverTaken(
  ctx: ServiceContext,
  orgId: string,
  relationshipId: string | null,
  except?: string,
) {
  const rows = await ctx.db
    .select({
      id: oncallSchedules.id,
      name: oncallSchedules.name,
      relationshipId: oncallSchedules.relationshipId,
    })
    .from(oncallSchedules)
    .where(and(eq(oncallSchedules.providerOrgId, orgId), isNull(oncallSchedules.archivedAt)));
  const clash = rows.find((r) => (r.relationshipId ?? null) === relationshipId && r.id !== except);
  if (clash)
    throw new AppError(
      "conflict",
      relationshipId
        ? `"${clash.name}" already covers this relationship; edit it, or archive it first.`
        : `"${clash.name}" is already the provider's shared schedule; edit it, or give this one a relationship.`,
    );
}

async function recordOrg(
  ctx: ServiceContext,
  orgId: string,
  action: string,
  s: Pick<ScheduleRow, "id" | "name">,
  detail: { before?: Record<string, unknown> | null; after?: Record<string, unknown> | null },
) {
  await appendEvent(ctx.db, {
    scope: "organization",
    chain: orgId,
    orgId,
    actor: eventActor(ctx.actor),
    action,
    subject: { type: "oncall_schedule", id: s.id, label: s.name },
    before: detail.before ?? null,
    after: detail.after ?? null,
    requestId: ctx.requestId,
    occurredAt: ctx.clock.now(),
  });
}

const summaryOf = (s: Pick<ScheduleRow, "name" | "timeZone" | "rotations" | "relationshipId">) => ({
  name: s.name,
  timeZone: s.timeZone,
  relationshipId: s.relationshipId,
  rotations: s.rotations.map((r) => ({
    name: r.name,
    layer: r.layer,
    participants: r.participants.length,
    every: `${r.every} ${r.unit}`,
    start: r.start,
  })),
});

// ---------------------------------------------------------------------------------------------
// Schedules (provider organization)

export async function listSchedules(ctx: ServiceContext, orgId: string) {
  const m = managerOf(ctx, orgId);
  const rows = await ctx.db
    .select()
    .from(oncallSchedules)
    .where(and(eq(oncallSchedules.providerOrgId, orgId), isNull(oncallSchedules.archivedAt)))
    .orderBy(asc(oncallSchedules.name));
  const names = await nameMap(
    ctx.db,
    rows.flatMap((r) => r.rotations.flatMap((x) => x.participants)),
  );
  const now = ctx.clock.now();
  const out = [];
  for (const r of rows) {
    const current = await onCallNow(ctx.db, r, now);
    out.push({
      ...presentSchedule(r, names, await relationshipName(ctx.db, r.relationshipId)),
      now: current.map((x) => presentShift(x, names, r)),
    });
  }
  return { schedules: out, abilities: { manage: mayManageSchedules(m) } };
}

export async function createSchedule(ctx: ServiceContext, orgId: string, input: ScheduleInput) {
  const m = managerOf(ctx, orgId);
  if (!mayManageSchedules(m)) throw forbidden(scheduleRefusal);
  return withTransaction(ctx, async (tx) => {
    const rotations = await checkSchedule(tx, orgId, input);
    await coverTaken(tx, orgId, input.relationshipId ?? null);
    const now = new Date(tx.clock.now());
    const [row] = await tx.db
      .insert(oncallSchedules)
      .values({
        providerOrgId: orgId,
        relationshipId: input.relationshipId ?? null,
        name: input.name,
        timeZone: input.timeZone,
        rotations,
        layerNames: input.layerNames ?? {},
        createdBy: tx.actor?.type === "user" ? tx.actor.userId : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordOrg(tx, orgId, "oncall_schedule.created", row!, { after: summaryOf(row!) });
    return getScheduleWithin(tx, orgId, row!);
  });
}

async function getScheduleWithin(
  ctx: ServiceContext,
  orgId: string,
  s: ScheduleRow,
  range?: { from: number; to: number },
) {
  const m = managerOf(ctx, orgId);
  const now = ctx.clock.now();
  const from = range?.from ?? now;
  const to = range?.to ?? now + 2 * WEEK;
  const names = await nameMap(
    ctx.db,
    s.rotations.flatMap((r) => r.participants),
  );
  return {
    schedule: presentSchedule(s, names, await relationshipName(ctx.db, s.relationshipId)),
    timeline: await presentTimeline(ctx.db, s, from, to, now, true),
    abilities: { manage: mayManageSchedules(m) },
  };
}

/** Ranges stay within these years: schedules are about the weeks around now, not year 9999. */
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);

export function rangeOf(now: number, q: { from?: string; to?: string; weeks?: number }) {
  const from = q.from ? Date.parse(q.from) : now;
  const to = q.to ? Date.parse(q.to) : from + (q.weeks ?? 2) * WEEK;
  if (from < EARLIEST || from > LATEST)
    throw fieldErrors("The range starts outside the years schedules cover.", [
      { path: "querystring.from", message: "use a date between the years 2000 and 2200" },
    ]);
  if (to > LATEST)
    throw fieldErrors("The range ends outside the years schedules cover.", [
      { path: "querystring.to", message: "use a date before the year 2200" },
    ]);
  if (!(to > from))
    throw fieldErrors("The range ends before it starts.", [
      { path: "querystring.to", message: "must be after from" },
    ]);
  if (to - from > MAX_RANGE)
    throw fieldErrors("The range is too long.", [
      { path: "querystring.to", message: "a range covers at most 400 days; ask for less" },
    ]);
  return { from, to };
}

export async function getSchedule(
  ctx: ServiceContext,
  orgId: string,
  scheduleId: string,
  q: { from?: string; to?: string; weeks?: number } = {},
) {
  managerOf(ctx, orgId);
  const s = await loadSchedule(ctx, orgId, scheduleId);
  return getScheduleWithin(ctx, orgId, s, rangeOf(ctx.clock.now(), q));
}

export async function updateSchedule(
  ctx: ServiceContext,
  orgId: string,
  scheduleId: string,
  input: Partial<ScheduleInput> & { revision: number },
) {
  const m = managerOf(ctx, orgId);
  if (!mayManageSchedules(m)) throw forbidden(scheduleRefusal);
  return withTransaction(ctx, async (tx) => {
    const s = await loadSchedule(tx, orgId, scheduleId, true);
    if (input.revision !== s.revision)
      throw new AppError(
        "conflict",
        `The schedule changed since you loaded it (revision ${s.revision}, you had ${input.revision}); reload and try again.`,
      );
    const relationshipId = input.relationshipId === undefined ? s.relationshipId : input.relationshipId;
    const rotations = await checkSchedule(tx, orgId, {
      timeZone: input.timeZone ?? s.timeZone,
      rotations: input.rotations ?? s.rotations,
      relationshipId,
    });
    if (relationshipId !== s.relationshipId) await coverTaken(tx, orgId, relationshipId, s.id);
    const [row] = await tx.db
      .update(oncallSchedules)
      .set({
        name: input.name ?? s.name,
        timeZone: input.timeZone ?? s.timeZone,
        relationshipId,
        rotations,
        layerNames: input.layerNames ?? s.layerNames,
        revision: s.revision + 1,
        updatedAt: new Date(tx.clock.now()),
      })
      .where(eq(oncallSchedules.id, s.id))
      .returning();
    await recordOrg(tx, orgId, "oncall_schedule.updated", row!, {
      before: summaryOf(s),
      after: summaryOf(row!),
    });
    return getScheduleWithin(tx, orgId, row!);
  });
}

export async function archiveSchedule(ctx: ServiceContext, orgId: string, scheduleId: string) {
  const m = managerOf(ctx, orgId);
  if (!mayManageSchedules(m)) throw forbidden(scheduleRefusal);
  await withTransaction(ctx, async (tx) => {
    const s = await loadSchedule(tx, orgId, scheduleId, true);
    await tx.db
      .update(oncallSchedules)
      .set({ archivedAt: new Date(tx.clock.now()), updatedAt: new Date(tx.clock.now()) })
      .where(eq(oncallSchedules.id, s.id));
    await recordOrg(tx, orgId, "oncall_schedule.archived", s, { before: summaryOf(s) });
  });
}

export async function createOverride(
  ctx: ServiceContext,
  orgId: string,
  scheduleId: string,
  input: { layer: number; userId: string; start: string; end: string; reason?: string },
) {
  const m = managerOf(ctx, orgId);
  return withTransaction(ctx, async (tx) => {
    const s = await loadSchedule(tx, orgId, scheduleId, true);
    const me = tx.actor?.type === "user" ? tx.actor.userId : null;
    // A person may hand their own shift to someone; anything else is for the schedule's keepers.
    const handingOver = me !== null && input.userId !== me;
    if (!mayManageSchedules(m) && !handingOver) throw forbidden(scheduleRefusal);
    const start = Date.parse(input.start);
    const end = Date.parse(input.end);
    const errors: Array<{ path: string; message: string }> = [];
    if (!(end > start)) errors.push({ path: "body.end", message: "must be after the start" });
    if (end - start > 90 * DAY)
      errors.push({
        path: "body.end",
        message: "an override lasts at most 90 days; change the rotation instead",
      });
    if (end <= tx.clock.now())
      errors.push({ path: "body.end", message: "is in the past; an override covers time still to come" });
    const layers = new Set([1, ...s.rotations.map((r) => r.layer)]);
    if (!layers.has(input.layer))
      errors.push({
        path: "body.layer",
        message: `this schedule has layers ${[...layers].sort().join(", ")}`,
      });
    const info = await peopleInfo(tx.db, orgId, [input.userId]);
    if (!info.get(input.userId)?.member)
      errors.push({
        path: "body.userId",
        message: "not a member of this provider; choose someone on its staff",
      });
    if (errors.length) throw fieldErrors("The override has problems; fix the fields named.", errors);
    if (!mayManageSchedules(m)) {
      // Handing over one's own time: the giver must be on duty in that layer for all of it.
      const spec = specOf(s, await overridesOf(tx.db, [s.id], start, end));
      const mine = shiftsBetween(spec, start, end).filter((x) => x.layer === input.layer && x.userId === me);
      const covered = mine.reduce((sum, x) => sum + (x.end - x.start), 0);
      if (covered < end - start) throw forbidden("You can hand over only time you are on call for yourself.");
    }
    const [row] = await tx.db
      .insert(oncallOverrides)
      .values({
        scheduleId: s.id,
        layer: input.layer,
        userId: input.userId,
        startsAt: new Date(start),
        endsAt: new Date(end),
        reason: input.reason ?? null,
        createdBy: me,
        createdAt: new Date(tx.clock.now()),
      })
      .returning();
    await recordOrg(tx, orgId, "oncall_override.created", s, {
      after: {
        layer: input.layer,
        userId: input.userId,
        start: iso(start),
        end: iso(end),
        reason: input.reason ?? null,
      },
    });
    if (input.userId !== me)
      await notifyUsers(tx, [input.userId], {
        relationshipId: s.relationshipId,
        kind: "oncall.override",
        subject: `You are on call (${layerName(s, input.layer).toLowerCase()}) for ${s.name}`,
        body: `${eventActor(tx.actor).name} put you on call from ${iso(start)} to ${iso(end)}${input.reason ? `: ${input.reason}` : "."}`,
        link: `/org/${orgId}/oncall/${s.id}`,
      });
    return presentOverride(row!, await nameMap(tx.db, [row!.userId]));
  });
}

export async function cancelOverride(
  ctx: ServiceContext,
  orgId: string,
  scheduleId: string,
  overrideId: string,
) {
  const m = managerOf(ctx, orgId);
  await withTransaction(ctx, async (tx) => {
    const s = await loadSchedule(tx, orgId, scheduleId, true);
    const [o] = await tx.db
      .select()
      .from(oncallOverrides)
      .where(
        and(
          eq(oncallOverrides.scheduleId, s.id),
          eq(oncallOverrides.id, overrideId),
          isNull(oncallOverrides.cancelledAt),
        ),
      );
    if (!o) throw notFound("override");
    const me = tx.actor?.type === "user" ? tx.actor.userId : null;
    if (!mayManageSchedules(m) && o.createdBy !== me) throw forbidden(scheduleRefusal);
    await tx.db
      .update(oncallOverrides)
      .set({ cancelledAt: new Date(tx.clock.now()) })
      .where(eq(oncallOverrides.id, o.id));
    await recordOrg(tx, orgId, "oncall_override.cancelled", s, {
      before: { layer: o.layer, userId: o.userId, start: iso(o.startsAt), end: iso(o.endsAt) },
    });
  });
}

/** A person's shifts on every schedule of the provider in a range, as an iCalendar file. */
export async function personShiftsCalendar(
  ctx: ServiceContext,
  orgId: string,
  userId: string,
  q: { from?: string; to?: string; weeks?: number },
) {
  const m = managerOf(ctx, orgId);
  const me = ctx.actor?.type === "user" ? ctx.actor.userId : null;
  if (userId !== me && !mayManageSchedules(m))
    throw forbidden("You can export your own shifts; the schedule's keepers can export anyone's.");
  const now = ctx.clock.now();
  const { from, to } = rangeOf(now, {
    weeks: 12,
    ...q,
    ...(q.from ? {} : { from: new Date(now - WEEK).toISOString() }),
  });
  const [person] = await ctx.db.select({ name: users.name }).from(users).where(eq(users.id, userId));
  if (!person) throw notFound("person");
  const rows = await ctx.db
    .select()
    .from(oncallSchedules)
    .where(and(eq(oncallSchedules.providerOrgId, orgId), isNull(oncallSchedules.archivedAt)));
  const overrides = await overridesOf(
    ctx.db,
    rows.map((r) => r.id),
    from,
    to,
  );
  const shifts = rows.flatMap((s) =>
    shiftsBetween(specOf(s, overrides), from, to)
      .filter((x) => x.userId === userId)
      .map((x) => ({ ...x, scheduleId: s.id, scheduleName: s.name, layerName: layerName(s, x.layer) })),
  );
  const zone = rows[0]?.timeZone ?? "UTC";
  return {
    fileName: `on-call-${
      person.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "") || "shifts"
    }.ics`,
    body: renderShiftsCalendar({
      personName: person.name,
      timeZone: zone,
      publicUrl: ctx.publicUrl,
      calendarName: `On call: ${person.name}`,
      shifts,
      now,
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// The relationship's view: who is on call for us

export async function relationshipOncall(
  ctx: ServiceContext,
  relationshipId: string,
  q: { from?: string; to?: string; weeks?: number } = {},
) {
  const { row: rel, viewer } = await getRelationshipForViewer(ctx, relationshipId);
  const now = ctx.clock.now();
  const { from, to } = rangeOf(now, q);
  const s = await coveringSchedule(ctx.db, rel);
  if (!s)
    return {
      schedule: null,
      timeline: null,
      warnings: [
        "The provider has no on-call schedule for this relationship: nobody would be paged in an emergency.",
      ],
    };
  const names = await nameMap(
    ctx.db,
    s.rotations.flatMap((r) => r.participants),
  );
  const timeline = await presentTimeline(ctx.db, s, from, to, now, viewer.side === "provider");
  return {
    schedule: presentSchedule(s, names, await relationshipName(ctx.db, s.relationshipId)),
    timeline,
    warnings: timeline.warnings,
  };
}

// ---------------------------------------------------------------------------------------------
// Contact methods (the signed-in person's own)

const CODE_TTL = 30 * 60_000;
const hashCode = (methodId: string, code: string) =>
  createHash("sha256").update(`${methodId}:${code}`).digest("hex");

function me(ctx: ServiceContext) {
  requireActor(ctx);
  if (ctx.actor.type !== "user") throw forbidden("Contact methods belong to people; API tokens have none.");
  return ctx.actor;
}

function presentMethod(m: typeof contactMethods.$inferSelect) {
  return {
    id: m.id,
    kind: m.kind,
    address: m.address,
    label: m.label,
    verified: m.verifiedAt !== null,
    verifiedAt: iso(m.verifiedAt),
    createdAt: iso(m.createdAt)!,
  };
}

export async function listContactMethods(ctx: ServiceContext) {
  const actor = me(ctx);
  const rows = await ctx.db
    .select()
    .from(contactMethods)
    .where(eq(contactMethods.userId, actor.userId))
    .orderBy(asc(contactMethods.createdAt));
  const info = await peopleInfo(ctx.db, "00000000-0000-0000-0000-000000000000", [actor.userId]);
  const account = info.get(actor.userId);
  return {
    account: { address: actor.email, failing: account?.accountEmailFailing ?? false },
    methods: rows.map(presentMethod),
  };
}

async function recordUser(
  ctx: ServiceContext,
  userId: string,
  action: string,
  label: string,
  after: Record<string, unknown>,
) {
  await appendEvent(ctx.db, {
    scope: "user",
    chain: userId,
    actor: eventActor(ctx.actor),
    action,
    subject: { type: "contact_method", id: null, label },
    after,
    requestId: ctx.requestId,
    occurredAt: ctx.clock.now(),
  });
}

/** Adds an address to be paged at; a six-digit code goes to it, and it pages once confirmed. */
export async function addContactMethod(ctx: ServiceContext, input: { address: string; label?: string }) {
  const actor = me(ctx);
  return withTransaction(ctx, async (tx) => {
    const address = input.address.trim();
    const existing = await tx.db.select().from(contactMethods).where(eq(contactMethods.userId, actor.userId));
    if (
      existing.some((m) => m.address.toLowerCase() === address.toLowerCase()) ||
      address.toLowerCase() === actor.email.toLowerCase()
    )
      throw new AppError("conflict", `${address} is already one of your addresses.`);
    if (existing.length >= 5)
      throw new AppError("conflict", "You have five extra addresses; remove one first.");
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    const now = tx.clock.now();
    const id = randomUUID();
    const [row] = await tx.db
      .insert(contactMethods)
      .values({
        id,
        userId: actor.userId,
        kind: "email",
        address,
        label: input.label?.trim() || "Pager",
        codeHash: hashCode(id, code),
        codeExpiresAt: new Date(now + CODE_TTL),
        createdAt: new Date(now),
      })
      .returning();
    await sendCode(tx, actor.userId, address, code);
    await recordUser(tx, actor.userId, "contact_method.added", row!.label, { address });
    return presentMethod(row!);
  });
}

/** Sends the confirmation code to the new address only (a page-style message to that address). */
async function sendCode(ctx: ServiceContext, userId: string, address: string, code: string) {
  await notifyUsers(ctx, [userId], {
    relationshipId: null,
    kind: "contact_method.code",
    subject: `Liaison pager check: ${code}`,
    body: `Your confirmation code is ${code}. Enter it on your account page within 30 minutes to be paged at ${address}.`,
    link: "/account",
    page: { addresses: { [userId]: [address] }, onlyAddresses: true },
  });
}

export async function resendContactCode(ctx: ServiceContext, methodId: string) {
  const actor = me(ctx);
  return withTransaction(ctx, async (tx) => {
    const [m] = await tx.db
      .select()
      .from(contactMethods)
      .where(and(eq(contactMethods.id, methodId), eq(contactMethods.userId, actor.userId)))
      .for("update");
    if (!m) throw notFound("contact method");
    if (m.verifiedAt) throw new AppError("conflict", `${m.address} is already confirmed.`);
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    await tx.db
      .update(contactMethods)
      .set({ codeHash: hashCode(m.id, code), codeExpiresAt: new Date(tx.clock.now() + CODE_TTL) })
      .where(eq(contactMethods.id, m.id));
    await sendCode(tx, actor.userId, m.address, code);
    return presentMethod(m);
  });
}

export async function verifyContactMethod(ctx: ServiceContext, methodId: string, input: { code: string }) {
  const actor = me(ctx);
  return withTransaction(ctx, async (tx) => {
    const [m] = await tx.db
      .select()
      .from(contactMethods)
      .where(and(eq(contactMethods.id, methodId), eq(contactMethods.userId, actor.userId)))
      .for("update");
    if (!m) throw notFound("contact method");
    if (m.verifiedAt) return presentMethod(m);
    const now = tx.clock.now();
    if (!m.codeHash || !m.codeExpiresAt || m.codeExpiresAt.getTime() < now)
      throw new AppError("conflict", "The code has expired; ask for a new one.");
    if (hashCode(m.id, input.code.trim()) !== m.codeHash)
      throw fieldErrors("That code is not the one we sent.", [
        { path: "body.code", message: "does not match; check the latest message sent to this address" },
      ]);
    const [row] = await tx.db
      .update(contactMethods)
      .set({ verifiedAt: new Date(now), codeHash: null, codeExpiresAt: null })
      .where(eq(contactMethods.id, m.id))
      .returning();
    await recordUser(tx, actor.userId, "contact_method.verified", m.label, { address: m.address });
    return presentMethod(row!);
  });
}

export async function removeContactMethod(ctx: ServiceContext, methodId: string) {
  const actor = me(ctx);
  await withTransaction(ctx, async (tx) => {
    const [m] = await tx.db
      .delete(contactMethods)
      .where(and(eq(contactMethods.id, methodId), eq(contactMethods.userId, actor.userId)))
      .returning();
    if (!m) throw notFound("contact method");
    await recordUser(tx, actor.userId, "contact_method.removed", m.label, { address: m.address });
  });
}
