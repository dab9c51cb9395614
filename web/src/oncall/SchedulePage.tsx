import "./oncall.css";
import { Anchor, Badge, Button, Card, Group, Select, Stack, Text, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArchive, IconArrowsExchange, IconCalendarDown, IconPencil, IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ZonedDateTimeInput } from "../changes/fields.tsx";
import { useMe, useMembers, useOrganization } from "../identity/queries.ts";
import { inputValueToIso, nowInputValue } from "../protocol/zone.ts";
import { ActionDialog } from "../ui/ActionDialog.tsx";
import { ConfirmModal } from "../ui/ConfirmModal.tsx";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { useNow } from "../ui/time.tsx";
import { fieldMessage } from "./form-errors.ts";
import { OnCallNow, OncallWarnings, TimelineCard } from "./panels.tsx";
import {
  shiftsCalendarUrl,
  useArchiveSchedule,
  useCancelOverride,
  useCreateOverride,
  useSchedule,
} from "./queries.ts";
import { formatLength, formatLocalDateTime, formatSpan } from "./time.ts";
import { useTimelineParams } from "./Timeline.tsx";
import type { Override, Schedule, Timeline } from "./types.ts";
import { everyLabel, layerNameOf, restrictionLabel } from "./words.ts";

/**
 * `/org/:orgId/oncall/:scheduleId`: one schedule. Warnings, who is on call now and the timeline
 * of the next weeks (as on a relationship's On call page); then its rotations, the overrides in
 * the range with a way to add one, and each person's shifts as a calendar file. The keepers edit
 * and archive it.
 */
export function SchedulePage() {
  const { orgId = "", scheduleId = "" } = useParams();
  const organization = useOrganization(orgId);
  const { weeks, view, setWeeks, setView } = useTimelineParams();
  const detail = useSchedule(orgId, scheduleId, { weeks });
  const archive = useArchiveSchedule(orgId);
  const navigate = useNavigate();
  const now = useNow();
  const [archiving, setArchiving] = useState(false);

  if (detail.isPending) return <Loading label="Loading the schedule…" />;
  if (detail.isError && !detail.data)
    return (
      <Page title="On-call schedule">
        <ProblemAlert error={detail.error} title="Could not load the schedule" />
      </Page>
    );
  const { schedule, timeline, abilities } = detail.data;
  const orgName = organization.data?.name;

  return (
    <Page
      title={schedule.name}
      documentTitle={`${schedule.name} — on-call schedule`}
      eyebrow={
        <Anchor component={Link} to={`/org/${orgId}/oncall`} size="sm">
          On-call schedules{orgName ? ` — ${orgName}` : ""}
        </Anchor>
      }
      description={
        schedule.relationshipId
          ? `Covers ${schedule.covers}. Runs on ${schedule.timeZone} time.`
          : `Shared: covers every client without a schedule of its own. Runs on ${schedule.timeZone} time.`
      }
      actions={
        abilities.manage ? (
          <>
            <Button
              component={Link}
              to={`/org/${orgId}/oncall/${scheduleId}/edit`}
              variant="default"
              leftSection={<IconPencil size={16} aria-hidden />}
            >
              Edit
            </Button>
            <Button
              variant="subtle"
              color="red"
              leftSection={<IconArchive size={16} aria-hidden />}
              onClick={() => setArchiving(true)}
            >
              Archive
            </Button>
          </>
        ) : null
      }
    >
      <OncallWarnings timeline={timeline} zone={schedule.timeZone} />
      <OnCallNow timeline={timeline} zone={schedule.timeZone} />
      <TimelineCard
        timeline={timeline}
        zone={schedule.timeZone}
        now={now}
        weeks={weeks}
        view={view}
        onWeeks={setWeeks}
        onView={setView}
        fetching={detail.isFetching}
      />
      <OverridesCard orgId={orgId} schedule={schedule} timeline={timeline} manage={abilities.manage} />
      <RotationsCard schedule={schedule} />
      <PeopleCard orgId={orgId} schedule={schedule} manage={abilities.manage} />

      <ConfirmModal
        opened={archiving}
        title="Archive this schedule?"
        confirmLabel="Archive"
        pending={archive.isPending}
        error={archive.error}
        onClose={() => {
          setArchiving(false);
          archive.reset();
        }}
        onConfirm={() =>
          archive.mutate(scheduleId, {
            onSuccess: () => {
              notifications.show({ color: "teal", message: `“${schedule.name}” archived.` });
              navigate(`/org/${orgId}/oncall`);
            },
          })
        }
      >
        {schedule.relationshipId
          ? `${schedule.covers} falls back to the shared schedule, if there is one; without it, nobody is paged in an emergency.`
          : "Clients without a schedule of their own will have nobody on call, and nobody is paged in their emergencies."}{" "}
        The schedule stays in the audit trail.
      </ConfirmModal>
    </Page>
  );
}

function RotationsCard({ schedule }: { schedule: Schedule }) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="rotations-title">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="rotations-title">
          Rotations
        </Title>
        <Stack gap="md" component="ul" className="plain-list">
          {schedule.rotations.map((r) => (
            <li key={r.id}>
              <Group gap="xs" wrap="wrap">
                <Text fw={600} className="oc-wrap">
                  {r.name}
                </Text>
                <Badge variant="default" tt="none" size="sm">
                  {layerNameOf(schedule.layerNames, r.layer)}
                </Badge>
              </Group>
              <Text size="sm" className="oc-wrap">
                {r.participantNames.join(" → ")}, handing over {everyLabel(r.every, r.unit)} from{" "}
                {formatLocalDateTime(r.start)}
                {r.end ? ` until ${formatLocalDateTime(r.end)}` : ""}.
              </Text>
              <Text size="sm" c="dimmed" className="oc-wrap">
                {r.restrictions.length
                  ? `On duty only ${r.restrictions.map(restrictionLabel).join("; ")}.`
                  : "On duty all the time between handoffs."}
              </Text>
            </li>
          ))}
        </Stack>
      </Stack>
    </Card>
  );
}

/** The people of the schedule's rotations, each with their shifts as an iCalendar file. */
function PeopleCard({ orgId, schedule, manage }: { orgId: string; schedule: Schedule; manage: boolean }) {
  const me = useMe();
  const myId = me.data?.user.id;
  const people = new Map<string, { name: string; rotations: string[] }>();
  for (const r of schedule.rotations)
    r.participants.forEach((id, i) => {
      const entry = people.get(id) ?? { name: r.participantNames[i] ?? "Unknown person", rotations: [] };
      if (!entry.rotations.includes(r.name)) entry.rotations.push(r.name);
      people.set(id, entry);
    });
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="people-title">
      <Stack gap="sm">
        <div>
          <Title order={2} fz="h4" id="people-title">
            Shifts in your calendar
          </Title>
          <Text size="sm" c="dimmed">
            A calendar file of a person&apos;s shifts on every schedule of the provider, from last week to
            twelve weeks ahead, to import into Outlook, Google Calendar or Thunderbird.
            {manage ? "" : " You can download your own."}
          </Text>
        </div>
        <Stack gap={6} component="ul" className="plain-list">
          {[...people].map(([id, p]) => (
            <Group key={id} component="li" justify="space-between" gap="xs" wrap="wrap">
              <div style={{ minWidth: 0, flex: "1 1 12rem" }}>
                <Text size="sm" fw={600} className="oc-wrap">
                  {p.name}
                  {id === myId ? " (you)" : ""}
                </Text>
                <Text size="xs" c="dimmed" className="oc-wrap">
                  {p.rotations.join(", ")}
                </Text>
              </div>
              {manage || id === myId ? (
                <Button
                  component="a"
                  href={shiftsCalendarUrl(orgId, id)}
                  download
                  variant="default"
                  size="compact-sm"
                  leftSection={<IconCalendarDown size={14} aria-hidden />}
                  aria-label={`Download ${p.name}'s shifts (.ics)`}
                >
                  Download shifts (.ics)
                </Button>
              ) : null}
            </Group>
          ))}
        </Stack>
      </Stack>
    </Card>
  );
}

/**
 * One-off swaps in the range: someone takes a layer for a while. The keepers add and cancel any;
 * anyone on the staff may hand time they are on call for themselves to someone else.
 */
function OverridesCard({
  orgId,
  schedule,
  timeline,
  manage,
}: {
  orgId: string;
  schedule: Schedule;
  timeline: Timeline;
  manage: boolean;
}) {
  const [adding, setAdding] = useState(false);
  const [cancelling, setCancelling] = useState<Override | null>(null);
  const cancel = useCancelOverride(orgId, schedule.id);
  const zone = schedule.timeZone;
  const overrides = [...timeline.overrides].sort((a, b) => a.start.localeCompare(b.start));
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="overrides-title">
      <Stack gap="sm">
        <Group justify="space-between" gap="xs" wrap="wrap">
          <div style={{ minWidth: 0, flex: "1 1 16rem" }}>
            <Title order={2} fz="h4" id="overrides-title">
              Overrides
            </Title>
            <Text size="sm" c="dimmed">
              One-off swaps: someone takes a layer for a while, whatever the rotation says.
            </Text>
          </div>
          <Button
            variant="light"
            leftSection={<IconPlus size={16} aria-hidden />}
            onClick={() => setAdding(true)}
          >
            Add override
          </Button>
        </Group>
        {overrides.length === 0 ? (
          <Text size="sm" c="dimmed">
            No override in this range.
          </Text>
        ) : (
          <Stack gap={6} component="ul" className="plain-list">
            {overrides.map((o) => (
              <Group key={o.id} component="li" justify="space-between" gap="xs" wrap="wrap">
                <div style={{ minWidth: 0, flex: "1 1 16rem" }}>
                  <Group gap={6} wrap="wrap">
                    <IconArrowsExchange size={16} aria-hidden />
                    <Text size="sm" fw={600} className="oc-wrap">
                      {o.userName}
                    </Text>
                    <Badge size="xs" variant="default" tt="none">
                      {layerNameOf(schedule.layerNames, o.layer)}
                    </Badge>
                  </Group>
                  <Text size="xs" c="dimmed" className="oc-wrap">
                    {formatSpan(o.start, o.end, zone)} · {formatLength(o.start, o.end)}
                    {o.reason ? ` · ${o.reason}` : ""}
                  </Text>
                </div>
                {manage ? (
                  <Button
                    variant="subtle"
                    color="red"
                    size="compact-sm"
                    onClick={() => setCancelling(o)}
                    aria-label={`Cancel the override of ${o.userName}, ${formatSpan(o.start, o.end, zone)}`}
                  >
                    Cancel
                  </Button>
                ) : null}
              </Group>
            ))}
          </Stack>
        )}
      </Stack>
      {adding ? (
        <AddOverrideDialog
          orgId={orgId}
          schedule={schedule}
          timeline={timeline}
          manage={manage}
          onClose={() => setAdding(false)}
        />
      ) : null}
      <ConfirmModal
        opened={cancelling !== null}
        title="Cancel this override?"
        confirmLabel="Cancel the override"
        pending={cancel.isPending}
        error={cancel.error}
        onClose={() => {
          setCancelling(null);
          cancel.reset();
        }}
        onConfirm={() =>
          cancelling &&
          cancel.mutate(cancelling.id, {
            onSuccess: () => {
              notifications.show({
                color: "teal",
                message: "Override cancelled; the rotation applies again.",
              });
              setCancelling(null);
            },
          })
        }
      >
        {cancelling
          ? `${cancelling.userName} will no longer be on call ${formatSpan(cancelling.start, cancelling.end, zone)}; whoever the rotation names takes that time again.`
          : null}
      </ConfirmModal>
    </Card>
  );
}

function AddOverrideDialog({
  orgId,
  schedule,
  timeline,
  manage,
  onClose,
}: {
  orgId: string;
  schedule: Schedule;
  timeline: Timeline;
  manage: boolean;
  onClose: () => void;
}) {
  const zone = schedule.timeZone;
  const create = useCreateOverride(orgId, schedule.id);
  const members = useMembers(orgId);
  const [layer, setLayer] = useState(String(timeline.layers[0]?.layer ?? 1));
  const [userId, setUserId] = useState<string | null>(null);
  const [start, setStart] = useState(() => nowInputValue(zone));
  const [end, setEnd] = useState("");
  const [reason, setReason] = useState("");
  const [local, setLocal] = useState<Record<string, string>>({});
  const err = (path: string) => fieldMessage(local, create.error, path);

  const submit = () => {
    const startIso = inputValueToIso(start, zone);
    const endIso = inputValueToIso(end, zone);
    const problems: Record<string, string> = {};
    if (!userId) problems.userId = "Choose who takes over.";
    if (!startIso) problems.start = "Choose when the override starts.";
    if (!endIso) problems.end = "Choose when it ends.";
    else if (startIso && endIso <= startIso) problems.end = "It must end after it starts.";
    setLocal(problems);
    if (Object.keys(problems).length || !userId || !startIso || !endIso) return;
    create.mutate(
      {
        layer: Number(layer),
        userId,
        start: startIso,
        end: endIso,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      },
      {
        onSuccess: (o) => {
          notifications.show({
            color: "teal",
            message: `${o.userName} is on call ${formatSpan(o.start, o.end, zone)}.`,
          });
          onClose();
        },
      },
    );
  };

  return (
    <ActionDialog
      opened
      onClose={onClose}
      title="Add an override"
      intro={
        manage
          ? `Someone takes a layer for a while, whatever the rotation says. Times are in ${zone}, the schedule's time zone. They are told.`
          : `Hand time you are on call for to someone else. Times are in ${zone}, the schedule's time zone; you must be on call for all of it. They are told.`
      }
      submitLabel="Add override"
      pending={create.isPending}
      error={create.error}
      onSubmit={submit}
      record="schedule"
    >
      <Select
        label="Layer"
        data={timeline.layers.map((l) => ({ value: String(l.layer), label: l.name }))}
        value={layer}
        onChange={(v) => v && setLayer(v)}
        allowDeselect={false}
        error={err("layer")}
      />
      <Select
        label="Who takes over"
        required
        searchable
        placeholder="Choose a person"
        data={(members.data?.items ?? [])
          .slice()
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((m) => ({ value: m.userId, label: m.name }))}
        value={userId}
        onChange={setUserId}
        error={err("userId")}
        nothingFoundMessage={members.isPending ? "Loading people…" : "Nobody by that name"}
      />
      <ZonedDateTimeInput
        label="Starts"
        required
        zone={zone}
        description={`${zone} time.`}
        value={start}
        onChange={setStart}
        error={err("start")}
      />
      <ZonedDateTimeInput
        label="Ends"
        required
        zone={zone}
        description={`${zone} time.`}
        value={end}
        onChange={setEnd}
        error={err("end")}
      />
      <Textarea
        label="Reason"
        description="Optional, e.g. “Dana is on leave”."
        autosize
        minRows={2}
        maxLength={500}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        error={err("reason")}
      />
    </ActionDialog>
  );
}
