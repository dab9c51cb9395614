import "./touchpoints.css";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Grid,
  Group,
  List,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import {
  IconAlertTriangle,
  IconArrowsMove,
  IconCalendarPlus,
  IconFileCertificate,
  IconListCheck,
  IconPlayerSkipForward,
  IconUsersGroup,
  IconVideo,
} from "@tabler/icons-react";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { roleLabel, sideLabel } from "../identity/roles.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { protocolDuration } from "../emergencies/words.ts";
import { OutcomeBadge, ZonedTime } from "./badges.tsx";
import { MoveMeetingDialog, SkipMeetingDialog } from "./MeetingDialogs.tsx";
import { useTouchpoints } from "./queries.ts";
import { useLiveTouchpoints } from "./live.ts";
import { TouchpointsNav } from "./TouchpointsNav.tsx";
import type { MeetingSummary, Series, TouchpointOverview } from "./types.ts";
import {
  countWords,
  formatMeetingTime,
  formatZoned,
  meetingNumber,
  minutesLength,
  viewerTime,
} from "./words.ts";

type Dialog = { kind: "move" | "skip"; meeting: MeetingSummary } | null;

/**
 * `/r/:relationshipId/touchpoints`: the regular meetings of the relationship as the protocol sets
 * them — the series (cadence, attendees by role, link), what weakens it, the next meeting with its
 * agenda, the meetings ahead (moved or skipped, with why) and how the past ones turned out. Times
 * are in the protocol's zone. Organizers move and skip meetings from here.
 */
export function MeetingsPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  useLiveTouchpoints(relationshipId);
  const overview = useTouchpoints(relationshipId);
  const [dialog, setDialog] = useState<Dialog>(null);
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;
  const data = overview.data;

  return (
    <Page
      title="Touchpoints"
      documentTitle={name ? `Touchpoints — ${name}` : "Touchpoints"}
      eyebrow={name}
      description="The regular meetings of both sides. Liaison writes each agenda from what happened since the last one — tickets, changes, emergencies, open action items, dates coming up — and keeps every action item on the agenda until it is done."
    >
      <TouchpointsNav relationshipId={relationshipId} current="meetings" />
      {overview.isPending ? (
        <Loading label="Loading the meetings…" />
      ) : overview.isError && !data ? (
        <ProblemAlert error={overview.error} title="Could not load the meetings" />
      ) : !data!.series ? (
        <NoSeries relationshipId={relationshipId} warnings={data!.warnings} />
      ) : (
        <>
          {data!.warnings.length ? <Warnings warnings={data!.warnings} /> : null}
          <Grid gap="md">
            <Grid.Col span={{ base: 12, md: 7 }}>
              <Stack gap="md">
                <NextMeetingCard
                  relationshipId={relationshipId}
                  data={data!}
                  zone={data!.series.timeZone}
                  onDialog={setDialog}
                />
                <UpcomingCard
                  relationshipId={relationshipId}
                  data={data!}
                  zone={data!.series.timeZone}
                  onDialog={setDialog}
                />
                <PastCard relationshipId={relationshipId} data={data!} zone={data!.series.timeZone} />
              </Stack>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 5 }}>
              <Stack gap="md">
                <SeriesCard relationshipId={relationshipId} series={data!.series} />
                <ActionsSummaryCard relationshipId={relationshipId} data={data!} />
              </Stack>
            </Grid.Col>
          </Grid>
          {dialog?.kind === "move" ? (
            <MoveMeetingDialog
              key={dialog.meeting.id}
              relationshipId={relationshipId}
              meeting={dialog.meeting}
              zone={data!.series.timeZone}
              opened
              onClose={() => setDialog(null)}
            />
          ) : null}
          {dialog?.kind === "skip" ? (
            <SkipMeetingDialog
              key={dialog.meeting.id}
              relationshipId={relationshipId}
              meeting={dialog.meeting}
              zone={data!.series.timeZone}
              opened
              onClose={() => setDialog(null)}
            />
          ) : null}
        </>
      )}
    </Page>
  );
}

/** No protocol in effect: no series, so nothing to show but how the meetings start. */
function NoSeries({ relationshipId, warnings }: { relationshipId: string; warnings: string[] }) {
  return (
    <Card withBorder padding="xl">
      <EmptyState
        icon={<IconUsersGroup size={28} />}
        withIndicatorBackground
        title="No meetings yet"
        description="The meetings start once both sides sign a protocol. Its touchpoints section sets how often they meet, for how long, who attends by role, and how long before each meeting the agenda goes out."
      >
        {warnings.length ? (
          <List size="sm" ta="left">
            {warnings.map((w) => (
              <List.Item key={w}>{w}</List.Item>
            ))}
          </List>
        ) : null}
        <EmptyState.Actions>
          <Button
            component={Link}
            to={`/r/${relationshipId}/protocol`}
            variant="default"
            leftSection={<IconFileCertificate size={16} aria-hidden />}
          >
            Open the protocol
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    </Card>
  );
}

function Warnings({ warnings }: { warnings: string[] }) {
  return (
    <Alert
      color="yellow"
      variant="light"
      icon={<IconAlertTriangle size={20} aria-hidden />}
      title={warnings.length === 1 ? "Something weakens these meetings" : "Some things weaken these meetings"}
      data-testid="touchpoint-warnings"
    >
      {warnings.length === 1 ? (
        <Text size="sm">{warnings[0]}</Text>
      ) : (
        <List size="sm" spacing={2}>
          {warnings.map((w) => (
            <List.Item key={w}>{w}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}

/** "Moved from Tue 3 Mar, 10:00 EST by Dana: reason" under a moved meeting; the skip reason under a skipped one. */
function MeetingNotes({ m, zone }: { m: MeetingSummary; zone: string }) {
  return (
    <>
      {m.moved ? (
        <Text size="xs" c="dimmed" className="tp-wrap" data-testid="moved-from">
          Moved from {formatZoned(m.scheduledStart, zone)}
          {m.movedByName ? ` by ${m.movedByName}` : ""}
          {m.moveReason ? `: ${m.moveReason}` : ""}
        </Text>
      ) : null}
      {m.state === "skipped" ? (
        <Text size="xs" c="dimmed" className="tp-wrap">
          Skipped{m.skippedByName ? ` by ${m.skippedByName}` : ""}
          {m.skipReason ? `: ${m.skipReason}` : ""}
        </Text>
      ) : null}
    </>
  );
}

/** The meeting that comes next, the one people prepare for: when, where, its agenda. */
function NextMeetingCard({
  relationshipId,
  data,
  zone,
  onDialog,
}: {
  relationshipId: string;
  data: TouchpointOverview;
  zone: string;
  onDialog: (d: Dialog) => void;
}) {
  const m = data.next;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="next-title" className="tp-next">
      <Title order={2} fz="h4" id="next-title" mb="sm">
        Next meeting
      </Title>
      {!m ? (
        <Text size="sm" c="dimmed">
          No meeting is planned ahead: the series has ended, or every meeting in the coming months is skipped.
        </Text>
      ) : (
        <Stack gap="sm" data-testid="next-meeting">
          <Group gap="xs" wrap="wrap">
            <Text size="sm" c="dimmed" fw={600}>
              {meetingNumber(m.number)}
            </Text>
            {m.moved ? (
              <Badge color="orange" variant="light" tt="none" size="sm">
                Moved
              </Badge>
            ) : null}
          </Group>
          <Text fz="lg" fw={700} className="tp-wrap">
            {formatMeetingTime(m.start, m.end, zone)}
          </Text>
          {viewerTime(m.start, zone) ? (
            <Text size="xs" c="dimmed">
              {viewerTime(m.start, zone)} your time
            </Text>
          ) : null}
          <MeetingNotes m={m} zone={zone} />
          <Text size="sm" component="div">
            {m.agendaSentAt ? (
              <>
                Agenda sent <ZonedTime iso={m.agendaSentAt} zone={zone} />
              </>
            ) : (
              <>
                Agenda goes out <ZonedTime iso={m.agendaDueAt} zone={zone} />
              </>
            )}
          </Text>
          <Group gap="xs" wrap="wrap">
            <Button
              component={Link}
              to={`/r/${relationshipId}/touchpoints/meetings/${m.id}`}
              leftSection={<IconListCheck size={16} aria-hidden />}
            >
              Open agenda
            </Button>
            {m.link ? (
              <Button
                component="a"
                href={m.link}
                target="_blank"
                rel="noopener noreferrer"
                variant="default"
                leftSection={<IconVideo size={16} aria-hidden />}
              >
                Join link
              </Button>
            ) : null}
            {data.abilities.organize ? (
              <>
                <Button
                  variant="subtle"
                  onClick={() => onDialog({ kind: "move", meeting: m })}
                  leftSection={<IconArrowsMove size={16} aria-hidden />}
                >
                  Move
                </Button>
                <Button
                  variant="subtle"
                  color="orange"
                  onClick={() => onDialog({ kind: "skip", meeting: m })}
                  leftSection={<IconPlayerSkipForward size={16} aria-hidden />}
                >
                  Skip
                </Button>
              </>
            ) : null}
          </Group>
        </Stack>
      )}
    </Card>
  );
}

function UpcomingCard({
  relationshipId,
  data,
  zone,
  onDialog,
}: {
  relationshipId: string;
  data: TouchpointOverview;
  zone: string;
  onDialog: (d: Dialog) => void;
}) {
  const items = data.upcoming.filter((m) => m.id !== data.next?.id);
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="upcoming-title">
      <Title order={2} fz="h4" id="upcoming-title" mb="sm">
        After that
      </Title>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No other meeting in the coming months.
        </Text>
      ) : (
        <ul className="plain-list tp-meeting-list" aria-labelledby="upcoming-title">
          {items.map((m) => (
            <li key={m.id} className="tp-meeting-row" data-state={m.state} data-meeting-number={m.number}>
              <Stack gap={2} style={{ minWidth: 0 }}>
                <Group gap="xs" wrap="wrap">
                  <Anchor
                    component={Link}
                    to={`/r/${relationshipId}/touchpoints/meetings/${m.id}`}
                    fw={600}
                    size="sm"
                    className="tp-wrap"
                  >
                    {formatMeetingTime(m.start, m.end, zone)}
                  </Anchor>
                  {m.state === "skipped" ? <OutcomeBadge outcome="skipped" size="sm" /> : null}
                  {m.moved && m.state !== "skipped" ? (
                    <Badge color="orange" variant="light" tt="none" size="sm">
                      Moved
                    </Badge>
                  ) : null}
                </Group>
                <Text size="xs" c="dimmed">
                  {meetingNumber(m.number)}
                </Text>
                <MeetingNotes m={m} zone={zone} />
              </Stack>
              {data.abilities.organize && m.state === "scheduled" ? (
                <Group gap={4} wrap="nowrap" className="tp-row-actions">
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    onClick={() => onDialog({ kind: "move", meeting: m })}
                    aria-label={`Move ${meetingNumber(m.number)}`}
                  >
                    Move
                  </Button>
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    color="orange"
                    onClick={() => onDialog({ kind: "skip", meeting: m })}
                    aria-label={`Skip ${meetingNumber(m.number)}`}
                  >
                    Skip
                  </Button>
                </Group>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function PastCard({
  relationshipId,
  data,
  zone,
}: {
  relationshipId: string;
  data: TouchpointOverview;
  zone: string;
}) {
  const items = [...data.past].sort((a, b) => Date.parse(b.start) - Date.parse(a.start));
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="past-title">
      <Title order={2} fz="h4" id="past-title" mb="sm">
        Past meetings
      </Title>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          None yet. Once a meeting is over, it shows here with how it turned out: held on schedule, held at
          another time, skipped, or not recorded.
        </Text>
      ) : (
        <ul className="plain-list tp-meeting-list" aria-labelledby="past-title">
          {items.map((m) => (
            <li key={m.id} className="tp-meeting-row" data-outcome={m.outcome} data-meeting-number={m.number}>
              <Stack gap={2} style={{ minWidth: 0 }}>
                <Anchor
                  component={Link}
                  to={`/r/${relationshipId}/touchpoints/meetings/${m.id}`}
                  fw={600}
                  size="sm"
                  className="tp-wrap"
                >
                  {formatMeetingTime(m.start, m.end, zone)}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {meetingNumber(m.number)}
                  {m.heldByName ? ` · recorded by ${m.heldByName}` : ""}
                </Text>
                <MeetingNotes m={m} zone={zone} />
              </Stack>
              <Group gap={4}>
                <OutcomeBadge outcome={m.outcome} size="sm" />
              </Group>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** The series as the protocol sets it: cadence, length, agenda lead time, link, who attends. */
function SeriesCard({ relationshipId, series }: { relationshipId: string; series: Series }) {
  const ics = `/api/v1/relationships/${relationshipId}/touchpoints/series.ics`;
  const sides = (["client", "provider"] as const).map((side) => ({
    side,
    roles: series.attendees.filter((a) => a.side === side),
  }));
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="series-title">
      <Title order={2} fz="h4" id="series-title" mb="sm">
        The series
      </Title>
      <Stack gap="sm">
        <Text size="sm" fw={600} className="tp-wrap" data-testid="cadence">
          {series.cadence}
        </Text>
        <Text size="sm" c="dimmed">
          {minutesLength(series.durationMinutes)} each · the agenda goes out{" "}
          {protocolDuration(series.agendaBefore)} before
          {series.protocolVersion ? ` · protocol version ${series.protocolVersion}` : ""}
        </Text>
        {series.link ? (
          <Text size="sm" className="tp-wrap">
            <Text span size="sm" c="dimmed">
              Link:{" "}
            </Text>
            <Anchor href={series.link} target="_blank" rel="noopener noreferrer" size="sm">
              {series.link}
            </Anchor>
          </Text>
        ) : null}
        <div>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase" mb={4}>
            Attendees
          </Text>
          <Stack gap="xs">
            {sides.map(({ side, roles }) => (
              <div key={side}>
                <Text size="sm" fw={600} id={`attendees-${side}`}>
                  {sideLabel(side)}
                </Text>
                {roles.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    Nobody from this side attends.
                  </Text>
                ) : (
                  <ul className="plain-list" aria-labelledby={`attendees-${side}`}>
                    {roles.map((r) => (
                      <li key={r.role}>
                        <Text size="sm" className="tp-wrap">
                          <Text span size="sm" c="dimmed">
                            {roleLabel(r.role)}:{" "}
                          </Text>
                          {r.people.length ? (
                            r.people.map((p) => p.name).join(", ")
                          ) : (
                            <Text span size="sm" c="orange.8">
                              nobody holds this role
                            </Text>
                          )}
                        </Text>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            ))}
          </Stack>
        </div>
        <Button
          component="a"
          href={ics}
          download
          variant="default"
          w="fit-content"
          leftSection={<IconCalendarPlus size={16} aria-hidden />}
        >
          Add to calendar (.ics)
        </Button>
        <Text size="xs" c="dimmed">
          Attendees also get each invitation by email. Times are in {series.timeZone}, the protocol&apos;s
          time zone.
        </Text>
      </Stack>
    </Card>
  );
}

function ActionsSummaryCard({ relationshipId, data }: { relationshipId: string; data: TouchpointOverview }) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="open-actions-title">
      <Title order={2} fz="h4" id="open-actions-title" mb="sm">
        Action items
      </Title>
      <Stack gap="xs">
        <Text size="sm">
          {data.openActions === 0
            ? "No open action item."
            : `${countWords(data.openActions, "open action item", "open action items")}.`}
          {data.overdueActions > 0 ? (
            <Text span size="sm" c="red.8" fw={600}>
              {" "}
              {countWords(data.overdueActions, "is", "are")} overdue.
            </Text>
          ) : null}
        </Text>
        <Anchor component={Link} to={`/r/${relationshipId}/touchpoints/actions`} size="sm">
          See the action items
        </Anchor>
      </Stack>
    </Card>
  );
}
