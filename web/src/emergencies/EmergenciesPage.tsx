import "./emergencies.css";
import { Anchor, Button, Card, EmptyState, Group, Stack, Text, Title } from "@mantine/core";
import { IconAlertOctagon, IconShieldCheck } from "@tabler/icons-react";
import { Link, useParams } from "react-router";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { EmergencyStateBadge, Moment } from "./badges.tsx";
import { EmergenciesNav } from "./EmergenciesNav.tsx";
import { useLiveEmergencies } from "./live.ts";
import { useEmergencyList } from "./queries.ts";
import type { EmergencySummary } from "./types.ts";
import { emergencyNumber, isOpenEmergency } from "./words.ts";

/** Paging before acknowledged: the one nobody has answered yet comes first. */
const OPEN_ORDER: Record<string, number> = { paging: 0, acknowledged: 1 };

/**
 * `/r/:relationshipId/emergencies`: the emergencies of a relationship — the open ones first
 * (still paging, then acknowledged), then the resolved ones, latest first — with their state,
 * system and when they were declared. Both sides see the same list, and it follows changes made
 * elsewhere without reloading.
 */
export function EmergenciesPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const list = useEmergencyList(relationshipId);
  useLiveEmergencies(relationshipId);
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;
  const all = list.data?.emergencies ?? [];
  const open = all
    .filter((e) => isOpenEmergency(e.state))
    .sort(
      (a, b) =>
        (OPEN_ORDER[a.state] ?? 2) - (OPEN_ORDER[b.state] ?? 2) ||
        Date.parse(b.declaredAt) - Date.parse(a.declaredAt),
    );
  const resolved = all
    .filter((e) => !isOpenEmergency(e.state))
    .sort((a, b) => Date.parse(b.declaredAt) - Date.parse(a.declaredAt));

  return (
    <Page
      title="Emergencies"
      documentTitle={name ? `Emergencies — ${name}` : "Emergencies"}
      eyebrow={name}
      description="When something critical stops, an emergency pages whoever is on call at once and keeps paging along the chain until someone acknowledges. Every page, action and approval is recorded, and a review follows."
      actions={
        list.data?.canDeclare ? (
          <Button
            component={Link}
            to={`/r/${relationshipId}/emergencies/new`}
            color="red"
            leftSection={<IconAlertOctagon size={16} aria-hidden />}
          >
            Declare an emergency
          </Button>
        ) : undefined
      }
    >
      <EmergenciesNav relationshipId={relationshipId} current="emergencies" />
      {list.isPending ? (
        <Loading label="Loading emergencies…" />
      ) : list.isError ? (
        <ProblemAlert error={list.error} title="Could not load the emergencies" />
      ) : all.length === 0 ? (
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconShieldCheck size={28} />}
            withIndicatorBackground
            title="No emergencies so far"
            description="An emergency is declared when the protocol's criteria are met — for example when a critical system is down and the business cannot operate."
          />
        </Card>
      ) : (
        <Stack gap="lg">
          <Section
            id="open-title"
            title="Open now"
            empty="Nothing is open: no one is being paged and no emergency is in progress."
            items={open}
            relationshipId={relationshipId}
          />
          <Section
            id="resolved-title"
            title="Resolved"
            empty="No emergency has been resolved yet."
            items={resolved}
            relationshipId={relationshipId}
          />
        </Stack>
      )}
    </Page>
  );
}

function Section({
  id,
  title,
  empty,
  items,
  relationshipId,
}: {
  id: string;
  title: string;
  empty: string;
  items: EmergencySummary[];
  relationshipId: string;
}) {
  return (
    <Stack gap="xs" component="section" aria-labelledby={id}>
      <Title order={2} fz="h4" id={id}>
        {title}
        {items.length ? (
          <Text span c="dimmed" size="sm" fw={400}>
            {" "}
            ({items.length})
          </Text>
        ) : null}
      </Title>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        <ul className="plain-list emergency-list" aria-labelledby={id}>
          {items.map((e) => (
            <EmergencyRow key={e.id} e={e} relationshipId={relationshipId} />
          ))}
        </ul>
      )}
    </Stack>
  );
}

function EmergencyRow({ e, relationshipId }: { e: EmergencySummary; relationshipId: string }) {
  return (
    <li className="emergency-row" data-state={e.state} data-emergency-number={e.number}>
      <div style={{ minWidth: 0 }}>
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Text size="sm" c="dimmed" fw={600} className="emergency-number">
            {emergencyNumber(e.number)}
          </Text>
          <Anchor
            component={Link}
            to={`/r/${relationshipId}/emergencies/${e.id}`}
            className="emergency-row-link"
            fw={600}
            c="inherit"
            underline="hover"
          >
            {e.title}
          </Anchor>
        </Group>
        <Group gap={6} mt={6} wrap="wrap">
          <EmergencyStateBadge state={e.state} size="sm" />
          <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
            {e.affectedSystem}
          </Text>
        </Group>
      </div>
      <div className="emergency-row-when">
        <Text size="sm" component="div">
          Declared <Moment iso={e.declaredAt} size="sm" />
        </Text>
        <Text size="xs" c="dimmed">
          By {e.declaredByName}
        </Text>
        {e.resolvedAt ? (
          <Text size="xs" c="dimmed" component="div">
            Resolved <Moment iso={e.resolvedAt} size="xs" />
          </Text>
        ) : e.acknowledgedAt ? (
          <Text size="xs" c="dimmed" component="div">
            Acknowledged <Moment iso={e.acknowledgedAt} size="xs" />
          </Text>
        ) : null}
      </div>
    </li>
  );
}
