import "./oncall.css";
import { Alert, Badge, Button, Card, Group, List, Loader, Stack, Text, Title } from "@mantine/core";
import { IconAlertTriangle, IconBellRinging, IconUserOff } from "@tabler/icons-react";
import { useState } from "react";
import { viewerZone, zoneAbbreviation } from "../protocol/zone.ts";
import { formatLength, formatShort, formatSpan, zoneDiffersFromViewer } from "./time.ts";
import { ShiftList, ShiftTimeline, TimelineControls, type TimelineView } from "./Timeline.tsx";
import type { Gap, Timeline } from "./types.ts";

/** "Times are in America/Los_Angeles (PST), the schedule's time zone", and the viewer's own zone when it differs. */
export function ZoneNote({ zone }: { zone: string }) {
  const now = new Date().toISOString();
  const abbreviation = zoneAbbreviation(now, zone);
  return (
    <>
      Times are in {zone}
      {abbreviation && abbreviation !== zone ? ` (${abbreviation})` : ""}, the schedule&apos;s time zone
      {zoneDiffersFromViewer(zone) ? `; your own clock is on ${viewerZone()} time` : ""}.
    </>
  );
}

/** How many gaps the warnings list shows before "Show all". */
const GAPS_SHOWN = 5;

/**
 * What could go wrong if something broke: stretches with nobody on call, and people on the
 * rotations who could not be reached if paged. Shown before anything else, in red.
 */
export function OncallWarnings({ timeline, zone }: { timeline: Timeline; zone: string }) {
  const [allGaps, setAllGaps] = useState(false);
  const gaps = timeline.gaps;
  const unreachable = timeline.unreachable;
  const count = gaps.length + unreachable.length;
  if (count === 0) return null;
  const shown = allGaps ? gaps : gaps.slice(0, GAPS_SHOWN);
  const title = [
    gaps.length ? `${gaps.length} ${gaps.length === 1 ? "stretch" : "stretches"} with nobody on call` : "",
    unreachable.length
      ? `${unreachable.length} ${unreachable.length === 1 ? "person" : "people"} who cannot be paged`
      : "",
  ]
    .filter(Boolean)
    .join(" and ");
  return (
    <Alert
      color="red"
      variant="light"
      role="alert"
      icon={<IconAlertTriangle size={20} aria-hidden />}
      title={capitalize(title)}
    >
      <Stack gap="sm">
        {unreachable.length ? (
          <div>
            <Text size="sm" fw={600}>
              If paged, these people would not be reached:
            </Text>
            <List size="sm" spacing={2} icon={<IconUserOff size={14} aria-hidden />}>
              {byProblem(unreachable).map(([problem, names]) => (
                <List.Item key={problem}>
                  <span className="oc-wrap">
                    <strong>{listJoin(names)}</strong>: {problem}.
                  </span>
                </List.Item>
              ))}
            </List>
            <Text size="xs" c="dimmed" mt={4}>
              Each person can add and confirm a pager address on their account page (Where you are paged).
            </Text>
          </div>
        ) : null}
        {gaps.length ? (
          <div>
            <Text size="sm" fw={600}>
              Nobody is on call in these stretches (times in {zone}):
            </Text>
            <List size="sm" spacing={2}>
              {shown.map((g) => (
                <List.Item key={`${g.layer}-${g.start}`}>
                  <GapLine gap={g} zone={zone} layers={timeline.layers.length} />
                </List.Item>
              ))}
            </List>
            {gaps.length > GAPS_SHOWN ? (
              <Button
                variant="subtle"
                size="compact-sm"
                color="red"
                mt={4}
                onClick={() => setAllGaps((v) => !v)}
              >
                {allGaps ? "Show fewer" : `Show all ${gaps.length}`}
              </Button>
            ) : null}
          </div>
        ) : null}
      </Stack>
    </Alert>
  );
}

function GapLine({ gap, zone, layers }: { gap: Gap; zone: string; layers: number }) {
  return (
    <span className="oc-wrap">
      {layers > 1 ? <strong>{gap.layerName}: </strong> : null}
      {formatSpan(gap.start, gap.end, zone)} ({formatLength(gap.start, gap.end)})
    </span>
  );
}

/** People who cannot be paged for the same reason, said once: [reason, names]. */
function byProblem(people: Timeline["unreachable"]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const p of people) {
    const problem = p.problem ?? "cannot be paged";
    groups.set(problem, [...(groups.get(problem) ?? []), p.name]);
  }
  return [...groups];
}

function listJoin(items: string[]): string {
  return items.length <= 1
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function capitalize(text: string): string {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/**
 * Who is on call right now, per layer: the person, since and until when, and whether a page would
 * reach them (and where), or why not. A layer with nobody on call says so in red.
 */
export function OnCallNow({ timeline, zone }: { timeline: Timeline; zone: string }) {
  return (
    <section aria-labelledby="oc-now-title">
      <Title order={2} fz="h4" id="oc-now-title" mb="xs">
        On call now
      </Title>
      <div className="oc-now-grid">
        {timeline.layers.map((layer) => {
          const now = timeline.now.find((s) => s.layer === layer.layer);
          if (!now)
            return (
              <Card key={layer.layer} withBorder padding="md" className="oc-now-card" data-nobody>
                <Text size="xs" tt="uppercase" fw={700} c="dimmed">
                  {layer.name}
                </Text>
                <Text fw={700} c="red" mt={4}>
                  Nobody is on call right now
                </Text>
                <Text size="sm" c="dimmed">
                  A page for this layer would reach no one.
                </Text>
              </Card>
            );
          const problem = !now.contact.working;
          return (
            <Card
              key={layer.layer}
              withBorder
              padding="md"
              className="oc-now-card"
              data-problem={problem || undefined}
              aria-label={`${layer.name}: ${now.userName}`}
            >
              <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
                <Text size="xs" tt="uppercase" fw={700} c="dimmed">
                  {layer.name}
                </Text>
                {now.overrideId ? (
                  <Badge size="xs" variant="light" color="violet" tt="none">
                    Override
                  </Badge>
                ) : null}
              </Group>
              <Text fw={700} size="lg" className="oc-wrap" mt={2}>
                {now.userName}
              </Text>
              <Text size="sm" c="dimmed">
                Since {formatShort(now.start, zone)}
                <br />
                Until {formatShort(now.end, zone)}
              </Text>
              {problem ? (
                <Text size="sm" c="red" mt={6} className="oc-wrap">
                  <IconAlertTriangle size={14} aria-hidden style={{ verticalAlign: -2 }} /> Cannot be paged:{" "}
                  {now.contact.problem}.
                </Text>
              ) : (
                <Text size="sm" c="teal" mt={6} className="oc-wrap">
                  <IconBellRinging size={14} aria-hidden style={{ verticalAlign: -2 }} /> Paged at{" "}
                  {now.contact.addresses.join(", ")}
                </Text>
              )}
            </Card>
          );
        })}
      </div>
    </section>
  );
}

/** The timeline of a range with its controls: 1/2/4/8 weeks, as bars or as a list. */
export function TimelineCard({
  timeline,
  zone,
  now,
  weeks,
  view,
  onWeeks,
  onView,
  fetching,
}: {
  timeline: Timeline;
  zone: string;
  now: number;
  weeks: number;
  view: TimelineView;
  onWeeks: (weeks: number) => void;
  onView: (view: TimelineView) => void;
  fetching: boolean;
}) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="oc-timeline-title">
      <Stack gap="sm">
        <Group justify="space-between" gap="sm" wrap="wrap">
          <Group gap="xs" wrap="nowrap">
            <Title order={2} fz="h4" id="oc-timeline-title">
              {weeks === 1 ? "The next week" : `The next ${weeks} weeks`}
            </Title>
            {fetching ? <Loader size="xs" aria-label="Loading" /> : null}
          </Group>
          <TimelineControls weeks={weeks} view={view} onWeeks={onWeeks} onView={onView} />
        </Group>
        <Text size="sm" c="dimmed">
          <ZoneNote zone={zone} />
        </Text>
        {view === "list" ? (
          <ShiftList timeline={timeline} zone={zone} />
        ) : (
          <ShiftTimeline timeline={timeline} zone={zone} now={now} />
        )}
      </Stack>
    </Card>
  );
}
