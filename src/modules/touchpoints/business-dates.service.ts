/**
 * The client's dated business and compliance needs: audits, renewals, office moves, regulatory
 * deadlines. The client's leads keep them; the provider reads them; every agenda lists those
 * coming up (touchpoints.agenda.ts), so nothing lands on the provider at the last minute.
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import { eventActor, type ServiceContext, withTransaction } from "../../core/http/context.ts";
import { AppError, forbidden, notFound } from "../../core/http/errors.ts";
import { DAY_MS, parseDay } from "../../core/time/holidays.ts";
import { getRelationshipForViewer } from "../identity/relationships.service.ts";
import { loadActiveProtocol } from "../protocol/protocol.service.ts";
import { recordTouchpoint } from "./series.service.ts";
import { dayOf } from "./touchpoints.agenda.ts";
import { refusals, touchpointAbilities } from "./touchpoints.policy.ts";
import { type BusinessDateKind, businessDates } from "./touchpoints.tables.ts";

type DateRow = typeof businessDates.$inferSelect;

async function access(ctx: ServiceContext, relationshipId: string) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  if (viewer.side === "client" && viewer.role === "member") throw forbidden(refusals.view);
  const active = await loadActiveProtocol(ctx.db, relationshipId);
  return { abilities: touchpointAbilities(viewer), zone: active?.protocol.timezone ?? "UTC" };
}

function present(d: DateRow, today: number) {
  return {
    id: d.id,
    kind: d.kind,
    title: d.title,
    dueOn: d.dueOn,
    notes: d.notes,
    createdByName: d.createdByName,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    revision: d.revision,
    daysAway: (parseDay(d.dueOn) ?? today) - today,
  };
}

/** A date within ten years either side of today, or a 400 naming the field. */
function checkDay(dueOn: string, now: number) {
  const day = parseDay(dueOn);
  const today = Math.floor(now / DAY_MS);
  if (day === undefined || Math.abs(day - today) > 3_660)
    throw new AppError("validation_failed", "The date has problems; fix the fields named.", {
      errors: [{ path: "body.dueOn", message: "use a real date like 2027-03-31, within ten years of today" }],
    });
}

export async function listBusinessDates(
  ctx: ServiceContext,
  relationshipId: string,
  q: { past?: "true" | "false" | undefined },
) {
  const { abilities, zone } = await access(ctx, relationshipId);
  const today = dayOf(zone, ctx.clock.now());
  const rows = await ctx.db
    .select()
    .from(businessDates)
    .where(and(eq(businessDates.relationshipId, relationshipId), isNull(businessDates.removedAt)))
    .orderBy(asc(businessDates.dueOn));
  const dates = rows.map((d) => present(d, today)).filter((d) => q.past === "true" || d.daysAway >= 0);
  return { dates, canEdit: abilities.keepDates };
}

const subject = (d: DateRow) => ({ type: "business_date", id: d.id, label: `${d.title} (${d.dueOn})` });

export async function createBusinessDate(
  ctx: ServiceContext,
  relationshipId: string,
  input: { kind: BusinessDateKind; title: string; dueOn: string; notes?: string | undefined },
) {
  const { abilities, zone } = await access(ctx, relationshipId);
  if (!abilities.keepDates) throw forbidden(refusals.keepDates);
  return withTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    checkDay(input.dueOn, now);
    const [d] = await tx.db
      .insert(businessDates)
      .values({
        relationshipId,
        kind: input.kind,
        title: input.title,
        dueOn: input.dueOn,
        notes: input.notes ?? "",
        createdBy: tx.actor?.type === "user" ? tx.actor.userId : null,
        createdByName: eventActor(tx.actor).name,
        createdAt: new Date(now),
        updatedAt: new Date(now),
      })
      .returning();
    await recordTouchpoint(
      tx,
      relationshipId,
      subject(d!),
      "business_date.added",
      {
        after: { kind: d!.kind, title: d!.title, dueOn: d!.dueOn, notes: d!.notes },
      },
      now,
    );
    return present(d!, dayOf(zone, now));
  });
}

async function loadDate(ctx: ServiceContext, relationshipId: string, dateId: string) {
  const [d] = await ctx.db
    .select()
    .from(businessDates)
    .where(
      and(
        eq(businessDates.id, dateId),
        eq(businessDates.relationshipId, relationshipId),
        isNull(businessDates.removedAt),
      ),
    )
    .for("update");
  if (!d) throw notFound("business date");
  return d;
}

export async function updateBusinessDate(
  ctx: ServiceContext,
  relationshipId: string,
  dateId: string,
  input: {
    kind?: BusinessDateKind | undefined;
    title?: string | undefined;
    dueOn?: string | undefined;
    notes?: string | undefined;
    revision: number;
  },
) {
  const { abilities, zone } = await access(ctx, relationshipId);
  if (!abilities.keepDates) throw forbidden(refusals.keepDates);
  return withTransaction(ctx, async (tx) => {
    const d = await loadDate(tx, relationshipId, dateId);
    if (d.revision !== input.revision)
      throw new AppError(
        "conflict",
        `"${d.title}" changed since you loaded it (revision ${d.revision}, you sent ${input.revision}); reload and try again.`,
      );
    const now = tx.clock.now();
    if (input.dueOn !== undefined) checkDay(input.dueOn, now);
    const patch = {
      ...(input.kind !== undefined ? { kind: input.kind } : {}),
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.dueOn !== undefined ? { dueOn: input.dueOn } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
    };
    // Nothing to change: answer with the date as it is, with no new revision or event.
    if (!Object.keys(patch).length) return present(d, dayOf(zone, now));
    const [updated] = await tx.db
      .update(businessDates)
      .set({ ...patch, revision: d.revision + 1, updatedAt: new Date(now) })
      .where(eq(businessDates.id, d.id))
      .returning();
    await recordTouchpoint(
      tx,
      relationshipId,
      subject(updated!),
      "business_date.changed",
      {
        before: { kind: d.kind, title: d.title, dueOn: d.dueOn, notes: d.notes },
        after: patch,
      },
      now,
    );
    return present(updated!, dayOf(zone, now));
  });
}

export async function removeBusinessDate(ctx: ServiceContext, relationshipId: string, dateId: string) {
  const { abilities } = await access(ctx, relationshipId);
  if (!abilities.keepDates) throw forbidden(refusals.keepDates);
  await withTransaction(ctx, async (tx) => {
    const d = await loadDate(tx, relationshipId, dateId);
    const now = tx.clock.now();
    await tx.db
      .update(businessDates)
      .set({ removedAt: new Date(now) })
      .where(eq(businessDates.id, d.id));
    await recordTouchpoint(
      tx,
      relationshipId,
      subject(d),
      "business_date.removed",
      {
        before: { kind: d.kind, title: d.title, dueOn: d.dueOn },
      },
      now,
    );
  });
}
