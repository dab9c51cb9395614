import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { RouteApp } from "../../app.ts";
import type { RouteAccess } from "../../core/http/auth.ts";
import { AppError, errorCodes } from "../../core/http/errors.ts";
import { RelationshipParams } from "../identity/identity.schema.ts";
import { intakeRotatorRoles } from "./intake.policy.ts";
import { IntakeAccepted, IntakeAddress, IntakeRefused } from "./intake.schema.ts";
import {
  getIntakeAddress,
  intakeSecretMatches,
  MAX_EMAIL_BYTES,
  receiveEmail,
  rotateIntakeAddress,
} from "./intake.service.ts";

const tags = ["tickets"];

/** The relationship's intake address: shown to everyone in it, replaced by its admins. */
export function registerIntakeRoutes(app: RouteApp, opts: { domain: string }): void {
  const base = "/relationships/:relationshipId/tickets/intake-address";
  app.get(
    base,
    {
      schema: {
        tags,
        summary:
          "The relationship's email intake address: mail to it raises tickets, replies thread onto them",
        security: [{ session: [] }, { bearer: [] }],
        params: RelationshipParams,
        response: { 200: IntakeAddress },
        "x-access": { auth: "any", scope: "relationship" } satisfies RouteAccess,
      },
    },
    async (req) => getIntakeAddress(req.ctx, req.params.relationshipId, opts.domain),
  );
  app.post(
    `${base}/rotate`,
    {
      schema: {
        tags,
        summary:
          "Replace the intake address (client IT contact or executive who is an organization admin, or the account manager); the old one stops working at once",
        security: [{ session: [] }],
        params: RelationshipParams,
        response: { 200: IntakeAddress },
        "x-access": {
          auth: "session",
          scope: "relationship",
          roles: intakeRotatorRoles,
        } satisfies RouteAccess,
      },
    },
    async (req) => rotateIntakeAddress(req.ctx, req.params.relationshipId, opts.domain),
  );
}

/**
 * POST /intake/email: where a mail gateway delivers inbound messages, raw (`message/rfc822`).
 * Registered in a scope of its own, outside the session/API-token authentication of the rest of
 * /api/v1: the gateway presents the shared intake secret as a bearer token, which is not an API
 * token, and the secret is checked before the body is read. Without a configured secret the
 * endpoint does not exist (404).
 */
export async function inboundEmailRoutes(instance: FastifyInstance, opts: { secret: string }): Promise<void> {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  app.addContentTypeParser(
    "message/rfc822",
    { parseAs: "buffer", bodyLimit: MAX_EMAIL_BYTES },
    (_req, body, done) => done(null, body),
  );
  app.addHook("onRequest", async (req) => {
    if (!opts.secret)
      throw new AppError(
        "not_found",
        "Email intake is not enabled on this server: set LIAISON_INTAKE_SECRET and configure the mail gateway with it.",
      );
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    if (!m)
      throw new AppError("unauthenticated", "Send the intake secret as Authorization: Bearer <secret>.");
    if (!intakeSecretMatches(m[1]!, opts.secret))
      throw new AppError("invalid_token", "The intake secret is wrong.");
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "message/rfc822")
      throw new AppError(
        "unsupported_media_type",
        "Send the raw message (headers and body, as received) with content-type message/rfc822.",
      );
  });

  app.post(
    "/intake/email",
    {
      schema: {
        tags,
        summary:
          "Inbound email from a mail gateway: the raw RFC 5322 message as message/rfc822, authenticated with the intake secret as a bearer token",
        description:
          "Creates a ticket, or a comment when the message replies to one ([#12] in the subject, or a Liaison thread in In-Reply-To/References), acting as the sender. 202 when imported (or already imported); 422 with a `reason` when refused, which a gateway should bounce; 5xx only for faults, which it should retry. See docs/email-intake.md.",
        security: [{ bearer: [] }],
        response: { 202: IntakeAccepted, 422: IntakeRefused },
        "x-access": { auth: "public", scope: "none" } satisfies RouteAccess,
      },
    },
    async (req, reply) => {
      const raw = req.body as Buffer;
      const result = await receiveEmail(req.ctx, raw);
      // Outcome and ids only: message bodies, subjects and senders stay out of the logs.
      if (result.outcome === "refused") {
        req.log.info(
          {
            outcome: result.outcome,
            reason: result.reason,
            messageId: result.messageId,
            relationshipId: result.relationshipId,
          },
          "inbound email refused",
        );
        return reply
          .status(422)
          .type("application/problem+json")
          .send({
            type: "https://liaison.dev/problems/email_refused",
            title: errorCodes.email_refused.title,
            status: 422 as const,
            code: "email_refused" as const,
            detail: result.detail,
            requestId: String(req.id),
            outcome: "refused" as const,
            reason: result.reason,
            messageId: result.messageId,
          });
      }
      req.log.info(
        {
          outcome: result.outcome,
          messageId: result.messageId,
          relationshipId: result.relationshipId,
          ticketId: result.ticketId,
        },
        "inbound email imported",
      );
      return reply.status(202).send(result);
    },
  );
}
