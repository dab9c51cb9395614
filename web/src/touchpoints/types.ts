/**
 * Shapes of the touchpoints module's answers and requests: the meeting series the protocol sets,
 * each meeting with the agenda Liaison assembles, minutes, decisions and action items, and the
 * client's business and compliance dates (src/modules/touchpoints/touchpoints.schema.ts is the
 * contract).
 */

export type Side = "client" | "provider";

export const MEETING_STATES = ["scheduled", "held", "skipped", "cancelled"] as const;
export type MeetingState = (typeof MEETING_STATES)[number];

/** How a meeting turned out; `upcoming` until it is over or recorded. */
export const MEETING_OUTCOMES = [
  "upcoming",
  "held_on_schedule",
  "held_moved",
  "skipped",
  "cancelled",
  "not_recorded",
] as const;
export type MeetingOutcome = (typeof MEETING_OUTCOMES)[number];

export interface Person {
  id: string;
  name: string;
}

/** Someone who can own an action item: a member of either side, with their roles. */
export interface Member extends Person {
  side: Side;
  roles: string[];
}

/** One meeting as lists show it. */
export interface MeetingSummary {
  id: string;
  number: number;
  state: MeetingState;
  /** Where the rule put it; differs from `start` when moved. */
  scheduledStart: string;
  start: string;
  end: string;
  outcome: MeetingOutcome;
  moved: boolean;
  moveReason: string | null;
  movedByName: string | null;
  skipReason: string | null;
  skippedByName: string | null;
  heldAt: string | null;
  heldByName: string | null;
  agendaDueAt: string;
  agendaSentAt: string | null;
  summarySentAt: string | null;
  link: string | null;
  revision: number;
}

export interface SeriesAttendees {
  side: Side;
  role: string;
  people: (Person & { email: string | null })[];
}

/** The recurring meeting the protocol in effect sets. */
export interface Series {
  id: string;
  /** The iCalendar rule, e.g. "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU". */
  rule: string;
  /** The cadence in words, e.g. "Every 2 weeks on Tuesday at 10:00 (America/New_York)". */
  cadence: string;
  at: string;
  timeZone: string;
  durationMinutes: number;
  /** How long before each meeting the agenda goes out, as the protocol says it ("1 business day"). */
  agendaBefore: string;
  link: string | null;
  startsAt: string;
  protocolVersion: number | null;
  attendees: SeriesAttendees[];
}

export interface TouchpointAbilities {
  /** Move, skip, record as held, send the agenda now. */
  organize: boolean;
  /** Add items, write minutes, record decisions and action items. */
  contribute: boolean;
  /** Record, edit and remove business and compliance dates (the client's leads). */
  keepDates: boolean;
}

/** `GET /relationships/:id/touchpoints`. */
export interface TouchpointOverview {
  /** Null while no protocol is in effect. */
  series: Series | null;
  /** What weakens the meetings: a side or a business role missing, roles nobody holds. */
  warnings: string[];
  next: MeetingSummary | null;
  upcoming: MeetingSummary[];
  past: MeetingSummary[];
  people: Member[];
  openActions: number;
  overdueActions: number;
  abilities: TouchpointAbilities;
}

export interface ActionItem {
  id: string;
  number: number;
  title: string;
  owner: Person;
  /** The local date it is due (YYYY-MM-DD, the protocol's zone) and the instant that day ends. */
  dueOn: string;
  dueAt: string;
  overdue: boolean;
  done: boolean;
  doneAt: string | null;
  doneByName: string | null;
  doneNote: string | null;
  /** The meeting and agenda item it came from. */
  meeting: { id: string; number: number; start: string };
  itemKey: string;
  itemTitle: string;
  createdByName: string;
  createdAt: string;
  revision: number;
  /** The viewer may mark it done (its owner, or an organizer). */
  canComplete: boolean;
}

export type ActionFilter = "open" | "overdue" | "done" | "all";

export interface ActionList {
  actions: ActionItem[];
}

export interface Decision {
  id: string;
  itemKey: string;
  itemTitle: string;
  text: string;
  recordedByName: string;
  createdAt: string;
}

export const AGENDA_SECTION_KEYS = [
  "previous",
  "overdue",
  "new_issues",
  "changes",
  "concerns",
  "upcoming",
] as const;
export type AgendaSectionKey = (typeof AGENDA_SECTION_KEYS)[number];

export type AgendaItemKind = "ticket" | "change" | "emergency" | "action" | "date" | "item";

export interface Minutes {
  text: string;
  updatedByName: string;
  updatedAt: string;
  revision: number;
}

export interface AgendaItem {
  /** Stable within the meeting: minutes, decisions and action items attach to it. */
  key: string;
  kind: AgendaItemKind;
  /** A sub-heading inside the section: the severity, "Planned", "Raised by the client"… */
  group: string | null;
  title: string;
  /** The state in words: "Resolved", "In progress", "Due in 12 days"… */
  status: string;
  detail: string | null;
  owner: string | null;
  /** What needs attention: "Response target missed", "Overdue by 3 days". */
  flags: string[];
  /** Path in the web app, when the item is a record. */
  link: string | null;
  /** For items people added: who, and whether the viewer may remove it. */
  addedBy: { name: string; side: Side } | null;
  removable: boolean;
  minutes: Minutes | null;
  decisions: Decision[];
  actions: ActionItem[];
}

export interface AgendaSection {
  key: AgendaSectionKey;
  title: string;
  /** What the section covers, e.g. "Since Tue 3 Mar 10:00". */
  note: string;
  items: AgendaItem[];
}

export interface Agenda {
  /** The period it covers: since the last held meeting, up to this one. */
  since: string;
  until: string;
  /** The "next period" for planned changes: up to the following meeting. */
  nextPeriodEnd: string;
  /** Live while the meeting is ahead; kept as it was once recorded as held. */
  frozen: boolean;
  builtAt: string;
  sections: AgendaSection[];
}

/** `GET /relationships/:id/touchpoints/meetings/:meetingId` (and every meeting action's answer). */
export interface MeetingDetail {
  relationship: { id: string; name: string };
  meeting: MeetingSummary;
  timeZone: string;
  agenda: Agenda;
  /** Everything decided and assigned in this meeting, for the summary. */
  decisions: Decision[];
  actions: ActionItem[];
  previousMeetingId: string | null;
  nextMeetingId: string | null;
  attendees: (Person & { side: Side; role: string })[];
  people: Member[];
  abilities: TouchpointAbilities;
}

export const BUSINESS_DATE_KINDS = [
  "audit",
  "renewal",
  "office_move",
  "regulatory",
  "budget",
  "other",
] as const;
export type BusinessDateKind = (typeof BUSINESS_DATE_KINDS)[number];

export interface BusinessDate {
  id: string;
  kind: BusinessDateKind;
  title: string;
  /** YYYY-MM-DD in the protocol's zone. */
  dueOn: string;
  notes: string;
  createdByName: string;
  createdAt: string;
  updatedAt: string;
  revision: number;
  /** Days from today (protocol zone) to the date; negative once passed. */
  daysAway: number;
}

export interface BusinessDateList {
  dates: BusinessDate[];
  canEdit: boolean;
}

export interface BusinessDateInput {
  kind: BusinessDateKind;
  title: string;
  dueOn: string;
  notes?: string;
}
