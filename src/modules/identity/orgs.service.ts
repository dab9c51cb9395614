import { and, asc, count, eq } from "drizzle-orm";
import { appendEvent } from "../../core/events/events.ts";
import { type Actor, type OrgKind, type Role, rolesFor } from "../../core/http/actor.ts";
import { eventActor, requireActor, type ServiceContext, withTransaction } from "../../core/http/context.ts";
import { AppError, forbidden, notFound } from "../../core/http/errors.ts";
import { issueSetupToken, normalizeEmail, setupUrl } from "./auth.service.ts";
import { orgAbilities, orgMembership } from "./identity.policy.ts";
import { memberships, organizations, users } from "./identity.tables.ts";

export interface Member {
  userId: string;
  name: string;
  email: string;
  role: Role;
  admin: boolean;
  status: "active" | "invited";
  createdAt: Date;
}

/** The caller's membership of the organization, or 404 if they have none. */
function membershipOr404(actor: Actor, orgId: string) {
  const m = orgMembership(actor, orgId);
  if (!m) throw notFound("organization");
  return m;
}

function adminOr403(actor: Actor, orgId: string) {
  const m = membershipOr404(actor, orgId);
  if (!m.admin) throw forbidden("Only an admin of this organization can manage its people.");
  return m;
}

function checkRole(kind: OrgKind, role: string, path: string): asserts role is Role {
  const allowed = rolesFor(kind);
  if (!allowed.includes(role as Role)) {
    throw new AppError("validation_failed", `A ${kind} organization's roles are: ${allowed.join(", ")}.`, {
      errors: [{ path, message: `must be one of ${allowed.join(", ")} for a ${kind} organization` }],
    });
  }
}

/** An organization the caller belongs to, with what they may do there. */
export async function getOrganization(ctx: ServiceContext, orgId: string) {
  requireActor(ctx);
  const m = membershipOr404(ctx.actor, orgId);
  const [org] = await ctx.db.select().from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw notFound("organization");
  return { ...org, viewer: { role: m.role, admin: m.admin }, abilities: orgAbilities(m) };
}

async function membersOf(ctx: ServiceContext, orgId: string, userId?: string): Promise<Member[]> {
  const rows = await ctx.db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      admin: memberships.admin,
      passwordHash: users.passwordHash,
      createdAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      userId
        ? and(eq(memberships.orgId, orgId), eq(memberships.userId, userId))
        : eq(memberships.orgId, orgId),
    )
    .orderBy(asc(users.name));
  return rows.map(({ passwordHash, ...m }) => ({
    ...m,
    role: m.role as Role,
    status: passwordHash ? "active" : "invited",
  }));
}

/** The people of an organization; any member may see their colleagues. */
export async function listMembers(ctx: ServiceContext, orgId: string): Promise<Member[]> {
  requireActor(ctx);
  membershipOr404(ctx.actor, orgId);
  return membersOf(ctx, orgId);
}

/**
 * Adds a person to an organization. A person new to Liaison gets an account without a password
 * and a one-time invitation link (returned once, for the admin to pass on); someone who already
 * has an account simply gains the membership.
 */
export async function addMember(
  ctx: ServiceContext,
  orgId: string,
  input: { email: string; name: string; role: string; admin?: boolean },
): Promise<{ member: Member; setupUrl: string | null }> {
  requireActor(ctx);
  adminOr403(ctx.actor, orgId);
  return addMemberAsOperator(ctx, orgId, input);
}

/**
 * Adds a member without a policy check: for operators (CLI, demo loader) and for addMember after
 * its check. With `password`, the account is usable at once and no invitation link is made.
 */
export async function addMemberAsOperator(
  ctx: ServiceContext,
  orgId: string,
  input: { email: string; name: string; role: string; admin?: boolean; passwordHash?: string },
): Promise<{ member: Member; setupUrl: string | null }> {
  const actor = ctx.actor;
  return withTransaction(ctx, async (tx) => {
    const [org] = await tx.db.select().from(organizations).where(eq(organizations.id, orgId));
    if (!org) throw notFound("organization");
    checkRole(org.kind, input.role, "body.role");
    const email = normalizeEmail(input.email);
    const now = ctx.clock.now();
    let [user] = await tx.db.select().from(users).where(eq(users.email, email));
    let link: string | null = null;
    if (!user) {
      [user] = await tx.db
        .insert(users)
        .values({
          email,
          name: input.name.trim(),
          passwordHash: input.passwordHash ?? null,
          createdAt: new Date(now),
        })
        .returning();
      if (!input.passwordHash) {
        link = setupUrl(
          ctx.publicUrl,
          await issueSetupToken(tx.db, { userId: user!.id, orgId, purpose: "invite", now }),
        );
      }
    }
    const inserted = await tx.db
      .insert(memberships)
      .values({
        orgId,
        userId: user!.id,
        role: input.role,
        admin: input.admin ?? false,
        createdAt: new Date(now),
      })
      .onConflictDoNothing()
      .returning();
    if (inserted.length === 0) {
      throw new AppError("conflict", `${email} is already a member of ${org.name}.`, {
        errors: [{ path: "body.email", message: "is already a member of this organization" }],
      });
    }
    await appendEvent(tx.db, {
      scope: "organization",
      chain: orgId,
      orgId,
      actor: eventActor(actor),
      action: "membership.created",
      subject: { type: "user", id: user!.id, label: user!.name },
      after: {
        email,
        role: input.role,
        admin: input.admin ?? false,
        newAccount: link !== null || !!input.passwordHash,
      },
      requestId: ctx.requestId,
      occurredAt: now,
    });
    const [member] = await membersOf(tx, orgId, user!.id);
    return { member: member!, setupUrl: link };
  });
}

async function adminCount(ctx: ServiceContext, orgId: string): Promise<number> {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.admin, true)));
  return row?.n ?? 0;
}

const lastAdmin = () =>
  new AppError("last_admin", "This is the organization's last admin. Make someone else an admin first.");

/** Changes a member's role or admin flag; the last admin cannot lose the flag. */
export async function updateMember(
  ctx: ServiceContext,
  orgId: string,
  userId: string,
  input: { role?: string; admin?: boolean },
): Promise<Member> {
  requireActor(ctx);
  const actor = ctx.actor;
  adminOr403(actor, orgId);
  return withTransaction(ctx, async (tx) => {
    const [org] = await tx.db.select().from(organizations).where(eq(organizations.id, orgId)).for("update");
    if (!org) throw notFound("organization");
    const [current] = await membersOf(tx, orgId, userId);
    if (!current) throw notFound("member");
    if (input.role !== undefined) checkRole(org.kind, input.role, "body.role");
    if (input.admin === false && current.admin && (await adminCount(tx, orgId)) <= 1) throw lastAdmin();
    const next = { role: input.role ?? current.role, admin: input.admin ?? current.admin };
    await tx.db
      .update(memberships)
      .set(next)
      .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
    await appendEvent(tx.db, {
      scope: "organization",
      chain: orgId,
      orgId,
      actor: eventActor(actor),
      action: "membership.updated",
      subject: { type: "user", id: userId, label: current.name },
      before: { role: current.role, admin: current.admin },
      after: next,
      requestId: ctx.requestId,
      occurredAt: ctx.clock.now(),
    });
    return { ...current, ...next, role: next.role as Role };
  });
}

/** Removes a person from an organization (their account and other memberships stay). */
export async function removeMember(ctx: ServiceContext, orgId: string, userId: string): Promise<void> {
  requireActor(ctx);
  const actor = ctx.actor;
  adminOr403(actor, orgId);
  await withTransaction(ctx, async (tx) => {
    // Lock the organization row so two admins removing each other cannot both succeed.
    const [org] = await tx.db.select().from(organizations).where(eq(organizations.id, orgId)).for("update");
    if (!org) throw notFound("organization");
    const [current] = await membersOf(tx, orgId, userId);
    if (!current) throw notFound("member");
    if (current.admin && (await adminCount(tx, orgId)) <= 1) throw lastAdmin();
    await tx.db.delete(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
    await appendEvent(tx.db, {
      scope: "organization",
      chain: orgId,
      orgId,
      actor: eventActor(actor),
      action: "membership.removed",
      subject: { type: "user", id: userId, label: current.name },
      before: { role: current.role, admin: current.admin },
      requestId: ctx.requestId,
      occurredAt: ctx.clock.now(),
    });
  });
}

/** Creates an organization (operator action: CLI and demo loader). */
export async function createOrganization(
  ctx: ServiceContext,
  input: { name: string; kind: OrgKind; size?: number | null },
) {
  return withTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    const [org] = await tx.db
      .insert(organizations)
      .values({
        name: input.name.trim(),
        kind: input.kind,
        size: input.size ?? null,
        createdAt: new Date(now),
      })
      .returning();
    await appendEvent(tx.db, {
      scope: "organization",
      chain: org!.id,
      orgId: org!.id,
      actor: eventActor(ctx.actor),
      action: "organization.created",
      subject: { type: "organization", id: org!.id, label: org!.name },
      after: { kind: org!.kind, size: org!.size },
      requestId: ctx.requestId,
      occurredAt: now,
    });
    return org!;
  });
}

/**
 * Issues a fresh invitation link for a member who has not set a password yet (the first link was
 * lost or expired). Older links stop working. People with a password use a reset instead.
 */
export async function reissueInvitation(ctx: ServiceContext, orgId: string, userId: string): Promise<string> {
  requireActor(ctx);
  const actor = ctx.actor;
  adminOr403(actor, orgId);
  return withTransaction(ctx, async (tx) => {
    const [current] = await membersOf(tx, orgId, userId);
    if (!current) throw notFound("member");
    if (current.status !== "invited") {
      throw new AppError(
        "conflict",
        `${current.name} has already set a password; they can ask for a reset instead.`,
      );
    }
    const now = ctx.clock.now();
    const secret = await issueSetupToken(tx.db, { userId, orgId, purpose: "invite", now });
    await appendEvent(tx.db, {
      scope: "organization",
      chain: orgId,
      orgId,
      actor: eventActor(actor),
      action: "invitation.reissued",
      subject: { type: "user", id: userId, label: current.name },
      requestId: ctx.requestId,
      occurredAt: now,
    });
    return setupUrl(ctx.publicUrl, secret);
  });
}
