import { Badge, Code, Group, Stack, Table, Text } from "@mantine/core";
import { IconLink, IconLinkOff } from "@tabler/icons-react";
import { roleLabel } from "../identity/roles.ts";
import { formatAbsolute } from "../ui/time.tsx";
import type { AuditEvent } from "./types.ts";

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * What changed (before → after, field by field) and the event's place in the hash chain.
 * `older` is the event just before this one, when it is loaded, so the link between the two
 * can be checked in the browser.
 */
export function EventDetails({ event, older }: { event: AuditEvent; older?: AuditEvent }) {
  const table = changeTable(event.before, event.after);
  return (
    <Stack gap="sm">
      {table.rows.length > 0 ? (
        <Table.ScrollContainer minWidth={300}>
          <Table withTableBorder withColumnBorders fz="sm" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Field</Table.Th>
                {table.columns.map((c) => (
                  <Table.Th scope="col" key={c}>
                    {c}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {table.rows.map((row) => (
                <Table.Tr key={row.field}>
                  <Table.Th scope="row" fw={500}>
                    {fieldLabel(row.field)}
                  </Table.Th>
                  {row.values.map((value, i) => (
                    <Table.Td
                      // Columns are positional (before, after): the index is the identity.
                      key={i}
                      fw={row.changed && i === row.values.length - 1 ? 600 : undefined}
                      c={row.changed || row.values.length === 1 ? undefined : "dimmed"}
                      style={{ overflowWrap: "anywhere" }}
                    >
                      {value}
                    </Table.Td>
                  ))}
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

interface ChangeTable {
  columns: string[];
  rows: { field: string; values: string[]; changed: boolean }[];
}

/**
 * Before and after side by side when both exist; a single column when the event created
 * something (only after) or removed it (only before).
 */
function changeTable(before: unknown, after: unknown): ChangeTable {
  const b = asRecord(before);
  const a = asRecord(after);
  if (b && a) {
    const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    return {
      columns: ["Before", "After"],
      rows: fields.map((field) => {
        const values = [show(field, b[field]), show(field, a[field])];
        return { field, values, changed: values[0] !== values[1] };
      }),
    };
  }
  const only = a ?? b;
  if (!only) return { columns: [], rows: [] };
  return {
    columns: [a ? "Recorded value" : "Value before"],
    rows: Object.keys(only).map((field) => ({ field, values: [show(field, only[field])], changed: false })),
  };
}

/** "expiresAt" → "Expires at", "user_agent" → "User agent". */
function fieldLabel(field: string): string {
  const words = field
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function asRecord(value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  return { value };
}

/** A recorded value in words: roles by their label, yes/no, dates in the viewer's time zone. */
function show(field: string, value: unknown): string {
  if (value === undefined) return "—";
  if (value === null) return "none";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string") {
    if (field === "role" || field.endsWith("Role")) return roleLabel(value);
    if (ISO_TIME.test(value)) return formatAbsolute(value);
    return value;
  }
  if (typeof value === "number") return String(value);
  return JSON.stringify(value);
}
