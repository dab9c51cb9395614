/**
 * Shapes of the on-call module's answers about emergencies and post-incident reviews
 * (src/modules/oncall/oncall.schema.ts and the services that fill them): the lists, one
 * emergency with its paging, register, log and restoration plan, the declare form, and one review
 * with its timeline, prevention actions and sign-offs.
 */

export type EmergencyState = "paging" | "acknowledged" | "resolved";

/** One row of `GET /relationships/:id/emergencies`. */
export interface EmergencySummary {
  id: string;
  number: number;
  title: string;
  state: EmergencyState;
  affectedSystem: string;
  ticketId: string;
  declaredAt: string;
  declaredByName: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  /** When the next step of the chain is paged unless someone acknowledges (paging only). */
  nextPageAt: string | null;
  revision: number;
}

export interface EmergencyList {
  emergencies: EmergencySummary[];
  canDeclare: boolean;
}

export interface ChainStep {
  step: number;
  /** `layer:1`, `escalation:<level id>`, `staff` or `everyone`. */
  target: string;
  label: string;
  people: number;
}

export interface PageSent {
  id: string;
  userId: string;
  name: string;
  step: number;
  target: string;
  pagedAt: string;
  /** How many addresses (account email, confirmed pagers) the page went to besides the app. */
  addresses: number;
}

export interface RegisterAction {
  action: string;
  label: string;
}

export interface Register {
  withoutApproval: RegisterAction[];
  needsApproval: (RegisterAction & { approverRoles: string[] })[];
  /** Who approves an action that is not in the register at all. */
  outsideRegisterApprovers: string[];
}

export type Authority = "without_approval" | "needs_approval" | "outside_register";
export type LogState = "done" | "awaiting_approval" | "approved" | "declined" | "withdrawn";

/** One entry of the running log: an action (against the register) or a note. */
export interface LogEntry {
  id: string;
  kind: "action" | "note" | string;
  action: string | null;
  label: string | null;
  detail: string;
  authority: Authority | null;
  approverRoles: string[] | null;
  state: LogState | null;
  byName: string;
  side: "client" | "provider" | string;
  at: string;
  decidedByName: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  doneAt: string | null;
  /** The viewer holds a role that approves this waiting action. */
  canDecide: boolean;
}

export interface RestorationPlan {
  id: string;
  system: string;
  strategy: "restore_from_backup" | "fail_over" | "repair_in_place" | string;
  expectedRestore: string;
  recoveryPoint: string;
  runbook: string[];
  executorRoles: string[];
  executorUserIds: string[];
  executors: { userId: string; name: string }[];
  notes: string | null;
  lastTestedAt: string | null;
  lastTest: { outcome: string; testedAt: string; took: string | null } | null;
  stale: boolean;
  staleSince: string | null;
  testDueAt: string | null;
  maxAge: string | null;
}

export interface EmergencyAbilities {
  acknowledge: boolean;
  act: boolean;
  update: boolean;
  note: boolean;
  resolve: boolean;
  /** The viewer was paged for this emergency. */
  pagedMe: boolean;
}

export interface EmergencyDetail extends EmergencySummary {
  description: string;
  criteria: string[];
  acknowledgedByName: string | null;
  ticket: {
    id: string;
    number: number;
    title: string;
    state: string;
    severity: string;
    updateDueAt: string | null;
    resolutionDueAt: string | null;
    lastUpdateAt: string | null;
  } | null;
  /** The protocol's update cadence for critical tickets, e.g. "30m". */
  updateEvery: string | null;
  acknowledgeWithin: string | null;
  chain: ChainStep[];
  /** The step paged last. */
  pageStep: number;
  /** How many times the whole chain was paged again after its last step. */
  repeats: number;
  pages: PageSent[];
  register: Register | null;
  log: LogEntry[];
  restorationPlan: RestorationPlan | null;
  review: { id: string; number: number; state: string; dueAt: string } | null;
  abilities: EmergencyAbilities;
}

export interface OnCallPerson {
  layer: number;
  layerName: string;
  userId: string;
  name: string;
  contact: { working: boolean; problem: string | null; addresses: string[] };
}

/** `GET /relationships/:id/emergencies/form`: what declaring needs. */
export interface EmergencyForm {
  criteria: string[];
  acknowledgeWithin: string | null;
  onCallNow: OnCallPerson[];
  hasSchedule: boolean;
  openCriticalTickets: { id: string; number: number; title: string; affectedSystems?: string[] }[];
  canDeclare: boolean;
}

export interface DeclareInput {
  ticketId?: string;
  title?: string;
  description?: string;
  affectedSystem: string;
  criteria: string[];
}

// --- Reviews -------------------------------------------------------------------------------------

export type ReviewState = "open" | "finished";

export interface ReviewSummary {
  id: string;
  number: number;
  title: string;
  state: ReviewState;
  ticketId: string;
  emergencyId: string | null;
  dueAt: string;
  overdue: boolean;
  providerSigned: boolean;
  clientSigned: boolean;
  finishedAt: string | null;
  createdAt: string;
  openActions: number;
  overdueActions: number;
}

export interface OverdueAction {
  id: string;
  reviewId: string;
  reviewNumber: number;
  reviewTitle: string;
  title: string;
  ownerName: string;
  dueOn: string;
}

export interface ReviewList {
  reviews: ReviewSummary[];
  overdueActions: OverdueAction[];
}

export interface TimelineItem {
  at: string;
  action: string;
  label: string;
  by: string | null;
  detail: string | null;
  /** Milliseconds since the entry before (null for the first). */
  sincePrevious: number | null;
  /** Milliseconds since the first entry. */
  sinceStart: number;
}

export interface PreventionAction {
  id: string;
  title: string;
  ownerUserId: string;
  ownerName: string;
  /** The local date it is due by (YYYY-MM-DD), in the protocol's zone. */
  dueOn: string;
  dueAt: string;
  done: boolean;
  doneAt: string | null;
  doneNote: string | null;
  overdue: boolean;
  canComplete: boolean;
}

export interface Signoff {
  name: string;
  at: string;
}

export interface ReviewDetail extends ReviewSummary {
  timeZone: string;
  ticket: { id: string; number: number; title: string; severity: string } | null;
  emergency: { id: string; number: number; affectedSystem: string; criteria: string[] } | null;
  whatHappened: string;
  wentWell: string;
  couldBeBetter: string;
  timeline: TimelineItem[];
  durations: { toAcknowledge: number | null; toResolve: number | null };
  actions: PreventionAction[];
  signoffs: { provider: Signoff | null; client: Signoff | null };
  revision: number;
  abilities: { edit: boolean; addActions: boolean; sign: boolean };
}

export type ReviewTextField = "whatHappened" | "wentWell" | "couldBeBetter";
