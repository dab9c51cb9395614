/**
 * The delivery side of the notification core: the worker sends outbox rows after the
 * transactions that wrote them have committed. A row is claimed with a lease (a conditional
 * UPDATE, so two workers never send the same attempt), sent outside any transaction (a slow
 * receiver must not hold locks, and on the embedded database a transaction holds the only
 * connection), and the outcome is recorded against the claim. A worker that dies mid-send leaves
 * the lease to expire and the message is sent again: delivery is at least once, and the
 * outbox id is the idempotency key receivers deduplicate on.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { and, asc, eq, inArray, isNull, lte, min, or, sql } from "drizzle-orm";
import nodemailer from "nodemailer";
import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import { z } from "zod";
import type { Config } from "../config.ts";
import type { Db } from "../db/index.ts";
import { queueNames } from "../jobs/jobs.ts";
import { users } from "../../modules/identity/identity.tables.ts";
import type { Clock } from "../time/clock.ts";
import { type EmailPayload, messageDomain, messageIdFor, renderDigestEmail } from "./email.ts";
import { loadDeliverySettings, preferencesUrl, publishLiveFrom } from "./notify.ts";
import { deliveryAttempts, digestItems, outbox, webhookEndpoints } from "./notify.tables.ts";
import { defaultDeliverySettings, digestDueAt, MAX_ATTEMPTS, retryDelayMs } from "./schedule.ts";
import { webhookHeaders } from "./webhook-signature.ts";

/** One email as handed to the mail transport. */
export interface MailMessage {
  from: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers: Record<string, string>;
  /** A calendar invitation: nodemailer adds it as the text/calendar alternative. */
  icalEvent?: { method: string; filename: string; content: string };
}

/** The SMTP server's final reply: its code (e.g. 250) and text. */
export interface MailResult {
  statusCode: number | null;
  response: string;
}

/** How messages leave: SMTP for email, fetch for webhooks. Built from configuration. */
export interface Transports {
  /** The `From` of every email. */
  mailFrom: string;
  /** For links in digests. */
  publicUrl: string;
  sendMail(msg: MailMessage): Promise<MailResult>;
  fetch?: typeof fetch;
  /** How long a webhook receiver has to answer; 15 s by default. */
  webhookTimeoutMs?: number;
  close?(): Promise<void>;
}

/** A failure that retrying cannot fix (no SMTP server configured, mailbox refused, endpoint deleted). */
export class PermanentDeliveryError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null = null,
  ) {
    super(message);
  }
}

/**
 * An attempt failed and was recorded. `retryAt` is when the row says to try again (epoch ms), or
 * null when the message is now marked failed (retry limit reached, or a permanent failure).
 */
export class DeliveryFailedError extends Error {
  constructor(
    readonly outboxId: string,
    readonly attempt: number,
    readonly statusCode: number | null,
    readonly reason: string,
    readonly retryAt: number | null,
  ) {
    super(`delivery ${outboxId} attempt ${attempt} failed: ${reason}`);
  }
}

export const NO_SMTP = "not sent: no SMTP server configured";

/** The SMTP URL with its password replaced, for logs and start-up messages. */
export function describeSmtpUrl(smtpUrl: string): string {
  if (!smtpUrl) return "(none)";
  try {
    const u = new URL(smtpUrl);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable)";
  }
}

/**
 * Transports from configuration. Without an SMTP URL, every email fails permanently as
 * "not sent: no SMTP server configured" — recorded in the outbox and its log, never dropped.
 */
export function createTransports(
  config: Pick<Config, "smtpUrl" | "mailFrom" | "publicUrl">,
  opts: { fetch?: typeof fetch; webhookTimeoutMs?: number } = {},
): Transports {
  const transporter = config.smtpUrl
    ? nodemailer.createTransport({
        url: config.smtpUrl,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
        // Never log: the SMTP conversation carries the credentials.
        logger: false,
        debug: false,
      } as Parameters<typeof nodemailer.createTransport>[0])
    : null;
  return {
    mailFrom: config.mailFrom,
    publicUrl: config.publicUrl,
    fetch: opts.fetch,
    webhookTimeoutMs: opts.webhookTimeoutMs,
    async sendMail(msg) {
      if (!transporter) throw new PermanentDeliveryError(NO_SMTP);
      try {
        const info = await transporter.sendMail({
          from: msg.from,
          to: msg.to,
          subject: msg.subject,
          text: msg.text,
          html: msg.html,
          messageId: msg.messageId,
          inReplyTo: msg.inReplyTo,
          references: msg.references,
          headers: msg.headers,
          ...(msg.icalEvent ? { icalEvent: msg.icalEvent } : {}),
        });
        const response = String(info.response ?? "");
        const code = /^(\d{3})/.exec(response);
        return { statusCode: code ? Number(code[1]) : null, response };
      } catch (err) {
        const e = err as Error & { responseCode?: number; permanent?: boolean };
        // A 5xx reply (mailbox unknown, message refused) would be refused again: do not retry.
        if (e.permanent || (e.responseCode !== undefined && e.responseCode >= 500)) {
          throw new PermanentDeliveryError(e.message, e.responseCode ?? null);
        }
        throw Object.assign(new Error(e.message), { statusCode: e.responseCode ?? null });
      }
    },
    async close() {
      transporter?.close();
    },
  };
}

/** How long a claimed message stays reserved for the worker sending it. Longer than any send. */
const LEASE_MS = 10 * 60_000;
const EXCERPT_CHARS = 500;

export type DeliveryOutcome =
  | { outcome: "delivered"; attempt: number; statusCode: number | null }
  | { outcome: "not_due"; nextAttemptAt: Date }
  | { outcome: "in_progress"; lockedUntil: Date }
  | { outcome: "finished"; status: "delivered" | "failed" }
  | { outcome: "missing" };

type OutboxRow = typeof outbox.$inferSelect;

interface AttemptResult {
  ok: boolean;
  permanent: boolean;
  statusCode: number | null;
  error: string | null;
  excerpt: string | null;
}

/**
 * Delivers one outbox message if it is due and not yet delivered, recording the attempt. On
 * failure the row gets its next attempt time (exponential backoff, `retryDelayMs`) or, past its
 * attempt limit or on a permanent failure, status `failed`; then this throws DeliveryFailedError.
 * Safe to call concurrently for the same message: only one caller claims an attempt.
 */
export async function deliverOutboxMessage(
  db: Db,
  clock: Clock,
  transports: Transports,
  outboxId: string,
): Promise<DeliveryOutcome> {
  const now = clock.now();
  const claim = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(outbox)
      .set({ attempts: sql`${outbox.attempts} + 1`, lockedUntil: new Date(now + LEASE_MS) })
      .where(
        and(
          eq(outbox.id, outboxId),
          eq(outbox.status, "pending"),
          lte(outbox.nextAttemptAt, new Date(now)),
          or(isNull(outbox.lockedUntil), lte(outbox.lockedUntil, new Date(now))),
        ),
      )
      .returning();
    if (!row) return null;
    const attemptId = randomUUID();
    await tx.insert(deliveryAttempts).values({
      id: attemptId,
      relationshipId: row.relationshipId,
      outboxId: row.id,
      attempt: row.attempts,
      startedAt: new Date(now),
    });
    return { row, attemptId };
  });
  if (!claim) {
    const [row] = await db.select().from(outbox).where(eq(outbox.id, outboxId));
    if (!row) return { outcome: "missing" };
    if (row.status !== "pending") return { outcome: "finished", status: row.status };
    if (row.lockedUntil && row.lockedUntil.getTime() > now) {
      return { outcome: "in_progress", lockedUntil: row.lockedUntil };
    }
    return { outcome: "not_due", nextAttemptAt: row.nextAttemptAt };
  }

  const { row, attemptId } = claim;
  const started = performance.now();
  const result = await attempt(db, clock, transports, row);
  const durationMs = Math.round(performance.now() - started);
  const finishedAt = clock.now();
  const exhausted = row.attempts >= row.maxAttempts;
  const retryAt = result.ok || result.permanent || exhausted ? null : finishedAt + retryDelayMs(row.attempts);

  await db.transaction(async (tx) => {
    await tx
      .update(deliveryAttempts)
      .set({
        finishedAt: new Date(finishedAt),
        ok: result.ok,
        statusCode: result.statusCode,
        error: result.error,
        responseExcerpt: result.excerpt,
        durationMs,
      })
      .where(eq(deliveryAttempts.id, attemptId));
    // Fenced on the attempt number: if this worker outlived its lease and another one claimed the
    // row since, that one owns the row now; this attempt stays in the log.
    await tx
      .update(outbox)
      .set(
        result.ok
          ? {
              status: "delivered",
              deliveredAt: new Date(finishedAt),
              lastStatusCode: result.statusCode,
              lastError: null,
              lockedUntil: null,
            }
          : {
              status: retryAt === null ? "failed" : "pending",
              nextAttemptAt: retryAt === null ? row.nextAttemptAt : new Date(retryAt),
              lastStatusCode: result.statusCode,
              lastError: result.error,
              lockedUntil: null,
            },
      )
      .where(and(eq(outbox.id, row.id), eq(outbox.attempts, row.attempts), eq(outbox.status, "pending")));
    if (row.channel === "webhook" && row.relationshipId) {
      await publishLiveFrom(tx as unknown as Db, {
        relationshipId: row.relationshipId,
        topic: "webhook-deliveries",
        id: row.endpointId!,
      });
    }
  });

  if (result.ok) return { outcome: "delivered", attempt: row.attempts, statusCode: result.statusCode };
  throw new DeliveryFailedError(row.id, row.attempts, result.statusCode, result.error ?? "failed", retryAt);
}

/** Sends one claimed message; never throws for a failure of the receiver, only reports it. */
async function attempt(db: Db, clock: Clock, transports: Transports, row: OutboxRow): Promise<AttemptResult> {
  try {
    if (row.channel === "email") {
      const p = row.payload as EmailPayload;
      const res = await transports.sendMail({
        from: transports.mailFrom,
        to: p.to,
        subject: p.subject,
        text: p.text,
        html: p.html,
        messageId: p.messageId,
        inReplyTo: p.inReplyTo ?? undefined,
        references: p.references.length ? p.references : undefined,
        icalEvent: p.calendar
          ? { method: p.calendar.method, filename: "invite.ics", content: p.calendar.content }
          : undefined,
        headers: {
          // RFC 3834: an automatic message; vacation responders must not answer it.
          "Auto-Submitted": "auto-generated",
          "X-Liaison-Kind": row.kind,
        },
      });
      return {
        ok: true,
        permanent: false,
        statusCode: res.statusCode,
        error: null,
        excerpt: res.response.slice(0, EXCERPT_CHARS),
      };
    }
    return await postWebhook(db, clock, transports, row);
  } catch (err) {
    const e = err as Error & { statusCode?: number | null };
    return {
      ok: false,
      permanent: err instanceof PermanentDeliveryError,
      statusCode: e.statusCode ?? null,
      error: errorText(err),
      excerpt: null,
    };
  }
}

/** An error's message with its cause (fetch reports "fetch failed" and hides ECONNREFUSED there). */
function errorText(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  if (e.name === "TimeoutError") return "no answer within the time limit";
  return (cause && !e.message.includes(cause) ? `${e.message} (${cause})` : e.message).slice(0, 1000);
}

async function postWebhook(
  db: Db,
  clock: Clock,
  transports: Transports,
  row: OutboxRow,
): Promise<AttemptResult> {
  const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, row.endpointId!));
  if (!endpoint || endpoint.deletedAt) throw new PermanentDeliveryError("not sent: the endpoint was deleted");
  // A test delivery is how people check an endpoint before turning it on.
  if (!endpoint.enabled && row.kind !== "webhook.test") {
    throw new PermanentDeliveryError("not sent: the endpoint is disabled");
  }
  const now = clock.now();
  const secrets = [endpoint.secret];
  if (
    endpoint.previousSecret &&
    endpoint.previousSecretExpiresAt &&
    endpoint.previousSecretExpiresAt.getTime() > now
  ) {
    secrets.push(endpoint.previousSecret);
  }
  const body = (row.payload as { body: string }).body;
  const doFetch = transports.fetch ?? fetch;
  const res = await doFetch(endpoint.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "Liaison-Webhooks/1",
      ...webhookHeaders(secrets, row.id, Math.floor(now / 1000), body),
    },
    body,
    // A redirect is an answer, not a success: following it would send the body somewhere else.
    redirect: "manual",
    signal: AbortSignal.timeout(transports.webhookTimeoutMs ?? 15_000),
  });
  const excerpt = await readExcerpt(res);
  const ok = res.status >= 200 && res.status < 300;
  return {
    ok,
    permanent: false,
    statusCode: res.status,
    error: ok ? null : `the receiver answered ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`,
    excerpt,
  };
}

/** The first characters of a response body, without reading a large one whole. */
async function readExcerpt(res: Response): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // The answer's status is what counts; a body cut off mid-way is still an excerpt.
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text ? text.slice(0, EXCERPT_CHARS) : null;
}

/**
 * Delivers every message that is due and not claimed (the recovery sweep: rows whose wake-up
 * job was lost, or that were queued without a job queue). Failures are recorded on their rows
 * and do not stop the sweep. Returns how many were delivered.
 */
export async function deliverDue(
  db: Db,
  clock: Clock,
  transports: Transports,
  opts: { limit?: number; concurrency?: number } = {},
): Promise<number> {
  const now = new Date(clock.now());
  const due = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.status, "pending"),
        lte(outbox.nextAttemptAt, now),
        or(isNull(outbox.lockedUntil), lte(outbox.lockedUntil, now)),
      ),
    )
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(opts.limit ?? 100);
  let delivered = 0;
  const queue = due.map((r) => r.id);
  const worker = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      try {
        const r = await deliverOutboxMessage(db, clock, transports, id);
        if (r.outcome === "delivered") delivered++;
      } catch (err) {
        if (!(err instanceof DeliveryFailedError)) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  return delivered;
}

/**
 * Sends the digests that are due: for each person with held low-severity items whose digest time
 * (per their settings, after quiet hours) has come, one email with all of them, queued in the
 * outbox in the transaction that takes the items and then delivered like any other message.
 * Returns how many digests were queued.
 */
export async function sendDueDigests(db: Db, clock: Clock, transports: Transports): Promise<number> {
  const now = clock.now();
  const pending = await db
    .select({ userId: digestItems.userId, oldest: min(digestItems.createdAt) })
    .from(digestItems)
    .where(isNull(digestItems.outboxId))
    .groupBy(digestItems.userId);
  if (!pending.length) return 0;
  const settings = await loadDeliverySettings(
    db,
    pending.map((p) => p.userId),
  );
  const due = pending.filter(
    (p) =>
      p.oldest && digestDueAt(p.oldest.getTime(), settings.get(p.userId) ?? defaultDeliverySettings) <= now,
  );
  const queued: string[] = [];
  for (const { userId } of due) {
    const s = settings.get(userId) ?? defaultDeliverySettings;
    const id = await db.transaction(async (tx) => {
      // Locked and skipped: two workers sweeping at once never put an item in two digests.
      const items = await tx
        .select()
        .from(digestItems)
        .where(and(eq(digestItems.userId, userId), isNull(digestItems.outboxId)))
        .orderBy(asc(digestItems.createdAt))
        .for("update", { skipLocked: true });
      if (!items.length) return null;
      const [person] = await tx
        .select({ name: users.name, email: users.email, disabledAt: users.disabledAt })
        .from(users)
        .where(eq(users.id, userId));
      const outboxId = randomUUID();
      const rendered = renderDigestEmail(items, {
        preferencesUrl: preferencesUrl(transports.publicUrl),
        timeZone: s.timeZone,
      });
      const payload: EmailPayload = {
        to: { name: person!.name, address: person!.email },
        ...rendered,
        messageId: messageIdFor(outboxId, messageDomain(transports.publicUrl)),
        inReplyTo: null,
        references: [],
      };
      await tx.insert(outbox).values({
        id: outboxId,
        relationshipId: null,
        channel: "email",
        kind: "notification.digest",
        userId,
        payload,
        maxAttempts: MAX_ATTEMPTS,
        nextAttemptAt: new Date(now),
        createdAt: new Date(now),
        // An account disabled since the items were held gets nothing; the row says why.
        ...(person!.disabledAt
          ? { status: "failed" as const, lastError: "not sent: the account is disabled" }
          : {}),
      });
      await tx
        .update(digestItems)
        .set({ outboxId })
        .where(
          inArray(
            digestItems.id,
            items.map((i) => i.id),
          ),
        );
      return person!.disabledAt ? null : outboxId;
    });
    if (!id) continue;
    queued.push(id);
    try {
      await deliverOutboxMessage(db, clock, transports, id);
    } catch (err) {
      // Recorded on the row; the delivery sweep retries it when due.
      if (!(err instanceof DeliveryFailedError)) throw err;
    }
  }
  return queued.length;
}

const DeliverJob = z.object({ outboxId: z.uuid() });

/** Seconds from the clock's now until `at`, at least one: pg-boss counts delays on its own clock. */
const delaySeconds = (clock: Clock, at: number) => Math.max(1, Math.ceil((at - clock.now()) / 1000));

/**
 * Work handlers for the delivery and digest queues. The outbox row decides when a message is
 * tried again: a recorded failure becomes one new wake-up at the row's next attempt time (a
 * pg-boss retry would follow pg-boss's schedule instead), and an early or concurrent wake-up
 * re-queues itself for when the row is due or its lease ends. Only unexpected errors (the database
 * unreachable) are thrown to pg-boss, whose retry is then the wake-up.
 */
export async function registerNotifyJobs(
  boss: PgBoss,
  deps: { db: Db; clock: Clock; transports: Transports; log: Logger; pollingIntervalSeconds?: number },
): Promise<void> {
  const { db, clock, transports, log } = deps;
  const polling = deps.pollingIntervalSeconds ? { pollingIntervalSeconds: deps.pollingIntervalSeconds } : {};
  const wake = (outboxId: string, at: number) =>
    boss.send(
      queueNames.deliver,
      { outboxId },
      { startAfter: delaySeconds(clock, at), singletonKey: outboxId },
    );

  await boss.work<unknown>(queueNames.deliver, { batchSize: 1, ...polling }, async (jobs) => {
    for (const job of jobs) {
      const parsed = DeliverJob.safeParse(job.data);
      if (!parsed.success) {
        log.error({ jobId: job.id }, "delivery job without a valid outboxId; dropped");
        continue;
      }
      const { outboxId } = parsed.data;
      try {
        const r = await deliverOutboxMessage(db, clock, transports, outboxId);
        if (r.outcome === "not_due") await wake(outboxId, r.nextAttemptAt.getTime());
        else if (r.outcome === "in_progress") await wake(outboxId, r.lockedUntil.getTime());
      } catch (err) {
        if (!(err instanceof DeliveryFailedError)) throw err;
        // Never the URL or the payload: a webhook URL can itself be a credential.
        log.warn(
          {
            outboxId,
            attempt: err.attempt,
            statusCode: err.statusCode,
            reason: err.reason,
            retryAt: err.retryAt,
          },
          err.retryAt ? "delivery failed; will retry" : "delivery failed for good",
        );
        if (err.retryAt !== null) await wake(outboxId, err.retryAt);
      }
    }
  });

  await boss.work(queueNames.digest, { batchSize: 1, ...polling }, async () => {
    const sent = await sendDueDigests(db, clock, transports);
    if (sent) log.info({ digests: sent }, "digests sent");
  });
}
