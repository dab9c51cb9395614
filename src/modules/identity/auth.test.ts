import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, createTestApp, request, type TestApp } from "../../../test/support.ts";
import { events } from "../../core/events/events.tables.ts";
import { apiTokens, sessions, users } from "./identity.tables.ts";
import { addMemberAsOperator, createOrganization } from "./orgs.service.ts";
import { hashPassword } from "./passwords.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

async function personWithPassword(password: string) {
  const org = await createOrganization(t.ctx, { name: `Acme ${Math.random()}`, kind: "client" });
  const email = `p${Math.random().toString(36).slice(2)}@acme.example`;
  await addMemberAsOperator(t.ctx, org.id, {
    email,
    name: "Pat Doe",
    role: "it_contact",
    admin: true,
    passwordHash: await hashPassword(password),
  });
  return { email, orgId: org.id };
}

const login = (email: string, password: string, ip = "10.0.0.1") =>
  t.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { email, password },
    remoteAddress: ip,
  });

describe("sign-in", () => {
  it("signs in with email and password and sets a server-side, HttpOnly, SameSite session cookie", async () => {
    const { email } = await personWithPassword("correct horse battery");
    const res = await login(email.toUpperCase(), "correct horse battery");
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === "liaison_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    expect(res.json().user.email).toBe(email);
    // Only the hash of the cookie is stored.
    const stored = await t.database.db.select().from(sessions).where(eq(sessions.tokenHash, cookie!.value));
    expect(stored).toHaveLength(0);
    const me = await t.app.inject({
      method: "GET",
      url: "/api/v1/me",
      cookies: { liaison_session: cookie!.value },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().memberships).toHaveLength(1);
  });

  it("answers a wrong password and an unknown email the same way", async () => {
    const { email } = await personWithPassword("correct horse battery");
    const wrong = await login(email, "not the password", "10.0.0.2");
    const unknown = await login("nobody@nowhere.example", "not the password", "10.0.0.2");
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().code).toBe("invalid_credentials");
    expect(wrong.json().detail).toBe(unknown.json().detail);
    expect(wrong.headers["content-type"]).toContain("application/problem+json");
  });

  it("throttles repeated failures with a 429 and Retry-After, and lets the person back in after the window", async () => {
    const { email } = await personWithPassword("correct horse battery");
    for (let i = 0; i < 5; i++) expect((await login(email, `guess ${i}`, "10.0.0.3")).statusCode).toBe(401);
    const blocked = await login(email, "correct horse battery", "10.0.0.3");
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe("too_many_attempts");
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(blocked.headers["retry-after"])).toBeLessThanOrEqual(15 * 60);
    t.clock.advance(15 * 60_000 + 1000);
    expect((await login(email, "correct horse battery", "10.0.0.3")).statusCode).toBe(200);
  });

  it("requires the CSRF token on cookie-authenticated writes", async () => {
    const tenant = await createTenant(t);
    const p = tenant.people.clientAdmin;
    const body = { name: "Ci", role: "it_contact" };
    const url = `/api/v1/relationships/${tenant.relationshipId}/tokens`;
    const noHeader = await t.app.inject({
      method: "POST",
      url,
      payload: body,
      headers: { cookie: p.cookie },
    });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().code).toBe("csrf_failed");
    const wrong = await t.app.inject({
      method: "POST",
      url,
      payload: body,
      headers: { cookie: p.cookie, "x-csrf-token": "nope" },
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await request(t, p, { method: "POST", url, payload: body });
    expect(ok.statusCode).toBe(201);
  });

  it("signs out: the session is revoked server-side and the cookie stops working", async () => {
    const tenant = await createTenant(t);
    const p = tenant.people.approver;
    expect((await request(t, p, { method: "POST", url: "/api/v1/auth/logout" })).statusCode).toBe(204);
    const after = await request(t, p, { method: "GET", url: "/api/v1/me" });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe("unauthenticated");
  });

  it("lists and revokes one's own sessions, and cannot touch anyone else's", async () => {
    const tenant = await createTenant(t);
    const me = tenant.people.executive;
    const other = tenant.people.approver;
    const list = await request(t, me, { method: "GET", url: "/api/v1/auth/sessions" });
    expect(list.json().items).toHaveLength(1);
    expect(list.json().items[0].current).toBe(true);
    const theirs = await request(t, other, { method: "GET", url: "/api/v1/auth/sessions" });
    const theirId = theirs.json().items[0].id;
    const attempt = await request(t, me, { method: "DELETE", url: `/api/v1/auth/sessions/${theirId}` });
    expect(attempt.statusCode).toBe(404);
    expect((await request(t, other, { method: "GET", url: "/api/v1/me" })).statusCode).toBe(200);
  });

  it("changes the password after checking the current one, signing out other sessions", async () => {
    const { email } = await personWithPassword("first password 1");
    const a = await login(email, "first password 1", "10.0.1.1");
    const b = await login(email, "first password 1", "10.0.1.1");
    const cookieA = a.cookies[0]!.value;
    const wrong = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/password",
      cookies: { liaison_session: cookieA },
      headers: { "x-csrf-token": a.json().csrfToken },
      payload: { currentPassword: "not it at all", newPassword: "second password 2" },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].path).toBe("body.currentPassword");
    const ok = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/password",
      cookies: { liaison_session: cookieA },
      headers: { "x-csrf-token": a.json().csrfToken },
      payload: { currentPassword: "first password 1", newPassword: "second password 2" },
    });
    expect(ok.statusCode).toBe(204);
    const bMe = await t.app.inject({
      method: "GET",
      url: "/api/v1/me",
      cookies: { liaison_session: b.cookies[0]!.value },
    });
    expect(bMe.statusCode).toBe(401);
    expect((await login(email, "second password 2", "10.0.1.1")).statusCode).toBe(200);
  });

  it("invites a new person with a one-time link that sets their password and signs them in", async () => {
    const tenant = await createTenant(t);
    const admin = tenant.people.clientAdmin;
    const add = await request(t, admin, {
      method: "POST",
      url: `/api/v1/organizations/${tenant.clientOrgId}/members`,
      payload: { email: "newcomer@client.example", name: "New Comer", role: "approver" },
    });
    expect(add.statusCode).toBe(201);
    expect(add.json().member.status).toBe("invited");
    const link = new URL(add.json().setupUrl);
    expect(link.origin).toBe("http://liaison.test");
    const token = link.searchParams.get("token")!;
    const short = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/setup",
      payload: { token, password: "short" },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0].path).toBe("body.password");
    const setup = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/setup",
      payload: { token, password: "a long new password" },
    });
    expect(setup.statusCode).toBe(200);
    expect(setup.json().user.email).toBe("newcomer@client.example");
    const again = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/setup",
      payload: { token, password: "another password" },
    });
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe("invalid_token");
    expect((await login("newcomer@client.example", "a long new password", "10.0.2.1")).statusCode).toBe(200);
  });
});

describe("API tokens", () => {
  it("are shown once, stored hashed, act in one relationship with one role, and stop at revocation", async () => {
    const tenant = await createTenant(t);
    const other = await createTenant(t, "Other");
    const admin = tenant.people.providerAdmin;
    const base = `/api/v1/relationships/${tenant.relationshipId}/tokens`;
    const created = await request(t, admin, {
      method: "POST",
      url: base,
      payload: { name: "RMM sync", role: "technician", expiresInDays: 30 },
    });
    expect(created.statusCode).toBe(201);
    const { secret, token } = created.json();
    expect(secret).toMatch(/^lsn_/);
    expect(token.prefix).toBe(secret.slice(0, 12));
    const [row] = await t.database.db.select().from(apiTokens).where(eq(apiTokens.id, token.id));
    expect(JSON.stringify(row)).not.toContain(secret);
    const listed = await request(t, admin, { method: "GET", url: base });
    expect(JSON.stringify(listed.json())).not.toContain(secret);

    const mine = await t.app.inject({
      method: "GET",
      url: `/api/v1/relationships/${tenant.relationshipId}`,
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().viewer).toEqual({ side: "provider", role: "technician", admin: false });
    const elsewhere = await t.app.inject({
      method: "GET",
      url: `/api/v1/relationships/${other.relationshipId}`,
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(elsewhere.statusCode).toBe(404);
    const rels = await t.app.inject({
      method: "GET",
      url: "/api/v1/relationships",
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(rels.json().items.map((r: { id: string }) => r.id)).toEqual([tenant.relationshipId]);
    // A token cannot mint more tokens.
    const mint = await t.app.inject({
      method: "POST",
      url: base,
      payload: { name: "x", role: "technician" },
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(mint.statusCode).toBe(403);
    const [used] = await t.database.db.select().from(apiTokens).where(eq(apiTokens.id, token.id));
    expect(used!.lastUsedAt).not.toBeNull();

    expect((await request(t, admin, { method: "DELETE", url: `${base}/${token.id}` })).statusCode).toBe(204);
    const after = await t.app.inject({
      method: "GET",
      url: `/api/v1/relationships/${tenant.relationshipId}`,
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe("invalid_token");
    const audit = await t.database.db.select().from(events).where(eq(events.chain, tenant.relationshipId));
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(["api_token.created", "api_token.revoked"]),
    );
  });

  it("take only a role of the creator's own side", async () => {
    const tenant = await createTenant(t);
    const res = await request(t, tenant.people.clientAdmin, {
      method: "POST",
      url: `/api/v1/relationships/${tenant.relationshipId}/tokens`,
      payload: { name: "Bad", role: "technician" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe("body.role");
  });

  it("expire", async () => {
    const tenant = await createTenant(t);
    const created = await request(t, tenant.people.clientAdmin, {
      method: "POST",
      url: `/api/v1/relationships/${tenant.relationshipId}/tokens`,
      payload: { name: "Short-lived", role: "executive", expiresInDays: 1 },
    });
    const secret = created.json().secret;
    t.clock.advance(86_400_000 + 1);
    const res = await t.app.inject({
      method: "GET",
      url: "/api/v1/me",
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(res.statusCode).toBe(401);
  });
});

describe("passwords", () => {
  it("are stored as salted scrypt hashes, different for the same password", async () => {
    const a = await personWithPassword("same password here");
    const b = await personWithPassword("same password here");
    const [ua] = await t.database.db.select().from(users).where(eq(users.email, a.email));
    const [ub] = await t.database.db.select().from(users).where(eq(users.email, b.email));
    expect(ua!.passwordHash).toMatch(/^scrypt\$/);
    expect(ua!.passwordHash).not.toBe(ub!.passwordHash);
    expect(ua!.passwordHash).not.toContain("same password here");
  });
});
