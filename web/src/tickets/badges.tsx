import { Badge, type BadgeProps, Group, Text, Tooltip } from "@mantine/core";
import { IconAlarm, IconPlayerPause } from "@tabler/icons-react";
import { formatAbsolute } from "../ui/time.tsx";
import { useSecondTick } from "./tick.ts";
import type { NextDeadline, Severity, TicketState } from "./types.ts";
import {
  CLOCK_LABELS,
  durationShort,
  SEVERITY_COLORS,
  severityLabel,
  STATE_COLORS,
  stateLabel,
} from "./words.ts";

/** A ticket's severity, the colour the same everywhere. */
export function SeverityBadge({ severity, ...props }: { severity: Severity } & BadgeProps) {
  return (
    <Badge
      color={SEVERITY_COLORS[severity] ?? "gray"}
      variant={severity === "critical" ? "filled" : "light"}
      data-severity={severity}
      {...props}
    >
      {severityLabel(severity)}
    </Badge>
  );
}

export function StateBadge({ state, ...props }: { state: TicketState } & BadgeProps) {
  return (
    <Badge color={STATE_COLORS[state] ?? "gray"} variant="outline" tt="none" data-state={state} {...props}>
      {stateLabel(state)}
    </Badge>
  );
}

/**
 * Time left on a ticket's next deadline, counting down every second: red and "over" once it has
 * passed, "paused" while the clock does not run (waiting on the client).
 */
export function DeadlineCountdown({
  deadline,
  clockStatus,
}: {
  deadline: NextDeadline | null;
  clockStatus: string;
}) {
  const now = useSecondTick();
  if (clockStatus === "paused" && (!deadline || deadline.status === "paused")) {
    return (
      <Group gap={4} wrap="nowrap" className="deadline" data-status="paused">
        <IconPlayerPause size={14} aria-hidden />
        <Text size="sm" c="dimmed">
          Paused
        </Text>
      </Group>
    );
  }
  if (!deadline) {
    return (
      <Text size="sm" c="dimmed" className="deadline" data-status="none">
        No deadline
      </Text>
    );
  }
  const left = new Date(deadline.at).getTime() - now;
  const over = left <= 0 || deadline.status === "breached";
  const clock = CLOCK_LABELS[deadline.clock] ?? deadline.clock;
  const color = over ? "red" : deadline.status === "warning" ? "orange" : undefined;
  return (
    <Tooltip label={`${clock} due ${formatAbsolute(deadline.at)}`} withArrow>
      <Group
        gap={4}
        wrap="nowrap"
        className="deadline"
        data-status={over ? "breached" : deadline.status}
        c={color}
      >
        <IconAlarm size={14} aria-hidden />
        <Text size="sm" fw={over ? 700 : 500} c={color} component="span">
          <time dateTime={deadline.at}>
            {over ? `${clock} ${durationShort(left)} over` : `${clock} in ${durationShort(left)}`}
          </time>
        </Text>
      </Group>
    </Tooltip>
  );
}
