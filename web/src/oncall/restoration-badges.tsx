import { Badge, type BadgeProps, Tooltip } from "@mantine/core";
import { formatAbsolute, formatDate } from "../ui/time.tsx";
import type { RestorationPlan } from "./types.ts";
import { durationWords, OUTCOME_COLORS, OUTCOME_LABELS } from "./words.ts";

/** Why a plan is stale, in the protocol's words: never tested, or untested for too long. */
export function staleWords(plan: Pick<RestorationPlan, "stale" | "lastTestedAt" | "maxAge">): string | null {
  if (!plan.stale) return null;
  if (!plan.lastTestedAt) return "Never tested";
  return plan.maxAge
    ? `Untested for longer than the protocol's ${durationWords(plan.maxAge)}`
    : "Untested for too long";
}

/** Stale (orange) or tested (teal), with the dates in the tooltip. */
export function StaleBadge({ plan, ...props }: { plan: RestorationPlan } & BadgeProps) {
  const stale = staleWords(plan);
  if (stale)
    return (
      <Tooltip
        label={
          plan.staleSince
            ? `Stale since ${formatAbsolute(plan.staleSince)}. A passed or partly working test makes it current again.`
            : "A passed or partly working test makes it current."
        }
        withArrow
        multiline
        maw={300}
      >
        <Badge color="orange" variant="light" tt="none" {...props}>
          {stale}
        </Badge>
      </Tooltip>
    );
  return (
    <Tooltip
      label={
        plan.testDueAt
          ? `Test again by ${formatAbsolute(plan.testDueAt)}`
          : "No protocol in effect sets a maximum age"
      }
      withArrow
    >
      <Badge color="teal" variant="light" tt="none" {...props}>
        {plan.lastTestedAt ? `Tested ${formatDate(plan.lastTestedAt)}` : "Not tested"}
      </Badge>
    </Tooltip>
  );
}

/** The most recent test's outcome when it failed: a failed test is recorded but proves nothing. */
export function LastTestFailedBadge({ plan, ...props }: { plan: RestorationPlan } & BadgeProps) {
  if (plan.lastTest?.outcome !== "failed") return null;
  return (
    <Badge color={OUTCOME_COLORS.failed} variant="light" tt="none" {...props}>
      Last test failed {formatDate(plan.lastTest.testedAt)}
    </Badge>
  );
}

export function OutcomeBadge({ outcome, ...props }: { outcome: keyof typeof OUTCOME_LABELS } & BadgeProps) {
  return (
    <Badge color={OUTCOME_COLORS[outcome]} variant="light" tt="none" {...props}>
      {OUTCOME_LABELS[outcome]}
    </Badge>
  );
}
