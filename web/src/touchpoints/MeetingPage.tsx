import "./touchpoints.css";
import { Anchor, Badge, Button, Card, Grid, Group, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import {
  IconArrowsMove,
  IconChevronLeft,
  IconChevronRight,
  IconCircleCheck,
  IconDownload,
  IconPlayerSkipForward,
  IconSend,
  IconVideo,
} from "@tabler/icons-react";
import { type ReactNode, useState } from "react";
import { Link, useParams } from "react-router";
import { problemMessage } from "../api/problem.ts";
import { roleLabel, sideLabel } from "../identity/roles.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { useNow } from "../ui/time.tsx";
import { AgendaView, DecisionsCard, MeetingActionsCard } from "./Agenda.tsx";
import { OutcomeBadge, ZonedTime } from "./badges.tsx";
import { HoldMeetingDialog, MoveMeetingDialog, SkipMeetingDialog } from "./MeetingDialogs.tsx";
import { useMeeting, useMeetingChange } from "./queries.ts";
import { useLiveTouchpoints } from "./live.ts";
import { BackToMeetings } from "./TouchpointsNav.tsx";
import type { MeetingDetail } from "./types.ts";
import { formatMeetingTime, formatZoned, meetingNumber, stateLabel, viewerTime } from "./words.ts";

/**
 * `/r/:relationshipId/touchpoints/meetings/:meetingId`: one meeting as both sides prepare and
 * run it — when and where, who attends, the agenda Liaison assembled (live until the meeting is
 * recorded as held, then kept), the minutes, decisions and action items on each item, and the
 * summary of what was decided and assigned. Organizers send the agenda early, move, skip or record
 * the meeting; it downloads as Markdown or PDF. Times are in the protocol's zone.
 */
export function MeetingPage() {
  const { relationshipId = "", meetingId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  useLiveTouchpoints(relationshipId);
  const meeting = useMeeting(relationshipId, meetingId);
  const back = <BackToMeetings relationshipId={relationshipId} />;
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;

  if (meeting.isPending)
    return (
      <Page title="Meeting" eyebrow={back}>
        <Loading label="Loading the meeting…" />
      </Page>
    );
  if (meeting.isError && !meeting.data)
    return (
      <Page title="Meeting" eyebrow={back}>
        <ProblemAlert error={meeting.error} title="Could not load this meeting" />
      </Page>
    );
  return <MeetingView relationshipId={relationshipId} d={meeting.data} back={back} relationshipName={name} />;
}

type DialogKey = "move" | "skip" | "hold";

function MeetingView({
  relationshipId,
  d,
  back,
  relationshipName,
}: {
  relationshipId: string;
  d: MeetingDetail;
  back: ReactNode;
  relationshipName: string | undefined;
}) {
  const [open, setOpen] = useState<DialogKey | null>(null);
  const m = d.meeting;
  const zone = d.timeZone;
  const title = meetingNumber(m.number);
  const exportUrl = (format: "md" | "pdf") =>
    `/api/v1/relationships/${relationshipId}/touchpoints/meetings/${m.id}/export?format=${format}`;
  const dialogProps = { relationshipId, meeting: m, zone, onClose: () => setOpen(null) };
  return (
    <Page
      title={title}
      documentTitle={`${title}, ${formatZoned(m.start, zone)}${relationshipName ? ` — ${relationshipName}` : ""}`}
      eyebrow={back}
      actions={
        <>
          <Button
            component="a"
            href={exportUrl("md")}
            download
            variant="default"
            leftSection={<IconDownload size={16} aria-hidden />}
          >
            Download Markdown
          </Button>
          <Button
            component="a"
            href={exportUrl("pdf")}
            download
            variant="default"
            leftSection={<IconDownload size={16} aria-hidden />}
          >
            Download PDF
          </Button>
        </>
      }
    >
      <HeaderCard relationshipId={relationshipId} d={d} onOpen={setOpen} />
      <AgendaView relationshipId={relationshipId} d={d} />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <DecisionsCard d={d} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <MeetingActionsCard relationshipId={relationshipId} d={d} />
        </Grid.Col>
      </Grid>
      <PrevNext relationshipId={relationshipId} d={d} />

      {/* Mounted when opened, so it starts from the meeting's time as it is then. */}
      {open === "move" ? <MoveMeetingDialog {...dialogProps} opened /> : null}
      <SkipMeetingDialog {...dialogProps} opened={open === "skip"} />
      <HoldMeetingDialog
        {...dialogProps}
        opened={open === "hold"}
        decisions={d.decisions.length}
        actions={d.actions.length}
      />
    </Page>
  );
}

function HeaderCard({
  relationshipId,
  d,
  onOpen,
}: {
  relationshipId: string;
  d: MeetingDetail;
  onOpen: (key: DialogKey) => void;
}) {
  const m = d.meeting;
  const zone = d.timeZone;
  const now = useNow();
  const own = viewerTime(m.start, zone);
  const sides = (["client", "provider"] as const).map((side) => ({
    side,
    people: d.attendees.filter((a) => a.side === side),
  }));
  return (
    <Card withBorder padding="md" component="section" aria-label="Meeting">
      <Stack gap="sm">
        <Group gap="xs" wrap="wrap" data-testid="meeting-header">
          <OutcomeBadge outcome={m.outcome} size="lg" />
          {m.outcome === "upcoming" && m.state !== "scheduled" ? (
            <Badge size="lg" variant="light" color="gray" tt="none">
              {stateLabel(m.state)}
            </Badge>
          ) : null}
          {m.moved && m.outcome !== "held_moved" ? (
            <Badge size="lg" variant="light" color="orange" tt="none">
              Moved
            </Badge>
          ) : null}
        </Group>
        <div>
          <Text fz="lg" fw={700} className="tp-wrap" data-testid="meeting-time">
            {formatMeetingTime(m.start, m.end, zone)}
          </Text>
          {own ? (
            <Text size="xs" c="dimmed">
              {own} your time
            </Text>
          ) : null}
        </div>
        {m.moved ? (
          <Text size="sm" c="dimmed" className="tp-wrap">
            Moved from {formatZoned(m.scheduledStart, zone)}
            {m.movedByName ? ` by ${m.movedByName}` : ""}
            {m.moveReason ? `: ${m.moveReason}` : ""}
          </Text>
        ) : null}
        {m.state === "skipped" ? (
          <Text size="sm" className="tp-wrap">
            Skipped{m.skippedByName ? ` by ${m.skippedByName}` : ""}
            {m.skipReason ? `: ${m.skipReason}` : ""}
          </Text>
        ) : null}
        {m.heldAt ? (
          <Text size="sm" component="div">
            Recorded as held{m.heldByName ? ` by ${m.heldByName}` : ""},{" "}
            <ZonedTime iso={m.heldAt} zone={zone} />
            {m.summarySentAt ? "; the summary was sent." : "."}
          </Text>
        ) : null}
        {m.state === "scheduled" || m.agendaSentAt ? (
          <Text size="sm" component="div" data-testid="agenda-due">
            {m.agendaSentAt ? (
              <>
                Agenda sent <ZonedTime iso={m.agendaSentAt} zone={zone} />
              </>
            ) : Date.parse(m.agendaDueAt) > now ? (
              <>
                Agenda goes out <ZonedTime iso={m.agendaDueAt} zone={zone} />
              </>
            ) : (
              <>
                Agenda not sent yet (due <ZonedTime iso={m.agendaDueAt} zone={zone} />)
              </>
            )}
          </Text>
        ) : null}
        {m.link ? (
          <Group gap="xs" wrap="nowrap" align="center">
            <IconVideo size={16} aria-hidden style={{ flexShrink: 0 }} />
            <Anchor href={m.link} target="_blank" rel="noopener noreferrer" size="sm" className="tp-wrap">
              {m.link}
            </Anchor>
          </Group>
        ) : null}
        <div>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase" mb={2}>
            Attendees
          </Text>
          {d.attendees.length === 0 ? (
            <Text size="sm" c="dimmed">
              Nobody holds the roles the protocol invites.
            </Text>
          ) : (
            <Stack gap={2}>
              {sides
                .filter((s) => s.people.length)
                .map((s) => (
                  <Text key={s.side} size="sm" className="tp-wrap">
                    <Text span size="sm" c="dimmed">
                      {sideLabel(s.side)}:{" "}
                    </Text>
                    {s.people.map((p) => `${p.name} (${roleLabel(p.role)})`).join(", ")}
                  </Text>
                ))}
            </Stack>
          )}
        </div>
        <OrganizerActions relationshipId={relationshipId} d={d} onOpen={onOpen} />
      </Stack>
    </Card>
  );
}

/** What organizers do with a meeting that is still ahead (or just over and not recorded). */
function OrganizerActions({
  relationshipId,
  d,
  onOpen,
}: {
  relationshipId: string;
  d: MeetingDetail;
  onOpen: (key: DialogKey) => void;
}) {
  const m = d.meeting;
  const send = useMeetingChange(relationshipId, m.id);
  if (!d.abilities.organize || m.state !== "scheduled") return null;
  const sendNow = () =>
    send.mutate(
      { kind: "sendAgenda" },
      {
        onSuccess: () =>
          notifications.show({ color: "teal", message: "The agenda was sent to the attendees." }),
        onError: (error) =>
          notifications.show({
            color: "red",
            title: "The agenda was not sent",
            message: problemMessage(error),
          }),
      },
    );
  return (
    <Group gap="xs" wrap="wrap" role="group" aria-label="Actions on this meeting">
      <Button
        variant="default"
        onClick={sendNow}
        loading={send.isPending}
        leftSection={<IconSend size={16} aria-hidden />}
      >
        {m.agendaSentAt ? "Send agenda again" : "Send agenda now"}
      </Button>
      <Button
        color="green"
        onClick={() => onOpen("hold")}
        leftSection={<IconCircleCheck size={16} aria-hidden />}
      >
        Record as held
      </Button>
      <Button
        variant="subtle"
        onClick={() => onOpen("move")}
        leftSection={<IconArrowsMove size={16} aria-hidden />}
      >
        Move
      </Button>
      <Button
        variant="subtle"
        color="orange"
        onClick={() => onOpen("skip")}
        leftSection={<IconPlayerSkipForward size={16} aria-hidden />}
      >
        Skip
      </Button>
    </Group>
  );
}

function PrevNext({ relationshipId, d }: { relationshipId: string; d: MeetingDetail }) {
  if (!d.previousMeetingId && !d.nextMeetingId) return null;
  const to = (id: string) => `/r/${relationshipId}/touchpoints/meetings/${id}`;
  return (
    <Group justify="space-between" gap="sm" component="nav" aria-label="Other meetings">
      {d.previousMeetingId ? (
        <Button
          component={Link}
          to={to(d.previousMeetingId)}
          variant="subtle"
          leftSection={<IconChevronLeft size={16} aria-hidden />}
        >
          Previous meeting
        </Button>
      ) : (
        <span />
      )}
      {d.nextMeetingId ? (
        <Button
          component={Link}
          to={to(d.nextMeetingId)}
          variant="subtle"
          rightSection={<IconChevronRight size={16} aria-hidden />}
        >
          Next meeting
        </Button>
      ) : null}
    </Group>
  );
}
