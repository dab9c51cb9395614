import { Alert, Badge, Button, Card, Group, Stack, Text } from "@mantine/core";
import { IconHourglassHigh } from "@tabler/icons-react";
import { Link, useParams } from "react-router";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Page } from "../ui/Page.tsx";
import { NotFoundPage } from "./NotFoundPage.tsx";
import { MODULE_ICONS } from "./navigation.tsx";
import { findUpcomingModule } from "./upcoming.ts";

/** `/r/:relationshipId/<module>` for a module that is not built yet: what it will do here, honestly. */
export function UpcomingModulePage() {
  const { relationshipId = "", module } = useParams();
  const upcoming = findUpcomingModule(module);
  const relationship = useRelationship(relationshipId);
  if (!upcoming) return <NotFoundPage />;
  const Icon = MODULE_ICONS[upcoming.key];
  const parties = relationship.data
    ? { client: relationship.data.client.name, provider: relationship.data.provider.name }
    : { client: "your organization", provider: "your provider" };
  return (
    <Page
      title={upcoming.label}
      documentTitle={
        relationship.data ? `${upcoming.label} — ${relationshipTitle(relationship.data)}` : upcoming.label
      }
      eyebrow={relationship.data ? relationshipTitle(relationship.data) : undefined}
    >
      <Card withBorder padding="xl">
        <Stack gap="md" maw={680}>
          <Group gap="sm">
            <Icon size={28} aria-hidden stroke={1.6} />
            <Badge variant="light" color="gray">
              Coming soon
            </Badge>
          </Group>
          <Text size="md" lh={1.6}>
            {upcoming.describe(parties)}
          </Text>
          <Alert variant="light" color="blue" icon={<IconHourglassHigh size={20} aria-hidden />}>
            <Text size="sm">
              {upcoming.label} is not available yet, so there is nothing to show here — no sample data. When
              it arrives, it will start recording for this relationship from that day, and every change will
              also appear in the audit trail.
            </Text>
          </Alert>
          <Group gap="xs">
            <Button component={Link} to={`/r/${relationshipId}`} variant="default">
              Back to the overview
            </Button>
            {relationship.data?.abilities.readAudit ? (
              <Button component={Link} to={`/r/${relationshipId}/audit`} variant="subtle">
                See the audit trail
              </Button>
            ) : null}
          </Group>
        </Stack>
      </Card>
    </Page>
  );
}
