/**
 * Touchpoints for the demo: Harbor Food Bank ↔ Northwind's series (started when the protocol took
 * effect a month ago) with its past meetings recorded — one held with minutes, a decision and
 * action items (one done, one overdue, one open), one skipped with its reason — the client's
 * business and compliance dates, and items both sides added to the next agenda. Everything goes
 * through the services people use, at the time it happened, so the audit trail reads naturally.
 */
import { and, asc, eq, lt } from "drizzle-orm";
import type { ServiceContext } from "../core/http/context.ts";
import { users } from "../modules/identity/identity.tables.ts";
import { loadUserActor } from "../modules/identity/auth.service.ts";
import { createBusinessDate } from "../modules/touchpoints/business-dates.service.ts";
import { touchpointMeetings } from "../modules/touchpoints/touchpoints.tables.ts";
import {
  addAction,
  addAgendaItem,
  completeAction,
  getMeeting,
  holdMeeting,
  recordDecision,
  saveMinutes,
  skipMeeting,
} from "../modules/touchpoints/touchpoints.service.ts";

const DAY = 86_400_000;
const dateOf = (t: number) => new Date(t).toISOString().slice(0, 10);

export interface DemoTouchpointCounts {
  meetingsRecorded: number;
  actionItems: number;
  businessDates: number;
}

export async function loadDemoTouchpoints(
  ctx: ServiceContext,
  rels: Map<string, string>,
): Promise<DemoTouchpointCounts> {
  const now = ctx.clock.now();
  const relId = rels.get("harbor/northwind");
  if (!relId) throw new Error("The demo relationship harbor/northwind is missing.");
  const actors = new Map<string, ServiceContext["actor"]>();
  const ids = new Map<string, string>();
  const as = async (email: string, t: number): Promise<ServiceContext> => {
    if (!actors.has(email)) {
      const [u] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, email));
      if (!u) throw new Error(`The demo person ${email} is missing.`);
      ids.set(email, u.id);
      actors.set(email, await loadUserActor(ctx.db, u.id, "demo-loader"));
    }
    return { ...ctx, clock: { now: () => t }, actor: actors.get(email)! };
  };
  const idOf = async (email: string) => {
    await as(email, now);
    return ids.get(email)!;
  };
  const priya = "priya@northwind-it.example"; // account manager
  const marcus = "marcus@northwind-it.example"; // senior technician
  const leo = "leo@harborfoodbank.example"; // IT contact
  const grace = "grace@harborfoodbank.example"; // executive
  const counts: DemoTouchpointCounts = { meetingsRecorded: 0, actionItems: 0, businessDates: 0 };

  // The client's dates, recorded by the IT contact three weeks ago.
  const recorded = now - 21 * DAY;
  for (const [kind, title, inDays, notes] of [
    [
      "office_move",
      "Warehouse office moves to Pier 4",
      18,
      "Twelve desks, two printers and the label printer move; the network drop at Pier 4 is not in yet.",
    ],
    [
      "audit",
      "Food safety (SQF) audit",
      40,
      "The auditor asks for the temperature-log backups of the last 12 months.",
    ],
    [
      "renewal",
      "Microsoft 365 Nonprofit licences renew",
      75,
      "Decide whether the volunteers keep Business Basic.",
    ],
    [
      "regulatory",
      "State charity registration renewal",
      150,
      "Needs the annual financial report from the accounting system.",
    ],
  ] as const) {
    await createBusinessDate(await as(leo, recorded), relId, {
      kind,
      title,
      dueOn: dateOf(now + inDays * DAY),
      notes,
    });
    counts.businessDates++;
  }

  const past = await ctx.db
    .select()
    .from(touchpointMeetings)
    .where(and(eq(touchpointMeetings.relationshipId, relId), lt(touchpointMeetings.end, new Date(now))))
    .orderBy(asc(touchpointMeetings.start));
  const [first, second] = past;
  if (first) {
    const start = first.start.getTime();
    const during = start + 20 * 60_000;
    await addAgendaItem(await as(grace, start - 2 * DAY), relId, first.id, {
      title: "Volunteer laptops: who can install software?",
      detail: "Two volunteers installed a browser extension that the antivirus flagged.",
    });
    const detail = await getMeeting(await as(priya, during), relId, first.id);
    const item = detail.agenda.sections
      .flatMap((s) => s.items)
      .find((i) => i.title.startsWith("Volunteer laptops"))!;
    await saveMinutes(await as(priya, during), relId, first.id, {
      itemKey: item.key,
      text: "Volunteers keep standard accounts. Northwind removes local admin rights from the six shared laptops and sends the client a one-page software request form.",
    });
    await recordDecision(await as(grace, during), relId, first.id, {
      itemKey: item.key,
      text: "No local admin rights on shared volunteer laptops; software requests go through the IT contact.",
    });
    for (const [title, owner, dueIn] of [
      ["Remove local admin rights from the six shared laptops", marcus, 5],
      ["Send the one-page software request form to Harbor", priya, 4],
      ["List the volunteers who need the label-printing software", leo, 25],
    ] as const) {
      await addAction(await as(priya, during), relId, first.id, {
        itemKey: item.key,
        title,
        ownerUserId: await idOf(owner),
        dueOn: dateOf(start + dueIn * DAY),
      });
      counts.actionItems++;
    }
    const held = await holdMeeting(await as(priya, first.end.getTime()), relId, first.id, {
      revision: (await getMeeting(await as(priya, first.end.getTime()), relId, first.id)).meeting.revision,
    });
    counts.meetingsRecorded++;
    const done = held.actions.find((a) => a.title.startsWith("Remove local admin"))!;
    // The first action is done on time; the form is left overdue, the list is still open.
    await completeAction(await as(marcus, start + 3 * DAY), relId, done.id, {
      note: "Done on all six; the volunteers' accounts are standard users now.",
      revision: done.revision,
    });
  }
  if (second) {
    await skipMeeting(await as(leo, second.start.getTime() - 2 * DAY), relId, second.id, {
      reason: "Harbor's holiday food drive: the IT contact is on the warehouse floor all week.",
      revision: second.revision,
    });
    counts.meetingsRecorded++;
  }
  // Items for the next meeting, from both sides.
  const [next] = await ctx.db
    .select()
    .from(touchpointMeetings)
    .where(and(eq(touchpointMeetings.relationshipId, relId), eq(touchpointMeetings.state, "scheduled")))
    .orderBy(asc(touchpointMeetings.start))
    .limit(1);
  const nextStart = next ? next.start.getTime() : 0;
  if (next && nextStart > now) {
    await addAgendaItem(await as(leo, now - DAY), relId, next.id, {
      title: "Wi-Fi in the cold store drops scanners",
      detail: "Handheld scanners lose the connection at the back of the cold store most mornings.",
    });
    await addAgendaItem(await as(priya, now - DAY), relId, next.id, {
      title: "Backup retention for the SQF audit",
      detail: "The audit wants 12 months of temperature logs; today's retention keeps 90 days.",
    });
  }
  return counts;
}
