import {
  Anchor,
  Avatar,
  Badge,
  Card,
  EmptyState,
  Group,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { IconArrowRight, IconBuildingSkyscraper, IconHeadset, IconUsers } from "@tabler/icons-react";
import { Link, useParams } from "react-router";
import { EventTimeline } from "../audit/EventTimeline.tsx";
import { roleLabel, sideLabel } from "../identity/roles.ts";
import { useSession } from "../identity/session.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { relationshipTitle } from "./format.ts";
import { useRelationship } from "./queries.ts";
import type { Person, RelationshipDetail, Side } from "./types.ts";

/** `/r/:relationshipId`: who the two parties are, who is on each side, and what happened lately. */
export function OverviewPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);

  if (relationship.isPending) return <Loading label="Loading the relationship…" />;
  if (relationship.isError) {
    return (
      <Page title="Relationship">
        <ProblemAlert error={relationship.error} title="Could not load this relationship" />
      </Page>
    );
  }
  const r = relationship.data;
  return (
    <Page
      title={relationshipTitle(r)}
      eyebrow={
        <Group gap="xs" component="span">
          <span>Relationship overview</span>
          <Badge size="sm" variant="light" color={r.status === "active" ? "teal" : "gray"}>
            {r.status}
          </Badge>
        </Group>
      }
      description={
        <>
          You are on the <strong>{r.viewer.side}</strong> side as <strong>{roleLabel(r.viewer.role)}</strong>
          {r.viewer.admin ? " and an admin of your organization" : ""}.
        </>
      }
    >
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <PartyCard relationship={r} side="client" />
        <PartyCard relationship={r} side="provider" />
      </SimpleGrid>
      <RecentActivity relationship={r} />
    </Page>
  );
}

function PartyCard({ relationship, side }: { relationship: RelationshipDetail; side: Side }) {
  const party = relationship[side];
  const people = relationship.people[side];
  const mine = relationship.viewer.side === side;
  const session = useSession();
  const myId = session.data?.user.id;
  const headingId = `party-${side}`;
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby={headingId}>
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <Avatar color={side === "client" ? "blue" : "violet"} radius="md" aria-hidden>
              {side === "client" ? <IconBuildingSkyscraper size={20} /> : <IconHeadset size={20} />}
            </Avatar>
            <div style={{ minWidth: 0 }}>
              <Text size="xs" tt="uppercase" fw={700} c="dimmed">
                {side === "client" ? "Client" : "Managed service provider"}
              </Text>
              <Title order={2} fz="h4" id={headingId} style={{ overflowWrap: "anywhere" }}>
                {party.name}
              </Title>
            </div>
          </Group>
          {mine ? (
            <Badge variant="light" color="teal" style={{ flexShrink: 0 }}>
              Your side
            </Badge>
          ) : null}
        </Group>
        {people.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nobody from {party.name} is listed on this relationship yet.{" "}
            {mine && relationship.viewer.admin
              ? "Add people from the People page of your organization."
              : `An admin of ${party.name} can add people.`}
          </Text>
        ) : (
          <Stack gap="xs" component="ul" style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {people.map((person) => (
              <PersonRow key={person.userId} person={person} isYou={person.userId === myId} />
            ))}
          </Stack>
        )}
        <Text size="xs" c="dimmed">
          {people.length === 1 ? "1 person" : `${people.length} people`} · {sideLabel(side)}
        </Text>
      </Stack>
    </Card>
  );
}

function PersonRow({ person, isYou }: { person: Person; isYou: boolean }) {
  return (
    <Group component="li" gap="sm" wrap="nowrap" align="center">
      <Avatar size="md" radius="xl" color="initials" name={person.name} aria-hidden />
      <div style={{ minWidth: 0, flex: 1 }}>
        <Text size="sm" fw={500} style={{ overflowWrap: "anywhere" }}>
          {person.name}
          {isYou ? (
            <Text component="span" size="sm" c="dimmed">
              {" "}
              (you)
            </Text>
          ) : null}
        </Text>
        <Text size="xs" c="dimmed" truncate>
          {person.email}
        </Text>
      </div>
      <Badge variant="default" radius="sm" tt="none" fw={500} style={{ flexShrink: 0 }}>
        {roleLabel(person.role)}
      </Badge>
    </Group>
  );
}

function RecentActivity({ relationship }: { relationship: RelationshipDetail }) {
  const auditPath = `/r/${relationship.id}/audit`;
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="recent-activity">
      <Stack gap="md">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} fz="h4" id="recent-activity">
            Recent activity
          </Title>
          {relationship.abilities.readAudit ? (
            <Anchor component={Link} to={auditPath} size="sm">
              <Group gap={4} component="span">
                Open the audit trail <IconArrowRight size={14} aria-hidden />
              </Group>
            </Anchor>
          ) : null}
        </Group>
        {relationship.recentEvents.length === 0 ? (
          <EmptyState
            size="sm"
            icon={<IconUsers size={22} />}
            withIndicatorBackground
            title="No activity yet"
            description="When people are added, tokens are created or the protocol changes, it will show up here."
          />
        ) : (
          <EventTimeline events={relationship.recentEvents.slice(0, 8)} compact />
        )}
      </Stack>
    </Card>
  );
}
