import type { Config } from "../config.ts";
import type { Db } from "../db/index.ts";
import type { EventActor } from "../events/events.ts";
import type { Jobs } from "../jobs/jobs.ts";
import type { Clock } from "../time/clock.ts";
import type { Actor } from "./actor.ts";
import { AppError } from "./errors.ts";

/** What every service call receives: the database, the clock, who is asking, and why. */
export interface ServiceContext {
  db: Db;
  clock: Clock;
  /** null for anonymous requests (sign-in, health). */
  actor: Actor | null;
  requestId: string;
  publicUrl: string;
  config: Pick<Config, "sessionTtlHours">;
  /**
   * The job queue, for work that must happen later (timers, deliveries). Null when this process
   * runs without one (some tests, CLI commands): the rows still record what is due, and any
   * worker's sweep picks it up.
   */
  jobs: Jobs | null;
}

export type AuthedContext = ServiceContext & { actor: Actor };

/** Narrows to a signed-in actor or answers 401. */
export function requireActor(ctx: ServiceContext): asserts ctx is AuthedContext {
  if (!ctx.actor)
    throw new AppError("unauthenticated", "Sign in, or send an API token in the Authorization header.");
}

/** How the audit trail names an actor. */
export function eventActor(actor: Actor | null): EventActor {
  if (!actor) return { type: "system", id: null, name: "Liaison" };
  if (actor.type === "user") return { type: "user", id: actor.userId, name: actor.name };
  return { type: "token", id: actor.tokenId, name: `API token “${actor.name}”` };
}

/** Runs `fn` in a transaction on the context's database, handing it a context bound to it. */
export async function withTransaction<T>(
  ctx: ServiceContext,
  fn: (tx: ServiceContext) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction(async (tx) => fn({ ...ctx, db: tx as unknown as Db }));
}
