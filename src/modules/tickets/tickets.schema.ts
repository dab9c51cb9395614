import { z } from "zod";
import { csv, optionalText, text } from "../../core/http/fields.ts";
import { isoTime, RelationshipParams, uuidParam } from "../identity/identity.schema.ts";
import { peopleAffectedValues, severityValues, ticketStateValues } from "./tickets.tables.ts";

/** Request and response contracts of the tickets module. */
const Revision = z
  .number()
  .int()
  .min(1)
  .optional()
  .describe("The ticket's revision you acted on; a different current revision answers 409");

export const Severity = z.enum(severityValues, { error: `must be one of ${severityValues.join(", ")}` });
export const TicketParams = RelationshipParams.extend({ ticketId: uuidParam("ticketId") });

export const Impact = z.strictObject({
  peopleAffected: z.enum(peopleAffectedValues, {
    error: `must be one of ${peopleAffectedValues.join(", ")}`,
  }),
  workaround: z.boolean({ error: "must be true or false: is there a workaround?" }),
  criticalFunctionStopped: z.boolean({
    error: "must be true or false: has a business-critical function stopped?",
  }),
});

export const CreateTicketBody = z.strictObject({
  title: text("a short title", 200),
  description: text("what is happening", 20_000),
  impact: Impact,
  severity: Severity.optional().describe("Leave out to take the protocol's suggestion"),
  severityReason: optionalText(2_000).describe("Required when severity differs from the suggestion"),
  affectedSystems: z.array(text("a system name", 200)).max(50, "at most 50 systems").optional(),
  affectedPeopleCount: z.number().int().min(0, "must be 0 or more").max(10_000_000).optional(),
  reporter: z
    .strictObject({ email: z.email({ error: "must be an email address" }), name: optionalText(200) })
    .optional()
    .describe("Who is affected, when raising on someone's behalf (provider staff, API tokens)"),
});

const ClockStatus = z.enum(["on_track", "warning", "breached", "paused", "met", "missed", "none"]);

export const TicketSummary = z
  .object({
    id: z.uuid(),
    number: z.number().int(),
    title: z.string(),
    severity: Severity,
    state: z.enum(ticketStateValues),
    assigneeId: z.uuid().nullable(),
    reporterName: z.string(),
    escalationLevel: z.string().nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
    responseDueAt: isoTime.nullable(),
    resolutionDueAt: isoTime.nullable(),
    updateDueAt: isoTime.nullable(),
    clockStatus: z.enum(["on_track", "warning", "breached", "paused", "none"]),
    nextDeadline: z
      .object({ clock: z.enum(["response", "resolution", "updates"]), at: isoTime, status: ClockStatus })
      .nullable(),
  })
  .meta({ id: "TicketSummary" });

export const TicketList = z.object({
  items: z.array(TicketSummary),
  nextBefore: z.number().int().nullable(),
});

export const TicketQuery = z.strictObject({
  state: csv(ticketStateValues, "state").describe("Comma-separated states"),
  severity: csv(severityValues, "severity").describe("Comma-separated severities"),
  clock: z
    .enum(["on_track", "warning", "breached", "paused"], {
      error: "must be on_track, warning, breached or paused",
    })
    .optional(),
  assignee: z
    .union([z.literal("none"), z.uuid({ error: "must be a user id or none" })])
    .optional()
    .describe("A user id, or none for unassigned"),
  q: z.string().trim().max(200, "must be at most 200 characters").optional(),
  before: z.coerce.number().int().min(1).optional().describe("Paging: tickets numbered below this"),
  limit: z.coerce.number().int().min(1, "must be at least 1").max(200, "must be at most 200").optional(),
});

const Authority = z.object({ summary: z.string(), decisions: z.array(z.string()) });

export const TicketDetail = TicketSummary.extend({
  description: z.string(),
  source: z.enum(["web", "api", "email"]),
  reporter: z.object({ id: z.uuid().nullable(), name: z.string(), email: z.string() }),
  assignee: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  impact: z.object({
    peopleAffected: z.enum(peopleAffectedValues),
    peopleAffectedLabel: z.string(),
    workaround: z.boolean(),
    criticalFunctionStopped: z.boolean(),
    affectedSystems: z.array(z.string()),
    affectedPeopleCount: z.number().int().nullable(),
  }),
  suggestedSeverity: Severity,
  severityReason: z.string().nullable(),
  severityInfo: z.object({ name: z.string(), impact: z.string() }).nullable(),
  acknowledgedAt: isoTime.nullable(),
  resolvedAt: isoTime.nullable(),
  closedAt: isoTime.nullable(),
  closeDueAt: isoTime.nullable(),
  resolution: z
    .object({
      summary: z.string(),
      rootCause: z.string().optional(),
      fix: z.string().optional(),
      prevention: z.string().optional(),
    })
    .nullable(),
  revision: z.number().int(),
  protocolVersion: z.number().int().nullable(),
  clocks: z.array(
    z.object({
      name: z.enum(["response", "resolution", "updates"]),
      calendar: z.enum(["24x7", "business"]),
      startedAt: isoTime.nullable(),
      dueAt: isoTime.nullable(),
      stoppedAt: isoTime.nullable(),
      budgetMs: z.number().nullable(),
      usedMs: z.number(),
      status: ClockStatus,
      pauses: z.array(z.object({ from: isoTime, to: isoTime.nullable() })),
      thresholds: z.array(z.object({ pct: z.number(), at: isoTime.nullable() })),
    }),
  ),
  escalation: z.object({
    level: z
      .object({
        id: z.string(),
        name: z.string(),
        side: z.enum(["client", "provider"]),
        authority: Authority,
      })
      .nullable(),
    holders: z.array(z.object({ userId: z.uuid(), name: z.string(), role: z.string() })),
    ladder: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        side: z.enum(["client", "provider"]),
        trigger: z.string(),
        authority: Authority,
      }),
    ),
  }),
  providerStaff: z.array(z.object({ userId: z.uuid(), name: z.string(), role: z.string() })),
  entries: z.array(
    z.object({
      id: z.uuid(),
      kind: z.string(),
      authorName: z.string(),
      side: z.enum(["client", "provider", "system"]),
      body: z.string(),
      data: z.record(z.string(), z.unknown()).nullable(),
      createdAt: isoTime,
    }),
  ),
  abilities: z.object({
    comment: z.boolean(),
    acknowledge: z.boolean(),
    assign: z.boolean(),
    update: z.boolean(),
    waitOnClient: z.boolean(),
    resume: z.boolean(),
    resolve: z.boolean(),
    confirm: z.boolean(),
    reopen: z.boolean(),
    changeSeverity: z.boolean(),
    escalateTo: z.array(z.string()),
    deescalate: z.boolean(),
  }),
}).meta({ id: "Ticket" });

const TargetSpec = z.object({ within: z.string(), clock: z.enum(["24x7", "business"]) });
export const IntakeForm = z.object({
  canRaise: z.boolean(),
  protocolVersion: z.number().int(),
  peopleAffected: z.object({ one: z.string(), team: z.string(), many: z.string(), everyone: z.string() }),
  severities: z.array(
    z.object({
      key: Severity,
      name: z.string(),
      impact: z.string(),
      examples: z.array(z.string()),
      response: TargetSpec,
      resolution: TargetSpec,
      updates: z.object({ every: z.string(), clock: z.enum(["24x7", "business"]) }),
    }),
  ),
  rules: z.array(
    z.object({
      peopleAffected: z.array(z.enum(peopleAffectedValues)).nullable(),
      workaround: z.boolean().nullable(),
      criticalFunctionStopped: z.boolean().nullable(),
      severity: Severity,
    }),
  ),
});

export const NoteBody = z.strictObject({ note: optionalText(5_000), revision: Revision });
export const AssignBody = z.strictObject({
  assigneeId: z.uuid({ error: "must be a user id, or null to unassign" }).nullable(),
  revision: Revision,
});
export const UpdateBody = z.strictObject({
  found: text("what was found", 5_000),
  trying: text("what is being tried", 5_000),
  next: text("what happens next", 5_000),
  stuck: z.boolean().optional().describe("Stuck — need help: escalates to the next provider level"),
  stuckReason: optionalText(2_000),
  revision: Revision,
});
export const CommentBody = z.strictObject({ body: text("the comment", 20_000), revision: Revision });
export const WaitBody = z.strictObject({
  question: text("what you need from the client", 5_000),
  revision: Revision,
});
export const SeverityBody = z.strictObject({
  severity: Severity,
  reason: text("why the severity changes", 2_000),
  revision: Revision,
});
export const EscalateBody = z.strictObject({
  level: text("the escalation level id from the protocol", 100),
  justification: text("why this needs escalating", 2_000),
  revision: Revision,
});
export const DeescalateBody = z.strictObject({
  level: z
    .string()
    .trim()
    .min(1, "must be a level id, or null to leave the ladder")
    .max(100)
    .nullable()
    .describe("The lower level, or null"),
  reason: text("why the ticket is de-escalated", 2_000),
  revision: Revision,
});
export const ResolveBody = z.strictObject({
  summary: text("how it was resolved", 5_000),
  rootCause: optionalText(5_000).describe("Required for critical and high"),
  fix: optionalText(5_000).describe("Required for critical and high"),
  prevention: optionalText(5_000).describe("Required for critical and high"),
  revision: Revision,
});
export const ReopenBody = z.strictObject({
  reason: text("why the problem is not fixed", 5_000),
  revision: Revision,
});
