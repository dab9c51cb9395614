import { and, desc, eq, gt, isNull, or } from "drizzle-orm";
import type { Db } from "../../core/db/index.ts";
import { appendEvent } from "../../core/events/events.ts";
import { type Actor, type Role, rolesFor } from "../../core/http/actor.ts";
import { eventActor, type ServiceContext, withTransaction } from "../../core/http/context.ts";
import { AppError, forbidden, notFound } from "../../core/http/errors.ts";
import { apiTokens, organizations, users } from "./identity.tables.ts";
import { newSecret, sha256 } from "./passwords.ts";
import { getRelationshipForViewer } from "./relationships.service.ts";

/** Every secret starts with this, so scanners can recognise a leaked Liaison token. */
export const TOKEN_PREFIX = "lsn_";

export interface TokenView {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: Date;
  createdBy: { id: string; name: string } | null;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

async function managerOf(ctx: ServiceContext, relationshipId: string) {
  const rel = await getRelationshipForViewer(ctx, relationshipId);
  if (!rel.abilities.manageTokens) {
    throw forbidden("Only an admin of your organization can manage API tokens, and only when signed in.");
  }
  return rel;
}

/** The API tokens the caller's organization holds for this relationship. */
export async function listTokens(ctx: ServiceContext, relationshipId: string): Promise<TokenView[]> {
  const { viewer } = await managerOf(ctx, relationshipId);
  const rows = await ctx.db
    .select({ t: apiTokens, creatorName: users.name })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdBy))
    .where(and(eq(apiTokens.relationshipId, relationshipId), eq(apiTokens.orgId, viewer.orgId)))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map(({ t, creatorName }) => ({
    id: t.id,
    name: t.name,
    role: t.role as Role,
    prefix: t.prefix,
    createdAt: t.createdAt,
    createdBy: t.createdBy ? { id: t.createdBy, name: creatorName ?? "" } : null,
    lastUsedAt: t.lastUsedAt,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
  }));
}

/**
 * Creates a token acting as `role` of the caller's organization in this relationship. The secret
 * is returned once and stored only as its SHA-256.
 */
export async function createToken(
  ctx: ServiceContext,
  relationshipId: string,
  input: { name: string; role: string; expiresInDays?: number },
): Promise<{ token: TokenView; secret: string }> {
  const { viewer } = await managerOf(ctx, relationshipId);
  const roles = rolesFor(viewer.side);
  if (!roles.includes(input.role as Role)) {
    throw new AppError(
      "validation_failed",
      `A token of the ${viewer.side} side can take the roles: ${roles.join(", ")}.`,
      {
        errors: [{ path: "body.role", message: `must be one of ${roles.join(", ")}` }],
      },
    );
  }
  const secret = TOKEN_PREFIX + newSecret();
  const now = ctx.clock.now();
  const actor = ctx.actor as Extract<Actor, { type: "user" }>;
  return withTransaction(ctx, async (tx) => {
    const [t] = await tx.db
      .insert(apiTokens)
      .values({
        relationshipId,
        orgId: viewer.orgId,
        role: input.role,
        name: input.name.trim(),
        prefix: secret.slice(0, 12),
        tokenHash: sha256(secret),
        createdBy: actor.userId,
        createdAt: new Date(now),
        expiresAt: input.expiresInDays ? new Date(now + input.expiresInDays * 86_400_000) : null,
      })
      .returning();
    await appendEvent(tx.db, {
      scope: "relationship",
      chain: relationshipId,
      relationshipId,
      orgId: viewer.orgId,
      actor: eventActor(actor),
      action: "api_token.created",
      subject: { type: "api_token", id: t!.id, label: t!.name },
      after: { role: t!.role, prefix: t!.prefix, expiresAt: t!.expiresAt?.toISOString() ?? null },
      requestId: ctx.requestId,
      occurredAt: now,
    });
    return {
      secret,
      token: {
        ...t!,
        role: t!.role as Role,
        createdBy: { id: actor.userId, name: actor.name },
      },
    };
  });
}

/** Revokes a token at once; it stays listed with its revocation time. */
export async function revokeToken(
  ctx: ServiceContext,
  relationshipId: string,
  tokenId: string,
): Promise<void> {
  const { viewer } = await managerOf(ctx, relationshipId);
  await withTransaction(ctx, async (tx) => {
    const [t] = await tx.db
      .update(apiTokens)
      .set({ revokedAt: new Date(ctx.clock.now()) })
      .where(
        and(
          eq(apiTokens.id, tokenId),
          eq(apiTokens.relationshipId, relationshipId),
          eq(apiTokens.orgId, viewer.orgId),
          isNull(apiTokens.revokedAt),
        ),
      )
      .returning();
    if (!t) throw notFound("active API token");
    await appendEvent(tx.db, {
      scope: "relationship",
      chain: relationshipId,
      relationshipId,
      orgId: viewer.orgId,
      actor: eventActor(ctx.actor),
      action: "api_token.revoked",
      subject: { type: "api_token", id: t.id, label: t.name },
      before: { role: t.role, prefix: t.prefix },
      requestId: ctx.requestId,
      occurredAt: ctx.clock.now(),
    });
  });
}

/**
 * Resolves a bearer secret to its actor, or null when unknown, revoked or expired. Records the
 * last use at most once a minute, so a busy integration does not write on every request.
 */
export async function resolveToken(db: Db, secret: string, now: number): Promise<Actor | null> {
  if (!secret.startsWith(TOKEN_PREFIX)) return null;
  const [row] = await db
    .select({ t: apiTokens, orgKind: organizations.kind })
    .from(apiTokens)
    .innerJoin(organizations, eq(organizations.id, apiTokens.orgId))
    .where(
      and(
        eq(apiTokens.tokenHash, sha256(secret)),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, new Date(now))),
      ),
    );
  if (!row) return null;
  const { t } = row;
  if (!t.lastUsedAt || now - t.lastUsedAt.getTime() > 60_000) {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(apiTokens.id, t.id));
  }
  return {
    type: "token",
    tokenId: t.id,
    name: t.name,
    relationshipId: t.relationshipId,
    orgId: t.orgId,
    orgKind: row.orgKind,
    role: t.role as Role,
  };
}
