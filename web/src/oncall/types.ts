/**
 * Shapes of the on-call module's answers: schedules and their timelines, the relationship's view
 * of who is on call, contact methods and restoration plans (src/modules/oncall/oncall.schema.ts
 * and restoration.schema.ts are the contract).
 */

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const HANDOFF_UNITS = ["hour", "day", "week"] as const;
export type HandoffUnit = (typeof HANDOFF_UNITS)[number];

/** A weekly window in the schedule's zone when a rotation is on duty; `to` <= `from` runs overnight. */
export interface Restriction {
  days: Weekday[];
  from: string;
  to: string;
}

export interface Rotation {
  id: string;
  name: string;
  layer: number;
  participants: string[];
  participantNames: string[];
  /** Local date and time of the first handoff in the schedule's zone, "2026-03-02T09:00". */
  start: string;
  every: number;
  unit: HandoffUnit;
  restrictions: Restriction[];
  end: string | null;
}

export interface Schedule {
  id: string;
  providerOrgId: string;
  relationshipId: string | null;
  /** The client's name, or "every relationship without its own" for the shared schedule. */
  covers: string;
  name: string;
  timeZone: string;
  layerNames: Record<string, string>;
  rotations: Rotation[];
  revision: number;
  createdAt?: string;
  updatedAt?: string;
}

export interface Shift {
  layer: number;
  layerName: string;
  userId: string;
  userName: string;
  start: string;
  end: string;
  rotationId: string | null;
  overrideId: string | null;
}

export interface ContactStatus {
  userId: string;
  name: string;
  working: boolean;
  /** Why this person cannot be paged, in plain words (null when they can). */
  problem: string | null;
  addresses: string[];
}

export interface Gap {
  layer: number;
  layerName: string;
  start: string;
  end: string;
}

export interface Override {
  id: string;
  layer: number;
  userId: string;
  userName: string;
  start: string;
  end: string;
  reason?: string | null;
}

export interface Timeline {
  from: string;
  to: string;
  layers: { layer: number; name: string }[];
  now: (Shift & { contact: ContactStatus })[];
  shifts: Shift[];
  gaps: Gap[];
  overrides: Override[];
  unreachable: ContactStatus[];
  warnings: string[];
}

export interface ScheduleList {
  schedules: (Schedule & { now: Shift[] })[];
  abilities: { manage: boolean };
}

export interface ScheduleDetail {
  schedule: Schedule;
  timeline: Timeline;
  abilities: { manage: boolean };
}

export interface RelationshipOncall {
  schedule: Schedule | null;
  timeline: Timeline | null;
  warnings: string[];
}

/** What a schedule is written as (POST), and changed with (PATCH, with its revision). */
export interface ScheduleInput {
  name: string;
  timeZone: string;
  relationshipId: string | null;
  layerNames: Record<string, string>;
  rotations: {
    id?: string;
    name: string;
    layer: number;
    participants: string[];
    start: string;
    every: number;
    unit: HandoffUnit;
    restrictions: Restriction[];
    end: string | null;
  }[];
}

export interface OverrideInput {
  layer: number;
  userId: string;
  start: string;
  end: string;
  reason?: string;
}

/** A range of the timeline: a start and a number of weeks. */
export interface TimelineRange {
  from?: string;
  weeks: number;
}

// --- Contact methods ---------------------------------------------------------------------------

export interface ContactMethod {
  id: string;
  kind: string;
  address: string;
  label: string;
  verified: boolean;
  verifiedAt: string | null;
  createdAt: string;
}

export interface ContactMethodList {
  account: { address: string; failing: boolean };
  methods: ContactMethod[];
}

// --- Restoration plans -------------------------------------------------------------------------

export const STRATEGIES = ["restore_from_backup", "fail_over", "repair_in_place"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const TEST_OUTCOMES = ["passed", "partial", "failed"] as const;
export type TestOutcome = (typeof TEST_OUTCOMES)[number];

export interface RestorationPlan {
  id: string;
  system: string;
  strategy: Strategy;
  expectedRestore: string;
  recoveryPoint: string;
  runbook: string[];
  executorRoles: string[];
  executorUserIds: string[];
  executors: { userId: string; name: string }[];
  notes: string | null;
  /** The latest passed or partial test. */
  lastTestedAt: string | null;
  /** The most recent test of any outcome. */
  lastTest: { outcome: TestOutcome; testedAt: string; took: string | null } | null;
  stale: boolean;
  staleSince: string | null;
  testDueAt: string | null;
  /** The protocol's restoration_test_max_age, e.g. "180d"; null without a protocol in effect. */
  maxAge: string | null;
  revision: number;
  createdAt: string;
  updatedAt: string;
  abilities: { edit: boolean; recordTest: boolean; archive: boolean };
}

export interface RestorationTest {
  id: string;
  testedAt: string;
  outcome: TestOutcome;
  took: string | null;
  notes: string | null;
  recordedByName: string;
  createdAt: string;
}

export interface RestorationPlanDetail extends RestorationPlan {
  tests: RestorationTest[];
}

export interface RestorationPlanList {
  items: RestorationPlan[];
  maxAge: string | null;
  counts: { total: number; stale: number };
  abilities: { create: boolean };
}

export interface RestorationPlanInput {
  system: string;
  strategy: Strategy;
  expectedRestore: string;
  recoveryPoint: string;
  runbook: string[];
  executorRoles: string[];
  executorUserIds: string[];
  notes?: string;
}

export interface RestorationTestInput {
  testedAt?: string;
  outcome: TestOutcome;
  took?: string;
  notes?: string;
}
