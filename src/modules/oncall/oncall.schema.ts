import { z } from "zod";
import { optionalText, text } from "../../core/http/fields.ts";
import { OrgParams, RelationshipParams, uuidParam } from "../identity/identity.schema.ts";
import { RestorationPlan } from "./restoration.schema.ts";

/** Request and response contracts of the on-call module: schedules, emergencies, reviews. */

const weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const HHMM = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "use a local time like 18:00 (00:00–24:00)");

const Restriction = z.strictObject({
  days: z
    .array(z.enum(weekdays, { error: `must be one of ${weekdays.join(", ")}` }))
    .min(1, "choose at least one day"),
  from: HHMM,
  to: HHMM.describe("When the window ends; at or before `from` means the next day"),
});

const Rotation = z.strictObject({
  id: z
    .uuid()
    .optional()
    .describe("Keep a rotation's id when editing so its shifts keep their calendar UIDs"),
  name: text("a rotation name", 120),
  layer: z.int().min(1).max(5).describe("1 = primary, 2 = secondary, …"),
  participants: z.array(uuidParam("a person's id")).min(1, "add at least one person").max(100),
  start: z
    .string()
    .describe("Local date and time of the first handoff in the schedule's zone, e.g. 2026-03-02T09:00"),
  every: z.int().min(1).max(672),
  unit: z.enum(["hour", "day", "week"], { error: "must be hour, day or week" }),
  restrictions: z
    .array(Restriction)
    .max(14)
    .default([])
    .describe("When this rotation is on duty, e.g. only outside business hours; empty = always"),
  end: z.string().nullable().default(null).describe("Local date and time the rotation stops"),
});

export const ScheduleParams = OrgParams.extend({ scheduleId: uuidParam("scheduleId") });
export const OverrideParams = ScheduleParams.extend({ overrideId: uuidParam("overrideId") });
export const PersonShiftsParams = OrgParams.extend({ userId: uuidParam("userId") });

export const ScheduleBody = z.strictObject({
  name: text("a schedule name", 120),
  timeZone: text("an IANA time zone like Europe/London", 64),
  relationshipId: uuidParam("relationshipId")
    .nullable()
    .optional()
    .describe("The relationship this schedule covers; leave out to share it across all of the provider's"),
  layerNames: z.record(z.string().regex(/^[1-5]$/), text("a layer name", 60)).optional(),
  rotations: z.array(Rotation).min(1, "add at least one rotation").max(20),
});
export const ScheduleUpdateBody = ScheduleBody.partial().extend({
  revision: z.int().min(1).describe("The schedule's revision you edited; a different one answers 409"),
});

export const RangeQuery = z.strictObject({
  from: z.iso.datetime({ offset: true, error: "use an ISO date-time like 2026-03-02T00:00:00Z" }).optional(),
  to: z.iso.datetime({ offset: true, error: "use an ISO date-time like 2026-03-16T00:00:00Z" }).optional(),
  weeks: z.coerce
    .number()
    .int()
    .min(1)
    .max(52)
    .optional()
    .describe("Length of the range when `to` is left out (default 2)"),
});

export const OverrideBody = z.strictObject({
  layer: z.int().min(1).max(5),
  userId: uuidParam("userId"),
  start: z.iso.datetime({ offset: true, error: "use an ISO date-time" }),
  end: z.iso.datetime({ offset: true, error: "use an ISO date-time" }),
  reason: optionalText(500),
});

const Shift = z.looseObject({
  layer: z.number(),
  layerName: z.string(),
  userId: z.string(),
  userName: z.string(),
  start: z.string(),
  end: z.string(),
  rotationId: z.string().nullable(),
  overrideId: z.string().nullable(),
});
const ContactStatus = z.object({
  userId: z.string(),
  name: z.string(),
  working: z.boolean(),
  problem: z.string().nullable(),
  addresses: z.array(z.string()),
});
const Timeline = z.object({
  from: z.string(),
  to: z.string(),
  layers: z.array(z.object({ layer: z.number(), name: z.string() })),
  now: z.array(Shift.extend({ contact: ContactStatus })),
  shifts: z.array(Shift),
  gaps: z.array(z.object({ layer: z.number(), layerName: z.string(), start: z.string(), end: z.string() })),
  overrides: z.array(
    z.looseObject({ id: z.string(), layer: z.number(), userId: z.string(), userName: z.string() }),
  ),
  unreachable: z.array(ContactStatus),
  warnings: z.array(z.string()),
});
const Schedule = z.looseObject({
  id: z.string(),
  providerOrgId: z.string(),
  relationshipId: z.string().nullable(),
  covers: z.string(),
  name: z.string(),
  timeZone: z.string(),
  layerNames: z.record(z.string(), z.string()),
  rotations: z.array(z.looseObject({ id: z.string(), participantNames: z.array(z.string()) })),
  revision: z.number(),
});
export const ScheduleList = z.object({
  schedules: z.array(Schedule.extend({ now: z.array(Shift) })),
  abilities: z.object({ manage: z.boolean() }),
});
export const ScheduleDetail = z.object({
  schedule: Schedule,
  timeline: Timeline,
  abilities: z.object({ manage: z.boolean() }),
});
export const RelationshipOncall = z.object({
  schedule: Schedule.nullable(),
  timeline: Timeline.nullable(),
  warnings: z.array(z.string()),
});
export const Override = z.looseObject({
  id: z.string(),
  layer: z.number(),
  userId: z.string(),
  userName: z.string(),
  start: z.string(),
  end: z.string(),
});

// Contact methods

export const MethodParams = z.strictObject({ methodId: uuidParam("methodId") });
export const ContactMethodBody = z.strictObject({
  address: z.email({ error: "use an email address, e.g. a pager or SMS gateway address" }),
  label: optionalText(60),
});
export const VerifyBody = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "the code has six digits"),
});
export const ContactMethod = z.object({
  id: z.string(),
  kind: z.string(),
  address: z.string(),
  label: z.string(),
  verified: z.boolean(),
  verifiedAt: z.string().nullable(),
  createdAt: z.string(),
});
export const ContactMethodList = z.object({
  account: z.object({ address: z.string(), failing: z.boolean() }),
  methods: z.array(ContactMethod),
});

// Emergencies

export const EmergencyParams = RelationshipParams.extend({ emergencyId: uuidParam("emergencyId") });
export const EntryParams = EmergencyParams.extend({ entryId: uuidParam("entryId") });
export const EmergencyQuery = z.strictObject({
  state: z.enum(["open", "resolved"]).optional(),
  ticketId: uuidParam("ticketId").optional().describe("Only the emergencies of this ticket"),
});

export const DeclareBody = z.strictObject({
  ticketId: uuidParam("ticketId")
    .optional()
    .describe("The critical ticket this emergency runs on; leave out to open one"),
  title: optionalText(200).describe("What is broken (needed when there is no ticket yet)"),
  description: optionalText(10_000),
  affectedSystem: text("the affected system", 200),
  criteria: z
    .array(text("a criterion", 500))
    .max(20)
    .describe("The protocol's emergency criteria this meets"),
  reporter: z.strictObject({ email: z.email(), name: optionalText(200) }).optional(),
});
export const ActionBody = z.strictObject({
  action: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, "use an action id from the on-call authority register, or other")
    .describe("An action id of the protocol's on-call authority register, or `other`"),
  label: optionalText(200).describe("What the action is, for `other`"),
  detail: text("what was done or is asked, and why", 10_000),
});
export const DecideBody = z.strictObject({
  decision: z.enum(["approve", "decline"], { error: "must be approve or decline" }),
  note: optionalText(2_000),
});
export const CompleteBody = z.strictObject({ note: optionalText(2_000) });
export const NoteBody = z.strictObject({ body: text("the note", 10_000) });
export const EmergencyUpdateBody = z.strictObject({
  found: text("what you found", 10_000),
  trying: text("what you are trying", 10_000),
  next: text("what happens next", 10_000),
  stuck: z.boolean().optional(),
  stuckReason: optionalText(2_000),
});
export const ResolveBody = z.strictObject({
  summary: text("how it was resolved", 10_000),
  rootCause: text("the root cause", 10_000),
  fix: text("the fix", 10_000),
  prevention: text("how it will be prevented", 10_000),
});

const EmergencySummary = z.looseObject({
  id: z.string(),
  number: z.number(),
  title: z.string(),
  state: z.enum(["paging", "acknowledged", "resolved"]),
  affectedSystem: z.string(),
  ticketId: z.string(),
  declaredAt: z.string(),
  declaredByName: z.string(),
  acknowledgedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  nextPageAt: z.string().nullable(),
  revision: z.number(),
});
export const EmergencyList = z.object({ emergencies: z.array(EmergencySummary), canDeclare: z.boolean() });
export const EmergencyDetail = EmergencySummary.extend({
  description: z.string(),
  criteria: z.array(z.string()),
  acknowledgedByName: z.string().nullable(),
  ticket: z.looseObject({ id: z.string(), number: z.number() }).nullable(),
  timeZone: z.string().nullable().describe("The protocol's time zone"),
  updateEvery: z.string().nullable(),
  acknowledgeWithin: z.string().nullable(),
  chain: z.array(z.object({ step: z.number(), target: z.string(), label: z.string(), people: z.number() })),
  pageStep: z.number(),
  repeats: z.number(),
  pages: z.array(
    z.looseObject({ userId: z.string(), name: z.string(), step: z.number(), pagedAt: z.string() }),
  ),
  register: z
    .object({
      withoutApproval: z.array(z.object({ action: z.string(), label: z.string() })),
      needsApproval: z.array(
        z.object({ action: z.string(), label: z.string(), approverRoles: z.array(z.string()) }),
      ),
      outsideRegisterApprovers: z.array(z.string()),
    })
    .nullable(),
  log: z.array(
    z.looseObject({
      id: z.string(),
      kind: z.string(),
      detail: z.string(),
      at: z.string(),
      canDecide: z.boolean(),
    }),
  ),
  restorationPlan: RestorationPlan.nullable(),
  review: z.object({ id: z.string(), number: z.number(), state: z.string(), dueAt: z.string() }).nullable(),
  abilities: z.object({
    acknowledge: z.boolean(),
    act: z.boolean(),
    update: z.boolean(),
    note: z.boolean(),
    resolve: z.boolean(),
    pagedMe: z.boolean(),
  }),
});
export const EmergencyForm = z.looseObject({
  criteria: z.array(z.string()),
  acknowledgeWithin: z.string().nullable(),
  onCallNow: z.array(z.looseObject({ layer: z.number(), name: z.string() })),
  hasSchedule: z.boolean(),
  openCriticalTickets: z.array(z.looseObject({ id: z.string(), number: z.number(), title: z.string() })),
  canDeclare: z.boolean(),
});

// Reviews

export const ReviewParams = RelationshipParams.extend({ reviewId: uuidParam("reviewId") });
export const ReviewActionParams = ReviewParams.extend({ actionId: uuidParam("actionId") });
export const ExportQuery = z.strictObject({
  format: z.enum(["md", "pdf"], { error: "must be md or pdf" }).default("md"),
});
export const ReviewUpdateBody = z.strictObject({
  whatHappened: z.string().max(50_000).optional(),
  wentWell: z.string().max(50_000).optional(),
  couldBeBetter: z.string().max(50_000).optional(),
  revision: z.int().min(1).describe("The review's revision you edited; a different one answers 409"),
});
export const SignBody = z.strictObject({
  revision: z.int().min(1).describe("The revision you read and are signing; a different one answers 409"),
});
export const ReviewActionBody = z.strictObject({
  title: text("the action", 500),
  ownerUserId: uuidParam("ownerUserId"),
  dueOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "use a date like 2026-05-01"),
});

const ReviewSummary = z.looseObject({
  id: z.string(),
  number: z.number(),
  title: z.string(),
  state: z.enum(["open", "finished"]),
  dueAt: z.string(),
  overdue: z.boolean(),
  openActions: z.number(),
  overdueActions: z.number(),
});
export const ReviewList = z.object({
  reviews: z.array(ReviewSummary),
  overdueActions: z.array(
    z.looseObject({ id: z.string(), title: z.string(), ownerName: z.string(), dueOn: z.string() }),
  ),
});
export const ReviewDetail = ReviewSummary.extend({
  timeZone: z.string(),
  ticket: z.looseObject({ id: z.string(), number: z.number() }).nullable(),
  emergency: z.looseObject({ id: z.string(), number: z.number() }).nullable(),
  whatHappened: z.string(),
  wentWell: z.string(),
  couldBeBetter: z.string(),
  timeline: z.array(
    z.object({
      at: z.string(),
      action: z.string(),
      label: z.string(),
      by: z.string().nullable(),
      detail: z.string().nullable(),
      sincePrevious: z.number().nullable(),
      sinceStart: z.number(),
    }),
  ),
  durations: z.object({ toAcknowledge: z.number().nullable(), toResolve: z.number().nullable() }),
  actions: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      ownerUserId: z.string(),
      ownerName: z.string(),
      dueOn: z.string(),
      dueAt: z.string(),
      done: z.boolean(),
      doneAt: z.string().nullable(),
      doneNote: z.string().nullable(),
      overdue: z.boolean(),
      canComplete: z.boolean(),
    }),
  ),
  signoffs: z.object({
    provider: z.object({ name: z.string(), at: z.string() }).nullable(),
    client: z.object({ name: z.string(), at: z.string() }).nullable(),
  }),
  revision: z.number(),
  abilities: z.object({ edit: z.boolean(), addActions: z.boolean(), sign: z.boolean() }),
});
