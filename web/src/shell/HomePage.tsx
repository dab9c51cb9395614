import { Button, Card, EmptyState, Group } from "@mantine/core";
import { IconArrowsLeftRight } from "@tabler/icons-react";
import { Link, Navigate } from "react-router";
import { useMe } from "../identity/queries.ts";
import { Page } from "../ui/Page.tsx";

/** `/`: straight to the first relationship, or what to do when there is none. */
export function HomePage() {
  const me = useMe();
  const relationships = me.data?.relationships ?? [];
  const first = relationships[0];
  if (first) return <Navigate to={`/r/${first.id}`} replace />;
  const adminOf = (me.data?.memberships ?? []).filter((m) => m.admin);
  return (
    <Page title="Welcome to Liaison">
      <Card withBorder padding="xl">
        <EmptyState
          icon={<IconArrowsLeftRight size={28} />}
          withIndicatorBackground
          title="You are not part of any relationship yet"
          description="Ask your organization's admin to add you. A relationship links a client organization with its managed service provider; once your organization is party to one, it will open here."
        >
          {adminOf.length > 0 ? (
            <EmptyState.Actions>
              <Group justify="center" gap="xs">
                {adminOf.map((m) => (
                  <Button key={m.orgId} component={Link} to={`/org/${m.orgId}/people`} variant="light">
                    People — {m.orgName}
                  </Button>
                ))}
              </Group>
            </EmptyState.Actions>
          ) : null}
        </EmptyState>
      </Card>
    </Page>
  );
}
