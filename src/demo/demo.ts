import { eq, inArray } from "drizzle-orm";
import type { Db } from "../core/db/index.ts";
import type { OrgKind, Role } from "../core/http/actor.ts";
import type { ServiceContext } from "../core/http/context.ts";
import { organizations, users } from "../modules/identity/identity.tables.ts";
import { addMemberAsOperator, createOrganization } from "../modules/identity/orgs.service.ts";
import { hashPassword } from "../modules/identity/passwords.ts";
import { createRelationship } from "../modules/identity/relationships.service.ts";
import { loadUserActor } from "../modules/identity/auth.service.ts";
import { createToken } from "../modules/identity/tokens.service.ts";
import { loadDemoTickets } from "./demo-tickets.ts";
import { loadDemoChanges } from "./demo-changes.ts";
import { type DemoOncallCounts, loadDemoOncall } from "./demo-oncall.ts";
import { type DemoTouchpointCounts, loadDemoTouchpoints } from "./demo-touchpoints.ts";
import {
  createProtocolDraft,
  defaultProtocolTemplate,
  proposeProtocolVersion,
  sha256,
  signProtocolVersion,
} from "../modules/protocol/protocol.service.ts";

/** Every demo account signs in with this password. Printed at start-up; never use it for real data. */
export const DEMO_PASSWORD = "liaison-demo";

interface DemoPerson {
  name: string;
  email: string;
  role: Role;
  admin?: boolean;
  /** Shown at start-up as a login to try. */
  highlight?: string;
}

interface DemoOrg {
  key: string;
  name: string;
  kind: OrgKind;
  size: number;
  people: DemoPerson[];
}

// Two providers and three clients of different sizes, people in every role, and one fractional
// CIO who advises two of the clients. Later modules add their own records to the same cast.
const orgs: DemoOrg[] = [
  {
    key: "northwind",
    name: "Northwind Managed IT",
    kind: "provider",
    size: 45,
    people: [
      {
        name: "Priya Raman",
        email: "priya@northwind-it.example",
        role: "account_manager",
        admin: true,
        highlight: "provider account manager",
      },
      {
        name: "Marcus Lee",
        email: "marcus@northwind-it.example",
        role: "senior_technician",
        highlight: "provider senior technician",
      },
      { name: "Dana Ortiz", email: "dana@northwind-it.example", role: "technician" },
      { name: "Sam Whitaker", email: "sam@northwind-it.example", role: "technician" },
    ],
  },
  {
    key: "bluefin",
    name: "Bluefin Technology Partners",
    kind: "provider",
    size: 18,
    people: [
      { name: "Elena Petrova", email: "elena@bluefin.example", role: "account_manager", admin: true },
      { name: "Tom Becker", email: "tom@bluefin.example", role: "senior_technician" },
      { name: "Aisha Khan", email: "aisha@bluefin.example", role: "technician" },
    ],
  },
  {
    key: "harbor",
    name: "Harbor Food Bank",
    kind: "client",
    size: 40,
    people: [
      { name: "Grace Kim", email: "grace@harborfoodbank.example", role: "executive" },
      { name: "Leo Martins", email: "leo@harborfoodbank.example", role: "it_contact", admin: true },
      { name: "Rosa Diaz", email: "rosa@harborfoodbank.example", role: "approver" },
      {
        name: "Ben Carter",
        email: "ben@harborfoodbank.example",
        role: "member",
        highlight: "client end user",
      },
    ],
  },
  {
    key: "cascade",
    name: "Cascade Precision Manufacturing",
    kind: "client",
    size: 250,
    people: [
      {
        name: "Helen Zhou",
        email: "helen@cascade-precision.example",
        role: "executive",
        highlight: "client executive",
      },
      {
        name: "Victor Nguyen",
        email: "victor@cascade-precision.example",
        role: "it_contact",
        admin: true,
        highlight: "client IT point of contact (two providers)",
      },
      { name: "Karen Walsh", email: "karen@cascade-precision.example", role: "approver" },
      { name: "Omar Haddad", email: "omar@cascade-precision.example", role: "member" },
      { name: "Julia Brooks", email: "julia@cascade-precision.example", role: "member" },
    ],
  },
  {
    key: "lumen",
    name: "Lumen Analytics",
    kind: "client",
    size: 12,
    people: [
      { name: "Maya Patel", email: "maya@lumen-analytics.example", role: "executive", admin: true },
      { name: "Chris Young", email: "chris@lumen-analytics.example", role: "it_contact" },
      { name: "Nina Alvarez", email: "nina@lumen-analytics.example", role: "member" },
    ],
  },
];

const advisor = { name: "Robert Hale", email: "robert@halecio.example", advises: ["harbor", "cascade"] };

const relationshipsToCreate: [client: string, provider: string][] = [
  ["harbor", "northwind"],
  ["cascade", "northwind"],
  ["cascade", "bluefin"],
  ["lumen", "bluefin"],
];

/** The logins printed at start-up when the demo data is present. */
export const demoLogins = [
  ...orgs.flatMap((o) =>
    o.people.filter((p) => p.highlight).map((p) => ({ email: p.email, what: `${p.highlight}, ${o.name}` })),
  ),
  {
    email: advisor.email,
    what: "advisor (fractional CIO) to Harbor Food Bank and Cascade Precision Manufacturing",
  },
];

/** True when the demo organizations are already in the database. */
export async function hasDemoData(db: Db): Promise<boolean> {
  const rows = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(
      inArray(
        organizations.name,
        orgs.map((o) => o.name),
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** True when no organization exists yet (a fresh database). */
export async function isEmpty(db: Db): Promise<boolean> {
  return (await db.select({ id: organizations.id }).from(organizations).limit(1)).length === 0;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The same context on a clock `days` behind: the demo's story starts before it is loaded. */
const daysAgo = (ctx: ServiceContext, days: number): ServiceContext => ({
  ...ctx,
  clock: { now: () => ctx.clock.now() - days * DAY_MS },
});

/**
 * Loads the demo cast through the same services people use, so every record has its audit
 * events. Refuses to run twice (the demo emails would collide). The organizations, people and
 * signed protocols date from a month ago, so the tickets of the last few days (replayed at the
 * times they happened) come after them in every audit trail.
 */
export async function loadDemo(now: ServiceContext): Promise<{
  organizations: number;
  people: number;
  relationships: number;
  tickets: number;
  oncall: DemoOncallCounts;
  touchpoints: DemoTouchpointCounts;
}> {
  const ctx = daysAgo(now, 30);
  const [clash] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, advisor.email));
  if (clash || (await hasDemoData(ctx.db))) throw new Error("The demo data is already loaded.");
  const everyone = [...orgs.flatMap((o) => o.people), advisor];
  // Each person gets their own salt; hashing in parallel uses the libuv pool.
  const hashes = new Map(
    await Promise.all(everyone.map(async (p) => [p.email, await hashPassword(DEMO_PASSWORD)] as const)),
  );
  const ids = new Map<string, string>();
  for (const o of orgs) {
    const org = await createOrganization(ctx, { name: o.name, kind: o.kind, size: o.size });
    ids.set(o.key, org.id);
    for (const p of o.people) {
      await addMemberAsOperator(ctx, org.id, { ...p, passwordHash: hashes.get(p.email)! });
    }
  }
  for (const key of advisor.advises) {
    await addMemberAsOperator(ctx, ids.get(key)!, {
      name: advisor.name,
      email: advisor.email,
      role: "advisor",
      passwordHash: hashes.get(advisor.email)!,
    });
  }
  const rels = new Map<string, string>();
  for (const [client, provider] of relationshipsToCreate) {
    const rel = await createRelationship(ctx, {
      clientOrgId: ids.get(client)!,
      providerOrgId: ids.get(provider)!,
    });
    rels.set(`${client}/${provider}`, rel.id);
  }
  // Integrations people set up in their first week: the provider's monitoring feed, and the
  // client's own reporting pull. Created by the admins themselves, so the audit trail says who.
  for (const [email, rel, name, role] of [
    ["priya@northwind-it.example", "harbor/northwind", "Monitoring alerts (RMM)", "technician"],
    ["victor@cascade-precision.example", "cascade/bluefin", "Board report export", "executive"],
  ] as const) {
    const [u] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, email));
    const actor = await loadUserActor(ctx.db, u!.id, "demo-loader");
    await createToken({ ...ctx, actor }, rels.get(rel)!, { name, role });
  }
  await loadDemoProtocols(ctx, rels, daysAgo(now, 1));
  const tickets = await loadDemoTickets(now, rels);
  await loadDemoChanges(now, rels);
  const oncall = await loadDemoOncall(now, rels);
  const touchpoints = await loadDemoTouchpoints(now, rels);
  return {
    organizations: orgs.length,
    people: everyone.length,
    relationships: relationshipsToCreate.length,
    tickets,
    oncall,
    touchpoints,
  };
}

/** Who writes and signs each demo relationship's protocol: the provider's account manager and the client's executive. */
const protocolSigners: Record<string, [provider: string, client: string]> = {
  "harbor/northwind": ["priya@northwind-it.example", "grace@harborfoodbank.example"],
  "cascade/northwind": ["priya@northwind-it.example", "helen@cascade-precision.example"],
  "cascade/bluefin": ["elena@bluefin.example", "karen@cascade-precision.example"],
  "lumen/bluefin": ["elena@bluefin.example", "maya@lumen-analytics.example"],
};

/**
 * Every demo relationship gets the default protocol, written by the provider's account manager
 * and signed by both sides through the same services people use. Harbor ↔ Northwind also has a
 * second version, proposed and signed by the provider `yesterday`, waiting for the client, so the
 * diff and the signing flow have something to show.
 */
async function loadDemoProtocols(
  ctx: ServiceContext,
  rels: Map<string, string>,
  yesterday: ServiceContext,
): Promise<void> {
  const as = async (email: string, c = ctx) => {
    const [u] = await c.db.select({ id: users.id }).from(users).where(eq(users.email, email));
    return { ...c, actor: await loadUserActor(c.db, u!.id, "demo-loader") };
  };
  for (const [key, [providerEmail, clientEmail]] of Object.entries(protocolSigners)) {
    const relId = rels.get(key)!;
    const provider = await as(providerEmail);
    const client = await as(clientEmail);
    const v1 = await createProtocolDraft(provider, relId, {
      from: "template",
      summary: "First version, from the default template",
    });
    await proposeProtocolVersion(provider, relId, v1.id, {});
    await signProtocolVersion(provider, relId, v1.id, { documentSha256: v1.documentSha256 });
    await signProtocolVersion(client, relId, v1.id, { documentSha256: v1.documentSha256 });
  }
  const relId = rels.get("harbor/northwind")!;
  const provider = await as("priya@northwind-it.example", yesterday);
  const text = defaultProtocolTemplate()
    .replace("response: { within: 15m, clock: 24x7 }", "response: { within: 10m, clock: 24x7 }")
    .replace(
      "  blackouts: []",
      "  blackouts:\n    - { name: Holiday food drive, from: 2026-12-14, to: 2026-12-23, reason: Warehouse runs around the clock; no planned changes }",
    );
  const v2 = await createProtocolDraft(provider, relId, {
    document: text,
    summary: "Faster critical response, and no planned changes during the holiday food drive",
  });
  await proposeProtocolVersion(provider, relId, v2.id, {});
  await signProtocolVersion(provider, relId, v2.id, { documentSha256: sha256(text) });
}
