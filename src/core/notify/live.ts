/**
 * Live updates for the web app. Services NOTIFY on one channel inside their transactions
 * (notify.ts); each API process LISTENs once and fans messages out to its open server-sent-event
 * streams. A stream gets a person's own new notifications, and pings about relationships their
 * organizations are party to. Pings carry no content — the browser refetches through the API.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../db/index.ts";
import { relationships } from "../../modules/identity/identity.tables.ts";
import { LIVE_CHANNEL, type LiveMessage } from "./notify.ts";

/** What a stream is told. */
export type LiveEvent =
  /** Subscribed: from now on, nothing committed is missed. */
  | { type: "ready" }
  /** The session ended: the stream closes. */
  | { type: "ended" }
  | { type: "notification"; relationshipId: string | null; kind: string }
  | { type: "ping"; relationshipId: string; topic: string; id: string | null }
  /** Messages may have been missed (the listening connection was lost): refetch everything. */
  | { type: "resync" };

export interface LiveSubscriber {
  userId: string;
  /** The organizations the person belongs to now (re-read by the stream as it goes). */
  orgIds(): readonly string[];
  send(event: LiveEvent): void;
}

/** Relationships never change parties, so their org ids are cached for the life of the process. */
const PARTIES_CACHE = 5_000;

/**
 * One LISTEN per process for every stream. Starts listening with the first subscriber and stops
 * with the last, so processes (and tests) without streams hold no listening connection.
 */
export class LiveHub {
  private readonly subscribers = new Set<LiveSubscriber>();
  private listening: Promise<() => Promise<void>> | null = null;
  private readonly parties = new Map<string, readonly string[]>();
  /** Messages are handled one after another, so streams see them in commit order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly database: Database) {}

  /** Adds a stream; resolves once messages committed from now on will reach it. */
  async subscribe(sub: LiveSubscriber): Promise<() => Promise<void>> {
    this.subscribers.add(sub);
    try {
      this.listening ??= this.database.listen(
        LIVE_CHANNEL,
        (payload) => {
          this.queue = this.queue.then(() => this.dispatch(payload)).catch(() => {});
        },
        () => this.broadcast({ type: "resync" }),
      );
      await this.listening;
    } catch (err) {
      this.listening = null;
      this.subscribers.delete(sub);
      throw err;
    }
    return async () => {
      this.subscribers.delete(sub);
      if (this.subscribers.size === 0 && this.listening) {
        const stop = this.listening;
        this.listening = null;
        await (
          await stop
        )();
      }
    };
  }

  get size(): number {
    return this.subscribers.size;
  }

  private broadcast(event: LiveEvent): void {
    for (const sub of this.subscribers) sub.send(event);
  }

  private async dispatch(payload: string): Promise<void> {
    let msg: LiveMessage;
    try {
      msg = JSON.parse(payload) as LiveMessage;
    } catch {
      return;
    }
    if (msg.t === "n") {
      const users = new Set(msg.u);
      for (const sub of this.subscribers) {
        if (users.has(sub.userId)) sub.send({ type: "notification", relationshipId: msg.r, kind: msg.k });
      }
      return;
    }
    if (msg.t === "p") {
      const orgs = await this.partiesOf(msg.r).catch(() => null);
      if (!orgs) return;
      for (const sub of this.subscribers) {
        if (sub.orgIds().some((o) => orgs.includes(o))) {
          sub.send({ type: "ping", relationshipId: msg.r, topic: msg.topic, id: msg.id });
        }
      }
    }
  }

  private async partiesOf(relationshipId: string): Promise<readonly string[] | null> {
    const cached = this.parties.get(relationshipId);
    if (cached) return cached;
    const [row] = await this.database.db
      .select({ c: relationships.clientOrgId, p: relationships.providerOrgId })
      .from(relationships)
      .where(eq(relationships.id, relationshipId));
    if (!row) return null;
    if (this.parties.size >= PARTIES_CACHE) this.parties.clear();
    const orgs = [row.c, row.p];
    this.parties.set(relationshipId, orgs);
    return orgs;
  }
}
