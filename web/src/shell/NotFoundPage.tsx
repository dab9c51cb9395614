import { Button, Card, EmptyState } from "@mantine/core";
import { IconMapQuestion } from "@tabler/icons-react";
import { Link } from "react-router";
import { Page } from "../ui/Page.tsx";

/** Any address the app does not know. */
export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <Card withBorder padding="xl">
        <EmptyState
          icon={<IconMapQuestion size={28} />}
          withIndicatorBackground
          title="There is nothing at this address"
          description="The link may be mistyped, or the page may belong to a relationship you are not part of."
        >
          <EmptyState.Actions>
            <Button component={Link} to="/">
              Go to your relationships
            </Button>
          </EmptyState.Actions>
        </EmptyState>
      </Card>
    </Page>
  );
}
