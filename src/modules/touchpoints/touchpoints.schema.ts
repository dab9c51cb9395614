import { z } from "zod";
import { optionalText, text } from "../../core/http/fields.ts";
import { isoTime, RelationshipParams, uuidParam } from "../identity/identity.schema.ts";
import { businessDateKindValues, meetingStateValues } from "./touchpoints.tables.ts";

/**
 * Request and response contracts of touchpoints: the recurring meeting series, each meeting with
 * the agenda Liaison assembles, minutes, decisions and action items, and the client's dated
 * business and compliance needs. Dates (`dueOn`) and meeting times are checked by the service
 * after the access check, which answers 400 naming the field.
 */

export const MeetingParams = RelationshipParams.extend({ meetingId: uuidParam("meetingId") });
export const MeetingItemParams = MeetingParams.extend({ itemId: uuidParam("itemId") });
export const MeetingDecisionParams = MeetingParams.extend({ decisionId: uuidParam("decisionId") });
export const ActionParams = RelationshipParams.extend({ actionId: uuidParam("actionId") });
export const BusinessDateParams = RelationshipParams.extend({ dateId: uuidParam("dateId") });

const revision = (what: string) =>
  z
    .number({ error: `must be the ${what}'s revision you saw` })
    .int()
    .min(1)
    .describe(`The ${what}'s revision you saw; a stale one gets 409`);
const dueOn = z
  .string({ error: "dueOn is required: a date like 2026-05-01" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "use a date like 2026-05-01");
const reason = (what: string) => text(`why the meeting is ${what}`, 2_000);

// ---- requests ----

export const MeetingListQuery = z.strictObject({
  from: isoTime.optional().describe("Meetings starting at or after this time (default: 90 days ago)"),
  to: isoTime.optional().describe("Meetings starting before this time (default: 180 days ahead)"),
});

export const MoveMeetingBody = z.strictObject({
  start: isoTime.describe("The new start, with its offset"),
  end: isoTime.optional().describe("The new end; by default the meeting keeps its length"),
  reason: reason("moved"),
  revision: revision("meeting"),
});

export const SkipMeetingBody = z.strictObject({
  reason: reason("skipped"),
  revision: revision("meeting"),
});

export const HoldMeetingBody = z.strictObject({ revision: revision("meeting") });

export const AddItemBody = z.strictObject({
  title: text("what to discuss", 300),
  detail: optionalText(10_000).describe("Background the other side should read before the meeting"),
});

export const MinutesBody = z.strictObject({
  itemKey: text("the agenda item's key", 200),
  text: z
    .string({ error: "text is required (empty clears the minutes)" })
    .max(50_000, "must be at most 50000 characters"),
  revision: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("The minutes' revision you edited (0 or absent for new minutes); a stale one gets 409"),
});

export const DecisionBody = z.strictObject({
  itemKey: text("the agenda item's key", 200),
  text: text("the decision", 5_000),
});

export const AddActionBody = z.strictObject({
  itemKey: text("the agenda item's key the action comes from", 200),
  title: text("what is to be done", 500),
  ownerUserId: uuidParam("ownerUserId").describe("One owner: a person of the client or the provider"),
  dueOn: dueOn.describe("The date it is due, in the protocol's time zone"),
});

export const ActionListQuery = z.strictObject({
  state: z
    .enum(["open", "overdue", "done", "all"], { error: "must be one of open, overdue, done, all" })
    .optional()
    .describe("open (default, overdue included), overdue, done, or all"),
});

export const CompleteActionBody = z.strictObject({
  note: optionalText(5_000).describe("What was done"),
  revision: revision("action item"),
});

const Kind = z
  .enum(businessDateKindValues, { error: `must be one of ${businessDateKindValues.join(", ")}` })
  .describe(businessDateKindValues.join(", "));

export const CreateBusinessDateBody = z.strictObject({
  kind: Kind,
  title: text("what is due, e.g. PCI DSS audit", 300),
  dueOn: dueOn.describe("The date, in the protocol's time zone"),
  notes: optionalText(10_000).describe("What the provider needs to know or prepare"),
});

export const UpdateBusinessDateBody = CreateBusinessDateBody.partial().extend({
  revision: revision("date"),
});

export const BusinessDateQuery = z.strictObject({
  past: z
    .enum(["true", "false"], { error: "must be true or false" })
    .optional()
    .describe("true also lists dates that have passed"),
});

// ---- responses ----

const Person = z.object({ id: z.string(), name: z.string() });
const Side = z.enum(["client", "provider"]);

export const MeetingSummary = z
  .object({
    id: z.string(),
    number: z.number(),
    state: z.enum(meetingStateValues),
    /** Where the rule put it; differs from `start` when moved. */
    scheduledStart: z.string(),
    start: z.string(),
    end: z.string(),
    /** held on schedule, held after a move, skipped, cancelled, or not recorded once it is over. */
    outcome: z.enum(["upcoming", "held_on_schedule", "held_moved", "skipped", "cancelled", "not_recorded"]),
    moved: z.boolean(),
    moveReason: z.string().nullable(),
    movedByName: z.string().nullable(),
    skipReason: z.string().nullable(),
    skippedByName: z.string().nullable(),
    heldAt: z.string().nullable(),
    heldByName: z.string().nullable(),
    agendaDueAt: z.string(),
    agendaSentAt: z.string().nullable(),
    summarySentAt: z.string().nullable(),
    link: z.string().nullable(),
    revision: z.number(),
  })
  .meta({ id: "TouchpointMeeting" });

export const SeriesView = z.object({
  id: z.string(),
  rule: z.string(),
  /** The cadence in words, e.g. "Every 2 weeks on Tuesday at 10:00 (America/New_York)". */
  cadence: z.string(),
  at: z.string(),
  timeZone: z.string(),
  durationMinutes: z.number(),
  agendaBefore: z.string(),
  link: z.string().nullable(),
  startsAt: z.string(),
  protocolVersion: z.number().nullable(),
  attendees: z.array(
    z.object({
      side: Side,
      role: z.string(),
      people: z.array(Person.extend({ email: z.string().nullable() })),
    }),
  ),
});

export const TouchpointAbilities = z.object({
  /** Move, skip, record as held, send the agenda now. */
  organize: z.boolean(),
  /** Add items, write minutes, record decisions and action items. */
  contribute: z.boolean(),
  /** Record, edit and remove business and compliance dates (the client's leads). */
  keepDates: z.boolean(),
});

export const TouchpointOverview = z.object({
  series: SeriesView.nullable(),
  /** What weakens the meetings: a side or a business role missing, roles nobody holds. */
  warnings: z.array(z.string()),
  next: MeetingSummary.nullable(),
  upcoming: z.array(MeetingSummary),
  past: z.array(MeetingSummary),
  /** People who can own an action item: both sides' members. */
  people: z.array(Person.extend({ side: Side, roles: z.array(z.string()) })),
  openActions: z.number(),
  overdueActions: z.number(),
  abilities: TouchpointAbilities,
});

export const MeetingList = z.object({ meetings: z.array(MeetingSummary) });

export const ActionView = z
  .object({
    id: z.string(),
    number: z.number(),
    title: z.string(),
    owner: Person,
    dueOn: z.string(),
    dueAt: z.string(),
    overdue: z.boolean(),
    done: z.boolean(),
    doneAt: z.string().nullable(),
    doneByName: z.string().nullable(),
    doneNote: z.string().nullable(),
    meeting: z.object({ id: z.string(), number: z.number(), start: z.string() }),
    itemKey: z.string(),
    itemTitle: z.string(),
    createdByName: z.string(),
    createdAt: z.string(),
    revision: z.number(),
    /** Whether the viewer may mark it done (its owner, or an organizer). */
    canComplete: z.boolean(),
  })
  .meta({ id: "TouchpointAction" });

export const ActionList = z.object({ actions: z.array(ActionView) });

export const DecisionView = z.object({
  id: z.string(),
  itemKey: z.string(),
  itemTitle: z.string(),
  text: z.string(),
  recordedByName: z.string(),
  createdAt: z.string(),
});

export const agendaSectionKeys = [
  "previous",
  "overdue",
  "new_issues",
  "changes",
  "concerns",
  "upcoming",
] as const;

export const AgendaItem = z.object({
  /** Stable within the meeting: minutes, decisions and action items attach to it. */
  key: z.string(),
  kind: z.enum(["ticket", "change", "emergency", "action", "date", "item"]),
  /** A sub-heading inside the section: the severity, "Planned", "Completed", "Raised by the client"… */
  group: z.string().nullable(),
  title: z.string(),
  /** The state in words: "Resolved", "In progress", "Done", "Due in 12 days"… */
  status: z.string(),
  detail: z.string().nullable(),
  owner: z.string().nullable(),
  /** What needs attention: "Response target missed", "Escalated to level 2", "Overdue by 3 days". */
  flags: z.array(z.string()),
  /** Path in the web app, when the item is a record. */
  link: z.string().nullable(),
  /** For items people added: who, and whether the viewer may remove it. */
  addedBy: z.object({ name: z.string(), side: Side }).nullable(),
  removable: z.boolean(),
  minutes: z
    .object({ text: z.string(), updatedByName: z.string(), updatedAt: z.string(), revision: z.number() })
    .nullable(),
  decisions: z.array(DecisionView),
  actions: z.array(ActionView),
});

export const AgendaSection = z.object({
  key: z.enum(agendaSectionKeys),
  title: z.string(),
  /** What the section covers, e.g. "Since Tue 3 Mar 10:00". */
  note: z.string(),
  items: z.array(AgendaItem),
});

export const Agenda = z
  .object({
    /** The period the agenda covers: since the last held meeting, up to this meeting. */
    since: z.string(),
    until: z.string(),
    /** The "next period" for planned changes: up to the following meeting. */
    nextPeriodEnd: z.string(),
    /** Live while the meeting is ahead; frozen as it was when recorded as held. */
    frozen: z.boolean(),
    builtAt: z.string(),
    sections: z.array(AgendaSection),
  })
  .meta({ id: "TouchpointAgenda" });

export const MeetingDetail = z.object({
  relationship: z.object({ id: z.string(), name: z.string() }),
  meeting: MeetingSummary,
  timeZone: z.string(),
  agenda: Agenda,
  /** Everything decided and assigned in this meeting, for the summary. */
  decisions: z.array(DecisionView),
  actions: z.array(ActionView),
  previousMeetingId: z.string().nullable(),
  nextMeetingId: z.string().nullable(),
  attendees: z.array(Person.extend({ side: Side, role: z.string() })),
  people: z.array(Person.extend({ side: Side, roles: z.array(z.string()) })),
  abilities: TouchpointAbilities,
});

export const BusinessDateView = z
  .object({
    id: z.string(),
    kind: z.enum(businessDateKindValues),
    title: z.string(),
    dueOn: z.string(),
    notes: z.string(),
    createdByName: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    revision: z.number(),
    /** Days from today (protocol zone) to the date; negative once passed. */
    daysAway: z.number(),
  })
  .meta({ id: "BusinessDate" });

export const BusinessDateList = z.object({
  dates: z.array(BusinessDateView),
  canEdit: z.boolean(),
});

export type AgendaItemView = z.infer<typeof AgendaItem>;
export type AgendaSectionView = z.infer<typeof AgendaSection>;
export type AgendaView = z.infer<typeof Agenda>;
export type MeetingDetailView = z.infer<typeof MeetingDetail>;
export type MeetingSummaryView = z.infer<typeof MeetingSummary>;
export type ActionItemView = z.infer<typeof ActionView>;
export type DecisionItemView = z.infer<typeof DecisionView>;

export const AgendaExportQuery = z.strictObject({
  format: z.enum(["md", "pdf"], { error: "must be md or pdf" }).default("md"),
});
