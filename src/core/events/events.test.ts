import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../test/support.ts";
import type { Database } from "../db/index.ts";
import { events } from "./events.tables.ts";
import { appendEvent, type NewEvent, verifyChains } from "./events.ts";

let database: Database & { drop(): Promise<void> };
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

const event = (chain: string, n: number): NewEvent => ({
  scope: "relationship",
  chain,
  relationshipId: chain,
  actor: { type: "user", id: randomUUID(), name: "Pat" },
  action: "membership.updated",
  subject: { type: "user", id: randomUUID(), label: `Person ${n}` },
  before: { role: "member", n },
  after: { role: "approver", nested: { b: 2, a: 1 } },
  requestId: `req-${n}`,
  occurredAt: Date.UTC(2026, 0, 1) + n * 1000,
});

async function chainOf(n: number): Promise<string> {
  const chain = randomUUID();
  for (let i = 1; i <= n; i++)
    await database.db.transaction(async (tx) => void (await appendEvent(tx as never, event(chain, i))));
  return chain;
}

describe("audit chain", () => {
  it("links each event to the previous one and verifies intact", async () => {
    const chain = await chainOf(5);
    const rows = await database.db.select().from(events).where(eq(events.chain, chain)).orderBy(events.seq);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(await verifyChains(database.db, [chain])).toMatchObject({ chains: 1, events: 5, problems: [] });
  });

  it("names the first event whose stored content was changed", async () => {
    const chain = await chainOf(4);
    const [third] = await database.db
      .select()
      .from(events)
      .where(and(eq(events.chain, chain), eq(events.seq, 3)));
    await database.db.execute(
      sql`update events set after = '{"role":"executive"}'::jsonb where id = ${third!.id}`,
    );
    const result = await verifyChains(database.db, [chain]);
    expect(result.problems).toEqual([
      { chain, seq: 3, eventId: third!.id, problem: expect.stringContaining("content was changed") },
    ]);
  });

  it("notices a removed event in the middle and at the end", async () => {
    const middle = await chainOf(4);
    await database.db.execute(sql`delete from events where chain = ${middle} and seq = 2`);
    expect((await verifyChains(database.db, [middle])).problems[0]).toMatchObject({
      seq: 2,
      problem: "event 2 is missing",
    });
    const end = await chainOf(3);
    await database.db.execute(sql`delete from events where chain = ${end} and seq = 3`);
    expect((await verifyChains(database.db, [end])).problems[0]).toMatchObject({ seq: 3 });
  });

  it("notices a rewritten event whose hash was recomputed (the link after it breaks)", async () => {
    const chain = await chainOf(3);
    const [second] = await database.db
      .select()
      .from(events)
      .where(and(eq(events.chain, chain), eq(events.seq, 2)));
    await database.db.execute(sql`update events set hash = ${"f".repeat(64)} where id = ${second!.id}`);
    const p = (await verifyChains(database.db, [chain])).problems[0]!;
    expect(p.seq).toBe(2);
  });

  it("keeps one unbroken sequence when many transactions append to a chain at once", async () => {
    const chain = randomUUID();
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        database.db.transaction(async (tx) => void (await appendEvent(tx as never, event(chain, i + 1)))),
      ),
    );
    const result = await verifyChains(database.db, [chain]);
    expect(result).toMatchObject({ events: 25, problems: [] });
  });

  it("rolls the event back with the change when the transaction fails", async () => {
    const chain = await chainOf(1);
    await expect(
      database.db.transaction(async (tx) => {
        await appendEvent(tx as never, event(chain, 2));
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    const result = await verifyChains(database.db, [chain]);
    expect(result).toMatchObject({ events: 1, problems: [] });
  });
});
