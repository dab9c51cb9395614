import "./touchpoints.css";
import { Anchor, Button, Card, EmptyState, Group, SegmentedControl, Stack, Text } from "@mantine/core";
import { IconCheck, IconListCheck } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { formatCalendarDate, viewerZone } from "../protocol/zone.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { DoneBadge, OverdueBadge, ZonedTime } from "./badges.tsx";
import { CompleteActionDialog } from "./ItemDialogs.tsx";
import { useActions, useTouchpoints } from "./queries.ts";
import { useLiveTouchpoints } from "./live.ts";
import { TouchpointsNav } from "./TouchpointsNav.tsx";
import type { ActionFilter, ActionItem } from "./types.ts";
import { actionNumber, formatZoned, meetingNumber } from "./words.ts";

const FILTERS: { value: ActionFilter; label: string }[] = [
  { value: "open", label: "Open" },
  { value: "overdue", label: "Overdue" },
  { value: "done", label: "Done" },
  { value: "all", label: "All" },
];

const EMPTY: Record<ActionFilter, string> = {
  open: "No open action item: everything agreed in the meetings is done.",
  overdue: "Nothing is overdue.",
  done: "No action item has been marked done yet.",
  all: "No action item yet. They are given in the meetings, on an agenda item, with one owner and a due date.",
};

/**
 * `/r/:relationshipId/touchpoints/actions`: every action item the meetings gave, with its owner,
 * due date and the meeting and item it came from — open ones (overdue first) by default. An
 * open item stays on every agenda until its owner (or an organizer) marks it done.
 */
export function ActionsPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  useLiveTouchpoints(relationshipId);
  const [params, setParams] = useSearchParams();
  const raw = params.get("state");
  const filter: ActionFilter = FILTERS.some((f) => f.value === raw) ? (raw as ActionFilter) : "open";
  const actions = useActions(relationshipId, filter);
  // The series gives the protocol's zone, for the meetings' times.
  const overview = useTouchpoints(relationshipId);
  const zone = overview.data?.series?.timeZone ?? viewerZone();
  const [completing, setCompleting] = useState<ActionItem | null>(null);
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;
  const items = actions.data?.actions ?? [];

  return (
    <Page
      title="Action items"
      documentTitle={name ? `Action items — ${name}` : "Action items"}
      eyebrow={name}
      description="What the meetings agreed someone would do: one owner, one due date each. Open items carry over to every agenda until they are done; the owner is reminded once one is overdue."
    >
      <TouchpointsNav relationshipId={relationshipId} current="actions" />
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Text size="sm" c="dimmed">
          {overview.data
            ? `${overview.data.openActions} open · ${overview.data.overdueActions} overdue`
            : "\u00a0"}
        </Text>
        <SegmentedControl
          size="xs"
          aria-label="Show"
          value={filter}
          onChange={(v) =>
            setParams(
              (current) => {
                const next = new URLSearchParams(current);
                if (v === "open") next.delete("state");
                else next.set("state", v);
                return next;
              },
              { replace: true },
            )
          }
          data={FILTERS}
        />
      </Group>
      {actions.isPending ? (
        <Loading label="Loading the action items…" />
      ) : actions.isError && !actions.data ? (
        <ProblemAlert error={actions.error} title="Could not load the action items" />
      ) : items.length === 0 ? (
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconListCheck size={28} />}
            withIndicatorBackground
            title={filter === "all" ? "No action items yet" : "Nothing to show"}
            description={EMPTY[filter]}
          />
        </Card>
      ) : (
        <Stack gap="xs" component="ul" className="plain-list" aria-label="Action items">
          {items.map((a) => (
            <ActionRow
              key={a.id}
              a={a}
              zone={zone}
              relationshipId={relationshipId}
              onComplete={setCompleting}
            />
          ))}
        </Stack>
      )}
      <CompleteActionDialog
        relationshipId={relationshipId}
        action={completing}
        onClose={() => setCompleting(null)}
      />
    </Page>
  );
}

function ActionRow({
  a,
  zone,
  relationshipId,
  onComplete,
}: {
  a: ActionItem;
  zone: string;
  relationshipId: string;
  onComplete: (a: ActionItem) => void;
}) {
  return (
    <li
      className="tp-action-row"
      data-action-number={a.number}
      data-overdue={a.overdue || undefined}
      data-done={a.done || undefined}
    >
      <Stack gap={4} style={{ minWidth: 0 }}>
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Text size="sm" c="dimmed" fw={600} className="tp-number">
            {actionNumber(a.number)}
          </Text>
          <Text size="sm" fw={600} className="tp-wrap">
            {a.title}
          </Text>
        </Group>
        <Text size="xs" c="dimmed" className="tp-wrap" component="div">
          From{" "}
          <Anchor component={Link} to={`/r/${relationshipId}/touchpoints/meetings/${a.meeting.id}`} size="xs">
            {meetingNumber(a.meeting.number)}, {formatZoned(a.meeting.start, zone)}
          </Anchor>{" "}
          · on “{a.itemTitle}” · given by {a.createdByName}
        </Text>
        {a.done ? (
          <Text size="xs" c="dimmed" component="div" className="tp-wrap">
            Done{a.doneByName ? ` by ${a.doneByName}` : ""}
            {a.doneAt ? (
              <>
                , <ZonedTime iso={a.doneAt} zone={zone} size="xs" c="dimmed" />
              </>
            ) : null}
            {a.doneNote ? `: ${a.doneNote}` : ""}
          </Text>
        ) : null}
      </Stack>
      <Stack gap={4} className="tp-action-side">
        <Text size="sm" className="tp-wrap">
          {a.owner.name}
        </Text>
        <Group gap={6} wrap="wrap">
          <Text size="xs" c={a.overdue ? "red.8" : "dimmed"}>
            Due {formatCalendarDate(a.dueOn)}
          </Text>
          {a.done ? <DoneBadge size="xs" /> : a.overdue ? <OverdueBadge size="xs" /> : null}
        </Group>
        {a.canComplete && !a.done ? (
          <Button
            size="compact-xs"
            variant="light"
            color="green"
            w="fit-content"
            leftSection={<IconCheck size={12} aria-hidden />}
            onClick={() => onComplete(a)}
          >
            Mark done
          </Button>
        ) : null}
      </Stack>
    </li>
  );
}
