import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, createTestApp, request, type TestApp } from "../../../test/support.ts";
import { events } from "../../core/events/events.tables.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe("organization people", () => {
  it("lets an admin add, change and remove members, each recorded in the organization's audit trail", async () => {
    const tenant = await createTenant(t);
    const admin = tenant.people.clientAdmin;
    const base = `/api/v1/organizations/${tenant.clientOrgId}/members`;
    const add = await request(t, admin, {
      method: "POST",
      url: base,
      payload: { email: "Dee@Client.example", name: "Dee", role: "executive" },
    });
    expect(add.statusCode).toBe(201);
    const dee = add.json().member;
    expect(dee).toMatchObject({
      email: "dee@client.example",
      role: "executive",
      admin: false,
      status: "invited",
    });

    const dup = await request(t, admin, {
      method: "POST",
      url: base,
      payload: { email: "dee@client.example", name: "Dee", role: "member" },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().errors[0].path).toBe("body.email");

    const upd = await request(t, admin, {
      method: "PATCH",
      url: `${base}/${dee.userId}`,
      payload: { role: "approver", admin: true },
    });
    expect(upd.statusCode).toBe(200);
    expect(upd.json()).toMatchObject({ role: "approver", admin: true });

    expect((await request(t, admin, { method: "DELETE", url: `${base}/${dee.userId}` })).statusCode).toBe(
      204,
    );
    const list = await request(t, admin, { method: "GET", url: base });
    expect(list.json().items.map((m: { email: string }) => m.email)).not.toContain("dee@client.example");

    const trail = await request(t, admin, {
      method: "GET",
      url: `/api/v1/organizations/${tenant.clientOrgId}/events`,
    });
    const actions = trail.json().items.map((e: { action: string }) => e.action);
    expect(actions.slice(0, 3)).toEqual(["membership.removed", "membership.updated", "membership.created"]);
    const updated = trail.json().items[1];
    expect(updated.before).toEqual({ role: "executive", admin: false });
    expect(updated.after).toEqual({ role: "approver", admin: true });
    expect(updated.actor).toMatchObject({ type: "user", id: admin.userId });
  });

  it("issues a fresh invitation link that replaces the lost one, only for people without a password", async () => {
    const tenant = await createTenant(t);
    const admin = tenant.people.clientAdmin;
    const add = await request(t, admin, {
      method: "POST",
      url: `/api/v1/organizations/${tenant.clientOrgId}/members`,
      payload: { email: "lost.link@client.example", name: "Lost Link", role: "approver" },
    });
    const first = new URL(add.json().setupUrl).searchParams.get("token")!;
    const again = await request(t, admin, {
      method: "POST",
      url: `/api/v1/organizations/${tenant.clientOrgId}/members/${add.json().member.userId}/invitation`,
    });
    expect(again.statusCode).toBe(201);
    const second = new URL(again.json().setupUrl).searchParams.get("token")!;
    expect(second).not.toBe(first);
    const old = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/setup",
      payload: { token: first, password: "a long password" },
    });
    expect(old.statusCode).toBe(401);
    const ok = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/setup",
      payload: { token: second, password: "a long password" },
    });
    expect(ok.statusCode).toBe(200);
    const active = await request(t, admin, {
      method: "POST",
      url: `/api/v1/organizations/${tenant.clientOrgId}/members/${add.json().member.userId}/invitation`,
    });
    expect(active.statusCode).toBe(409);
  });

  it("adds an existing person to another organization without a new account or link", async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    const advisor = a.people.advisor;
    const res = await request(t, b.people.clientAdmin, {
      method: "POST",
      url: `/api/v1/organizations/${b.clientOrgId}/members`,
      payload: { email: advisor.email, name: "ignored", role: "advisor" },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().setupUrl).toBeNull();
    expect(res.json().member).toMatchObject({ userId: advisor.userId, status: "active" });
    const me = await request(t, advisor, { method: "GET", url: "/api/v1/me" });
    expect(
      me
        .json()
        .relationships.map((r: { id: string }) => r.id)
        .sort(),
    ).toEqual([a.relationshipId, b.relationshipId].sort());
  });

  it("refuses roles of the other side, naming the field", async () => {
    const tenant = await createTenant(t);
    const res = await request(t, tenant.people.providerAdmin, {
      method: "POST",
      url: `/api/v1/organizations/${tenant.providerOrgId}/members`,
      payload: { email: "x@provider.example", name: "X", role: "executive" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { path: "body.role", message: expect.stringContaining("technician") },
    ]);
  });

  it("never leaves an organization without an admin", async () => {
    const tenant = await createTenant(t);
    const admin = tenant.people.clientAdmin;
    const base = `/api/v1/organizations/${tenant.clientOrgId}/members/${admin.userId}`;
    const demote = await request(t, admin, { method: "PATCH", url: base, payload: { admin: false } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().code).toBe("last_admin");
    const remove = await request(t, admin, { method: "DELETE", url: base });
    expect(remove.statusCode).toBe(409);
    const before = await t.database.db.select().from(events).where(eq(events.chain, tenant.clientOrgId));
    // With a second admin, the first may step down.
    await request(t, admin, {
      method: "PATCH",
      url: `/api/v1/organizations/${tenant.clientOrgId}/members/${tenant.people.executive.userId}`,
      payload: { admin: true },
    });
    expect(
      (await request(t, admin, { method: "PATCH", url: base, payload: { admin: false } })).statusCode,
    ).toBe(200);
    const after = await t.database.db.select().from(events).where(eq(events.chain, tenant.clientOrgId));
    expect(after.length).toBe(before.length + 2);
  });

  it("shows colleagues to every member but lets only admins change them", async () => {
    const tenant = await createTenant(t);
    const list = await request(t, tenant.people.member, {
      method: "GET",
      url: `/api/v1/organizations/${tenant.clientOrgId}/members`,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.length).toBe(6);
    const org = await request(t, tenant.people.member, {
      method: "GET",
      url: `/api/v1/organizations/${tenant.clientOrgId}`,
    });
    expect(org.json()).toMatchObject({
      kind: "client",
      viewer: { role: "member", admin: false },
      abilities: { manageMembers: false },
    });
  });
});

describe("relationships", () => {
  it("are visible only to the parties' people, with each viewer's side, role and abilities", async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    const tech = await request(t, a.people.technician, { method: "GET", url: "/api/v1/relationships" });
    expect(tech.json().items).toHaveLength(1);
    expect(tech.json().items[0]).toMatchObject({
      id: a.relationshipId,
      viewer: { side: "provider", role: "technician", admin: false },
      abilities: { readAudit: true, manageTokens: false },
    });
    const endUser = await request(t, a.people.member, {
      method: "GET",
      url: `/api/v1/relationships/${a.relationshipId}`,
    });
    expect(endUser.json().abilities.readAudit).toBe(false);
    expect(endUser.json().recentEvents).toEqual([]);
    const outsider = await request(t, b.people.executive, {
      method: "GET",
      url: `/api/v1/relationships/${a.relationshipId}`,
    });
    expect(outsider.statusCode).toBe(404);
  });

  it("show both sides' people and recent activity on the overview", async () => {
    const a = await createTenant(t);
    const res = await request(t, a.people.executive, {
      method: "GET",
      url: `/api/v1/relationships/${a.relationshipId}`,
    });
    expect(res.statusCode).toBe(200);
    const o = res.json();
    expect(o.people.client).toHaveLength(6);
    expect(o.people.provider).toHaveLength(4);
    expect(o.recentEvents[0].action).toBe("relationship.created");
  });

  it("page the audit trail newest first; end users may not read it", async () => {
    const a = await createTenant(t);
    for (let i = 0; i < 5; i++) {
      await request(t, a.people.clientAdmin, {
        method: "POST",
        url: `/api/v1/relationships/${a.relationshipId}/tokens`,
        payload: { name: `t${i}`, role: "it_contact" },
      });
    }
    const url = `/api/v1/relationships/${a.relationshipId}/events`;
    const first = await request(t, a.people.approver, { method: "GET", url: `${url}?limit=4` });
    expect(first.json().items.map((e: { seq: number }) => e.seq)).toEqual([6, 5, 4, 3]);
    expect(first.json().nextBefore).toBe(3);
    const second = await request(t, a.people.approver, { method: "GET", url: `${url}?limit=4&before=3` });
    expect(second.json().items.map((e: { seq: number }) => e.seq)).toEqual([2, 1]);
    expect(second.json().nextBefore).toBeNull();
    const refused = await request(t, a.people.member, { method: "GET", url });
    expect(refused.statusCode).toBe(403);
  });
});
