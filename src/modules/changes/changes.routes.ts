import { z } from "zod";
import type { RouteApp } from "../../app.ts";
import type { Role } from "../../core/http/actor.ts";
import type { RouteAccess } from "../../core/http/auth.ts";
import type { ServiceContext } from "../../core/http/context.ts";
import { notFound } from "../../core/http/errors.ts";
import { RelationshipParams } from "../identity/identity.schema.ts";
import {
  archiveGroup,
  createFeed,
  createGroup,
  getChangeCalendar,
  listFeeds,
  listGroups,
  renderFeed,
  revokeFeed,
  updateGroup,
} from "./changes.calendar.ts";
import {
  ApproveBody,
  CalendarView,
  ChangeDetail,
  ChangeForm,
  ChangeList,
  ChangeParams,
  ChangeQuery,
  CheckChangeBody,
  CheckResult,
  CreateChangeBody,
  Feed,
  FeedBody,
  FeedCreated,
  FeedList,
  FeedParams,
  FeedTokenParams,
  FinishBody,
  Group,
  GroupBody,
  GroupList,
  GroupParams,
  GroupUpdateBody,
  RangeQuery,
  ReasonBody,
  RecordChangeBody,
  RescheduleBody,
  RescheduleRequestBody,
  ReviewBody,
  RevisionBody,
  UpdateChangeBody,
} from "./changes.schema.ts";
import {
  approveChange,
  cancelChange,
  checkChange,
  createChange,
  finishChange,
  getChange,
  getChangeForm,
  listAwaitingMe,
  listChanges,
  proposeChange,
  recordChange,
  rejectChange,
  requestReschedule,
  rescheduleChange,
  reviewChange,
  scheduleChange,
  startChange,
  updateChange,
} from "./changes.service.ts";

const security: Array<Record<string, string[]>> = [{ session: [] }, { bearer: [] }];
const providerRoles: readonly Role[] = ["account_manager", "technician", "senior_technician"];
const deciders: readonly Role[] = ["executive", "it_contact", "approver"];
const access = (roles?: readonly Role[], auth: RouteAccess["auth"] = "any"): RouteAccess => ({
  auth,
  scope: "relationship",
  ...(roles ? { roles } : {}),
});

/** Change requests, the change calendar and its feeds, and user groups. */
export function registerChangeRoutes(app: RouteApp): void {
  const tags = ["changes"];
  const base = "/relationships/:relationshipId/changes";

  app.get(
    base,
    {
      schema: {
        tags,
        summary: "Changes, latest start first: filter by state, class, unannounced, text or CHG number",
        security,
        params: RelationshipParams,
        querystring: ChangeQuery,
        response: { 200: ChangeList },
        "x-access": access(),
      },
    },
    async (req) => listChanges(req.ctx, req.params.relationshipId, req.query),
  );
  app.post(
    base,
    {
      schema: {
        tags,
        summary: "Plan a change: saved as a draft, or proposed at once with propose: true",
        security,
        params: RelationshipParams,
        body: CreateChangeBody,
        response: { 201: ChangeDetail },
        "x-access": access(providerRoles),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await createChange(req.ctx, req.params.relationshipId, req.body)),
  );
  app.get(
    `${base}/form`,
    {
      schema: {
        tags,
        summary: "What the change form needs: each class's approval and notice, user groups, known systems",
        security,
        params: RelationshipParams,
        response: { 200: ChangeForm },
        "x-access": access(),
      },
    },
    async (req) => getChangeForm(req.ctx, req.params.relationshipId),
  );
  app.post(
    `${base}/check`,
    {
      schema: {
        tags,
        summary: "Conflicts, approval rule and notice plan of a change as it would be proposed now",
        security,
        params: RelationshipParams,
        body: CheckChangeBody,
        response: { 200: CheckResult },
        "x-access": access(),
      },
    },
    async (req) => checkChange(req.ctx, req.params.relationshipId, req.body),
  );
  app.post(
    `${base}/record`,
    {
      schema: {
        tags,
        summary:
          "Record a change that already happened: the client reports one nobody announced, or the provider logs one afterwards (unannounced unless an emergency change)",
        security,
        params: RelationshipParams,
        body: RecordChangeBody,
        response: { 201: ChangeDetail },
        "x-access": access([...providerRoles, ...deciders]),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await recordChange(req.ctx, req.params.relationshipId, req.body)),
  );
  app.get(
    `${base}/awaiting-me`,
    {
      schema: {
        tags,
        summary: "The approver's queue: proposed changes waiting for your decision",
        security,
        params: RelationshipParams,
        response: { 200: ChangeList },
        "x-access": access(),
      },
    },
    async (req) => listAwaitingMe(req.ctx, req.params.relationshipId),
  );
  app.get(
    `${base}/calendar`,
    {
      schema: {
        tags,
        summary: "The change calendar between two times: changes, maintenance windows and blackouts",
        security,
        params: RelationshipParams,
        querystring: RangeQuery,
        response: { 200: CalendarView },
        "x-access": access(),
      },
    },
    async (req) => getChangeCalendar(req.ctx, req.params.relationshipId, req.query),
  );
  app.get(
    `${base}/:changeId`,
    {
      schema: {
        tags,
        summary: "One change: details, approval status, notice plan, conflicts, history, what you may do",
        security,
        params: ChangeParams,
        response: { 200: ChangeDetail },
        "x-access": access(),
      },
    },
    async (req) => getChange(req.ctx, req.params.relationshipId, req.params.changeId),
  );
  app.patch(
    `${base}/:changeId`,
    {
      schema: {
        tags,
        summary:
          "Edit a change before it starts; after proposal a material edit (window, class, more systems, groups or downtime) restarts approval",
        security,
        params: ChangeParams,
        body: UpdateChangeBody,
        response: { 200: ChangeDetail },
        "x-access": access(providerRoles),
      },
    },
    async (req) => updateChange(req.ctx, req.params.relationshipId, req.params.changeId, req.body),
  );

  /** One step on a change: answers the change as it now is. */
  function action<B extends z.ZodType>(
    path: string,
    summary: string,
    body: B,
    roles: readonly Role[],
    run: (
      ctx: ServiceContext,
      relationshipId: string,
      changeId: string,
      body: z.output<B>,
    ) => ReturnType<typeof getChange>,
  ) {
    app.post(
      `${base}/:changeId/${path}`,
      {
        schema: {
          tags,
          summary,
          security,
          params: ChangeParams,
          body,
          response: { 200: ChangeDetail },
          "x-access": access(roles),
        },
      },
      async (req) => {
        const { relationshipId, changeId } = req.params as z.output<typeof ChangeParams>;
        return run(req.ctx, relationshipId, changeId, req.body as z.output<B>);
      },
    );
  }

  action(
    "propose",
    "Propose a draft (or a rejected change again): plans and sends notices, applies the approval rule",
    RevisionBody,
    providerRoles,
    (c, r, id, b) => proposeChange(c, r, id, b.revision),
  );
  action(
    "approve",
    "Approve as one of the roles the protocol names for the change's class",
    ApproveBody,
    deciders,
    (c, r, id, b) => approveChange(c, r, id, b),
  );
  action("reject", "Reject, with a reason", ReasonBody, deciders, (c, r, id, b) => rejectChange(c, r, id, b));
  action(
    "request-reschedule",
    "Ask the provider to move the change, with a reason and optionally a suggested start",
    RescheduleRequestBody,
    deciders,
    (c, r, id, b) => requestReschedule(c, r, id, b),
  );
  action(
    "reschedule",
    "Move the change to a new window: approvals restart, notices are re-planned and people told",
    RescheduleBody,
    providerRoles,
    (c, r, id, b) => rescheduleChange(c, r, id, b),
  );
  action("schedule", "Schedule an approved change", RevisionBody, providerRoles, (c, r, id, b) =>
    scheduleChange(c, r, id, b.revision),
  );
  action(
    "start",
    "Start the work (sends the start notice where the protocol asks for one)",
    RevisionBody,
    providerRoles,
    (c, r, id, b) => startChange(c, r, id, b.revision),
  );
  action(
    "finish",
    "Finish: completed, failed or rolled back, with notes and follow-ups; sends the post-change notice",
    FinishBody,
    providerRoles,
    (c, r, id, b) => finishChange(c, r, id, b),
  );
  action(
    "review",
    "Write the review of a finished change",
    ReviewBody,
    [...providerRoles, "it_contact", "executive"],
    (c, r, id, b) => reviewChange(c, r, id, b),
  );
  action(
    "cancel",
    "Cancel before the work starts, with a reason; people already told are told",
    ReasonBody,
    providerRoles,
    (c, r, id, b) => cancelChange(c, r, id, b),
  );

  // User groups
  const groups = "/relationships/:relationshipId/groups";
  const groupKeepers: readonly Role[] = ["executive", "it_contact"];
  app.get(
    groups,
    {
      schema: {
        tags,
        summary: "User groups of the client's people, with members",
        security,
        params: RelationshipParams,
        response: { 200: GroupList },
        "x-access": access(),
      },
    },
    async (req) => listGroups(req.ctx, req.params.relationshipId),
  );
  app.post(
    groups,
    {
      schema: {
        tags,
        summary: "Create a user group (client IT contact or executive)",
        security,
        params: RelationshipParams,
        body: GroupBody,
        response: { 201: Group },
        "x-access": access(groupKeepers),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await createGroup(req.ctx, req.params.relationshipId, req.body)),
  );
  app.patch(
    `${groups}/:groupId`,
    {
      schema: {
        tags,
        summary: "Rename a user group or set its members",
        security,
        params: GroupParams,
        body: GroupUpdateBody,
        response: { 200: Group },
        "x-access": access(groupKeepers),
      },
    },
    async (req) => updateGroup(req.ctx, req.params.relationshipId, req.params.groupId, req.body),
  );
  app.delete(
    `${groups}/:groupId`,
    {
      schema: {
        tags,
        summary: "Archive a user group",
        security,
        params: GroupParams,
        response: { 204: z.null() },
        "x-access": access(groupKeepers),
      },
    },
    async (req, reply) => {
      await archiveGroup(req.ctx, req.params.relationshipId, req.params.groupId);
      return reply.code(204).send(null);
    },
  );

  // Calendar feeds
  const feeds = "/relationships/:relationshipId/calendar-feeds";
  app.get(
    feeds,
    {
      schema: {
        tags,
        summary: "The change calendar's subscription feeds (URLs are shown only when created)",
        security,
        params: RelationshipParams,
        response: { 200: FeedList },
        "x-access": access(),
      },
    },
    async (req) => listFeeds(req.ctx, req.params.relationshipId),
  );
  app.post(
    feeds,
    {
      schema: {
        tags,
        summary: "Create a secret iCalendar subscription URL for Outlook, Google Calendar or Thunderbird",
        security: [{ session: [] }],
        params: RelationshipParams,
        body: FeedBody,
        response: { 201: FeedCreated },
        "x-access": access(undefined, "session"),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await createFeed(req.ctx, req.params.relationshipId, req.body)),
  );
  app.delete(
    `${feeds}/:feedId`,
    {
      schema: {
        tags,
        summary: "Revoke a feed: its URL stops working",
        security: [{ session: [] }],
        params: FeedParams,
        response: { 200: Feed },
        "x-access": access(undefined, "session"),
      },
    },
    async (req) => revokeFeed(req.ctx, req.params.relationshipId, req.params.feedId),
  );
  app.get(
    "/calendar/:token",
    {
      schema: {
        tags,
        summary: "The iCalendar feed behind a secret URL (no sign-in: the URL is the credential)",
        params: FeedTokenParams,
        "x-access": { auth: "public", scope: "none" },
      },
    },
    async (req, reply) => {
      const token = req.params.token.replace(/\.ics$/, "");
      const body = await renderFeed(req.ctx, token);
      if (body === null) throw notFound("calendar feed");
      return reply
        .header("content-type", "text/calendar; charset=utf-8")
        .header("cache-control", "private, max-age=300")
        .send(body);
    },
  );
}
