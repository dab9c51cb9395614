import "./changes.css";
import {
  Anchor,
  Button,
  Card,
  EmptyState,
  Group,
  Loader,
  MultiSelect,
  Stack,
  Tabs,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { IconCalendarEvent, IconGavel, IconHistoryToggle, IconPlus, IconSearch } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { ApiError } from "../api/problem.ts";
import { viewerZone } from "../protocol/zone.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import {
  AutoApprovedBadge,
  ChangeStateBadge,
  ClassBadge,
  ReviewDueBadge,
  UnannouncedBadge,
  ZonedRange,
  ZonedTime,
} from "./badges.tsx";
import { canPlan, canRecord } from "./can.ts";
import { ChangesNav } from "./ChangesNav.tsx";
import { useLiveChanges } from "./live.ts";
import { useAwaitingMe, useChangeForm, useChangeList } from "./queries.ts";
import { CHANGE_CLASSES, type ChangeClass, type ChangeFilters, type ChangeSummary } from "./types.ts";
import { changeNumber, CLASS_LABELS } from "./words.ts";

type ViewKey = "upcoming" | "in_progress" | "done" | "drafts" | "closed" | "unannounced";

/** The list's tabs: which states (or which flag) each one shows, and in which order. */
const VIEWS: { key: ViewKey; label: string; filters: ChangeFilters; soonestFirst: boolean; empty: string }[] =
  [
    {
      key: "upcoming",
      label: "Upcoming",
      filters: { state: ["proposed", "approved", "reschedule_requested", "scheduled"] },
      soonestFirst: true,
      empty: "No change is planned. Proposed, approved and scheduled changes appear here.",
    },
    {
      key: "in_progress",
      label: "In progress",
      filters: { state: ["in_progress"] },
      soonestFirst: true,
      empty: "No change is being carried out right now.",
    },
    {
      key: "done",
      label: "Done",
      filters: { state: ["completed", "failed", "rolled_back", "reviewed"] },
      soonestFirst: false,
      empty: "Finished changes — completed, failed or rolled back — appear here with their outcome.",
    },
    {
      key: "drafts",
      label: "Drafts",
      filters: { state: ["draft"] },
      soonestFirst: false,
      empty: "No drafts. A change saved as a draft is not sent to the client until it is proposed.",
    },
    {
      key: "closed",
      label: "Cancelled or rejected",
      filters: { state: ["cancelled", "rejected"] },
      soonestFirst: false,
      empty: "No change has been cancelled or rejected.",
    },
    {
      key: "unannounced",
      label: "Unannounced",
      filters: { unannounced: true },
      soonestFirst: false,
      empty: "Every change so far was announced as the protocol requires.",
    },
  ];

/**
 * `/r/:relationshipId/changes`: the change requests of a relationship. The viewer's queue of
 * changes waiting for their decision comes first; then the list by stage, each change with its
 * class, state and window in the protocol's time zone (and the viewer's, when it differs).
 * Decisions made elsewhere appear without reloading (live pings).
 */
export function ChangesPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const form = useChangeForm(relationshipId);
  const awaiting = useAwaitingMe(relationshipId);
  const [params, setParams] = useSearchParams();
  useLiveChanges(relationshipId);

  const view = VIEWS.find((v) => v.key === params.get("view")) ?? VIEWS[0]!;
  const classes = (params.get("class") ?? "")
    .split(",")
    .filter((c): c is ChangeClass => (CHANGE_CLASSES as readonly string[]).includes(c));
  const q = params.get("q") ?? "";
  const list = useChangeList(relationshipId, {
    ...view.filters,
    ...(classes.length ? { class: classes } : {}),
    ...(q ? { q } : {}),
  });

  const update = (changes: Record<string, string | null>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value === null || value === "") next.delete(key);
          else next.set(key, value);
        }
        return next;
      },
      { replace: true },
    );

  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;
  const zone = form.data?.timezone ?? viewerZone();
  const noProtocol = form.error instanceof ApiError && form.error.status === 409;
  const viewer = relationship.data?.viewer;
  const items = sortForView(list.data?.items ?? [], view.soonestFirst);
  const queue = awaiting.data?.items ?? [];
  const base = `/r/${relationshipId}/changes`;

  return (
    <Page
      title="Changes"
      documentTitle={name ? `Changes — ${name}` : "Changes"}
      eyebrow={name}
      description="Changes to the client's environment: what, why, impact and when, approved by the people the protocol names, with notices sent on schedule to those affected."
      actions={
        noProtocol ? undefined : (
          <>
            {canPlan(viewer) ? (
              <Button component={Link} to={`${base}/new`} leftSection={<IconPlus size={16} aria-hidden />}>
                Propose a change
              </Button>
            ) : null}
            {canRecord(viewer) ? (
              <Button
                component={Link}
                to={`${base}/record`}
                variant={canPlan(viewer) ? "default" : "filled"}
                leftSection={<IconHistoryToggle size={16} aria-hidden />}
              >
                Report a change that happened
              </Button>
            ) : null}
          </>
        )
      }
    >
      <ChangesNav relationshipId={relationshipId} current="list" />

      {noProtocol ? (
        <ProblemAlert error={form.error} title="No protocol in effect yet">
          <Anchor component={Link} to={`/r/${relationshipId}/protocol`} size="sm" mt="xs" display="block">
            Open the protocol
          </Anchor>
        </ProblemAlert>
      ) : null}

      {queue.length > 0 ? (
        <Card
          withBorder
          padding="md"
          component="section"
          aria-labelledby="awaiting-title"
          className="awaiting-card"
        >
          <Group gap="xs" mb="sm">
            <IconGavel size={20} aria-hidden />
            <Title order={2} fz="h4" id="awaiting-title">
              Waiting for your decision
            </Title>
          </Group>
          <ul className="plain-list change-list" aria-labelledby="awaiting-title">
            {queue.map((c) => (
              <ChangeRow key={c.id} change={c} relationshipId={relationshipId} zone={zone} inQueue />
            ))}
          </ul>
        </Card>
      ) : null}

      <Tabs value={view.key} onChange={(v) => update({ view: v === "upcoming" ? null : v })}>
        <Tabs.List aria-label="Stage">
          {VIEWS.map((v) => (
            <Tabs.Tab key={v.key} value={v.key}>
              {v.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>

      <Filters
        searchText={q}
        classes={classes}
        onChange={update}
        pending={list.isFetching && !list.isPending}
      />

      {list.isPending ? (
        <Loading label="Loading changes…" />
      ) : list.isError ? (
        <ProblemAlert error={list.error} title="Could not load the changes" />
      ) : items.length === 0 ? (
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconCalendarEvent size={28} />}
            withIndicatorBackground
            title={
              q || classes.length
                ? "No change matches these filters"
                : `Nothing here: ${view.label.toLowerCase()}`
            }
            description={
              q || classes.length ? "Clear the search and the class filter to see more." : view.empty
            }
          />
        </Card>
      ) : (
        <Stack gap="sm">
          <Text size="sm" c="dimmed" aria-live="polite">
            {items.length === 1 ? "1 change" : `${items.length} changes`}
          </Text>
          <ul className="plain-list change-list" aria-label="Changes">
            {items.map((c) => (
              <ChangeRow key={c.id} change={c} relationshipId={relationshipId} zone={zone} />
            ))}
          </ul>
        </Stack>
      )}
    </Page>
  );
}

/** Upcoming work soonest first; finished, drafted and cancelled work most recent first. */
function sortForView(items: ChangeSummary[], soonestFirst: boolean): ChangeSummary[] {
  const sorted = [...items].sort((a, b) => Date.parse(a.plannedStart) - Date.parse(b.plannedStart));
  return soonestFirst ? sorted : sorted.reverse();
}

function Filters({
  searchText,
  classes,
  onChange,
  pending,
}: {
  searchText: string;
  classes: ChangeClass[];
  onChange: (changes: Record<string, string | null>) => void;
  pending: boolean;
}) {
  // The search box answers as one types, without a request per keystroke.
  const [text, setText] = useState(searchText);
  const search = useDebouncedCallback((value: string) => onChange({ q: value.trim() || null }), 300);
  return (
    <div className="change-filters">
      <TextInput
        label="Search"
        placeholder="Title, system or CHG number"
        leftSection={<IconSearch size={16} aria-hidden />}
        rightSection={pending ? <Loader size={14} /> : null}
        value={text}
        onChange={(e) => {
          setText(e.currentTarget.value);
          search(e.currentTarget.value);
        }}
        type="search"
      />
      <MultiSelect
        label="Class"
        placeholder={classes.length ? undefined : "Any class"}
        data={CHANGE_CLASSES.map((c) => ({ value: c, label: CLASS_LABELS[c] }))}
        value={classes}
        onChange={(v) => onChange({ class: v.join(",") || null })}
        clearable
      />
    </div>
  );
}

/** One change in a list; the whole row opens it (the title link's box covers the row). */
export function ChangeRow({
  change: c,
  relationshipId,
  zone,
  inQueue = false,
}: {
  change: ChangeSummary;
  relationshipId: string;
  zone: string;
  /** In the viewer's queue, where "waiting for your decision" goes without saying. */
  inQueue?: boolean;
}) {
  const reviewPending = c.reviewDueAt !== null && c.state !== "reviewed" && c.state !== "cancelled";
  return (
    <li className="change-row" data-change-number={c.number} data-class={c.class}>
      <div className="change-row-main">
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Text size="sm" c="dimmed" fw={600} className="change-number">
            {changeNumber(c.number)}
          </Text>
          <Anchor
            component={Link}
            to={`/r/${relationshipId}/changes/${c.id}`}
            className="change-row-link"
            fw={600}
            c="inherit"
            underline="hover"
          >
            {c.title}
          </Anchor>
        </Group>
        <Group gap={6} mt={6} wrap="wrap">
          <ClassBadge value={c.class} size="sm" />
          <ChangeStateBadge state={c.state} size="sm" />
          {c.unannounced ? <UnannouncedBadge size="sm" /> : null}
          {c.autoApproved ? <AutoApprovedBadge size="sm" /> : null}
          {reviewPending ? <ReviewDueBadge at={c.reviewDueAt!} size="sm" /> : null}
          {c.awaitingViewer && !inQueue ? (
            <Text size="xs" c="orange.8" fw={600} component="span">
              Waiting for your decision
            </Text>
          ) : null}
        </Group>
        {c.affectedSystems.length ? (
          <Text size="xs" c="dimmed" mt={4} className="change-row-systems">
            {c.affectedSystems.join(", ")}
          </Text>
        ) : null}
      </div>
      <div className="change-row-when">
        {c.actualStart && !c.actualEnd ? (
          // Started (or recorded) without an end yet: when it began, not a planned end.
          <Text size="sm" component="div">
            Since <ZonedTime iso={c.actualStart} zone={zone} inline />
          </Text>
        ) : (
          <ZonedRange start={c.actualStart ?? c.plannedStart} end={c.actualEnd ?? c.plannedEnd} zone={zone} />
        )}
        <Text size="xs" c="dimmed">
          By {c.createdByName}
        </Text>
      </div>
    </li>
  );
}
