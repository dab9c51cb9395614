/**
 * The notification channels end to end, against a real SMTP server and a real HTTP receiver in
 * this process: what is queued in an event's transaction, what arrives (content, recipients,
 * threading, Standard Webhooks signatures recomputed here), retries on the row's schedule, the
 * deliveries log, preferences, quiet hours, digests, the webhook endpoints API, the job queue
 * wiring and the live stream.
 */
import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";
import { and, asc, eq, sql } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { events } from "../src/core/events/events.tables.ts";
import { type ServiceContext, withTransaction } from "../src/core/http/context.ts";
import { startJobs } from "../src/core/jobs/jobs.ts";
import {
  createTransports,
  DeliveryFailedError,
  deliverDue,
  deliverOutboxMessage,
  type MailResult,
  NO_SMTP,
  registerNotifyJobs,
  sendDueDigests,
  type Transports,
} from "../src/core/notify/deliver.ts";
import { LiveHub } from "../src/core/notify/live.ts";
import {
  emitWebhookEvent,
  type NewNotification,
  notifyUsers,
  publishLive,
} from "../src/core/notify/notify.ts";
import { deliveryAttempts, digestItems, notifications, outbox } from "../src/core/notify/notify.tables.ts";
import { MAX_ATTEMPTS, retryDelayMs } from "../src/core/notify/schedule.ts";
import { users } from "../src/modules/identity/identity.tables.ts";
import {
  startSmtpSink,
  startWebhookReceiver,
  type SmtpSink,
  waitUntil,
  type WebhookReceiver,
} from "./sinks.ts";
import {
  addPerson,
  createTenant,
  createTestApp,
  type Person,
  request,
  type Tenant,
  type TestApp,
  testConfig,
} from "./support.ts";

let t: TestApp;
let smtp: SmtpSink;
let hooks: WebhookReceiver;
let transports: Transports;

beforeAll(async () => {
  t = await createTestApp();
  smtp = await startSmtpSink({ user: "mailer", password: "s3cret pass" });
  hooks = await startWebhookReceiver();
  transports = createTransports({
    smtpUrl: smtp.url,
    mailFrom: "Liaison <liaison@liaison.test>",
    publicUrl: testConfig.publicUrl,
  });
});
afterAll(async () => {
  await transports?.close?.();
  await smtp?.close();
  await hooks?.close();
  await t?.close();
});

const db = () => t.database.db;
const inTx = <T>(fn: (tx: ServiceContext) => Promise<T>) => withTransaction(t.ctx, fn);
const deliver = (id: string, via: Transports = transports) => deliverOutboxMessage(db(), t.clock, via, id);
const mailsTo = (address: string) => smtp.mails.filter((m) => m.envelope.to.includes(address));
const requestsFor = (outboxId: string) => hooks.requests.filter((r) => r.headers["webhook-id"] === outboxId);
const row = async (id: string) => (await db().select().from(outbox).where(eq(outbox.id, id)))[0]!;
const attemptsOf = (id: string) =>
  db()
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.outboxId, id))
    .orderBy(asc(deliveryAttempts.attempt));
const emailsFor = (userId: string) =>
  db()
    .select()
    .from(outbox)
    .where(eq(outbox.userId, userId))
    .orderBy(asc(outbox.createdAt), asc(outbox.kind));
/** Moves the clock to `iso` (never backwards: tests share one clock). */
const moveTo = (iso: string) => {
  const target = Date.parse(iso);
  expect(target).toBeGreaterThanOrEqual(t.clock.now());
  t.clock.set(target);
};

async function call(as: Person | null, method: string, url: string, payload?: object) {
  const res = await request(t, as, { method: method as never, url, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}

/** Recomputes a Standard Webhooks signature from the secret, as a receiver would. */
function expectedSignature(secret: string, headers: Record<string, unknown>, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const mac = createHmac("sha256", key)
    .update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`)
    .digest("base64");
  return `v1,${mac}`;
}

const ticketNote = (tenant: Tenant, extra: Partial<NewNotification> = {}): NewNotification => ({
  relationshipId: tenant.relationshipId,
  kind: "ticket.updated",
  subject: "Ticket #7: update from the provider",
  body: "Printer <HP-4> & scanner fixed.\nPlease check.",
  link: `/r/${tenant.relationshipId}/tickets/7`,
  severity: "medium",
  ...extra,
});

const hooksOf = (tenant: Tenant) => `/api/v1/relationships/${tenant.relationshipId}/webhooks`;

async function putPreferences(person: Person, body: object) {
  return call(person, "PUT", "/api/v1/notifications/preferences", {
    kinds: [],
    timeZone: "UTC",
    quietHours: null,
    digest: "off",
    dailyDigestAt: "08:00",
    ...body,
  });
}

describe("email", () => {
  it("sends text and HTML to each recipient once, threaded by key, as the configured sender", async () => {
    const tenant = await createTenant(t, "Mail");
    const { executive, approver } = tenant.people;
    const thread = { key: "ticket-7", subject: "[#7] Printer down" };
    const count = await inTx((tx) =>
      notifyUsers(tx, [executive.userId, approver.userId, executive.userId], ticketNote(tenant, { thread })),
    );
    expect(count).toBe(2);
    const queued = [...(await emailsFor(executive.userId)), ...(await emailsFor(approver.userId))];
    expect(queued.map((r) => [r.status, r.attempts, r.relationshipId])).toEqual([
      ["pending", 0, tenant.relationshipId],
      ["pending", 0, tenant.relationshipId],
    ]);
    for (const r of queued)
      expect(await deliver(r.id)).toMatchObject({ outcome: "delivered", statusCode: 250 });

    const [first] = mailsTo(executive.email);
    expect(mailsTo(executive.email)).toHaveLength(1);
    expect(first!.envelope).toEqual({ from: "liaison@liaison.test", to: [executive.email] });
    expect(first!.user).toBe("mailer");
    const p = first!.parsed;
    expect(p.subject).toBe("[#7] Printer down");
    expect(p.from?.value).toEqual([{ name: "Liaison", address: "liaison@liaison.test" }]);
    expect(p.messageId).toBe(`<${queued[0]!.id}@liaison.test>`);
    expect(p.inReplyTo).toBeUndefined();
    expect(p.headers.get("auto-submitted")).toBe("auto-generated");
    const url = `http://liaison.test/r/${tenant.relationshipId}/tickets/7`;
    expect(p.text).toContain(
      "Ticket #7: update from the provider\n\nPrinter <HP-4> & scanner fixed.\nPlease check.",
    );
    expect(p.text).toContain(`Open in Liaison: ${url}`);
    expect(p.html).toContain("Printer &lt;HP-4&gt; &amp; scanner fixed.<br>Please check.");
    expect(p.html).toContain(`href="${url}"`);
    expect(p.html).toContain('href="http://liaison.test/settings/notifications"');

    // The next message of the thread answers each person's first one, under the same subject.
    t.clock.advance(60_000);
    await inTx((tx) =>
      notifyUsers(
        tx,
        [executive.userId, approver.userId],
        ticketNote(tenant, { subject: "Ticket #7 resolved", thread }),
      ),
    );
    for (const person of [executive, approver]) {
      const rows = await emailsFor(person.userId);
      expect(rows).toHaveLength(2);
      await deliver(rows[1]!.id);
      const [root, reply] = mailsTo(person.email);
      expect(reply!.parsed.subject).toBe("Re: [#7] Printer down");
      expect(reply!.parsed.messageId).toBe(`<${rows[1]!.id}@liaison.test>`);
      expect(reply!.parsed.inReplyTo).toBe(root!.parsed.messageId);
      expect([reply!.parsed.references].flat()).toEqual([root!.parsed.messageId]);
    }
    // In-app notifications were written in the same transactions.
    const inApp = await db().select().from(notifications).where(eq(notifications.userId, approver.userId));
    expect(inApp.map((n) => n.subject).sort()).toEqual([
      "Ticket #7 resolved",
      "Ticket #7: update from the provider",
    ]);
  });

  it("lets one worker claim an attempt; a send that outlives its lease is retried with the same Message-ID", async () => {
    const tenant = await createTenant(t, "Lease");
    const person = tenant.people.it_contact;
    await inTx((tx) => notifyUsers(tx, [person.userId], ticketNote(tenant)));
    const [queued] = await emailsFor(person.userId);
    let release!: (outcome: Error) => void;
    const stuck: Transports = {
      ...transports,
      sendMail: () => new Promise<MailResult>((_, reject) => (release = reject)),
    };
    const hung = deliver(queued!.id, stuck);
    await waitUntil(async () => (await attemptsOf(queued!.id)).length === 1);
    // A second worker (or a duplicate wake-up) finds the attempt under way and sends nothing.
    expect(await deliver(queued!.id)).toMatchObject({ outcome: "in_progress" });
    expect(mailsTo(person.email)).toHaveLength(0);

    // The first worker is presumed dead once its lease has passed: the message goes again.
    t.clock.advance(10 * 60_000 + 1);
    expect(await deliver(queued!.id)).toMatchObject({ outcome: "delivered", attempt: 2 });
    release(new Error("connection reset"));
    await expect(hung).rejects.toBeInstanceOf(DeliveryFailedError);

    // The late failure is logged but does not undo the delivery it lost the row to.
    expect(await row(queued!.id)).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 250 });
    expect((await attemptsOf(queued!.id)).map((a) => [a.attempt, a.ok, a.statusCode, a.error])).toEqual([
      [1, false, null, "connection reset"],
      [2, true, 250, null],
    ]);
    expect(mailsTo(person.email).map((m) => m.parsed.messageId)).toEqual([`<${queued!.id}@liaison.test>`]);
    expect(await deliver(queued!.id)).toEqual({ outcome: "finished", status: "delivered" });
  });

  it("records email as not sent when no SMTP server is configured, and fails at once on a permanent refusal", async () => {
    const tenant = await createTenant(t, "NoSmtp");
    const person = tenant.people.executive;
    await inTx((tx) => notifyUsers(tx, [person.userId], ticketNote(tenant)));
    const [queued] = await emailsFor(person.userId);
    const none = createTransports({
      smtpUrl: "",
      mailFrom: "liaison@x.test",
      publicUrl: testConfig.publicUrl,
    });
    const err = await deliver(queued!.id, none).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryFailedError);
    expect((err as DeliveryFailedError).retryAt).toBeNull();
    expect(await row(queued!.id)).toMatchObject({ status: "failed", attempts: 1, lastError: NO_SMTP });
    expect((await attemptsOf(queued!.id))[0]).toMatchObject({ ok: false, error: NO_SMTP });

    // 550: the server will refuse it again; 451: it may take it later.
    t.clock.advance(1000);
    await inTx((tx) => notifyUsers(tx, [person.userId], ticketNote(tenant, { subject: "Second" })));
    t.clock.advance(1000);
    await inTx((tx) => notifyUsers(tx, [person.userId], ticketNote(tenant, { subject: "Third" })));
    const [, second, third] = await emailsFor(person.userId);
    smtp.failNext({ code: 550, message: "No such user here" }, { code: 451, message: "Try again later" });
    const refused = (await deliver(second!.id).catch((e: unknown) => e)) as DeliveryFailedError;
    expect([refused.statusCode, refused.retryAt]).toEqual([550, null]);
    expect(await row(second!.id)).toMatchObject({ status: "failed", lastStatusCode: 550 });
    const later = (await deliver(third!.id).catch((e: unknown) => e)) as DeliveryFailedError;
    expect([later.statusCode, later.retryAt]).toEqual([451, t.clock.now() + retryDelayMs(1)]);
    expect(await row(third!.id)).toMatchObject({ status: "pending", lastStatusCode: 451 });
  });
});

describe("preferences, quiet hours and digests", () => {
  it("are read and replaced by their owner, validated, and audited", async () => {
    const tenant = await createTenant(t, "Prefs");
    const me = tenant.people.approver;
    const initial = await call(me, "GET", "/api/v1/notifications/preferences");
    expect(initial.status).toBe(200);
    expect(initial.body).toMatchObject({ timeZone: "UTC", quietHours: null, digest: "off", updatedAt: null });
    expect(initial.body.kinds).toContainEqual(
      expect.objectContaining({ kind: "protocol.proposed", inApp: true, email: true }),
    );

    const saved = await putPreferences(me, {
      kinds: [{ kind: "ticket.updated", inApp: true, email: false }],
      timeZone: "europe/berlin",
      quietHours: { start: "22:00", end: "07:00" },
      digest: "daily",
      dailyDigestAt: "08:30",
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({
      timeZone: "Europe/Berlin",
      quietHours: { start: "22:00", end: "07:00" },
      digest: "daily",
      dailyDigestAt: "08:30",
    });
    expect(saved.body.kinds).toContainEqual({
      kind: "ticket.updated",
      group: "Other",
      label: "ticket.updated",
      inApp: true,
      email: false,
    });
    expect((await call(me, "GET", "/api/v1/notifications/preferences")).body).toEqual(saved.body);
    const [audit] = await db()
      .select()
      .from(events)
      .where(and(eq(events.chain, me.userId), eq(events.action, "notification_preferences.updated")));
    expect(audit!.after).toMatchObject({
      timeZone: "Europe/Berlin",
      turnedOff: ["ticket.updated:email"],
      digest: "daily",
    });

    const bad = await putPreferences(me, {
      timeZone: "Mars/Olympus_Mons",
      quietHours: { start: "07:00", end: "07:00" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual([
      "body.timeZone",
      "body.quietHours.end",
    ]);
    const badKind = await putPreferences(me, {
      kinds: [{ kind: "Tickets", inApp: true, email: true }],
      dailyDigestAt: "25:00",
    });
    expect(badKind.status).toBe(400);
    expect(badKind.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "body.dailyDigestAt",
      "body.kinds.0.kind",
    ]);
    // Refusals change nothing.
    expect((await call(me, "GET", "/api/v1/notifications/preferences")).body).toEqual(saved.body);
    // API tokens have no preferences (the route is for signed-in people).
    const token = await call(
      tenant.people.clientAdmin,
      "POST",
      `/api/v1/relationships/${tenant.relationshipId}/tokens`,
      {
        name: "prefs",
        role: "it_contact",
      },
    );
    const res = await t.app.inject({
      method: "GET",
      url: "/api/v1/notifications/preferences",
      headers: { authorization: `Bearer ${token.body.secret}` },
    });
    expect(res.statusCode).toBe(403);
  });

  it("send by each person's channels; hold ordinary email through quiet hours but not critical", async () => {
    moveTo("2026-03-03T22:30:00Z"); // 23:30 in Berlin
    const tenant = await createTenant(t, "Quiet");
    const { executive, approver, member } = tenant.people;
    expect(
      (
        await putPreferences(executive, {
          kinds: [
            { kind: "ticket.updated", inApp: true, email: false },
            { kind: "ticket.breached", inApp: false, email: true },
          ],
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await putPreferences(approver, {
          timeZone: "Europe/Berlin",
          quietHours: { start: "22:00", end: "07:00" },
        })
      ).status,
    ).toBe(200);
    await db()
      .update(users)
      .set({ disabledAt: new Date(t.clock.now()) })
      .where(eq(users.id, member.userId));

    const everyone = [executive.userId, approver.userId, member.userId];
    expect(await inTx((tx) => notifyUsers(tx, everyone, ticketNote(tenant)))).toBe(2);
    expect(
      await inTx((tx) =>
        notifyUsers(
          tx,
          everyone,
          ticketNote(tenant, {
            kind: "ticket.breached",
            subject: "Response time breached",
            severity: "critical",
          }),
        ),
      ),
    ).toBe(2);

    const inAppOf = async (p: Person) =>
      (await db().select().from(notifications).where(eq(notifications.userId, p.userId)))
        .map((n) => n.kind)
        .sort();
    expect(await inAppOf(executive)).toEqual(["ticket.updated"]);
    expect(await inAppOf(approver)).toEqual(["ticket.breached", "ticket.updated"]);
    expect(await inAppOf(member)).toEqual([]);
    const execMail = await emailsFor(executive.userId);
    expect(execMail.map((r) => r.kind)).toEqual(["ticket.breached"]);
    expect(await emailsFor(member.userId)).toEqual([]);

    const approverMail = await emailsFor(approver.userId);
    const ordinary = approverMail.find((r) => r.kind === "ticket.updated")!;
    const critical = approverMail.find((r) => r.kind === "ticket.breached")!;
    expect(ordinary.nextAttemptAt.toISOString()).toBe("2026-03-04T06:00:00.000Z"); // 07:00 in Berlin
    expect(critical.nextAttemptAt.getTime()).toBe(t.clock.now());

    expect(await deliver(ordinary.id)).toEqual({ outcome: "not_due", nextAttemptAt: ordinary.nextAttemptAt });
    await deliver(critical.id);
    await deliver(execMail[0]!.id);
    expect(mailsTo(approver.email).map((m) => m.parsed.subject)).toEqual(["Response time breached"]);
    moveTo("2026-03-04T06:00:00Z");
    await deliver(ordinary.id);
    expect(mailsTo(approver.email).map((m) => m.parsed.subject)).toEqual([
      "Response time breached",
      "Ticket #7: update from the provider",
    ]);
  });

  it("collect low-severity email into one digest at the chosen time", async () => {
    moveTo("2026-03-05T10:20:00Z");
    const tenant = await createTenant(t, "Digest");
    const me = tenant.people.senior_technician;
    expect((await putPreferences(me, { digest: "hourly" })).status).toBe(200);
    await inTx((tx) =>
      notifyUsers(tx, [me.userId], ticketNote(tenant, { subject: "Note one", severity: "low" })),
    );
    t.clock.advance(5 * 60_000);
    await inTx((tx) =>
      notifyUsers(tx, [me.userId], ticketNote(tenant, { subject: "Note <two>", severity: "low" })),
    );
    await inTx((tx) =>
      notifyUsers(tx, [me.userId], ticketNote(tenant, { subject: "Not low", severity: "high" })),
    );

    expect((await emailsFor(me.userId)).map((r) => r.kind)).toEqual(["ticket.updated"]); // the high one
    const held = await db().select().from(digestItems).where(eq(digestItems.userId, me.userId));
    expect(held.map((i) => [i.subject, i.outboxId])).toEqual([
      ["Note one", null],
      ["Note <two>", null],
    ]);
    expect(await db().$count(notifications, eq(notifications.userId, me.userId))).toBe(3);

    expect(await sendDueDigests(db(), t.clock, transports)).toBe(0);
    moveTo("2026-03-05T11:00:00Z");
    expect(await sendDueDigests(db(), t.clock, transports)).toBe(1);
    expect(await sendDueDigests(db(), t.clock, transports)).toBe(0);
    const digest = mailsTo(me.email).find((m) => m.parsed.subject?.startsWith("Liaison digest"))!;
    expect(digest.parsed.subject).toBe("Liaison digest: 2 notifications");
    expect(digest.parsed.text).toMatch(
      /\* Note one \(5 Mar 2026, 10:20\)[\s\S]*\* Note <two> \(5 Mar 2026, 10:25\)/,
    );
    expect(digest.parsed.html).toContain("Note &lt;two&gt;");
    const rows = await emailsFor(me.userId);
    const digestRow = rows.find((r) => r.kind === "notification.digest")!;
    expect(digestRow).toMatchObject({ status: "delivered", relationshipId: null });
    expect(digest.parsed.messageId).toBe(`<${digestRow.id}@liaison.test>`);
    const taken = await db().select().from(digestItems).where(eq(digestItems.userId, me.userId));
    expect(taken.every((i) => i.outboxId === digestRow.id)).toBe(true);
  });
});

describe("webhooks", () => {
  it("are managed by each side's admins only, with the secret shown once and every change audited", async () => {
    moveTo("2026-03-06T09:00:00Z");
    const tenant = await createTenant(t, "Hooks");
    const { clientAdmin, providerAdmin, technician, it_contact } = tenant.people;
    const created = await call(clientAdmin, "POST", hooksOf(tenant), {
      url: `${hooks.url}/psa/T0K3N-in-path`,
      description: "Our PSA",
      events: ["protocol.*", "ticket.breached"],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{44}$/);
    expect(created.body.endpoint).toMatchObject({
      url: `${hooks.url}/psa/T0K3N-in-path`,
      events: ["protocol.*", "ticket.breached"],
      enabled: true,
      secretHint: `${created.body.secret.slice(0, 10)}…`,
      createdBy: { id: clientAdmin.userId, name: clientAdmin.name },
    });
    const listed = await call(clientAdmin, "GET", hooksOf(tenant));
    expect(listed.body.items.map((e: { id: string }) => e.id)).toEqual([created.body.endpoint.id]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);

    // The other side's admin sees only their own; non-admins are refused; bad input names the field.
    expect((await call(providerAdmin, "GET", hooksOf(tenant))).body.items).toEqual([]);
    const theirs = `${hooksOf(tenant)}/${created.body.endpoint.id}`;
    expect((await call(providerAdmin, "PATCH", theirs, { enabled: false })).status).toBe(404);
    expect((await call(providerAdmin, "POST", `${theirs}/test`)).status).toBe(404);
    expect((await call(technician, "GET", hooksOf(tenant))).status).toBe(403);
    expect((await call(it_contact, "POST", hooksOf(tenant), { url: "https://x.example/h" })).status).toBe(
      403,
    );
    const bad = await call(clientAdmin, "POST", hooksOf(tenant), {
      url: "ftp://x.example/h",
      events: ["Ticket!"],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "body.events.0",
      "body.url",
    ]);
    const creds = await call(clientAdmin, "POST", hooksOf(tenant), { url: "https://user:pw@x.example/h" });
    expect([creds.status, creds.body.errors[0].path]).toEqual([400, "body.url"]);

    const updated = await call(clientAdmin, "PATCH", theirs, {
      events: [],
      enabled: false,
      description: "PSA (paused)",
    });
    expect(updated.body).toMatchObject({ events: [], enabled: false, description: "PSA (paused)" });
    const rotated = await call(clientAdmin, "POST", `${theirs}/rotate-secret`);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect(rotated.body.endpoint.previousSecretUntil).toBe("2026-03-07T09:00:00.000Z");
    expect((await call(clientAdmin, "DELETE", theirs)).status).toBe(204);
    expect((await call(clientAdmin, "GET", hooksOf(tenant))).body.items).toEqual([]);
    expect((await call(clientAdmin, "GET", `${theirs}/deliveries`)).status).toBe(404);

    const trail = await db()
      .select()
      .from(events)
      .where(and(eq(events.chain, tenant.relationshipId), eq(events.subjectId, created.body.endpoint.id)))
      .orderBy(asc(events.seq));
    expect(trail.map((e) => e.action)).toEqual([
      "webhook_endpoint.created",
      "webhook_endpoint.updated",
      "webhook_endpoint.secret_rotated",
      "webhook_endpoint.deleted",
    ]);
    // Both sides read the trail: no secrets, and no URL path (often a credential itself).
    const text = JSON.stringify(trail);
    for (const secret of [created.body.secret, rotated.body.secret]) expect(text).not.toContain(secret);
    expect(text).not.toContain("T0K3N");
  });

  it("deliver an event to both sides' subscribed endpoints, signed per Standard Webhooks", async () => {
    const tenant = await createTenant(t, "Signed");
    const { clientAdmin, providerAdmin } = tenant.people;
    const client = await call(clientAdmin, "POST", hooksOf(tenant), {
      url: `${hooks.url}/client`,
      events: ["protocol.*"],
    });
    const provider = await call(providerAdmin, "POST", hooksOf(tenant), { url: `${hooks.url}/provider` });
    const off = await call(providerAdmin, "POST", hooksOf(tenant), {
      url: `${hooks.url}/off`,
      enabled: false,
    });
    expect([client.status, provider.status, off.status]).toEqual([201, 201, 201]);

    // Proposing a protocol version is an event both organizations' systems hear about.
    const base = `/api/v1/relationships/${tenant.relationshipId}/protocol/versions`;
    const draft = await call(providerAdmin, "POST", base, {});
    expect((await call(providerAdmin, "POST", `${base}/${draft.body.id}/propose`, {})).status).toBe(200);
    expect(
      await inTx((tx) =>
        emitWebhookEvent(tx, tenant.relationshipId, "ticket.created", { ticket: { number: 1 } }),
      ),
    ).toBe(1);

    const queued = await db()
      .select()
      .from(outbox)
      .where(and(eq(outbox.relationshipId, tenant.relationshipId), eq(outbox.channel, "webhook")))
      .orderBy(asc(outbox.kind), asc(outbox.endpointId));
    expect(queued.map((r) => [r.kind, r.endpointId]).sort()).toEqual(
      [
        ["protocol.proposed", client.body.endpoint.id],
        ["protocol.proposed", provider.body.endpoint.id],
        ["ticket.created", provider.body.endpoint.id],
      ].sort(),
    );
    for (const r of queued) await deliver(r.id);

    const secrets: Record<string, string> = {
      [client.body.endpoint.id]: client.body.secret,
      [provider.body.endpoint.id]: provider.body.secret,
    };
    for (const r of queued) {
      const [req] = requestsFor(r.id);
      expect(req, r.kind).toBeDefined();
      expect(requestsFor(r.id)).toHaveLength(1);
      expect(req!.url).toBe(r.endpointId === client.body.endpoint.id ? "/client" : "/provider");
      expect(req!.method).toBe("POST");
      expect(req!.headers["content-type"]).toBe("application/json");
      expect(req!.headers["webhook-timestamp"]).toBe(String(Math.floor(t.clock.now() / 1000)));
      expect(req!.headers["webhook-signature"]).toBe(
        expectedSignature(secrets[r.endpointId!]!, req!.headers, req!.body),
      );
      const payload = JSON.parse(req!.body);
      expect(payload).toMatchObject({
        type: r.kind,
        timestamp: new Date(t.clock.now()).toISOString(),
        data: { relationshipId: tenant.relationshipId },
      });
      if (r.kind === "protocol.proposed")
        expect(payload.data).toMatchObject({ versionId: draft.body.id, number: 1 });
      expect(await row(r.id)).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200 });
    }
    // A signature made with another endpoint's secret does not verify.
    const [one] = requestsFor(queued[0]!.id);
    const other =
      queued[0]!.endpointId === client.body.endpoint.id ? provider.body.secret : client.body.secret;
    expect(one!.headers["webhook-signature"]).not.toBe(expectedSignature(other, one!.headers, one!.body));
  });

  it("retry a failed delivery on the row's backoff schedule, log each attempt's code, and deliver once", async () => {
    const tenant = await createTenant(t, "Retry");
    const admin = tenant.people.clientAdmin;
    const created = await call(admin, "POST", hooksOf(tenant), { url: `${hooks.url}/retry` });
    const endpoint = `${hooksOf(tenant)}/${created.body.endpoint.id}`;
    const test = await call(admin, "POST", `${endpoint}/test`);
    expect(test.status).toBe(202);
    const { outboxId } = test.body;

    hooks.respond(500, 200);
    const start = t.clock.now();
    const failed = (await deliver(outboxId).catch((e: unknown) => e)) as DeliveryFailedError;
    expect(failed).toBeInstanceOf(DeliveryFailedError);
    expect([failed.statusCode, failed.retryAt]).toEqual([500, start + 30_000]);
    expect(await row(outboxId)).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatusCode: 500,
      nextAttemptAt: new Date(start + 30_000),
    });

    t.clock.advance(29_999);
    expect(await deliver(outboxId)).toEqual({ outcome: "not_due", nextAttemptAt: new Date(start + 30_000) });
    expect(requestsFor(outboxId)).toHaveLength(1);
    t.clock.advance(1);
    expect(await deliver(outboxId)).toEqual({ outcome: "delivered", attempt: 2, statusCode: 200 });
    expect(requestsFor(outboxId).map((r) => r.status)).toEqual([500, 200]);
    const [firstTry, secondTry] = requestsFor(outboxId);
    expect(JSON.parse(secondTry!.body)).toEqual(JSON.parse(firstTry!.body)); // the same message, re-signed
    expect(JSON.parse(firstTry!.body)).toMatchObject({
      type: "webhook.test",
      data: { endpointId: created.body.endpoint.id },
    });
    expect(
      Number(secondTry!.headers["webhook-timestamp"]) - Number(firstTry!.headers["webhook-timestamp"]),
    ).toBe(30);

    const log = await call(admin, "GET", `${endpoint}/deliveries`);
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(1);
    expect(log.body.items[0]).toMatchObject({
      id: outboxId,
      type: "webhook.test",
      status: "delivered",
      attempts: 2,
      lastStatusCode: 200,
      nextAttemptAt: null,
    });
    expect(log.body.items[0].log).toMatchObject([
      { attempt: 2, ok: true, statusCode: 200, error: null, responseExcerpt: "ok" },
      {
        attempt: 1,
        ok: false,
        statusCode: 500,
        error: "the receiver answered 500 Internal Server Error",
        responseExcerpt: "refused with 500",
      },
    ]);
    const [audit] = await db()
      .select()
      .from(events)
      .where(and(eq(events.chain, tenant.relationshipId), eq(events.action, "webhook_endpoint.test_sent")));
    expect(audit!.after).toEqual({ deliveryId: outboxId });
  });

  it("mark a delivery failed after the retry limit, visible in the log", async () => {
    const tenant = await createTenant(t, "Limit");
    const admin = tenant.people.providerAdmin;
    const created = await call(admin, "POST", hooksOf(tenant), { url: `${hooks.url}/down` });
    const endpoint = `${hooksOf(tenant)}/${created.body.endpoint.id}`;
    const { outboxId } = (await call(admin, "POST", `${endpoint}/test`)).body;
    hooks.respond(...Array<number>(MAX_ATTEMPTS).fill(503));
    for (let n = 1; n <= MAX_ATTEMPTS; n++) {
      const err = (await deliver(outboxId).catch((e: unknown) => e)) as DeliveryFailedError;
      expect(err).toBeInstanceOf(DeliveryFailedError);
      expect(err.attempt).toBe(n);
      if (n < MAX_ATTEMPTS) {
        expect(err.retryAt).toBe(t.clock.now() + retryDelayMs(n));
        t.clock.set(err.retryAt!);
      } else {
        expect(err.retryAt).toBeNull();
      }
    }
    expect(await row(outboxId)).toMatchObject({
      status: "failed",
      attempts: MAX_ATTEMPTS,
      lastStatusCode: 503,
    });
    expect(await deliver(outboxId)).toEqual({ outcome: "finished", status: "failed" });
    expect(requestsFor(outboxId)).toHaveLength(MAX_ATTEMPTS);
    const log = (await call(admin, "GET", `${endpoint}/deliveries`)).body.items[0];
    expect(log).toMatchObject({
      status: "failed",
      attempts: MAX_ATTEMPTS,
      lastError: "the receiver answered 503 Service Unavailable",
    });
    expect(log.log.map((a: { attempt: number; statusCode: number }) => [a.attempt, a.statusCode])).toEqual(
      Array.from({ length: MAX_ATTEMPTS }, (_, i) => [MAX_ATTEMPTS - i, 503]),
    );
    // The gaps between attempts are the documented schedule.
    const started = (await attemptsOf(outboxId)).map((a) => a.startedAt.getTime());
    expect(started.slice(1).map((s, i) => s - started[i]!)).toEqual(
      Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => retryDelayMs(i + 1)),
    );
  });

  it("sign with both secrets while a rotation overlaps, and record receivers that do not answer", async () => {
    const tenant = await createTenant(t, "Rotate");
    const admin = tenant.people.clientAdmin;
    const created = await call(admin, "POST", hooksOf(tenant), { url: `${hooks.url}/rotating` });
    const endpoint = `${hooksOf(tenant)}/${created.body.endpoint.id}`;
    const rotated = await call(admin, "POST", `${endpoint}/rotate-secret`);
    const during = (await call(admin, "POST", `${endpoint}/test`)).body.outboxId;
    await deliver(during);
    const [req] = requestsFor(during);
    expect(req!.headers["webhook-signature"]).toBe(
      [
        expectedSignature(rotated.body.secret, req!.headers, req!.body),
        expectedSignature(created.body.secret, req!.headers, req!.body),
      ].join(" "),
    );
    t.clock.advance(24 * 3_600_000 + 1);
    // A day on, the first admin's session has expired; another admin carries on.
    const admin2 = await addPerson(t, tenant.clientOrgId, "it_contact", true);
    const after = (await call(admin2, "POST", `${endpoint}/test`)).body.outboxId;
    await deliver(after);
    const [late] = requestsFor(after);
    expect(late!.headers["webhook-signature"]).toBe(
      expectedSignature(rotated.body.secret, late!.headers, late!.body),
    );

    // No answer in time, and nobody listening: both are attempts with a reason, retried later.
    await call(admin2, "PATCH", endpoint, { url: `${hooks.url}/slow` });
    const slow = (await call(admin2, "POST", `${endpoint}/test`)).body.outboxId;
    const quick = { ...transports, webhookTimeoutMs: 200 };
    const timedOut = (await deliver(slow, quick).catch((e: unknown) => e)) as DeliveryFailedError;
    expect([timedOut.reason, timedOut.statusCode]).toEqual(["no answer within the time limit", null]);
    const closed = await startWebhookReceiver();
    await closed.close();
    await call(admin2, "PATCH", endpoint, { url: `${closed.url}/gone` });
    const gone = (await call(admin2, "POST", `${endpoint}/test`)).body.outboxId;
    const refused = (await deliver(gone).catch((e: unknown) => e)) as DeliveryFailedError;
    expect(refused.reason).toContain("ECONNREFUSED");
    expect(refused.retryAt).toBe(t.clock.now() + retryDelayMs(1));

    // Deleting the endpoint drops what is still waiting.
    expect((await call(admin2, "DELETE", endpoint)).status).toBe(204);
    expect(await row(slow)).toMatchObject({
      status: "failed",
      lastError: "not sent: the endpoint was deleted",
    });
    expect(await row(gone)).toMatchObject({ status: "failed" });
  });
});

describe("delivery", () => {
  it("never holds up the event: a proposal commits with every receiver down, and the sweep records the failures", async () => {
    moveTo("2026-03-10T09:00:00Z");
    // Whatever earlier tests left waiting goes out first, so what is due below is this test's.
    await deliverDue(db(), t.clock, transports, { limit: 1000 });
    const tenant = await createTenant(t, "Down");
    const admin = tenant.people.providerAdmin;
    const dead = await startWebhookReceiver();
    await dead.close();
    await call(admin, "POST", hooksOf(tenant), { url: `${dead.url}/h` });
    const down = createTransports({
      smtpUrl: `smtp://127.0.0.1:${new URL(dead.url).port}`,
      mailFrom: "liaison@liaison.test",
      publicUrl: testConfig.publicUrl,
    });
    const base = `/api/v1/relationships/${tenant.relationshipId}/protocol/versions`;
    const draft = await call(admin, "POST", base, {});
    expect((await call(admin, "POST", `${base}/${draft.body.id}/propose`, {})).status).toBe(200);
    const mine = () => db().select().from(outbox).where(eq(outbox.relationshipId, tenant.relationshipId));
    const queued = await mine();
    expect(queued.filter((r) => r.channel === "webhook")).toHaveLength(1);
    expect(queued.filter((r) => r.channel === "email").length).toBeGreaterThan(0);

    expect(await deliverDue(db(), t.clock, down)).toBe(0);
    for (const r of await mine()) {
      expect(r).toMatchObject({
        status: "pending",
        attempts: 1,
        nextAttemptAt: new Date(t.clock.now() + 30_000),
      });
      expect(r.lastError).toContain("ECONNREFUSED");
    }
    t.clock.advance(30_000);
    hooks.otherwise = 200;
    await call(
      admin,
      "PATCH",
      `${hooksOf(tenant)}/${queued.find((r) => r.channel === "webhook")!.endpointId}`,
      {
        url: `${hooks.url}/back`,
      },
    );
    expect(await deliverDue(db(), t.clock, transports)).toBe(queued.length);
    expect((await mine()).every((r) => r.status === "delivered" && r.attempts === 2)).toBe(true);
  });

  it("is woken by the job queue after commit, and nothing of a rolled-back event goes out", async () => {
    const jobs = await startJobs(t.database, { supervise: false });
    try {
      await registerNotifyJobs(jobs.boss, {
        db: db(),
        clock: t.clock,
        transports,
        log: pino({ level: "silent" }),
        pollingIntervalSeconds: 0.5,
      });
      const tenant = await createTenant(t, "Jobs");
      const person = tenant.people.advisor;
      const ctx: ServiceContext = { ...t.ctx, jobs };
      await expect(
        withTransaction(ctx, async (tx) => {
          await notifyUsers(tx, [person.userId], ticketNote(tenant, { subject: "Never happened" }));
          throw new Error("the event failed");
        }),
      ).rejects.toThrow("the event failed");
      await withTransaction(ctx, (tx) =>
        notifyUsers(tx, [person.userId], ticketNote(tenant, { subject: "Happened" })),
      );
      await waitUntil(() => mailsTo(person.email).length > 0, 20_000);
      const [queued] = await emailsFor(person.userId);
      await waitUntil(async () => (await row(queued!.id)).status === "delivered");
      await new Promise((r) => setTimeout(r, 1500)); // a rolled-back wake-up would have fired by now
      expect(mailsTo(person.email).map((m) => m.parsed.subject)).toEqual(["Happened"]);
      expect(await emailsFor(person.userId)).toHaveLength(1);
    } finally {
      await jobs.stop();
    }
  });
});

describe("live stream", () => {
  it("tells a signed-in person about their notifications and their relationships' changes, after commit only", async () => {
    const live = new LiveHub(t.database);
    const app = await buildApp({
      database: t.database,
      config: testConfig,
      clock: t.clock,
      logger: false,
      live,
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const tenant = await createTenant(t, "Live");
      const elsewhere = await createTenant(t, "Elsewhere");
      const me = tenant.people.member;
      expect((await fetch(`${origin}/api/v1/notifications/stream`)).status).toBe(401);

      const hangUp = new AbortController();
      const res = await fetch(`${origin}/api/v1/notifications/stream`, {
        headers: { cookie: me.cookie },
        signal: hangUp.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      expect(res.headers.get("cache-control")).toBe("no-store");
      const next = eventReader(res.body!);
      expect(await next()).toEqual({ event: "ready", data: {} });
      expect(live.size).toBe(1);

      // Not party to it, rolled back, someone else's: none of these reach the stream.
      await inTx((tx) =>
        publishLive(tx, { relationshipId: elsewhere.relationshipId, topic: "tickets", id: "x" }),
      );
      await inTx(async (tx) => {
        await notifyUsers(tx, [me.userId], ticketNote(tenant));
        await publishLive(tx, { relationshipId: tenant.relationshipId, topic: "tickets", id: "rolled-back" });
        await tx.db.execute(sql`select 1/0`);
      }).catch(() => {});
      await inTx((tx) => notifyUsers(tx, [tenant.people.executive.userId], ticketNote(tenant)));

      await inTx((tx) =>
        publishLive(tx, { relationshipId: tenant.relationshipId, topic: "tickets", id: "t-1" }),
      );
      await inTx((tx) => notifyUsers(tx, [me.userId], ticketNote(tenant, { kind: "ticket.resolved" })));
      expect(await next()).toEqual({
        event: "ping",
        data: { relationshipId: tenant.relationshipId, topic: "tickets", id: "t-1" },
      });
      expect(await next()).toEqual({
        event: "notification",
        data: { relationshipId: tenant.relationshipId, kind: "ticket.resolved" },
      });

      hangUp.abort();
      await waitUntil(() => live.size === 0);
    } finally {
      await app.close();
    }
  });
});

/** Reads server-sent events one at a time, skipping comments and the retry field. */
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return async (): Promise<{ event: string; data: unknown }> => {
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(
          block
            .split("\n")
            .filter((l) => l && !l.startsWith(":"))
            .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trimStart()]),
        );
        if (fields.event) return { event: fields.event, data: JSON.parse(fields.data ?? "null") };
        continue;
      }
      const { done, value } = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no event within 5 s")), 5000)),
      ]);
      if (done) throw new Error("the stream ended");
      buffer += decoder.decode(value, { stream: true });
    }
  };
}
