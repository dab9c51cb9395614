/**
 * The agenda of a touchpoint meeting, assembled from live data since the last meeting that was
 * held (seed 001's five parts): previously identified issues and open action items with their
 * owners, overdue action items apart, new issues by severity with their SLA breaches, changes
 * planned for the next period and completed since, escalations and concerns from either side
 * (escalated tickets, emergencies, items people added), and the client's dated business and
 * compliance needs coming up. Read-only: the service attaches minutes, decisions and action
 * items, and keeps the result once the meeting is held.
 */
import { and, asc, eq, gte, inArray, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../../core/db/index.ts";
import { events } from "../../core/events/events.tables.ts";
import { DAY_MS, parseDay } from "../../core/time/holidays.ts";
import { zoneTable } from "../../core/time/intervals.ts";
import { changes } from "../changes/changes.tables.ts";
import { formatLocal } from "../changes/changes.plan.ts";
import { users } from "../identity/identity.tables.ts";
import { emergencies } from "../oncall/oncall.tables.ts";
import { tickets } from "../tickets/tickets.tables.ts";
import type { AgendaItemView, AgendaSectionView } from "./touchpoints.schema.ts";
import {
  businessDates,
  touchpointActions,
  touchpointItems,
  touchpointMeetings,
} from "./touchpoints.tables.ts";

/** How far ahead of a meeting the client's business and compliance dates are listed. */
export const UPCOMING_DATES_DAYS = 90;

/** An agenda item before minutes, decisions and action items are attached. */
export type BareItem = Omit<AgendaItemView, "minutes" | "decisions" | "actions" | "removable"> & {
  /** For items people added: who added them (to decide whether the viewer may remove them). */
  addedById?: string | null;
};
export type BareSection = Omit<AgendaSectionView, "items"> & { items: BareItem[] };

export interface AgendaInput {
  relationshipId: string;
  meeting: { id: string; start: number };
  timeZone: string;
  /** Start of the last meeting held before this one (or the series' start). */
  since: number;
  /** The data's cut-off: now, while the meeting is ahead; the time it was recorded as held. */
  asOf: number;
  /** Start of the following meeting: "the next period" of planned changes ends there. */
  nextPeriodEnd: number;
  /** Escalation level names by id, from the protocol ("account_manager" → "Account manager"). */
  levelNames: Record<string, string>;
}

const severityOrder = ["critical", "high", "medium", "low"] as const;
const ticketStateWords: Record<string, string> = {
  new: "New, not yet acknowledged",
  acknowledged: "Acknowledged",
  in_progress: "In progress",
  waiting_on_client: "Waiting on the client",
  resolved: "Resolved",
  closed: "Closed",
};
const changeStateWords: Record<string, string> = {
  draft: "Draft",
  proposed: "Proposed, awaiting approval",
  approved: "Approved",
  rejected: "Rejected",
  reschedule_requested: "Reschedule requested",
  scheduled: "Scheduled",
  in_progress: "In progress",
  completed: "Completed",
  failed: "Failed",
  rolled_back: "Rolled back",
  reviewed: "Completed and reviewed",
  cancelled: "Cancelled",
};
const dateKindWords: Record<string, string> = {
  audit: "Audit",
  renewal: "Renewal",
  office_move: "Office move",
  regulatory: "Regulatory deadline",
  budget: "Budget",
  other: "Other",
};
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The local calendar day number (days since 1970-01-01) of an instant in a zone. */
export const dayOf = (zone: string, t: number) => Math.floor(zoneTable(zone).instantToWall(t) / DAY_MS);

/** "in 12 days", "today", "tomorrow", "3 days ago". */
export function daysAwayWords(days: number): string {
  if (days === 0) return "today";
  if (days === 1) return "tomorrow";
  if (days === -1) return "yesterday";
  return days > 0 ? `in ${days} days` : `${-days} days ago`;
}

export async function assembleAgenda(db: Db, input: AgendaInput): Promise<BareSection[]> {
  const { relationshipId: rel, since, asOf, timeZone: zone } = input;
  const at = (t: number) => formatLocal(zone, t);
  const sinceNote = `Since ${at(since)}`;
  const ticketLink = (id: string) => `/r/${rel}/tickets/${id}`;
  const levelName = (id: string | null) => (id ? (input.levelNames[id] ?? id) : "the next level");

  // ---- tickets: earlier ones still open or resolved since, and new ones ----
  const ticketRows = await db
    .select({
      id: tickets.id,
      number: tickets.number,
      title: tickets.title,
      severity: tickets.severity,
      state: tickets.state,
      createdAt: tickets.createdAt,
      resolvedAt: tickets.resolvedAt,
      escalationLevel: tickets.escalationLevel,
      assignee: users.name,
    })
    .from(tickets)
    .leftJoin(users, eq(users.id, tickets.assigneeId))
    .where(
      and(
        eq(tickets.relationshipId, rel),
        lt(tickets.createdAt, new Date(asOf)),
        or(
          gte(tickets.createdAt, new Date(since)),
          inArray(tickets.state, ["new", "acknowledged", "in_progress", "waiting_on_client"]),
          gte(tickets.resolvedAt, new Date(since)),
        ),
      ),
    )
    .orderBy(asc(tickets.number));
  const ticketIds = ticketRows.map((t) => t.id);
  const ticketEvents = ticketIds.length
    ? await db
        .select({
          subjectId: events.subjectId,
          action: events.action,
          after: events.after,
          at: events.occurredAt,
        })
        .from(events)
        .where(
          and(
            eq(events.relationshipId, rel),
            inArray(events.action, ["ticket.breached", "ticket.escalated"]),
            inArray(events.subjectId, ticketIds),
            gte(events.occurredAt, new Date(since)),
            lt(events.occurredAt, new Date(asOf)),
          ),
        )
        .orderBy(asc(events.seq))
    : [];
  const breaches = new Map<string, string[]>();
  const escalations = new Map<string, string>();
  for (const e of ticketEvents) {
    const after = (e.after ?? {}) as { clock?: string; escalationLevel?: string };
    if (e.action === "ticket.breached") {
      const list = breaches.get(e.subjectId!) ?? [];
      const flag = `${capital(after.clock ?? "SLA")} target missed`;
      if (!list.includes(flag)) list.push(flag);
      breaches.set(e.subjectId!, list);
    } else escalations.set(e.subjectId!, levelName(after.escalationLevel ?? null));
  }
  const ticketItem = (section: string, t: (typeof ticketRows)[number], group: string | null): BareItem => ({
    key: `${section}:ticket:${t.id}`,
    kind: "ticket",
    group,
    title: `#${t.number} ${t.title}`,
    status:
      t.resolvedAt && (t.state === "resolved" || t.state === "closed")
        ? `${ticketStateWords[t.state]} ${at(t.resolvedAt.getTime())}`
        : ticketStateWords[t.state]!,
    detail: `${capital(t.severity)} severity, raised ${at(t.createdAt.getTime())}`,
    owner: t.assignee ?? "Unassigned",
    flags: [
      ...(breaches.get(t.id) ?? []),
      ...(t.escalationLevel && !["resolved", "closed"].includes(t.state)
        ? [`Escalated to ${levelName(t.escalationLevel)}`]
        : []),
    ],
    link: ticketLink(t.id),
    addedBy: null,
  });
  const earlier = ticketRows.filter((t) => t.createdAt.getTime() < since);
  const fresh = ticketRows.filter((t) => t.createdAt.getTime() >= since);

  // ---- action items from earlier meetings ----
  const actionRows = await db
    .select({
      id: touchpointActions.id,
      number: touchpointActions.number,
      title: touchpointActions.title,
      dueOn: touchpointActions.dueOn,
      dueAt: touchpointActions.dueAt,
      doneAt: touchpointActions.doneAt,
      doneNote: touchpointActions.doneNote,
      itemTitle: touchpointActions.itemTitle,
      owner: users.name,
      meetingNumber: touchpointMeetings.number,
    })
    .from(touchpointActions)
    .innerJoin(users, eq(users.id, touchpointActions.ownerUserId))
    .innerJoin(touchpointMeetings, eq(touchpointMeetings.id, touchpointActions.meetingId))
    .where(
      and(
        eq(touchpointActions.relationshipId, rel),
        lt(touchpointMeetings.start, new Date(input.meeting.start)),
        or(isNull(touchpointActions.doneAt), gte(touchpointActions.doneAt, new Date(since))),
      ),
    )
    .orderBy(asc(touchpointActions.dueAt), asc(touchpointActions.number));
  const today = dayOf(zone, asOf);
  const actionItem = (section: string, a: (typeof actionRows)[number]): BareItem => {
    const late = !a.doneAt && a.dueAt.getTime() < asOf;
    const dueDay = parseDay(a.dueOn) ?? today;
    return {
      key: `${section}:action:${a.id}`,
      kind: "action",
      group: section === "previous" ? "Action items" : null,
      title: `A-${a.number} ${a.title}`,
      status: a.doneAt ? `Done ${at(a.doneAt.getTime())}` : `Open, due ${a.dueOn}`,
      detail: [`From meeting ${a.meetingNumber}: ${a.itemTitle}`, a.doneNote ? `Done: ${a.doneNote}` : null]
        .filter(Boolean)
        .join("\n"),
      owner: a.owner,
      flags: late ? [`Overdue by ${Math.max(1, today - dueDay)} day${today - dueDay > 1 ? "s" : ""}`] : [],
      link: `/r/${rel}/touchpoints/actions`,
      addedBy: null,
    };
  };

  // ---- changes ----
  const changeRows = await db
    .select()
    .from(changes)
    .where(
      and(
        eq(changes.relationshipId, rel),
        or(
          and(
            gte(changes.plannedStart, new Date(asOf)),
            lt(changes.plannedStart, new Date(input.nextPeriodEnd)),
            inArray(changes.state, ["proposed", "approved", "reschedule_requested", "scheduled"]),
          ),
          and(
            gte(changes.actualEnd, new Date(since)),
            lt(changes.actualEnd, new Date(asOf)),
            inArray(changes.state, ["completed", "failed", "rolled_back", "reviewed"]),
          ),
          eq(changes.state, "in_progress"),
        ),
      ),
    )
    .orderBy(asc(changes.plannedStart));
  const changeItem = (c: (typeof changeRows)[number], group: string): BareItem => ({
    key: `changes:change:${c.id}`,
    kind: "change",
    group,
    title: `CHG-${c.number} ${c.title}`,
    status: changeStateWords[c.state]!,
    detail:
      group === "Completed since the last meeting"
        ? `Finished ${at(c.actualEnd!.getTime())}${c.outcomeNotes ? `: ${c.outcomeNotes}` : ""}`
        : `Planned ${at(c.plannedStart.getTime())} to ${at(c.plannedEnd.getTime())}; ${capital(c.class)} change, ${c.risk} risk${c.userNotice ? `. ${c.userNotice}` : ""}`,
    owner: c.createdByName,
    flags: [
      ...(c.class === "emergency" ? ["Emergency change"] : []),
      ...(c.unannounced ? ["Made without notice"] : []),
      ...(c.state === "failed" || c.state === "rolled_back" ? [changeStateWords[c.state]!] : []),
    ],
    link: `/r/${rel}/changes/${c.id}`,
    addedBy: null,
  });
  const planned = changeRows.filter((c) => !c.actualEnd && c.state !== "in_progress");
  const running = changeRows.filter((c) => c.state === "in_progress");
  const completed = changeRows.filter((c) => c.actualEnd && c.state !== "in_progress");

  // ---- emergencies declared since ----
  const emergencyRows = await db
    .select()
    .from(emergencies)
    .where(
      and(
        eq(emergencies.relationshipId, rel),
        gte(emergencies.declaredAt, new Date(since)),
        lt(emergencies.declaredAt, new Date(asOf)),
      ),
    )
    .orderBy(asc(emergencies.declaredAt));

  // ---- items people added: this meeting's, and those of meetings skipped since ----
  const addedRows = await db
    .select({
      id: touchpointItems.id,
      title: touchpointItems.title,
      detail: touchpointItems.detail,
      side: touchpointItems.side,
      addedBy: touchpointItems.addedBy,
      addedByName: touchpointItems.addedByName,
      meetingId: touchpointItems.meetingId,
    })
    .from(touchpointItems)
    .innerJoin(touchpointMeetings, eq(touchpointMeetings.id, touchpointItems.meetingId))
    .where(
      and(
        eq(touchpointItems.relationshipId, rel),
        isNull(touchpointItems.removedAt),
        or(
          eq(touchpointItems.meetingId, input.meeting.id),
          and(
            inArray(touchpointMeetings.state, ["skipped", "cancelled"]),
            gte(touchpointMeetings.start, new Date(since)),
            lt(touchpointMeetings.start, new Date(input.meeting.start)),
          ),
        ),
      ),
    )
    .orderBy(asc(touchpointItems.createdAt));

  // ---- business and compliance dates ----
  const meetingDay = dayOf(zone, input.meeting.start);
  const fromDay = Math.min(dayOf(zone, since), meetingDay);
  const dateRows = (
    await db
      .select()
      .from(businessDates)
      .where(and(eq(businessDates.relationshipId, rel), isNull(businessDates.removedAt)))
      .orderBy(asc(businessDates.dueOn))
  ).filter((d) => {
    const day = parseDay(d.dueOn);
    return day !== undefined && day >= fromDay && day <= meetingDay + UPCOMING_DATES_DAYS;
  });

  const sections: BareSection[] = [
    {
      key: "previous",
      title: "1. Previously identified issues and open action items",
      note: `Issues raised before ${at(since)} that are still open or were resolved since, and action items from earlier meetings`,
      items: [
        ...earlier.map((t) => ticketItem("previous", t, "Issues")),
        ...actionRows
          .filter((a) => a.doneAt || a.dueAt.getTime() >= asOf)
          .map((a) => actionItem("previous", a)),
      ],
    },
    {
      key: "overdue",
      title: "Overdue action items",
      note: "Action items past their due date and not done",
      items: actionRows
        .filter((a) => !a.doneAt && a.dueAt.getTime() < asOf)
        .map((a) => actionItem("overdue", a)),
    },
    {
      key: "new_issues",
      title: "2. New issues since the last meeting",
      note: `${sinceNote}, by severity, with missed SLA targets`,
      items: severityOrder.flatMap((s) =>
        fresh.filter((t) => t.severity === s).map((t) => ticketItem("new_issues", t, capital(s))),
      ),
    },
    {
      key: "changes",
      title: "3. Changes",
      note: `Planned up to ${at(input.nextPeriodEnd)} (the next meeting), and completed since ${at(since)}`,
      items: [
        ...running.map((c) => changeItem(c, "In progress")),
        ...planned.map((c) => changeItem(c, "Planned for the next period")),
        ...completed.map((c) => changeItem(c, "Completed since the last meeting")),
      ],
    },
    {
      key: "concerns",
      title: "4. Escalations and concerns",
      note: `${sinceNote}: escalated tickets, emergencies, and items either side added`,
      items: [
        ...ticketRows
          .filter((t) => escalations.has(t.id))
          .map((t) => ({
            ...ticketItem("concerns", t, "Escalations"),
            flags: [`Escalated to ${escalations.get(t.id)}`, ...(breaches.get(t.id) ?? [])],
          })),
        ...emergencyRows.map((e): BareItem => ({
          key: `concerns:emergency:${e.id}`,
          kind: "emergency",
          group: "Emergencies",
          title: `EMG-${e.number} ${e.title}`,
          status: e.state === "resolved" ? `Resolved ${at(e.resolvedAt!.getTime())}` : capital(e.state),
          detail: `${e.affectedSystem}; declared ${at(e.declaredAt.getTime())} by ${e.declaredByName}`,
          owner: null,
          flags: e.state === "resolved" ? [] : ["Still open"],
          link: `/r/${rel}/emergencies/${e.id}`,
          addedBy: null,
        })),
        ...(["client", "provider"] as const).flatMap((side) =>
          addedRows
            .filter((i) => i.side === side)
            .map((i): BareItem => ({
              key: `concerns:item:${i.id}`,
              kind: "item",
              group: side === "client" ? "Raised by the client" : "Raised by the provider",
              title: i.title,
              status: i.meetingId === input.meeting.id ? "To discuss" : "Carried over from a skipped meeting",
              detail: i.detail || null,
              owner: i.addedByName,
              flags: [],
              link: null,
              addedBy: { name: i.addedByName, side },
              addedById: i.addedBy,
            })),
        ),
      ],
    },
    {
      key: "upcoming",
      title: "5. Upcoming business and compliance needs",
      note: `Dates the client recorded, up to ${UPCOMING_DATES_DAYS} days after the meeting`,
      items: dateRows.map((d): BareItem => {
        const days = parseDay(d.dueOn)! - today;
        return {
          key: `upcoming:date:${d.id}`,
          kind: "date",
          group: dateKindWords[d.kind]!,
          title: d.title,
          status: `${d.dueOn}, ${daysAwayWords(days)}`,
          detail: d.notes || null,
          owner: d.createdByName,
          flags: days < 0 ? ["Date passed"] : days <= 14 ? ["Within two weeks"] : [],
          link: `/r/${rel}/touchpoints/dates`,
          addedBy: null,
        };
      }),
    },
  ];
  return sections;
}
