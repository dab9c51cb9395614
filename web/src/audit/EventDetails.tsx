import { Badge, Code, Group, Stack, Table, Text } from "@mantine/core";
import { IconLink, IconLinkOff } from "@tabler/icons-react";
import type { AuditEvent } from "./types.ts";

/**
 * What changed (before → after, field by field) and the event's place in the hash chain.
 * `older` is the event just before this one, when it is loaded, so the link between the two
 * can be checked in the browser.
 */
export function EventDetails({ event, older }: { event: AuditEvent; older?: AuditEvent }) {
  const rows = changeRows(event.before, event.after);
  return (
    <Stack gap="sm">
      {rows.length > 0 ? (
        <Table.ScrollContainer minWidth={360}>
          <Table withTableBorder withColumnBorders fz="sm" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Field</Table.Th>
                <Table.Th scope="col">Before</Table.Th>
                <Table.Th scope="col">After</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.field}>
                  <Table.Th scope="row" fw={500}>
                    {row.field}
                  </Table.Th>
                  <Table.Td c={row.changed ? undefined : "dimmed"}>{row.before}</Table.Td>
                  <Table.Td fw={row.changed ? 600 : undefined} c={row.changed ? undefined : "dimmed"}>
                    {row.after}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Text size="sm" c="dimmed">
          No field values were recorded for this event.
        </Text>
      )}
      <dl className="event-meta">
        <dt>Event number</dt>
        <dd>{String(event.seq)}</dd>
        <dt>Hash</dt>
        <dd>
          <Code fz="xs">{event.hash}</Code>
        </dd>
        <dt>Previous hash</dt>
        <dd>
          {event.prevHash && !/^0+$/.test(event.prevHash) ? (
            <Code fz="xs">{event.prevHash}</Code>
          ) : (
            <Text size="xs" span>
              none — this is the first event of its chain
            </Text>
          )}
        </dd>
        {event.requestId ? (
          <>
            <dt>Request</dt>
            <dd>
              <Code fz="xs">{event.requestId}</Code>
            </dd>
          </>
        ) : null}
      </dl>
      {older ? <ChainLink event={event} older={older} /> : null}
    </Stack>
  );
}

function ChainLink({ event, older }: { event: AuditEvent; older: AuditEvent }) {
  // Organization timelines interleave events from one chain; a mismatch with the previous
  // *listed* event is only meaningful when the sequence numbers are consecutive.
  if (Number(older.seq) !== Number(event.seq) - 1) return null;
  const linked = event.prevHash === older.hash;
  return (
    <Group gap={6}>
      <Badge
        variant="light"
        color={linked ? "teal" : "red"}
        leftSection={linked ? <IconLink size={14} aria-hidden /> : <IconLinkOff size={14} aria-hidden />}
      >
        {linked ? `Chained to event ${older.seq}` : `Does not match event ${older.seq}`}
      </Badge>
    </Group>
  );
}

interface ChangeRow {
  field: string;
  before: string;
  after: string;
  changed: boolean;
}

function changeRows(before: unknown, after: unknown): ChangeRow[] {
  const b = asRecord(before);
  const a = asRecord(after);
  if (!b && !a) return [];
  const fields = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])];
  return fields.map((field) => {
    const beforeValue = b ? show(b[field]) : "—";
    const afterValue = a ? show(a[field]) : "—";
    return { field, before: beforeValue, after: afterValue, changed: beforeValue !== afterValue };
  });
}

function asRecord(value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  return { value };
}

function show(value: unknown): string {
  if (value === undefined) return "—";
  if (value === null) return "none";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}
