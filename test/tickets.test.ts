import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "../src/core/events/events.tables.ts";
import { notifications } from "../src/core/notify/notify.tables.ts";
import { processTicketTimers, runDueTimers } from "../src/modules/tickets/tickets.service.ts";
import { defaultProtocolTemplate } from "../src/modules/protocol/protocol.service.ts";
import {
  activateProtocol,
  createTenant,
  createTestApp,
  type Person,
  request,
  type Tenant,
  type TestApp,
  TEST_DATABASE_URL,
} from "./support.ts";

let t: TestApp;
beforeAll(async () => {
  // Tests move the clock days ahead; sign-ins must outlast that.
  t = await createTestApp({ sessionTtlHours: 24 * 365 });
});
afterAll(async () => t?.close());

const MIN = 60_000;
const HOUR = 60 * MIN;
const base = (tenant: Tenant) => `/api/v1/relationships/${tenant.relationshipId}/tickets`;

async function call(as: Person, method: string, url: string, payload?: object) {
  const res = await request(t, as, { method: method as never, url, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}

const impact = {
  critical: { peopleAffected: "everyone", workaround: false, criticalFunctionStopped: true },
  high: { peopleAffected: "many", workaround: true, criticalFunctionStopped: false },
  medium: { peopleAffected: "team", workaround: true, criticalFunctionStopped: false },
  low: { peopleAffected: "one", workaround: true, criticalFunctionStopped: false },
} as const;

async function raise(tenant: Tenant, severity: keyof typeof impact, as?: Person, extra: object = {}) {
  const res = await call(as ?? tenant.people.member, "POST", base(tenant), {
    title: `${severity} problem`,
    description: "Something is wrong",
    impact: impact[severity],
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; number: number; severity: string };
}

const detail = async (tenant: Tenant, id: string, as?: Person) =>
  (await call(as ?? tenant.people.technician, "GET", `${base(tenant)}/${id}`)).body;
const act = (tenant: Tenant, as: Person, id: string, action: string, payload: object = {}) =>
  call(as, "POST", `${base(tenant)}/${id}/${action}`, payload);
const clock = (d: { clocks: { name: string }[] }, name: string) =>
  d.clocks.find((c) => c.name === name) as unknown as {
    dueAt: string | null;
    status: string;
    pauses: { from: string; to: string | null }[];
    stoppedAt: string | null;
  };
const iso = (ms: number) => new Date(ms).toISOString();

async function tenantWithProtocol(label: string, document?: string) {
  const tenant = await createTenant(t, label);
  await activateProtocol(t, tenant, document);
  return tenant;
}

async function actionsOn(ticketId: string): Promise<string[]> {
  const rows = await t.database.db
    .select({ action: events.action })
    .from(events)
    .where(and(eq(events.subjectType, "ticket"), eq(events.subjectId, ticketId)))
    .orderBy(events.seq);
  return rows.map((r) => r.action);
}

async function notified(kind: string, ticketId: string): Promise<string[]> {
  const rows = await t.database.db.select().from(notifications).where(eq(notifications.kind, kind));
  return rows
    .filter((r) => (r.data as { ticketId?: string } | null)?.ticketId === ticketId)
    .map((r) => r.userId)
    .sort();
}

describe("intake", () => {
  it("suggests the severity from the impact answers; another severity needs a reason both sides see", async () => {
    const tenant = await tenantWithProtocol("Intake");
    const form = await call(tenant.people.member, "GET", `${base(tenant)}/intake-form`);
    expect(form.status).toBe(200);
    expect(form.body.peopleAffected.everyone).toBe("Everyone in the organization");
    const suggestion = await call(
      tenant.people.member,
      "POST",
      `${base(tenant)}/suggest-severity`,
      impact.high,
    );
    expect(suggestion.body.severity).toBe("high");

    const refused = await call(tenant.people.member, "POST", base(tenant), {
      title: "Printer",
      description: "Jammed",
      impact: impact.low,
      severity: "critical",
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe("body.severityReason");
    expect(refused.body.errors[0].message).toMatch(/suggest low/);

    const created = await raise(tenant, "low", tenant.people.member, {
      severity: "high",
      severityReason: "The CEO's board pack prints from it today",
    });
    expect(created.severity).toBe("high");
    for (const viewer of [tenant.people.technician, tenant.people.member]) {
      const d = await detail(tenant, created.id, viewer);
      expect(d).toMatchObject({
        severity: "high",
        suggestedSeverity: "low",
        severityReason: "The CEO's board pack prints from it today",
      });
    }
  });

  it("refuses tickets before a protocol is in effect, and advisors cannot raise them", async () => {
    const bare = await createTenant(t, "No protocol");
    const res = await call(bare.people.member, "POST", base(bare), {
      title: "x",
      description: "y",
      impact: impact.low,
    });
    expect(res.status).toBe(409);
    const tenant = await tenantWithProtocol("Advisor");
    const advisor = await call(tenant.people.advisor, "POST", base(tenant), {
      title: "x",
      description: "y",
      impact: impact.low,
    });
    expect(advisor.status).toBe(403);
  });

  it("shows client members only their own tickets", async () => {
    const tenant = await tenantWithProtocol("Own");
    const mine = await raise(tenant, "low", tenant.people.member);
    const theirs = await raise(tenant, "low", tenant.people.it_contact);
    const list = await call(tenant.people.member, "GET", base(tenant));
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([mine.id]);
    expect((await call(tenant.people.member, "GET", `${base(tenant)}/${theirs.id}`)).status).toBe(404);
    const all = await call(tenant.people.it_contact, "GET", base(tenant));
    expect(all.body.items).toHaveLength(2);
  });
});

describe("clocks", () => {
  it("runs critical on 24x7 and high on business hours; acknowledging stops the response clock", async () => {
    t.clock.set(Date.UTC(2026, 2, 2, 10, 0));
    const tenant = await tenantWithProtocol("Clocks");
    // Monday 2 March 2026, 10:00 UTC = 05:00 in New York, before opening (08:00).
    const critical = await raise(tenant, "critical");
    const high = await raise(tenant, "high");
    const c = await detail(tenant, critical.id);
    expect(clock(c, "response").dueAt).toBe(iso(Date.UTC(2026, 2, 2, 10, 15)));
    expect(clock(c, "resolution").dueAt).toBe(iso(Date.UTC(2026, 2, 2, 14, 0)));
    const h = await detail(tenant, high.id);
    // 1 business hour from the 08:00 opening (13:00 UTC): 09:00 New York.
    expect(clock(h, "response").dueAt).toBe(iso(Date.UTC(2026, 2, 2, 14, 0)));
    // 8 business hours: the whole day, 08–12 and 13–17, ending 17:00 New York.
    expect(clock(h, "resolution").dueAt).toBe(iso(Date.UTC(2026, 2, 2, 22, 0)));

    t.clock.advance(5 * MIN);
    const acked = await act(tenant, tenant.people.technician, critical.id, "acknowledge");
    expect(acked.status).toBe(200);
    expect(acked.body.state).toBe("acknowledged");
    expect(acked.body.assignee.name).toBe(tenant.people.technician.name);
    expect(clock(acked.body, "response")).toMatchObject({ status: "met", stoppedAt: iso(t.clock.now()) });
    // The update clock starts at the acknowledgement: every 30 minutes for critical.
    expect(clock(acked.body, "updates").dueAt).toBe(iso(t.clock.now() + 30 * MIN));
    // Only provider staff acknowledge.
    expect((await act(tenant, tenant.people.it_contact, high.id, "acknowledge")).status).toBe(403);
  });

  it("keeps paused time when the severity changes", async () => {
    t.clock.set(Date.UTC(2026, 2, 3, 14, 0)); // Tuesday 09:00 New York
    const tenant = await tenantWithProtocol("Pauses");
    const ticket = await raise(tenant, "medium");
    await act(tenant, tenant.people.technician, ticket.id, "acknowledge");
    t.clock.advance(HOUR);
    await act(tenant, tenant.people.technician, ticket.id, "wait-on-client", { question: "Which printer?" });
    t.clock.advance(2 * HOUR); // 2 business hours waiting on the client (10:00–12:00 New York)
    const resumed = await act(tenant, tenant.people.member, ticket.id, "comments", {
      body: "The one on floor 2",
    });
    expect(resumed.body.state).toBe("in_progress");
    const paused = clock(resumed.body, "resolution").pauses;
    expect(paused).toEqual([
      { from: iso(Date.UTC(2026, 2, 3, 15, 0)), to: iso(Date.UTC(2026, 2, 3, 17, 0)) },
    ]);

    t.clock.advance(30 * MIN);
    const raised = await act(tenant, tenant.people.it_contact, ticket.id, "severity", {
      severity: "high",
      reason: "Finance cannot print invoices",
    });
    expect(raised.status).toBe(200);
    // High: 8 business hours from 09:00, plus the 2 paused hours → 09:00 + 10h of business time:
    // Tuesday 09–12, 13–17 (7h) then Wednesday 08:00 + 3h = 11:00 New York = 16:00 UTC.
    const resolution = clock(raised.body, "resolution");
    expect(resolution.dueAt).toBe(iso(Date.UTC(2026, 2, 4, 16, 0)));
    expect(resolution.pauses).toEqual(paused);
    // Both sides see why.
    const timeline = raised.body.entries.map((e: { kind: string; body: string }) => `${e.kind}:${e.body}`);
    expect(timeline).toContain("severity:Finance cannot print invoices");
  });

  it("keeps accrued pauses when a new protocol version takes effect", async () => {
    t.clock.set(Date.UTC(2026, 2, 3, 14, 0)); // Tuesday 09:00 New York
    const tenant = await tenantWithProtocol("Versions");
    const ticket = await raise(tenant, "high");
    await act(tenant, tenant.people.technician, ticket.id, "acknowledge");
    await act(tenant, tenant.people.technician, ticket.id, "wait-on-client", { question: "Logs?" });
    t.clock.advance(HOUR);
    // Version 2 no longer pauses resolution while waiting on the client.
    const v2 = defaultProtocolTemplate().replace("resolution: [waiting_on_client]", "resolution: []");
    expect(v2).not.toBe(defaultProtocolTemplate());
    await activateProtocol(t, tenant, v2);
    const activatedAt = t.clock.now();
    const d = await detail(tenant, ticket.id);
    expect(d.protocolVersion).toBe(2);
    // The hour already paused is kept; from the activation on, the clock runs again.
    expect(clock(d, "resolution").pauses).toEqual([
      { from: iso(Date.UTC(2026, 2, 3, 14, 0)), to: iso(activatedAt) },
    ]);
    expect(clock(d, "resolution").status).not.toBe("paused");
  });

  it("counts 24x7 time across the daylight-saving change as elapsed time, and business time in local hours", async () => {
    t.clock.set(Date.UTC(2026, 2, 8, 6, 30));
    const tenant = await tenantWithProtocol("DST");
    // Sunday 8 March 2026 01:30 New York (EST, 06:30 UTC); clocks jump from 02:00 to 03:00.
    const critical = await raise(tenant, "critical");
    expect(clock(await detail(tenant, critical.id), "resolution").dueAt).toBe(
      iso(Date.UTC(2026, 2, 8, 10, 30)),
    );
    // Friday 6 March 16:00 New York (EST) = 21:00 UTC: 1 business hour that day, 7 on Monday (EDT):
    // 08–12 and 13–16 New York = 20:00 UTC.
    t.clock.set(Date.UTC(2026, 2, 6, 21, 0));
    const high = await raise(tenant, "high");
    expect(clock(await detail(tenant, high.id), "resolution").dueAt).toBe(iso(Date.UTC(2026, 2, 9, 20, 0)));
  });
});

describe("timers", () => {
  it("warns at 50 % and 75 %, breaches at 100 %, each exactly once however often and concurrently it runs", async () => {
    t.clock.set(Date.UTC(2026, 2, 10, 12, 0));
    const tenant = await tenantWithProtocol("Timers");
    const ticket = await raise(tenant, "critical");
    await act(tenant, tenant.people.technician, ticket.id, "acknowledge");
    const start = Date.UTC(2026, 2, 10, 12, 0);
    t.clock.set(start + 2 * HOUR + MIN); // past 50 % of the 4 h resolution target
    const concurrent = TEST_DATABASE_URL ? 4 : 1;
    await Promise.all(Array.from({ length: concurrent }, () => processTicketTimers(t.ctx, ticket.id)));
    await runDueTimers(t.ctx);
    t.clock.set(start + 4 * HOUR + MIN);
    await Promise.all(Array.from({ length: concurrent }, () => runDueTimers(t.ctx)));
    await runDueTimers(t.ctx);
    const actions = await actionsOn(ticket.id);
    const count = (a: string) => actions.filter((x) => x === a).length;
    expect(count("ticket.clock_warning")).toBe(2); // resolution 50 % and 75 %
    expect(count("ticket.breached")).toBe(1);
    const d = await detail(tenant, ticket.id);
    expect(clock(d, "resolution").status).toBe("breached");
    const breach = d.entries.find(
      (e: { kind: string; data: { pct?: number } }) => e.kind === "clock" && e.data.pct === 100,
    );
    expect(breach.data.dueAt).toBe(iso(start + 4 * HOUR));
  });

  it("escalates automatically and notifies exactly the level's people and the ticket's participants", async () => {
    t.clock.set(Date.UTC(2026, 2, 11, 12, 0));
    const tenant = await tenantWithProtocol("Escalation");
    const ticket = await raise(tenant, "critical", tenant.people.member);
    await act(tenant, tenant.people.technician, ticket.id, "acknowledge");
    await act(tenant, tenant.people.technician, ticket.id, "updates", {
      found: "Disk full",
      trying: "Clearing logs",
      next: "Expand volume",
    });
    t.clock.advance(2 * HOUR + MIN); // 50 % of resolution → senior technician
    await act(tenant, tenant.people.technician, ticket.id, "updates", {
      found: "Still full",
      trying: "Moving data",
      next: "Call vendor",
    });
    await runDueTimers(t.ctx);
    const d = await detail(tenant, ticket.id);
    expect(d.escalation.level).toMatchObject({ id: "senior_technician", name: "Senior technician" });
    expect(d.escalation.level.authority.summary).toMatch(/technical direction/);
    expect(d.escalation.holders.map((h: { name: string }) => h.name)).toEqual([
      tenant.people.senior_technician.name,
    ]);
    const recipients = await notified("ticket.escalated", ticket.id);
    const expected = [tenant.people.senior_technician, tenant.people.member, tenant.people.technician]
      .map((p) => p.userId)
      .sort();
    expect(recipients).toEqual(expected);
    // Nobody else with access heard about it.
    for (const p of [
      tenant.people.approver,
      tenant.people.advisor,
      tenant.people.account_manager,
      tenant.people.executive,
    ])
      expect(recipients).not.toContain(p.userId);
    // Once only.
    await runDueTimers(t.ctx);
    expect((await actionsOn(ticket.id)).filter((a) => a === "ticket.escalated")).toHaveLength(1);
  });

  it("follows the protocol on who may escalate by hand, needs a justification, and records de-escalation", async () => {
    const tenant = await tenantWithProtocol("Manual");
    const ticket = await raise(tenant, "medium");
    const noReason = await act(tenant, tenant.people.it_contact, ticket.id, "escalate", {
      level: "account_manager",
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].path).toBe("body.justification");
    // The protocol lets it_contact, executive, approver and account_manager escalate to the client executive.
    const tech = await act(tenant, tenant.people.technician, ticket.id, "escalate", {
      level: "client_executive",
      justification: "Needs spending",
    });
    expect(tech.status).toBe(403);
    const up = await act(tenant, tenant.people.it_contact, ticket.id, "escalate", {
      level: "account_manager",
      justification: "Payroll runs tomorrow",
    });
    expect(up.status).toBe(200);
    expect(up.body.escalation.level.id).toBe("account_manager");
    expect(await notified("ticket.escalated", ticket.id)).toContain(tenant.people.account_manager.userId);
    const down = await act(tenant, tenant.people.account_manager, ticket.id, "deescalate", {
      level: null,
      reason: "Workaround agreed",
    });
    expect(down.status).toBe(200);
    expect(down.body.escalation.level).toBeNull();
    expect(await actionsOn(ticket.id)).toContain("ticket.deescalated");
  });

  it("tells the assignee when an update is overdue, then the client's point of contact; an update restarts the clock", async () => {
    t.clock.set(Date.UTC(2026, 2, 12, 12, 0));
    const tenant = await tenantWithProtocol("Overdue");
    const ticket = await raise(tenant, "critical");
    await act(tenant, tenant.people.technician, ticket.id, "acknowledge");
    t.clock.advance(31 * MIN);
    await runDueTimers(t.ctx);
    expect(await notified("ticket.update_overdue", ticket.id)).toEqual([tenant.people.technician.userId]);
    expect(await notified("ticket.update_overdue_client", ticket.id)).toEqual([]);
    t.clock.advance(15 * MIN);
    await runDueTimers(t.ctx);
    const contacts = [tenant.people.it_contact.userId, tenant.people.clientAdmin.userId].sort();
    expect(await notified("ticket.update_overdue_client", ticket.id)).toEqual(contacts);
    const updated = await act(tenant, tenant.people.technician, ticket.id, "updates", {
      found: "Root volume full",
      trying: "Rotating logs",
      next: "Report in 30 minutes",
    });
    expect(clock(updated.body, "updates").dueAt).toBe(iso(t.clock.now() + 30 * MIN));
    expect(clock(updated.body, "updates").status).toBe("on_track");
  });

  it("escalates when the technician says they are stuck", async () => {
    const tenant = await tenantWithProtocol("Stuck");
    const ticket = await raise(tenant, "medium");
    await act(tenant, tenant.people.technician, ticket.id, "acknowledge");
    const res = await act(tenant, tenant.people.technician, ticket.id, "updates", {
      found: "Odd DNS answers",
      trying: "Flushing caches",
      next: "Unknown",
      stuck: true,
      stuckReason: "Needs someone who knows the firewall",
    });
    expect(res.status).toBe(200);
    expect(res.body.escalation.level.id).toBe("senior_technician");
  });
});

describe("resolution", () => {
  it("requires root cause, fix and prevention for high tickets; the client confirms", async () => {
    const tenant = await tenantWithProtocol("RCA");
    const ticket = await raise(tenant, "high");
    await act(tenant, tenant.people.technician, ticket.id, "acknowledge");
    const bare = await act(tenant, tenant.people.technician, ticket.id, "resolve", { summary: "Fixed" });
    expect(bare.status).toBe(400);
    expect(bare.body.errors.map((e: { path: string }) => e.path)).toEqual([
      "body.rootCause",
      "body.fix",
      "body.prevention",
    ]);
    const resolved = await act(tenant, tenant.people.technician, ticket.id, "resolve", {
      summary: "Mail flows again",
      rootCause: "Expired certificate on the relay",
      fix: "Renewed the certificate",
      prevention: "Renewal is now automated and monitored",
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.state).toBe("resolved");
    expect(resolved.body.abilities.confirm).toBe(false); // provider staff do not confirm their own fix
    const confirmed = await act(tenant, tenant.people.member, ticket.id, "confirm");
    expect(confirmed.body.state).toBe("closed");
  });

  it("closes a resolved ticket after the protocol's business days without a reply; the client can reopen", async () => {
    t.clock.set(Date.UTC(2026, 2, 16, 15, 0)); // Monday 11:00 New York
    const tenant = await tenantWithProtocol("Close");
    const ticket = await raise(tenant, "medium");
    await act(tenant, tenant.people.technician, ticket.id, "acknowledge");
    const resolved = await act(tenant, tenant.people.technician, ticket.id, "resolve", { summary: "Reset" });
    // 3 business days: Thursday 11:00 New York.
    expect(resolved.body.closeDueAt).toBe(iso(Date.UTC(2026, 2, 19, 15, 0)));
    t.clock.set(Date.UTC(2026, 2, 19, 14, 59));
    await runDueTimers(t.ctx);
    expect((await detail(tenant, ticket.id)).state).toBe("resolved");
    t.clock.set(Date.UTC(2026, 2, 19, 15, 1));
    await runDueTimers(t.ctx);
    expect((await detail(tenant, ticket.id)).state).toBe("closed");
    const reopened = await act(tenant, tenant.people.member, ticket.id, "reopen", { reason: "It is back" });
    expect(reopened.status).toBe(200);
    expect(reopened.body.state).toBe("in_progress");
    // The time it spent resolved does not count against the resolution target.
    const pauses = clock(reopened.body, "resolution").pauses;
    expect(pauses.at(-1)).toEqual({ from: iso(Date.UTC(2026, 2, 16, 15, 0)), to: iso(t.clock.now()) });
  });
});
