import { z } from "zod";
import type { RouteApp } from "../../app.ts";
import { clearSessionCookie, setSessionCookie } from "../../core/http/auth.ts";
import { requireActor } from "../../core/http/context.ts";
import { AppError } from "../../core/http/errors.ts";
import {
  changePassword,
  completeSetup,
  listSessions,
  revokeSession,
  type SessionInfo as SessionRow,
  type SignedIn,
  signIn,
  signOut,
} from "./auth.service.ts";
import * as S from "./identity.schema.ts";
import { iso, isoOrNull } from "./identity.schema.ts";
import {
  addMember,
  getOrganization,
  listMembers,
  type Member,
  removeMember,
  updateMember,
  reissueInvitation,
} from "./orgs.service.ts";
import {
  getRelationshipOverview,
  listRelationships,
  type RelationshipView,
} from "./relationships.service.ts";
import { createToken, listTokens, revokeToken, type TokenView } from "./tokens.service.ts";

const session = (s: SessionRow) => ({
  id: s.id,
  createdAt: iso(s.createdAt),
  lastSeenAt: iso(s.lastSeenAt),
  expiresAt: iso(s.expiresAt),
  userAgent: s.userAgent,
});
const relationship = (r: RelationshipView) => ({ ...r, createdAt: iso(r.createdAt) });
const member = (m: Member) => ({ ...m, createdAt: iso(m.createdAt) });
const token = (t: TokenView) => ({
  ...t,
  createdAt: iso(t.createdAt),
  lastUsedAt: isoOrNull(t.lastUsedAt),
  expiresAt: isoOrNull(t.expiresAt),
  revokedAt: isoOrNull(t.revokedAt),
});
const signedIn = (s: SignedIn) => ({ user: s.user, csrfToken: s.csrfToken, session: session(s.session) });
const noContent = z.null().describe("No content");
const security: { [scheme: string]: string[] }[] = [{ session: [] }, { bearer: [] }];

/** Sign-in, sessions, organizations and their people, relationships and API tokens. */
export function registerIdentityRoutes(app: RouteApp, opts: { secureCookies: boolean }): void {
  const tags = ["identity"];

  app.post(
    "/auth/login",
    {
      schema: {
        tags,
        summary: "Sign in with email and password",
        body: S.LoginBody,
        response: { 200: S.SignedInResponse },
        "x-access": { auth: "public", scope: "none" },
      },
    },
    async (req, reply) => {
      const result = await signIn(req.ctx, {
        ...req.body,
        ip: req.ip,
        userAgent: req.headers["user-agent"] ?? null,
      });
      setSessionCookie(reply, result.sessionToken, result.session.expiresAt, opts.secureCookies);
      return signedIn(result);
    },
  );

  app.post(
    "/auth/setup",
    {
      schema: {
        tags,
        summary: "Set a password from an invitation or reset link, and sign in",
        body: S.SetupBody,
        response: { 200: S.SignedInResponse },
        "x-access": { auth: "public", scope: "none" },
      },
    },
    async (req, reply) => {
      const result = await completeSetup(req.ctx, {
        ...req.body,
        userAgent: req.headers["user-agent"] ?? null,
      });
      setSessionCookie(reply, result.sessionToken, result.session.expiresAt, opts.secureCookies);
      return signedIn(result);
    },
  );

  app.post(
    "/auth/logout",
    {
      schema: {
        tags,
        summary: "Sign out of this session",
        response: { 204: noContent },
        "x-access": { auth: "session", scope: "self" },
      },
    },
    async (req, reply) => {
      await signOut(req.ctx);
      clearSessionCookie(reply, opts.secureCookies);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/auth/session",
    {
      schema: {
        tags,
        summary: "The current session and its CSRF token",
        response: { 200: S.SignedInResponse },
        "x-access": { auth: "session", scope: "self" },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      const s = req.session;
      if (!s || s.actor.type !== "user") {
        throw new AppError("unauthenticated", "This needs a browser session, not an API token.");
      }
      return {
        user: { id: s.actor.userId, email: s.actor.email, name: s.actor.name },
        csrfToken: s.csrfToken,
        session: session(s.session),
      };
    },
  );

  app.get(
    "/auth/sessions",
    {
      schema: {
        tags,
        summary: "Your active sessions",
        response: { 200: S.SessionList },
        "x-access": { auth: "session", scope: "self" },
      },
    },
    async (req) => ({
      items: (await listSessions(req.ctx)).map((s) => ({ ...session(s), current: s.current })),
    }),
  );

  app.delete(
    "/auth/sessions/:sessionId",
    {
      schema: {
        tags,
        summary: "Revoke one of your sessions",
        params: S.SessionParams,
        response: { 204: noContent },
        "x-access": { auth: "session", scope: "self" },
      },
    },
    async (req, reply) => {
      await revokeSession(req.ctx, req.params.sessionId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/auth/password",
    {
      schema: {
        tags,
        summary: "Change your password (signs out your other sessions)",
        body: S.PasswordBody,
        response: { 204: noContent },
        "x-access": { auth: "session", scope: "self" },
      },
    },
    async (req, reply) => {
      await changePassword(req.ctx, req.body);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/me",
    {
      schema: {
        tags,
        summary: "Who you are, your memberships and your relationships",
        security,
        response: { 200: S.MeResponse },
        "x-access": { auth: "any", scope: "self" },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      const actor = req.ctx.actor;
      const relationships = (await listRelationships(req.ctx)).map(relationship);
      if (actor.type === "token") {
        return {
          user: { id: actor.tokenId, email: "", name: `API token “${actor.name}”` },
          memberships: [],
          relationships,
        };
      }
      return {
        user: { id: actor.userId, email: actor.email, name: actor.name },
        memberships: actor.memberships,
        relationships,
      };
    },
  );

  app.get(
    "/organizations/:orgId",
    {
      schema: {
        tags,
        summary: "An organization you belong to",
        params: S.OrgParams,
        response: { 200: S.Organization },
        "x-access": { auth: "session", scope: "organization" },
      },
    },
    async (req) => {
      const org = await getOrganization(req.ctx, req.params.orgId);
      return { ...org, createdAt: iso(org.createdAt) };
    },
  );

  app.get(
    "/organizations/:orgId/members",
    {
      schema: {
        tags,
        summary: "The people of an organization",
        params: S.OrgParams,
        response: { 200: S.MemberList },
        "x-access": { auth: "session", scope: "organization" },
      },
    },
    async (req) => ({ items: (await listMembers(req.ctx, req.params.orgId)).map(member) }),
  );

  app.post(
    "/organizations/:orgId/members",
    {
      schema: {
        tags,
        summary: "Add a person (new accounts get a one-time invitation link)",
        params: S.OrgParams,
        body: S.AddMemberBody,
        response: { 201: S.AddedMember },
        "x-access": { auth: "session", scope: "organization", admin: true },
      },
    },
    async (req, reply) => {
      const result = await addMember(req.ctx, req.params.orgId, req.body);
      return reply.status(201).send({ member: member(result.member), setupUrl: result.setupUrl });
    },
  );

  app.patch(
    "/organizations/:orgId/members/:userId",
    {
      schema: {
        tags,
        summary: "Change a member's role or admin flag",
        params: S.MemberParams,
        body: S.UpdateMemberBody,
        response: { 200: S.Member },
        "x-access": { auth: "session", scope: "organization", admin: true },
      },
    },
    async (req) => member(await updateMember(req.ctx, req.params.orgId, req.params.userId, req.body)),
  );

  app.delete(
    "/organizations/:orgId/members/:userId",
    {
      schema: {
        tags,
        summary: "Remove a person from an organization",
        params: S.MemberParams,
        response: { 204: noContent },
        "x-access": { auth: "session", scope: "organization", admin: true },
      },
    },
    async (req, reply) => {
      await removeMember(req.ctx, req.params.orgId, req.params.userId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/organizations/:orgId/members/:userId/invitation",
    {
      schema: {
        tags,
        summary: "Issue a new invitation link for a member who has not set a password yet",
        params: S.MemberParams,
        response: { 201: S.Invitation },
        "x-access": { auth: "session", scope: "organization", admin: true },
      },
    },
    async (req, reply) => {
      const url = await reissueInvitation(req.ctx, req.params.orgId, req.params.userId);
      return reply.status(201).send({ setupUrl: url });
    },
  );

  app.get(
    "/relationships",
    {
      schema: {
        tags,
        summary: "Relationships your organization is party to",
        security,
        response: { 200: z.object({ items: z.array(S.Relationship) }) },
        "x-access": { auth: "any", scope: "self" },
      },
    },
    async (req) => ({ items: (await listRelationships(req.ctx)).map(relationship) }),
  );

  app.get(
    "/relationships/:relationshipId",
    {
      schema: {
        tags,
        summary: "A relationship's overview: parties, people, recent activity",
        security,
        params: S.RelationshipParams,
        response: { 200: S.RelationshipOverview },
        "x-access": { auth: "any", scope: "relationship" },
      },
    },
    async (req) => {
      const o = await getRelationshipOverview(req.ctx, req.params.relationshipId);
      return { ...relationship(o), people: o.people, recentEvents: o.recentEvents.map(S.presentEvent) };
    },
  );

  app.get(
    "/relationships/:relationshipId/tokens",
    {
      schema: {
        tags,
        summary: "Your organization's API tokens for this relationship",
        params: S.RelationshipParams,
        response: { 200: S.TokenList },
        "x-access": { auth: "session", scope: "relationship", admin: true },
      },
    },
    async (req) => ({ items: (await listTokens(req.ctx, req.params.relationshipId)).map(token) }),
  );

  app.post(
    "/relationships/:relationshipId/tokens",
    {
      schema: {
        tags,
        summary: "Create an API token (the secret is shown once)",
        params: S.RelationshipParams,
        body: S.CreateTokenBody,
        response: { 201: S.CreatedToken },
        "x-access": { auth: "session", scope: "relationship", admin: true },
      },
    },
    async (req, reply) => {
      const result = await createToken(req.ctx, req.params.relationshipId, req.body);
      return reply.status(201).send({ token: token(result.token), secret: result.secret });
    },
  );

  app.delete(
    "/relationships/:relationshipId/tokens/:tokenId",
    {
      schema: {
        tags,
        summary: "Revoke an API token",
        params: S.TokenParams,
        response: { 204: noContent },
        "x-access": { auth: "session", scope: "relationship", admin: true },
      },
    },
    async (req, reply) => {
      await revokeToken(req.ctx, req.params.relationshipId, req.params.tokenId);
      return reply.status(204).send(null);
    },
  );
}
