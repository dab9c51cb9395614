import { z } from "zod";
import { allRoles } from "../../core/http/actor.ts";
import { optionalText, text } from "../../core/http/fields.ts";
import { isoTime, RelationshipParams, uuidParam } from "../identity/identity.schema.ts";
import { restorationStrategyValues, restorationTestOutcomeValues } from "./oncall.tables.ts";

/**
 * Request and response contracts of restoration plans: how each critical system is brought back,
 * and the tests that prove it. Durations are checked by the service (after the access check, so
 * an outsider learns nothing from a 400), which answers 400 naming the field.
 */

export const RestorationPlanParams = RelationshipParams.extend({ planId: uuidParam("planId") });

const Strategy = z
  .enum(restorationStrategyValues, { error: `must be one of ${restorationStrategyValues.join(", ")}` })
  .describe("restore_from_backup, fail_over to a redundant system, or repair_in_place");
const Outcome = z
  .enum(restorationTestOutcomeValues, { error: `must be one of ${restorationTestOutcomeValues.join(", ")}` })
  .describe("passed or partial make the plan tested as of testedAt; a failed test is recorded but does not");
const duration = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `is required: ${what}`)
    .max(60, "must be at most 60 characters");

const PlanFields = z.strictObject({
  system: text("the critical system's name, e.g. Mail server", 200).describe(
    "The critical system; unique among the relationship's plans, ignoring case",
  ),
  strategy: Strategy,
  expectedRestore: duration("the expected time to restore").describe(
    "Expected time to restore, a duration such as 4h or 30m",
  ),
  recoveryPoint: duration("how much data may be lost").describe(
    "Data that may be lost (the recovery point), a duration before the failure such as 24h",
  ),
  runbook: z
    .array(text("a runbook step", 2_000))
    .max(100, "at most 100 steps")
    .describe("The runbook's steps, in order"),
  executorRoles: z
    .array(z.enum(allRoles, { error: `must be one of ${allRoles.join(", ")}` }))
    .max(allRoles.length, `at most ${allRoles.length} roles`)
    .optional()
    .describe("Roles whose holders can execute the plan"),
  executorUserIds: z
    .array(uuidParam("a user id"))
    .max(50, "at most 50 people")
    .optional()
    .describe("Named people who can execute the plan: people of the client or the provider"),
  notes: optionalText(10_000).describe("Anything else: where the backups are, vendor contacts"),
});

export const CreateRestorationPlanBody = PlanFields;
export const UpdateRestorationPlanBody = PlanFields.partial().extend({
  revision: z
    .number({ error: "must be the plan's revision you edited" })
    .int()
    .min(1)
    .describe("The plan's revision you edited; a different current revision answers 409"),
});

export const RestorationTestBody = z.strictObject({
  testedAt: z.iso
    .datetime({ offset: true, error: "testedAt must be an RFC 3339 time such as 2026-11-29T02:00:00Z" })
    .optional()
    .describe("When the test was done; defaults to now and may not be in the future"),
  outcome: Outcome,
  took: optionalText(60).describe("How long the restoration took, a duration such as 2h 30m"),
  notes: optionalText(10_000).describe("What was restored, what went wrong, what to improve"),
});

export const RestorationPlanQuery = z.strictObject({
  stale: z
    .enum(["true", "false"], { error: "must be true or false" })
    .optional()
    .describe("true: only plans untested for longer than the protocol allows; false: only the others"),
});

export const RestorationTest = z
  .object({
    id: z.uuid(),
    testedAt: isoTime,
    outcome: Outcome,
    took: z.string().nullable(),
    notes: z.string().nullable(),
    recordedByName: z.string(),
    createdAt: isoTime,
  })
  .meta({ id: "RestorationTest" });

export const RestorationPlanAbilities = z
  .object({
    edit: z.boolean(),
    recordTest: z.boolean(),
    archive: z.boolean(),
  })
  .describe("What the viewer may do with the plan: provider staff and the client's IT contact or executive");

export const RestorationPlan = z
  .object({
    id: z.uuid(),
    system: z.string(),
    strategy: Strategy,
    expectedRestore: z.string(),
    recoveryPoint: z.string(),
    runbook: z.array(z.string()),
    executorRoles: z.array(z.string()),
    executorUserIds: z.array(z.uuid()),
    executors: z
      .array(z.object({ userId: z.uuid(), name: z.string() }))
      .describe("The named people, with their names"),
    notes: z.string().nullable(),
    lastTestedAt: isoTime
      .nullable()
      .describe("The latest passed or partial test; a failed test does not make a plan tested"),
    lastTest: z
      .object({ outcome: Outcome, testedAt: isoTime, took: z.string().nullable() })
      .nullable()
      .describe("The most recent test of any outcome"),
    stale: z
      .boolean()
      .describe("Untested for longer than the protocol's restoration_test_max_age (never tested: stale)"),
    staleSince: isoTime.nullable(),
    testDueAt: isoTime
      .nullable()
      .describe("When the plan becomes stale unless tested again; null without a protocol in effect"),
    maxAge: z
      .string()
      .nullable()
      .describe("The protocol's restoration_test_max_age, e.g. 180d; null without a protocol in effect"),
    revision: z.number().int(),
    createdAt: isoTime,
    updatedAt: isoTime,
    abilities: RestorationPlanAbilities,
  })
  .meta({ id: "RestorationPlan" });

export const RestorationPlanDetail = RestorationPlan.extend({
  tests: z.array(RestorationTest).describe("Every test recorded, newest first"),
}).meta({ id: "RestorationPlanDetail" });

export const RestorationPlanList = z.object({
  items: z.array(RestorationPlan),
  maxAge: z.string().nullable().describe("The protocol's restoration_test_max_age"),
  counts: z
    .object({ total: z.number().int(), stale: z.number().int() })
    .describe("Over every active plan, whatever the filter"),
  abilities: z.object({ create: z.boolean() }),
});
