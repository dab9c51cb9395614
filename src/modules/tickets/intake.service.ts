import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { type ParsedMail, simpleParser } from "mailparser";
import type { Db } from "../../core/db/index.ts";
import { appendEvent } from "../../core/events/events.ts";
import type { Actor } from "../../core/http/actor.ts";
import { eventActor, type ServiceContext, withTransaction } from "../../core/http/context.ts";
import { AppError, forbidden } from "../../core/http/errors.ts";
import { emailThreads } from "../../core/notify/notify.tables.ts";
import { iso, isoOrNull } from "../identity/identity.schema.ts";
import { relationshipViewer, type RelationshipViewer } from "../identity/identity.policy.ts";
import { relationships, users } from "../identity/identity.tables.ts";
import { loadUserActor } from "../identity/auth.service.ts";
import { getRelationshipForViewer } from "../identity/relationships.service.ts";
import { canRotateIntakeAddress, rotateRefusal } from "./intake.policy.ts";
import { canSeeTicket } from "./tickets.policy.ts";
import { ticketIntakeKeys } from "./intake.tables.ts";
import {
  BODY_MAX,
  cut,
  htmlToPlain,
  replyText,
  ticketNumberInSubject,
  titleFromSubject,
  withoutSignature,
} from "./intake.text.ts";
import { type ImpactInput, commentOnTicket, createTicket, suggestTicketSeverity } from "./tickets.service.ts";
import { ticketEntries, tickets } from "./tickets.tables.ts";

/** The local part of every intake address: `tickets+<key>@<domain>`. */
export const INTAKE_LOCAL_PART = "tickets";
/**
 * The largest message accepted, headers and attachments included. Attachments are not imported,
 * but a message must be read whole to find its text; 40 MiB covers the 25 MB attachment limit of
 * the big mail services after base64 encoding.
 */
export const MAX_EMAIL_BYTES = 40 * 1024 * 1024;

const KEY_PATTERN = /^[a-z2-7]{24}$/;
/** An intake address anywhere in a header line; the domain is not checked (see docs/email-intake.md). */
const ADDRESS_IN_HEADER = new RegExp(`\\b${INTAKE_LOCAL_PART}\\+([a-z2-7]{24})@`, "gi");
const TICKET_REF = /ticket-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;
const RECIPIENT_HEADERS = new Set(["to", "cc", "delivered-to", "x-original-to"]);
/** What intake needs of a ticket a reply points at: where it is, its state, and whose it is. */
const targetColumns = {
  id: tickets.id,
  relationshipId: tickets.relationshipId,
  number: tickets.number,
  state: tickets.state,
  reporterId: tickets.reporterId,
  raisedById: tickets.raisedById,
  assigneeId: tickets.assigneeId,
  escalationLevel: tickets.escalationLevel,
};

/**
 * What a message sent by email assumes about impact, since email asks no questions: one person
 * affected, no workaround, no business-critical function stopped. The protocol's matrix turns
 * that into a suggested severity (medium with the default template); the ticket says so, and
 * anyone who may change the severity corrects it.
 */
export const EMAIL_DEFAULT_IMPACT: ImpactInput = {
  peopleAffected: "one",
  workaround: false,
  criticalFunctionStopped: false,
};

// ---------------------------------------------------------------------------------------------
// The address

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** A fresh key: 15 random bytes as 24 lower-case base32 characters (120 bits). */
export function newIntakeKey(): string {
  const bytes = randomBytes(15);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** The intake domain when none is configured: the host of PUBLIC_URL. */
export function defaultIntakeDomain(publicUrl: string): string {
  try {
    return new URL(publicUrl).hostname || "localhost";
  } catch {
    return "localhost";
  }
}

export const intakeAddress = (key: string, domain: string) => `${INTAKE_LOCAL_PART}+${key}@${domain}`;

/** The relationship's key row, created on first use (concurrent first uses agree on one). */
async function ensureKey(ctx: ServiceContext, relationshipId: string) {
  await ctx.db
    .insert(ticketIntakeKeys)
    .values({ relationshipId, key: newIntakeKey(), createdAt: new Date(ctx.clock.now()) })
    .onConflictDoNothing({ target: ticketIntakeKeys.relationshipId });
  const [row] = await ctx.db
    .select()
    .from(ticketIntakeKeys)
    .where(eq(ticketIntakeKeys.relationshipId, relationshipId));
  return row!;
}

function presentAddress(
  row: typeof ticketIntakeKeys.$inferSelect,
  domain: string,
  viewer: RelationshipViewer,
) {
  return {
    address: intakeAddress(row.key, domain),
    createdAt: iso(row.createdAt),
    rotatedAt: isoOrNull(row.rotatedAt),
    canRotate: canRotateIntakeAddress(viewer),
  };
}

/** The relationship's intake address, for anyone in the relationship. */
export async function getIntakeAddress(ctx: ServiceContext, relationshipId: string, domain: string) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  return presentAddress(await ensureKey(ctx, relationshipId), domain, viewer);
}

/** Replaces the key: mail to the old address is refused from now on (replies still thread by header). */
export async function rotateIntakeAddress(ctx: ServiceContext, relationshipId: string, domain: string) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  if (!canRotateIntakeAddress(viewer)) throw forbidden(rotateRefusal);
  return withTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const previous = await ensureKey(tx, relationshipId);
    const [row] = await tx.db
      .update(ticketIntakeKeys)
      .set({ key: newIntakeKey(), rotatedAt: new Date(now) })
      .where(eq(ticketIntakeKeys.relationshipId, relationshipId))
      .returning();
    await appendEvent(tx.db, {
      scope: "relationship",
      chain: relationshipId,
      relationshipId,
      actor: eventActor(tx.actor),
      action: "ticket_intake.rotated",
      subject: { type: "ticket_intake", id: relationshipId, label: "email intake address" },
      // The keys themselves stay out of the trail: the old one is dead, the new one is live.
      before: { since: previous.rotatedAt?.toISOString() ?? previous.createdAt.toISOString() },
      after: { since: new Date(now).toISOString() },
      requestId: tx.requestId,
      occurredAt: now,
    });
    return presentAddress(row!, domain, viewer);
  });
}

/** Compares a presented secret with the configured one in constant time (over their hashes). */
export function intakeSecretMatches(presented: string, configured: string): boolean {
  if (!configured) return false;
  const a = createHash("sha256").update(presented, "utf8").digest();
  const b = createHash("sha256").update(configured, "utf8").digest();
  return timingSafeEqual(a, b);
}

// ---------------------------------------------------------------------------------------------
// Receiving

export const refusalReasons = [
  "unreadable",
  "too_large",
  "auto_reply",
  "unknown_address",
  "relationship_ended",
  "unverified_sender",
  "unknown_sender",
  "not_allowed",
  "ticket_not_found",
  "ticket_closed",
  "empty",
  "no_protocol",
] as const;
export type RefusalReason = (typeof refusalReasons)[number];

export type IntakeResult =
  | {
      outcome: "created" | "commented" | "duplicate";
      relationshipId: string;
      ticketId: string;
      ticketNumber: number;
      messageId: string;
    }
  | {
      outcome: "refused";
      reason: RefusalReason;
      /** For the sender's administrator: why, in a sentence. Never quotes the message body. */
      detail: string;
      messageId: string | null;
      relationshipId: string | null;
    };

const refuse = (
  reason: RefusalReason,
  detail: string,
  messageId: string | null = null,
  relationshipId: string | null = null,
): IntakeResult => ({ outcome: "refused", reason, detail, messageId, relationshipId });

async function parse(raw: Buffer): Promise<ParsedMail> {
  const options = { skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true } as const;
  try {
    return await simpleParser(raw, options);
  } catch {
    // The parser gives up on HTML it cannot convert; the message is still readable without that.
    return simpleParser(raw, { ...options, skipHtmlToText: true });
  }
}

const headerText = (mail: ParsedMail, name: string): string => {
  const v = mail.headers.get(name);
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "object" && "value" in v && typeof v.value === "string") return v.value;
  return String(v);
};

/** The Message-ID, or for a message without one a stable id made from its bytes (so redeliveries match). */
function messageIdOf(mail: ParsedMail, raw: Buffer): string {
  const given = mail.messageId?.trim();
  if (given && given.length <= 300) return given;
  const hash = createHash("sha256")
    .update(given ?? raw)
    .digest("hex");
  return `<sha256-${hash}@liaison.invalid>`;
}

/**
 * Why this looks like a message no person wrote (RFC 3834 Auto-Submitted, Precedence, vacation
 * responders' X-Autoreply, delivery reports, bounces), or null. Answering those would start mail
 * loops and fill the queue with "out of office".
 */
function automaticReason(mail: ParsedMail): string | null {
  const autoSubmitted = headerText(mail, "auto-submitted").split(";")[0]!.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== "no") return `it is marked Auto-Submitted: ${autoSubmitted}`;
  const precedence = headerText(mail, "precedence").trim().toLowerCase();
  if (["bulk", "junk", "list", "auto_reply"].includes(precedence))
    return `it is marked Precedence: ${precedence}`;
  for (const h of ["x-autoreply", "x-autorespond", "x-autoresponder"])
    if (mail.headers.has(h)) return `it carries ${h}`;
  const contentType = mail.headers.get("content-type") as { value?: string } | undefined;
  if (contentType?.value?.toLowerCase() === "multipart/report") return "it is a delivery or read report";
  if (mail.headerLines.some((h) => h.key === "return-path" && /<\s*>/.test(h.line)))
    return "it has an empty return path (a bounce)";
  return null;
}

/** Intake keys named in the recipient headers, in header order. */
function keysInRecipients(mail: ParsedMail): string[] {
  const keys: string[] = [];
  for (const h of mail.headerLines) {
    if (!RECIPIENT_HEADERS.has(h.key)) continue;
    for (const m of h.line.matchAll(ADDRESS_IN_HEADER)) {
      const key = m[1]!.toLowerCase();
      if (KEY_PATTERN.test(key) && !keys.includes(key)) keys.push(key);
    }
  }
  return keys;
}

/** Message-IDs the message answers, the most recent first: In-Reply-To, then References backwards. */
function referencedIds(mail: ParsedMail): string[] {
  const refs = typeof mail.references === "string" ? [mail.references] : (mail.references ?? []);
  const ids = [mail.inReplyTo, ...[...refs].reverse()].filter((x): x is string => !!x && x.length <= 1000);
  return [...new Set(ids)].slice(0, 50);
}

/**
 * The ticket a reply's headers point at, by the most recent reference that names one: a
 * `ticket-<uuid>` Message-ID, the root of a Liaison notification thread (email_threads), or an
 * email already imported onto a ticket. Only tickets of `relationshipId` when given.
 */
async function ticketFromHeaders(db: Db, refs: string[], relationshipId: string | null) {
  if (!refs.length) return null;
  const byRef = new Map<string, string>();
  for (const r of refs) {
    const m = TICKET_REF.exec(r);
    if (m) byRef.set(r, m[1]!.toLowerCase());
  }
  const threads = await db
    .select({ root: emailThreads.rootMessageId, key: emailThreads.threadKey })
    .from(emailThreads)
    .where(inArray(emailThreads.rootMessageId, refs));
  for (const t of threads) {
    const m = TICKET_REF.exec(t.key);
    if (m && !byRef.has(t.root)) byRef.set(t.root, m[1]!.toLowerCase());
  }
  const imported = await db
    .select({ ref: ticketEntries.emailMessageId, ticketId: ticketEntries.ticketId })
    .from(ticketEntries)
    .where(
      and(
        inArray(ticketEntries.emailMessageId, refs),
        relationshipId ? eq(ticketEntries.relationshipId, relationshipId) : undefined,
      ),
    );
  for (const e of imported) if (e.ref && !byRef.has(e.ref)) byRef.set(e.ref, e.ticketId);
  const ids = [...new Set(byRef.values())];
  if (!ids.length) return null;
  const found = await db
    .select(targetColumns)
    .from(tickets)
    .where(
      and(inArray(tickets.id, ids), relationshipId ? eq(tickets.relationshipId, relationshipId) : undefined),
    );
  for (const r of refs) {
    const t = found.find((f) => f.id === byRef.get(r));
    if (t) return t;
  }
  return null;
}

/** "Attachments not imported: a.png, b.pdf" for attachments people attached (not inline images). */
function attachmentNote(mail: ParsedMail): string {
  const names = mail.attachments
    .filter((a) => !a.related)
    .map((a) => (a.filename?.trim() || `an unnamed ${a.contentType}`).slice(0, 200));
  if (!names.length) return "";
  const more = names.length > 20 ? ` and ${names.length - 20} more` : "";
  return `Attachments not imported: ${names.slice(0, 20).join(", ")}${more}`;
}

/** The message's text: the text part, else its HTML as text. */
function bodyText(mail: ParsedMail): string {
  const text = mail.text?.trim() ?? "";
  if (text) return text;
  return typeof mail.html === "string" ? htmlToPlain(mail.html) : "";
}

const isUniqueViolation = (err: unknown): boolean => {
  for (
    let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0;
    e && i < 5;
    e = e.cause as never, i++
  )
    if (e.code === "23505") return true;
  return false;
};

async function existingEntry(db: Db, relationshipId: string, messageId: string) {
  const [row] = await db
    .select({ ticketId: ticketEntries.ticketId, number: tickets.number })
    .from(ticketEntries)
    .innerJoin(tickets, eq(tickets.id, ticketEntries.ticketId))
    .where(
      and(eq(ticketEntries.relationshipId, relationshipId), eq(ticketEntries.emailMessageId, messageId)),
    );
  return row ?? null;
}

/** Maps a refusal the ticket services raised (the person's policies, the ticket's state) to a reason. */
function refusalFromError(err: AppError): RefusalReason {
  if (err.code === "not_found") return "ticket_not_found";
  if (err.code === "forbidden") return "not_allowed";
  if (err.code === "conflict" && /no protocol in effect/.test(err.message)) return "no_protocol";
  return "not_allowed";
}

/**
 * Receives one inbound email (raw RFC 5322 bytes) and acts on it as its sender:
 * - the relationship is the one whose intake address the message was sent to (To, Cc,
 *   Delivered-To, X-Original-To); a reply sent elsewhere (e.g. to the notification sender's
 *   address) still finds its ticket, and so its relationship, by its In-Reply-To/References;
 * - the sender (From) must be a person of that relationship's client, or provider staff replying;
 *   the services run with that person as the actor, so every ticket policy applies as on the web;
 * - a reply (a Liaison thread in the headers, or `[#12]` in the subject) becomes a comment on the
 *   ticket; anything else a new ticket, with the impact answers of EMAIL_DEFAULT_IMPACT;
 * - the same Message-ID twice does nothing the second time.
 * Refusals come back as `{ outcome: "refused", reason, detail }`; only faults (the database
 * unreachable) throw, so a gateway retries those and bounces the rest.
 */
export async function receiveEmail(ctx: ServiceContext, raw: Buffer): Promise<IntakeResult> {
  if (raw.length > MAX_EMAIL_BYTES)
    return refuse("too_large", `The message is larger than ${MAX_EMAIL_BYTES / 1024 / 1024} MiB.`);
  let mail: ParsedMail;
  try {
    mail = await parse(raw);
  } catch {
    return refuse("unreadable", "The message could not be read as an RFC 5322 email.");
  }
  const messageId = messageIdOf(mail, raw);
  const automatic = automaticReason(mail);
  if (automatic) return refuse("auto_reply", `Automatic messages are not imported: ${automatic}.`, messageId);

  // Which relationship: by the intake address, else by the thread a reply continues.
  const keys = keysInRecipients(mail);
  const [keyRow] = keys.length
    ? await ctx.db.select().from(ticketIntakeKeys).where(inArray(ticketIntakeKeys.key, keys)).limit(1)
    : [];
  const refs = referencedIds(mail);
  const threaded = keyRow ? null : await ticketFromHeaders(ctx.db, refs, null);
  const relationshipId = keyRow?.relationshipId ?? threaded?.relationshipId ?? null;
  if (!relationshipId)
    return refuse(
      "unknown_address",
      keys.length
        ? "The intake address is not in use (it may have been replaced); ask for the current one in Liaison."
        : "The message is not addressed to a Liaison intake address and does not answer a Liaison email.",
      messageId,
    );
  const [rel] = await ctx.db.select().from(relationships).where(eq(relationships.id, relationshipId));
  if (!rel) return refuse("unknown_address", "The intake address is not in use.", messageId);
  if (rel.status !== "active")
    return refuse(
      "relationship_ended",
      "This address belongs to a relationship that has ended.",
      messageId,
      rel.id,
    );

  // The first Authentication-Results is the receiving server's own verdict; a sender can add
  // more below it but cannot remove it. A forged From is what DMARC exists to catch.
  const verdict = mail.headerLines.find((h) => h.key === "authentication-results");
  if (verdict && /\bdmarc\s*=\s*fail\b/i.test(verdict.line))
    return refuse(
      "unverified_sender",
      "The receiving mail server reports that the sender's domain did not authenticate it (DMARC failed).",
      messageId,
      rel.id,
    );

  const senderAddress = mail.from?.value.find((a) => a.address)?.address?.trim() ?? "";
  const unknownSender = refuse(
    "unknown_sender",
    senderAddress
      ? // Unnamed relationship: whoever holds a leaked address learns nothing about whose it is.
        `${senderAddress} is not a person Liaison knows at this address. Ask an admin to add them, or write from the address Liaison knows.`
      : "The message has no sender address.",
    messageId,
    rel.id,
  );
  if (!senderAddress) return unknownSender;
  const [user] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(eq(sql`lower(${users.email})`, senderAddress.toLowerCase()));
  const actor: Actor | null = user ? await loadUserActor(ctx.db, user.id, "email-intake") : null;
  const viewer = actor ? relationshipViewer(actor, rel) : null;
  if (!user || !actor || !viewer) return unknownSender;

  const seen = await existingEntry(ctx.db, rel.id, messageId);
  if (seen)
    return {
      outcome: "duplicate",
      relationshipId: rel.id,
      ticketId: seen.ticketId,
      ticketNumber: seen.number,
      messageId,
    };

  const as: ServiceContext = { ...ctx, actor };
  const subject = mail.subject?.trim() ?? "";
  const number = ticketNumberInSubject(subject);
  const target =
    (keyRow ? await ticketFromHeaders(ctx.db, refs, rel.id) : threaded) ??
    (number !== null
      ? await ctx.db
          .select(targetColumns)
          .from(tickets)
          .where(and(eq(tickets.relationshipId, rel.id), eq(tickets.number, number)))
          .then((r) => r[0] ?? null)
      : null);
  // A ticket the sender may not see (a member answering someone else's) is refused exactly like
  // a missing one, so email reveals no more than the web does.
  const notFound = (n: number) =>
    refuse(
      "ticket_not_found",
      `There is no ticket #${n} in ${rel.name} that ${senderAddress} can see. To raise a new ticket, send the message without [#${n}] in the subject.`,
      messageId,
      rel.id,
    );
  if (target && !canSeeTicket(viewer, user.id, target)) return notFound(target.number);
  if (number !== null && !target) return notFound(number);
  const attachments = attachmentNote(mail);

  try {
    if (target) {
      if (target.state === "closed")
        return refuse(
          "ticket_closed",
          `Ticket #${target.number} is closed and takes no replies. Reopen it in Liaison, or send a new message (without [#${target.number}]) to raise a new ticket.`,
          messageId,
          rel.id,
        );
      const text = cut(replyText(bodyText(mail)), BODY_MAX - attachments.length - 2);
      const body = [text, attachments].filter(Boolean).join("\n\n");
      if (!body) return refuse("empty", "The reply has no text above the quoted message.", messageId, rel.id);
      await commentOnTicket(as, rel.id, target.id, { body, emailMessageId: messageId });
      return {
        outcome: "commented",
        relationshipId: rel.id,
        ticketId: target.id,
        ticketNumber: target.number,
        messageId,
      };
    }

    if (viewer.side === "provider")
      return refuse(
        "not_allowed",
        "Provider staff answer tickets by email; new tickets come from the client's people (raise one on their behalf in Liaison).",
        messageId,
        rel.id,
      );
    const { severity } = await suggestTicketSeverity(as, rel.id, EMAIL_DEFAULT_IMPACT);
    const note =
      `Raised by email. Email does not ask the impact questions, so Liaison assumed one person affected, ` +
      `no workaround and no business-critical function stopped; the protocol suggests ${severity} for that. ` +
      `If it is more or less urgent, change the severity on the ticket.`;
    const text = withoutSignature(bodyText(mail));
    const tail = [attachments, note].filter(Boolean).join("\n\n");
    const description = [cut(text, BODY_MAX - tail.length - 2) || "(The email had no text.)", tail].join(
      "\n\n",
    );
    const firstLine =
      text
        .split("\n")
        .find((l) => l.trim())
        ?.trim() ?? "";
    const title =
      titleFromSubject(subject) || titleFromSubject(firstLine.slice(0, 80)) || `Email from ${actor.name}`;
    const created = await createTicket(
      as,
      rel.id,
      { title, description, impact: EMAIL_DEFAULT_IMPACT },
      "email",
      { emailMessageId: messageId },
    );
    return {
      outcome: "created",
      relationshipId: rel.id,
      ticketId: created.id,
      ticketNumber: created.number,
      messageId,
    };
  } catch (err) {
    // Two deliveries of one message at once: the unique (relationship, Message-ID) index lets one
    // commit and rolls the other back whole; the loser reports the winner's ticket.
    if (isUniqueViolation(err)) {
      const winner = await existingEntry(ctx.db, rel.id, messageId);
      if (winner)
        return {
          outcome: "duplicate",
          relationshipId: rel.id,
          ticketId: winner.ticketId,
          ticketNumber: winner.number,
          messageId,
        };
    }
    if (err instanceof AppError && err.code === "not_found" && target) return notFound(target.number);
    if (err instanceof AppError && err.status < 500)
      return refuse(refusalFromError(err), err.message, messageId, rel.id);
    throw err;
  }
}
