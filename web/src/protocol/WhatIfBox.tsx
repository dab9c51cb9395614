import { Card, Group, Loader, Select, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconCalendarQuestion } from "@tabler/icons-react";
import { useState } from "react";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { useDeadlinePreview } from "./queries.ts";
import { type Deadline, type ProtocolDoc, SEVERITY_KEYS, type SeverityKey } from "./types.ts";
import { clockLabel, targetLabel } from "./words.ts";
import { formatInZone, inputValueToIso, nowInputValue, viewerZone, zoneAbbreviation } from "./zone.ts";

export interface WhatIfBoxProps {
  relationshipId: string;
  versionId: string;
  versionNumber: number;
  doc: ProtocolDoc;
}

/**
 * "What if a ticket were raised then?": the deadlines of a severity from a start time, computed by
 * the server on this version's business calendar. The start is read in the protocol's time zone.
 */
export function WhatIfBox({ relationshipId, versionId, versionNumber, doc }: WhatIfBoxProps) {
  const zone = doc.timezone;
  const [severity, setSeverity] = useState<SeverityKey>("critical");
  const [startInput, setStartInput] = useState(() => nowInputValue(zone));
  const [debouncedStart] = useDebouncedValue(startInput, 300);
  const start = inputValueToIso(debouncedStart, zone);
  const preview = useDeadlinePreview(relationshipId, { severity, start, versionId });
  const local = viewerZone();
  const spec = doc.severities[severity];

  return (
    <Card
      withBorder
      padding="md"
      radius="md"
      component="section"
      aria-labelledby="what-if-title"
      bg="var(--mantine-color-default-hover)"
    >
      <Stack gap="sm">
        <Group gap="xs" wrap="nowrap">
          <IconCalendarQuestion size={20} aria-hidden />
          <Title order={4} fz="md" id="what-if-title">
            What if a ticket were raised…
          </Title>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label="Severity"
            data={SEVERITY_KEYS.map((key) => ({ value: key, label: doc.severities[key].name }))}
            value={severity}
            onChange={(v) => v && setSeverity(v as SeverityKey)}
            allowDeselect={false}
          />
          <TextInput
            type="datetime-local"
            label={`Raised at (${zone} time)`}
            description={`Read as a time in ${zone}, the protocol's time zone.`}
            value={startInput}
            onChange={(e) => setStartInput(e.currentTarget.value)}
            error={startInput && !inputValueToIso(startInput, zone) ? "Enter a date and a time." : undefined}
          />
        </SimpleGrid>
        {preview.isError ? (
          <ProblemAlert error={preview.error} title="Could not compute the deadlines" />
        ) : !preview.data ? (
          preview.isFetching ? (
            <Group gap="xs">
              <Loader size="xs" />
              <Text size="sm" c="dimmed">
                Computing deadlines…
              </Text>
            </Group>
          ) : null
        ) : (
          <Stack gap="xs" aria-live="polite" aria-busy={preview.isFetching}>
            {(
              [
                ["Response", targetLabel(spec.response, "response"), preview.data.response],
                ["Resolution", targetLabel(spec.resolution, "resolution"), preview.data.resolution],
                ["First update", `every ${spec.updates.every}`, preview.data.firstUpdate],
              ] as const
            ).map(([label, target, deadline]) => (
              <DeadlineRow
                key={label}
                label={label}
                target={target}
                deadline={deadline}
                zone={zone}
                local={local}
              />
            ))}
            <Text size="xs" c="dimmed">
              Computed on version {versionNumber}&apos;s calendar, without pauses (a ticket waiting on the
              client would stop some clocks).
            </Text>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

function DeadlineRow({
  label,
  target,
  deadline,
  zone,
  local,
}: {
  label: string;
  target: string;
  deadline: Deadline;
  zone: string;
  local: string;
}) {
  const due = deadline.due;
  const showLocal = due !== null && zoneAbbreviation(due, zone) !== zoneAbbreviation(due, local);
  return (
    <Group gap="sm" justify="space-between" align="flex-start" wrap="wrap" data-deadline={label}>
      <div style={{ minWidth: 0 }}>
        <Text size="sm" fw={600}>
          {label}
        </Text>
        <Text size="xs" c="dimmed">
          {target} · {clockLabel(deadline.clock)}
        </Text>
      </div>
      <div className="what-if-due">
        {due === null ? (
          <Text size="sm">As available — no deadline</Text>
        ) : (
          <>
            <Text size="sm" component="time" dateTime={due} fw={500}>
              {formatInZone(due, zone)} {zoneAbbreviation(due, zone)}
            </Text>
            {showLocal ? (
              <Text size="xs" c="dimmed">
                {formatInZone(due, local)} your time ({zoneAbbreviation(due, local)})
              </Text>
            ) : null}
          </>
        )}
      </div>
    </Group>
  );
}
