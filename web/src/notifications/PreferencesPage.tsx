import {
  Button,
  Card,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, useMemo, useState } from "react";
import { ApiError } from "../api/problem.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { usePreferences, useSavePreferences } from "./settings-queries.ts";
import type { DigestMode, KindPreference, Preferences } from "./types.ts";

/** `/settings/notifications`: which events reach you where, quiet hours, and the digest. */
export function PreferencesPage() {
  const prefs = usePreferences();
  return (
    <Page
      title="Notification settings"
      description="Choose, per kind of event, whether it reaches you in Liaison and by email; when email may wait; and whether minor news comes in one digest."
    >
      {prefs.isPending ? (
        <Loading label="Loading your settings…" />
      ) : prefs.isError ? (
        <ProblemAlert error={prefs.error} title="Could not load your notification settings" />
      ) : (
        // Keyed by the saved version: after saving, the form starts again from what the server kept.
        <PreferencesForm key={prefs.data.updatedAt ?? "new"} saved={prefs.data} />
      )}
    </Page>
  );
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

function zoneOptions(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return zones.includes(current) ? zones : [current, ...zones];
}

function PreferencesForm({ saved }: { saved: Preferences }) {
  const save = useSavePreferences();
  // Never saved: start from the browser's zone rather than UTC.
  const [timeZone, setTimeZone] = useState(saved.updatedAt ? saved.timeZone : browserZone());
  const [kinds, setKinds] = useState<KindPreference[]>(saved.kinds);
  const [quiet, setQuiet] = useState(saved.quietHours !== null);
  const [quietStart, setQuietStart] = useState(saved.quietHours?.start ?? "22:00");
  const [quietEnd, setQuietEnd] = useState(saved.quietHours?.end ?? "07:00");
  const [digest, setDigest] = useState<DigestMode>(saved.digest);
  const [dailyAt, setDailyAt] = useState(saved.dailyDigestAt);
  const zones = useMemo(() => zoneOptions(timeZone), [timeZone]);

  const groups = useMemo(() => {
    const byGroup = new Map<string, KindPreference[]>();
    for (const k of kinds) byGroup.set(k.group, [...(byGroup.get(k.group) ?? []), k]);
    return [...byGroup.entries()];
  }, [kinds]);

  const setChannel = (kind: string, channel: "inApp" | "email", on: boolean) =>
    setKinds((all) => all.map((k) => (k.kind === kind ? { ...k, [channel]: on } : k)));

  const error = save.error instanceof ApiError ? save.error : null;
  const fieldProblem = (field: string) => error?.fieldError(field);
  const sameTimes = quiet && quietStart === quietEnd;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (sameTimes) return;
    save.mutate(
      {
        kinds: kinds.map(({ kind, inApp, email }) => ({ kind, inApp, email })),
        timeZone,
        quietHours: quiet ? { start: quietStart, end: quietEnd } : null,
        digest,
        dailyDigestAt: dailyAt,
      },
      {
        onSuccess: () =>
          notifications.show({ color: "teal", message: "Your notification settings are saved." }),
      },
    );
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="md">
        <Card withBorder padding="lg" component="section" aria-labelledby="channels-title">
          <Stack gap="sm">
            <div>
              <Title order={2} fz="h4" id="channels-title">
                Where each event reaches you
              </Title>
              <Text size="sm" c="dimmed">
                In Liaison means the bell at the top of every page. Kinds you have not chosen for use both.
              </Text>
            </div>
            <Table.ScrollContainer minWidth={480}>
              <Table verticalSpacing="xs" striped={false}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Event</Table.Th>
                    <Table.Th scope="col" w={110} ta="center">
                      In Liaison
                    </Table.Th>
                    <Table.Th scope="col" w={110} ta="center">
                      Email
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                {groups.map(([group, items]) => (
                  <Table.Tbody key={group}>
                    <Table.Tr>
                      <Table.Th scope="rowgroup" colSpan={3}>
                        <Text size="xs" fw={700} c="dimmed" tt="uppercase">
                          {group}
                        </Text>
                      </Table.Th>
                    </Table.Tr>
                    {items.map((k) => (
                      <Table.Tr key={k.kind}>
                        <Table.Td>
                          <Text size="sm">{k.label}</Text>
                          {k.label !== k.kind ? (
                            <Text size="xs" c="dimmed" ff="monospace">
                              {k.kind}
                            </Text>
                          ) : null}
                        </Table.Td>
                        <Table.Td>
                          <Group justify="center">
                            <Switch
                              checked={k.inApp}
                              onChange={(e) => setChannel(k.kind, "inApp", e.currentTarget.checked)}
                              aria-label={`${k.label}: in Liaison`}
                            />
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <Group justify="center">
                            <Switch
                              checked={k.email}
                              onChange={(e) => setChannel(k.kind, "email", e.currentTarget.checked)}
                              aria-label={`${k.label}: by email`}
                            />
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                ))}
              </Table>
            </Table.ScrollContainer>
          </Stack>
        </Card>

        <Card withBorder padding="lg" component="section" aria-labelledby="timing-title">
          <Stack gap="md">
            <div>
              <Title order={2} fz="h4" id="timing-title">
                When email may reach you
              </Title>
              <Text size="sm" c="dimmed">
                During quiet hours, email waits until they end. Critical and emergency events are sent at
                once, whatever the hour.
              </Text>
            </div>
            <Select
              label="Your time zone"
              description="Quiet hours and digest times are read in it."
              data={zones}
              value={timeZone}
              onChange={(v) => v && setTimeZone(v)}
              searchable
              allowDeselect={false}
              maxDropdownHeight={320}
              error={fieldProblem("timeZone")}
              maw={360}
            />
            <Switch label="Quiet hours" checked={quiet} onChange={(e) => setQuiet(e.currentTarget.checked)} />
            {quiet ? (
              <Group gap="sm" align="flex-start">
                <TextInput
                  type="time"
                  label="From"
                  value={quietStart}
                  onChange={(e) => setQuietStart(e.currentTarget.value)}
                  error={fieldProblem("quietHours.start")}
                  w={140}
                  required
                />
                <TextInput
                  type="time"
                  label="Until"
                  description={quietEnd < quietStart ? "the next morning" : undefined}
                  value={quietEnd}
                  onChange={(e) => setQuietEnd(e.currentTarget.value)}
                  error={sameTimes ? "Must differ from the start." : fieldProblem("quietHours.end")}
                  w={140}
                  required
                />
              </Group>
            ) : null}
          </Stack>
        </Card>

        <Card withBorder padding="lg" component="section" aria-labelledby="digest-title">
          <Stack gap="md">
            <div>
              <Title order={2} fz="h4" id="digest-title">
                Digest of minor news
              </Title>
              <Text size="sm" c="dimmed">
                Low-severity emails can be collected and sent together. Everything still appears in Liaison at
                once.
              </Text>
            </div>
            <SegmentedControl
              value={digest}
              onChange={(v) => setDigest(v as DigestMode)}
              data={[
                { value: "off", label: "Send each one" },
                { value: "hourly", label: "Hourly digest" },
                { value: "daily", label: "Daily digest" },
              ]}
              aria-label="Digest"
              maw={480}
            />
            {digest === "daily" ? (
              <TextInput
                type="time"
                label="Send the daily digest at"
                value={dailyAt}
                onChange={(e) => setDailyAt(e.currentTarget.value)}
                error={fieldProblem("dailyDigestAt")}
                w={200}
              />
            ) : null}
          </Stack>
        </Card>

        {save.isError ? <ProblemAlert error={save.error} title="Could not save your settings" /> : null}
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending} disabled={sameTimes}>
            Save settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
