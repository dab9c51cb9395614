import { Badge, Group, List, Stack, Text, ThemeIcon } from "@mantine/core";
import { IconCheck, IconStairsUp } from "@tabler/icons-react";
import { roleLabel } from "../identity/roles.ts";
import type { TicketDetail } from "./types.ts";

/**
 * Where the ticket stands on the protocol's escalation ladder: the level it is at, who holds that
 * level and what they may decide, then every level with what triggers it.
 */
export function EscalationPanel({ escalation }: { escalation: TicketDetail["escalation"] }) {
  const { level, holders, ladder } = escalation;
  const current = level ? ladder.findIndex((l) => l.id === level.id) : -1;
  return (
    <Stack gap="md">
      {level ? (
        <Stack gap={6} data-testid="escalation-current">
          <Group gap="xs">
            <ThemeIcon size="sm" radius="xl" color="orange" variant="light" aria-hidden>
              <IconStairsUp size={14} />
            </ThemeIcon>
            <Text fw={600}>Escalated to {level.name}</Text>
            <Badge size="xs" variant="light" color={level.side === "client" ? "blue" : "violet"}>
              {level.side}
            </Badge>
          </Group>
          <Text size="sm">
            <Text span c="dimmed" size="sm">
              Held by:{" "}
            </Text>
            {holders.length
              ? holders.map((h) => `${h.name} (${roleLabel(h.role)})`).join(", ")
              : "nobody holds this level yet"}
          </Text>
          <Text size="sm">{level.authority.summary}</Text>
          {level.authority.decisions.length ? (
            <>
              <Text size="xs" c="dimmed">
                May decide to:
              </Text>
              <List size="sm" spacing={2}>
                {level.authority.decisions.map((d) => (
                  <List.Item key={d}>{d}</List.Item>
                ))}
              </List>
            </>
          ) : null}
        </Stack>
      ) : (
        <Text size="sm" c="dimmed" data-testid="escalation-current">
          Not escalated: the assigned team is working it.
        </Text>
      )}
      {ladder.length ? (
        <Stack gap={4}>
          <Text size="xs" fw={700} c="dimmed" tt="uppercase">
            The escalation path
          </Text>
          <ol className="plain-list escalation-ladder">
            {ladder.map((l, i) => {
              const reached = i <= current;
              const isCurrent = i === current;
              return (
                <li key={l.id} data-reached={reached || undefined} data-current={isCurrent || undefined}>
                  <Group gap={6} wrap="nowrap" align="flex-start">
                    <ThemeIcon
                      size={18}
                      radius="xl"
                      variant={reached ? "filled" : "light"}
                      color={reached ? "orange" : "gray"}
                      aria-hidden
                    >
                      {reached ? <IconCheck size={12} /> : <Text size="10px">{i + 1}</Text>}
                    </ThemeIcon>
                    <Stack gap={0} style={{ minWidth: 0 }}>
                      <Text size="sm" fw={isCurrent ? 700 : 500}>
                        {l.name}
                        {isCurrent ? " — current level" : ""}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {l.side === "client" ? "Client" : "Provider"} ·{" "}
                        {l.trigger === "manual"
                          ? "on request only"
                          : / after /.test(l.trigger)
                            ? `automatically ${l.trigger}`
                            : `automatically at ${l.trigger}`}
                      </Text>
                      <Text size="xs">{l.authority.summary}</Text>
                    </Stack>
                  </Group>
                </li>
              );
            })}
          </ol>
        </Stack>
      ) : null}
    </Stack>
  );
}
