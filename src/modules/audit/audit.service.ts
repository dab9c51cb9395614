import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Db } from "../../core/db/index.ts";
import { events } from "../../core/events/events.tables.ts";
import { requireActor, type ServiceContext } from "../../core/http/context.ts";
import { forbidden } from "../../core/http/errors.ts";
import { getOrganization } from "../identity/orgs.service.ts";
import { getRelationshipForViewer } from "../identity/relationships.service.ts";

export interface EventPage {
  items: (typeof events.$inferSelect)[];
  /** Pass back as `before` for the next (older) page; null at the start of the trail. */
  nextBefore: number | null;
}

/** Reads one page of a chain's events, newest first. */
export async function readTimeline(
  db: Db,
  where: SQL,
  before: number | undefined,
  limit: number,
): Promise<EventPage> {
  const rows = await db
    .select()
    .from(events)
    .where(before ? and(where, lt(events.seq, before)) : where)
    .orderBy(desc(events.seq))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  return { items, nextBefore: rows.length > limit ? items[items.length - 1]!.seq : null };
}

/** A relationship's audit trail, for the roles that may read it. */
export async function listRelationshipEvents(
  ctx: ServiceContext,
  relationshipId: string,
  page: { before?: number; limit: number },
): Promise<EventPage> {
  const { abilities } = await getRelationshipForViewer(ctx, relationshipId);
  if (!abilities.readAudit) throw forbidden("Your role cannot read this relationship's audit trail.");
  return readTimeline(ctx.db, eq(events.chain, relationshipId), page.before, page.limit);
}

/** An organization's audit trail (its people and memberships), for its admins. */
export async function listOrganizationEvents(
  ctx: ServiceContext,
  orgId: string,
  page: { before?: number; limit: number },
): Promise<EventPage> {
  requireActor(ctx);
  const org = await getOrganization(ctx, orgId);
  if (!org.viewer.admin) throw forbidden("Only an admin of this organization can read its audit trail.");
  return readTimeline(ctx.db, eq(events.chain, orgId), page.before, page.limit);
}
