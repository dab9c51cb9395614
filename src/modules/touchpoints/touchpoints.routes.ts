import { z } from "zod";
import type { RouteApp } from "../../app.ts";
import { clientRoles, providerRoles, type Role } from "../../core/http/actor.ts";
import type { RouteAccess } from "../../core/http/auth.ts";
import { RelationshipParams } from "../identity/identity.schema.ts";
import {
  createBusinessDate,
  listBusinessDates,
  removeBusinessDate,
  updateBusinessDate,
} from "./business-dates.service.ts";
import {
  ActionList,
  ActionListQuery,
  ActionParams,
  ActionView,
  AddActionBody,
  AddItemBody,
  AgendaExportQuery,
  BusinessDateList,
  BusinessDateParams,
  BusinessDateQuery,
  BusinessDateView,
  CompleteActionBody,
  CreateBusinessDateBody,
  DecisionBody,
  HoldMeetingBody,
  MeetingDecisionParams,
  MeetingDetail,
  MeetingItemParams,
  MeetingList,
  MeetingListQuery,
  MeetingParams,
  MinutesBody,
  MoveMeetingBody,
  SkipMeetingBody,
  TouchpointOverview,
  UpdateBusinessDateBody,
} from "./touchpoints.schema.ts";
import {
  addAction,
  addAgendaItem,
  completeAction,
  exportAgenda,
  getMeeting,
  getTouchpoints,
  holdMeeting,
  listActions,
  listMeetings,
  moveMeeting,
  recordDecision,
  removeAgendaItem,
  removeDecision,
  saveMinutes,
  sendAgendaNow,
  seriesCalendar,
  skipMeeting,
} from "./touchpoints.service.ts";
import { contributorRoles, dateKeeperRoles, organizerRoles } from "./touchpoints.policy.ts";

const security: Array<Record<string, string[]>> = [{ session: [] }, { bearer: [] }];
const access = (roles: readonly Role[]): RouteAccess => ({ auth: "any", scope: "relationship", roles });
/** Everyone in the relationship but the client's end users (members). */
const viewers: readonly Role[] = [...clientRoles.filter((r) => r !== "member"), ...providerRoles];

/** Touchpoints: the meeting series, each meeting's agenda and minutes, action items, business dates. */
export function registerTouchpointRoutes(app: RouteApp): void {
  const tags = ["touchpoints"];
  const base = "/relationships/:relationshipId/touchpoints";
  const meeting = `${base}/meetings/:meetingId`;

  app.get(
    base,
    {
      schema: {
        tags,
        summary:
          "The touchpoint series the protocol sets (cadence, attendees by role, link), its warnings, the next and recent meetings",
        security,
        params: RelationshipParams,
        response: { 200: TouchpointOverview },
        "x-access": access(viewers),
      },
    },
    async (req) => getTouchpoints(req.ctx, req.params.relationshipId),
  );
  app.get(
    `${base}/meetings`,
    {
      schema: {
        tags,
        summary: "Meetings in a range, with whether each was held on schedule, moved or skipped",
        security,
        params: RelationshipParams,
        querystring: MeetingListQuery,
        response: { 200: MeetingList },
        "x-access": access(viewers),
      },
    },
    async (req) => listMeetings(req.ctx, req.params.relationshipId, req.query),
  );
  app.get(
    `${base}/series.ics`,
    {
      schema: {
        tags,
        summary: "The series as an iCalendar file (METHOD:PUBLISH) to add to a calendar by hand",
        security,
        params: RelationshipParams,
        "x-access": access(viewers),
      },
    },
    async (req, reply) => {
      const ics = await seriesCalendar(req.ctx, req.params.relationshipId);
      return reply
        .header("content-type", "text/calendar; charset=utf-8")
        .header("content-disposition", 'attachment; filename="touchpoints.ics"')
        .send(ics);
    },
  );
  app.get(
    meeting,
    {
      schema: {
        tags,
        summary:
          "One meeting with its agenda (assembled live until it is held, then as it was), minutes, decisions and action items",
        security,
        params: MeetingParams,
        response: { 200: MeetingDetail },
        "x-access": access(viewers),
      },
    },
    async (req) => getMeeting(req.ctx, req.params.relationshipId, req.params.meetingId),
  );
  app.get(
    `${meeting}/export`,
    {
      schema: {
        tags,
        summary: "The agenda (with minutes once held) as a Markdown or PDF file",
        security,
        params: MeetingParams,
        querystring: AgendaExportQuery,
        "x-access": access(viewers),
      },
    },
    async (req, reply) => {
      const file = await exportAgenda(
        req.ctx,
        req.params.relationshipId,
        req.params.meetingId,
        req.query.format,
      );
      return reply
        .header("content-type", file.contentType)
        .header("content-disposition", `attachment; filename="${file.fileName}"`)
        .send(file.body);
    },
  );
  app.post(
    `${meeting}/move`,
    {
      schema: {
        tags,
        summary: "Move one meeting, with a reason; attendees get an updated invitation",
        security,
        params: MeetingParams,
        body: MoveMeetingBody,
        response: { 200: MeetingDetail },
        "x-access": access(organizerRoles),
      },
    },
    async (req) => moveMeeting(req.ctx, req.params.relationshipId, req.params.meetingId, req.body),
  );
  app.post(
    `${meeting}/skip`,
    {
      schema: {
        tags,
        summary: "Skip one meeting, with a reason; attendees get a cancellation of that meeting",
        security,
        params: MeetingParams,
        body: SkipMeetingBody,
        response: { 200: MeetingDetail },
        "x-access": access(organizerRoles),
      },
    },
    async (req) => skipMeeting(req.ctx, req.params.relationshipId, req.params.meetingId, req.body),
  );
  app.post(
    `${meeting}/held`,
    {
      schema: {
        tags,
        summary:
          "Record the meeting as held: its agenda is kept as it was, and attendees get the summary of decisions and action items",
        security,
        params: MeetingParams,
        body: HoldMeetingBody,
        response: { 200: MeetingDetail },
        "x-access": access(organizerRoles),
      },
    },
    async (req) => holdMeeting(req.ctx, req.params.relationshipId, req.params.meetingId, req.body),
  );
  app.post(
    `${meeting}/send-agenda`,
    {
      schema: {
        tags,
        summary: "Send the agenda to the attendees now rather than at the protocol's time",
        security,
        params: MeetingParams,
        response: { 200: MeetingDetail },
        "x-access": access(organizerRoles),
      },
    },
    async (req) => sendAgendaNow(req.ctx, req.params.relationshipId, req.params.meetingId),
  );
  app.post(
    `${meeting}/items`,
    {
      schema: {
        tags,
        summary: "Add an item to the meeting's agenda (either side, before the meeting is held)",
        security,
        params: MeetingParams,
        body: AddItemBody,
        response: { 201: MeetingDetail },
        "x-access": access(contributorRoles),
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await addAgendaItem(req.ctx, req.params.relationshipId, req.params.meetingId, req.body)),
  );
  app.delete(
    `${meeting}/items/:itemId`,
    {
      schema: {
        tags,
        summary:
          "Take back an item you added (or, as an organizer, any added item) before the meeting is held",
        security,
        params: MeetingItemParams,
        response: { 200: MeetingDetail },
        "x-access": access(contributorRoles),
      },
    },
    async (req) =>
      removeAgendaItem(req.ctx, req.params.relationshipId, req.params.meetingId, req.params.itemId),
  );
  app.put(
    `${meeting}/minutes`,
    {
      schema: {
        tags,
        summary: "Write the minutes of one agenda item",
        security,
        params: MeetingParams,
        body: MinutesBody,
        response: { 200: MeetingDetail },
        "x-access": access(contributorRoles),
      },
    },
    async (req) => saveMinutes(req.ctx, req.params.relationshipId, req.params.meetingId, req.body),
  );
  app.post(
    `${meeting}/decisions`,
    {
      schema: {
        tags,
        summary: "Record a decision taken on an agenda item",
        security,
        params: MeetingParams,
        body: DecisionBody,
        response: { 201: MeetingDetail },
        "x-access": access(contributorRoles),
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await recordDecision(req.ctx, req.params.relationshipId, req.params.meetingId, req.body)),
  );
  app.delete(
    `${meeting}/decisions/:decisionId`,
    {
      schema: {
        tags,
        summary: "Withdraw a decision recorded by mistake",
        security,
        params: MeetingDecisionParams,
        response: { 200: MeetingDetail },
        "x-access": access(contributorRoles),
      },
    },
    async (req) =>
      removeDecision(req.ctx, req.params.relationshipId, req.params.meetingId, req.params.decisionId),
  );
  app.post(
    `${meeting}/actions`,
    {
      schema: {
        tags,
        summary:
          "Record an action item on an agenda item: one owner and a due date; it carries over to every later agenda until done",
        security,
        params: MeetingParams,
        body: AddActionBody,
        response: { 201: MeetingDetail },
        "x-access": access(contributorRoles),
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await addAction(req.ctx, req.params.relationshipId, req.params.meetingId, req.body)),
  );
  app.get(
    `${base}/actions`,
    {
      schema: {
        tags,
        summary: "Action items from every meeting: open (overdue first), overdue, done or all",
        security,
        params: RelationshipParams,
        querystring: ActionListQuery,
        response: { 200: ActionList },
        "x-access": access(viewers),
      },
    },
    async (req) => listActions(req.ctx, req.params.relationshipId, req.query),
  );
  app.post(
    `${base}/actions/:actionId/done`,
    {
      schema: {
        tags,
        summary: "Mark an action item done (its owner or an organizer)",
        security,
        params: ActionParams,
        body: CompleteActionBody,
        response: { 200: ActionView },
        "x-access": access(contributorRoles),
      },
    },
    async (req) => completeAction(req.ctx, req.params.relationshipId, req.params.actionId, req.body),
  );

  const dates = "/relationships/:relationshipId/business-dates";
  app.get(
    dates,
    {
      schema: {
        tags,
        summary:
          "The client's dated business and compliance needs (audits, renewals, office moves, regulatory deadlines)",
        security,
        params: RelationshipParams,
        querystring: BusinessDateQuery,
        response: { 200: BusinessDateList },
        "x-access": access(viewers),
      },
    },
    async (req) => listBusinessDates(req.ctx, req.params.relationshipId, req.query),
  );
  app.post(
    dates,
    {
      schema: {
        tags,
        summary: "Record a dated business or compliance need; agendas list it as it comes up",
        security,
        params: RelationshipParams,
        body: CreateBusinessDateBody,
        response: { 201: BusinessDateView },
        "x-access": access(dateKeeperRoles),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await createBusinessDate(req.ctx, req.params.relationshipId, req.body)),
  );
  app.patch(
    `${dates}/:dateId`,
    {
      schema: {
        tags,
        summary: "Change a business or compliance date",
        security,
        params: BusinessDateParams,
        body: UpdateBusinessDateBody,
        response: { 200: BusinessDateView },
        "x-access": access(dateKeeperRoles),
      },
    },
    async (req) => updateBusinessDate(req.ctx, req.params.relationshipId, req.params.dateId, req.body),
  );
  app.delete(
    `${dates}/:dateId`,
    {
      schema: {
        tags,
        summary: "Remove a business or compliance date",
        security,
        params: BusinessDateParams,
        response: { 204: z.null() },
        "x-access": access(dateKeeperRoles),
      },
    },
    async (req, reply) => {
      await removeBusinessDate(req.ctx, req.params.relationshipId, req.params.dateId);
      return reply.code(204).send(null);
    },
  );
}
