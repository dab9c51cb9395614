import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  NumberInput,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconBulb, IconEye, IconSend } from "@tabler/icons-react";
import { type FormEvent, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { ApiError } from "../api/problem.ts";
import type { RelationshipDetail } from "../relationships/types.ts";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { type FieldErrors, hasErrors } from "../ui/validation.ts";
import { SeverityBadge } from "./badges.tsx";
import { useCreateTicket, useSuggestedSeverity } from "./queries.ts";
import {
  type CreateTicketInput,
  type Impact,
  type IntakeForm,
  PEOPLE_AFFECTED,
  type PeopleAffected,
  type Severity,
} from "./types.ts";
import { SEVERITY_COLORS, suggestSeverity, targetWords } from "./words.ts";

export interface IntakeModalProps {
  opened: boolean;
  onClose: () => void;
  relationshipId: string;
  form: IntakeForm;
  relationship: RelationshipDetail | undefined;
}

type Field =
  | "title"
  | "description"
  | "peopleAffected"
  | "workaround"
  | "criticalFunctionStopped"
  | "severityReason"
  | "reporter"
  | "reporterEmail"
  | "affectedPeopleCount";

const SOMEONE_ELSE = "__someone_else__";
const yesNo = (value: boolean | null) => (value === null ? null : value ? "yes" : "no");

/**
 * Raising a ticket: what is wrong, then the protocol's impact questions. The severity the
 * protocol's matrix suggests appears as soon as they are answered, next to what each severity
 * means; choosing another one needs a reason that both sides will read. Provider staff raise
 * tickets on behalf of a client person, so they say who.
 */
export function IntakeModal({ opened, onClose, relationshipId, form, relationship }: IntakeModalProps) {
  const phone = useMediaQuery("(max-width: 36em)");
  const navigate = useNavigate();
  const create = useCreateTicket(relationshipId);
  const onBehalf = relationship?.viewer.side === "provider";
  const clientPeople = relationship?.people.client ?? [];

  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [peopleAffected, setPeopleAffected] = useState<PeopleAffected | null>(null);
  const [workaround, setWorkaround] = useState<boolean | null>(null);
  const [stopped, setStopped] = useState<boolean | null>(null);
  /** null: follow the suggestion. */
  const [chosen, setChosen] = useState<Severity | null>(null);
  const [reason, setReason] = useState("");
  const [systems, setSystems] = useState<string[]>([]);
  const [peopleCount, setPeopleCount] = useState<number | string>("");
  const [reporterPick, setReporterPick] = useState<string | null>(null);
  const [reporterEmail, setReporterEmail] = useState("");
  const [reporterName, setReporterName] = useState("");
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const formRef = useRef<HTMLFormElement>(null);

  const impact: Impact | null =
    peopleAffected !== null && workaround !== null && stopped !== null
      ? { peopleAffected, workaround, criticalFunctionStopped: stopped }
      : null;
  // The same matrix as the server, for an instant answer; the server's word wins when it arrives.
  const localSuggestion = impact ? suggestSeverity(form.rules, impact) : null;
  const server = useSuggestedSeverity(relationshipId, impact);
  const suggested = impact ? (server.data?.severity ?? localSuggestion) : null;
  const severity = chosen ?? suggested;
  const overriding = severity !== null && suggested !== null && severity !== suggested;
  const suggestedInfo = form.severities.find((s) => s.key === suggested);

  const reset = () => {
    setTitle("");
    setDescription("");
    setPeopleAffected(null);
    setWorkaround(null);
    setStopped(null);
    setChosen(null);
    setReason("");
    setSystems([]);
    setPeopleCount("");
    setReporterPick(null);
    setReporterEmail("");
    setReporterName("");
    setErrors({});
    create.reset();
  };
  const close = () => {
    reset();
    onClose();
  };

  const serverError = create.error instanceof ApiError ? create.error : null;
  const fieldError = (field: Field, apiField: string = field) =>
    errors[field] ?? serverError?.fieldError(apiField);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const someoneElse = reporterPick === SOMEONE_ELSE;
    const picked = clientPeople.find((p) => p.userId === reporterPick);
    const found: FieldErrors<Field> = {
      title: title.trim() ? undefined : "Give the ticket a short title.",
      description: description.trim() ? undefined : "Say what is happening.",
      peopleAffected: peopleAffected ? undefined : "Choose who is affected.",
      workaround: workaround === null ? "Answer yes or no." : undefined,
      criticalFunctionStopped: stopped === null ? "Answer yes or no." : undefined,
      severityReason:
        overriding && !reason.trim()
          ? `Say why this is ${form.severities.find((s) => s.key === severity)?.name ?? severity} rather than the suggested ${suggestedInfo?.name ?? suggested}.`
          : undefined,
      reporter: onBehalf && !reporterPick ? "Choose who is affected." : undefined,
      reporterEmail:
        onBehalf && someoneElse && !/^\S+@\S+\.\S+$/.test(reporterEmail.trim())
          ? "Give their email address."
          : undefined,
    };
    setErrors(found);
    if (hasErrors(found) || !impact) {
      // The form is long: take the person to the first answer that is missing.
      requestAnimationFrame(() => focusFirstError(formRef.current));
      return;
    }
    const count = typeof peopleCount === "number" ? peopleCount : undefined;
    const input: CreateTicketInput = {
      title: title.trim(),
      description: description.trim(),
      impact,
      ...(severity ? { severity } : {}),
      ...(overriding ? { severityReason: reason.trim() } : {}),
      ...(systems.length ? { affectedSystems: systems } : {}),
      ...(count !== undefined ? { affectedPeopleCount: count } : {}),
      ...(onBehalf
        ? {
            reporter: picked
              ? { email: picked.email, name: picked.name }
              : {
                  email: reporterEmail.trim(),
                  ...(reporterName.trim() ? { name: reporterName.trim() } : {}),
                },
          }
        : {}),
    };
    create.mutate(input, {
      onSuccess: (ticket) => {
        notifications.show({ color: "teal", message: `Ticket #${ticket.number} raised.` });
        reset();
        onClose();
        navigate(`/r/${relationshipId}/tickets/${ticket.id}`);
      },
    });
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title="Raise a ticket"
      styles={{ title: { fontSize: "var(--mantine-h3-font-size)", fontWeight: 700 } }}
      size="xl"
      fullScreen={phone}
      closeButtonProps={{ "aria-label": "Close" }}
    >
      <form onSubmit={submit} noValidate ref={formRef}>
        <Stack gap="lg">
          {onBehalf ? (
            <Stack gap="xs">
              <Select
                label="Who is affected?"
                description="You are raising this on behalf of someone at the client; they are the reporter and are kept informed."
                placeholder="Choose a person"
                required
                searchable
                data={[
                  ...clientPeople.map((p) => ({ value: p.userId, label: `${p.name} (${p.email})` })),
                  { value: SOMEONE_ELSE, label: "Someone not listed…" },
                ]}
                value={reporterPick}
                onChange={setReporterPick}
                error={fieldError("reporter")}
              />
              {reporterPick === SOMEONE_ELSE ? (
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                  <TextInput
                    label="Their email"
                    type="email"
                    required
                    value={reporterEmail}
                    onChange={(e) => setReporterEmail(e.currentTarget.value)}
                    error={fieldError("reporterEmail", "reporter.email")}
                  />
                  <TextInput
                    label="Their name"
                    value={reporterName}
                    onChange={(e) => setReporterName(e.currentTarget.value)}
                    error={serverError?.fieldError("reporter.name")}
                  />
                </SimpleGrid>
              ) : null}
            </Stack>
          ) : null}

          <TextInput
            label="Title"
            description="A short summary, e.g. “Invoices will not print at the warehouse”."
            required
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            error={fieldError("title")}
            data-autofocus
          />
          <Textarea
            label="What is happening?"
            description="What you see, since when, and what you were doing. Error messages help."
            required
            autosize
            minRows={3}
            maxRows={12}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={fieldError("description")}
          />

          <Stack gap="sm" component="section" aria-labelledby="intake-impact-title">
            <Title order={3} fz="h5" id="intake-impact-title">
              Business impact
            </Title>
            <Radio.Group
              label="How many people are affected?"
              required
              value={peopleAffected}
              onChange={(v) => setPeopleAffected(v as PeopleAffected)}
              error={fieldError("peopleAffected", "impact.peopleAffected")}
            >
              <SimpleGrid cols={{ base: 1, xs: 2 }} spacing={6} mt={6}>
                {PEOPLE_AFFECTED.map((key) => (
                  <Radio key={key} value={key} label={form.peopleAffected[key]} />
                ))}
              </SimpleGrid>
            </Radio.Group>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <Radio.Group
                label="Is there a workaround?"
                description="Another way to get the work done for now, even a slow one."
                required
                value={yesNo(workaround)}
                onChange={(v) => setWorkaround(v === "yes")}
                error={fieldError("workaround", "impact.workaround")}
              >
                <Group gap="lg" mt={6}>
                  <Radio value="yes" label="Yes" />
                  <Radio value="no" label="No" />
                </Group>
              </Radio.Group>
              <Radio.Group
                label="Has a business-critical function stopped?"
                description="Taking orders, paying people, serving clients…"
                required
                value={yesNo(stopped)}
                onChange={(v) => setStopped(v === "yes")}
                error={fieldError("criticalFunctionStopped", "impact.criticalFunctionStopped")}
              >
                <Group gap="lg" mt={6}>
                  <Radio value="yes" label="Yes" />
                  <Radio value="no" label="No" />
                </Group>
              </Radio.Group>
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TagsInput
                label="Affected systems"
                description="Press Enter after each one."
                placeholder="e.g. File server, Email"
                value={systems}
                onChange={setSystems}
                maxTags={50}
                clearable
              />
              <NumberInput
                label="How many people, roughly?"
                description="Optional."
                min={0}
                max={10_000_000}
                allowDecimal={false}
                allowNegative={false}
                value={peopleCount}
                onChange={setPeopleCount}
                error={fieldError("affectedPeopleCount")}
              />
            </SimpleGrid>
          </Stack>

          <Stack gap="sm" component="section" aria-labelledby="intake-severity-title">
            <Title order={3} fz="h5" id="intake-severity-title">
              Severity
            </Title>
            <div aria-live="polite" data-testid="suggested-severity">
              {suggested && suggestedInfo ? (
                <Alert
                  variant="light"
                  color={SEVERITY_COLORS[suggested]}
                  icon={<IconBulb size={20} aria-hidden />}
                  title={
                    <Group gap="xs">
                      <span>The protocol suggests</span>
                      <SeverityBadge severity={suggested} />
                    </Group>
                  }
                >
                  <Text size="sm">{suggestedInfo.impact}</Text>
                  <Text size="xs" c="dimmed" mt={4}>
                    Response {targetWords(suggestedInfo.response)}; resolution{" "}
                    {targetWords(suggestedInfo.resolution)}.
                  </Text>
                </Alert>
              ) : (
                <Text size="sm" c="dimmed">
                  Answer the three impact questions and the protocol (version {form.protocolVersion}) suggests
                  a severity.
                </Text>
              )}
            </div>
            <Radio.Group
              label="Severity of this ticket"
              description="Severity follows business impact, not how hard the problem looks. Keep the suggestion unless it is wrong."
              value={severity}
              onChange={(v) => setChosen(v === suggested ? null : (v as Severity))}
            >
              <Stack gap={6} mt={6}>
                {form.severities.map((s) => (
                  <Radio.Card
                    key={s.key}
                    value={s.key}
                    className="severity-card"
                    data-severity={s.key}
                    aria-label={`${s.name}${s.key === suggested ? " (suggested)" : ""}`}
                    aria-describedby={`severity-${s.key}-impact`}
                    p="sm"
                  >
                    <Group wrap="nowrap" align="flex-start" gap="sm">
                      <Radio.Indicator mt={2} />
                      <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
                        <Group gap="xs">
                          <SeverityBadge severity={s.key} />
                          {s.key === suggested ? (
                            <Badge variant="dot" color="indigo" tt="none">
                              Suggested
                            </Badge>
                          ) : null}
                        </Group>
                        <Text size="sm" id={`severity-${s.key}-impact`}>
                          {s.impact}
                        </Text>
                        {s.examples.length ? (
                          <Text size="xs" c="dimmed">
                            For example: {s.examples.join("; ")}.
                          </Text>
                        ) : null}
                        <Text size="xs" c="dimmed">
                          Response {targetWords(s.response)} · resolution {targetWords(s.resolution)} ·
                          updates every {s.updates.every}
                        </Text>
                      </Stack>
                    </Group>
                  </Radio.Card>
                ))}
              </Stack>
            </Radio.Group>
            {overriding ? (
              <Textarea
                label="Why this severity?"
                description={
                  <>
                    <IconEye size={12} aria-hidden style={{ verticalAlign: "-1px" }} /> Visible to both sides:
                    the reason is shown on the ticket to the client and the provider, next to the suggested
                    severity.
                  </>
                }
                required
                autosize
                minRows={2}
                maxLength={2000}
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                error={fieldError("severityReason")}
              />
            ) : null}
            {overriding && chosen ? (
              <Button variant="subtle" size="compact-sm" onClick={() => setChosen(null)} w="fit-content">
                Use the suggestion instead
              </Button>
            ) : null}
          </Stack>

          {create.isError ? <ProblemAlert error={create.error} title="The ticket was not raised" /> : null}
          {hasErrors(errors) ? (
            <Text size="sm" c="red" role="alert">
              Some answers are missing; they are marked above.
            </Text>
          ) : null}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={close} disabled={create.isPending}>
              Cancel
            </Button>
            <Button type="submit" leftSection={<IconSend size={16} aria-hidden />} loading={create.isPending}>
              Raise the ticket
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Focuses the field (or the first choice of the group) described by the form's first error message. */
function focusFirstError(form: HTMLFormElement | null): void {
  const message = form?.querySelector<HTMLElement>('[id$="-error"]');
  if (!form || !message) return;
  const field = form.querySelector<HTMLElement>(`[aria-describedby~="${CSS.escape(message.id)}"]`);
  const target = field?.getAttribute("role") === "radiogroup" ? field.querySelector("input") : field;
  (target ?? message).focus();
  message.scrollIntoView({ block: "center" });
}
