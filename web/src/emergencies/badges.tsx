import { Badge, type BadgeProps, Text, type TextProps, Tooltip } from "@mantine/core";
import { IconAlertTriangle, IconBellRinging, IconCircleCheck, IconUserCheck } from "@tabler/icons-react";
import { formatRelative, useNow } from "../ui/time.tsx";
import type { EmergencyState } from "./types.ts";
import {
  AUTHORITY_COLORS,
  authorityLabel,
  EMERGENCY_STATE_COLORS,
  EMERGENCY_STATE_MEANINGS,
  emergencyStateLabel,
  formatLocal,
  formatZoned,
  LOG_STATE_COLORS,
  logStateLabel,
  REVIEW_STATE_COLORS,
  reviewStateLabel,
} from "./words.ts";

const STATE_ICONS: Record<EmergencyState, typeof IconBellRinging> = {
  paging: IconBellRinging,
  acknowledged: IconUserCheck,
  resolved: IconCircleCheck,
};

/** An emergency's state: Paging (red, pulsing), Acknowledged (orange), Resolved (green). */
export function EmergencyStateBadge({ state, ...props }: { state: EmergencyState } & BadgeProps) {
  const Icon = STATE_ICONS[state] ?? IconAlertTriangle;
  return (
    <Tooltip
      label={EMERGENCY_STATE_MEANINGS[state] ?? emergencyStateLabel(state)}
      withArrow
      multiline
      maw={280}
    >
      <Badge
        color={EMERGENCY_STATE_COLORS[state] ?? "gray"}
        variant={state === "resolved" ? "light" : "filled"}
        tt="none"
        leftSection={<Icon size={12} aria-hidden />}
        data-emergency-state={state}
        className="emergency-state-badge"
        {...props}
      >
        {emergencyStateLabel(state)}
      </Badge>
    </Tooltip>
  );
}

/** Whether an action was within on-call authority, needed approval, or was outside the register. */
export function AuthorityBadge({ authority, ...props }: { authority: string } & BadgeProps) {
  return (
    <Badge
      color={AUTHORITY_COLORS[authority as keyof typeof AUTHORITY_COLORS] ?? "gray"}
      variant="light"
      tt="none"
      data-authority={authority}
      {...props}
    >
      {authorityLabel(authority)}
    </Badge>
  );
}

/** Where an action stands: carried out, waiting for approval, approved, declined. */
export function LogStateBadge({ state, ...props }: { state: string } & BadgeProps) {
  return (
    <Badge
      color={LOG_STATE_COLORS[state as keyof typeof LOG_STATE_COLORS] ?? "gray"}
      variant="outline"
      tt="none"
      data-log-state={state}
      {...props}
    >
      {logStateLabel(state)}
    </Badge>
  );
}

export function ReviewStateBadge({ state, ...props }: { state: string } & BadgeProps) {
  return (
    <Badge
      color={REVIEW_STATE_COLORS[state as keyof typeof REVIEW_STATE_COLORS] ?? "gray"}
      variant="outline"
      tt="none"
      data-review-state={state}
      {...props}
    >
      {reviewStateLabel(state)}
    </Badge>
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

/**
 * A moment as a `<time>`: in `zone` with its short name when the page has a zone (a review: the
 * protocol's), else in the viewer's own zone with its name; the relative time in a tooltip.
 */
export function Moment({
  iso,
  zone,
  ...textProps
}: { iso: string; zone?: string } & Omit<TextProps, "children">) {
  const now = useNow();
  const text = zone ? formatZoned(iso, zone) : formatLocal(iso);
  return (
    <Tooltip label={formatRelative(iso, now)} withArrow>
      <Text component="time" dateTime={iso} size="sm" span {...textProps}>
        {text}
      </Text>
    </Tooltip>
  );
}
