import "./tickets.css";
import {
  Anchor,
  Button,
  Card,
  EmptyState,
  Group,
  Loader,
  MultiSelect,
  Select,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { IconFilterOff, IconPlus, IconSearch, IconTicket } from "@tabler/icons-react";
import { useMemo, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { ApiError } from "../api/problem.ts";
import { useMe } from "../identity/queries.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { DeadlineCountdown, SeverityBadge, StateBadge } from "./badges.tsx";
import { IntakeAddressLine } from "./IntakeAddressLine.tsx";
import { IntakeModal } from "./IntakeModal.tsx";
import { useLiveTickets } from "./live.ts";
import { useLevelNames } from "./names.ts";
import { useIntakeForm, useTicketList } from "./queries.ts";
import {
  type ClockFilter,
  SEVERITIES,
  type Severity,
  TICKET_STATES,
  type TicketFilters,
  type TicketState,
  type TicketSummary,
} from "./types.ts";
import { CLOCK_FILTER_LABELS, humanize, SEVERITY_LABELS, STATE_LABELS } from "./words.ts";

const CLOCK_FILTERS: ClockFilter[] = ["on_track", "warning", "breached", "paused"];

/** The filters as they are kept in the address (shareable, and kept on back/forward). */
function readFilters(params: URLSearchParams, myId: string | undefined): TicketFilters & { mine: boolean } {
  const list = <T extends string>(name: string, allowed: readonly T[]) =>
    (params.get(name) ?? "").split(",").filter((v): v is T => (allowed as readonly string[]).includes(v));
  const state = list("state", TICKET_STATES);
  const severity = list("severity", SEVERITIES);
  const clock = params.get("clock");
  const assignee = params.get("assignee") ?? undefined;
  const mine = assignee === "me";
  return {
    ...(state.length ? { state } : {}),
    ...(severity.length ? { severity } : {}),
    ...(clock && (CLOCK_FILTERS as string[]).includes(clock) ? { clock: clock as ClockFilter } : {}),
    ...(assignee ? { assignee: mine ? myId : assignee } : {}),
    ...(params.get("q") ? { q: params.get("q")! } : {}),
    mine,
  };
}

/**
 * `/r/:relationshipId/tickets`: the relationship's tickets, newest first, each with its severity,
 * state, who has it, its escalation level and the time left on its next deadline (counting down).
 * Filters live in the address. Changes made elsewhere appear without reloading (live pings).
 */
export function TicketsPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const me = useMe();
  const intake = useIntakeForm(relationshipId);
  const [params, setParams] = useSearchParams();
  const [raising, setRaising] = useState(params.get("new") === "1");
  useLiveTickets(relationshipId);

  const myId = me.data?.user.id;
  const filters = readFilters(params, myId);
  const { mine, ...query } = filters;
  const list = useTicketList(relationshipId, query, !mine || Boolean(myId));
  const levelNames = useLevelNames(relationshipId);

  const viewerSide = relationship.data?.viewer.side;
  const providerPeople = useMemo(() => relationship.data?.people.provider ?? [], [relationship.data]);
  const names = useMemo(() => new Map(providerPeople.map((p) => [p.userId, p.name])), [providerPeople]);
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;

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

  const noProtocol = intake.error instanceof ApiError && intake.error.status === 409;
  const canRaise = intake.data?.canRaise ?? false;
  const filtered = Boolean(query.state || query.severity || query.clock || params.get("assignee") || query.q);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Page
      title="Tickets"
      documentTitle={name ? `Tickets — ${name}` : "Tickets"}
      eyebrow={name}
      description="Issues raised by the client and worked by the provider, each with a severity based on business impact and the response, resolution and update clocks the protocol commits to."
      actions={
        canRaise ? (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setRaising(true)}>
            Raise a ticket
          </Button>
        ) : undefined
      }
    >
      {noProtocol ? (
        <ProblemAlert error={intake.error} title="No protocol in effect yet">
          <Anchor component={Link} to={`/r/${relationshipId}/protocol`} size="sm" mt="xs" display="block">
            Open the protocol
          </Anchor>
        </ProblemAlert>
      ) : null}

      {noProtocol ? null : <IntakeAddressLine relationshipId={relationshipId} />}

      <Filters
        filters={filters}
        searchText={params.get("q") ?? ""}
        onChange={update}
        providerPeople={providerPeople}
        showMine={viewerSide === "provider"}
        pending={list.isFetching && !list.isFetchingNextPage}
      />

      {list.isPending ? (
        <Loading label="Loading tickets…" />
      ) : list.isError ? (
        <ProblemAlert error={list.error} title="Could not load the tickets" />
      ) : items.length === 0 ? (
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconTicket size={28} />}
            withIndicatorBackground
            title={filtered ? "No ticket matches these filters" : "No tickets yet"}
            description={
              filtered
                ? "Clear the filters to see every ticket of this relationship."
                : canRaise
                  ? "When something is wrong, raise a ticket: answer a few questions about its impact, and the protocol suggests a severity with its response and resolution targets."
                  : "Tickets raised for this relationship will appear here."
            }
          >
            <EmptyState.Actions>
              {filtered ? (
                <Button
                  variant="default"
                  leftSection={<IconFilterOff size={16} aria-hidden />}
                  onClick={() =>
                    update({ state: null, severity: null, clock: null, assignee: null, q: null })
                  }
                >
                  Clear the filters
                </Button>
              ) : canRaise ? (
                <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setRaising(true)}>
                  Raise a ticket
                </Button>
              ) : null}
            </EmptyState.Actions>
          </EmptyState>
        </Card>
      ) : (
        <Stack gap="sm">
          <Text size="sm" c="dimmed" aria-live="polite">
            {items.length === 1 ? "1 ticket" : `${items.length} tickets`}
            {list.hasNextPage ? " (newest first; more below)" : ""}
            {mine ? ", assigned to you" : ""}
          </Text>
          <ul className="plain-list ticket-list" aria-label="Tickets">
            {items.map((t) => (
              <TicketRow
                key={t.id}
                ticket={t}
                relationshipId={relationshipId}
                assigneeName={t.assigneeId ? (names.get(t.assigneeId) ?? "Someone") : null}
                levelName={
                  t.escalationLevel
                    ? (levelNames.get(t.escalationLevel) ?? humanize(t.escalationLevel))
                    : null
                }
              />
            ))}
          </ul>
          {list.hasNextPage ? (
            <Group justify="center">
              <Button
                variant="default"
                onClick={() => void list.fetchNextPage()}
                loading={list.isFetchingNextPage}
              >
                Show older tickets
              </Button>
            </Group>
          ) : null}
        </Stack>
      )}

      {intake.data && canRaise ? (
        <IntakeModal
          opened={raising}
          onClose={() => {
            setRaising(false);
            if (params.get("new")) update({ new: null });
          }}
          relationshipId={relationshipId}
          form={intake.data}
          relationship={relationship.data}
        />
      ) : null}
    </Page>
  );
}

function Filters({
  filters,
  searchText,
  onChange,
  providerPeople,
  showMine,
  pending,
}: {
  filters: TicketFilters & { mine: boolean };
  searchText: string;
  onChange: (changes: Record<string, string | null>) => void;
  providerPeople: { userId: string; name: string }[];
  showMine: boolean;
  pending: boolean;
}) {
  // The search box answers as one types, without a request per keystroke; clearing the filters
  // (the address) empties it.
  const [text, setText] = useState(searchText);
  const [shownSearch, setShownSearch] = useState(searchText);
  if (shownSearch !== searchText) {
    setShownSearch(searchText);
    if (searchText !== text.trim()) setText(searchText);
  }
  const search = useDebouncedCallback((value: string) => onChange({ q: value.trim() || null }), 300);

  const assigneeValue = filters.mine ? "me" : (filters.assignee ?? "");
  const assigneeOptions = [
    { value: "", label: "Anyone" },
    { value: "none", label: "Unassigned" },
    ...(showMine ? [{ value: "me", label: "Assigned to me" }] : []),
    ...providerPeople.map((p) => ({ value: p.userId, label: p.name })),
  ];
  return (
    <Card withBorder padding="sm" component="section" aria-label="Filters">
      <div className="ticket-filters">
        <TextInput
          className="ticket-filters-search"
          label="Search"
          placeholder="Title or #number"
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
          label="State"
          placeholder={filters.state?.length ? undefined : "Any state"}
          data={TICKET_STATES.map((s) => ({ value: s, label: STATE_LABELS[s] }))}
          value={filters.state ?? []}
          onChange={(v) => onChange({ state: (v as TicketState[]).join(",") || null })}
          clearable
        />
        <MultiSelect
          label="Severity"
          placeholder={filters.severity?.length ? undefined : "Any severity"}
          data={SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABELS[s] }))}
          value={filters.severity ?? []}
          onChange={(v) => onChange({ severity: (v as Severity[]).join(",") || null })}
          clearable
        />
        <Select
          label="Clock"
          data={[
            { value: "", label: "Any clock status" },
            ...CLOCK_FILTERS.map((c) => ({ value: c, label: CLOCK_FILTER_LABELS[c] })),
          ]}
          value={filters.clock ?? ""}
          onChange={(v) => onChange({ clock: v || null })}
          allowDeselect={false}
        />
        <Select
          label="Assignee"
          data={assigneeOptions}
          value={assigneeValue}
          onChange={(v) => onChange({ assignee: v || null })}
          allowDeselect={false}
          searchable
        />
      </div>
    </Card>
  );
}

function TicketRow({
  ticket: t,
  relationshipId,
  assigneeName,
  levelName,
}: {
  ticket: TicketSummary;
  relationshipId: string;
  assigneeName: string | null;
  levelName: string | null;
}) {
  const done = t.state === "resolved" || t.state === "closed";
  return (
    <li className="ticket-row" data-ticket-number={t.number} data-clock={t.clockStatus}>
      <div className="ticket-row-main">
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Text size="sm" c="dimmed" fw={600} className="ticket-number">
            #{t.number}
          </Text>
          <Anchor
            component={Link}
            to={`/r/${relationshipId}/tickets/${t.id}`}
            className="ticket-row-link"
            fw={600}
            c="inherit"
            underline="hover"
          >
            {t.title}
          </Anchor>
        </Group>
        <Group gap={6} mt={6} wrap="wrap">
          <SeverityBadge severity={t.severity} size="sm" />
          <StateBadge state={t.state} size="sm" />
          {levelName ? (
            <Text size="xs" c="orange.8" fw={600} component="span">
              Escalated: {levelName}
            </Text>
          ) : null}
        </Group>
      </div>
      <div className="ticket-row-people">
        <Text size="sm">
          <Text span c="dimmed" size="sm">
            Assignee:{" "}
          </Text>
          {assigneeName ?? (
            <Text span fs="italic" size="sm">
              unassigned
            </Text>
          )}
        </Text>
        <Text size="xs" c="dimmed">
          Raised by {t.reporterName}
        </Text>
      </div>
      <div className="ticket-row-deadline">
        {done ? (
          <Text size="sm" c="dimmed">
            {t.state === "resolved" ? "Resolved" : "Closed"}
          </Text>
        ) : (
          <DeadlineCountdown deadline={t.nextDeadline} clockStatus={t.clockStatus} />
        )}
      </div>
    </li>
  );
}
