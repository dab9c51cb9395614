import { and, count, desc, eq, gt, isNull, lt, ne, or } from "drizzle-orm";
import type { Db } from "../../core/db/index.ts";
import { appendEvent } from "../../core/events/events.ts";
import type { Actor, ActorMembership } from "../../core/http/actor.ts";
import {
  type AuthedContext,
  eventActor,
  requireActor,
  type ServiceContext,
  withTransaction,
} from "../../core/http/context.ts";
import { AppError, notFound } from "../../core/http/errors.ts";
import {
  loginAttempts,
  memberships,
  organizations,
  sessions,
  setupTokens,
  users,
} from "./identity.tables.ts";
import { hashPassword, newSecret, sha256, verifyPassword } from "./passwords.ts";

const MINUTE = 60_000;
/** Sign-in throttling: failures per account and per address inside a sliding window. */
export const loginLimits = { windowMs: 15 * MINUTE, perEmail: 5, perIp: 30 };

export interface PublicUser {
  id: string;
  email: string;
  name: string;
}

export interface SessionInfo {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
}

export interface SignedIn {
  user: PublicUser;
  /** The cookie value. Never stored; only its hash is. */
  sessionToken: string;
  csrfToken: string;
  session: SessionInfo;
}

const publicUser = (u: { id: string; email: string; name: string }): PublicUser => ({
  id: u.id,
  email: u.email,
  name: u.name,
});

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Passwords: long enough to resist guessing, short enough to stop hashing abuse. */
export function checkPasswordRule(password: string, path: string): void {
  if (password.length < 10 || password.length > 200) {
    throw new AppError("validation_failed", "The password must be 10 to 200 characters long.", {
      errors: [{ path, message: "must be 10 to 200 characters long" }],
    });
  }
}

/**
 * Creates a session row and records the sign-in. Used by password sign-in and link set-up, and
 * by test factories (which skip the deliberately slow password hash).
 */
export async function startSession(
  ctx: ServiceContext,
  user: { id: string; email: string; name: string },
  userAgent: string | null,
  how: string,
): Promise<SignedIn> {
  const sessionToken = newSecret();
  const csrfToken = newSecret(24);
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .insert(sessions)
    .values({
      userId: user.id,
      tokenHash: sha256(sessionToken),
      csrfToken,
      userAgent: userAgent?.slice(0, 300) ?? null,
      createdAt: new Date(now),
      lastSeenAt: new Date(now),
      expiresAt: new Date(now + ctx.config.sessionTtlHours * 3_600_000),
    })
    .returning();
  await appendEvent(ctx.db, {
    scope: "user",
    chain: user.id,
    actor: { type: "user", id: user.id, name: user.name },
    action: "session.created",
    subject: { type: "session", id: row!.id, label: `sign-in (${how})` },
    after: { userAgent: row!.userAgent, expiresAt: row!.expiresAt.toISOString() },
    requestId: ctx.requestId,
    occurredAt: now,
  });
  return { user: publicUser(user), sessionToken, csrfToken, session: row! };
}

/**
 * Signs in with email and password. Throttled per email and per client address (429 with a
 * Retry-After); a wrong email and a wrong password get the same answer in the same time.
 */
export async function signIn(
  ctx: ServiceContext,
  input: { email: string; password: string; ip: string; userAgent: string | null },
): Promise<SignedIn> {
  const email = normalizeEmail(input.email);
  const now = ctx.clock.now();
  const since = new Date(now - loginLimits.windowMs);
  await enforceLoginLimit(ctx.db, email, input.ip, since, now);

  const [user] = await ctx.db.select().from(users).where(eq(users.email, email));
  const ok = await verifyPassword(input.password, user?.passwordHash ?? null);
  if (!ok || !user || user.disabledAt) {
    await ctx.db.insert(loginAttempts).values({ email, ip: input.ip, succeeded: false, at: new Date(now) });
    throw new AppError("invalid_credentials", "That email and password do not match an account.");
  }
  return withTransaction(ctx, async (tx) => {
    await tx.db.insert(loginAttempts).values({ email, ip: input.ip, succeeded: true, at: new Date(now) });
    return startSession(tx, user, input.userAgent, "password");
  });
}

async function enforceLoginLimit(db: Db, email: string, ip: string, since: Date, now: number): Promise<void> {
  // Failures since the account's last success count against it, so a person who finally gets it
  // right starts afresh; failures from one address count regardless of account.
  const [lastOk] = await db
    .select({ at: loginAttempts.at })
    .from(loginAttempts)
    .where(
      and(eq(loginAttempts.email, email), eq(loginAttempts.succeeded, true), gt(loginAttempts.at, since)),
    )
    .orderBy(desc(loginAttempts.at))
    .limit(1);
  const from = lastOk && lastOk.at > since ? lastOk.at : since;
  const byEmail = await db
    .select({ at: loginAttempts.at })
    .from(loginAttempts)
    .where(
      and(eq(loginAttempts.email, email), eq(loginAttempts.succeeded, false), gt(loginAttempts.at, from)),
    )
    .orderBy(desc(loginAttempts.at))
    .limit(loginLimits.perEmail);
  const [byIp] = await db
    .select({ n: count() })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.ip, ip), eq(loginAttempts.succeeded, false), gt(loginAttempts.at, since)));
  let retryAt = 0;
  if (byEmail.length >= loginLimits.perEmail) {
    // The oldest of the counted failures leaving the window frees one attempt.
    retryAt = byEmail[byEmail.length - 1]!.at.getTime() + loginLimits.windowMs;
  } else if ((byIp?.n ?? 0) >= loginLimits.perIp) {
    retryAt = now + loginLimits.windowMs;
  }
  if (retryAt > now) {
    const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
    throw new AppError(
      "too_many_attempts",
      `Too many failed sign-in attempts. Try again in ${Math.ceil(seconds / 60)} minute(s), or ask an admin to reset your password.`,
      { headers: { "retry-after": String(seconds) } },
    );
  }
}

/** Loads a person with their memberships, as an Actor. */
export async function loadUserActor(db: Db, userId: string, sessionId: string): Promise<Actor | null> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user || user.disabledAt) return null;
  const rows = await db
    .select({
      orgId: memberships.orgId,
      orgName: organizations.name,
      orgKind: organizations.kind,
      role: memberships.role,
      admin: memberships.admin,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(organizations.name);
  return {
    type: "user",
    userId: user.id,
    name: user.name,
    email: user.email,
    sessionId,
    memberships: rows as ActorMembership[],
  };
}

/**
 * Resolves a session cookie to its actor and CSRF token, or null when the session is unknown,
 * expired or revoked. Touches `last_seen_at` at most once a minute to keep reads cheap.
 */
export async function resolveSession(
  db: Db,
  sessionToken: string,
  now: number,
): Promise<{ actor: Actor; csrfToken: string; session: SessionInfo } | null> {
  const [s] = await db
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.tokenHash, sha256(sessionToken)),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, new Date(now)),
      ),
    );
  if (!s) return null;
  const actor = await loadUserActor(db, s.userId, s.id);
  if (!actor) return null;
  if (now - s.lastSeenAt.getTime() > MINUTE) {
    await db
      .update(sessions)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(sessions.id, s.id));
  }
  return { actor, csrfToken: s.csrfToken, session: s };
}

/** Ends the caller's current session. */
export async function signOut(ctx: ServiceContext): Promise<void> {
  requireActor(ctx);
  const actor = ctx.actor;
  if (actor.type !== "user") throw new AppError("forbidden", "API tokens have no session to sign out of.");
  await revokeSession(ctx, actor.sessionId);
}

/** The caller's live sessions, newest first. */
export async function listSessions(ctx: ServiceContext): Promise<(SessionInfo & { current: boolean })[]> {
  const actor = userActor(ctx);
  const rows = await ctx.db
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, actor.userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, new Date(ctx.clock.now())),
      ),
    )
    .orderBy(desc(sessions.lastSeenAt));
  return rows.map((s) => ({ ...s, current: s.id === actor.sessionId }));
}

/** Revokes one of the caller's own sessions; someone else's answers 404. */
export async function revokeSession(ctx: ServiceContext, sessionId: string): Promise<void> {
  const actor = userActor(ctx);
  await withTransaction(ctx, async (tx) => {
    const [s] = await tx.db
      .update(sessions)
      .set({ revokedAt: new Date(ctx.clock.now()) })
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, actor.userId), isNull(sessions.revokedAt)))
      .returning();
    if (!s) throw notFound("session");
    await appendEvent(tx.db, {
      scope: "user",
      chain: actor.userId,
      actor: eventActor(actor),
      action: "session.revoked",
      subject: {
        type: "session",
        id: s.id,
        label: sessionId === actor.sessionId ? "sign-out" : "session revoked",
      },
      requestId: ctx.requestId,
      occurredAt: ctx.clock.now(),
    });
  });
}

/** Changes the caller's password after checking the current one; signs out their other sessions. */
export async function changePassword(
  ctx: ServiceContext,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const actor = userActor(ctx);
  checkPasswordRule(input.newPassword, "body.newPassword");
  const [user] = await ctx.db.select().from(users).where(eq(users.id, actor.userId));
  if (!(await verifyPassword(input.currentPassword, user?.passwordHash ?? null))) {
    throw new AppError("validation_failed", "The current password is not right.", {
      errors: [{ path: "body.currentPassword", message: "does not match your current password" }],
    });
  }
  const hash = await hashPassword(input.newPassword);
  await withTransaction(ctx, async (tx) => {
    await tx.db.update(users).set({ passwordHash: hash }).where(eq(users.id, actor.userId));
    const revoked = await signOutEverywhere(tx.db, actor.userId, ctx.clock.now(), actor.sessionId);
    await appendEvent(tx.db, {
      scope: "user",
      chain: actor.userId,
      actor: eventActor(actor),
      action: "password.changed",
      subject: { type: "user", id: actor.userId, label: actor.name },
      after: { otherSessionsSignedOut: revoked },
      requestId: ctx.requestId,
      occurredAt: ctx.clock.now(),
    });
  });
}

/** Revokes a person's live sessions, except `keep`; returns how many were revoked. */
async function signOutEverywhere(db: Db, userId: string, now: number, keep?: string): Promise<number> {
  const revoked = await db
    .update(sessions)
    .set({ revokedAt: new Date(now) })
    .where(
      and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keep ? ne(sessions.id, keep) : undefined),
    )
    .returning({ id: sessions.id });
  return revoked.length;
}

/** Issues a one-time link to set a password (invitation or reset). Returns the secret. */
export async function issueSetupToken(
  db: Db,
  input: { userId: string; orgId: string | null; purpose: "invite" | "reset"; now: number },
): Promise<string> {
  const secret = newSecret();
  const days = input.purpose === "invite" ? 7 : 1;
  // A new link replaces older unused ones, so only the newest link works.
  await db
    .update(setupTokens)
    .set({ usedAt: new Date(input.now) })
    .where(and(eq(setupTokens.userId, input.userId), isNull(setupTokens.usedAt)));
  await db.insert(setupTokens).values({
    userId: input.userId,
    orgId: input.orgId,
    purpose: input.purpose,
    tokenHash: sha256(secret),
    createdAt: new Date(input.now),
    expiresAt: new Date(input.now + days * 86_400_000),
  });
  return secret;
}

export const setupUrl = (publicUrl: string, secret: string) => `${publicUrl}/setup?token=${secret}`;

/** Sets a password from an invitation or reset link and signs the person in. */
export async function completeSetup(
  ctx: ServiceContext,
  input: { token: string; password: string; userAgent: string | null },
): Promise<SignedIn> {
  checkPasswordRule(input.password, "body.password");
  const now = ctx.clock.now();
  const hash = await hashPassword(input.password);
  return withTransaction(ctx, async (tx) => {
    const [t] = await tx.db
      .update(setupTokens)
      .set({ usedAt: new Date(now) })
      .where(
        and(
          eq(setupTokens.tokenHash, sha256(input.token)),
          isNull(setupTokens.usedAt),
          gt(setupTokens.expiresAt, new Date(now)),
        ),
      )
      .returning();
    if (!t) {
      throw new AppError(
        "invalid_token",
        "This link is not valid any more. Ask an admin of your organization for a new one.",
      );
    }
    const [user] = await tx.db
      .update(users)
      .set({ passwordHash: hash })
      .where(eq(users.id, t.userId))
      .returning();
    if (!user || user.disabledAt) throw new AppError("invalid_token", "This account is disabled.");
    // A reset ends every existing session: whoever knew the old password is out.
    await signOutEverywhere(tx.db, user.id, now);
    await appendEvent(tx.db, {
      scope: "user",
      chain: user.id,
      actor: { type: "user", id: user.id, name: user.name },
      action: t.purpose === "invite" ? "invitation.accepted" : "password.reset",
      subject: { type: "user", id: user.id, label: user.name },
      requestId: ctx.requestId,
      occurredAt: now,
    });
    return startSession(tx, user, input.userAgent, t.purpose === "invite" ? "invitation" : "reset link");
  });
}

/**
 * Sets a person's password as an operator (CLI), signing out all their sessions. The event names
 * the operator, not the person.
 */
export async function setPasswordAsOperator(
  ctx: ServiceContext,
  email: string,
  password: string,
): Promise<PublicUser> {
  checkPasswordRule(password, "password");
  const hash = await hashPassword(password);
  return withTransaction(ctx, async (tx) => {
    const [user] = await tx.db
      .update(users)
      .set({ passwordHash: hash })
      .where(eq(users.email, normalizeEmail(email)))
      .returning();
    if (!user) throw notFound("account with that email");
    const now = ctx.clock.now();
    await signOutEverywhere(tx.db, user.id, now);
    await appendEvent(tx.db, {
      scope: "user",
      chain: user.id,
      actor: eventActor(ctx.actor),
      action: "password.reset",
      subject: { type: "user", id: user.id, label: user.name },
      requestId: ctx.requestId,
      occurredAt: now,
    });
    return publicUser(user);
  });
}

/** Removes throttling records and dead sessions past any use. Idempotent; run by the worker. */
export async function purgeExpiredAuthData(
  db: Db,
  now: number,
): Promise<{ attempts: number; sessions: number }> {
  const a = await db
    .delete(loginAttempts)
    .where(lt(loginAttempts.at, new Date(now - loginLimits.windowMs * 2)))
    .returning({ id: loginAttempts.id });
  const monthAgo = new Date(now - 30 * 86_400_000);
  const s = await db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, monthAgo), lt(sessions.revokedAt, monthAgo)))
    .returning({ id: sessions.id });
  return { attempts: a.length, sessions: s.length };
}

function userActor(ctx: ServiceContext): Extract<Actor, { type: "user" }> {
  requireActor(ctx);
  const actor = (ctx as AuthedContext).actor;
  if (actor.type !== "user")
    throw new AppError("forbidden", "This needs a signed-in person, not an API token.");
  return actor;
}
