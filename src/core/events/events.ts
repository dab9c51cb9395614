import { createHash } from "node:crypto";
import canonicalizeModule from "canonicalize";
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { eventChainHeads, events } from "./events.tables.ts";

/** Who did something, as the audit trail records it. */
export interface EventActor {
  type: "user" | "token" | "system";
  id: string | null;
  name: string;
}

export interface NewEvent {
  scope: "relationship" | "organization" | "user";
  /** The chain: the relationship, organization or user id the event belongs to. */
  chain: string;
  relationshipId?: string | null;
  orgId?: string | null;
  actor: EventActor;
  /** Dotted verb, e.g. `membership.created`. */
  action: string;
  subject: { type: string; id: string | null; label: string };
  /** Small summaries of what changed. Never secrets or hashes of secrets. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  requestId?: string | null;
  occurredAt: number;
}

export type StoredEvent = typeof events.$inferSelect;

// RFC 8785 JSON canonicalization; the package is CommonJS with a default-export typing.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

/** The hash of a chain's (absent) predecessor of its first event. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * The hash of an event: SHA-256 over the RFC 8785 canonical JSON of every stored field except
 * the id and the hash itself. Canonical JSON makes the hash independent of key order, which
 * jsonb does not preserve.
 */
export function hashEvent(e: Omit<StoredEvent, "id" | "hash">): string {
  const body = canonicalize({
    chain: e.chain,
    scope: e.scope,
    seq: e.seq,
    relationshipId: e.relationshipId,
    orgId: e.orgId,
    actor: { type: e.actorType, id: e.actorId, name: e.actorName },
    action: e.action,
    subject: { type: e.subjectType, id: e.subjectId, label: e.subjectLabel },
    before: e.before ?? null,
    after: e.after ?? null,
    requestId: e.requestId,
    occurredAt: e.occurredAt.toISOString(),
    prevHash: e.prevHash,
  });
  return createHash("sha256")
    .update(body ?? "")
    .digest("hex");
}

/**
 * Appends an event to its chain. Call it inside the transaction that makes the change, so the
 * change and its record commit together or not at all.
 */
export async function appendEvent(tx: Db, e: NewEvent): Promise<StoredEvent> {
  // Create the head row if this is the chain's first event, then lock it: concurrent appends to
  // the same chain queue here, so each sees the previous one's hash.
  await tx
    .insert(eventChainHeads)
    .values({ chain: e.chain, seq: 0, hash: GENESIS_HASH })
    .onConflictDoNothing();
  const [head] = await tx
    .select()
    .from(eventChainHeads)
    .where(eq(eventChainHeads.chain, e.chain))
    .for("update");
  if (!head) throw new Error(`event chain ${e.chain} has no head`);
  const row = {
    chain: e.chain,
    scope: e.scope,
    seq: head.seq + 1,
    relationshipId: e.relationshipId ?? null,
    orgId: e.orgId ?? null,
    actorType: e.actor.type,
    actorId: e.actor.id,
    actorName: e.actor.name,
    action: e.action,
    subjectType: e.subject.type,
    subjectId: e.subject.id,
    subjectLabel: e.subject.label,
    before: e.before ?? null,
    after: e.after ?? null,
    requestId: e.requestId ?? null,
    occurredAt: new Date(e.occurredAt),
    prevHash: head.hash,
  };
  const hash = hashEvent(row);
  const [stored] = await tx
    .insert(events)
    .values({ ...row, hash })
    .returning();
  await tx.update(eventChainHeads).set({ seq: row.seq, hash }).where(eq(eventChainHeads.chain, e.chain));
  return stored!;
}

export interface ChainProblem {
  chain: string;
  seq: number;
  eventId: string | null;
  problem: string;
}

export interface VerifyResult {
  chains: number;
  events: number;
  /** The first broken link of each broken chain. */
  problems: ChainProblem[];
}

/**
 * Recomputes every hash of the given chains (all chains when none is given) and reports, per
 * chain, the first event whose stored hash, link or sequence does not hold.
 */
export async function verifyChains(db: Db, chainIds?: string[]): Promise<VerifyResult> {
  const heads = chainIds?.length
    ? await db.select().from(eventChainHeads).where(inArray(eventChainHeads.chain, chainIds))
    : await db.select().from(eventChainHeads);
  const result: VerifyResult = { chains: heads.length, events: 0, problems: [] };
  const pageSize = 1000;
  for (const head of heads) {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let problem: ChainProblem | null = null;
    for (;;) {
      const page = await db
        .select()
        .from(events)
        .where(and(eq(events.chain, head.chain), gt(events.seq, expectedSeq - 1)))
        .orderBy(asc(events.seq))
        .limit(pageSize);
      for (const ev of page) {
        result.events++;
        if (ev.seq !== expectedSeq) {
          problem = {
            chain: head.chain,
            seq: expectedSeq,
            eventId: null,
            problem: `event ${expectedSeq} is missing`,
          };
          break;
        }
        if (ev.prevHash !== prevHash) {
          problem = {
            chain: head.chain,
            seq: ev.seq,
            eventId: ev.id,
            problem:
              "its link to the previous event does not match (an event before it was changed or removed)",
          };
          break;
        }
        const { id: _id, hash, ...rest } = ev;
        if (hashEvent(rest) !== hash) {
          problem = {
            chain: head.chain,
            seq: ev.seq,
            eventId: ev.id,
            problem: "its content was changed after it was recorded",
          };
          break;
        }
        prevHash = hash;
        expectedSeq++;
      }
      if (problem || page.length < pageSize) break;
    }
    if (!problem && (expectedSeq - 1 !== head.seq || prevHash !== head.hash)) {
      problem = {
        chain: head.chain,
        seq: expectedSeq,
        eventId: null,
        problem: `the chain ends at event ${expectedSeq - 1} but its head says ${head.seq} (events at the end were removed)`,
      };
    }
    if (problem) result.problems.push(problem);
  }
  return result;
}
