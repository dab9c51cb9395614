/**
 * The touchpoint series of a relationship, kept in step with the active protocol: the series is
 * started when a protocol takes effect, ended and replaced when a later version changes its terms
 * (cadence, time, length, attendees, link), and its meetings exist as rows some months ahead
 * (the sweep extends them). Attendees are invited with one iCalendar series (METHOD:REQUEST with
 * the RRULE); a moved or skipped meeting later sends an update of that one occurrence.
 */
import { createHash } from "node:crypto";
import { and, asc, eq, gte, inArray, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { Db } from "../../core/db/index.ts";
import { appendEvent } from "../../core/events/events.ts";
import { eventActor, type ServiceContext } from "../../core/http/context.ts";
import { queueNames } from "../../core/jobs/jobs.ts";
import { messageDomain } from "../../core/notify/email.ts";
import { type CalendarInvite, emitWebhookEvent, notifyUsers, publishLive } from "../../core/notify/notify.ts";
import { subtractBusinessTime } from "../../core/time/calendar.ts";
import { expandRecurrence } from "../../core/time/recurrence.ts";
import { memberships, relationships, users } from "../identity/identity.tables.ts";
import { type CompiledProtocol, durationMs, recurrenceOf } from "../protocol/protocol.compile.ts";
import { parseDuration } from "../protocol/protocol.durations.ts";
import { protocolVersions } from "../protocol/protocol.tables.ts";
import { loadActiveProtocol } from "../protocol/protocol.service.ts";
import {
  type InviteMeeting,
  type InviteSeries,
  renderMeetingUpdate,
  renderSeriesInvitation,
} from "./touchpoints.ics.ts";
import {
  type AttendeeRoles,
  touchpointCounters,
  touchpointMeetings,
  touchpointSeries,
} from "./touchpoints.tables.ts";

export type SeriesRow = typeof touchpointSeries.$inferSelect;
export type MeetingRow = typeof touchpointMeetings.$inferSelect;

const DAY = 86_400_000;
/** Meetings exist as rows this far ahead… */
export const HORIZON_MS = 120 * DAY;
/** …and at least this many, however sparse the rule (quarterly, yearly). */
const MIN_AHEAD = 2;
/** Series changes are Liaison following the protocol, not a person's doing. */
const SYSTEM = eventActor(null);

export const meetingLabel = (m: Pick<MeetingRow, "number">) => `Touchpoint ${m.number}`;
export const meetingLink = (m: Pick<MeetingRow, "relationshipId" | "id">) =>
  `/r/${m.relationshipId}/touchpoints/meetings/${m.id}`;
export const meetingsLink = (relationshipId: string) => `/r/${relationshipId}/touchpoints`;

/** The terms of a series as the protocol sets them. */
function termsOf(p: CompiledProtocol) {
  const tp = p.doc.touchpoints;
  return {
    rule: tp.rule,
    at: tp.at,
    fromDate: tp.from ?? null,
    timeZone: p.timezone,
    durationMs: recurrenceOf(tp).durationMs,
    agendaBefore: tp.agenda_before,
    attendeeRoles: {
      client: [...tp.attendees.client],
      provider: [...tp.attendees.provider],
    } as AttendeeRoles,
    link: tp.link ?? null,
  };
}

/** When the agenda of a meeting starting at `start` goes out: `agenda_before` earlier, in business time when it says business days. */
export function agendaDueAt(p: CompiledProtocol, start: number, before: string): number {
  const d = parseDuration(before);
  if (!d) return start;
  return d.kind === "elapsed" ? start - d.ms : subtractBusinessTime(p.calendar, start, durationMs(p, d));
}

export interface Attendee {
  id: string;
  name: string;
  email: string;
  side: "client" | "provider";
  role: string;
}

/** The people who hold the series' attendee roles on each side (enabled accounts), one row per role held. */
export async function attendeesOf(
  db: Db,
  rel: { clientOrgId: string; providerOrgId: string },
  roles: AttendeeRoles,
): Promise<Attendee[]> {
  const wanted = [
    ...(roles.client.length
      ? [and(eq(memberships.orgId, rel.clientOrgId), inArray(memberships.role, roles.client))]
      : []),
    ...(roles.provider.length
      ? [and(eq(memberships.orgId, rel.providerOrgId), inArray(memberships.role, roles.provider))]
      : []),
  ];
  if (!wanted.length) return [];
  const rows = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      orgId: memberships.orgId,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(or(...wanted), isNull(users.disabledAt)))
    .orderBy(asc(users.name));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    side: r.orgId === rel.clientOrgId ? "client" : "provider",
    role: r.role,
  }));
}

/** One entry per person (a person may hold two attendee roles). */
export const distinctPeople = (list: Attendee[]) => [...new Map(list.map((a) => [a.id, a])).values()];

async function nextNumbers(db: Db, relationshipId: string, kind: "meeting" | "action", n: number) {
  const [row] = await db
    .insert(touchpointCounters)
    .values({ relationshipId, kind, last: n })
    .onConflictDoUpdate({
      target: [touchpointCounters.relationshipId, touchpointCounters.kind],
      set: { last: sql`${touchpointCounters.last} + ${n}` },
    })
    .returning({ last: touchpointCounters.last });
  return row!.last - n + 1;
}

export const nextActionNumber = (db: Db, relationshipId: string) =>
  nextNumbers(db, relationshipId, "action", 1);

export async function recordTouchpoint(
  ctx: ServiceContext,
  relationshipId: string,
  subject: { type: string; id: string; label: string },
  action: string,
  detail: { before?: Record<string, unknown> | null; after?: Record<string, unknown> | null },
  now: number,
  actor = eventActor(ctx.actor),
) {
  await emitWebhookEvent(ctx, relationshipId, action, {
    [subject.type]: { id: subject.id, label: subject.label },
    ...detail.after,
  });
  await publishLive(ctx, { relationshipId, topic: "touchpoints", id: subject.id });
  await appendEvent(ctx.db, {
    scope: "relationship",
    chain: relationshipId,
    relationshipId,
    actor,
    action,
    subject,
    before: detail.before ?? null,
    after: detail.after ?? null,
    requestId: ctx.requestId,
    occurredAt: now,
  });
}

export function inviteSeries(s: SeriesRow, relName: string, publicUrl: string): InviteSeries {
  return {
    id: s.id,
    rule: s.rule,
    at: s.at,
    from: s.fromDate,
    timeZone: s.timeZone,
    durationMs: s.durationMs,
    firstStart: s.startsAt.getTime(),
    endedAt: s.endedAt?.getTime() ?? null,
    sequence: s.sequence,
    summary: `${relName} touchpoint`,
    description: [
      `The regular touchpoint meeting of ${relName}: previously identified issues and open action items, new issues, changes, escalations and concerns, and upcoming business needs.`,
      "Liaison sends the agenda before each meeting.",
      s.link ? `Join: ${s.link}` : null,
      `${publicUrl}${meetingsLink(s.relationshipId)}`,
    ]
      .filter(Boolean)
      .join("\n\n"),
    location: s.link,
    url: `${publicUrl}${meetingsLink(s.relationshipId)}`,
  };
}

export function inviteMeeting(m: MeetingRow, publicUrl: string): InviteMeeting {
  return {
    scheduledStart: m.scheduledStart.getTime(),
    start: m.start.getTime(),
    end: m.end.getTime(),
    sequence: m.sequence,
    state: m.state,
    number: m.number,
    url: `${publicUrl}${meetingLink(m)}`,
    reason: m.state === "skipped" ? m.skipReason : m.moveReason,
  };
}

export const organizerFor = (publicUrl: string) => ({
  name: "Liaison",
  email: `liaison@${messageDomain(publicUrl)}`,
});

/** Moved, skipped and cancelled meetings of a series: the exceptions its invitation carries. */
export async function seriesExceptions(db: Db, seriesId: string): Promise<MeetingRow[]> {
  return db
    .select()
    .from(touchpointMeetings)
    .where(
      and(
        eq(touchpointMeetings.seriesId, seriesId),
        or(
          inArray(touchpointMeetings.state, ["skipped", "cancelled"]),
          ne(touchpointMeetings.start, touchpointMeetings.scheduledStart),
        ),
      ),
    )
    .orderBy(asc(touchpointMeetings.scheduledStart));
}

/** Sends the whole series (new, or ended with UNTIL) to the people who hold the attendee roles. */
async function sendSeriesInvitation(
  ctx: ServiceContext,
  s: SeriesRow,
  rel: { name: string; clientOrgId: string; providerOrgId: string },
  now: number,
  subject: string,
  body: string,
) {
  const people = distinctPeople(await attendeesOf(ctx.db, rel, s.attendeeRoles));
  if (!people.length) return;
  const exceptions = (await seriesExceptions(ctx.db, s.id)).map((m) => inviteMeeting(m, ctx.publicUrl));
  const content = renderSeriesInvitation({
    method: "REQUEST",
    series: inviteSeries(s, rel.name, ctx.publicUrl),
    exceptions,
    organizer: organizerFor(ctx.publicUrl),
    attendees: people.map((p) => ({ name: p.name, email: p.email })),
    domain: messageDomain(ctx.publicUrl),
    now,
  });
  const calendar: CalendarInvite = { method: "REQUEST", content };
  await notifyUsers(
    ctx,
    people.map((p) => p.id),
    {
      relationshipId: s.relationshipId,
      kind: "touchpoint.invitation",
      subject,
      body,
      link: meetingsLink(s.relationshipId),
      calendar,
    },
  );
}

/** Sends one meeting's update (moved: REQUEST; skipped: CANCEL) to the attendees. */
export async function sendMeetingUpdate(
  ctx: ServiceContext,
  m: MeetingRow,
  s: SeriesRow,
  rel: { name: string; clientOrgId: string; providerOrgId: string },
  now: number,
  n: { kind: string; subject: string; body: string },
) {
  const people = distinctPeople(await attendeesOf(ctx.db, rel, s.attendeeRoles));
  if (!people.length) return;
  const method = m.state === "skipped" || m.state === "cancelled" ? "CANCEL" : "REQUEST";
  const content = renderMeetingUpdate({
    method,
    series: inviteSeries(s, rel.name, ctx.publicUrl),
    meeting: inviteMeeting(m, ctx.publicUrl),
    organizer: organizerFor(ctx.publicUrl),
    attendees: people.map((p) => ({ name: p.name, email: p.email })),
    domain: messageDomain(ctx.publicUrl),
    now,
  });
  await notifyUsers(
    ctx,
    people.map((p) => p.id),
    {
      relationshipId: m.relationshipId,
      kind: n.kind,
      subject: n.subject,
      body: n.body,
      link: meetingLink(m),
      calendar: { method, content },
    },
  );
}

/** Queues the wake-up for a meeting's agenda time. */
export async function queueMeetingTimer(ctx: ServiceContext, m: Pick<MeetingRow, "id" | "nextCheckAt">) {
  if (!m.nextCheckAt) return;
  const t = m.nextCheckAt.getTime();
  await ctx.jobs?.send(
    ctx.db,
    queueNames.touchpointTimer,
    { kind: "meeting", id: m.id },
    { startAfter: m.nextCheckAt, singletonKey: `meeting:${m.id}:${t}` },
  );
}

/** Creates the series' meetings up to the horizon (and at least two ahead of now). */
async function materialize(ctx: ServiceContext, s: SeriesRow, p: CompiledProtocol, now: number) {
  const rec = {
    rule: s.rule,
    at: s.at,
    ...(s.fromDate ? { from: s.fromDate } : {}),
    durationMs: s.durationMs,
  };
  const from = Math.max(s.startsAt.getTime(), s.materializedUntil.getTime() + 1);
  let until = Math.max(now + HORIZON_MS, from);
  let found = expandRecurrence(rec, s.timeZone, from, until).filter(([start]) => start >= from);
  const [ahead] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(touchpointMeetings)
    .where(and(eq(touchpointMeetings.seriesId, s.id), gte(touchpointMeetings.scheduledStart, new Date(now))));
  if ((ahead?.n ?? 0) + found.filter(([start]) => start >= now).length < MIN_AHEAD) {
    // A sparse rule: look up to three years on for the next few meetings.
    const far = expandRecurrence(rec, s.timeZone, from, now + 3 * 366 * DAY, MIN_AHEAD + 1).filter(
      ([start]) => start >= from,
    );
    found = far.slice(0, MIN_AHEAD);
    until = found.length ? Math.max(until, found[found.length - 1]![0]) : until;
  }
  if (found.length) {
    const first = await nextNumbers(ctx.db, s.relationshipId, "meeting", found.length);
    const rows = await ctx.db
      .insert(touchpointMeetings)
      .values(
        found.map(([start, end], i) => {
          const due = agendaDueAt(p, start, s.agendaBefore);
          return {
            relationshipId: s.relationshipId,
            seriesId: s.id,
            number: first + i,
            scheduledStart: new Date(start),
            start: new Date(start),
            end: new Date(end),
            state: "scheduled" as const,
            agendaDueAt: new Date(due),
            nextCheckAt: end > now ? new Date(Math.max(due, now)) : null,
            createdAt: new Date(now),
            updatedAt: new Date(now),
          };
        }),
      )
      .onConflictDoNothing()
      .returning({ id: touchpointMeetings.id, nextCheckAt: touchpointMeetings.nextCheckAt });
    for (const r of rows) await queueMeetingTimer(ctx, r);
  }
  await ctx.db
    .update(touchpointSeries)
    .set({ materializedUntil: new Date(until), updatedAt: new Date(now) })
    .where(eq(touchpointSeries.id, s.id));
}

/**
 * Brings the relationship's series in step with its active protocol, in the caller's transaction
 * (which holds the relationship's row lock): starts it, replaces it when the terms changed, or
 * extends its meetings. Does nothing without an active protocol.
 */
export async function syncTouchpointSeries(ctx: ServiceContext, relationshipId: string, now: number) {
  const active = await loadActiveProtocol(ctx.db, relationshipId);
  if (!active) return;
  const terms = termsOf(active.protocol);
  const fingerprint = createHash("sha256").update(JSON.stringify(terms)).digest("hex");
  const [current] = await ctx.db
    .select()
    .from(touchpointSeries)
    .where(and(eq(touchpointSeries.relationshipId, relationshipId), isNull(touchpointSeries.endedAt)));
  if (current && current.fingerprint === fingerprint) {
    if (current.protocolVersionId !== active.versionId)
      await ctx.db
        .update(touchpointSeries)
        .set({ protocolVersionId: active.versionId, updatedAt: new Date(now) })
        .where(eq(touchpointSeries.id, current.id));
    if (current.materializedUntil.getTime() < now + HORIZON_MS - DAY)
      await materialize(ctx, current, active.protocol, now);
    return;
  }
  const [rel] = await ctx.db
    .select({
      name: relationships.name,
      clientOrgId: relationships.clientOrgId,
      providerOrgId: relationships.providerOrgId,
    })
    .from(relationships)
    .where(eq(relationships.id, relationshipId));
  if (current) await endSeries(ctx, current, rel!, active.number, now);

  const rec = recurrenceOf(active.protocol.doc.touchpoints);
  const [first] = expandRecurrence(rec, terms.timeZone, now, now + 3 * 366 * DAY, 1).filter(
    ([s]) => s >= now,
  );
  if (!first) return; // the rule has no meetings left (a COUNT or UNTIL that ran out)
  const [s] = await ctx.db
    .insert(touchpointSeries)
    .values({
      relationshipId,
      protocolVersionId: active.versionId,
      ...terms,
      fingerprint,
      startsAt: new Date(first[0]),
      materializedUntil: new Date(first[0] - 1),
      createdAt: new Date(now),
      updatedAt: new Date(now),
    })
    .returning();
  await materialize(ctx, s!, active.protocol, now);
  await recordTouchpoint(
    ctx,
    relationshipId,
    { type: "touchpoint_series", id: s!.id, label: "Touchpoint series" },
    "touchpoint.series_started",
    {
      after: {
        rule: s!.rule,
        at: s!.at,
        timeZone: s!.timeZone,
        durationMinutes: Math.round(s!.durationMs / 60_000),
        attendees: s!.attendeeRoles,
        firstMeeting: new Date(first[0]).toISOString(),
        protocolVersion: active.number,
      },
    },
    now,
    SYSTEM,
  );
  await sendSeriesInvitation(
    ctx,
    s!,
    rel!,
    now,
    `Invitation: ${rel!.name} touchpoint meetings`,
    `Protocol version ${active.number} sets the regular touchpoint meeting of ${rel!.name}. The calendar invitation covers the whole series; Liaison sends the agenda before each meeting.`,
  );
}

/** Ends a series whose terms a new protocol version changed: later meetings are cancelled. */
async function endSeries(
  ctx: ServiceContext,
  s: SeriesRow,
  rel: { name: string; clientOrgId: string; providerOrgId: string },
  version: number,
  now: number,
) {
  const [ended] = await ctx.db
    .update(touchpointSeries)
    .set({ endedAt: new Date(now), sequence: s.sequence + 1, updatedAt: new Date(now) })
    .where(eq(touchpointSeries.id, s.id))
    .returning();
  const cancelled = await ctx.db
    .update(touchpointMeetings)
    .set({
      state: "cancelled",
      skipReason: `Protocol version ${version} changed the touchpoint meetings`,
      nextCheckAt: null,
      updatedAt: new Date(now),
      revision: sql`${touchpointMeetings.revision} + 1`,
    })
    .where(
      and(
        eq(touchpointMeetings.seriesId, s.id),
        eq(touchpointMeetings.state, "scheduled"),
        gte(touchpointMeetings.start, new Date(now)),
      ),
    )
    .returning({ id: touchpointMeetings.id });
  await recordTouchpoint(
    ctx,
    s.relationshipId,
    { type: "touchpoint_series", id: s.id, label: "Touchpoint series" },
    "touchpoint.series_ended",
    { after: { protocolVersion: version, meetingsCancelled: cancelled.length } },
    now,
    SYSTEM,
  );
  // The old series' invitation is updated to end (UNTIL) rather than cancelled, so calendars
  // keep the meetings already held.
  await sendSeriesInvitation(
    ctx,
    ended!,
    rel,
    now,
    `Updated: ${rel.name} touchpoint meetings end here`,
    `Protocol version ${version} changes the touchpoint meetings; this series ends and a new invitation follows.`,
  );
}

/** Relationships whose series is missing, out of step with the active protocol, or running out of meetings. */
export async function seriesNeedingSync(db: Db, now: number, limit: number): Promise<string[]> {
  const rows = await db
    .select({ relationshipId: protocolVersions.relationshipId })
    .from(protocolVersions)
    .leftJoin(
      touchpointSeries,
      and(
        eq(touchpointSeries.relationshipId, protocolVersions.relationshipId),
        isNull(touchpointSeries.endedAt),
      ),
    )
    .where(
      and(
        eq(protocolVersions.state, "active"),
        or(
          isNull(touchpointSeries.id),
          ne(touchpointSeries.protocolVersionId, protocolVersions.id),
          lt(touchpointSeries.materializedUntil, new Date(now + HORIZON_MS - DAY)),
        ),
      ),
    )
    .limit(limit);
  return rows.map((r) => r.relationshipId);
}
