import type { RouteApp } from "../../app.ts";
import { providerRoles, type Role } from "../../core/http/actor.ts";
import type { RouteAccess } from "../../core/http/auth.ts";
import { OrgParams, RelationshipParams } from "../identity/identity.schema.ts";
import {
  acknowledgeEmergency,
  addEmergencyNote,
  completeEmergencyAction,
  declareEmergency,
  decideEmergencyAction,
  getEmergency,
  getEmergencyForm,
  listEmergencies,
  logEmergencyAction,
  postEmergencyUpdate,
  resolveEmergency,
  withdrawEmergencyAction,
} from "./emergencies.service.ts";
import {
  ActionBody,
  CompleteBody,
  ContactMethod,
  ContactMethodBody,
  ContactMethodList,
  DecideBody,
  DeclareBody,
  EmergencyDetail,
  EmergencyForm,
  EmergencyList,
  EmergencyParams,
  EmergencyQuery,
  EmergencyUpdateBody,
  EntryParams,
  ExportQuery,
  MethodParams,
  NoteBody,
  Override,
  OverrideBody,
  OverrideParams,
  PersonShiftsParams,
  RangeQuery,
  RelationshipOncall,
  ResolveBody,
  ReviewActionBody,
  ReviewActionParams,
  ReviewDetail,
  ReviewList,
  ReviewParams,
  ReviewUpdateBody,
  ScheduleBody,
  ScheduleDetail,
  ScheduleList,
  ScheduleParams,
  ScheduleUpdateBody,
  SignBody,
  VerifyBody,
} from "./oncall.schema.ts";
import { registerRestorationRoutes } from "./restoration.routes.ts";
import {
  addReviewAction,
  completeReviewAction,
  exportReview,
  getReview,
  listReviews,
  signReview,
  updateReview,
} from "./reviews.service.ts";
import {
  addContactMethod,
  archiveSchedule,
  cancelOverride,
  createOverride,
  createSchedule,
  getSchedule,
  listContactMethods,
  listSchedules,
  personShiftsCalendar,
  relationshipOncall,
  removeContactMethod,
  resendContactCode,
  updateSchedule,
  verifyContactMethod,
} from "./schedules.service.ts";

const security: Array<Record<string, string[]>> = [{ session: [] }, { bearer: [] }];
const access = (roles?: readonly Role[], auth: RouteAccess["auth"] = "any"): RouteAccess => ({
  auth,
  scope: "relationship",
  ...(roles ? { roles } : {}),
});
const orgAccess: RouteAccess = { auth: "session", scope: "organization" };
const selfAccess: RouteAccess = { auth: "session", scope: "self" };
const declarers: readonly Role[] = [...providerRoles, "executive", "it_contact", "approver"];
const reviewers: readonly Role[] = [...providerRoles, "executive", "it_contact"];
const signers: readonly Role[] = ["account_manager", "senior_technician", "executive", "it_contact"];

/** On-call schedules, contact methods, emergencies, restoration plans and post-incident reviews. */
export function registerOncallRoutes(app: RouteApp): void {
  const tags = ["oncall"];

  // --- Schedules of a provider --------------------------------------------------------------
  const schedules = "/organizations/:orgId/oncall-schedules";
  app.get(
    schedules,
    {
      schema: {
        tags,
        summary: "The provider's on-call schedules, with who is on call now in each",
        security,
        params: OrgParams,
        response: { 200: ScheduleList },
        "x-access": orgAccess,
      },
    },
    async (req) => listSchedules(req.ctx, req.params.orgId),
  );
  app.post(
    schedules,
    {
      schema: {
        tags,
        summary:
          "Create a schedule: rotations with an ordered list of people, a handoff interval, layers and restrictions, in one IANA zone",
        security,
        params: OrgParams,
        body: ScheduleBody,
        response: { 201: ScheduleDetail },
        "x-access": orgAccess,
      },
    },
    async (req, reply) => reply.code(201).send(await createSchedule(req.ctx, req.params.orgId, req.body)),
  );
  app.get(
    `${schedules}/:scheduleId`,
    {
      schema: {
        tags,
        summary:
          "A schedule and its timeline over a range (default the next two weeks): shifts, gaps, overrides, unreachable people",
        security,
        params: ScheduleParams,
        querystring: RangeQuery,
        response: { 200: ScheduleDetail },
        "x-access": orgAccess,
      },
    },
    async (req) => getSchedule(req.ctx, req.params.orgId, req.params.scheduleId, req.query),
  );
  app.patch(
    `${schedules}/:scheduleId`,
    {
      schema: {
        tags,
        summary: "Change a schedule (send its revision)",
        security,
        params: ScheduleParams,
        body: ScheduleUpdateBody,
        response: { 200: ScheduleDetail },
        "x-access": orgAccess,
      },
    },
    async (req) => updateSchedule(req.ctx, req.params.orgId, req.params.scheduleId, req.body),
  );
  app.delete(
    `${schedules}/:scheduleId`,
    {
      schema: {
        tags,
        summary: "Archive a schedule",
        security,
        params: ScheduleParams,
        "x-access": orgAccess,
      },
    },
    async (req, reply) => {
      await archiveSchedule(req.ctx, req.params.orgId, req.params.scheduleId);
      return reply.code(204).send();
    },
  );
  app.post(
    `${schedules}/:scheduleId/overrides`,
    {
      schema: {
        tags,
        summary:
          "A one-off swap: someone takes a layer for a while (keepers for anyone; people for their own time)",
        security,
        params: ScheduleParams,
        body: OverrideBody,
        response: { 201: Override },
        "x-access": orgAccess,
      },
    },
    async (req, reply) =>
      reply.code(201).send(await createOverride(req.ctx, req.params.orgId, req.params.scheduleId, req.body)),
  );
  app.delete(
    `${schedules}/:scheduleId/overrides/:overrideId`,
    {
      schema: {
        tags,
        summary: "Cancel an override",
        security,
        params: OverrideParams,
        "x-access": orgAccess,
      },
    },
    async (req, reply) => {
      await cancelOverride(req.ctx, req.params.orgId, req.params.scheduleId, req.params.overrideId);
      return reply.code(204).send();
    },
  );
  app.get(
    "/organizations/:orgId/people/:userId/oncall.ics",
    {
      schema: {
        tags,
        summary:
          "A person's on-call shifts on the provider's schedules as an iCalendar file (your own, or anyone's for keepers)",
        security,
        params: PersonShiftsParams,
        querystring: RangeQuery,
        "x-access": orgAccess,
      },
    },
    async (req, reply) => {
      const file = await personShiftsCalendar(req.ctx, req.params.orgId, req.params.userId, req.query);
      return reply
        .header("content-type", "text/calendar; charset=utf-8")
        .header("content-disposition", `attachment; filename="${file.fileName}"`)
        .send(file.body);
    },
  );

  // --- The relationship's view --------------------------------------------------------------
  app.get(
    "/relationships/:relationshipId/oncall",
    {
      schema: {
        tags,
        summary:
          "Who is on call for this relationship now and over a range, with gaps and unreachable people as warnings",
        security,
        params: RelationshipParams,
        querystring: RangeQuery,
        response: { 200: RelationshipOncall },
        "x-access": access(),
      },
    },
    async (req) => relationshipOncall(req.ctx, req.params.relationshipId, req.query),
  );

  // --- Contact methods ----------------------------------------------------------------------
  app.get(
    "/me/contact-methods",
    {
      schema: {
        tags,
        summary: "Where you are paged: your account email and your extra addresses",
        security,
        response: { 200: ContactMethodList },
        "x-access": selfAccess,
      },
    },
    async (req) => listContactMethods(req.ctx),
  );
  app.post(
    "/me/contact-methods",
    {
      schema: {
        tags,
        summary: "Add an address to be paged at (a pager or SMS gateway); a six-digit code is sent to it",
        security,
        body: ContactMethodBody,
        response: { 201: ContactMethod },
        "x-access": selfAccess,
      },
    },
    async (req, reply) => reply.code(201).send(await addContactMethod(req.ctx, req.body)),
  );
  app.post(
    "/me/contact-methods/:methodId/verify",
    {
      schema: {
        tags,
        summary: "Confirm an address with the code sent to it; from then on it is paged",
        security,
        params: MethodParams,
        body: VerifyBody,
        response: { 200: ContactMethod },
        "x-access": selfAccess,
      },
    },
    async (req) => verifyContactMethod(req.ctx, req.params.methodId, req.body),
  );
  app.post(
    "/me/contact-methods/:methodId/resend",
    {
      schema: {
        tags,
        summary: "Send a new code to an address not confirmed yet",
        security,
        params: MethodParams,
        response: { 200: ContactMethod },
        "x-access": selfAccess,
      },
    },
    async (req) => resendContactCode(req.ctx, req.params.methodId),
  );
  app.delete(
    "/me/contact-methods/:methodId",
    {
      schema: {
        tags,
        summary: "Remove an extra address",
        security,
        params: MethodParams,
        "x-access": selfAccess,
      },
    },
    async (req, reply) => {
      await removeContactMethod(req.ctx, req.params.methodId);
      return reply.code(204).send();
    },
  );

  // --- Emergencies --------------------------------------------------------------------------
  const emergencies = "/relationships/:relationshipId/emergencies";
  const one = `${emergencies}/:emergencyId`;
  app.get(
    emergencies,
    {
      schema: {
        tags,
        summary: "Emergencies, latest first",
        security,
        params: RelationshipParams,
        querystring: EmergencyQuery,
        response: { 200: EmergencyList },
        "x-access": access(),
      },
    },
    async (req) => listEmergencies(req.ctx, req.params.relationshipId, req.query),
  );
  app.get(
    `${emergencies}/form`,
    {
      schema: {
        tags,
        summary:
          "What declaring needs: the protocol's criteria, who would be paged now, open critical tickets",
        security,
        params: RelationshipParams,
        response: { 200: EmergencyForm },
        "x-access": access(),
      },
    },
    async (req) => getEmergencyForm(req.ctx, req.params.relationshipId),
  );
  app.post(
    emergencies,
    {
      schema: {
        tags,
        summary:
          "Declare an emergency from a critical ticket (ticketId) or directly (opens the critical ticket); the on-call primary is paged at once",
        security,
        params: RelationshipParams,
        body: DeclareBody,
        response: { 201: EmergencyDetail },
        "x-access": access(declarers),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await declareEmergency(req.ctx, req.params.relationshipId, req.body)),
  );
  app.get(
    one,
    {
      schema: {
        tags,
        summary:
          "An emergency: paging chain and pages, authority register, restoration plan, running log, updates due",
        security,
        params: EmergencyParams,
        response: { 200: EmergencyDetail },
        "x-access": access(),
      },
    },
    async (req) => getEmergency(req.ctx, req.params.relationshipId, req.params.emergencyId),
  );
  app.post(
    `${one}/acknowledge`,
    {
      schema: {
        tags,
        summary: "Acknowledge the page: paging stops and you are the responder",
        security,
        params: EmergencyParams,
        response: { 200: EmergencyDetail },
        "x-access": access(providerRoles),
      },
    },
    async (req) => acknowledgeEmergency(req.ctx, req.params.relationshipId, req.params.emergencyId),
  );
  app.post(
    `${one}/actions`,
    {
      schema: {
        tags,
        summary:
          "Log an action against the on-call authority register: within authority it is logged as done; otherwise it asks the named approvers",
        security,
        params: EmergencyParams,
        body: ActionBody,
        response: { 200: EmergencyDetail },
        "x-access": access(providerRoles),
      },
    },
    async (req) => logEmergencyAction(req.ctx, req.params.relationshipId, req.params.emergencyId, req.body),
  );
  app.post(
    `${one}/actions/:entryId/decide`,
    {
      schema: {
        tags,
        summary: "Approve or decline an action that needs approval (people in the register's approver roles)",
        security,
        params: EntryParams,
        body: DecideBody,
        response: { 200: EmergencyDetail },
        "x-access": access(undefined, "session"),
      },
    },
    async (req) =>
      decideEmergencyAction(
        req.ctx,
        req.params.relationshipId,
        req.params.emergencyId,
        req.params.entryId,
        req.body,
      ),
  );
  app.post(
    `${one}/actions/:entryId/withdraw`,
    {
      schema: {
        tags,
        summary: "Withdraw a request for approval nobody has decided yet",
        security,
        params: EntryParams,
        body: CompleteBody,
        response: { 200: EmergencyDetail },
        "x-access": access(providerRoles),
      },
    },
    async (req) =>
      withdrawEmergencyAction(
        req.ctx,
        req.params.relationshipId,
        req.params.emergencyId,
        req.params.entryId,
        req.body,
      ),
  );
  app.post(
    `${one}/actions/:entryId/complete`,
    {
      schema: {
        tags,
        summary: "Record that an approved action was carried out",
        security,
        params: EntryParams,
        body: CompleteBody,
        response: { 200: EmergencyDetail },
        "x-access": access(providerRoles),
      },
    },
    async (req) =>
      completeEmergencyAction(
        req.ctx,
        req.params.relationshipId,
        req.params.emergencyId,
        req.params.entryId,
        req.body,
      ),
  );
  app.post(
    `${one}/notes`,
    {
      schema: {
        tags,
        summary: "Add a note to the running log (either side)",
        security,
        params: EmergencyParams,
        body: NoteBody,
        response: { 200: EmergencyDetail },
        "x-access": access(),
      },
    },
    async (req) => addEmergencyNote(req.ctx, req.params.relationshipId, req.params.emergencyId, req.body),
  );
  app.post(
    `${one}/updates`,
    {
      schema: {
        tags,
        summary:
          "Post an update to everyone following (the ticket's investigation update, on the critical cadence)",
        security,
        params: EmergencyParams,
        body: EmergencyUpdateBody,
        response: { 200: EmergencyDetail },
        "x-access": access(providerRoles),
      },
    },
    async (req) => postEmergencyUpdate(req.ctx, req.params.relationshipId, req.params.emergencyId, req.body),
  );
  app.post(
    `${one}/resolve`,
    {
      schema: {
        tags,
        summary:
          "Resolve the emergency and its ticket (root cause, fix, prevention); the post-incident review opens",
        security,
        params: EmergencyParams,
        body: ResolveBody,
        response: { 200: EmergencyDetail },
        "x-access": access(providerRoles),
      },
    },
    async (req) => resolveEmergency(req.ctx, req.params.relationshipId, req.params.emergencyId, req.body),
  );

  // --- Post-incident reviews ----------------------------------------------------------------
  const reviews = "/relationships/:relationshipId/reviews";
  const review = `${reviews}/:reviewId`;
  app.get(
    reviews,
    {
      schema: {
        tags,
        summary: "Post-incident reviews, latest first, and every overdue prevention action",
        security,
        params: RelationshipParams,
        response: { 200: ReviewList },
        "x-access": access(),
      },
    },
    async (req) => listReviews(req.ctx, req.params.relationshipId),
  );
  app.get(
    review,
    {
      schema: {
        tags,
        summary:
          "A review: the timeline from events with durations, what people wrote, prevention actions, sign-offs",
        security,
        params: ReviewParams,
        response: { 200: ReviewDetail },
        "x-access": access(),
      },
    },
    async (req) => getReview(req.ctx, req.params.relationshipId, req.params.reviewId),
  );
  app.patch(
    review,
    {
      schema: {
        tags,
        summary:
          "Write what happened, what went well and what could be better (clears sign-offs given before)",
        security,
        params: ReviewParams,
        body: ReviewUpdateBody,
        response: { 200: ReviewDetail },
        "x-access": access(reviewers),
      },
    },
    async (req) => updateReview(req.ctx, req.params.relationshipId, req.params.reviewId, req.body),
  );
  app.post(
    `${review}/sign`,
    {
      schema: {
        tags,
        summary: "Sign the review off for your side; finished when both sides have",
        security,
        params: ReviewParams,
        body: SignBody,
        response: { 200: ReviewDetail },
        "x-access": access(signers, "session"),
      },
    },
    async (req) => signReview(req.ctx, req.params.relationshipId, req.params.reviewId, req.body),
  );
  app.post(
    `${review}/actions`,
    {
      schema: {
        tags,
        summary: "Add a prevention action with one owner and a due date",
        security,
        params: ReviewParams,
        body: ReviewActionBody,
        response: { 200: ReviewDetail },
        "x-access": access(reviewers),
      },
    },
    async (req) => addReviewAction(req.ctx, req.params.relationshipId, req.params.reviewId, req.body),
  );
  app.post(
    `${review}/actions/:actionId/complete`,
    {
      schema: {
        tags,
        summary: "Mark a prevention action done (its owner, or the review's writers)",
        security,
        params: ReviewActionParams,
        body: CompleteBody,
        response: { 200: ReviewDetail },
        "x-access": access(),
      },
    },
    async (req) =>
      completeReviewAction(
        req.ctx,
        req.params.relationshipId,
        req.params.reviewId,
        req.params.actionId,
        req.body,
      ),
  );
  app.get(
    `${review}/export`,
    {
      schema: {
        tags,
        summary: "The review as a Markdown or PDF file",
        security,
        params: ReviewParams,
        querystring: ExportQuery,
        "x-access": access(),
      },
    },
    async (req, reply) => {
      const file = await exportReview(
        req.ctx,
        req.params.relationshipId,
        req.params.reviewId,
        req.query.format,
      );
      return reply
        .header("content-type", file.contentType)
        .header("content-disposition", `attachment; filename="${file.fileName}"`)
        .send(file.body);
    },
  );

  registerRestorationRoutes(app);
}
