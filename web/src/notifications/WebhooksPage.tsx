import {
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Collapse,
  EmptyState,
  Group,
  Modal,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
  Tooltip,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconChevronDown, IconChevronRight, IconPlus, IconSend, IconWebhook } from "@tabler/icons-react";
import { type FormEvent, Fragment, useState } from "react";
import { useParams } from "react-router";
import { ApiError } from "../api/problem.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { ConfirmModal } from "../ui/ConfirmModal.tsx";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { SecretReveal } from "../ui/SecretReveal.tsx";
import { TimeStamp } from "../ui/time.tsx";
import {
  useCreateEndpoint,
  useDeleteEndpoint,
  useDeliveries,
  useRotateSecret,
  useSendTest,
  useUpdateEndpoint,
  useWebhookEndpoints,
} from "./settings-queries.ts";
import type { Delivery, EndpointWithSecret, WebhookEndpoint } from "./types.ts";

const DOCS = "https://www.standardwebhooks.com";

/** `/r/:relationshipId/webhooks`: where this organization's systems receive the relationship's events. */
export function WebhooksPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const allowed = relationship.data?.abilities.manageWebhooks ?? false;
  const endpoints = useWebhookEndpoints(relationshipId, allowed);
  const [creating, setCreating] = useState(false);

  if (relationship.isPending) return <Loading label="Loading the relationship…" />;
  if (relationship.isError) {
    return (
      <Page title="Webhooks">
        <ProblemAlert error={relationship.error} title="Could not load this relationship" />
      </Page>
    );
  }
  const r = relationship.data;
  const description = (
    <>
      Liaison sends this relationship&apos;s events (tickets, protocol changes) to your systems as signed HTTP
      POSTs, following{" "}
      <Anchor href={DOCS} target="_blank" rel="noreferrer" size="sm">
        Standard Webhooks
      </Anchor>
      . Only your organization ({r.viewer.side} side) sees these endpoints.
    </>
  );
  if (!allowed) {
    return (
      <Page title="Webhooks" eyebrow={relationshipTitle(r)} description={description}>
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconWebhook size={28} />}
            withIndicatorBackground
            title="Only admins manage webhooks"
            description="Ask an admin of your organization to connect your systems to this relationship."
          />
        </Card>
      </Page>
    );
  }
  return (
    <Page
      title="Webhooks"
      eyebrow={relationshipTitle(r)}
      documentTitle={`Webhooks — ${relationshipTitle(r)}`}
      description={description}
      actions={
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
          Add endpoint
        </Button>
      }
    >
      {endpoints.isPending ? (
        <Loading label="Loading endpoints…" />
      ) : endpoints.isError ? (
        <ProblemAlert error={endpoints.error} title="Could not load the endpoints" />
      ) : endpoints.data.items.length === 0 ? (
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconWebhook size={28} />}
            withIndicatorBackground
            title="No endpoints yet"
            description="Add one when your PSA, chat or monitoring should hear about tickets and protocol changes as they happen."
          >
            <EmptyState.Actions>
              <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
                Add the first endpoint
              </Button>
            </EmptyState.Actions>
          </EmptyState>
        </Card>
      ) : (
        <Stack gap="md" component="ul" className="plain-list" aria-label="Webhook endpoints">
          {endpoints.data.items.map((e) => (
            <EndpointCard key={e.id} endpoint={e} />
          ))}
        </Stack>
      )}
      <EndpointModal opened={creating} onClose={() => setCreating(false)} relationshipId={r.id} />
    </Page>
  );
}

const eventsLabel = (events: string[]) => (events.length === 0 ? ["All events"] : events);

function EndpointCard({ endpoint: e }: { endpoint: WebhookEndpoint }) {
  const update = useUpdateEndpoint(e.relationshipId, e.id);
  const remove = useDeleteEndpoint(e.relationshipId, e.id);
  const rotate = useRotateSecret(e.relationshipId, e.id);
  const test = useSendTest(e.relationshipId, e.id);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [newSecret, setNewSecret] = useState<EndpointWithSecret | null>(null);
  const [showLog, setShowLog] = useState(true);

  return (
    <Card withBorder padding="md" radius="md" component="li">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="sm" align="flex-start">
          <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
            <Group gap={8} wrap="wrap">
              <Text fw={600} size="sm">
                {e.description || "Endpoint"}
              </Text>
              <Badge size="sm" variant="light" color={e.enabled ? "teal" : "gray"}>
                {e.enabled ? "Enabled" : "Disabled"}
              </Badge>
              {eventsLabel(e.events).map((t) => (
                <Badge key={t} size="sm" variant="default" radius="sm" tt="none" fw={500}>
                  {t}
                </Badge>
              ))}
            </Group>
            <Text size="sm" ff="monospace" style={{ overflowWrap: "anywhere" }}>
              {e.url}
            </Text>
            <Text size="xs" c="dimmed">
              Secret <code>{e.secretHint}</code>
              {e.previousSecretUntil ? (
                <>
                  {" "}
                  · the previous secret also signs until{" "}
                  <TimeStamp iso={e.previousSecretUntil} mode="absolute" size="xs" />
                </>
              ) : null}
              {e.createdBy ? ` · added by ${e.createdBy.name}` : null}
            </Text>
          </Stack>
          <Group gap="xs" wrap="wrap">
            <Switch
              label="Enabled"
              checked={e.enabled}
              disabled={update.isPending}
              onChange={(ev) => update.mutate({ enabled: ev.currentTarget.checked })}
            />
            <Tooltip label="Queue a webhook.test delivery to this endpoint" withArrow>
              <Button
                size="xs"
                variant="light"
                leftSection={<IconSend size={14} aria-hidden />}
                loading={test.isPending}
                onClick={() =>
                  test.mutate(undefined, {
                    onSuccess: ({ outboxId }) =>
                      notifications.show({
                        color: "teal",
                        message: `Test delivery ${outboxId.slice(0, 8)}… queued; it appears in the log below.`,
                      }),
                  })
                }
              >
                Send test
              </Button>
            </Tooltip>
            <Button size="xs" variant="subtle" onClick={() => setEditing(true)}>
              Edit
            </Button>
            <Button size="xs" variant="subtle" onClick={() => setRotating(true)}>
              Rotate secret
            </Button>
            <Button size="xs" variant="subtle" color="red" onClick={() => setDeleting(true)}>
              Delete
            </Button>
          </Group>
        </Group>
        {update.isError ? <ProblemAlert error={update.error} title="Could not change the endpoint" /> : null}
        {test.isError ? <ProblemAlert error={test.error} title="Could not queue a test delivery" /> : null}
        <div>
          <Button
            variant="subtle"
            size="compact-sm"
            px={0}
            leftSection={
              showLog ? <IconChevronDown size={14} aria-hidden /> : <IconChevronRight size={14} aria-hidden />
            }
            onClick={() => setShowLog((v) => !v)}
            aria-expanded={showLog}
          >
            Deliveries
          </Button>
          <Collapse expanded={showLog}>{showLog ? <DeliveriesLog endpoint={e} /> : null}</Collapse>
        </div>
      </Stack>

      <EndpointModal
        opened={editing}
        onClose={() => setEditing(false)}
        relationshipId={e.relationshipId}
        endpoint={e}
      />
      <ConfirmModal
        opened={rotating}
        onClose={() => {
          setRotating(false);
          rotate.reset();
        }}
        title="Issue a new signing secret?"
        confirmLabel="Rotate secret"
        pending={rotate.isPending}
        error={rotate.error}
        onConfirm={() =>
          rotate.mutate(undefined, {
            onSuccess: (result) => {
              setRotating(false);
              setNewSecret(result);
            },
          })
        }
      >
        Deliveries will carry signatures with both the new and the current secret for 24 hours, so your
        receiver can switch without refusing anything. After that, only the new secret signs.
      </ConfirmModal>
      <Modal
        opened={newSecret !== null}
        onClose={() => setNewSecret(null)}
        title="New signing secret"
        size="lg"
      >
        {newSecret ? (
          <Stack gap="md">
            <SecretReveal
              label="Signing secret"
              value={newSecret.secret}
              warning="This is the only time the secret is shown. Put it in your receiver now; the previous secret keeps signing for 24 hours."
            />
            <Group justify="flex-end">
              <Button onClick={() => setNewSecret(null)}>I have stored it — done</Button>
            </Group>
          </Stack>
        ) : null}
      </Modal>
      <ConfirmModal
        opened={deleting}
        onClose={() => {
          setDeleting(false);
          remove.reset();
        }}
        title="Delete this endpoint?"
        confirmLabel="Delete endpoint"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: () => notifications.show({ color: "teal", message: "The endpoint was deleted." }),
          })
        }
      >
        It stops receiving events at once, and deliveries still waiting for a retry are dropped. The deletion
        is recorded in the audit trail.
      </ConfirmModal>
    </Card>
  );
}

const statusColor: Record<Delivery["status"], string> = {
  pending: "yellow",
  delivered: "teal",
  failed: "red",
};

function DeliveriesLog({ endpoint }: { endpoint: WebhookEndpoint }) {
  const deliveries = useDeliveries(endpoint.relationshipId, endpoint.id);
  const [open, setOpen] = useState<string | null>(null);
  if (deliveries.isPending) return <Loading label="Loading deliveries…" />;
  if (deliveries.isError)
    return <ProblemAlert error={deliveries.error} title="Could not load the deliveries" />;
  if (deliveries.data.items.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="xs">
        Nothing sent yet. Use “Send test” to check that your receiver answers with a 2xx status.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing={6} fz="sm" aria-label="Deliveries, newest first">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Queued</Table.Th>
            <Table.Th scope="col">Event</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">Code</Table.Th>
            <Table.Th scope="col">Attempts</Table.Th>
            <Table.Th scope="col">Next attempt / delivered</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {deliveries.data.items.map((d) => (
            <Fragment key={d.id}>
              <Table.Tr>
                <Table.Td>
                  <TimeStamp iso={d.createdAt} mode="relative" size="sm" c="inherit" />
                </Table.Td>
                <Table.Td>
                  <Code>{d.type}</Code>
                </Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={statusColor[d.status]}>
                    {d.status}
                  </Badge>
                </Table.Td>
                <Table.Td ff="monospace">{d.lastStatusCode ?? "—"}</Table.Td>
                <Table.Td>
                  <Anchor
                    component="button"
                    type="button"
                    size="sm"
                    onClick={() => setOpen((o) => (o === d.id ? null : d.id))}
                    aria-expanded={open === d.id}
                  >
                    {d.attempts} of {d.maxAttempts}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  {d.deliveredAt ? (
                    <TimeStamp iso={d.deliveredAt} mode="relative" size="sm" c="inherit" />
                  ) : d.nextAttemptAt ? (
                    <Group gap={4} wrap="nowrap">
                      <Text size="sm">{d.attempts === 0 ? "due" : "retry"}</Text>
                      <TimeStamp iso={d.nextAttemptAt} mode="relative" size="sm" c="inherit" />
                    </Group>
                  ) : (
                    <Text size="sm" c="red">
                      {d.lastError ?? "failed"}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
              {open === d.id ? (
                <Table.Tr>
                  <Table.Td colSpan={6} bg="var(--mantine-color-default-hover)">
                    <Stack gap={6}>
                      <Text size="xs" c="dimmed">
                        webhook-id <code>{d.id}</code>
                      </Text>
                      {d.log.map((a) => (
                        <Group key={a.attempt} gap="sm" wrap="nowrap" align="flex-start">
                          <Text size="xs" w={70}>
                            #{a.attempt}
                          </Text>
                          <TimeStamp iso={a.startedAt} mode="absolute" size="xs" w={150} />
                          <Text
                            size="xs"
                            ff="monospace"
                            w={40}
                            c={a.ok ? "teal" : a.ok === false ? "red" : "dimmed"}
                          >
                            {a.statusCode ?? "—"}
                          </Text>
                          <Text size="xs" style={{ flex: 1, overflowWrap: "anywhere" }}>
                            {a.ok === null
                              ? "did not finish (the worker stopped); retried"
                              : (a.error ?? "delivered")}
                            {a.durationMs !== null ? ` · ${a.durationMs} ms` : ""}
                            {a.responseExcerpt ? (
                              <Text span size="xs" c="dimmed" ff="monospace">
                                {" "}
                                · {a.responseExcerpt}
                              </Text>
                            ) : null}
                          </Text>
                        </Group>
                      ))}
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Fragment>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

const EVENT_PATTERN = /^(\*|[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?)$/;

/** Add an endpoint (then show its secret once), or edit one. */
function EndpointModal({
  opened,
  onClose,
  relationshipId,
  endpoint,
}: {
  opened: boolean;
  onClose: () => void;
  relationshipId: string;
  endpoint?: WebhookEndpoint;
}) {
  const create = useCreateEndpoint(relationshipId);
  const update = useUpdateEndpoint(relationshipId, endpoint?.id ?? "");
  const mutation = endpoint ? update : create;
  const [url, setUrl] = useState(endpoint?.url ?? "");
  const [description, setDescription] = useState(endpoint?.description ?? "");
  const [events, setEvents] = useState<string[]>(endpoint?.events ?? []);
  const [created, setCreated] = useState<EndpointWithSecret | null>(null);
  const [urlProblem, setUrlProblem] = useState<string | undefined>();

  const close = () => {
    if (!endpoint) {
      setUrl("");
      setDescription("");
      setEvents([]);
    }
    setCreated(null);
    setUrlProblem(undefined);
    create.reset();
    update.reset();
    onClose();
  };

  const badEvents = events.filter((e) => !EVENT_PATTERN.test(e));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = url.trim();
    const problem = /^https?:\/\/\S+$/.test(trimmed)
      ? undefined
      : "Enter the full address, starting with https://.";
    setUrlProblem(problem);
    if (problem || badEvents.length) return;
    const input = { url: trimmed, description: description.trim(), events };
    if (endpoint) update.mutate(input, { onSuccess: close });
    else create.mutate(input, { onSuccess: setCreated });
  };

  const error = mutation.error instanceof ApiError ? mutation.error : null;
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? "Endpoint added" : endpoint ? "Edit endpoint" : "Add a webhook endpoint"}
      size="lg"
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack gap="md">
          <SecretReveal
            label="Signing secret"
            value={created.secret}
            warning="This is the only time the secret is shown. Your receiver needs it to check that deliveries come from Liaison; if it is lost, rotate the secret."
          />
          <Text size="sm" c="dimmed">
            Each delivery carries <code>webhook-id</code>, <code>webhook-timestamp</code> and{" "}
            <code>webhook-signature</code> headers. Verify them with any Standard Webhooks library, and use
            the id to ignore a delivery you have already processed.
          </Text>
          <Group justify="flex-end">
            <Button onClick={close}>I have stored it — done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <Stack gap="md">
            {mutation.isError && !error?.fieldError("url") ? (
              <ProblemAlert error={mutation.error} title="Could not save the endpoint" />
            ) : null}
            <TextInput
              label="URL"
              description="Where Liaison POSTs events. Answer with a 2xx status within 15 seconds; anything else is retried."
              placeholder="https://psa.example.com/hooks/liaison"
              required
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              error={urlProblem ?? error?.fieldError("url")}
              data-autofocus
            />
            <TextInput
              label="Description"
              description="So you recognise it later — e.g. “PSA ticket sync”."
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              maxLength={200}
              error={error?.fieldError("description")}
            />
            <TagsInput
              label="Events"
              description="Event types such as ticket.breached, or prefixes such as ticket.*. Leave empty for all events."
              placeholder={events.length ? undefined : "All events"}
              value={events}
              onChange={setEvents}
              data={[
                "*",
                "ticket.*",
                "protocol.*",
                "ticket.breached",
                "protocol.proposed",
                "protocol.activated",
              ]}
              clearable
              error={
                badEvents.length ? `Not an event type: ${badEvents.join(", ")}` : error?.fieldError("events")
              }
            />
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={mutation.isPending}>
                {endpoint ? "Save" : "Add endpoint"}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
