import { Alert, Anchor, Badge, Card, Group, List, Select, Stack, Table, Text, Title } from "@mantine/core";
import { IconArrowRight } from "@tabler/icons-react";
import { Link } from "react-router";
import { Loading } from "../ui/Loading.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { formatAbsolute } from "../ui/time.tsx";
import { useProtocolDiff } from "./queries.ts";
import { TextDiff } from "./TextDiff.tsx";
import type { ProtocolChange, VersionSummary } from "./types.ts";
import { STATE_COLORS, STATE_SHORT } from "./words.ts";

export interface HistoryPanelProps {
  relationshipId: string;
  /** Newest first. */
  versions: VersionSummary[];
  from: string | null;
  to: string | null;
  onCompare: (from: string | null, to: string | null) => void;
  /** Address of one version's page. */
  versionHref: (versionId: string) => string;
}

/** Every version with its state, dates and summary; and the difference between any two. */
export function HistoryPanel({
  relationshipId,
  versions,
  from,
  to,
  onCompare,
  versionHref,
}: HistoryPanelProps) {
  const [defaultFrom, defaultTo] = defaultPair(versions);
  const fromId = from ?? defaultFrom;
  const toId = to ?? defaultTo;
  const options = versions.map((v) => ({
    value: v.id,
    label: `Version ${v.number} — ${STATE_SHORT[v.state]}`,
  }));
  const byId = new Map(versions.map((v) => [v.id, v]));

  return (
    <Stack gap="lg">
      <Card withBorder padding="lg" component="section" aria-labelledby="versions-title">
        <Stack gap="sm">
          <Title order={2} fz="h4" id="versions-title">
            Versions
          </Title>
          <Table.ScrollContainer minWidth={680}>
            <Table verticalSpacing="sm" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Version</Table.Th>
                  <Table.Th scope="col">State</Table.Th>
                  <Table.Th scope="col">Summary</Table.Th>
                  <Table.Th scope="col">Dates</Table.Th>
                  <Table.Th scope="col">Signed by</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {versions.map((v) => (
                  <Table.Tr key={v.id}>
                    <Table.Th scope="row" style={{ whiteSpace: "nowrap" }}>
                      <Anchor component={Link} to={versionHref(v.id)} size="sm" fw={600}>
                        Version {v.number}
                      </Anchor>
                    </Table.Th>
                    <Table.Td>
                      <Badge variant="light" color={STATE_COLORS[v.state]} tt="none">
                        {STATE_SHORT[v.state]}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{v.summary || "—"}</Text>
                      {v.closedReason ? (
                        <Text size="xs" c="dimmed">
                          Reason: {v.closedReason}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <VersionDates version={v} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {v.signatures.length === 0
                          ? "—"
                          : v.signatures.map((s) => `${s.name} (${s.side})`).join(", ")}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      </Card>

      <Card withBorder padding="lg" component="section" aria-labelledby="compare-title">
        <Stack gap="md">
          <Title order={2} fz="h4" id="compare-title">
            Compare two versions
          </Title>
          {versions.length < 2 ? (
            <Text size="sm" c="dimmed">
              There is only one version so far; once there is another, you can see what changed here.
            </Text>
          ) : (
            <>
              <Group gap="sm" align="flex-end" wrap="wrap">
                <Select
                  label="From"
                  data={options}
                  value={fromId}
                  onChange={(v) => onCompare(v, toId)}
                  allowDeselect={false}
                  w={{ base: "100%", sm: 280 }}
                />
                <IconArrowRight size={18} aria-hidden style={{ marginBottom: 10 }} />
                <Select
                  label="To"
                  data={options}
                  value={toId}
                  onChange={(v) => onCompare(fromId, v)}
                  allowDeselect={false}
                  w={{ base: "100%", sm: 280 }}
                />
              </Group>
              {fromId && toId && fromId !== toId ? (
                <DiffView
                  relationshipId={relationshipId}
                  from={fromId}
                  to={toId}
                  fromNumber={byId.get(fromId)?.number}
                  toNumber={byId.get(toId)?.number}
                />
              ) : (
                <Text size="sm" c="dimmed">
                  Choose two different versions.
                </Text>
              )}
            </>
          )}
        </Stack>
      </Card>
    </Stack>
  );
}

function VersionDates({ version: v }: { version: VersionSummary }) {
  const lines: [string, string | null][] = [
    ["Started", v.createdAt],
    ["Proposed", v.proposedAt],
    ["In effect from", v.activatedAt],
    ["Superseded", v.supersededAt],
  ];
  return (
    <Stack gap={0}>
      {lines
        .filter((l): l is [string, string] => l[1] !== null)
        .map(([label, at]) => (
          <Text key={label} size="xs">
            <Text span c="dimmed" size="xs">
              {label}:
            </Text>{" "}
            <time dateTime={at}>{formatAbsolute(at)}</time>
          </Text>
        ))}
    </Stack>
  );
}

/** The newest version against the one before it. */
function defaultPair(versions: VersionSummary[]): [string | null, string | null] {
  const [newest, previous] = versions;
  return [previous?.id ?? null, newest?.id ?? null];
}

function DiffView({
  relationshipId,
  from,
  to,
  fromNumber,
  toNumber,
}: {
  relationshipId: string;
  from: string;
  to: string;
  fromNumber?: number;
  toNumber?: number;
}) {
  const diff = useProtocolDiff(relationshipId, from, to);
  if (diff.isPending) return <Loading label="Comparing the versions…" />;
  if (diff.isError) return <ProblemAlert error={diff.error} title="Could not compare the versions" />;
  const d = diff.data;
  const beforeLabel = `Version ${fromNumber ?? d.from.number}`;
  const afterLabel = `Version ${toNumber ?? d.to.number}`;
  return (
    <Stack gap="lg">
      <section aria-labelledby="changes-title">
        <Title order={3} fz="md" id="changes-title" mb="xs">
          What changed from {beforeLabel.toLowerCase()} to {afterLabel.toLowerCase()}
        </Title>
        {d.changes === null ? (
          <Alert variant="light" color="yellow" title="No readable summary">
            {!d.from.valid ? beforeLabel : afterLabel} has problems, so only the text comparison below is
            available.
          </Alert>
        ) : d.changes.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nothing that people agreed on changed (the texts may differ in comments or layout).
          </Text>
        ) : (
          <ChangeList changes={d.changes} />
        )}
      </section>
      <section aria-labelledby="text-diff-title">
        <Title order={3} fz="md" id="text-diff-title" mb="xs">
          Text, side by side
        </Title>
        <TextDiff
          before={d.from.document}
          after={d.to.document}
          beforeLabel={beforeLabel}
          afterLabel={afterLabel}
        />
      </section>
    </Stack>
  );
}

const KIND_COLORS: Record<ProtocolChange["kind"], string> = {
  added: "teal",
  removed: "red",
  changed: "blue",
};

/** The server's readable changes, grouped by section in the order they come. */
function ChangeList({ changes }: { changes: ProtocolChange[] }) {
  const sections = new Map<string, ProtocolChange[]>();
  for (const c of changes) sections.set(c.section, [...(sections.get(c.section) ?? []), c]);
  return (
    <Stack gap="sm" data-testid="protocol-changes">
      {[...sections].map(([section, items]) => (
        <div key={section}>
          <Text size="sm" fw={600}>
            {section}
          </Text>
          <List size="sm" spacing={4} mt={2} listStyleType="none" ml={0} pl={0}>
            {items.map((c, i) => (
              <List.Item key={i}>
                <Group gap="xs" wrap="nowrap" align="flex-start">
                  <Badge
                    size="xs"
                    variant="light"
                    color={KIND_COLORS[c.kind]}
                    style={{ flexShrink: 0, marginTop: 3 }}
                  >
                    {c.kind}
                  </Badge>
                  <Text size="sm" style={{ overflowWrap: "anywhere" }}>
                    {c.text}
                  </Text>
                </Group>
              </List.Item>
            ))}
          </List>
        </div>
      ))}
    </Stack>
  );
}
