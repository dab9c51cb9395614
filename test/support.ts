import { sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import pg from "pg";
import { buildApp } from "../src/app.ts";
import { type Database, openDatabase } from "../src/core/db/index.ts";
import type { Role } from "../src/core/http/actor.ts";
import type { ServiceContext } from "../src/core/http/context.ts";
import { ManualClock } from "../src/core/time/clock.ts";
import { startSession } from "../src/modules/identity/auth.service.ts";
import { addMemberAsOperator, createOrganization } from "../src/modules/identity/orgs.service.ts";
import { createRelationship } from "../src/modules/identity/relationships.service.ts";

/** Set to run the suite on PostgreSQL (each test file gets its own database). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "";

/**
 * A migrated database for one test file: in-memory PGlite by default, or a fresh PostgreSQL
 * database when TEST_DATABASE_URL is set. Tests never truncate; each builds its own tenant.
 */
export async function createTestDatabase(): Promise<Database & { drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) {
    const database = await openDatabase({ kind: "pglite", pglite: await PGlite.create() });
    await database.migrate();
    return { ...database, drop: () => database.close() };
  }
  const name = `liaison_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: "postgres", url: url.toString(), poolSize: 5 });
  await database.migrate();
  return {
    ...database,
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  database: Database & { drop(): Promise<void> };
  clock: ManualClock;
  ctx: ServiceContext;
  close(): Promise<void>;
}

export const testConfig = {
  publicUrl: "http://liaison.test",
  sessionTtlHours: 24,
  bodyLimitBytes: 65_536,
  logLevel: "silent" as const,
};

/** The application on its own database with a clock the test controls. */
export async function createTestApp(overrides: Partial<typeof testConfig> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const clock = new ManualClock(Date.UTC(2026, 2, 2, 9, 0, 0));
  const config = { ...testConfig, ...overrides };
  const app = await buildApp({ database, config, clock, logger: false });
  await app.ready();
  const ctx: ServiceContext = {
    db: database.db,
    clock,
    actor: null,
    requestId: "test",
    publicUrl: config.publicUrl,
    config,
    jobs: null,
  };
  return {
    app,
    database,
    clock,
    ctx,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/** A signed-in person, ready to make requests. */
export interface Person {
  userId: string;
  email: string;
  name: string;
  cookie: string;
  csrf: string;
}

export interface Tenant {
  relationshipId: string;
  clientOrgId: string;
  providerOrgId: string;
  /** One person per role; admins are `clientAdmin` (it_contact) and `providerAdmin` (account_manager). */
  people: Record<Role | "clientAdmin" | "providerAdmin", Person>;
}

let counter = 0;

async function signedIn(t: TestApp, userId: string, email: string, name: string): Promise<Person> {
  const s = await startSession(t.ctx, { id: userId, email, name }, "vitest", "test");
  return { userId, email, name, cookie: `liaison_session=${s.sessionToken}`, csrf: s.csrfToken };
}

/** Adds a person with a session to an organization (no password: factories skip the slow hash). */
export async function addPerson(t: TestApp, orgId: string, role: Role, admin = false): Promise<Person> {
  const n = ++counter;
  const email = `${role}.${n}.${randomUUID().slice(0, 8)}@test.example`;
  const { member } = await addMemberAsOperator(t.ctx, orgId, {
    email,
    name: `${role} ${n}`,
    role,
    admin,
    passwordHash: "none",
  });
  return signedIn(t, member.userId, member.email, member.name);
}

/** A fresh client, provider and relationship between them, with one signed-in person per role. */
export async function createTenant(t: TestApp, label = "Tenant"): Promise<Tenant> {
  const n = ++counter;
  const client = await createOrganization(t.ctx, { name: `${label} Client ${n}`, kind: "client", size: 40 });
  const provider = await createOrganization(t.ctx, {
    name: `${label} Provider ${n}`,
    kind: "provider",
    size: 20,
  });
  const rel = await createRelationship(t.ctx, { clientOrgId: client.id, providerOrgId: provider.id });
  const people = {
    clientAdmin: await addPerson(t, client.id, "it_contact", true),
    executive: await addPerson(t, client.id, "executive"),
    it_contact: await addPerson(t, client.id, "it_contact"),
    approver: await addPerson(t, client.id, "approver"),
    member: await addPerson(t, client.id, "member"),
    advisor: await addPerson(t, client.id, "advisor"),
    providerAdmin: await addPerson(t, provider.id, "account_manager", true),
    account_manager: await addPerson(t, provider.id, "account_manager"),
    technician: await addPerson(t, provider.id, "technician"),
    senior_technician: await addPerson(t, provider.id, "senior_technician"),
  };
  return { relationshipId: rel.id, clientOrgId: client.id, providerOrgId: provider.id, people };
}

/** Makes a request as a person (cookie + CSRF header), or anonymously. */
export function request(
  t: TestApp,
  as: Person | null,
  opts: InjectOptions & { bearer?: string },
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...(opts.headers as Record<string, string>) };
  if (as) {
    headers.cookie = as.cookie;
    headers["x-csrf-token"] = as.csrf;
  }
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  return t.app.inject({ ...opts, headers });
}

/** Row-level fingerprint of every application table: proves a refused request changed nothing. */
export async function snapshotDatabase(database: Database): Promise<Record<string, string>> {
  const tables = (await database.db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  )) as unknown as { rows: { table_name: string }[] };
  const out: Record<string, string> = {};
  for (const { table_name } of tables.rows) {
    const r = (await database.db.execute(
      sql.raw(
        `select count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as f from "${table_name}" t`,
      ),
    )) as unknown as { rows: { f: string }[] };
    out[table_name] = r.rows[0]!.f;
  }
  return out;
}

/**
 * Gives a tenant an active protocol: the default template (or `document`) drafted, proposed and
 * signed by both sides. Returns the version id.
 */
export async function activateProtocol(t: TestApp, tenant: Tenant, document?: string): Promise<string> {
  const base = `/api/v1/relationships/${tenant.relationshipId}/protocol/versions`;
  const am = tenant.people.account_manager;
  const draft = await request(t, am, { method: "POST", url: base, payload: document ? { document } : {} });
  if (draft.statusCode !== 201) throw new Error(`draft: ${draft.body}`);
  const { id, documentSha256 } = draft.json() as { id: string; documentSha256: string };
  for (const [person, path, payload] of [
    [am, "propose", {}],
    [am, "sign", { documentSha256 }],
    [tenant.people.executive, "sign", { documentSha256 }],
  ] as const) {
    const res = await request(t, person, { method: "POST", url: `${base}/${id}/${path}`, payload });
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.body}`);
  }
  return id;
}
