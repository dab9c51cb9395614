import { and, asc, desc, eq, inArray, isNull, lte, ne, sql } from "drizzle-orm";
import { appendEvent, type EventActor } from "../../core/events/events.ts";
import { eventActor, type ServiceContext, withTransaction } from "../../core/http/context.ts";
import { AppError, forbidden, notFound } from "../../core/http/errors.ts";
import { emitWebhookEvent, notifyUsers, publishLive } from "../../core/notify/notify.ts";
import { zoneTable } from "../../core/time/intervals.ts";
import type { RelationshipViewer } from "../identity/identity.policy.ts";
import { memberships, users } from "../identity/identity.tables.ts";
import { getRelationshipForViewer } from "../identity/relationships.service.ts";
import type { CompiledProtocol } from "../protocol/protocol.compile.ts";
import { parseDuration } from "../protocol/protocol.durations.ts";
import { loadActiveProtocol, requireActiveProtocol } from "../protocol/protocol.service.ts";
import { computeAfter } from "../tickets/tickets.service.ts";
import { bothSidesLeads, iso, type Parties, partiesOf } from "./oncall.shared.ts";
import {
  restorationPlans,
  type restorationStrategyValues,
  type restorationTestOutcomeValues,
  restorationTests,
} from "./oncall.tables.ts";

/**
 * Restoration plans: per critical system, how the client and provider bring it back (strategy,
 * expected time to restore, the data that may be lost, the runbook, who can execute it) and the
 * tests that prove the plan works. "Metrics showing good backup success rates mean nothing if
 * nobody has tested restoration in six months": a plan untested for longer than the active
 * protocol's `emergencies.restoration_test_max_age` is stale, and both sides are told once.
 *
 * Only a passed or partial test makes a plan tested. A failed test is recorded in the history
 * (it is evidence too) but does not move `last_tested_at`, so it never clears staleness.
 *
 * `stale_at` is stored so the sweep finds due plans by index: the last passing test (or, for a
 * plan never tested, its creation — stale at once) plus the maximum age. Reads recompute it from
 * the protocol in effect, so what people see follows a new protocol version at once; the sweep
 * recomputes it under the row lock before telling anyone.
 */

type PlanRow = typeof restorationPlans.$inferSelect;
type TestRow = typeof restorationTests.$inferSelect;
type Strategy = (typeof restorationStrategyValues)[number];
type Outcome = (typeof restorationTestOutcomeValues)[number];
type Active = { protocol: CompiledProtocol } | null;

const SYSTEM: EventActor = { type: "system", id: null, name: "Liaison" };
const MAX_PLANS = 1_000;

// ---------------------------------------------------------------------------------------------
// Policy

/**
 * Plans are kept by the provider's staff and the client's IT contact or executive: they edit,
 * archive and record tests. Everyone else in the relationship reads them.
 */
const mayKeepPlans = (v: RelationshipViewer) =>
  v.side === "provider" || (v.side === "client" && (v.role === "it_contact" || v.role === "executive"));

const keeperRefusal =
  "Restoration plans are kept by the provider's staff and the client's IT contact or executive; everyone else reads them.";

export interface RestorationAbilities {
  edit: boolean;
  recordTest: boolean;
  archive: boolean;
}

const abilitiesFor = (v: RelationshipViewer | null): RestorationAbilities => {
  const keep = v !== null && mayKeepPlans(v);
  return { edit: keep, recordTest: keep, archive: keep };
};

// ---------------------------------------------------------------------------------------------
// Staleness

/** The protocol's maximum age of a restoration test, as written ("180d"), or null without a protocol. */
const maxAgeOf = (active: Active): string | null =>
  active?.protocol.doc.emergencies.restoration_test_max_age ?? null;

/**
 * When a plan becomes (or became) stale: its last passing test plus the protocol's maximum age,
 * or its creation when it was never tested (stale at once). "N business days" count on the
 * protocol's business calendar, as ticket deadlines do; other durations are elapsed time. Null
 * without a protocol in effect: there is no rule to break.
 */
export function restorationStaleAt(
  p: CompiledProtocol | null,
  plan: Pick<PlanRow, "lastTestedAt" | "createdAt">,
): number | null {
  if (!p) return null;
  if (!plan.lastTestedAt) return plan.createdAt.getTime();
  return computeAfter(p, plan.lastTestedAt.getTime(), p.doc.emergencies.restoration_test_max_age);
}

// ---------------------------------------------------------------------------------------------
// Presenting

/** A restoration plan as people see it: staleness under the protocol in effect, and what the viewer may do. */
export interface PlanView {
  id: string;
  system: string;
  strategy: Strategy;
  expectedRestore: string;
  recoveryPoint: string;
  runbook: string[];
  executorRoles: string[];
  executorUserIds: string[];
  executors: { userId: string; name: string }[];
  notes: string | null;
  /** The latest passed or partial test; failed tests do not count. */
  lastTestedAt: string | null;
  /** The most recent test of any outcome. */
  lastTest: { outcome: Outcome; testedAt: string; took: string | null } | null;
  stale: boolean;
  staleSince: string | null;
  /** When the plan becomes stale unless tested again. */
  testDueAt: string | null;
  maxAge: string | null;
  revision: number;
  createdAt: string;
  updatedAt: string;
  abilities: RestorationAbilities;
}

export interface PlanDetailView extends PlanView {
  tests: {
    id: string;
    testedAt: string;
    outcome: Outcome;
    took: string | null;
    notes: string | null;
    recordedByName: string;
    createdAt: string;
  }[];
}

/** Presents plans with their executors' names and latest tests, in a few queries. */
async function present(
  ctx: ServiceContext,
  plans: PlanRow[],
  active: Active,
  abilities: RestorationAbilities,
): Promise<PlanView[]> {
  if (!plans.length) return [];
  const now = ctx.clock.now();
  const ids = plans.map((p) => p.id);
  const peopleIds = [...new Set(plans.flatMap((p) => p.executorUserIds))];
  const names = new Map(
    peopleIds.length
      ? (
          await ctx.db
            .select({ id: users.id, name: users.name })
            .from(users)
            .where(inArray(users.id, peopleIds))
        ).map((u) => [u.id, u.name])
      : [],
  );
  const latest = await ctx.db
    .selectDistinctOn([restorationTests.planId], {
      planId: restorationTests.planId,
      outcome: restorationTests.outcome,
      testedAt: restorationTests.testedAt,
      took: restorationTests.took,
    })
    .from(restorationTests)
    .where(
      and(
        eq(restorationTests.relationshipId, plans[0]!.relationshipId),
        inArray(restorationTests.planId, ids),
      ),
    )
    .orderBy(restorationTests.planId, desc(restorationTests.testedAt), desc(restorationTests.createdAt));
  const lastTests = new Map(latest.map((l) => [l.planId, l]));
  const maxAge = maxAgeOf(active);
  return plans.map((p) => {
    const staleAt = restorationStaleAt(active?.protocol ?? null, p);
    const stale = staleAt !== null && staleAt <= now;
    const last = lastTests.get(p.id);
    return {
      id: p.id,
      system: p.system,
      strategy: p.strategy,
      expectedRestore: p.expectedRestore,
      recoveryPoint: p.recoveryPoint,
      runbook: p.runbook,
      executorRoles: p.executorRoles,
      executorUserIds: p.executorUserIds,
      executors: p.executorUserIds.map((userId) => ({ userId, name: names.get(userId) ?? "Former member" })),
      notes: p.notes,
      lastTestedAt: iso(p.lastTestedAt),
      lastTest: last
        ? { outcome: last.outcome, testedAt: last.testedAt.toISOString(), took: last.took }
        : null,
      stale,
      staleSince: stale ? iso(staleAt) : null,
      testDueAt: iso(staleAt),
      maxAge,
      revision: p.revision,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
      abilities,
    };
  });
}

async function presentDetail(
  ctx: ServiceContext,
  plan: PlanRow,
  active: Active,
  abilities: RestorationAbilities,
): Promise<PlanDetailView> {
  const [view] = await present(ctx, [plan], active, abilities);
  const tests = await ctx.db
    .select()
    .from(restorationTests)
    .where(
      and(eq(restorationTests.relationshipId, plan.relationshipId), eq(restorationTests.planId, plan.id)),
    )
    .orderBy(desc(restorationTests.testedAt), desc(restorationTests.createdAt));
  return { ...view!, tests: tests.map(presentTest) };
}

const presentTest = (t: TestRow) => ({
  id: t.id,
  testedAt: t.testedAt.toISOString(),
  outcome: t.outcome,
  took: t.took,
  notes: t.notes,
  recordedByName: t.recordedByName,
  createdAt: t.createdAt.toISOString(),
});

const webhookPlan = (p: PlanRow) => ({
  id: p.id,
  system: p.system,
  strategy: p.strategy,
  expectedRestore: p.expectedRestore,
  recoveryPoint: p.recoveryPoint,
  lastTestedAt: iso(p.lastTestedAt),
  staleAt: iso(p.staleAt),
  archivedAt: iso(p.archivedAt),
});

const planLink = (p: Pick<PlanRow, "relationshipId" | "id">) =>
  `/r/${p.relationshipId}/oncall/restoration/${p.id}`;

/** A date in the protocol's zone, e.g. "2026-03-02". */
const localDate = (timezone: string, t: number) =>
  new Date(zoneTable(timezone).instantToWall(t)).toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------
// Recording: the change, its webhook, live ping and audit event commit together

async function record(
  ctx: ServiceContext,
  plan: PlanRow,
  actor: EventActor,
  action: string,
  detail: { before?: Record<string, unknown> | null; after?: Record<string, unknown> | null },
  now: number,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await emitWebhookEvent(ctx, plan.relationshipId, action, { plan: webhookPlan(plan), ...extra });
  await publishLive(ctx, { relationshipId: plan.relationshipId, topic: "restoration", id: plan.id });
  // Last: the event chain's head stays locked from here to commit.
  await appendEvent(ctx.db, {
    scope: "relationship",
    chain: plan.relationshipId,
    relationshipId: plan.relationshipId,
    actor,
    action,
    subject: { type: "restoration_plan", id: plan.id, label: plan.system },
    before: detail.before ?? null,
    after: detail.after ?? null,
    requestId: ctx.requestId,
    occurredAt: now,
  });
}

// ---------------------------------------------------------------------------------------------
// Checks

function fieldError(path: string, message: string, summary: string): AppError {
  return new AppError("validation_failed", summary, { errors: [{ path, message }] });
}

const DURATION_FIX = "use a duration like 4h or 30m";

/** A duration people typed, or 400 naming the field. */
function checkDuration(value: string | undefined, field: string, what: string): void {
  if (value === undefined) return;
  if (!parseDuration(value))
    throw fieldError(
      `body.${field}`,
      `'${value}' is not a duration; ${DURATION_FIX}`,
      `${what}: ${DURATION_FIX}.`,
    );
}

function checkPlanDurations(input: Partial<PlanInput>): void {
  checkDuration(input.expectedRestore, "expectedRestore", "The expected time to restore is a duration");
  checkDuration(input.recoveryPoint, "recoveryPoint", "The recovery point is a duration");
}

/** Named executors must be people of the client or the provider (400 naming the one who is not). */
async function checkExecutors(ctx: ServiceContext, rel: Parties, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const found = await ctx.db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(
      and(inArray(memberships.orgId, [rel.clientOrgId, rel.providerOrgId]), inArray(memberships.userId, ids)),
    );
  const known = new Set(found.map((f) => f.userId));
  const i = ids.findIndex((id) => !known.has(id));
  if (i >= 0)
    throw fieldError(
      `body.executorUserIds.${i}`,
      "is not a person of the client or the provider",
      "The people who can execute a plan are people of the client or the provider.",
    );
}

const systemTaken = (existing: Pick<PlanRow, "id" | "system">) =>
  new AppError(
    "conflict",
    `There is already a restoration plan for “${existing.system}” (plan ${existing.id}); edit that plan, or archive it first.`,
    { errors: [{ path: "body.system", message: `is taken by the plan for “${existing.system}”` }] },
  );

/** The active plan of the relationship for a system (case-insensitive), other than `exceptId`. */
async function planForSystem(ctx: ServiceContext, relationshipId: string, system: string, exceptId?: string) {
  const [row] = await ctx.db
    .select()
    .from(restorationPlans)
    .where(
      and(
        eq(restorationPlans.relationshipId, relationshipId),
        isNull(restorationPlans.archivedAt),
        eq(sql`lower(${restorationPlans.system})`, system.trim().toLowerCase()),
        ...(exceptId ? [ne(restorationPlans.id, exceptId)] : []),
      ),
    );
  return row ?? null;
}

function uniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e.code === "23505" || e.cause?.code === "23505";
}

/** Two people naming the same system at the same moment: the index refuses the second. */
const racedSystem = (system: string) =>
  new AppError("conflict", `There is already a restoration plan for “${system}”; reload to see it.`, {
    errors: [{ path: "body.system", message: "is taken by another plan" }],
  });

async function loadPlan(
  ctx: ServiceContext,
  relationshipId: string,
  planId: string,
  opts: { lock?: boolean } = {},
) {
  const q = ctx.db
    .select()
    .from(restorationPlans)
    .where(
      and(
        eq(restorationPlans.relationshipId, relationshipId),
        eq(restorationPlans.id, planId),
        isNull(restorationPlans.archivedAt),
      ),
    );
  const [plan] = opts.lock ? await q.for("update") : await q;
  if (!plan) throw notFound("restoration plan");
  return plan;
}

const uniqueIds = (ids: readonly string[] | undefined) => [...new Set(ids ?? [])];
const blankToNull = (s: string | undefined) => (s === undefined || s === "" ? null : s);

// ---------------------------------------------------------------------------------------------
// Reading

/** Every active plan of the relationship, by system; `stale` filters. Every member reads. */
export async function listRestorationPlans(
  ctx: ServiceContext,
  relationshipId: string,
  query: { stale?: "true" | "false" } = {},
) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  const active = await loadActiveProtocol(ctx.db, relationshipId);
  const rows = await ctx.db
    .select()
    .from(restorationPlans)
    .where(and(eq(restorationPlans.relationshipId, relationshipId), isNull(restorationPlans.archivedAt)))
    .orderBy(asc(sql`lower(${restorationPlans.system})`))
    .limit(MAX_PLANS);
  const all = await present(ctx, rows, active, abilitiesFor(viewer));
  const items = query.stale === undefined ? all : all.filter((p) => p.stale === (query.stale === "true"));
  return {
    items,
    maxAge: maxAgeOf(active),
    counts: { total: all.length, stale: all.filter((p) => p.stale).length },
    abilities: { create: mayKeepPlans(viewer) },
  };
}

/** One plan with its whole test history, newest first. Archived plans answer 404. */
export async function getRestorationPlan(ctx: ServiceContext, relationshipId: string, planId: string) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  const plan = await loadPlan(ctx, relationshipId, planId);
  const active = await loadActiveProtocol(ctx.db, relationshipId);
  return presentDetail(ctx, plan, active, abilitiesFor(viewer));
}

/**
 * The active plan for a system (matched ignoring case), for the emergency page. No policy check:
 * the caller has already checked the viewer may see the relationship. Abilities are the actor's.
 */
export async function restorationPlanFor(
  ctx: ServiceContext,
  relationshipId: string,
  system: string,
  /** The caller's standing (null: no abilities). */
  viewer: RelationshipViewer | null,
): Promise<PlanView | null> {
  const plan = await planForSystem(ctx, relationshipId, system);
  if (!plan) return null;
  const active = await loadActiveProtocol(ctx.db, relationshipId);
  const [view] = await present(ctx, [plan], active, abilitiesFor(viewer));
  return view!;
}

// ---------------------------------------------------------------------------------------------
// Keeping plans

export interface PlanInput {
  system: string;
  strategy: Strategy;
  expectedRestore: string;
  recoveryPoint: string;
  runbook: string[];
  executorRoles?: string[];
  executorUserIds?: string[];
  notes?: string;
}

/**
 * Creates a plan. It has never been tested, so it is stale at once (`stale_at` = now) until a
 * passing test is recorded; the sweep tells both sides if none is.
 */
export async function createRestorationPlan(ctx: ServiceContext, relationshipId: string, input: PlanInput) {
  const { row: rel, viewer } = await getRelationshipForViewer(ctx, relationshipId);
  if (!mayKeepPlans(viewer)) throw forbidden(keeperRefusal);
  checkPlanDurations(input);
  const executorUserIds = uniqueIds(input.executorUserIds);
  try {
    return await withTransaction(ctx, async (tx) => {
      const active = await requireActiveProtocol(tx.db, relationshipId, "restoration plans are kept");
      await checkExecutors(tx, rel, executorUserIds);
      const existing = await planForSystem(tx, relationshipId, input.system);
      if (existing) throw systemTaken(existing);
      const now = tx.clock.now();
      const created = new Date(now);
      const staleAt = restorationStaleAt(active.protocol, { lastTestedAt: null, createdAt: created });
      const [plan] = await tx.db
        .insert(restorationPlans)
        .values({
          relationshipId,
          system: input.system,
          strategy: input.strategy,
          expectedRestore: input.expectedRestore,
          recoveryPoint: input.recoveryPoint,
          runbook: input.runbook,
          executorRoles: uniqueIds(input.executorRoles),
          executorUserIds,
          notes: blankToNull(input.notes),
          staleAt: staleAt === null ? null : new Date(staleAt),
          createdAt: created,
          updatedAt: created,
        })
        .returning();
      await record(
        tx,
        plan!,
        eventActor(tx.actor),
        "restoration_plan.created",
        { after: auditSummary(plan!) },
        now,
      );
      return presentDetail(tx, plan!, active, abilitiesFor(viewer));
    });
  } catch (err) {
    if (uniqueViolation(err)) throw racedSystem(input.system);
    throw err;
  }
}

/** What the audit trail keeps of a plan: small values; the runbook as its number of steps. */
function auditSummary(p: PlanRow, keys?: readonly (keyof PlanRow)[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    system: p.system,
    strategy: p.strategy,
    expectedRestore: p.expectedRestore,
    recoveryPoint: p.recoveryPoint,
    runbookSteps: p.runbook.length,
    executorRoles: p.executorRoles,
    executorUserIds: p.executorUserIds,
    notes: p.notes === null ? null : p.notes.slice(0, 200),
  };
  if (!keys) return all;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const name = k === "runbook" ? "runbookSteps" : k;
    out[name] = all[name];
  }
  return out;
}

/**
 * Edits a plan: only the fields given change. `revision` must be the plan's current one (409
 * otherwise), so two people editing the runbook at once do not overwrite each other silently.
 */
export async function updateRestorationPlan(
  ctx: ServiceContext,
  relationshipId: string,
  planId: string,
  input: Partial<PlanInput> & { revision: number },
) {
  const { row: rel, viewer } = await getRelationshipForViewer(ctx, relationshipId);
  if (!mayKeepPlans(viewer)) throw forbidden(keeperRefusal);
  checkPlanDurations(input);
  try {
    return await withTransaction(ctx, async (tx) => {
      const plan = await loadPlan(tx, relationshipId, planId, { lock: true });
      if (input.revision !== plan.revision)
        throw new AppError(
          "conflict",
          `The plan for “${plan.system}” changed since you loaded it (revision ${plan.revision}, you had ${input.revision}); reload and try again.`,
        );
      const values: Partial<PlanRow> = {};
      const set = <K extends keyof PlanRow>(k: K, v: PlanRow[K] | undefined) => {
        if (v !== undefined && JSON.stringify(v) !== JSON.stringify(plan[k])) values[k] = v;
      };
      set("system", input.system);
      set("strategy", input.strategy);
      set("expectedRestore", input.expectedRestore);
      set("recoveryPoint", input.recoveryPoint);
      set("runbook", input.runbook);
      set("executorRoles", input.executorRoles && uniqueIds(input.executorRoles));
      set("executorUserIds", input.executorUserIds && uniqueIds(input.executorUserIds));
      if (input.notes !== undefined) set("notes", blankToNull(input.notes));
      if (values.executorUserIds) await checkExecutors(tx, rel, values.executorUserIds);
      if (values.system !== undefined) {
        const existing = await planForSystem(tx, relationshipId, values.system, plan.id);
        if (existing) throw systemTaken(existing);
      }
      const active = await loadActiveProtocol(tx.db, relationshipId);
      const changed = Object.keys(values) as (keyof PlanRow)[];
      if (!changed.length) return presentDetail(tx, plan, active, abilitiesFor(viewer));
      const now = tx.clock.now();
      const [stored] = await tx.db
        .update(restorationPlans)
        .set({ ...values, updatedAt: new Date(now), revision: plan.revision + 1 })
        .where(eq(restorationPlans.id, plan.id))
        .returning();
      await record(
        tx,
        stored!,
        eventActor(tx.actor),
        "restoration_plan.updated",
        { before: auditSummary(plan, changed), after: auditSummary(stored!, changed) },
        now,
      );
      return presentDetail(tx, stored!, active, abilitiesFor(viewer));
    });
  } catch (err) {
    if (uniqueViolation(err)) throw racedSystem(input.system ?? "");
    throw err;
  }
}

/**
 * Archives a plan: it answers 404 from now on, its tests stay in the database and the audit
 * trail, and its system's name is free for a new plan.
 */
export async function archiveRestorationPlan(ctx: ServiceContext, relationshipId: string, planId: string) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  if (!mayKeepPlans(viewer)) throw forbidden(keeperRefusal);
  return withTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const [plan] = await tx.db
      .update(restorationPlans)
      .set({ archivedAt: new Date(now), updatedAt: new Date(now) })
      .where(
        and(
          eq(restorationPlans.relationshipId, relationshipId),
          eq(restorationPlans.id, planId),
          isNull(restorationPlans.archivedAt),
        ),
      )
      .returning();
    if (!plan) throw notFound("restoration plan");
    await record(tx, plan, eventActor(tx.actor), "restoration_plan.archived", {}, now);
  });
}

// ---------------------------------------------------------------------------------------------
// Tests

export interface TestInput {
  testedAt?: string;
  outcome: Outcome;
  took?: string;
  notes?: string;
}

/**
 * Records a restoration test. A passed or partial test later than the plan's last one makes it
 * tested as of `testedAt`: `stale_at` moves on by the protocol's maximum age, and when that is
 * in the future the stale notice is re-armed (a later lapse is told again). A failed test is
 * kept in the history but changes neither: a plan that failed its test is not proven to work.
 * A test backdated so far that the plan is still stale leaves the notice as it was: the plan has
 * been stale all along, and both sides were told.
 */
export async function recordRestorationTest(
  ctx: ServiceContext,
  relationshipId: string,
  planId: string,
  input: TestInput,
) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  if (!mayKeepPlans(viewer)) throw forbidden(keeperRefusal);
  checkDuration(input.took || undefined, "took", "How long the restoration took is a duration");
  const now = ctx.clock.now();
  const testedAt = input.testedAt === undefined ? now : Date.parse(input.testedAt);
  if (testedAt > now)
    throw fieldError(
      "body.testedAt",
      "is in the future; record a test once it has been done",
      "A test is recorded once it has been done: testedAt may not be in the future.",
    );
  return withTransaction(ctx, async (tx) => {
    const plan = await loadPlan(tx, relationshipId, planId, { lock: true });
    const actor = tx.actor!;
    const [test] = await tx.db
      .insert(restorationTests)
      .values({
        relationshipId,
        planId,
        testedAt: new Date(testedAt),
        outcome: input.outcome,
        took: blankToNull(input.took),
        notes: blankToNull(input.notes),
        recordedBy: actor.type === "user" ? actor.userId : null,
        recordedByName: eventActor(actor).name,
        createdAt: new Date(now),
      })
      .returning();
    const active = await loadActiveProtocol(tx.db, relationshipId);
    let stored = plan;
    const proves = input.outcome !== "failed";
    if (proves && (!plan.lastTestedAt || testedAt > plan.lastTestedAt.getTime())) {
      const lastTestedAt = new Date(testedAt);
      const staleAt = restorationStaleAt(active?.protocol ?? null, {
        lastTestedAt,
        createdAt: plan.createdAt,
      });
      const fresh = staleAt === null || staleAt > now;
      stored = (
        await tx.db
          .update(restorationPlans)
          .set({
            lastTestedAt,
            staleAt: staleAt === null ? null : new Date(staleAt),
            staleNotifiedAt: fresh ? null : plan.staleNotifiedAt,
            updatedAt: new Date(now),
          })
          .where(eq(restorationPlans.id, plan.id))
          .returning()
      )[0]!;
    }
    const staleAt = restorationStaleAt(active?.protocol ?? null, stored);
    await record(
      tx,
      stored,
      eventActor(actor),
      "restoration_plan.tested",
      {
        before: { lastTestedAt: iso(plan.lastTestedAt) },
        after: {
          outcome: test!.outcome,
          testedAt: iso(test!.testedAt),
          took: test!.took,
          lastTestedAt: iso(stored.lastTestedAt),
          stale: staleAt !== null && staleAt <= now,
        },
      },
      now,
      { test: { id: test!.id, outcome: test!.outcome, testedAt: iso(test!.testedAt), took: test!.took } },
    );
    return presentDetail(tx, stored, active, abilitiesFor(viewer));
  });
}

// ---------------------------------------------------------------------------------------------
// The stale sweep

/**
 * Tells both sides, once, that one plan went stale. Under the plan's row lock (skipping a plan
 * another worker holds): `stale_at` is recomputed under the protocol in effect first, so a plan a
 * newer protocol gives more time is moved on instead of flagged. Returns whether it told anyone.
 */
async function announceStale(ctx: ServiceContext, planId: string): Promise<boolean> {
  return withTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const [plan] = await tx.db
      .select()
      .from(restorationPlans)
      .where(
        and(
          eq(restorationPlans.id, planId),
          isNull(restorationPlans.archivedAt),
          isNull(restorationPlans.staleNotifiedAt),
          lte(restorationPlans.staleAt, new Date(now)),
        ),
      )
      .for("update", { skipLocked: true });
    if (!plan) return false;
    const active = await loadActiveProtocol(tx.db, plan.relationshipId);
    const staleAt = restorationStaleAt(active?.protocol ?? null, plan);
    if (staleAt === null || staleAt > now) {
      await tx.db
        .update(restorationPlans)
        .set({ staleAt: staleAt === null ? null : new Date(staleAt) })
        .where(eq(restorationPlans.id, plan.id));
      return false;
    }
    const rel = await partiesOf(tx, plan.relationshipId);
    const tz = active!.protocol.timezone;
    const maxAge = maxAgeOf(active)!;
    const since = plan.lastTestedAt
      ? `Its last successful test was on ${localDate(tz, plan.lastTestedAt.getTime())}, longer ago than the ${maxAge} the protocol allows.`
      : `It has never been tested; the protocol asks for a restoration test at least every ${maxAge}.`;
    await notifyUsers(tx, await bothSidesLeads(tx, rel), {
      relationshipId: plan.relationshipId,
      kind: "restoration.stale",
      subject: `Restoration plan untested: ${plan.system}`,
      body:
        `The restoration plan for ${plan.system} is stale. ${since}\n\n` +
        "Good backup success rates mean nothing until a restoration is tested. Schedule a restoration test and record its outcome on the plan.",
      link: planLink(plan),
      data: { planId: plan.id, system: plan.system, lastTestedAt: iso(plan.lastTestedAt), maxAge },
    });
    const [stored] = await tx.db
      .update(restorationPlans)
      .set({ staleAt: new Date(staleAt), staleNotifiedAt: new Date(now) })
      .where(eq(restorationPlans.id, plan.id))
      .returning();
    await record(
      tx,
      stored!,
      SYSTEM,
      "restoration_plan.stale",
      { after: { lastTestedAt: iso(plan.lastTestedAt), staleSince: iso(staleAt), maxAge } },
      now,
    );
    return true;
  });
}

/**
 * The sweep: every active plan whose `stale_at` has passed and whose staleness nobody was told
 * of yet, each in its own transaction, oldest first. Running it again (or on two workers at
 * once) tells no one twice: the notice is marked in the transaction that sends it.
 */
export async function runDueRestorationChecks(
  ctx: ServiceContext,
  opts: { limit?: number } = {},
): Promise<{ notified: number }> {
  const due = await ctx.db
    .select({ id: restorationPlans.id })
    .from(restorationPlans)
    .where(
      and(
        isNull(restorationPlans.archivedAt),
        isNull(restorationPlans.staleNotifiedAt),
        lte(restorationPlans.staleAt, new Date(ctx.clock.now())),
      ),
    )
    .orderBy(asc(restorationPlans.staleAt))
    .limit(opts.limit ?? 500);
  let notified = 0;
  for (const { id } of due) if (await announceStale(ctx, id)) notified++;
  return { notified };
}
