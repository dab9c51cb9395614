import { Button, Card, Center, EmptyState, Stack, Text } from "@mantine/core";
import { IconHistory } from "@tabler/icons-react";
import { Loading } from "../ui/Loading.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { EventTimeline } from "./EventTimeline.tsx";
import { type AuditScope, useEvents } from "./queries.ts";

/** The full, paged audit timeline of a relationship or an organization, newest first. */
export function AuditTrail({ scope }: { scope: AuditScope }) {
  const events = useEvents(scope);
  // Kept before the narrowing below: a failed "load older" leaves the loaded pages in place.
  const olderError = events.isFetchNextPageError ? events.error : null;

  if (events.isPending) return <Loading label="Loading the audit trail…" />;
  if (events.isError) return <ProblemAlert error={events.error} title="Could not load the audit trail" />;

  const items = events.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <Card withBorder padding="xl">
        <EmptyState
          icon={<IconHistory size={28} />}
          withIndicatorBackground
          title="Nothing has happened here yet"
          description={
            scope.kind === "relationship"
              ? "Every change in this relationship — people added, tokens created, and soon tickets, changes and protocol signatures — will be recorded here as it happens, in order, and cannot be edited afterwards."
              : "Every change to this organization's people will be recorded here as it happens, in order, and cannot be edited afterwards."
          }
        />
      </Card>
    );
  }

  return (
    <Stack gap="md">
      <Card withBorder padding="lg">
        <EventTimeline events={items} />
      </Card>
      {olderError ? <ProblemAlert error={olderError} title="Could not load older events" /> : null}
      <Center>
        {events.hasNextPage ? (
          <Button
            variant="default"
            onClick={() => events.fetchNextPage()}
            loading={events.isFetchingNextPage}
          >
            Load older events
          </Button>
        ) : (
          <Text size="sm" c="dimmed">
            {items.length === 1 ? "This is the only event so far." : "You have reached the first event."}
          </Text>
        )}
      </Center>
    </Stack>
  );
}
