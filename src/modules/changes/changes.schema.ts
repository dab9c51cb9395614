import { z } from "zod";
import { clientRoles } from "../../core/http/actor.ts";
import { csv, optionalText, text } from "../../core/http/fields.ts";
import { isoTime, RelationshipParams, uuidParam } from "../identity/identity.schema.ts";
import {
  approvalDecisionValues,
  changeClassValues,
  changeRiskValues,
  changeStateValues,
  noticeKindValues,
  noticeStateValues,
} from "./changes.tables.ts";

/** Request and response contracts of the changes module. */

const Revision = z
  .number()
  .int()
  .min(1)
  .optional()
  .describe("The change's revision you acted on; a different current revision answers 409");

export const ChangeClass = z.enum(changeClassValues, {
  error: `must be one of ${changeClassValues.join(", ")}`,
});
export const ChangeState = z.enum(changeStateValues);
export const ChangeParams = RelationshipParams.extend({ changeId: uuidParam("changeId") });
export const GroupParams = RelationshipParams.extend({ groupId: uuidParam("groupId") });
export const FeedParams = RelationshipParams.extend({ feedId: uuidParam("feedId") });

const systems = z
  .array(text("a system name", 200))
  .max(50, "at most 50 systems")
  .describe("Systems the change touches, e.g. Mail server, Firewall");
const groupIds = z
  .array(uuidParam("a group id"))
  .max(50, "at most 50 groups")
  .describe("User groups affected: their members get the plain-language notice");
const ticketIds = z.array(uuidParam("a ticket id")).max(50, "at most 50 tickets");
const when = (field: string) =>
  z.iso.datetime({
    offset: true,
    error: `${field} must be an RFC 3339 time such as 2026-11-29T02:00:00Z`,
  });

/** The fields of a change request that people write. */
const ChangeFields = z.strictObject({
  class: ChangeClass,
  title: text("a short title", 200),
  description: text("what changes", 20_000),
  reason: text("why the change is needed", 10_000),
  impact: text("the expected impact", 10_000),
  userNotice: optionalText(1_000).describe(
    "The plain-language line for affected people; left out, Liaison writes one from the systems, time and downtime",
  ),
  expectedDowntimeMinutes: z
    .number({ error: "must be a number of minutes" })
    .int("must be whole minutes")
    .min(0, "must be 0 or more")
    .max(60 * 24 * 14, "must be at most 14 days"),
  risk: z.enum(changeRiskValues, { error: `must be one of ${changeRiskValues.join(", ")}` }),
  testing: optionalText(10_000).describe("How the change was tested"),
  rollbackPlan: text("the rollback plan", 10_000),
  affectedSystems: systems,
  affectedGroupIds: groupIds.optional(),
  relatedTicketIds: ticketIds.optional(),
  plannedStart: when("plannedStart"),
  plannedEnd: when("plannedEnd"),
});

export const CreateChangeBody = ChangeFields.extend({
  propose: z.boolean().optional().describe("Propose at once instead of saving a draft"),
});
export const UpdateChangeBody = ChangeFields.partial().extend({ revision: Revision });
export const CheckChangeBody = z.strictObject({
  class: ChangeClass,
  plannedStart: when("plannedStart"),
  plannedEnd: when("plannedEnd"),
  affectedSystems: systems.optional(),
  expectedDowntimeMinutes: z
    .number({ error: "must be a number of minutes" })
    .int("must be whole minutes")
    .min(0, "must be 0 or more")
    .max(60 * 24 * 14, "must be at most 14 days")
    .optional()
    .describe("For the plain-language line's wording"),
  changeId: z.uuid().optional().describe("The change being edited, so it does not conflict with itself"),
});

export const RecordChangeBody = z.strictObject({
  class: ChangeClass.optional().describe("Provider only; a client report is recorded as normal"),
  title: text("a short title", 200),
  description: text("what changed", 20_000),
  reason: optionalText(10_000),
  impact: optionalText(10_000),
  affectedSystems: systems.optional(),
  relatedTicketIds: ticketIds.optional(),
  startedAt: when("startedAt"),
  endedAt: when("endedAt").optional(),
  outcomeNotes: optionalText(10_000),
});

export const ReasonBody = z.strictObject({ reason: text("a reason", 5_000), revision: Revision });
export const ApproveBody = z.strictObject({ reason: optionalText(5_000), revision: Revision });
export const RescheduleRequestBody = ReasonBody.extend({
  suggestedStart: when("suggestedStart").optional(),
});
export const RescheduleBody = z.strictObject({
  plannedStart: when("plannedStart"),
  plannedEnd: when("plannedEnd"),
  reason: text("why the change moves", 5_000),
  revision: Revision,
});
export const RevisionBody = z.strictObject({ revision: Revision });
export const FinishBody = z.strictObject({
  outcome: z.enum(["completed", "failed", "rolled_back"], {
    error: "must be completed, failed or rolled_back",
  }),
  notes: text("what happened", 10_000),
  followUps: optionalText(10_000),
  revision: Revision,
});
export const ReviewBody = z.strictObject({
  summary: text("the review's summary", 10_000),
  lessons: text("what was learned", 10_000),
  revision: Revision,
});

export const ChangeQuery = z.strictObject({
  state: csv(changeStateValues, "state").describe("Comma-separated states"),
  class: csv(changeClassValues, "class").describe("Comma-separated classes"),
  unannounced: z.enum(["true", "false"], { error: "must be true or false" }).optional(),
  q: z.string().trim().max(200, "must be at most 200 characters").optional(),
  limit: z.coerce.number().int().min(1, "must be at least 1").max(500, "must be at most 500").optional(),
});
export const RangeQuery = z.strictObject({
  from: when("from"),
  to: when("to"),
});

export const Conflict = z
  .object({
    kind: z.enum(["blackout", "outside_window", "overlap", "notice_lead_time"]),
    message: z.string(),
    start: isoTime.nullable(),
    end: isoTime.nullable(),
    name: z.string().nullable(),
    changeId: z.uuid().nullable(),
    earliestStart: isoTime.nullable(),
  })
  .meta({ id: "ChangeConflict" });

export const ApprovalRule = z
  .object({
    mode: z.enum(["automatic", "any_of", "all_of", "after_the_fact"]),
    roles: z.array(z.enum(clientRoles)),
    asClass: ChangeClass.nullable(),
    explanation: z.string(),
  })
  .meta({ id: "ChangeApprovalRule" });

export const PlannedNotice = z.object({
  kind: z.enum(noticeKindValues),
  label: z.string(),
  dueAt: isoTime.nullable(),
  latestAt: isoTime.nullable(),
  state: z.enum(noticeStateValues),
  reason: z.string().nullable(),
});

export const CheckResult = z.object({
  conflicts: z.array(Conflict),
  approval: ApprovalRule,
  notices: z.array(PlannedNotice),
  latestNoticeAt: isoTime.nullable(),
  earliestStartWithNotice: isoTime.nullable(),
  userNotice: z.string().describe("The plain-language line Liaison would write"),
});

export const ChangeSummary = z
  .object({
    id: z.uuid(),
    number: z.number().int(),
    title: z.string(),
    class: ChangeClass,
    state: ChangeState,
    risk: z.enum(changeRiskValues),
    plannedStart: isoTime,
    plannedEnd: isoTime,
    actualStart: isoTime.nullable(),
    actualEnd: isoTime.nullable(),
    affectedSystems: z.array(z.string()),
    unannounced: z.boolean(),
    autoApproved: z.boolean(),
    reviewDueAt: isoTime.nullable(),
    createdByName: z.string(),
    updatedAt: isoTime,
    /** Whether the viewer is one of the people whose decision the change waits for. */
    awaitingViewer: z.boolean(),
  })
  .meta({ id: "ChangeSummary" });

export const ChangeList = z.object({ items: z.array(ChangeSummary) });

export const Approval = z.object({
  id: z.uuid(),
  round: z.number().int(),
  userId: z.uuid(),
  userName: z.string(),
  role: z.string(),
  decision: z.enum(approvalDecisionValues),
  reason: z.string().nullable(),
  at: isoTime,
  current: z.boolean().describe("Given in the current approval round (earlier rounds were invalidated)"),
});

export const Notice = PlannedNotice.extend({
  id: z.uuid(),
  sentAt: isoTime.nullable(),
  recipients: z.number().int().nullable(),
});

export const HistoryEntry = z.object({
  at: isoTime,
  action: z.string(),
  actorName: z.string(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});

export const ChangeAbilities = z.object({
  edit: z.boolean(),
  propose: z.boolean(),
  approve: z.boolean(),
  reject: z.boolean(),
  requestReschedule: z.boolean(),
  reschedule: z.boolean(),
  schedule: z.boolean(),
  start: z.boolean(),
  finish: z.boolean(),
  review: z.boolean(),
  cancel: z.boolean(),
});

export const ChangeDetail = ChangeSummary.extend({
  description: z.string(),
  reason: z.string(),
  impact: z.string(),
  userNotice: z.string(),
  expectedDowntimeMinutes: z.number().int(),
  testing: z.string(),
  rollbackPlan: z.string(),
  affectedGroups: z.array(z.object({ id: z.uuid(), name: z.string(), members: z.number().int() })),
  relatedTickets: z.array(z.object({ id: z.uuid(), number: z.number().int(), title: z.string() })),
  outcomeNotes: z.string().nullable(),
  followUps: z.string().nullable(),
  recordedAfterBy: z.enum(["client", "provider"]).nullable(),
  review: z.object({ summary: z.string(), lessons: z.string(), byName: z.string(), at: isoTime }).nullable(),
  cancelReason: z.string().nullable(),
  approvalRound: z.number().int(),
  sequence: z.number().int(),
  revision: z.number().int(),
  timezone: z.string().describe("The protocol's time zone, for showing local times"),
  approval: ApprovalRule.extend({
    /** Roles (all_of) or the one needed role (any_of) still without a decision this round. */
    waitingFor: z.array(z.string()),
    satisfied: z.boolean(),
  }),
  approvals: z.array(Approval),
  notices: z.array(Notice),
  missedNotices: z.array(z.string()).describe("For unannounced changes: the notices that never went out"),
  conflicts: z.array(Conflict),
  history: z.array(HistoryEntry),
  abilities: ChangeAbilities,
});

export const ChangeFormClass = z.object({
  class: ChangeClass,
  description: z.string(),
  approval: z.object({ mode: z.string(), roles: z.array(z.string()) }),
  notice: z.string(),
  reminders: z.array(z.string()),
  realtimeNotices: z.boolean(),
  postChangeNotice: z.boolean(),
  reviewWithin: z.string().nullable(),
});

export const ChangeForm = z.object({
  timezone: z.string(),
  classes: z.array(ChangeFormClass),
  groups: z.array(z.object({ id: z.uuid(), name: z.string(), members: z.number().int() })),
  systems: z.array(z.string()).describe("Systems named on earlier changes, tickets and windows"),
});

export const CalendarItem = z.object({
  kind: z.enum(["change", "window", "blackout"]),
  id: z.string(),
  title: z.string(),
  start: isoTime,
  end: isoTime,
  changeId: z.uuid().nullable(),
  number: z.number().int().nullable(),
  class: ChangeClass.nullable(),
  state: ChangeState.nullable(),
  note: z.string().nullable(),
});
export const CalendarView = z.object({ timezone: z.string(), items: z.array(CalendarItem) });

export const GroupBody = z.strictObject({
  name: text("the group's name", 120),
  description: optionalText(1_000),
  memberIds: z.array(uuidParam("a user id")).max(5_000, "at most 5000 members").optional(),
});
export const GroupUpdateBody = GroupBody.partial();
export const Group = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  members: z.array(z.object({ id: z.uuid(), name: z.string(), email: z.string() })),
});
export const GroupList = z.object({ items: z.array(Group) });

export const FeedBody = z.strictObject({ label: text("a label, e.g. Our IT calendar", 120) });
export const Feed = z.object({
  id: z.uuid(),
  label: z.string(),
  createdAt: isoTime,
  createdByName: z.string().nullable(),
  lastFetchedAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
  canRevoke: z.boolean().describe("The creator, or an IT contact, executive or account manager"),
});
export const FeedCreated = Feed.extend({
  url: z.string().describe("The secret subscription URL; shown only now"),
});
export const FeedList = z.object({ items: z.array(Feed) });
export const FeedTokenParams = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{20,100}\.ics$/, "is not a calendar feed address"),
});

export type ChangeDetailT = z.infer<typeof ChangeDetail>;
export type ChangeSummaryT = z.infer<typeof ChangeSummary>;
