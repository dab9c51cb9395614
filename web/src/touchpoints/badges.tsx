import { Badge, type BadgeProps, Text, type TextProps, Tooltip } from "@mantine/core";
import { IconAlertTriangle, IconCircleCheck } from "@tabler/icons-react";
import { formatRelative, useNow } from "../ui/time.tsx";
import type { BusinessDateKind, MeetingOutcome } from "./types.ts";
import {
  BUSINESS_DATE_KIND_COLORS,
  formatZoned,
  kindLabel,
  OUTCOME_COLORS,
  OUTCOME_MEANINGS,
  outcomeLabel,
  viewerTime,
} from "./words.ts";

/** How a meeting turned out: held on schedule, held after a move, skipped, not recorded… */
export function OutcomeBadge({ outcome, ...props }: { outcome: MeetingOutcome } & BadgeProps) {
  return (
    <Tooltip label={OUTCOME_MEANINGS[outcome] ?? outcomeLabel(outcome)} withArrow multiline maw={280}>
      <Badge
        color={OUTCOME_COLORS[outcome] ?? "gray"}
        variant={outcome === "upcoming" ? "outline" : "light"}
        tt="none"
        data-outcome={outcome}
        {...props}
      >
        {outcomeLabel(outcome)}
      </Badge>
    </Tooltip>
  );
}

export function OverdueBadge(props: BadgeProps) {
  return (
    <Badge
      color="red"
      variant="filled"
      tt="none"
      leftSection={<IconAlertTriangle size={12} aria-hidden />}
      {...props}
    >
      Overdue
    </Badge>
  );
}

export function DoneBadge(props: BadgeProps) {
  return (
    <Badge
      color="green"
      variant="light"
      tt="none"
      leftSection={<IconCircleCheck size={12} aria-hidden />}
      {...props}
    >
      Done
    </Badge>
  );
}

/** What needs attention on an agenda item ("Response target missed"): red, so it is not missed. */
export function FlagBadge({ flag, ...props }: { flag: string } & BadgeProps) {
  return (
    <Badge color="red" variant="light" tt="none" className="tp-flag" {...props}>
      {flag}
    </Badge>
  );
}

export function KindBadge({ kind, ...props }: { kind: BusinessDateKind } & BadgeProps) {
  return (
    <Badge
      color={BUSINESS_DATE_KIND_COLORS[kind] ?? "gray"}
      variant="light"
      tt="none"
      data-kind={kind}
      {...props}
    >
      {kindLabel(kind)}
    </Badge>
  );
}

/**
 * A moment as a `<time>` in the protocol's zone with its short name; the relative time, and the
 * viewer's own time when their clock differs, in a tooltip.
 */
export function ZonedTime({
  iso,
  zone,
  ...textProps
}: { iso: string; zone: string } & Omit<TextProps, "children">) {
  const now = useNow();
  const own = viewerTime(iso, zone);
  return (
    <Tooltip
      label={own ? `${formatRelative(iso, now)} · ${own} your time` : formatRelative(iso, now)}
      withArrow
    >
      <Text component="time" dateTime={iso} size="sm" span {...textProps}>
        {formatZoned(iso, zone)}
      </Text>
    </Tooltip>
  );
}
