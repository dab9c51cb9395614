import { Badge, Button, Card, Group, List, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconCalendarPlus, IconTrash } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { ApiError } from "../api/problem.ts";
import { ConfirmModal } from "../ui/ConfirmModal.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { SecretReveal } from "../ui/SecretReveal.tsx";
import { TimeStamp } from "../ui/time.tsx";
import { useCreateFeed, useFeeds, useRevokeFeed } from "./queries.ts";
import type { Feed, FeedCreated } from "./types.ts";

/**
 * Calendar subscriptions: a secret address (iCalendar) that calendar apps poll, so the changes
 * appear next to people's own meetings. The address is shown once, when it is made; anyone who
 * has it can read the calendar, so it can be revoked.
 */
export function FeedsPanel({ relationshipId }: { relationshipId: string }) {
  const feeds = useFeeds(relationshipId);
  const create = useCreateFeed(relationshipId);
  const revoke = useRevokeFeed(relationshipId);
  const [label, setLabel] = useState("");
  const [missing, setMissing] = useState(false);
  const [created, setCreated] = useState<FeedCreated | null>(null);
  const [revoking, setRevoking] = useState<Feed | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!label.trim()) return setMissing(true);
    create.mutate(
      { label: label.trim() },
      {
        onSuccess: (feed) => {
          setCreated(feed);
          setLabel("");
          setMissing(false);
        },
      },
    );
  };
  const serverError = create.error instanceof ApiError ? create.error : null;
  const active = (feeds.data?.items ?? []).filter((f) => !f.revokedAt);
  const revoked = (feeds.data?.items ?? []).filter((f) => f.revokedAt);

  return (
    <Card withBorder padding="md" component="section" aria-labelledby="feeds-title">
      <Stack gap="md">
        <div>
          <Title order={2} fz="h4" id="feeds-title">
            Subscribe in your calendar
          </Title>
          <Text size="sm" c="dimmed">
            A private address for Outlook, Google Calendar or Thunderbird: the changes appear next to your own
            meetings and stay up to date. Anyone with the address can read the calendar; revoke it if it
            leaks.
          </Text>
        </div>

        {created ? (
          <Stack gap="sm" data-testid="feed-created">
            <SecretReveal
              label="Subscription address"
              value={created.url}
              warning="This address is shown only now. Copy it into your calendar app; if you lose it, make a new one and revoke this one."
            />
            <Instructions />
            <Button variant="default" w="fit-content" onClick={() => setCreated(null)}>
              Done
            </Button>
          </Stack>
        ) : (
          <form onSubmit={submit} noValidate aria-label="New subscription">
            <Group gap="xs" align="flex-start" wrap="wrap">
              <TextInput
                label="Label"
                description="So you recognise it later, e.g. “Ivan’s Outlook”."
                maxLength={120}
                value={label}
                onChange={(e) => setLabel(e.currentTarget.value)}
                error={
                  (missing && !label.trim() ? "Give it a label." : undefined) ??
                  serverError?.fieldError("label")
                }
                style={{ flex: "1 1 16rem", minWidth: 0 }}
              />
              <Button
                type="submit"
                mt={{ base: 0, xs: 44 }}
                leftSection={<IconCalendarPlus size={16} aria-hidden />}
                loading={create.isPending}
              >
                Create a subscription address
              </Button>
            </Group>
            {create.isError && !serverError?.fieldError("label") ? (
              <ProblemAlert error={create.error} title="No address was made" />
            ) : null}
          </form>
        )}

        {feeds.isError ? (
          <ProblemAlert error={feeds.error} title="Could not load the subscriptions" />
        ) : active.length || revoked.length ? (
          <ul className="plain-list" aria-label="Subscriptions">
            <Stack gap="xs">
              {[...active, ...revoked].map((f) => (
                <li key={f.id}>
                  <Group justify="space-between" gap="xs" wrap="wrap">
                    <div style={{ minWidth: 0, flex: "1 1 14rem" }}>
                      <Group gap={6}>
                        <Text size="sm" fw={600} style={{ overflowWrap: "anywhere" }}>
                          {f.label}
                        </Text>
                        {f.revokedAt ? (
                          <Badge size="sm" color="gray" variant="light" tt="none">
                            Revoked
                          </Badge>
                        ) : null}
                      </Group>
                      <Text size="xs" c="dimmed">
                        Made {f.createdByName ? `by ${f.createdByName} ` : ""}
                        <TimeStamp iso={f.createdAt} mode="relative" size="xs" /> ·{" "}
                        {f.lastFetchedAt ? (
                          <>
                            last read by a calendar app{" "}
                            <TimeStamp iso={f.lastFetchedAt} mode="relative" size="xs" />
                          </>
                        ) : (
                          "not read by a calendar app yet"
                        )}
                      </Text>
                    </div>
                    {!f.canRevoke ? null : (
                      <Button
                        variant="subtle"
                        color="red"
                        size="compact-sm"
                        leftSection={<IconTrash size={14} aria-hidden />}
                        onClick={() => setRevoking(f)}
                        aria-label={`Revoke ${f.label}`}
                      >
                        Revoke
                      </Button>
                    )}
                  </Group>
                </li>
              ))}
            </Stack>
          </ul>
        ) : null}
      </Stack>

      <ConfirmModal
        opened={revoking !== null}
        title="Revoke this subscription?"
        confirmLabel="Revoke"
        pending={revoke.isPending}
        error={revoke.error}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
        onConfirm={() =>
          revoking &&
          revoke.mutate(revoking.id, {
            onSuccess: () => {
              notifications.show({ color: "teal", message: `“${revoking.label}” revoked.` });
              setRevoking(null);
            },
          })
        }
      >
        Calendar apps using “{revoking?.label}” stop receiving the changes; the calendar disappears from them
        at their next refresh.
      </ConfirmModal>
    </Card>
  );
}

function Instructions() {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        Add it to your calendar app
      </Text>
      <List size="sm" spacing={4}>
        <List.Item>
          <strong>Outlook</strong>: Calendar → Add calendar → Subscribe from web; paste the address and give
          it a name.
        </List.Item>
        <List.Item>
          <strong>Google Calendar</strong> (on a computer): Other calendars → + → From URL; paste the address.
          Google refreshes it every few hours.
        </List.Item>
        <List.Item>
          <strong>Thunderbird</strong>: Calendar → New Calendar → On the Network; paste the address as its
          location.
        </List.Item>
      </List>
    </Stack>
  );
}
