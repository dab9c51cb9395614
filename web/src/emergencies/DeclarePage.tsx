import "./emergencies.css";
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Group,
  List,
  Radio,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertOctagon, IconAlertTriangle, IconBellRinging } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { ApiError } from "../api/problem.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { type FieldErrors, hasErrors } from "../ui/validation.ts";
import { BackTo } from "./EmergenciesNav.tsx";
import { useDeclareEmergency, useEmergencyForm } from "./queries.ts";
import type { DeclareInput, EmergencyForm } from "./types.ts";
import { emergencyNumber, protocolDuration } from "./words.ts";

/**
 * `/r/:relationshipId/emergencies/new` (`?ticket=<id>` to start from a ticket): declaring an
 * emergency. The person ticks which of the protocol's criteria it meets, sees who will be paged
 * right now (and whether their contact works), names the critical ticket it runs on or describes
 * a new one, and the affected system. Declaring pages the first step of the chain at once.
 */
export function DeclarePage() {
  const { relationshipId = "" } = useParams();
  const [params] = useSearchParams();
  const form = useEmergencyForm(relationshipId);
  const back = <BackTo relationshipId={relationshipId} to="emergencies" />;
  return (
    <Page
      title="Declare an emergency"
      eyebrow={back}
      description="Declaring pages the provider's on-call person at once, past quiet hours, on every address they have. Use it when the protocol's criteria are met; for anything less urgent, raise a ticket."
    >
      {form.isPending ? (
        <Loading label="Loading the protocol's criteria and who is on call…" />
      ) : form.isError ? (
        <ProblemAlert
          error={form.error}
          title={
            form.error instanceof ApiError && form.error.status === 409
              ? "No protocol in effect yet"
              : "Could not load the declare form"
          }
        />
      ) : !form.data.canDeclare ? (
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />}>
          <Text size="sm">
            {form.data.criteria.length === 0
              ? "There is no protocol in effect yet, so there are no emergency criteria to declare against."
              : "Emergencies are declared by the provider's staff or the client's executive, IT contact or approver. Ask one of them, or raise a critical ticket."}
          </Text>
        </Alert>
      ) : (
        <DeclareForm relationshipId={relationshipId} form={form.data} ticketParam={params.get("ticket")} />
      )}
    </Page>
  );
}

type Field = "criteria" | "ticketId" | "title" | "affectedSystem";

function DeclareForm({
  relationshipId,
  form,
  ticketParam,
}: {
  relationshipId: string;
  form: EmergencyForm;
  ticketParam: string | null;
}) {
  const navigate = useNavigate();
  const declare = useDeclareEmergency(relationshipId);
  const tickets = form.openCriticalTickets;
  const preselected = ticketParam ? tickets.find((t) => t.id === ticketParam) : undefined;
  const [mode, setMode] = useState<"ticket" | "new">(preselected || tickets.length ? "ticket" : "new");
  const [ticketId, setTicketId] = useState<string | null>(preselected?.id ?? null);
  const [criteria, setCriteria] = useState<string[]>([]);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [system, setSystem] = useState(preselected?.affectedSystems?.[0] ?? "");
  const [errors, setErrors] = useState<FieldErrors<Field>>({});

  const serverError = (field: Field) => {
    const error = declare.error;
    if (!(error instanceof ApiError)) return undefined;
    return error.errors.find((e) => e.path === `body.${field}` || e.path.startsWith(`body.${field}.`))
      ?.message;
  };
  const fieldError = (field: Field) => errors[field] ?? serverError(field);

  const chooseTicket = (id: string | null) => {
    setTicketId(id);
    const chosen = tickets.find((t) => t.id === id);
    // The ticket's first affected system is the likely answer; a typed one is kept.
    if (chosen?.affectedSystems?.[0] && !system.trim()) setSystem(chosen.affectedSystems[0]);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const e: FieldErrors<Field> = {
      criteria: criteria.length
        ? undefined
        : "Tick at least one: an emergency meets one of the protocol's criteria.",
      ticketId:
        mode === "ticket" && !ticketId ? "Choose the critical ticket, or describe a new one." : undefined,
      title: mode === "new" && !title.trim() ? "Say in a few words what is broken." : undefined,
      affectedSystem: system.trim() ? undefined : "Name the system that is down, e.g. File server.",
    };
    setErrors(e);
    if (hasErrors(e)) return;
    const input: DeclareInput = {
      affectedSystem: system.trim(),
      criteria,
      ...(mode === "ticket" && ticketId
        ? { ticketId }
        : { title: title.trim(), ...(description.trim() ? { description: description.trim() } : {}) }),
    };
    declare.mutate(input, {
      onSuccess: (detail) => {
        notifications.show({
          color: "red",
          title: `${emergencyNumber(detail.number)} declared`,
          message: detail.pages.length
            ? `Paging ${[...new Set(detail.pages.map((p) => p.name))].join(", ")} now.`
            : "The emergency is declared.",
        });
        navigate(`/r/${relationshipId}/emergencies/${detail.id}`);
      },
    });
  };

  const generalError =
    declare.error &&
    !(
      declare.error instanceof ApiError &&
      (["criteria", "ticketId", "title", "affectedSystem"] as const).some(serverError)
    );

  return (
    <form onSubmit={submit} noValidate aria-label="Declare an emergency">
      <Stack gap="md">
        <Card withBorder padding="md" component="section" aria-labelledby="criteria-title">
          <Title order={2} fz="h4" id="criteria-title" mb="xs">
            Is it an emergency?
          </Title>
          <Checkbox.Group
            label="The protocol says an emergency is…"
            description="Tick each one that applies. At least one must, or it is a critical ticket rather than an emergency."
            value={criteria}
            onChange={setCriteria}
            error={fieldError("criteria")}
            withAsterisk
          >
            <Stack gap="xs" mt="xs">
              {form.criteria.map((c) => (
                <Checkbox key={c} value={c} label={c} />
              ))}
            </Stack>
          </Checkbox.Group>
        </Card>

        <Card withBorder padding="md" component="section" aria-labelledby="what-title">
          <Title order={2} fz="h4" id="what-title" mb="xs">
            What is broken
          </Title>
          <Stack gap="sm">
            {ticketParam && !preselected ? (
              <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />}>
                <Text size="sm">
                  That ticket is not an open critical ticket (or already has an emergency). Raise its severity
                  to critical first, or describe the emergency here.
                </Text>
              </Alert>
            ) : null}
            {tickets.length ? (
              <Radio.Group
                label="The emergency runs on"
                value={mode}
                onChange={(v) => setMode(v === "new" ? "new" : "ticket")}
              >
                <Stack gap="xs" mt="xs">
                  <Radio value="ticket" label="An open critical ticket" />
                  <Radio value="new" label="A new critical ticket, opened now from what I describe" />
                </Stack>
              </Radio.Group>
            ) : (
              <Text size="sm" c="dimmed">
                There is no open critical ticket: a new one is opened from what you describe, and the
                emergency runs on it.
              </Text>
            )}
            {mode === "ticket" && tickets.length ? (
              <Select
                label="Critical ticket"
                placeholder="Choose a ticket"
                data={tickets.map((t) => ({ value: t.id, label: `#${t.number} ${t.title}` }))}
                value={ticketId}
                onChange={chooseTicket}
                searchable
                allowDeselect={false}
                error={fieldError("ticketId")}
                withAsterisk
              />
            ) : (
              <>
                <TextInput
                  label="Title"
                  description="What is broken, in a few words."
                  placeholder="e.g. File server down, nobody can open shared files"
                  value={title}
                  onChange={(e) => setTitle(e.currentTarget.value)}
                  maxLength={200}
                  error={fieldError("title")}
                  withAsterisk
                />
                <Textarea
                  label="What is happening"
                  description="Optional: what people see, since when, what you tried."
                  autosize
                  minRows={3}
                  maxLength={10_000}
                  value={description}
                  onChange={(e) => setDescription(e.currentTarget.value)}
                />
              </>
            )}
            <TextInput
              label="Affected system"
              description="The system that is down; its restoration plan is shown on the emergency page."
              placeholder="e.g. File server"
              value={system}
              onChange={(e) => setSystem(e.currentTarget.value)}
              maxLength={200}
              error={fieldError("affectedSystem")}
              withAsterisk
            />
          </Stack>
        </Card>

        <WhoIsPaged form={form} />

        {generalError ? <ProblemAlert error={declare.error} title="The emergency was not declared" /> : null}

        <Group justify="flex-end" gap="xs">
          <Button variant="default" component={Link} to={`/r/${relationshipId}/emergencies`}>
            Cancel
          </Button>
          <Button
            type="submit"
            color="red"
            loading={declare.isPending}
            leftSection={<IconAlertOctagon size={16} aria-hidden />}
          >
            Declare and page now
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Who the first page goes to right now, with a warning for anyone whose contact does not work. */
function WhoIsPaged({ form }: { form: EmergencyForm }) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="paged-title">
      <Group gap="xs" mb="xs">
        <IconBellRinging size={20} aria-hidden />
        <Title order={2} fz="h4" id="paged-title">
          Who is paged now
        </Title>
      </Group>
      <Stack gap="sm">
        {!form.hasSchedule ? (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />}>
            <Text size="sm">
              No on-call schedule covers this relationship. The provider&apos;s escalation contacts (or all of
              its staff) are paged instead — it may take longer for someone to answer.
            </Text>
          </Alert>
        ) : form.onCallNow.length === 0 ? (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />}>
            <Text size="sm">
              Nobody is on call right now in the provider&apos;s schedule (a gap). The provider&apos;s
              escalation contacts are paged instead.
            </Text>
          </Alert>
        ) : (
          <List spacing="xs" size="sm" listStyleType="none" aria-label="On call now">
            {[...form.onCallNow]
              .sort((a, b) => a.layer - b.layer)
              .map((p) => (
                <List.Item key={`${p.layer}-${p.userId}`}>
                  <Text size="sm" span fw={600}>
                    {p.layerName}:
                  </Text>{" "}
                  {p.name}
                  {p.layer === Math.min(...form.onCallNow.map((o) => o.layer)) ? (
                    <Text span size="sm" c="dimmed">
                      {" "}
                      — paged first
                    </Text>
                  ) : null}
                  {!p.contact.working ? (
                    <Alert
                      mt={4}
                      color="red"
                      variant="light"
                      icon={<IconAlertTriangle size={16} aria-hidden />}
                      title={`${p.name} may not get the page`}
                    >
                      <Text size="sm">
                        {sentence(p.contact.problem ?? "their contact details are not working")} They are
                        still paged in the app; if they do not acknowledge, the next person is paged.
                      </Text>
                    </Alert>
                  ) : null}
                </List.Item>
              ))}
          </List>
        )}
        {form.acknowledgeWithin ? (
          <Text size="sm" c="dimmed">
            If nobody acknowledges within {protocolDuration(form.acknowledgeWithin)}, the next person in the
            chain is paged, then the provider&apos;s escalation levels.
          </Text>
        ) : null}
      </Stack>
    </Card>
  );
}

/** "the account is disabled" → "The account is disabled." */
function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  return `${t.charAt(0).toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? "" : "."}`;
}
