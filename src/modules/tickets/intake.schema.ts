import { z } from "zod";
import { isoTime } from "../identity/identity.schema.ts";
import { refusalReasons } from "./intake.service.ts";

/** Contracts of email intake: the relationship's address, and what the inbound endpoint answers. */

export const IntakeAddress = z
  .object({
    // A plain string: on a default install the domain is `localhost`, which is a working mail
    // domain for a local gateway but not what a strict email format accepts.
    address: z
      .string()
      .describe(
        "`tickets+<key>@<domain>`: mail to it raises tickets in the relationship; replies thread onto them",
      ),
    createdAt: isoTime,
    rotatedAt: isoTime.nullable().describe("When the address was last replaced; null for the first one"),
    canRotate: z.boolean().describe("Whether you may replace the address"),
  })
  .meta({ id: "IntakeAddress" });

export const IntakeAccepted = z
  .object({
    outcome: z
      .enum(["created", "commented", "duplicate"])
      .describe(
        "A new ticket; a comment on an existing one; or a Message-ID already imported (nothing done)",
      ),
    relationshipId: z.uuid(),
    ticketId: z.uuid(),
    ticketNumber: z.number().int(),
    messageId: z.string(),
  })
  .meta({ id: "IntakeAccepted" });

/** A refusal is a problem document (RFC 9457) with the outcome and a stable reason added. */
export const IntakeRefused = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.literal(422),
    code: z.literal("email_refused"),
    detail: z.string(),
    requestId: z.string(),
    outcome: z.literal("refused"),
    reason: z.enum(refusalReasons),
    messageId: z.string().nullable(),
  })
  .meta({ id: "IntakeRefused" });
