/** Small pieces the on-call services share: the parties of a relationship, both sides' leads, numbering. */
import { eq, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/http/context.ts";
import { membersWithRoles } from "../../core/notify/notify.ts";
import { relationships } from "../identity/identity.tables.ts";
import { oncallCounters } from "./oncall.tables.ts";

/** An instant (ms or Date) as ISO text, null kept. */
export const iso = (t: number | Date | null | undefined): string | null =>
  t === null || t === undefined ? null : new Date(t).toISOString();

export type Parties = { id: string; clientOrgId: string; providerOrgId: string };

/** The two organizations of a relationship, for work that runs without a viewer (timers). */
export async function partiesOf(ctx: ServiceContext, relationshipId: string): Promise<Parties> {
  const [r] = await ctx.db
    .select({
      id: relationships.id,
      clientOrgId: relationships.clientOrgId,
      providerOrgId: relationships.providerOrgId,
    })
    .from(relationships)
    .where(eq(relationships.id, relationshipId));
  return r!;
}

/**
 * Both sides' leads, who hear of reviews and stale plans: the client's IT contacts and
 * executives, the provider's account managers and senior technicians.
 */
export async function bothSidesLeads(ctx: ServiceContext, rel: Parties): Promise<string[]> {
  return [
    ...new Set([
      ...(await membersWithRoles(ctx.db, [rel.clientOrgId], ["it_contact", "executive"])),
      ...(await membersWithRoles(ctx.db, [rel.providerOrgId], ["account_manager", "senior_technician"])),
    ]),
  ];
}

/** The next per-relationship number of an emergency (EMG-n) or a review (PIR-n). */
export async function nextOncallNumber(
  ctx: ServiceContext,
  relationshipId: string,
  kind: "emergency" | "review",
): Promise<number> {
  const [row] = await ctx.db
    .insert(oncallCounters)
    .values({ relationshipId, kind, last: 1 })
    .onConflictDoUpdate({
      target: [oncallCounters.relationshipId, oncallCounters.kind],
      set: { last: sql`${oncallCounters.last} + 1` },
    })
    .returning({ last: oncallCounters.last });
  return row!.last;
}
