/**
 * Walks every route of the OpenAPI document as outsiders and as each role that must be refused,
 * and checks the answer (401/403/404) and that the database did not change. Routes are read from
 * the document, so a new route is covered the day it is added; its `x-access` declaration says
 * who may call it.
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteAccess } from "../src/core/http/auth.ts";
import { outbox } from "../src/core/notify/notify.tables.ts";
import { sessions, users } from "../src/modules/identity/identity.tables.ts";
import { hashPassword } from "../src/modules/identity/passwords.ts";
import {
  activateProtocol,
  createTenant,
  createTestApp,
  type Person,
  request,
  snapshotDatabase,
  type Tenant,
  type TestApp,
} from "./support.ts";

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  format?: string;
  minLength?: number;
  minItems?: number;
  pattern?: string;
  minimum?: number;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
};

interface Operation {
  method: string;
  path: string;
  access: RouteAccess;
  body?: JsonSchema;
  /** Required query parameters (e.g. the two versions of a diff). */
  query: string[];
}

/** A value that satisfies a JSON schema, so requests get past validation to the policy check. */
function sample(s: JsonSchema): unknown {
  if (s.enum) return s.enum[0];
  if (s.anyOf) return sample(s.anyOf[0]!);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) out[k] = sample(v);
      return out;
    }
    case "string":
      if (s.format === "email") return `walk-${randomUUID().slice(0, 8)}@walk.example`;
      if (s.format === "uuid") return randomUUID();
      if (s.pattern === "^[0-9a-fA-F]{64}$") return "0".repeat(64);
      if (s.pattern === "^\\d{6}$") return "123456";
      if (s.pattern === "^\\d{4}-\\d{2}-\\d{2}$") return "2026-11-20";
      if (s.format === "date-time") return "2026-11-20T16:30:00Z";
      if (s.format === "uri") return "https://walk.example/hook";
      return "x".repeat(Math.max(s.minLength ?? 1, 12));
    case "integer":
    case "number":
      return s.minimum ?? 1;
    case "boolean":
      return true;
    case "array":
      return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items ?? {}));
    default:
      return null;
  }
}

let t: TestApp;
let ops: Operation[];
let a: Tenant;
let b: Tenant;
let tokenId: string;
let sessionId: string;
let versionId: string;
let endpointId: string;
let ticketId: string;
let changeId: string;
let groupId: string;
let feedId: string;
let scheduleId: string;
let overrideId: string;
let methodId: string;
let emergencyId: string;
let entryId: string;
let reviewId: string;
let actionId: string;
let planId: string;
let meetingId: string;
let itemId: string;
let decisionId: string;
let touchpointActionId: string;
let dateId: string;

const DAY = 86_400_000;
const isoAt = (ms: number) => new Date(ms).toISOString();
/** The first emergency criterion of the default protocol. */
const CRITERION = "A critical system is completely unavailable and the business cannot operate.";

/**
 * On-call schedules belong to providers (on a client organization they answer 409): their routes
 * are addressed at the tenant's provider organization, where the client's people are outsiders.
 */
const onProvider = (path: string) => /\/oncall-schedules|\/oncall\.ics$/.test(path);

/** A normal change planned by the provider, brought to the state a change route acts on. */
async function changeFor(tenant: Tenant, path: string): Promise<string> {
  const base = `/api/v1/relationships/${tenant.relationshipId}/changes`;
  const start = t.clock.now() + 20 * DAY;
  const created = await request(t, tenant.people.providerAdmin, {
    method: "POST",
    url: base,
    payload: {
      class: "normal",
      title: "Walk change",
      description: "Replace the core switch",
      reason: "Out of support",
      impact: "Network down briefly",
      expectedDowntimeMinutes: 10,
      risk: "low",
      rollbackPlan: "Put the old switch back",
      affectedSystems: ["Core switch"],
      plannedStart: isoAt(start),
      plannedEnd: isoAt(start + DAY / 24),
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  const step = async (person: Person, action: string, payload: object = {}) => {
    const res = await request(t, person, { method: "POST", url: `${base}/${id}/${action}`, payload });
    expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  };
  const action = /\{changeId\}\/([a-z-]+)$/.exec(path)?.[1];
  if (!action || action === "propose") return id;
  await step(tenant.people.providerAdmin, "propose");
  if (["approve", "reject", "request-reschedule", "reschedule", "cancel"].includes(action)) return id;
  await step(tenant.people.approver, "approve");
  if (action === "schedule") return id;
  await step(tenant.people.providerAdmin, "schedule");
  if (action === "start") return id;
  await step(tenant.people.providerAdmin, "start");
  if (action === "finish") return id;
  await step(tenant.people.providerAdmin, "finish", { outcome: "completed", notes: "Done" });
  return id;
}

/** A user group of the tenant's client, kept by its IT contact. */
async function groupFor(tenant: Tenant): Promise<string> {
  const res = await request(t, tenant.people.clientAdmin, {
    method: "POST",
    url: `/api/v1/relationships/${tenant.relationshipId}/groups`,
    payload: { name: "Finance", memberIds: [tenant.people.member.userId] },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** A weekly primary rotation of the tenant's technician, in New York. */
const rotationsFor = (tenant: Tenant) => [
  {
    name: "Primary",
    layer: 1,
    participants: [tenant.people.technician.userId],
    start: "2026-02-23T09:00",
    every: 1,
    unit: "week",
  },
];

/** An on-call schedule of the tenant's provider, shared by its relationships, kept by its admin. */
async function scheduleFor(tenant: Tenant): Promise<{ id: string; revision: number }> {
  const res = await request(t, tenant.people.providerAdmin, {
    method: "POST",
    url: `/api/v1/organizations/${tenant.providerOrgId}/oncall-schedules`,
    payload: { name: "Walk on call", timeZone: "America/New_York", rotations: rotationsFor(tenant) },
  });
  expect(res.statusCode, res.body).toBe(201);
  const { id, revision } = res.json().schedule;
  return { id, revision };
}

/** An override on a schedule: the senior technician takes the primary layer tomorrow. */
async function overrideFor(tenant: Tenant, schedule: string): Promise<string> {
  const res = await request(t, tenant.people.providerAdmin, {
    method: "POST",
    url: `/api/v1/organizations/${tenant.providerOrgId}/oncall-schedules/${schedule}/overrides`,
    payload: {
      layer: 1,
      userId: tenant.people.senior_technician.userId,
      start: isoAt(t.clock.now() + DAY),
      end: isoAt(t.clock.now() + 2 * DAY),
      reason: "Walk swap",
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** An extra address of `person`'s, not confirmed yet, and the code sent to it (read from the outbox). */
async function methodFor(person: Person): Promise<{ id: string; code: string }> {
  const address = `pager-${randomUUID().slice(0, 8)}@walk.example`;
  const res = await request(t, person, {
    method: "POST",
    url: "/api/v1/me/contact-methods",
    payload: { address, label: "Pager" },
  });
  expect(res.statusCode, res.body).toBe(201);
  const sent = await t.database.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.userId, person.userId), eq(outbox.kind, "contact_method.code")));
  const mail = sent.find((m) => (m.payload as { to?: { address?: string } }).to?.address === address);
  const code = /(\d{6})/.exec((mail?.payload as { subject?: string } | undefined)?.subject ?? "")?.[1];
  expect(code, `no code sent to ${address}`).toBeDefined();
  return { id: res.json().id, code: code! };
}

/**
 * An emergency declared by the client's IT contact, brought to the state an emergency route acts
 * on: acknowledged by the technician for what follows acknowledging; for an action route, an
 * action waiting for approval (a configuration change, approved by the IT contact or executive),
 * approved when it is to be carried out.
 */
async function emergencyFor(tenant: Tenant, path: string): Promise<{ id: string; entryId?: string }> {
  const base = `/api/v1/relationships/${tenant.relationshipId}/emergencies`;
  const declared = await request(t, tenant.people.it_contact, {
    method: "POST",
    url: base,
    payload: {
      title: "Walk emergency",
      description: "Nobody can open shared files",
      affectedSystem: "File server",
      criteria: [CRITERION],
    },
  });
  expect(declared.statusCode, declared.body).toBe(201);
  const id = declared.json().id as string;
  const step = async (person: Person, action: string, payload: object = {}) => {
    const res = await request(t, person, { method: "POST", url: `${base}/${id}/${action}`, payload });
    expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
    return res.json();
  };
  const action = /\{emergencyId\}\/([a-z-]+)/.exec(path)?.[1];
  const entryAction = /\{entryId\}\/([a-z-]+)$/.exec(path)?.[1];
  if (!action || action === "acknowledge" || action === "notes") return { id };
  await step(tenant.people.technician, "acknowledge");
  if (!entryAction) return { id };
  const logged = await step(tenant.people.technician, "actions", {
    action: "configuration_change",
    detail: "Open the firewall for the backup server",
  });
  const entry = (logged.log as Array<{ id: string; kind: string; action: string | null }>).find(
    (l) => l.kind === "action" && l.action === "configuration_change",
  );
  expect(entry, JSON.stringify(logged.log)).toBeDefined();
  if (entryAction === "complete")
    await step(tenant.people.it_contact, `actions/${entry!.id}/decide`, { decision: "approve" });
  return { id, entryId: entry!.id };
}

/**
 * The post-incident review that opens when an emergency is resolved; written by the provider's
 * admin when it is to be signed (an empty review cannot be).
 */
async function reviewFor(tenant: Tenant, path: string): Promise<{ id: string; revision: number }> {
  const { id: emergency } = await emergencyFor(tenant, "{emergencyId}/resolve");
  const resolved = await request(t, tenant.people.technician, {
    method: "POST",
    url: `/api/v1/relationships/${tenant.relationshipId}/emergencies/${emergency}/resolve`,
    payload: {
      summary: "Restarted the file server",
      rootCause: "A full disk",
      fix: "Freed space",
      prevention: "Disk alerts",
    },
  });
  expect(resolved.statusCode, resolved.body).toBe(200);
  const base = `/api/v1/relationships/${tenant.relationshipId}/reviews`;
  const list = await request(t, tenant.people.providerAdmin, { method: "GET", url: base });
  expect(list.statusCode, list.body).toBe(200);
  const id = resolved.json().review?.id as string;
  expect(list.json().reviews.map((r: { id: string }) => r.id)).toContain(id);
  const read = await request(t, tenant.people.providerAdmin, { method: "GET", url: `${base}/${id}` });
  expect(read.statusCode, read.body).toBe(200);
  if (!path.endsWith("/sign")) return { id, revision: read.json().revision };
  const written = await request(t, tenant.people.providerAdmin, {
    method: "PATCH",
    url: `${base}/${id}`,
    payload: {
      whatHappened: "The file server's disk filled up",
      wentWell: "The page was acknowledged at once",
      couldBeBetter: "Alert before the disk is full",
      revision: read.json().revision,
    },
  });
  expect(written.statusCode, written.body).toBe(200);
  return { id, revision: written.json().revision };
}

/** A prevention action of a review, owned by the technician, due in a month. */
async function reviewActionFor(tenant: Tenant, review: string): Promise<string> {
  const res = await request(t, tenant.people.providerAdmin, {
    method: "POST",
    url: `/api/v1/relationships/${tenant.relationshipId}/reviews/${review}/actions`,
    payload: {
      title: "Walk disk alerts",
      ownerUserId: tenant.people.technician.userId,
      dueOn: isoAt(t.clock.now() + 30 * DAY).slice(0, 10),
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  const action = (res.json().actions as Array<{ id: string; title: string }>).find(
    (a) => a.title === "Walk disk alerts",
  );
  expect(action, res.body).toBeDefined();
  return action!.id;
}

/** A restoration plan of the tenant's file server, written by the provider's admin. */
async function planFor(tenant: Tenant): Promise<{ id: string; revision: number }> {
  const res = await request(t, tenant.people.providerAdmin, {
    method: "POST",
    url: `/api/v1/relationships/${tenant.relationshipId}/restoration-plans`,
    payload: {
      system: "File server",
      strategy: "restore_from_backup",
      expectedRestore: "4h",
      recoveryPoint: "24h",
      runbook: ["Restore the latest nightly backup"],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const { id, revision } = res.json();
  return { id, revision };
}

/** Touchpoint routes: meetings and their action items (`{actionId}` there is not a review's). */
const onTouchpoints = (path: string) => path.includes("/touchpoints");
/** Touchpoint routes and the client's business dates their agendas list. */
const touchpointRoute = (path: string) => onTouchpoints(path) || path.includes("/business-dates");

/**
 * The tenant's next scheduled touchpoint meeting (its series starts when the protocol takes
 * effect), with its revision. A meeting is recorded as held from an hour before it begins, and the
 * clock stands days before the next one: for the `held` route it is first moved to begin in half
 * an hour, so the route is proven to let its callers through rather than answer 409.
 */
async function meetingFor(tenant: Tenant, path = ""): Promise<{ id: string; revision: number }> {
  const res = await request(t, tenant.people.providerAdmin, {
    method: "GET",
    url: `/api/v1/relationships/${tenant.relationshipId}/touchpoints`,
  });
  expect(res.statusCode, res.body).toBe(200);
  const next = res.json().next as { id: string; revision: number } | null;
  expect(next, res.body).not.toBeNull();
  if (!path.endsWith("/held")) return { id: next!.id, revision: next!.revision };
  const moved = await request(t, tenant.people.providerAdmin, {
    method: "POST",
    url: `/api/v1/relationships/${tenant.relationshipId}/touchpoints/meetings/${next!.id}/move`,
    payload: { start: isoAt(t.clock.now() + DAY / 48), reason: "Walk: held early", revision: next!.revision },
  });
  expect(moved.statusCode, moved.body).toBe(200);
  return { id: next!.id, revision: moved.json().meeting.revision };
}

/**
 * An item the provider's admin adds to a meeting's agenda, read back from the agenda's
 * "concerns" section: its id, and its key (minutes, decisions and action items attach to it).
 */
async function agendaItemFor(tenant: Tenant, meeting: string): Promise<{ id: string; key: string }> {
  const title = `Walk item ${randomUUID().slice(0, 8)}`;
  const res = await request(t, tenant.people.providerAdmin, {
    method: "POST",
    url: `/api/v1/relationships/${tenant.relationshipId}/touchpoints/meetings/${meeting}/items`,
    payload: { title, detail: "Printer fleet renewal" },
  });
  expect(res.statusCode, res.body).toBe(201);
  const concerns = (
    res.json().agenda.sections as Array<{
      key: string;
      items: Array<{ key: string; kind: string; title: string }>;
    }>
  ).find((s) => s.key === "concerns");
  const item = concerns?.items.find((i) => i.kind === "item" && i.title === title);
  expect(item, res.body).toBeDefined();
  return { id: item!.key.slice("concerns:item:".length), key: item!.key };
}

/** A decision recorded on an agenda item of a meeting. */
async function decisionFor(tenant: Tenant, meeting: string, itemKey: string): Promise<string> {
  const text = `Walk decision ${randomUUID().slice(0, 8)}`;
  const res = await request(t, tenant.people.providerAdmin, {
    method: "POST",
    url: `/api/v1/relationships/${tenant.relationshipId}/touchpoints/meetings/${meeting}/decisions`,
    payload: { itemKey, text },
  });
  expect(res.statusCode, res.body).toBe(201);
  const decision = (res.json().decisions as Array<{ id: string; text: string }>).find((d) => d.text === text);
  expect(decision, res.body).toBeDefined();
  return decision!.id;
}

/** An action item on an agenda item of a meeting, owned by the technician, due in a month. */
async function touchpointActionFor(
  tenant: Tenant,
  meeting: string,
  itemKey: string,
): Promise<{ id: string; revision: number }> {
  const title = `Walk action ${randomUUID().slice(0, 8)}`;
  const res = await request(t, tenant.people.providerAdmin, {
    method: "POST",
    url: `/api/v1/relationships/${tenant.relationshipId}/touchpoints/meetings/${meeting}/actions`,
    payload: {
      itemKey,
      title,
      ownerUserId: tenant.people.technician.userId,
      dueOn: isoAt(t.clock.now() + 30 * DAY).slice(0, 10),
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const action = (res.json().actions as Array<{ id: string; title: string; revision: number }>).find(
    (x) => x.title === title,
  );
  expect(action, res.body).toBeDefined();
  return { id: action!.id, revision: action!.revision };
}

/** A business date of the client's (an audit in two months), kept by its IT contact. */
async function businessDateFor(tenant: Tenant): Promise<{ id: string; revision: number }> {
  const res = await request(t, tenant.people.clientAdmin, {
    method: "POST",
    url: `/api/v1/relationships/${tenant.relationshipId}/business-dates`,
    payload: { kind: "audit", title: "Walk audit", dueOn: isoAt(t.clock.now() + 60 * DAY).slice(0, 10) },
  });
  expect(res.statusCode, res.body).toBe(201);
  const { id, revision } = res.json();
  return { id, revision };
}

/** A calendar feed made by `person`. */
async function feedFor(tenant: Tenant, person: Person): Promise<string> {
  const res = await request(t, person, {
    method: "POST",
    url: `/api/v1/relationships/${tenant.relationshipId}/calendar-feeds`,
    payload: { label: "Walk calendar" },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** A low ticket raised by the tenant's member, brought to the state a ticket route acts on. */
async function ticketFor(tenant: Tenant, path: string): Promise<string> {
  const base = `/api/v1/relationships/${tenant.relationshipId}/tickets`;
  const created = await request(t, tenant.people.member, {
    method: "POST",
    url: base,
    payload: {
      title: "Walk ticket",
      description: "Printer jammed",
      impact: { peopleAffected: "one", workaround: true, criticalFunctionStopped: false },
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  const step = async (person: Person, action: string, payload: object) => {
    const res = await request(t, person, { method: "POST", url: `${base}/${id}/${action}`, payload });
    expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  };
  const action = /\{ticketId\}\/([a-z-]+)$/.exec(path)?.[1];
  if (!action || action === "acknowledge") return id;
  await step(tenant.people.technician, "acknowledge", {});
  if (action === "resume") await step(tenant.people.technician, "wait-on-client", { question: "Which one?" });
  if (action === "deescalate")
    await step(tenant.people.it_contact, "escalate", { level: "account_manager", justification: "Urgent" });
  if (action === "confirm" || action === "reopen")
    await step(tenant.people.technician, "resolve", { summary: "Fixed" });
  return id;
}

/** The default protocol as a draft in a tenant's relationship, proposed when asked. */
async function protocolVersion(tenant: Tenant, proposed = false): Promise<{ id: string; sha: string }> {
  const base = `/api/v1/relationships/${tenant.relationshipId}/protocol/versions`;
  const draft = await request(t, tenant.people.providerAdmin, { method: "POST", url: base, payload: {} });
  expect(draft.statusCode, draft.body).toBe(201);
  const { id, documentSha256: sha } = draft.json();
  if (proposed) {
    const res = await request(t, tenant.people.providerAdmin, {
      method: "POST",
      url: `${base}/${id}/propose`,
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  return { id, sha };
}

/** Bodies that must be more than schema-shaped to succeed (a real .ics file, the signed text's hash). */
const ICS = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//Liaison//walk//EN",
  "BEGIN:VEVENT",
  "UID:walk-1",
  "DTSTART;VALUE=DATE:20261224",
  "SUMMARY:Christmas Eve",
  "END:VEVENT",
  "END:VCALENDAR",
].join("\r\n");

beforeAll(async () => {
  t = await createTestApp();
  const doc = (await t.app.inject({ method: "GET", url: "/api/openapi.json" })).json();
  ops = [];
  for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const access = op["x-access"] as RouteAccess | undefined;
      const body = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)
        ?.content?.["application/json"]?.schema;
      const query = ((op.parameters as Array<{ in: string; name: string; required?: boolean }>) ?? [])
        .filter((p) => p.in === "query" && p.required)
        .map((p) => p.name);
      ops.push({ method: method.toUpperCase(), path, access: access!, body, query });
    }
  }
  a = await createTenant(t, "Walk A");
  b = await createTenant(t, "Walk B");
  const created = await request(t, a.people.clientAdmin, {
    method: "POST",
    url: `/api/v1/relationships/${a.relationshipId}/tokens`,
    payload: { name: "walk", role: "it_contact" },
  });
  tokenId = created.json().token.id;
  const [s] = await t.database.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, a.people.clientAdmin.userId)));
  sessionId = s!.id;
  await activateProtocol(t, a);
  versionId = (await protocolVersion(a)).id;
  endpointId = await webhookEndpoint(a);
  ticketId = await ticketFor(a, "{ticketId}");
  changeId = await changeFor(a, "{changeId}");
  groupId = await groupFor(a);
  feedId = await feedFor(a, a.people.providerAdmin);
  scheduleId = (await scheduleFor(a)).id;
  overrideId = await overrideFor(a, scheduleId);
  methodId = (await methodFor(a.people.technician)).id;
  // An acknowledged emergency with an action waiting for approval.
  const emergency = await emergencyFor(a, "{emergencyId}/actions/{entryId}/decide");
  emergencyId = emergency.id;
  entryId = emergency.entryId!;
  reviewId = (await reviewFor(a, "{reviewId}")).id;
  actionId = await reviewActionFor(a, reviewId);
  planId = (await planFor(a)).id;
  // The next touchpoint meeting, with an added item carrying a decision and an action item.
  meetingId = (await meetingFor(a)).id;
  const item = await agendaItemFor(a, meetingId);
  itemId = item.id;
  decisionId = await decisionFor(a, meetingId, item.key);
  touchpointActionId = (await touchpointActionFor(a, meetingId, item.key)).id;
  dateId = (await businessDateFor(a)).id;
});

/** A webhook endpoint of the tenant's client organization. */
async function webhookEndpoint(tenant: Tenant): Promise<string> {
  const res = await request(t, tenant.people.clientAdmin, {
    method: "POST",
    url: `/api/v1/relationships/${tenant.relationshipId}/webhooks`,
    payload: { url: "https://walk.example/receiver" },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().endpoint.id;
}

afterAll(async () => t?.close());

function urlFor(
  path: string,
  tenant: Tenant,
  ids: {
    tokenId: string;
    sessionId: string;
    userId?: string;
    versionId?: string;
    notificationId?: string;
    endpointId?: string;
    ticketId?: string;
    changeId?: string;
    groupId?: string;
    feedId?: string;
    scheduleId?: string;
    overrideId?: string;
    methodId?: string;
    emergencyId?: string;
    entryId?: string;
    reviewId?: string;
    actionId?: string;
    planId?: string;
    meetingId?: string;
    itemId?: string;
    decisionId?: string;
    touchpointActionId?: string;
    dateId?: string;
  },
  query: string[] = [],
): string {
  const version = ids.versionId ?? versionId;
  // Required query parameters: a calendar range, or the two versions of a diff.
  const dated = path.endsWith("/calendar");
  const value = (q: string) =>
    !dated ? version : q === "from" ? isoAt(t.clock.now()) : isoAt(t.clock.now() + 30 * DAY);
  const qs = query.length ? `?${query.map((q) => `${q}=${value(q)}`).join("&")}` : "";
  return `${path
    .replace("{versionId}", version)
    .replace("{notificationId}", ids.notificationId ?? randomUUID())
    .replace("{endpointId}", ids.endpointId ?? endpointId)
    .replace("{ticketId}", ids.ticketId ?? ticketId)
    .replace("{changeId}", ids.changeId ?? changeId)
    .replace("{groupId}", ids.groupId ?? groupId)
    .replace("{feedId}", ids.feedId ?? feedId)
    .replace("{scheduleId}", ids.scheduleId ?? scheduleId)
    .replace("{overrideId}", ids.overrideId ?? overrideId)
    .replace("{methodId}", ids.methodId ?? methodId)
    .replace("{emergencyId}", ids.emergencyId ?? emergencyId)
    .replace("{entryId}", ids.entryId ?? entryId)
    .replace("{reviewId}", ids.reviewId ?? reviewId)
    .replace(
      "{actionId}",
      onTouchpoints(path) ? (ids.touchpointActionId ?? touchpointActionId) : (ids.actionId ?? actionId),
    )
    .replace("{planId}", ids.planId ?? planId)
    .replace("{meetingId}", ids.meetingId ?? meetingId)
    .replace("{itemId}", ids.itemId ?? itemId)
    .replace("{decisionId}", ids.decisionId ?? decisionId)
    .replace("{dateId}", ids.dateId ?? dateId)
    .replace("{relationshipId}", tenant.relationshipId)
    .replace("{orgId}", onProvider(path) ? tenant.providerOrgId : tenant.clientOrgId)
    .replace("{userId}", ids.userId ?? tenant.people.member.userId)
    .replace("{tokenId}", ids.tokenId)
    .replace("{sessionId}", ids.sessionId)}${qs}`;
}

/** Everyone in tenant A who must be refused by a route, with the status they must get. */
function refusedInsiders(op: Operation): { who: string; person: Person; status: number }[] {
  const out: { who: string; person: Person; status: number }[] = [];
  const { access } = op;
  for (const [who, person] of Object.entries(a.people)) {
    const role = who === "clientAdmin" ? "it_contact" : who === "providerAdmin" ? "account_manager" : who;
    const isAdmin = who === "clientAdmin" || who === "providerAdmin";
    const clientSide = ["clientAdmin", "executive", "it_contact", "approver", "member", "advisor"].includes(
      who,
    );
    if (access.scope === "organization") {
      // Organization routes are addressed at A's client organization: provider staff are outsiders.
      // On-call schedules are addressed at A's provider organization: the client's people are.
      const inside = onProvider(op.path) ? !clientSide : clientSide;
      if (!inside) out.push({ who, person, status: 404 });
      else if (access.admin && !isAdmin) out.push({ who, person, status: 403 });
    } else if (access.scope === "relationship") {
      if (access.admin && !isAdmin) out.push({ who, person, status: 403 });
      else if (access.roles && !access.roles.includes(role as never)) out.push({ who, person, status: 403 });
    }
  }
  return out;
}

describe("authorization walk over the OpenAPI document", () => {
  it("declares who may call every route", () => {
    expect(ops.length).toBeGreaterThan(15);
    for (const op of ops) expect(op.access, `${op.method} ${op.path} has no x-access`).toBeDefined();
  });

  it("refuses anonymous callers on every non-public route, changing nothing", async () => {
    for (const op of ops.filter((o) => o.access.auth !== "public")) {
      const before = await snapshotDatabase(t.database);
      const res = await t.app.inject({
        method: op.method as never,
        url: urlFor(op.path, a, { tokenId, sessionId }, op.query),
        ...(op.body ? { payload: sample(op.body) as object } : {}),
      });
      expect(res.statusCode, `${op.method} ${op.path} anonymous`).toBe(401);
      expect(await snapshotDatabase(t.database), `${op.method} ${op.path} changed the database`).toEqual(
        before,
      );
    }
  }, 300_000);

  it("answers 404 to people of another tenant for every tenant-scoped record, changing nothing", async () => {
    const outsiders = [b.people.clientAdmin, b.people.providerAdmin, b.people.advisor];
    const scoped = ops.filter((o) => o.access.auth !== "public" && /\{\w+\}/.test(o.path));
    expect(scoped.length).toBeGreaterThan(8);
    for (const op of scoped) {
      for (const outsider of outsiders) {
        const before = await snapshotDatabase(t.database);
        const res = await request(t, outsider, {
          method: op.method as never,
          url: urlFor(op.path, a, { tokenId, sessionId }, op.query),
          ...(op.body ? { payload: sample(op.body) as object } : {}),
        });
        expect(res.statusCode, `${op.method} ${op.path} as ${outsider.email}: ${res.body}`).toBe(404);
        expect(res.json().code).toBe("not_found");
        expect(await snapshotDatabase(t.database), `${op.method} ${op.path} changed the database`).toEqual(
          before,
        );
      }
    }
  }, 600_000);

  it("answers 403 to each role that must be refused (404 where the person is outside the organization)", async () => {
    let checked = 0;
    for (const op of ops.filter((o) => o.access.auth !== "public")) {
      for (const { who, person, status } of refusedInsiders(op)) {
        const before = await snapshotDatabase(t.database);
        const res = await request(t, person, {
          method: op.method as never,
          url: urlFor(op.path, a, { tokenId, sessionId }, op.query),
          ...(op.body ? { payload: sample(op.body) as object } : {}),
        });
        expect(res.statusCode, `${op.method} ${op.path} as ${who}: ${res.body}`).toBe(status);
        expect(
          await snapshotDatabase(t.database),
          `${op.method} ${op.path} as ${who} changed the database`,
        ).toEqual(before);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  }, 600_000);

  it("refuses API tokens on routes that need a signed-in person, and outside their relationship", async () => {
    const secret = (
      await request(t, b.people.clientAdmin, {
        method: "POST",
        url: `/api/v1/relationships/${b.relationshipId}/tokens`,
        payload: { name: "walk b", role: "it_contact" },
      })
    ).json().secret as string;
    // Use the token once first: using it records its last use (at most once a minute), and the
    // refusals below must change nothing at all.
    await t.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${secret}` } });
    for (const op of ops.filter((o) => o.access.auth !== "public")) {
      const before = await snapshotDatabase(t.database);
      const res = await t.app.inject({
        method: op.method as never,
        url: urlFor(op.path, a, { tokenId, sessionId }, op.query),
        headers: { authorization: `Bearer ${secret}` },
        ...(op.body ? { payload: sample(op.body) as object } : {}),
      });
      if (op.access.auth === "session" || /\{\w+\}/.test(op.path)) {
        expect([401, 403, 404], `${op.method} ${op.path} with a foreign token: ${res.statusCode}`).toContain(
          res.statusCode,
        );
        expect(await snapshotDatabase(t.database)).toEqual(before);
      }
    }
  }, 300_000);

  it("lets the right person through on every route (so the refusals above are not vacuous)", async () => {
    // Touchpoint and business-date routes share one tenant with its protocol in effect (a tenant
    // and a protocol per route would add seconds to the slowest suite): what they change is their
    // own, fresh for each route (a meeting skipped or held, an item, a decision, an action item or
    // a date made for it), so no route finds another's leftovers in its way.
    let touchpointTenant: Tenant | undefined;
    const tenantFor = async (path: string): Promise<Tenant> => {
      if (!touchpointRoute(path)) return createTenant(t, "Walk ok");
      if (!touchpointTenant) {
        touchpointTenant = await createTenant(t, "Walk ok");
        await activateProtocol(t, touchpointTenant);
      }
      return touchpointTenant;
    };
    for (const op of ops.filter((o) => o.access.auth !== "public")) {
      const fresh = await tenantFor(op.path);
      // On-call schedules are the provider's: its admin (an account manager) keeps them.
      const actor =
        (op.access.scope === "relationship" && !op.access.admin) || onProvider(op.path)
          ? fresh.people.providerAdmin
          : fresh.people.clientAdmin;
      if (op.path.endsWith("/notifications/stream")) {
        // An event stream never ends: take its answer, then hang up.
        const hangUp = new AbortController();
        const res = await request(t, actor, {
          method: "GET",
          url: urlFor(op.path, fresh, { tokenId, sessionId }),
          payloadAsStream: true,
          signal: hangUp.signal,
        });
        expect(res.statusCode, `${op.method} ${op.path}`).toBe(200);
        hangUp.abort();
        continue;
      }
      const created = await request(t, fresh.people.clientAdmin, {
        method: "POST",
        url: `/api/v1/relationships/${fresh.relationshipId}/tokens`,
        payload: { name: "ok", role: "it_contact" },
      });
      const [s] = await t.database.db.select().from(sessions).where(eq(sessions.userId, actor.userId));
      // Routes that re-check the password (e.g. changing it) get the sample string as the current one.
      await t.database.db
        .update(users)
        .set({ passwordHash: await hashPassword(sample({ type: "string" }) as string) })
        .where(eq(users.id, actor.userId));
      // A member who was invited and has not set a password yet: every member route applies to them.
      const invited = await request(t, fresh.people.clientAdmin, {
        method: "POST",
        url: `/api/v1/organizations/${fresh.clientOrgId}/members`,
        payload: {
          email: `invited-${randomUUID().slice(0, 8)}@walk.example`,
          name: "Invited",
          role: "member",
        },
      });
      // Protocol routes act on a version: a draft, or a proposal for signing; what-if questions need one.
      const needsVersion = /\{versionId\}|\/protocol\/(diff|preview)/.test(op.path);
      const version = needsVersion ? await protocolVersion(fresh, op.path.endsWith("/sign")) : null;
      // A notification of the actor's own: a proposal by the other side notifies them.
      let notificationId: string | undefined;
      if (op.path.includes("{notificationId}")) {
        await protocolVersion(fresh, true);
        const list = await request(t, actor, { method: "GET", url: "/api/v1/notifications" });
        notificationId = list.json().items[0].id;
      }
      const ownEndpointId = op.path.includes("{endpointId}") ? await webhookEndpoint(fresh) : undefined;
      // Ticket routes need a protocol in effect, and a ticket in the state the action applies to.
      if (op.path.includes("/tickets") || op.path.includes("/changes")) await activateProtocol(t, fresh);
      // Emergencies, reviews and restoration plans need a protocol in effect too.
      if (/\/(emergencies|reviews|restoration-plans)/.test(op.path)) await activateProtocol(t, fresh);
      const ownChangeId = op.path.includes("{changeId}") ? await changeFor(fresh, op.path) : undefined;
      const changeAction = /\{changeId\}\/([a-z-]+)$/.exec(op.path)?.[1];
      const ownGroupId = op.path.includes("{groupId}") ? await groupFor(fresh) : undefined;
      const ownFeedId = op.path.includes("{feedId}") ? await feedFor(fresh, actor) : undefined;
      const ownTicketId = op.path.includes("{ticketId}") ? await ticketFor(fresh, op.path) : undefined;
      const ticketAction = /\{ticketId\}\/([a-z-]+)$/.exec(op.path)?.[1];
      const ownSchedule = op.path.includes("{scheduleId}") ? await scheduleFor(fresh) : undefined;
      const ownOverrideId = op.path.includes("{overrideId}")
        ? await overrideFor(fresh, ownSchedule!.id)
        : undefined;
      const ownMethod = op.path.includes("{methodId}") ? await methodFor(actor) : undefined;
      const ownEmergency = op.path.includes("{emergencyId}") ? await emergencyFor(fresh, op.path) : undefined;
      const ownReview = op.path.includes("{reviewId}") ? await reviewFor(fresh, op.path) : undefined;
      const ownActionId =
        ownReview && op.path.includes("{actionId}") ? await reviewActionFor(fresh, ownReview.id) : undefined;
      const ownPlan = op.path.includes("{planId}") ? await planFor(fresh) : undefined;
      // Touchpoints: the next meeting (moved to begin shortly for `held`; a meeting skipped or held
      // is no longer the next); minutes, decisions and action items attach to an item added to its
      // agenda for the route.
      const touchpointAction = onTouchpoints(op.path) && op.path.includes("{actionId}");
      const ownMeeting =
        op.path.includes("{meetingId}") || touchpointAction ? await meetingFor(fresh, op.path) : undefined;
      const ownItem =
        ownMeeting &&
        (op.body?.properties?.itemKey || /\{(itemId|decisionId)\}/.test(op.path) || touchpointAction)
          ? await agendaItemFor(fresh, ownMeeting.id)
          : undefined;
      const ownDecisionId = op.path.includes("{decisionId}")
        ? await decisionFor(fresh, ownMeeting!.id, ownItem!.key)
        : undefined;
      const ownTouchpointAction = touchpointAction
        ? await touchpointActionFor(fresh, ownMeeting!.id, ownItem!.key)
        : undefined;
      const ownDate = op.path.includes("{dateId}") ? await businessDateFor(fresh) : undefined;
      const payload = op.body ? (sample(op.body) as Record<string, unknown>) : undefined;
      if ((ownTicketId || ownChangeId) && payload) delete payload.revision;
      if (ownTicketId && payload) {
        if (ticketAction === "escalate") payload.level = "client_executive";
        if (ticketAction === "deescalate") payload.level = null;
        if (ticketAction === "assign") payload.assigneeId = fresh.people.providerAdmin.userId;
      }
      if (payload && "timeZone" in payload && !("rotations" in payload))
        Object.assign(payload, {
          timeZone: "Europe/Berlin",
          quietHours: { start: "22:00", end: "07:00" },
          dailyDigestAt: "08:00",
        });
      // Change windows ahead of the clock (a move needs another one); a recorded change in the past.
      if (payload && "plannedStart" in payload && "plannedEnd" in payload) {
        payload.plannedStart = isoAt(t.clock.now() + 40 * DAY);
        payload.plannedEnd = isoAt(t.clock.now() + 40 * DAY + DAY / 24);
      }
      if (payload && "startedAt" in payload) {
        payload.startedAt = isoAt(t.clock.now() - DAY);
        payload.endedAt = isoAt(t.clock.now() - DAY / 2);
      }
      if (payload && "documentSha256" in payload) payload.documentSha256 = version!.sha;
      if (payload && "versionId" in payload) payload.versionId = version!.id;
      if (payload && "ics" in payload)
        Object.assign(payload, { ics: ICS, document: "calendar:\n  holidays: []\n" });
      // On-call: a real rotation of the provider's staff; an override of someone on its staff, to come.
      if (payload && "rotations" in payload)
        Object.assign(payload, {
          timeZone: "America/New_York",
          relationshipId: fresh.relationshipId,
          rotations: rotationsFor(fresh),
        });
      if (payload && "layer" in payload && "userId" in payload)
        Object.assign(payload, {
          userId: fresh.people.senior_technician.userId,
          start: isoAt(t.clock.now() + DAY),
          end: isoAt(t.clock.now() + 2 * DAY),
        });
      if (ownMethod && payload && "code" in payload) payload.code = ownMethod.code;
      // Emergencies: declared directly (opening the critical ticket) on one of the protocol's
      // criteria; an action of the on-call authority register.
      if (payload && "criteria" in payload) {
        delete payload.ticketId;
        payload.criteria = [CRITERION];
      }
      if (ownEmergency && payload && "action" in payload && "detail" in payload)
        payload.action = "restart_services";
      if (payload && "ownerUserId" in payload && "dueOn" in payload)
        Object.assign(payload, {
          ownerUserId: fresh.people.technician.userId,
          dueOn: isoAt(t.clock.now() + 30 * DAY).slice(0, 10),
        });
      // Restoration plans: real durations; a test already done.
      if (payload && "expectedRestore" in payload)
        Object.assign(payload, { expectedRestore: "4h", recoveryPoint: "24h" });
      if (payload && "outcome" in payload && "testedAt" in payload)
        Object.assign(payload, { testedAt: isoAt(t.clock.now() - DAY), took: "2h" });
      if (ownItem && payload && "itemKey" in payload) payload.itemKey = ownItem.key;
      // A meeting moved to another day ahead, keeping its length.
      if (ownMeeting && payload && "start" in payload && "reason" in payload) {
        payload.start = isoAt(t.clock.now() + 3 * DAY);
        delete payload.end;
      }
      // Minutes are new (revision 0); moving, skipping and holding a meeting need its revision.
      const meetingRevision = /\/(move|skip|held)$/.test(op.path) ? ownMeeting?.revision : undefined;
      const ownRevision =
        ownSchedule?.revision ??
        ownReview?.revision ??
        ownPlan?.revision ??
        ownTouchpointAction?.revision ??
        ownDate?.revision ??
        meetingRevision;
      if (ownRevision !== undefined && payload && "revision" in payload) payload.revision = ownRevision;
      // Confirming and reopening are the client's: the reporter does it.
      // Changes are approved by the client's approver; user groups are kept by its IT contact.
      // Emergencies are declared by the client's IT contact, who also approves a configuration change.
      // Business dates are kept by the client's leads: its IT contact.
      const caller =
        ticketAction === "confirm" || ticketAction === "reopen"
          ? fresh.people.member
          : ["approve", "reject", "request-reschedule"].includes(changeAction ?? "")
            ? fresh.people.approver
            : op.path.includes("/groups")
              ? fresh.people.clientAdmin
              : op.path.endsWith("/emergencies") || op.path.endsWith("/decide")
                ? fresh.people.it_contact
                : op.path.includes("/business-dates") && op.method !== "GET"
                  ? fresh.people.clientAdmin
                  : actor;
      const res = await request(t, caller, {
        method: op.method as never,
        url: urlFor(
          op.path,
          fresh,
          {
            tokenId: created.json().token.id,
            sessionId: s!.id,
            userId: op.path.endsWith("/oncall.ics")
              ? fresh.people.technician.userId
              : invited.json().member.userId,
            ...(version ? { versionId: version.id } : {}),
            ...(notificationId ? { notificationId } : {}),
            ...(ownEndpointId ? { endpointId: ownEndpointId } : {}),
            ...(ownTicketId ? { ticketId: ownTicketId } : {}),
            ...(ownChangeId ? { changeId: ownChangeId } : {}),
            ...(ownGroupId ? { groupId: ownGroupId } : {}),
            ...(ownFeedId ? { feedId: ownFeedId } : {}),
            ...(ownSchedule ? { scheduleId: ownSchedule.id } : {}),
            ...(ownOverrideId ? { overrideId: ownOverrideId } : {}),
            ...(ownMethod ? { methodId: ownMethod.id } : {}),
            ...(ownEmergency ? { emergencyId: ownEmergency.id } : {}),
            ...(ownEmergency?.entryId ? { entryId: ownEmergency.entryId } : {}),
            ...(ownReview ? { reviewId: ownReview.id } : {}),
            ...(ownActionId ? { actionId: ownActionId } : {}),
            ...(ownPlan ? { planId: ownPlan.id } : {}),
            ...(ownMeeting ? { meetingId: ownMeeting.id } : {}),
            ...(ownItem ? { itemId: ownItem.id } : {}),
            ...(ownDecisionId ? { decisionId: ownDecisionId } : {}),
            ...(ownTouchpointAction ? { touchpointActionId: ownTouchpointAction.id } : {}),
            ...(ownDate ? { dateId: ownDate.id } : {}),
          },
          op.query,
        ),
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode, `${op.method} ${op.path}: ${res.body}`).toBeLessThan(300);
    }
  }, 300_000);
});
