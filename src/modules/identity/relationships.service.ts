import { and, asc, desc, eq, inArray, or } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { events } from "../../core/events/events.tables.ts";
import { appendEvent } from "../../core/events/events.ts";
import type { Role } from "../../core/http/actor.ts";
import { eventActor, requireActor, type ServiceContext, withTransaction } from "../../core/http/context.ts";
import { AppError, notFound } from "../../core/http/errors.ts";
import { type RelationshipViewer, relationshipAbilities, relationshipViewer } from "./identity.policy.ts";
import { memberships, organizations, relationships, users } from "./identity.tables.ts";

const clientOrg = alias(organizations, "client_org");
const providerOrg = alias(organizations, "provider_org");

const relationshipColumns = {
  id: relationships.id,
  name: relationships.name,
  status: relationships.status,
  createdAt: relationships.createdAt,
  clientOrgId: relationships.clientOrgId,
  providerOrgId: relationships.providerOrgId,
  clientName: clientOrg.name,
  providerName: providerOrg.name,
};

type RelationshipRow = {
  id: string;
  name: string;
  status: "active" | "ended";
  createdAt: Date;
  clientOrgId: string;
  providerOrgId: string;
  clientName: string;
  providerName: string;
};

function present(row: RelationshipRow, viewer: RelationshipViewer) {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    createdAt: row.createdAt,
    client: { id: row.clientOrgId, name: row.clientName },
    provider: { id: row.providerOrgId, name: row.providerName },
    viewer: { side: viewer.side, role: viewer.role, admin: viewer.admin },
    abilities: relationshipAbilities(viewer),
  };
}

export type RelationshipView = ReturnType<typeof present>;

const selectRelationships = (ctx: ServiceContext) =>
  ctx.db
    .select(relationshipColumns)
    .from(relationships)
    .innerJoin(clientOrg, eq(clientOrg.id, relationships.clientOrgId))
    .innerJoin(providerOrg, eq(providerOrg.id, relationships.providerOrgId));

/** The relationships the caller's organizations are party to (a token: its one relationship). */
export async function listRelationships(ctx: ServiceContext): Promise<RelationshipView[]> {
  requireActor(ctx);
  const actor = ctx.actor;
  const orgIds = actor.type === "user" ? actor.memberships.map((m) => m.orgId) : [];
  if (actor.type === "user" && orgIds.length === 0) return [];
  const rows = await selectRelationships(ctx)
    .where(
      actor.type === "token"
        ? eq(relationships.id, actor.relationshipId)
        : or(inArray(relationships.clientOrgId, orgIds), inArray(relationships.providerOrgId, orgIds)),
    )
    .orderBy(asc(clientOrg.name), asc(providerOrg.name));
  return rows.map((r) => present(r, relationshipViewer(actor, r)!));
}

/**
 * Loads a relationship and the caller's standing in it. Every relationship-scoped service starts
 * here: a relationship the caller is not party to answers 404, exactly like a missing one.
 */
export async function getRelationshipForViewer(ctx: ServiceContext, relationshipId: string) {
  requireActor(ctx);
  const [row] = await selectRelationships(ctx).where(eq(relationships.id, relationshipId));
  const viewer = row ? relationshipViewer(ctx.actor, row) : null;
  if (!row || !viewer) throw notFound("relationship");
  return { row, viewer, view: present(row, viewer), abilities: relationshipAbilities(viewer) };
}

/** A relationship's overview: both parties, the people on each side, and recent activity. */
export async function getRelationshipOverview(ctx: ServiceContext, relationshipId: string) {
  const { row, view, abilities } = await getRelationshipForViewer(ctx, relationshipId);
  const people = await ctx.db
    .select({
      orgId: memberships.orgId,
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(inArray(memberships.orgId, [row.clientOrgId, row.providerOrgId]))
    .orderBy(asc(users.name));
  const person = (p: (typeof people)[number]) => ({
    userId: p.userId,
    name: p.name,
    email: p.email,
    role: p.role as Role,
  });
  const recentEvents = abilities.readAudit
    ? await ctx.db
        .select()
        .from(events)
        .where(eq(events.chain, relationshipId))
        .orderBy(desc(events.seq))
        .limit(10)
    : [];
  return {
    ...view,
    people: {
      client: people.filter((p) => p.orgId === row.clientOrgId).map(person),
      provider: people.filter((p) => p.orgId === row.providerOrgId).map(person),
    },
    recentEvents,
  };
}

/**
 * Creates a relationship between a client and a provider organization. Used by the CLI and demo
 * loader (operator actions); the actor is the system.
 */
export async function createRelationship(
  ctx: ServiceContext,
  input: { clientOrgId: string; providerOrgId: string; name?: string },
) {
  return withTransaction(ctx, async (tx) => {
    const orgs = await tx.db
      .select()
      .from(organizations)
      .where(inArray(organizations.id, [input.clientOrgId, input.providerOrgId]));
    const client = orgs.find((o) => o.id === input.clientOrgId);
    const provider = orgs.find((o) => o.id === input.providerOrgId);
    if (!client || client.kind !== "client")
      throw new AppError("validation_failed", "The client must be a client organization.");
    if (!provider || provider.kind !== "provider")
      throw new AppError("validation_failed", "The provider must be a provider organization.");
    const [existing] = await tx.db
      .select({ id: relationships.id })
      .from(relationships)
      .where(and(eq(relationships.clientOrgId, client.id), eq(relationships.providerOrgId, provider.id)));
    if (existing)
      throw new AppError("conflict", `${client.name} and ${provider.name} already have a relationship.`);
    const now = ctx.clock.now();
    const [rel] = await tx.db
      .insert(relationships)
      .values({
        clientOrgId: client.id,
        providerOrgId: provider.id,
        name: input.name ?? `${client.name} ↔ ${provider.name}`,
        createdAt: new Date(now),
      })
      .returning();
    await appendEvent(tx.db, {
      scope: "relationship",
      chain: rel!.id,
      relationshipId: rel!.id,
      actor: eventActor(ctx.actor),
      action: "relationship.created",
      subject: { type: "relationship", id: rel!.id, label: rel!.name },
      after: { client: client.name, provider: provider.name },
      requestId: ctx.requestId,
      occurredAt: now,
    });
    return rel!;
  });
}
