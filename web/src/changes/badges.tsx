import { Badge, type BadgeProps, Stack, Text, Tooltip } from "@mantine/core";
import { IconAlertTriangle, IconBolt, IconClipboardCheck } from "@tabler/icons-react";
import { formatInZone, viewerZone, zoneAbbreviation } from "../protocol/zone.ts";
import { formatAbsolute, useNow } from "../ui/time.tsx";
import { dayOf, differsFromViewer, formatTimeInZone } from "./time.ts";
import type { ChangeClass, ChangeState } from "./types.ts";
import { CLASS_COLORS, classLabel, STATE_COLORS, stateLabel } from "./words.ts";

/** A change's class, the colour the same everywhere (the calendar too). */
export function ClassBadge({ value, ...props }: { value: ChangeClass } & BadgeProps) {
  return (
    <Badge
      color={CLASS_COLORS[value] ?? "gray"}
      variant={value === "emergency" ? "filled" : "light"}
      data-class={value}
      {...props}
    >
      {classLabel(value)}
    </Badge>
  );
}

export function ChangeStateBadge({ state, ...props }: { state: ChangeState } & BadgeProps) {
  return (
    <Badge color={STATE_COLORS[state] ?? "gray"} variant="outline" tt="none" data-state={state} {...props}>
      {stateLabel(state)}
    </Badge>
  );
}

/** Made or recorded without the notices the protocol requires. */
export function UnannouncedBadge(props: BadgeProps) {
  return (
    <Tooltip label="Made or recorded without the notices the protocol requires" withArrow>
      <Badge
        color="red"
        variant="light"
        tt="none"
        leftSection={<IconAlertTriangle size={12} aria-hidden />}
        {...props}
      >
        Unannounced
      </Badge>
    </Tooltip>
  );
}

/** Approved without a person: a routine change inside a maintenance window. */
export function AutoApprovedBadge(props: BadgeProps) {
  return (
    <Tooltip label="Standing approval: a routine change inside a maintenance window" withArrow>
      <Badge
        color="teal"
        variant="light"
        tt="none"
        leftSection={<IconBolt size={12} aria-hidden />}
        {...props}
      >
        Auto-approved
      </Badge>
    </Tooltip>
  );
}

/** "Review due …", red once the deadline has passed. */
export function ReviewDueBadge({ at, ...props }: { at: string } & BadgeProps) {
  const now = useNow();
  const overdue = Date.parse(at) <= now;
  return (
    <Tooltip label={`Post-change review due ${formatAbsolute(at)}`} withArrow>
      <Badge
        color={overdue ? "red" : "orange"}
        variant={overdue ? "filled" : "light"}
        tt="none"
        leftSection={<IconClipboardCheck size={12} aria-hidden />}
        data-review-due={overdue ? "overdue" : "due"}
        {...props}
      >
        {overdue ? "Review overdue" : "Review due"}
      </Badge>
    </Tooltip>
  );
}

/**
 * A time window in the protocol's zone ("Sun, Mar 15, 2026, 02:00 – 04:00 EDT"), and in the
 * viewer's own zone when their clock differs: underneath, or in brackets when `inline`.
 */
export function ZonedRange({
  start,
  end,
  zone,
  size = "sm",
  inline = false,
}: {
  start: string;
  end: string | null;
  zone: string;
  size?: "xs" | "sm" | "md";
  inline?: boolean;
}) {
  const local = viewerZone();
  const words = (z: string) => {
    const from = formatInZone(start, z);
    if (!end) return from;
    const sameDay = dayOf(start, z) === dayOf(end, z);
    return `${from} – ${sameDay ? formatTimeInZone(end, z) : formatInZone(end, z)}`;
  };
  const inZone = `${words(zone)} ${zoneAbbreviation(start, zone)}`;
  const elsewhere = differsFromViewer(start, zone)
    ? `${words(local)} your time (${zoneAbbreviation(start, local)})`
    : null;
  if (inline)
    return (
      <span>
        <time dateTime={start}>{inZone}</time>
        {elsewhere ? ` (${elsewhere})` : ""}
      </span>
    );
  return (
    <Stack gap={0}>
      <Text size={size} component="span">
        <time dateTime={start}>{inZone}</time>
      </Text>
      {elsewhere ? (
        <Text size="xs" c="dimmed" component="span">
          {elsewhere}
        </Text>
      ) : null}
    </Stack>
  );
}

/** One moment in the protocol's zone, and in the viewer's when it differs. */
export function ZonedTime({
  iso,
  zone,
  size = "sm",
  inline = false,
}: {
  iso: string;
  zone: string;
  size?: "xs" | "sm";
  inline?: boolean;
}) {
  return <ZonedRange start={iso} end={null} zone={zone} size={size} inline={inline} />;
}
