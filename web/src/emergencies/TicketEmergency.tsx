import "./emergencies.css";
import { Alert, Anchor, Button, Group, Stack, Text } from "@mantine/core";
import { IconAlertOctagon } from "@tabler/icons-react";
import { Link } from "react-router";
import { EmergencyStateBadge } from "./badges.tsx";
import { useLiveEmergencies } from "./live.ts";
import { useEmergencyList } from "./queries.ts";
import { emergencyNumber, isOpenEmergency } from "./words.ts";

/**
 * On a ticket's page: its emergency, when one was declared on it (a link, with the state), and
 * for an open critical ticket without one, the way to declare it — for the people who may.
 */
export function TicketEmergency({
  relationshipId,
  ticket,
}: {
  relationshipId: string;
  ticket: { id: string; severity: string; state: string };
}) {
  const list = useEmergencyList(relationshipId);
  useLiveEmergencies(relationshipId);
  if (!list.data) return null;
  const mine = list.data.emergencies
    .filter((e) => e.ticketId === ticket.id)
    .sort((a, b) => Date.parse(b.declaredAt) - Date.parse(a.declaredAt));
  const open = mine.find((e) => isOpenEmergency(e.state));
  const ticketOpen = ticket.state !== "resolved" && ticket.state !== "closed";
  const canDeclare = list.data.canDeclare && ticketOpen && ticket.severity === "critical" && !open;
  if (!mine.length && !canDeclare) return null;
  return (
    <Stack gap="xs" data-testid="ticket-emergency">
      {open ? (
        <Alert
          color={open.state === "paging" ? "red" : "orange"}
          variant="light"
          icon={<IconAlertOctagon size={18} aria-hidden />}
          title="This ticket is an emergency"
        >
          <Group gap="xs" wrap="wrap">
            <Anchor component={Link} to={`/r/${relationshipId}/emergencies/${open.id}`} size="sm" fw={600}>
              {emergencyNumber(open.number)} {open.title}
            </Anchor>
            <EmergencyStateBadge state={open.state} size="sm" />
          </Group>
        </Alert>
      ) : null}
      {mine
        .filter((e) => e !== open)
        .map((e) => (
          <Text size="sm" key={e.id} component="div">
            <Text span c="dimmed" size="sm">
              Emergency:{" "}
            </Text>
            <Anchor component={Link} to={`/r/${relationshipId}/emergencies/${e.id}`} size="sm">
              {emergencyNumber(e.number)} {e.title}
            </Anchor>{" "}
            <EmergencyStateBadge state={e.state} size="xs" />
          </Text>
        ))}
      {canDeclare ? (
        <Group gap="xs" wrap="wrap">
          <Button
            component={Link}
            to={`/r/${relationshipId}/emergencies/new?ticket=${ticket.id}`}
            color="red"
            variant="light"
            leftSection={<IconAlertOctagon size={16} aria-hidden />}
          >
            Declare an emergency
          </Button>
          <Text size="xs" c="dimmed" style={{ flex: "1 1 14rem" }}>
            Pages the provider&apos;s on-call person now, when the protocol&apos;s emergency criteria are met.
          </Text>
        </Group>
      ) : null}
    </Stack>
  );
}
