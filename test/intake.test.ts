/**
 * Tickets by email: the relationship's intake address, the inbound endpoint a mail gateway posts
 * raw RFC 5322 messages to, threading of replies, refusals, and the `liaison intake maildir`
 * command on a real Maildir. Messages are real RFC 5322 text: CRLF line ends, MIME parts.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { ConfigError, loadConfig } from "../src/core/config.ts";
import { type Database, openDatabase } from "../src/core/db/index.ts";
import { events } from "../src/core/events/events.tables.ts";
import type { ServiceContext } from "../src/core/http/context.ts";
import { emailThreads } from "../src/core/notify/notify.tables.ts";
import { ManualClock } from "../src/core/time/clock.ts";
import { ticketIntakeKeys } from "../src/modules/tickets/intake.tables.ts";
import { replyText, titleFromSubject, withoutSignature } from "../src/modules/tickets/intake.text.ts";
import { ticketEntries, tickets } from "../src/modules/tickets/tickets.tables.ts";
import {
  activateProtocol,
  addPerson,
  createTenant,
  createTestApp,
  createTestDatabase,
  type Person,
  request,
  snapshotDatabase,
  type Tenant,
  testConfig,
  type TestApp,
} from "./support.ts";

const SECRET = "intake-secret-0123456789abcdef";
const DOMAIN = "intake.test";

/** A TestApp on `database` with email intake switched on (or off, without a secret). */
async function appOn(database: TestApp["database"], secret = SECRET): Promise<TestApp> {
  const clock = new ManualClock(Date.UTC(2026, 2, 2, 9, 0, 0));
  const config = { ...testConfig, sessionTtlHours: 24 * 365, intakeDomain: DOMAIN, intakeSecret: secret };
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

let t: TestApp;
let tenant: Tenant;
let address: string;
beforeAll(async () => {
  t = await appOn(await createTestDatabase());
  tenant = await createTenant(t, "Intake");
  await activateProtocol(t, tenant);
  address = await intakeAddressOf(tenant);
});
afterAll(async () => t?.close());

async function intakeAddressOf(x: Tenant, as: Person = x.people.member): Promise<string> {
  const res = await request(t, as, {
    method: "GET",
    url: `/api/v1/relationships/${x.relationshipId}/tickets/intake-address`,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().address;
}

let seq = 0;
const newMessageId = () => `<msg-${++seq}-${Date.now()}@mail.client.example>`;

interface Msg {
  from: string;
  to?: string;
  subject: string;
  text?: string;
  html?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  attachments?: { name: string; type: string; content: string }[];
}

/** An RFC 5322 message: text, HTML or both (multipart/alternative), with attachments (multipart/mixed). */
function rfc5322(m: Msg): string {
  const head = [
    `From: ${m.from}`,
    `To: ${m.to ?? address}`,
    `Subject: ${m.subject}`,
    "Date: Mon, 02 Mar 2026 09:00:00 +0000",
    `Message-ID: ${m.messageId ?? newMessageId()}`,
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`] : []),
    ...(m.references?.length ? [`References: ${m.references.join(" ")}`] : []),
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    "MIME-Version: 1.0",
  ];
  const textPart = (s: string) => ["Content-Type: text/plain; charset=utf-8", "", s];
  const htmlPart = (s: string) => ["Content-Type: text/html; charset=utf-8", "", s];
  let body: string[];
  if (m.text !== undefined && m.html !== undefined) {
    body = [
      'Content-Type: multipart/alternative; boundary="alt"',
      "",
      "--alt",
      ...textPart(m.text),
      "--alt",
      ...htmlPart(m.html),
      "--alt--",
    ];
  } else body = m.html !== undefined ? htmlPart(m.html) : textPart(m.text ?? "");
  if (m.attachments?.length) {
    body = [
      'Content-Type: multipart/mixed; boundary="mix"',
      "",
      "--mix",
      ...body,
      ...m.attachments.flatMap((a) => [
        "--mix",
        `Content-Type: ${a.type}; name="${a.name}"`,
        `Content-Disposition: attachment; filename="${a.name}"`,
        "Content-Transfer-Encoding: base64",
        "",
        Buffer.from(a.content).toString("base64"),
      ]),
      "--mix--",
    ];
  }
  return [...head, ...body, ""].join("\r\n");
}

const post = (raw: string, secret: string | null = SECRET, type = "message/rfc822") =>
  t.app.inject({
    method: "POST",
    url: "/api/v1/intake/email",
    headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), "content-type": type },
    payload: raw,
  });

const fromOf = (p: Person) => `"${p.name}" <${p.email}>`;
const ticketRow = async (id: string) =>
  (await t.database.db.select().from(tickets).where(eq(tickets.id, id)))[0]!;
const entriesOf = (id: string) =>
  t.database.db
    .select()
    .from(ticketEntries)
    .where(eq(ticketEntries.ticketId, id))
    .orderBy(asc(ticketEntries.createdAt));

async function raiseByEmail(x: Tenant, subject: string, messageId = newMessageId()) {
  const res = await post(
    rfc5322({
      from: fromOf(x.people.member),
      to: await intakeAddressOf(x),
      subject,
      text: "It broke.",
      messageId,
    }),
  );
  expect(res.statusCode, res.body).toBe(202);
  return { ...(res.json() as { ticketId: string; ticketNumber: number }), messageId };
}

const tech = (x: Tenant) => x.people.technician;
const act = (x: Tenant, as: Person, id: string, action: string, payload: object = {}) =>
  request(t, as, {
    method: "POST",
    url: `/api/v1/relationships/${x.relationshipId}/tickets/${id}/${action}`,
    payload,
  });

describe("the intake address", () => {
  it("is the same unguessable address for everyone in the relationship, and only theirs", async () => {
    expect(address).toMatch(/^tickets\+[a-z2-7]{24}@intake\.test$/);
    expect(await intakeAddressOf(tenant, tenant.people.technician)).toBe(address);
    const other = await createTenant(t, "Intake other");
    const theirs = await intakeAddressOf(other);
    expect(theirs).not.toBe(address);
    const peek = await request(t, other.people.clientAdmin, {
      method: "GET",
      url: `/api/v1/relationships/${tenant.relationshipId}/tickets/intake-address`,
    });
    expect(peek.statusCode).toBe(404);
  });

  it("is replaced by an admin, audited; mail to the old address is refused", async () => {
    const x = await createTenant(t, "Intake rotate");
    await activateProtocol(t, x);
    const before = await intakeAddressOf(x);
    const url = `/api/v1/relationships/${x.relationshipId}/tickets/intake-address/rotate`;
    const denied = await request(t, x.people.it_contact, { method: "POST", url, payload: {} });
    expect(denied.statusCode).toBe(403);
    const member = await request(t, x.people.member, { method: "GET", url: url.replace("/rotate", "") });
    expect(member.json().canRotate).toBe(false);
    const res = await request(t, x.people.clientAdmin, { method: "POST", url, payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().address).not.toBe(before);
    expect(res.json().rotatedAt).not.toBeNull();
    expect(await intakeAddressOf(x)).toBe(res.json().address);
    const [event] = await t.database.db
      .select()
      .from(events)
      .where(and(eq(events.chain, x.relationshipId), eq(events.action, "ticket_intake.rotated")));
    expect(event?.actorId).toBe(x.people.clientAdmin.userId);
    expect(JSON.stringify(event)).not.toContain(before.split("+")[1]!.split("@")[0]);

    const old = await post(
      rfc5322({ from: fromOf(x.people.member), to: before, subject: "Still there?", text: "Hi" }),
    );
    expect(old.statusCode).toBe(422);
    expect(old.json()).toMatchObject({
      outcome: "refused",
      reason: "unknown_address",
      code: "email_refused",
    });
    const fresh = await post(
      rfc5322({ from: fromOf(x.people.member), to: res.json().address, subject: "Now?", text: "Hi" }),
    );
    expect(fresh.statusCode, fresh.body).toBe(202);
    const am = await request(t, x.people.account_manager, { method: "POST", url, payload: {} });
    expect(am.statusCode).toBe(200);
  });
});

describe("a new message", () => {
  it("raises a ticket as its sender: subject → title, text → description, source email", async () => {
    const member = tenant.people.member;
    const messageId = newMessageId();
    const res = await post(
      rfc5322({
        from: fromOf(member),
        to: `Support <${address.toUpperCase().replace("TICKETS+", "tickets+")}>`,
        subject: "Fwd: Printer on floor 2 jams",
        messageId,
        text: "The printer on floor 2 jams on every page.\r\nI tried another tray.\r\n\r\n-- \r\nSam Member\r\nAccounts",
        html: "<p>The printer on floor 2 jams on every page.</p><p>I tried another tray.</p><p>-- <br>Sam Member</p>",
        attachments: [{ name: "jam.png", type: "image/png", content: "not really a png" }],
      }),
    );
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({ outcome: "created", relationshipId: tenant.relationshipId, messageId });
    const row = await ticketRow(body.ticketId);
    expect(row.title).toBe("Printer on floor 2 jams");
    expect(row.source).toBe("email");
    expect(row.reporterId).toBe(member.userId);
    expect(row.raisedById).toBe(member.userId);
    expect(row.reporterEmail).toBe(member.email);
    expect(row.description).toContain("The printer on floor 2 jams on every page.\nI tried another tray.");
    expect(row.description).not.toContain("Accounts");
    expect(row.description).toContain("Attachments not imported: jam.png");
    expect(row.description).toMatch(/Email does not ask the impact questions/);
    expect(row.description).toContain(`suggests ${row.suggestedSeverity}`);
    expect(row).toMatchObject({ peopleAffected: "one", workaround: false, criticalFunctionStopped: false });
    expect(row.severity).toBe(row.suggestedSeverity);
    const [created] = await entriesOf(row.id);
    expect(created).toMatchObject({
      kind: "created",
      authorId: member.userId,
      side: "client",
      emailMessageId: messageId,
    });
    // The member sees it as their own ticket on the web.
    const page = await request(t, member, {
      method: "GET",
      url: `/api/v1/relationships/${tenant.relationshipId}/tickets/${row.id}`,
    });
    expect(page.statusCode).toBe(200);
  });

  it("takes the text of an HTML-only message", async () => {
    const res = await post(
      rfc5322({
        from: fromOf(tenant.people.it_contact),
        subject: "VPN drops",
        html: "<html><head><style>p{}</style></head><body><p>The VPN drops every <b>10 minutes</b> &amp; reconnects.</p></body></html>",
      }),
    );
    expect(res.statusCode, res.body).toBe(202);
    const row = await ticketRow(res.json().ticketId);
    expect(row.description).toMatch(/^The VPN drops every 10 minutes & reconnects\./);
    expect(row.description).not.toContain("<");
  });

  it("does nothing the second time the same Message-ID arrives, also when both arrive at once", async () => {
    const raw = rfc5322({ from: fromOf(tenant.people.member), subject: "Twice", text: "Delivered twice" });
    const first = await post(raw);
    expect(first.json().outcome).toBe("created");
    const count = (
      await t.database.db.select().from(tickets).where(eq(tickets.relationshipId, tenant.relationshipId))
    ).length;
    const second = await post(raw);
    expect(second.statusCode).toBe(202);
    expect(second.json()).toMatchObject({ outcome: "duplicate", ticketId: first.json().ticketId });
    const raced = rfc5322({
      from: fromOf(tenant.people.member),
      subject: "Raced",
      text: "Delivered in parallel",
    });
    const both = await Promise.all([post(raced), post(raced)]);
    expect(both.map((r) => r.statusCode)).toEqual([202, 202]);
    expect(both.map((r) => r.json().outcome).sort()).toEqual(["created", "duplicate"]);
    expect(both[0]!.json().ticketId).toBe(both[1]!.json().ticketId);
    const after = await t.database.db
      .select()
      .from(tickets)
      .where(eq(tickets.relationshipId, tenant.relationshipId));
    expect(after.length).toBe(count + 1);
  });
});

describe("a reply", () => {
  it("threads by [#N] in the subject, without the quoted history, from provider staff too", async () => {
    const original = await raiseByEmail(tenant, "Outlook crashes");
    const res = await post(
      rfc5322({
        from: fromOf(tech(tenant)),
        subject: `Re: [#${original.ticketNumber}] Outlook crashes`,
        text: [
          "Which version of Outlook is it?",
          "",
          `On Mon, 2 Mar 2026 at 09:00, Member <${tenant.people.member.email}> wrote:`,
          "> It broke.",
          "",
        ].join("\r\n"),
      }),
    );
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ outcome: "commented", ticketId: original.ticketId });
    const comment = (await entriesOf(original.ticketId)).find((e) => e.kind === "comment")!;
    expect(comment).toMatchObject({
      body: "Which version of Outlook is it?",
      side: "provider",
      authorId: tech(tenant).userId,
    });
  });

  it("threads by In-Reply-To/References alone: the original email, a Liaison thread, a ticket-<uuid> id", async () => {
    const original = await raiseByEmail(tenant, "Shared drive is slow");
    const byOriginal = await post(
      rfc5322({
        from: fromOf(tenant.people.member),
        subject: "more details",
        text: "It is slow only in the morning.",
        inReplyTo: original.messageId,
        references: [original.messageId],
      }),
    );
    expect(byOriginal.json()).toMatchObject({ outcome: "commented", ticketId: original.ticketId });

    const byTicketId = await post(
      rfc5322({
        from: fromOf(tech(tenant)),
        subject: "Re: your ticket",
        text: "Looking into it.",
        references: [`<ticket-${original.ticketId}@liaison.test>`, "<unrelated@elsewhere.example>"],
      }),
    );
    expect(byTicketId.json()).toMatchObject({ outcome: "commented", ticketId: original.ticketId });

    // A Liaison notification's thread, replied to at an address that is not the intake address.
    const root = `<${randomUUID()}@liaison.test>`;
    await t.database.db.insert(emailThreads).values({
      userId: tenant.people.it_contact.userId,
      threadKey: `ticket-${original.ticketId}`,
      rootMessageId: root,
      createdAt: new Date(t.clock.now()),
    });
    const byThread = await post(
      rfc5322({
        from: fromOf(tenant.people.it_contact),
        to: "Liaison <liaison@liaison.test>",
        subject: "Re: something",
        text: "Same here on floor 3.\r\n\r\n> quoted notification text",
        inReplyTo: `<${randomUUID()}@liaison.test>`,
        references: [root],
      }),
    );
    expect(byThread.statusCode, byThread.body).toBe(202);
    expect(byThread.json()).toMatchObject({ outcome: "commented", ticketId: original.ticketId });
    const bodies = (await entriesOf(original.ticketId))
      .filter((e) => e.kind === "comment")
      .map((e) => e.body);
    expect(bodies).toEqual(["It is slow only in the morning.", "Looking into it.", "Same here on floor 3."]);
  });

  it("from the client resumes a ticket waiting on the client", async () => {
    const original = await raiseByEmail(tenant, "Cannot print payslips");
    expect((await act(tenant, tech(tenant), original.ticketId, "acknowledge")).statusCode).toBe(200);
    const wait = await act(tenant, tech(tenant), original.ticketId, "wait-on-client", {
      question: "Which printer do you use?",
    });
    expect(wait.statusCode, wait.body).toBe(200);
    expect((await ticketRow(original.ticketId)).state).toBe("waiting_on_client");
    const res = await post(
      rfc5322({
        from: fromOf(tenant.people.member),
        subject: `Re: [#${original.ticketNumber}] Cannot print payslips`,
        text: "The one by the kitchen.",
      }),
    );
    expect(res.json().outcome).toBe("commented");
    expect((await ticketRow(original.ticketId)).state).toBe("in_progress");
  });

  it("to a closed ticket, or to a ticket that does not exist, is refused with the reason", async () => {
    const original = await raiseByEmail(tenant, "Old issue");
    await act(tenant, tech(tenant), original.ticketId, "acknowledge");
    expect(
      (await act(tenant, tech(tenant), original.ticketId, "resolve", { summary: "Fixed" })).statusCode,
    ).toBe(200);
    expect((await act(tenant, tenant.people.member, original.ticketId, "confirm")).statusCode).toBe(200);
    expect((await ticketRow(original.ticketId)).state).toBe("closed");
    const closed = await post(
      rfc5322({
        from: fromOf(tenant.people.member),
        subject: `Re: [#${original.ticketNumber}] Old issue`,
        text: "Thanks!",
      }),
    );
    expect(closed.statusCode).toBe(422);
    expect(closed.json()).toMatchObject({ reason: "ticket_closed" });
    expect(closed.json().detail).toContain(`#${original.ticketNumber} is closed`);
    const missing = await post(
      rfc5322({ from: fromOf(tenant.people.member), subject: "Re: [#9999] Nope", text: "Hello?" }),
    );
    expect(missing.json()).toMatchObject({ reason: "ticket_not_found" });

    // Another member cannot answer (or learn about) someone else's ticket, by subject or by header.
    const open = await raiseByEmail(tenant, "Private matter");
    const colleague = await addPerson(t, tenant.clientOrgId, "member");
    const before = await snapshotDatabase(t.database);
    for (const m of [
      { subject: `Re: [#${open.ticketNumber}] Private matter` },
      { subject: "Re: Private matter", inReplyTo: open.messageId },
      { subject: `Re: [#${original.ticketNumber}] Old issue` },
    ]) {
      const res = await post(rfc5322({ from: fromOf(colleague), text: "Me too", ...m }));
      expect(res.statusCode).toBe(422);
      expect(res.json().reason, m.subject).toBe("ticket_not_found");
    }
    expect(await snapshotDatabase(t.database)).toEqual(before);
  });
});

describe("refusals", () => {
  it("refuses an unknown sender with a reason, changing nothing", async () => {
    const outsider = (await createTenant(t, "Intake outsider")).people.member;
    const before = await snapshotDatabase(t.database);
    for (const from of ["Stranger <stranger@nowhere.example>", fromOf(outsider)]) {
      const res = await post(rfc5322({ from, subject: "Let me in", text: "Please" }));
      expect(res.statusCode).toBe(422);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.json()).toMatchObject({ status: 422, outcome: "refused", reason: "unknown_sender" });
    }
    expect(await snapshotDatabase(t.database)).toEqual(before);
  });

  it("refuses automatic messages, unauthenticated senders, people who may not raise, and mail to no intake address", async () => {
    const member = fromOf(tenant.people.member);
    const cases: [Msg, string][] = [
      [
        {
          from: member,
          subject: "Out of office",
          text: "Away",
          headers: { "Auto-Submitted": "auto-replied" },
        },
        "auto_reply",
      ],
      [{ from: member, subject: "Away", text: "Away", headers: { Precedence: "bulk" } }, "auto_reply"],
      [{ from: member, subject: "Away", text: "Away", headers: { "X-Autoreply": "yes" } }, "auto_reply"],
      [
        {
          from: member,
          subject: "Spoofed",
          text: "x",
          headers: {
            "Authentication-Results":
              "mx.intake.test; spf=fail; dmarc=fail (p=reject) header.from=test.example",
          },
        },
        "unverified_sender",
      ],
      [{ from: fromOf(tenant.people.advisor), subject: "Advice", text: "x" }, "not_allowed"],
      [{ from: fromOf(tech(tenant)), subject: "New from staff", text: "x" }, "not_allowed"],
      [{ from: member, to: "someone@intake.test", subject: "Lost", text: "x" }, "unknown_address"],
      [
        { from: member, to: "tickets+aaaaaaaaaaaaaaaaaaaaaaaa@intake.test", subject: "Guess", text: "x" },
        "unknown_address",
      ],
    ];
    const before = await snapshotDatabase(t.database);
    for (const [m, reason] of cases) {
      const res = await post(rfc5322(m));
      expect(res.statusCode, `${m.subject}: ${res.body}`).toBe(422);
      expect(res.json().reason, m.subject).toBe(reason);
    }
    expect(await snapshotDatabase(t.database)).toEqual(before);
  });

  it("refuses a message for a relationship without a protocol in effect", async () => {
    const x = await createTenant(t, "Intake no protocol");
    const res = await post(
      rfc5322({ from: fromOf(x.people.member), to: await intakeAddressOf(x), subject: "Help", text: "x" }),
    );
    expect(res.json()).toMatchObject({ reason: "no_protocol" });
  });

  it("needs the intake secret (401), the raw message type (415), and is off without a secret (404)", async () => {
    const raw = rfc5322({ from: fromOf(tenant.people.member), subject: "x", text: "x" });
    const before = await snapshotDatabase(t.database);
    expect((await post(raw, "wrong-secret-wrong-secret-wrong")).statusCode).toBe(401);
    expect((await post(raw, "wrong-secret-wrong-secret-wrong")).json().code).toBe("invalid_token");
    expect((await post(raw, null)).statusCode).toBe(401);
    expect((await post(raw, SECRET, "text/plain")).statusCode).toBe(415);
    // A session cookie is no substitute for the secret.
    const member = tenant.people.member;
    const cookie = await t.app.inject({
      method: "POST",
      url: "/api/v1/intake/email",
      headers: { cookie: member.cookie, "x-csrf-token": member.csrf, "content-type": "message/rfc822" },
      payload: raw,
    });
    expect(cookie.statusCode).toBe(401);
    expect(await snapshotDatabase(t.database)).toEqual(before);

    const off = await buildApp({ database: t.database, config: testConfig, clock: t.clock, logger: false });
    const res = await off.inject({
      method: "POST",
      url: "/api/v1/intake/email",
      headers: { authorization: "Bearer anything-at-all-anything", "content-type": "message/rfc822" },
      payload: raw,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toContain("LIAISON_INTAKE_SECRET");
    await off.close();
  });
});

describe("reply and signature text", () => {
  it("keeps what the person wrote", () => {
    expect(
      replyText("Yes, that fixed it.\n\nOn Tue, 3 Mar 2026 at 10:00, Liaison <l@x.example> wrote:\n> old"),
    ).toBe("Yes, that fixed it.");
    // Gmail wraps long attribution lines.
    expect(
      replyText("Done.\n\nOn Tue, 3 Mar 2026 at 10:00 Some Body <\nsome.body@example.com> wrote:\n> old"),
    ).toBe("Done.");
    expect(
      replyText(
        "Ok\r\n\r\n________________________________\r\nFrom: Liaison\r\nSent: Tuesday\r\nTo: me\r\nold text",
      ),
    ).toBe("Ok");
    expect(replyText("Ok\n\nFrom: Liaison <l@x.example>\nSent: Tuesday, March 3\nSubject: x\n\nold")).toBe(
      "Ok",
    );
    expect(replyText("> what version?\n11.2\n> and the OS?\nWindows\n\n> thanks\n> bye")).toBe(
      "> what version?\n11.2\n> and the OS?\nWindows",
    );
    expect(replyText("See below\n\n-----Original Message-----\nFrom: x")).toBe("See below");
    expect(withoutSignature("Body text\n\n-- \nJane\nACME Ltd")).toBe("Body text");
    expect(withoutSignature("Body text\n\nSent from my iPhone")).toBe("Body text");
    expect(withoutSignature("a -- b stays")).toBe("a -- b stays");
    expect(titleFromSubject("RE: Fwd:  Printer\r\n  jams")).toBe("Printer jams");
    expect(titleFromSubject("x".repeat(300))).toHaveLength(200);
  });
});

describe("liaison intake maildir", () => {
  const bin = path.resolve("bin/liaison.js");
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn" };
  for (const k of ["DATABASE_URL", "LIAISON_DATA_DIR", "PORT", "LIAISON_INTAKE_SECRET"]) delete env[k];
  const liaison = (args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: "utf8", timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  let dir: string;
  afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it("imports new/ once, moving imported messages to cur/ and refused ones aside; a rerun does nothing", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "liaison-intake-"));
    const data = path.join(dir, "data");
    const maildir = path.join(dir, "Maildir");
    for (const sub of ["new", "cur", "tmp"]) fs.mkdirSync(path.join(maildir, sub), { recursive: true });

    // Prepare a tenant with an active protocol in an embedded database, then let go of it.
    const embedded: Database = await openDatabase({ kind: "pglite", dataDir: data });
    await embedded.migrate();
    const local = await appOn({ ...embedded, drop: () => embedded.close() });
    const saved = t;
    t = local;
    let x: Tenant;
    let mailbox: string;
    try {
      x = await createTenant(t, "Maildir");
      await activateProtocol(t, x);
      mailbox = await intakeAddressOf(x);
    } finally {
      t = saved;
      await local.close();
    }

    const originalId = "<original-1@mail.client.example>";
    const files: Record<string, string> = {
      "1772442000.M1P1.mx": rfc5322({
        from: fromOf(x.people.member),
        to: mailbox,
        subject: "Scanner offline",
        messageId: originalId,
        text: "The scanner is offline.",
        html: "<p>The scanner is offline.</p>",
      }),
      "1772442001.M2P1.mx": rfc5322({
        from: fromOf(x.people.member),
        to: mailbox,
        subject: "Re: Scanner offline",
        inReplyTo: originalId,
        references: [originalId],
        text: "Also the copier.\r\n\r\n> The scanner is offline.",
      }),
      "1772442002.M3P1.mx": rfc5322({
        from: "Nobody <nobody@nowhere.example>",
        to: mailbox,
        subject: "Hello",
        text: "x",
      }),
      "1772442003.M4P1.mx": rfc5322({
        from: fromOf(x.people.member),
        to: mailbox,
        subject: "Scanner offline",
        messageId: originalId,
        text: "The scanner is offline.",
      }),
    };
    for (const [name, raw] of Object.entries(files)) fs.writeFileSync(path.join(maildir, "new", name), raw);

    const run = liaison(["intake", "maildir", maildir, "--data-dir", data]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual([
      "1772442000.M1P1.mx: created ticket #1",
      "1772442001.M2P1.mx: commented on ticket #1",
      expect.stringMatching(
        /^1772442002\.M3P1\.mx: refused \(unknown_sender\): nobody@nowhere\.example is not/,
      ),
      "1772442003.M4P1.mx: duplicate, already imported on ticket #1",
    ]);
    expect(fs.readdirSync(path.join(maildir, "new"))).toEqual([]);
    expect(fs.readdirSync(path.join(maildir, "cur")).sort()).toEqual([
      "1772442000.M1P1.mx:2,S",
      "1772442001.M2P1.mx:2,S",
      "1772442003.M4P1.mx:2,S",
    ]);
    expect(fs.readdirSync(path.join(maildir, ".liaison-refused", "new"))).toEqual(["1772442002.M3P1.mx"]);

    const again = liaison(["intake", "maildir", maildir, "--data-dir", data]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe("");

    // --watch imports what arrives (delivered as Maildir writers do: tmp/, then renamed into new/).
    const watcher = spawn(
      process.execPath,
      [bin, "intake", "maildir", maildir, "--data-dir", data, "--watch"],
      {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    watcher.stdout!.on("data", (c) => (out += c));
    const exited = new Promise<number | null>((resolve) => watcher.once("exit", (code) => resolve(code)));
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 60_000;
      while (!out.includes(text) && watcher.exitCode === null && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain(text);
    };
    await waitFor("Watching");
    const tmpFile = path.join(maildir, "tmp", "1772442100.M5P1.mx");
    fs.writeFileSync(
      tmpFile,
      rfc5322({ from: fromOf(x.people.it_contact), to: mailbox, subject: "Wi-Fi down", text: "No Wi-Fi." }),
    );
    fs.renameSync(tmpFile, path.join(maildir, "new", "1772442100.M5P1.mx"));
    await waitFor("1772442100.M5P1.mx: created ticket #2");
    watcher.kill("SIGTERM");
    expect(await exited).toBe(0);

    const check = await openDatabase({ kind: "pglite", dataDir: data });
    try {
      const rows = await check.db.select().from(tickets).where(eq(tickets.relationshipId, x.relationshipId));
      expect(rows.map((r) => [r.number, r.title, r.source]).sort()).toEqual([
        [1, "Scanner offline", "email"],
        [2, "Wi-Fi down", "email"],
      ]);
      const comments = await check.db
        .select()
        .from(ticketEntries)
        .where(
          and(
            eq(ticketEntries.ticketId, rows.find((r) => r.number === 1)!.id),
            eq(ticketEntries.kind, "comment"),
          ),
        );
      expect(comments.map((c) => c.body)).toEqual(["Also the copier."]);
      expect((await check.db.select().from(ticketIntakeKeys)).length).toBe(1);
    } finally {
      await check.close();
    }

    const notMaildir = liaison(["intake", "maildir", path.join(dir, "nope"), "--data-dir", data]);
    expect(notMaildir.code).toBe(1);
    expect(notMaildir.stderr).toMatch(/is not a Maildir/);
  });
});

describe("configuration", () => {
  it("derives the intake domain from PUBLIC_URL, and never prints the secret", () => {
    const env = { PUBLIC_URL: "https://liaison.example.org/app" };
    expect(loadConfig(env).intakeDomain).toBe("liaison.example.org");
    expect(loadConfig({ ...env, LIAISON_INTAKE_DOMAIN: "Support.Example.COM" }).intakeDomain).toBe(
      "support.example.com",
    );
    expect(loadConfig(env).intakeSecret).toBe("");
    let problems: string[] = [];
    try {
      loadConfig({ LIAISON_INTAKE_SECRET: "short-secret", LIAISON_INTAKE_DOMAIN: "not a domain" });
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems).toHaveLength(2);
    expect(problems.join("\n")).toContain("LIAISON_INTAKE_SECRET");
    expect(problems.join("\n")).toContain("LIAISON_INTAKE_DOMAIN");
    expect(problems.join("\n")).not.toContain("short-secret");
  });
});

describe("intake address on a default install", () => {
  it("is shown for a PUBLIC_URL on localhost, whose mail domain has no dot", async () => {
    const local = await createTestApp({ publicUrl: "http://localhost:3000" });
    try {
      const tenant = await createTenant(local, "Localhost");
      const res = await request(local, tenant.people.member, {
        method: "GET",
        url: `/api/v1/relationships/${tenant.relationshipId}/tickets/intake-address`,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().address).toMatch(/^tickets\+[A-Za-z0-9_-]+@localhost$/);
    } finally {
      await local.close();
    }
  });
});
