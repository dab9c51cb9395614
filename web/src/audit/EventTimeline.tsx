import { Badge, Button, Collapse, Group, Stack, Text, ThemeIcon, Timeline } from "@mantine/core";
import {
  IconBuilding,
  IconFileCertificate,
  IconHistory,
  IconKey,
  IconLink,
  IconLogin,
  IconRobot,
  IconUser,
  IconUsers,
} from "@tabler/icons-react";
import { useId, useState } from "react";
import { TimeStamp } from "../ui/time.tsx";
import { describeAction, describeActor, describeSubject, subjectTypeLabel } from "./actions.ts";
import { EventDetails } from "./EventDetails.tsx";
import type { AuditEvent } from "./types.ts";

export interface EventTimelineProps {
  /** Newest first. */
  events: AuditEvent[];
  /** Compact: no details disclosure, relative times (the overview's "recent activity"). */
  compact?: boolean;
}

/** Events as a vertical timeline: who did what to which record, and when. */
export function EventTimeline({ events, compact = false }: EventTimelineProps) {
  return (
    <Timeline bulletSize={compact ? 24 : 30} lineWidth={2} active={-1}>
      {events.map((event, index) => (
        <Timeline.Item
          key={event.id}
          bullet={<EventIcon event={event} size={compact ? 24 : 30} />}
          title={<EventSentence event={event} />}
        >
          <EventBody event={event} older={events[index + 1]} compact={compact} />
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

function EventSentence({ event }: { event: AuditEvent }) {
  const subject = describeSubject(event.subject);
  return (
    <Text component="span" size="sm" style={{ overflowWrap: "anywhere" }}>
      <Text component="span" fw={600} size="sm">
        {describeActor(event.actor)}
      </Text>{" "}
      {describeAction(event.action)}
      {subject ? (
        <>
          {" — "}
          <Text component="span" fw={500} size="sm">
            {subject}
          </Text>
        </>
      ) : null}
    </Text>
  );
}

function EventBody({ event, older, compact }: { event: AuditEvent; older?: AuditEvent; compact: boolean }) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  if (compact) return <TimeStamp iso={event.occurredAt} mode="relative" size="xs" />;
  return (
    <Stack gap={6} mt={2}>
      <Group gap="xs" wrap="wrap">
        <TimeStamp iso={event.occurredAt} size="xs" />
        <Badge variant="default" size="sm" radius="sm" tt="none" fw={500}>
          {subjectTypeLabel(event.subject.type)}
        </Badge>
        <Text size="xs" c="dimmed" ff="monospace">
          {event.action}
        </Text>
      </Group>
      <div>
        <Button
          variant="subtle"
          size="compact-sm"
          ml={-6}
          px={6}
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
          aria-controls={detailsId}
        >
          {open ? "Hide details" : "Show details"}
        </Button>
      </div>
      <Collapse expanded={open} id={detailsId}>
        <EventDetails event={event} older={older} />
      </Collapse>
    </Stack>
  );
}

function EventIcon({ event, size }: { event: AuditEvent; size: number }) {
  const iconSize = Math.round(size * 0.55);
  const kind = event.action.split(".")[0] ?? "";
  const color = event.actor.type === "system" ? "gray" : event.actor.type === "token" ? "grape" : "blue";
  const icon =
    event.actor.type === "system" ? (
      <IconRobot size={iconSize} />
    ) : kind === "membership" ? (
      <IconUsers size={iconSize} />
    ) : kind === "token" || kind === "api_token" ? (
      <IconKey size={iconSize} />
    ) : kind === "auth" || kind === "session" ? (
      <IconLogin size={iconSize} />
    ) : kind === "organization" ? (
      <IconBuilding size={iconSize} />
    ) : kind === "relationship" ? (
      <IconLink size={iconSize} />
    ) : kind === "protocol" ? (
      <IconFileCertificate size={iconSize} />
    ) : kind === "user" ? (
      <IconUser size={iconSize} />
    ) : (
      <IconHistory size={iconSize} />
    );
  return (
    <ThemeIcon size={size} radius="xl" variant="light" color={color} aria-hidden>
      {icon}
    </ThemeIcon>
  );
}
