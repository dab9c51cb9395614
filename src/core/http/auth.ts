import type { FastifyReply, FastifyRequest } from "fastify";
import type { Db } from "../db/index.ts";
import type { Actor, Role } from "./actor.ts";
import { AppError } from "./errors.ts";

export const SESSION_COOKIE = "liaison_session";
export const CSRF_HEADER = "x-csrf-token";

/**
 * Who may call a route, declared on the route and published in the OpenAPI document as
 * `x-access`. The authorization walk test reads it; services enforce it.
 */
export interface RouteAccess {
  /** `public`: anyone; `session`: a signed-in person; `any`: a person or an API token. */
  auth: "public" | "session" | "any";
  /** Which tenant the path's ids belong to. */
  scope: "none" | "self" | "organization" | "relationship";
  /** Roles allowed in that scope; omitted means every member. */
  roles?: readonly Role[];
  /** Only organization admins. */
  admin?: boolean;
}

declare module "fastify" {
  interface FastifySchema {
    "x-access"?: RouteAccess;
  }
}

/** A live browser session, as resolved from its cookie. */
export interface ResolvedSession {
  actor: Actor;
  csrfToken: string;
  session: { id: string; createdAt: Date; lastSeenAt: Date; expiresAt: Date; userAgent: string | null };
}

export interface AuthResolvers {
  session(db: Db, token: string, now: number): Promise<ResolvedSession | null>;
  token(db: Db, secret: string, now: number): Promise<Actor | null>;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Resolves the caller from a bearer token or the session cookie. Cookie-authenticated writes must
 * echo the session's CSRF token in a header: a cross-site form can send the cookie but cannot
 * read the token, so it cannot forge the header.
 */
export async function authenticate(
  req: FastifyRequest,
  db: Db,
  now: number,
  resolvers: AuthResolvers,
): Promise<{ actor: Actor | null; session: ResolvedSession | null }> {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const actor = m ? await resolvers.token(db, m[1]!, now) : null;
    if (!actor) {
      throw new AppError(
        "invalid_token",
        "The API token is unknown, revoked or expired. Create a new one under API tokens.",
      );
    }
    return { actor, session: null };
  }
  const cookie = req.cookies[SESSION_COOKIE];
  if (!cookie) return { actor: null, session: null };
  const s = await resolvers.session(db, cookie, now);
  if (!s) return { actor: null, session: null };
  if (!SAFE_METHODS.has(req.method)) {
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== "string" || sent !== s.csrfToken) {
      throw new AppError("csrf_failed", `Send the csrfToken from sign-in in the ${CSRF_HEADER} header.`);
    }
  }
  return { actor: s.actor, session: s };
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure when served over https. */
export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure,
    expires: expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "lax", secure });
}
