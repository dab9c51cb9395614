/**
 * Touchpoint meetings: the series overview, each meeting with the agenda Liaison assembles from
 * live data (kept as it was once the meeting is held), moving and skipping meetings with a reason
 * (attendees get updated invitations), recording a meeting as held (the summary of decisions and
 * action items goes to the attendees), agenda items either side adds, minutes per agenda item,
 * decisions, and action items with one owner and a due date that carry over until done. The
 * agenda goes to the attendees at the protocol's time before each meeting; an overdue action item
 * is reported once to its owner.
 */
import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, lte, sql } from "drizzle-orm";
import type { Db } from "../../core/db/index.ts";
import { eventActor, type ServiceContext, withTransaction } from "../../core/http/context.ts";
import { AppError, forbidden, notFound } from "../../core/http/errors.ts";
import { queueNames } from "../../core/jobs/jobs.ts";
import { notifyUsers } from "../../core/notify/notify.ts";
import { DAY_MS } from "../../core/time/holidays.ts";
import { ruleText } from "../../core/time/recurrence.ts";
import { dueDateOf } from "../../core/time/intervals.ts";
import { formatLocal, formatLocalRange } from "../changes/changes.plan.ts";
import type { RelationshipViewer } from "../identity/identity.policy.ts";
import { memberships, organizations, relationships, users } from "../identity/identity.tables.ts";
import { getRelationshipForViewer } from "../identity/relationships.service.ts";
import { loadActiveProtocol } from "../protocol/protocol.service.ts";
import { messageDomain } from "../../core/notify/email.ts";
import { type AgendaInput, assembleAgenda, type BareItem, type BareSection } from "./touchpoints.agenda.ts";
import {
  agendaFileName,
  type AgendaDocument,
  renderAgendaMarkdown,
  renderAgendaPdf,
} from "./touchpoints.export.ts";
import { renderSeriesInvitation } from "./touchpoints.ics.ts";
import { refusals, touchpointAbilities } from "./touchpoints.policy.ts";
import type {
  ActionItemView,
  AgendaItemView,
  AgendaView,
  DecisionItemView,
  MeetingDetailView,
  MeetingSummaryView,
} from "./touchpoints.schema.ts";
import {
  agendaDueAt,
  attendeesOf,
  distinctPeople,
  inviteMeeting,
  inviteSeries,
  type MeetingRow,
  meetingLabel,
  meetingLink,
  nextActionNumber,
  organizerFor,
  queueMeetingTimer,
  recordTouchpoint,
  type Attendee,
  type SeriesRow,
  seriesExceptions,
  sendMeetingUpdate,
} from "./series.service.ts";
import {
  touchpointActions,
  touchpointDecisions,
  touchpointItems,
  touchpointMeetings,
  touchpointMinutes,
  touchpointSeries,
} from "./touchpoints.tables.ts";

type ActionRow = typeof touchpointActions.$inferSelect;
type Rel = { id: string; name: string; clientOrgId: string; providerOrgId: string };

const DAY = DAY_MS;
const iso = (t: Date | number) => new Date(t).toISOString();
const isoOrNull = (t: Date | null) => (t ? t.toISOString() : null);
const actorUserId = (ctx: ServiceContext) => (ctx.actor?.type === "user" ? ctx.actor.userId : null);
const meetingSubject = (m: MeetingRow) => ({ type: "touchpoint_meeting", id: m.id, label: meetingLabel(m) });

function fieldError(
  path: string,
  message: string,
  summary = "The request has problems; fix the fields named.",
): AppError {
  return new AppError("validation_failed", summary, { errors: [{ path, message }] });
}
const stateConflict = (m: MeetingRow, what: string) =>
  new AppError("conflict", `${meetingLabel(m)} is ${m.state}; ${what}.`);

// ---------------------------------------------------------------------------------------------
// Access

async function viewerOf(ctx: ServiceContext, relationshipId: string) {
  const { row, viewer } = await getRelationshipForViewer(ctx, relationshipId);
  if (viewer.side === "client" && viewer.role === "member") throw forbidden(refusals.view);
  return { rel: row as Rel & typeof row, viewer, abilities: touchpointAbilities(viewer) };
}

function require_(ok: boolean, message: string) {
  if (!ok) throw forbidden(message);
}

async function loadMeeting(db: Db, relationshipId: string, meetingId: string, lock = false) {
  const q = db
    .select()
    .from(touchpointMeetings)
    .where(and(eq(touchpointMeetings.id, meetingId), eq(touchpointMeetings.relationshipId, relationshipId)));
  const [m] = lock ? await q.for("update") : await q;
  if (!m) throw notFound("meeting");
  return m;
}

async function seriesOf(db: Db, seriesId: string): Promise<SeriesRow> {
  const [s] = await db.select().from(touchpointSeries).where(eq(touchpointSeries.id, seriesId));
  return s!;
}

/** The current series of a relationship, or null before any protocol took effect. */
async function currentSeries(db: Db, relationshipId: string): Promise<SeriesRow | null> {
  const [s] = await db
    .select()
    .from(touchpointSeries)
    .where(and(eq(touchpointSeries.relationshipId, relationshipId), isNull(touchpointSeries.endedAt)));
  return s ?? null;
}

// ---------------------------------------------------------------------------------------------
// Presentation

export function presentMeeting(m: MeetingRow, link: string | null, now: number): MeetingSummaryView {
  const moved = m.start.getTime() !== m.scheduledStart.getTime();
  const outcome: MeetingSummaryView["outcome"] =
    m.state === "held"
      ? moved
        ? "held_moved"
        : "held_on_schedule"
      : m.state === "skipped"
        ? "skipped"
        : m.state === "cancelled"
          ? "cancelled"
          : m.end.getTime() < now
            ? "not_recorded"
            : "upcoming";
  return {
    id: m.id,
    number: m.number,
    state: m.state,
    scheduledStart: iso(m.scheduledStart),
    start: iso(m.start),
    end: iso(m.end),
    outcome,
    moved,
    moveReason: m.moveReason,
    movedByName: m.movedByName,
    skipReason: m.skipReason,
    skippedByName: m.skippedByName,
    heldAt: isoOrNull(m.heldAt),
    heldByName: m.heldByName,
    agendaDueAt: iso(m.agendaDueAt),
    agendaSentAt: isoOrNull(m.agendaSentAt),
    summarySentAt: isoOrNull(m.summarySentAt),
    link,
    revision: m.revision,
  };
}

/** People of both sides, for choosing an action item's owner. */
async function peopleOf(db: Db, rel: Rel) {
  const rows = await db
    .select({ id: users.id, name: users.name, orgId: memberships.orgId, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(inArray(memberships.orgId, [rel.clientOrgId, rel.providerOrgId]), isNull(users.disabledAt)))
    .orderBy(asc(users.name));
  const byId = new Map<string, { id: string; name: string; side: "client" | "provider"; roles: string[] }>();
  for (const r of rows) {
    const side = r.orgId === rel.clientOrgId ? "client" : "provider";
    const p = byId.get(r.id) ?? { id: r.id, name: r.name, side, roles: [] };
    p.roles.push(r.role);
    byId.set(r.id, p);
  }
  return [...byId.values()];
}

function presentAction(
  a: ActionRow & { ownerName: string; meetingNumber: number; meetingStart: Date },
  viewer: RelationshipViewer,
  actorId: string | null,
  now: number,
): ActionItemView {
  return {
    id: a.id,
    number: a.number,
    title: a.title,
    owner: { id: a.ownerUserId, name: a.ownerName },
    dueOn: a.dueOn,
    dueAt: iso(a.dueAt),
    overdue: !a.doneAt && a.dueAt.getTime() < now,
    done: a.doneAt !== null,
    doneAt: isoOrNull(a.doneAt),
    doneByName: a.doneByName,
    doneNote: a.doneNote,
    meeting: { id: a.meetingId, number: a.meetingNumber, start: iso(a.meetingStart) },
    itemKey: a.itemKey,
    itemTitle: a.itemTitle,
    createdByName: a.createdByName,
    createdAt: iso(a.createdAt),
    revision: a.revision,
    canComplete: !a.doneAt && (touchpointAbilities(viewer).organize || a.ownerUserId === actorId),
  };
}

function actionQuery(db: Db) {
  return db
    .select({
      a: touchpointActions,
      ownerName: users.name,
      meetingNumber: touchpointMeetings.number,
      meetingStart: touchpointMeetings.start,
    })
    .from(touchpointActions)
    .innerJoin(users, eq(users.id, touchpointActions.ownerUserId))
    .innerJoin(touchpointMeetings, eq(touchpointMeetings.id, touchpointActions.meetingId));
}
const flat = (r: { a: ActionRow; ownerName: string; meetingNumber: number; meetingStart: Date }) => ({
  ...r.a,
  ownerName: r.ownerName,
  meetingNumber: r.meetingNumber,
  meetingStart: r.meetingStart,
});

// ---------------------------------------------------------------------------------------------
// The agenda

interface Snapshot {
  since: number;
  until: number;
  nextPeriodEnd: number;
  builtAt: number;
  sections: BareSection[];
}

/** The period a meeting's agenda covers and what comes after it. */
async function agendaWindow(
  db: Db,
  m: MeetingRow,
): Promise<Omit<AgendaInput, "asOf" | "timeZone" | "levelNames">> {
  const [lastHeld] = await db
    .select({ start: touchpointMeetings.start })
    .from(touchpointMeetings)
    .where(
      and(
        eq(touchpointMeetings.relationshipId, m.relationshipId),
        eq(touchpointMeetings.state, "held"),
        lt(touchpointMeetings.start, m.start),
      ),
    )
    .orderBy(desc(touchpointMeetings.start))
    .limit(1);
  const [firstSeries] = await db
    .select({ createdAt: touchpointSeries.createdAt })
    .from(touchpointSeries)
    .where(eq(touchpointSeries.relationshipId, m.relationshipId))
    .orderBy(asc(touchpointSeries.createdAt))
    .limit(1);
  const [following] = await db
    .select({ start: touchpointMeetings.start })
    .from(touchpointMeetings)
    .where(
      and(
        eq(touchpointMeetings.relationshipId, m.relationshipId),
        eq(touchpointMeetings.state, "scheduled"),
        gt(touchpointMeetings.start, m.start),
      ),
    )
    .orderBy(asc(touchpointMeetings.start))
    .limit(1);
  const since =
    lastHeld?.start.getTime() ??
    Math.min(firstSeries?.createdAt.getTime() ?? m.start.getTime(), m.start.getTime());
  return {
    relationshipId: m.relationshipId,
    meeting: { id: m.id, start: m.start.getTime() },
    since,
    nextPeriodEnd: following?.start.getTime() ?? m.start.getTime() + 14 * DAY,
  };
}

async function buildSnapshot(db: Db, m: MeetingRow, timeZone: string, now: number): Promise<Snapshot> {
  const window = await agendaWindow(db, m);
  const active = await loadActiveProtocol(db, m.relationshipId);
  const levelNames = Object.fromEntries(
    (active?.protocol.doc.escalation.levels ?? []).map((l) => [l.id, l.name]),
  );
  const sections = await assembleAgenda(db, { ...window, timeZone, asOf: now, levelNames });
  return {
    since: window.since,
    until: Math.min(now, m.start.getTime()),
    nextPeriodEnd: window.nextPeriodEnd,
    builtAt: now,
    sections,
  };
}

/** The zone meetings are shown in: the series'. */
async function zoneOf(db: Db, m: MeetingRow) {
  return (await seriesOf(db, m.seriesId)).timeZone;
}

/** The agenda as it stands (frozen once held), with minutes, decisions and action items attached. */
async function agendaOf(
  ctx: ServiceContext,
  m: MeetingRow,
  zone: string,
  viewer: RelationshipViewer,
  now: number,
) {
  const frozen = m.state === "held" && m.agendaSnapshot !== null;
  const snap = frozen ? (m.agendaSnapshot as Snapshot) : await buildSnapshot(ctx.db, m, zone, now);
  const minutes = await ctx.db.select().from(touchpointMinutes).where(eq(touchpointMinutes.meetingId, m.id));
  const decisions = await ctx.db
    .select()
    .from(touchpointDecisions)
    .where(and(eq(touchpointDecisions.meetingId, m.id), isNull(touchpointDecisions.removedAt)))
    .orderBy(asc(touchpointDecisions.createdAt));
  const actionRows = (
    await actionQuery(ctx.db)
      .where(eq(touchpointActions.meetingId, m.id))
      .orderBy(asc(touchpointActions.number))
  ).map(flat);
  const actorId = actorUserId(ctx);
  const abilities = touchpointAbilities(viewer);
  const open = m.state === "scheduled";
  const decisionViews: DecisionItemView[] = decisions.map((d) => ({
    id: d.id,
    itemKey: d.itemKey,
    itemTitle: d.itemTitle,
    text: d.text,
    recordedByName: d.recordedByName,
    createdAt: iso(d.createdAt),
  }));
  const actionViews = actionRows.map((a) => presentAction(a, viewer, actorId, now));
  const attach = (i: BareItem): AgendaItemView => {
    const { addedById, ...item } = i;
    const mins = minutes.find((x) => x.itemKey === i.key);
    return {
      ...item,
      removable:
        open && i.kind === "item" && (abilities.organize || (addedById != null && addedById === actorId)),
      minutes: mins
        ? {
            text: mins.text,
            updatedByName: mins.updatedByName,
            updatedAt: iso(mins.updatedAt),
            revision: mins.revision,
          }
        : null,
      decisions: decisionViews.filter((d) => d.itemKey === i.key),
      actions: actionViews.filter((a) => a.itemKey === i.key),
    };
  };
  const agenda: AgendaView = {
    since: iso(snap.since),
    until: iso(snap.until),
    nextPeriodEnd: iso(snap.nextPeriodEnd),
    frozen,
    builtAt: iso(snap.builtAt),
    sections: snap.sections.map((s) => ({ ...s, items: s.items.map(attach) })),
  };
  return { agenda, decisions: decisionViews, actions: actionViews, zone, snap };
}

/** The agenda item a key names, or a 400 naming the field. */
async function itemFor(ctx: ServiceContext, m: MeetingRow, key: string, now: number): Promise<BareItem> {
  const zone = await zoneOf(ctx.db, m);
  const snap =
    m.state === "held" && m.agendaSnapshot
      ? (m.agendaSnapshot as Snapshot)
      : await buildSnapshot(ctx.db, m, zone, now);
  const item = snap.sections.flatMap((s) => s.items).find((i) => i.key === key);
  if (!item)
    throw fieldError(
      "body.itemKey",
      "is not an item of this meeting's agenda; use the key of an item the agenda shows",
    );
  return item;
}

// ---------------------------------------------------------------------------------------------
// Reading

export async function getTouchpoints(ctx: ServiceContext, relationshipId: string) {
  const { rel, abilities } = await viewerOf(ctx, relationshipId);
  const now = ctx.clock.now();
  const s = await currentSeries(ctx.db, relationshipId);
  const active = await loadActiveProtocol(ctx.db, relationshipId);
  const people = await peopleOf(ctx.db, rel);
  const attendees = s ? await attendeesOf(ctx.db, rel, s.attendeeRoles) : null;
  const [counts] = await ctx.db
    .select({
      open: sql<number>`count(*) filter (where ${touchpointActions.doneAt} is null)::int`,
      overdue: sql<number>`count(*) filter (where ${touchpointActions.doneAt} is null and ${touchpointActions.dueAt} < ${new Date(now)})::int`,
    })
    .from(touchpointActions)
    .where(eq(touchpointActions.relationshipId, relationshipId));
  const meetings = await ctx.db
    .select()
    .from(touchpointMeetings)
    .where(
      and(
        eq(touchpointMeetings.relationshipId, relationshipId),
        gte(touchpointMeetings.start, new Date(now - 365 * DAY)),
      ),
    )
    .orderBy(asc(touchpointMeetings.start));
  const link = s?.link ?? null;
  const upcoming = meetings.filter(
    (m) => m.end.getTime() >= now && m.state !== "cancelled" && m.state !== "held",
  );
  const past = meetings
    .filter((m) => !upcoming.includes(m) && m.start.getTime() < now + DAY)
    .reverse()
    .slice(0, 12);
  const next = upcoming.find((m) => m.state === "scheduled") ?? null;
  return {
    series: s && attendees ? presentSeries(s, attendees, active?.number ?? null) : null,
    warnings: s && attendees ? seriesWarnings(s, attendees) : [],
    next: next ? presentMeeting(next, link, now) : null,
    upcoming: upcoming.slice(0, 12).map((m) => presentMeeting(m, link, now)),
    past: past.map((m) => presentMeeting(m, link, now)),
    people,
    openActions: counts?.open ?? 0,
    overdueActions: counts?.overdue ?? 0,
    abilities,
  };
}

/** The cadence in words: "Every 2 weeks on Tuesday at 10:00 (America/New_York)". */
function cadenceWords(rule: string, at: string, zone: string): string {
  const words = ruleText(rule);
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} at ${at} (${zone})`;
}

function presentSeries(s: SeriesRow, attendees: Attendee[], version: number | null) {
  const roles = [
    ...s.attendeeRoles.client.map((role) => ({ side: "client" as const, role })),
    ...s.attendeeRoles.provider.map((role) => ({ side: "provider" as const, role })),
  ];
  return {
    id: s.id,
    rule: s.rule,
    cadence: cadenceWords(s.rule, s.at, s.timeZone),
    at: s.at,
    timeZone: s.timeZone,
    durationMinutes: Math.round(s.durationMs / 60_000),
    agendaBefore: s.agendaBefore,
    link: s.link,
    startsAt: iso(s.startsAt),
    protocolVersion: version,
    attendees: roles.map((r) => ({
      ...r,
      people: attendees
        .filter((a) => a.side === r.side && a.role === r.role)
        .map((a) => ({ id: a.id, name: a.name, email: a.email })),
    })),
  };
}

const roleWords = (r: string) => r.replace(/_/g, " ");
const BUSINESS_ROLES = new Set(["executive", "approver", "account_manager"]);

/** What weakens the meetings (seed 001: both technical and business perspectives). */
function seriesWarnings(s: SeriesRow, attendees: Attendee[]): string[] {
  const warnings: string[] = [];
  for (const side of ["client", "provider"] as const) {
    const roles = s.attendeeRoles[side];
    if (!roles.length)
      warnings.push(
        `No ${side} role attends: the protocol's touchpoints name nobody from the ${side}'s side. Both sides should attend.`,
      );
    else if (!attendees.some((a) => a.side === side))
      warnings.push(
        `Nobody at the ${side} holds ${roles.map(roleWords).join(" or ")}, so the ${side}'s side has no one invited.`,
      );
    else
      for (const role of roles)
        if (!attendees.some((a) => a.side === side && a.role === role))
          warnings.push(
            `Nobody at the ${side} holds the ${roleWords(role)} role, so no ${roleWords(role)} is invited.`,
          );
  }
  if (!attendees.some((a) => BUSINESS_ROLES.has(a.role)))
    warnings.push(
      "No business role attends (the client's executive or approver, the provider's account manager): decisions may wait for someone who is not in the room.",
    );
  if (!s.link) warnings.push("The protocol gives no video or room link for the meetings.");
  return warnings;
}

export async function listMeetings(
  ctx: ServiceContext,
  relationshipId: string,
  q: { from?: string | undefined; to?: string | undefined },
) {
  await viewerOf(ctx, relationshipId);
  const now = ctx.clock.now();
  const from = q.from ? Date.parse(q.from) : now - 90 * DAY;
  const to = q.to ? Date.parse(q.to) : now + 180 * DAY;
  if (to <= from) throw fieldError("querystring.to", "must be after from");
  if (to - from > 3 * 366 * DAY) throw fieldError("querystring.to", "ask for at most three years at a time");
  const s = await currentSeries(ctx.db, relationshipId);
  const rows = await ctx.db
    .select()
    .from(touchpointMeetings)
    .where(
      and(
        eq(touchpointMeetings.relationshipId, relationshipId),
        gte(touchpointMeetings.start, new Date(from)),
        lt(touchpointMeetings.start, new Date(to)),
      ),
    )
    .orderBy(asc(touchpointMeetings.start))
    .limit(1000);
  return { meetings: rows.map((m) => presentMeeting(m, s?.link ?? null, now)) };
}

export async function getMeeting(ctx: ServiceContext, relationshipId: string, meetingId: string) {
  const { rel, viewer } = await viewerOf(ctx, relationshipId);
  const m = await loadMeeting(ctx.db, relationshipId, meetingId);
  return meetingDetail(ctx, rel, viewer, m);
}

async function meetingDetail(
  ctx: ServiceContext,
  rel: Rel,
  viewer: RelationshipViewer,
  m: MeetingRow,
): Promise<MeetingDetailView> {
  const now = ctx.clock.now();
  const s = await seriesOf(ctx.db, m.seriesId);
  const { agenda, decisions, actions } = await agendaOf(ctx, m, s.timeZone, viewer, now);
  const people = await peopleOf(ctx.db, rel);
  const neighbour = async (dir: "prev" | "next") => {
    const [n] = await ctx.db
      .select({ id: touchpointMeetings.id })
      .from(touchpointMeetings)
      .where(
        and(
          eq(touchpointMeetings.relationshipId, m.relationshipId),
          dir === "prev" ? lt(touchpointMeetings.start, m.start) : gt(touchpointMeetings.start, m.start),
          sql`${touchpointMeetings.state} <> 'cancelled'`,
        ),
      )
      .orderBy(dir === "prev" ? desc(touchpointMeetings.start) : asc(touchpointMeetings.start))
      .limit(1);
    return n?.id ?? null;
  };
  return {
    relationship: { id: rel.id, name: rel.name },
    meeting: presentMeeting(m, s.link, now),
    timeZone: s.timeZone,
    agenda,
    decisions,
    actions,
    previousMeetingId: await neighbour("prev"),
    nextMeetingId: await neighbour("next"),
    // The attendees are the people who hold the series' roles on their side.
    attendees: people.flatMap((p) =>
      p.roles
        .filter((role) => (s.attendeeRoles[p.side] as string[]).includes(role))
        .map((role) => ({ id: p.id, name: p.name, side: p.side, role })),
    ),
    people,
    abilities: touchpointAbilities(viewer),
  };
}

export async function seriesCalendar(ctx: ServiceContext, relationshipId: string): Promise<string> {
  const { rel } = await viewerOf(ctx, relationshipId);
  const s = await currentSeries(ctx.db, relationshipId);
  if (!s) throw notFound("touchpoint series");
  const exceptions = (await seriesExceptions(ctx.db, s.id)).map((m) => inviteMeeting(m, ctx.publicUrl));
  return renderSeriesInvitation({
    method: "PUBLISH",
    series: inviteSeries(s, rel.name, ctx.publicUrl),
    exceptions,
    organizer: organizerFor(ctx.publicUrl),
    attendees: [],
    domain: messageDomain(ctx.publicUrl),
    now: ctx.clock.now(),
  });
}

// ---------------------------------------------------------------------------------------------
// Exports

export async function exportAgenda(
  ctx: ServiceContext,
  relationshipId: string,
  meetingId: string,
  format: "md" | "pdf",
) {
  const { rel, viewer } = await viewerOf(ctx, relationshipId);
  const m = await loadMeeting(ctx.db, relationshipId, meetingId);
  const detail = await meetingDetail(ctx, rel, viewer, m);
  const doc = await agendaDocument(ctx, rel, detail);
  if (format === "pdf")
    return {
      contentType: "application/pdf",
      fileName: agendaFileName(doc, "pdf"),
      body: await renderAgendaPdf(doc),
    };
  return {
    contentType: "text/markdown; charset=utf-8",
    fileName: agendaFileName(doc, "md"),
    body: renderAgendaMarkdown(doc),
  };
}

async function agendaDocument(ctx: ServiceContext, rel: Rel, d: MeetingDetailView): Promise<AgendaDocument> {
  const orgs = await ctx.db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(inArray(organizations.id, [rel.clientOrgId, rel.providerOrgId]));
  const nameOf = (id: string) => orgs.find((o) => o.id === id)?.name ?? "";
  const ms = (t: string | null) => (t === null ? null : Date.parse(t));
  return {
    relationship: {
      name: rel.name,
      clientName: nameOf(rel.clientOrgId),
      providerName: nameOf(rel.providerOrgId),
    },
    meeting: {
      number: d.meeting.number,
      start: Date.parse(d.meeting.start),
      end: Date.parse(d.meeting.end),
      state: d.meeting.state,
      moved: d.meeting.moved,
      moveReason: d.meeting.moveReason,
      skipReason: d.meeting.skipReason,
      heldAt: ms(d.meeting.heldAt),
      link: d.meeting.link,
    },
    timeZone: d.timeZone,
    since: Date.parse(d.agenda.since),
    until: Date.parse(d.agenda.until),
    frozen: d.agenda.frozen,
    attendees: d.attendees.map((a) => ({ name: a.name, side: a.side, role: a.role })),
    sections: d.agenda.sections.map((s) => ({
      key: s.key,
      title: s.title,
      note: s.note,
      items: s.items.map((i) => ({
        group: i.group,
        title: i.title,
        status: i.status,
        detail: i.detail,
        owner: i.owner,
        flags: i.flags,
        addedBy: i.addedBy,
        minutes: i.minutes?.text ?? null,
        decisions: i.decisions.map((x) => x.text),
        actions: i.actions.map((a) => ({
          number: a.number,
          title: a.title,
          owner: a.owner.name,
          dueOn: a.dueOn,
          done: a.done,
        })),
      })),
    })),
    decisions: d.decisions.map((x) => ({ itemTitle: x.itemTitle, text: x.text, by: x.recordedByName })),
    actions: d.actions.map((a) => ({
      number: a.number,
      title: a.title,
      owner: a.owner.name,
      dueOn: a.dueOn,
      done: a.done,
      itemTitle: a.itemTitle,
    })),
    generatedAt: ctx.clock.now(),
  };
}

// ---------------------------------------------------------------------------------------------
// Changing a meeting

interface Change {
  tx: ServiceContext;
  rel: Rel;
  viewer: RelationshipViewer;
  abilities: ReturnType<typeof touchpointAbilities>;
  m: MeetingRow;
  now: number;
}

/** Access first (404, 403), then the meeting under its row lock; answers with the meeting's detail. */
async function change(
  ctx: ServiceContext,
  relationshipId: string,
  meetingId: string,
  need: "organize" | "contribute",
  fn: (c: Change) => Promise<void>,
): Promise<MeetingDetailView> {
  const { rel, viewer, abilities } = await viewerOf(ctx, relationshipId);
  require_(abilities[need], refusals[need]);
  return withTransaction(ctx, async (tx) => {
    const m = await loadMeeting(tx.db, relationshipId, meetingId, true);
    const now = tx.clock.now();
    await fn({ tx, rel, viewer, abilities, m, now });
    const fresh = await loadMeeting(tx.db, relationshipId, meetingId);
    return meetingDetail(tx, rel, viewer, fresh);
  });
}

function checkRevision(m: MeetingRow, revision: number) {
  if (m.revision !== revision)
    throw new AppError(
      "conflict",
      `${meetingLabel(m)} changed since you loaded it (revision ${m.revision}, you sent ${revision}); reload and try again.`,
    );
}

const who = (ctx: ServiceContext) => eventActor(ctx.actor).name;

export async function moveMeeting(
  ctx: ServiceContext,
  relationshipId: string,
  meetingId: string,
  input: { start: string; end?: string | undefined; reason: string; revision: number },
) {
  return change(ctx, relationshipId, meetingId, "organize", async ({ tx, rel, m, now }) => {
    if (m.state !== "scheduled") throw stateConflict(m, "only a scheduled meeting can be moved");
    checkRevision(m, input.revision);
    const start = Date.parse(input.start);
    const end = input.end ? Date.parse(input.end) : start + (m.end.getTime() - m.start.getTime());
    if (start < now - 30 * DAY || start > now + 366 * DAY)
      throw fieldError("body.start", "must be within the last 30 days or the next year");
    if (end <= start) throw fieldError("body.end", "must be after the start");
    if (end - start > DAY) throw fieldError("body.end", "a meeting lasts at most a day");
    const s = await seriesOf(tx.db, m.seriesId);
    const active = await loadActiveProtocol(tx.db, relationshipId);
    const due = active ? agendaDueAt(active.protocol, start, s.agendaBefore) : start;
    const [moved] = await tx.db
      .update(touchpointMeetings)
      .set({
        start: new Date(start),
        end: new Date(end),
        movedAt: new Date(now),
        moveReason: input.reason,
        movedByName: who(tx),
        agendaDueAt: new Date(due),
        nextCheckAt: m.agendaSentAt || end <= now ? null : new Date(Math.max(due, now)),
        sequence: m.sequence + 1,
        revision: m.revision + 1,
        updatedAt: new Date(now),
      })
      .where(eq(touchpointMeetings.id, m.id))
      .returning();
    await queueMeetingTimer(tx, moved!);
    const was = formatLocalRange(s.timeZone, m.start.getTime(), m.end.getTime());
    const is = formatLocalRange(s.timeZone, start, end);
    await recordTouchpoint(
      tx,
      relationshipId,
      meetingSubject(m),
      "touchpoint.moved",
      {
        before: { start: iso(m.start), end: iso(m.end) },
        after: {
          start: iso(start),
          end: iso(end),
          scheduledStart: iso(m.scheduledStart),
          reason: input.reason,
        },
      },
      now,
    );
    await sendMeetingUpdate(tx, moved!, s, rel, now, {
      kind: "touchpoint.moved",
      subject: `Moved: ${rel.name} touchpoint ${was} → ${is}`,
      body: `${who(tx)} moved ${meetingLabel(m)} from ${was} to ${is} (${s.timeZone}). Reason: ${input.reason}`,
    });
  });
}

export async function skipMeeting(
  ctx: ServiceContext,
  relationshipId: string,
  meetingId: string,
  input: { reason: string; revision: number },
) {
  return change(ctx, relationshipId, meetingId, "organize", async ({ tx, rel, m, now }) => {
    if (m.state !== "scheduled") throw stateConflict(m, "only a scheduled meeting can be skipped");
    checkRevision(m, input.revision);
    const [skipped] = await tx.db
      .update(touchpointMeetings)
      .set({
        state: "skipped",
        skipReason: input.reason,
        skippedAt: new Date(now),
        skippedByName: who(tx),
        nextCheckAt: null,
        sequence: m.sequence + 1,
        revision: m.revision + 1,
        updatedAt: new Date(now),
      })
      .where(eq(touchpointMeetings.id, m.id))
      .returning();
    const s = await seriesOf(tx.db, m.seriesId);
    const when = formatLocalRange(s.timeZone, m.start.getTime(), m.end.getTime());
    await recordTouchpoint(
      tx,
      relationshipId,
      meetingSubject(m),
      "touchpoint.skipped",
      { after: { start: iso(m.start), scheduledStart: iso(m.scheduledStart), reason: input.reason } },
      now,
    );
    await sendMeetingUpdate(tx, skipped!, s, rel, now, {
      kind: "touchpoint.skipped",
      subject: `Skipped: ${rel.name} touchpoint ${when}`,
      body: `${who(tx)} skipped ${meetingLabel(m)} on ${when} (${s.timeZone}). Reason: ${input.reason}. Items added to its agenda carry over to the next meeting.`,
    });
  });
}

/** A meeting can be recorded as held from this long before its start. */
const HOLD_EARLY_MS = 60 * 60_000;

export async function holdMeeting(
  ctx: ServiceContext,
  relationshipId: string,
  meetingId: string,
  input: { revision: number },
) {
  return change(ctx, relationshipId, meetingId, "organize", async ({ tx, rel, viewer, m, now }) => {
    if (m.state !== "scheduled") throw stateConflict(m, "only a scheduled meeting can be recorded as held");
    checkRevision(m, input.revision);
    const s = await seriesOf(tx.db, m.seriesId);
    if (now < m.start.getTime() - HOLD_EARLY_MS)
      throw new AppError(
        "conflict",
        `${meetingLabel(m)} starts ${formatLocal(s.timeZone, m.start.getTime())} (${s.timeZone}); record it as held once it has begun, or move it first if it took place earlier.`,
      );
    const snapshot = await buildSnapshot(tx.db, m, s.timeZone, now);
    const moved = m.start.getTime() !== m.scheduledStart.getTime();
    const [held] = await tx.db
      .update(touchpointMeetings)
      .set({
        state: "held",
        heldAt: new Date(now),
        heldByName: who(tx),
        agendaSnapshot: snapshot,
        nextCheckAt: null,
        summarySentAt: new Date(now),
        revision: m.revision + 1,
        updatedAt: new Date(now),
      })
      .where(eq(touchpointMeetings.id, m.id))
      .returning();
    await recordTouchpoint(
      tx,
      relationshipId,
      meetingSubject(m),
      "touchpoint.held",
      {
        after: {
          onSchedule: !moved,
          moved,
          scheduledStart: iso(m.scheduledStart),
          start: iso(m.start),
          agendaSentAt: isoOrNull(m.agendaSentAt),
        },
      },
      now,
    );
    const { decisions, actions } = await agendaOf(tx, held!, s.timeZone, viewer, now);
    const people = distinctPeople(await attendeesOf(tx.db, rel, s.attendeeRoles));
    const lines = [
      `${meetingLabel(m)} of ${rel.name} was held on ${formatLocalRange(s.timeZone, m.start.getTime(), m.end.getTime())} (${s.timeZone})${moved ? `, moved from ${formatLocal(s.timeZone, m.scheduledStart.getTime())}` : ""}.`,
      "",
      "Decisions:",
      ...(decisions.length ? decisions.map((d) => `- ${d.itemTitle}: ${d.text}`) : ["- none recorded"]),
      "",
      "Action items:",
      ...(actions.length
        ? actions.map((a) => `- A-${a.number} ${a.title} (owner ${a.owner.name}, due ${a.dueOn})`)
        : ["- none recorded"]),
      "",
      "Open action items carry over to the next agenda until they are done.",
    ];
    await notifyUsers(
      tx,
      people.map((p) => p.id),
      {
        relationshipId,
        kind: "touchpoint.summary",
        subject: `Summary: ${rel.name} touchpoint ${formatLocal(s.timeZone, m.start.getTime())}`,
        body: lines.join("\n"),
        link: meetingLink(m),
      },
    );
  });
}

export async function sendAgendaNow(ctx: ServiceContext, relationshipId: string, meetingId: string) {
  return change(ctx, relationshipId, meetingId, "organize", async ({ tx, m, now }) => {
    if (m.state !== "scheduled") throw stateConflict(m, "only the agenda of a scheduled meeting is sent");
    await sendAgenda(tx, m, now, actorUserId(tx) ? "manual" : "timer");
  });
}

/** Sends the agenda to the attendees, in the caller's transaction, and records it. */
async function sendAgenda(ctx: ServiceContext, m: MeetingRow, now: number, how: "manual" | "timer") {
  const [rel] = await ctx.db
    .select({
      id: relationships.id,
      name: relationships.name,
      clientOrgId: relationships.clientOrgId,
      providerOrgId: relationships.providerOrgId,
    })
    .from(relationships)
    .where(eq(relationships.id, m.relationshipId));
  const s = await seriesOf(ctx.db, m.seriesId);
  const snap = await buildSnapshot(ctx.db, m, s.timeZone, now);
  const people = distinctPeople(await attendeesOf(ctx.db, rel!, s.attendeeRoles));
  const when = formatLocalRange(s.timeZone, m.start.getTime(), m.end.getTime());
  const body = [
    `Agenda of ${meetingLabel(m)}, ${when} (${s.timeZone})${s.link ? `. Join: ${s.link}` : ""}.`,
    "Either side can add items before the meeting on the meeting's page.",
    ...snap.sections.flatMap((sec) => [
      "",
      sec.title,
      ...(sec.items.length
        ? sec.items.map(
            (i) =>
              `- ${i.title}: ${i.status}${i.owner ? ` (${i.owner})` : ""}${i.flags.length ? ` [${i.flags.join("; ")}]` : ""}`,
          )
        : ["- nothing this time"]),
    ]),
  ].join("\n");
  await notifyUsers(
    ctx,
    people.map((p) => p.id),
    {
      relationshipId: m.relationshipId,
      kind: "touchpoint.agenda",
      subject: `Agenda: ${rel!.name} touchpoint ${formatLocal(s.timeZone, m.start.getTime())}`,
      body,
      link: meetingLink(m),
    },
  );
  await ctx.db
    .update(touchpointMeetings)
    .set({ agendaSentAt: new Date(now), nextCheckAt: null, updatedAt: new Date(now) })
    .where(eq(touchpointMeetings.id, m.id));
  await recordTouchpoint(
    ctx,
    m.relationshipId,
    meetingSubject(m),
    "touchpoint.agenda_sent",
    {
      after: {
        how,
        recipients: people.length,
        items: snap.sections.reduce((n, sec) => n + sec.items.length, 0),
        late: now > m.agendaDueAt.getTime() + 15 * 60_000,
      },
    },
    now,
  );
}

// ---------------------------------------------------------------------------------------------
// Agenda items, minutes, decisions, action items

const notClosed = (m: MeetingRow, what: string) => {
  if (m.state === "skipped" || m.state === "cancelled") throw stateConflict(m, what);
};

export async function addAgendaItem(
  ctx: ServiceContext,
  relationshipId: string,
  meetingId: string,
  input: { title: string; detail?: string | undefined },
) {
  return change(ctx, relationshipId, meetingId, "contribute", async ({ tx, viewer, m, now }) => {
    if (m.state !== "scheduled") throw stateConflict(m, "items are added before a meeting is held");
    const [item] = await tx.db
      .insert(touchpointItems)
      .values({
        relationshipId,
        meetingId: m.id,
        title: input.title,
        detail: input.detail ?? "",
        side: viewer.side,
        addedBy: actorUserId(tx),
        addedByName: who(tx),
        createdAt: new Date(now),
      })
      .returning();
    await recordTouchpoint(
      tx,
      relationshipId,
      meetingSubject(m),
      "touchpoint.item_added",
      { after: { itemId: item!.id, title: input.title, side: viewer.side } },
      now,
    );
  });
}

export async function removeAgendaItem(
  ctx: ServiceContext,
  relationshipId: string,
  meetingId: string,
  itemId: string,
) {
  return change(ctx, relationshipId, meetingId, "contribute", async ({ tx, abilities, m, now }) => {
    const [item] = await tx.db
      .select()
      .from(touchpointItems)
      .where(
        and(
          eq(touchpointItems.id, itemId),
          eq(touchpointItems.relationshipId, relationshipId),
          isNull(touchpointItems.removedAt),
        ),
      );
    if (!item) throw notFound("agenda item");
    require_(
      abilities.organize || item.addedBy === actorUserId(tx),
      "An added item is taken back by the person who added it or by an organizer.",
    );
    if (m.state !== "scheduled")
      throw stateConflict(m, "items are taken back from the agenda of a meeting still to be held");
    // The item is this meeting's, or carried over from a meeting skipped since the last one held:
    // either way this meeting's agenda shows it.
    if (item.meetingId !== m.id) {
      const zone = await zoneOf(tx.db, m);
      const snap = await buildSnapshot(tx.db, m, zone, now);
      if (!snap.sections.some((sec) => sec.items.some((i) => i.key === `concerns:item:${item.id}`)))
        throw notFound("agenda item");
    }
    await tx.db
      .update(touchpointItems)
      .set({ removedAt: new Date(now) })
      .where(eq(touchpointItems.id, item.id));
    await recordTouchpoint(
      tx,
      relationshipId,
      meetingSubject(m),
      "touchpoint.item_removed",
      { before: { itemId: item.id, title: item.title } },
      now,
    );
  });
}

export async function saveMinutes(
  ctx: ServiceContext,
  relationshipId: string,
  meetingId: string,
  input: { itemKey: string; text: string; revision?: number | undefined },
) {
  return change(ctx, relationshipId, meetingId, "contribute", async ({ tx, m, now }) => {
    notClosed(m, "minutes are written for meetings that take place");
    const item = await itemFor(tx, m, input.itemKey, now);
    const [existing] = await tx.db
      .select()
      .from(touchpointMinutes)
      .where(and(eq(touchpointMinutes.meetingId, m.id), eq(touchpointMinutes.itemKey, item.key)))
      .for("update");
    const seen = input.revision ?? 0;
    if ((existing?.revision ?? 0) !== seen)
      throw new AppError(
        "conflict",
        `Someone else saved the minutes of "${item.title}" meanwhile (revision ${existing?.revision ?? 0}, you edited ${seen}); reload, merge and save again.`,
      );
    if (existing)
      await tx.db
        .update(touchpointMinutes)
        .set({
          text: input.text,
          updatedByName: who(tx),
          updatedAt: new Date(now),
          revision: existing.revision + 1,
        })
        .where(and(eq(touchpointMinutes.meetingId, m.id), eq(touchpointMinutes.itemKey, item.key)));
    else
      await tx.db.insert(touchpointMinutes).values({
        meetingId: m.id,
        itemKey: item.key,
        relationshipId,
        text: input.text,
        updatedByName: who(tx),
        updatedAt: new Date(now),
      });
    await recordTouchpoint(
      tx,
      relationshipId,
      meetingSubject(m),
      "touchpoint.minutes_saved",
      {
        before: existing ? { text: existing.text } : null,
        after: { itemKey: item.key, itemTitle: item.title, text: input.text },
      },
      now,
    );
  });
}

export async function recordDecision(
  ctx: ServiceContext,
  relationshipId: string,
  meetingId: string,
  input: { itemKey: string; text: string },
) {
  return change(ctx, relationshipId, meetingId, "contribute", async ({ tx, m, now }) => {
    notClosed(m, "decisions are recorded in meetings that take place");
    const item = await itemFor(tx, m, input.itemKey, now);
    const [d] = await tx.db
      .insert(touchpointDecisions)
      .values({
        relationshipId,
        meetingId: m.id,
        itemKey: item.key,
        itemTitle: item.title,
        text: input.text,
        recordedBy: actorUserId(tx),
        recordedByName: who(tx),
        createdAt: new Date(now),
      })
      .returning();
    await recordTouchpoint(
      tx,
      relationshipId,
      meetingSubject(m),
      "touchpoint.decision_recorded",
      { after: { decisionId: d!.id, itemKey: item.key, itemTitle: item.title, text: input.text } },
      now,
    );
  });
}

export async function removeDecision(
  ctx: ServiceContext,
  relationshipId: string,
  meetingId: string,
  decisionId: string,
) {
  return change(ctx, relationshipId, meetingId, "contribute", async ({ tx, m, now }) => {
    const [d] = await tx.db
      .select()
      .from(touchpointDecisions)
      .where(
        and(
          eq(touchpointDecisions.id, decisionId),
          eq(touchpointDecisions.meetingId, m.id),
          isNull(touchpointDecisions.removedAt),
        ),
      );
    if (!d) throw notFound("decision");
    await tx.db
      .update(touchpointDecisions)
      .set({ removedAt: new Date(now) })
      .where(eq(touchpointDecisions.id, d.id));
    await recordTouchpoint(
      tx,
      relationshipId,
      meetingSubject(m),
      "touchpoint.decision_withdrawn",
      { before: { decisionId: d.id, itemTitle: d.itemTitle, text: d.text } },
      now,
    );
  });
}

export async function addAction(
  ctx: ServiceContext,
  relationshipId: string,
  meetingId: string,
  input: { itemKey: string; title: string; ownerUserId: string; dueOn: string },
) {
  return change(ctx, relationshipId, meetingId, "contribute", async ({ tx, rel, m, now }) => {
    notClosed(m, "action items come from meetings that take place");
    const item = await itemFor(tx, m, input.itemKey, now);
    const zone = await zoneOf(tx.db, m);
    const errors: Array<{ path: string; message: string }> = [];
    const { dueAt, problem } = dueDateOf(zone, input.dueOn, now);
    if (problem) errors.push({ path: "body.dueOn", message: problem });
    const [member] = await tx.db
      .select({ userId: memberships.userId, name: users.name })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(
        and(
          eq(memberships.userId, input.ownerUserId),
          inArray(memberships.orgId, [rel.clientOrgId, rel.providerOrgId]),
          isNull(users.disabledAt),
        ),
      );
    if (!member)
      errors.push({
        path: "body.ownerUserId",
        message: "not a person of the client or the provider; choose someone in the relationship",
      });
    if (errors.length)
      throw new AppError("validation_failed", "The action item has problems; fix the fields named.", {
        errors,
      });
    const number = await nextActionNumber(tx.db, relationshipId);
    const [a] = await tx.db
      .insert(touchpointActions)
      .values({
        relationshipId,
        number,
        meetingId: m.id,
        itemKey: item.key,
        itemTitle: item.title,
        title: input.title,
        ownerUserId: input.ownerUserId,
        dueOn: input.dueOn,
        dueAt: new Date(dueAt!),
        createdBy: actorUserId(tx),
        createdByName: who(tx),
        createdAt: new Date(now),
        updatedAt: new Date(now),
      })
      .returning();
    await tx.jobs?.send(
      tx.db,
      queueNames.touchpointTimer,
      { kind: "action", id: a!.id },
      { startAfter: new Date(dueAt!), singletonKey: `action:${a!.id}:${dueAt}` },
    );
    await recordTouchpoint(
      tx,
      relationshipId,
      { type: "touchpoint_action", id: a!.id, label: `A-${number} ${input.title}` },
      "touchpoint.action_added",
      {
        after: {
          meetingId: m.id,
          meetingNumber: m.number,
          itemKey: item.key,
          itemTitle: item.title,
          title: input.title,
          owner: member!.name,
          dueOn: input.dueOn,
        },
      },
      now,
    );
    if (input.ownerUserId !== actorUserId(tx))
      await notifyUsers(tx, [input.ownerUserId], {
        relationshipId,
        kind: "touchpoint.action_assigned",
        subject: `Action item for you (A-${number}): ${input.title}`,
        body: `${who(tx)} gave you an action item in ${meetingLabel(m)} of ${rel.name}, on "${item.title}", due ${input.dueOn}. It stays on every agenda until it is done.`,
        link: meetingLink(m),
      });
  });
}

export async function listActions(
  ctx: ServiceContext,
  relationshipId: string,
  q: { state?: "open" | "overdue" | "done" | "all" | undefined },
) {
  const { viewer } = await viewerOf(ctx, relationshipId);
  const now = ctx.clock.now();
  const state = q.state ?? "open";
  const where = [eq(touchpointActions.relationshipId, relationshipId)];
  if (state === "open" || state === "overdue") where.push(isNull(touchpointActions.doneAt));
  if (state === "overdue") where.push(lt(touchpointActions.dueAt, new Date(now)));
  if (state === "done") where.push(sql`${touchpointActions.doneAt} is not null`);
  const rows = (
    await actionQuery(ctx.db)
      .where(and(...where))
      .orderBy(
        state === "done" ? desc(touchpointActions.doneAt) : asc(touchpointActions.dueAt),
        asc(touchpointActions.number),
      )
      .limit(500)
  ).map(flat);
  const actorId = actorUserId(ctx);
  return { actions: rows.map((a) => presentAction(a, viewer, actorId, now)) };
}

export async function completeAction(
  ctx: ServiceContext,
  relationshipId: string,
  actionId: string,
  input: { note?: string | undefined; revision: number },
) {
  const { viewer, abilities } = await viewerOf(ctx, relationshipId);
  require_(abilities.contribute, refusals.contribute);
  return withTransaction(ctx, async (tx) => {
    const [a] = await tx.db
      .select()
      .from(touchpointActions)
      .where(and(eq(touchpointActions.id, actionId), eq(touchpointActions.relationshipId, relationshipId)))
      .for("update");
    if (!a) throw notFound("action item");
    require_(
      abilities.organize || a.ownerUserId === actorUserId(tx),
      "An action item is marked done by its owner or by an organizer (the client's executive or IT contact, the provider's account manager).",
    );
    if (a.doneAt) throw new AppError("conflict", `A-${a.number} is already done.`);
    if (a.revision !== input.revision)
      throw new AppError(
        "conflict",
        `A-${a.number} changed since you loaded it (revision ${a.revision}, you sent ${input.revision}); reload and try again.`,
      );
    const now = tx.clock.now();
    await tx.db
      .update(touchpointActions)
      .set({
        doneAt: new Date(now),
        doneByName: who(tx),
        doneNote: input.note ?? null,
        revision: a.revision + 1,
        updatedAt: new Date(now),
      })
      .where(eq(touchpointActions.id, a.id));
    await recordTouchpoint(
      tx,
      relationshipId,
      { type: "touchpoint_action", id: a.id, label: `A-${a.number} ${a.title}` },
      "touchpoint.action_done",
      { after: { note: input.note ?? null, late: a.dueAt.getTime() < now } },
      now,
    );
    const [row] = (await actionQuery(tx.db).where(eq(touchpointActions.id, a.id))).map(flat);
    return presentAction(row!, viewer, actorUserId(tx), now);
  });
}

// ---------------------------------------------------------------------------------------------
// Timers

/** Meetings whose agenda is due. */
export async function dueMeetings(ctx: ServiceContext, lateByMs: number, limit: number): Promise<string[]> {
  const rows = await ctx.db
    .select({ id: touchpointMeetings.id })
    .from(touchpointMeetings)
    .where(lte(touchpointMeetings.nextCheckAt, new Date(ctx.clock.now() - lateByMs)))
    .orderBy(asc(touchpointMeetings.nextCheckAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Sends a meeting's agenda if it is due and not sent; returns 1 when it did. */
export async function processMeetingTimer(ctx: ServiceContext, meetingId: string): Promise<number> {
  return withTransaction({ ...ctx, actor: null }, async (tx) => {
    const [m] = await tx.db
      .select()
      .from(touchpointMeetings)
      .where(eq(touchpointMeetings.id, meetingId))
      .for("update");
    const now = tx.clock.now();
    if (!m || !m.nextCheckAt || m.nextCheckAt.getTime() > now) return 0;
    if (m.state !== "scheduled" || m.agendaSentAt || m.end.getTime() <= now) {
      await tx.db
        .update(touchpointMeetings)
        .set({ nextCheckAt: null })
        .where(eq(touchpointMeetings.id, m.id));
      return 0;
    }
    await sendAgenda(tx, m, now, "timer");
    return 1;
  });
}

/** Action items past due and not yet reported. */
export async function dueActions(ctx: ServiceContext, lateByMs: number, limit: number): Promise<string[]> {
  const rows = await ctx.db
    .select({ id: touchpointActions.id })
    .from(touchpointActions)
    .where(
      and(
        isNull(touchpointActions.doneAt),
        isNull(touchpointActions.overdueNotifiedAt),
        lte(touchpointActions.dueAt, new Date(ctx.clock.now() - lateByMs)),
      ),
    )
    .orderBy(asc(touchpointActions.dueAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Tells the owner of an overdue action item, once; returns 1 when it did. */
export async function processActionTimer(ctx: ServiceContext, actionId: string): Promise<number> {
  return withTransaction({ ...ctx, actor: null }, async (tx) => {
    const [a] = await tx.db
      .select()
      .from(touchpointActions)
      .where(eq(touchpointActions.id, actionId))
      .for("update");
    const now = tx.clock.now();
    if (!a || a.doneAt || a.overdueNotifiedAt || a.dueAt.getTime() > now) return 0;
    await tx.db
      .update(touchpointActions)
      .set({ overdueNotifiedAt: new Date(now) })
      .where(eq(touchpointActions.id, a.id));
    const [m] = await tx.db.select().from(touchpointMeetings).where(eq(touchpointMeetings.id, a.meetingId));
    const [rel] = await tx.db
      .select({ name: relationships.name })
      .from(relationships)
      .where(eq(relationships.id, a.relationshipId));
    await recordTouchpoint(
      tx,
      a.relationshipId,
      { type: "touchpoint_action", id: a.id, label: `A-${a.number} ${a.title}` },
      "touchpoint.action_overdue",
      { after: { dueOn: a.dueOn, ownerUserId: a.ownerUserId } },
      now,
    );
    await notifyUsers(tx, [a.ownerUserId], {
      relationshipId: a.relationshipId,
      kind: "touchpoint.action_overdue",
      subject: `Overdue action item (A-${a.number}): ${a.title}`,
      body: `Your action item from ${meetingLabel(m!)} of ${rel!.name}, "${a.title}", was due ${a.dueOn} and is not marked done. It is listed under overdue action items on the next agenda until it is.`,
      link: `/r/${a.relationshipId}/touchpoints/actions`,
    });
    return 1;
  });
}
