import { z } from "zod";
import type { RouteApp } from "../../app.ts";
import type { RouteAccess } from "../../core/http/auth.ts";
import type { ServiceContext } from "../../core/http/context.ts";
import { RelationshipParams } from "../identity/identity.schema.ts";
import { actionRoles } from "./tickets.policy.ts";
import {
  AssignBody,
  CommentBody,
  CreateTicketBody,
  DeescalateBody,
  EscalateBody,
  Impact,
  IntakeForm,
  NoteBody,
  ReopenBody,
  ResolveBody,
  Severity,
  SeverityBody,
  TicketDetail,
  TicketList,
  TicketParams,
  TicketQuery,
  TicketSummary,
  UpdateBody,
  WaitBody,
} from "./tickets.schema.ts";
import {
  acknowledgeTicket,
  assignTicket,
  changeSeverity,
  commentOnTicket,
  confirmResolution,
  createTicket,
  deescalateTicket,
  escalateTicket,
  getIntakeForm,
  getTicket,
  listTickets,
  postInvestigationUpdate,
  reopenTicket,
  resolveTicket,
  resumeTicket,
  suggestTicketSeverity,
  waitOnClient,
} from "./tickets.service.ts";

const security: Array<Record<string, string[]>> = [{ session: [] }, { bearer: [] }];
const relationshipAccess = (roles?: readonly string[]): RouteAccess => ({
  auth: "any",
  scope: "relationship",
  ...(roles ? { roles: roles as RouteAccess["roles"] } : {}),
});

/** Tickets: intake, the list, one ticket, and every action on it. Each action answers with the ticket as it now is. */
export function registerTicketRoutes(app: RouteApp): void {
  const tags = ["tickets"];
  const base = "/relationships/:relationshipId/tickets";

  app.get(
    base,
    {
      schema: {
        tags,
        summary:
          "Tickets, newest first: filter by state, severity, clock status, assignee; each with its next deadline",
        security,
        params: RelationshipParams,
        querystring: TicketQuery,
        response: { 200: TicketList },
        "x-access": relationshipAccess(),
      },
    },
    async (req) => listTickets(req.ctx, req.params.relationshipId, req.query),
  );
  app.post(
    base,
    {
      schema: {
        tags,
        summary: "Raise a ticket: impact answers, the suggested severity (another needs a reason)",
        security,
        params: RelationshipParams,
        body: CreateTicketBody,
        response: { 201: TicketSummary },
        "x-access": relationshipAccess(actionRoles.raise),
      },
    },
    async (req, reply) => {
      const source = req.ctx.actor?.type === "token" ? "api" : "web";
      const ticket = await createTicket(req.ctx, req.params.relationshipId, req.body, source);
      return reply.code(201).send(ticket);
    },
  );
  app.get(
    `${base}/intake-form`,
    {
      schema: {
        tags,
        summary: "The intake questions and severities of the protocol in effect",
        security,
        params: RelationshipParams,
        response: { 200: IntakeForm },
        "x-access": relationshipAccess(),
      },
    },
    async (req) => getIntakeForm(req.ctx, req.params.relationshipId),
  );
  app.post(
    `${base}/suggest-severity`,
    {
      schema: {
        tags,
        summary: "The severity the protocol's impact matrix suggests for these answers",
        security,
        params: RelationshipParams,
        body: Impact,
        response: { 200: z.object({ severity: Severity }) },
        "x-access": relationshipAccess(),
      },
    },
    async (req) => suggestTicketSeverity(req.ctx, req.params.relationshipId, req.body),
  );
  app.get(
    `${base}/:ticketId`,
    {
      schema: {
        tags,
        summary:
          "One ticket: impact, clocks with pauses, escalation and authority, timeline, what you may do",
        security,
        params: TicketParams,
        response: { 200: TicketDetail },
        "x-access": relationshipAccess(),
      },
    },
    async (req) => getTicket(req.ctx, req.params.relationshipId, req.params.ticketId),
  );

  /** One action route: validate, act, answer with the ticket as it now is. */
  function action<B extends z.ZodType>(
    path: string,
    summary: string,
    body: B,
    roles: readonly string[],
    run: (
      ctx: ServiceContext,
      relationshipId: string,
      ticketId: string,
      body: z.output<B>,
    ) => Promise<unknown>,
  ) {
    app.post(
      `${base}/:ticketId/${path}`,
      {
        schema: {
          tags,
          summary,
          security,
          params: TicketParams,
          body,
          response: { 200: TicketDetail },
          "x-access": relationshipAccess(roles),
        },
      },
      async (req) => {
        const { relationshipId, ticketId } = req.params as z.output<typeof TicketParams>;
        await run(req.ctx, relationshipId, ticketId, req.body as z.output<B>);
        return getTicket(req.ctx, relationshipId, ticketId);
      },
    );
  }

  action(
    "acknowledge",
    "Acknowledge: response means the provider has started investigating",
    NoteBody,
    actionRoles.acknowledge,
    (c, r, t, b) => acknowledgeTicket(c, r, t, b),
  );
  action(
    "assign",
    "Assign to a provider technician (null unassigns)",
    AssignBody,
    actionRoles.assign,
    (c, r, t, b) => assignTicket(c, r, t, b),
  );
  action(
    "updates",
    "Post an investigation update: found, trying, next; 'stuck' escalates",
    UpdateBody,
    actionRoles.update,
    (c, r, t, b) => postInvestigationUpdate(c, r, t, b),
  );
  action(
    "comments",
    "Comment; a client reply to a ticket waiting on the client resumes it",
    CommentBody,
    actionRoles.comment,
    (c, r, t, b) => commentOnTicket(c, r, t, b),
  );
  action(
    "wait-on-client",
    "Wait on the client for an answer (pauses the clocks the protocol names)",
    WaitBody,
    actionRoles.waitOnClient,
    (c, r, t, b) => waitOnClient(c, r, t, b),
  );
  action("resume", "Resume a ticket waiting on the client", NoteBody, actionRoles.resume, (c, r, t, b) =>
    resumeTicket(c, r, t, b),
  );
  action(
    "severity",
    "Change the severity, with a reason both sides see",
    SeverityBody,
    actionRoles.changeSeverity,
    (c, r, t, b) => changeSeverity(c, r, t, b),
  );
  action(
    "escalate",
    "Escalate to a level of the protocol's ladder, with a justification (who may follows the protocol)",
    EscalateBody,
    actionRoles.escalate,
    (c, r, t, b) => escalateTicket(c, r, t, b),
  );
  action(
    "deescalate",
    "De-escalate to a lower level, or off the ladder, with a reason",
    DeescalateBody,
    actionRoles.deescalate,
    (c, r, t, b) => deescalateTicket(c, r, t, b),
  );
  action(
    "resolve",
    "Resolve; critical and high need root cause, fix and prevention",
    ResolveBody,
    actionRoles.resolve,
    (c, r, t, b) => resolveTicket(c, r, t, b),
  );
  action("confirm", "Confirm the fix: the ticket closes", NoteBody, actionRoles.confirm, (c, r, t, b) =>
    confirmResolution(c, r, t, b),
  );
  action("reopen", "Reopen a resolved or closed ticket", ReopenBody, actionRoles.reopen, (c, r, t, b) =>
    reopenTicket(c, r, t, b),
  );
}
