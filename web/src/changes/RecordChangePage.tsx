import "./changes.css";
import {
  Alert,
  Button,
  Group,
  Radio,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconHistoryToggle, IconInfoCircle } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useNavigate, useParams } from "react-router";
import { ApiError } from "../api/problem.ts";
import { inputValueToIso } from "../protocol/zone.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { type FieldErrors, hasErrors } from "../ui/validation.ts";
import { ClassBadge } from "./badges.tsx";
import { RelatedTicketsInput, ZonedDateTimeInput } from "./fields.tsx";
import { BackToChanges } from "./NewChangePage.tsx";
import { useChangeForm, useRecordChange } from "./queries.ts";
import type { ChangeClass, RecordChangeInput } from "./types.ts";

type Field = "class" | "title" | "description" | "startedAt" | "endedAt";

/**
 * `/r/:relationshipId/changes/record`: a change written down after it happened. From the client,
 * "things changed" — something is different and nobody said so; from the provider, an emergency
 * or a forgotten change. Either way it is on the record, marked unannounced when the notices the
 * protocol requires did not go out.
 */
export function RecordChangePage() {
  const { relationshipId = "" } = useParams();
  const navigate = useNavigate();
  const relationship = useRelationship(relationshipId);
  const form = useChangeForm(relationshipId);
  const record = useRecordChange(relationshipId);
  const isProvider = relationship.data?.viewer.side === "provider";
  const zone = form.data?.timezone;

  const [cls, setCls] = useState<ChangeClass>("emergency");
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [reason, setReason] = useState("");
  const [impact, setImpact] = useState("");
  const [systems, setSystems] = useState<string[]>([]);
  const [ticketIds, setTicketIds] = useState<string[]>([]);
  const [startInput, setStartInput] = useState("");
  const [endInput, setEndInput] = useState("");
  const [notes, setNotes] = useState("");
  const [errors, setErrors] = useState<FieldErrors<Field>>({});

  const serverError = record.error instanceof ApiError ? record.error : null;
  const fieldError = (field: string) => errors[field as Field] ?? serverError?.fieldError(field);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!zone) return;
    const startedAt = inputValueToIso(startInput, zone);
    const endedAt = endInput ? inputValueToIso(endInput, zone) : null;
    const found: FieldErrors<Field> = {
      title: title.trim() ? undefined : "Give it a short title.",
      description: description.trim() ? undefined : "Say what changed.",
      startedAt: startedAt ? undefined : "Enter when it happened (or when you first noticed it).",
      endedAt:
        endInput && !endedAt
          ? "Enter a complete date and time, or leave it empty."
          : endedAt && startedAt && endedAt < startedAt
            ? "The end must be after the start."
            : undefined,
    };
    setErrors(found);
    if (hasErrors(found) || !startedAt) return;
    const input: RecordChangeInput = {
      ...(isProvider ? { class: cls } : {}),
      title: title.trim(),
      description: description.trim(),
      ...(reason.trim() ? { reason: reason.trim() } : {}),
      ...(impact.trim() ? { impact: impact.trim() } : {}),
      ...(systems.length ? { affectedSystems: systems } : {}),
      ...(ticketIds.length ? { relatedTicketIds: ticketIds } : {}),
      startedAt,
      ...(endedAt ? { endedAt } : {}),
      ...(notes.trim() ? { outcomeNotes: notes.trim() } : {}),
    };
    record.mutate(input, {
      onSuccess: (change) => {
        notifications.show({ color: "teal", message: `Recorded as CHG-${change.number}.` });
        navigate(`/r/${relationshipId}/changes/${change.id}`);
      },
    });
  };

  return (
    <Page
      title="Report a change that happened"
      eyebrow={<BackToChanges relationshipId={relationshipId} />}
      description={
        isProvider
          ? "Record an emergency change, or one that was made without going through approval. It is marked unannounced when the notices the protocol requires did not go out."
          : "Something in your IT changed and nobody told you? Write down what you noticed: the provider is asked to explain it, and it stays on the record."
      }
    >
      {form.isPending || relationship.isPending ? (
        <Loading />
      ) : form.isError ? (
        <ProblemAlert error={form.error} title="Could not load the change rules" />
      ) : (
        <form onSubmit={submit} noValidate aria-label="Report a change">
          <Stack gap="lg" maw={760}>
            {isProvider ? (
              <Radio.Group
                label="Class"
                description="An emergency is reviewed within the time the protocol sets."
                value={cls}
                onChange={(v) => setCls(v as ChangeClass)}
                error={fieldError("class")}
              >
                <Group gap="md" mt={6}>
                  {form.data.classes.map((c) => (
                    <Radio key={c.class} value={c.class} label={<ClassBadge value={c.class} />} />
                  ))}
                </Group>
              </Radio.Group>
            ) : (
              <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} aria-hidden />}>
                <Text size="sm">It is recorded as a normal change made without notice.</Text>
              </Alert>
            )}
            <TextInput
              label="Title"
              required
              maxLength={200}
              value={title}
              onChange={(e) => setTitle(e.currentTarget.value)}
              error={fieldError("title")}
            />
            <Textarea
              label="What changed"
              required
              autosize
              minRows={3}
              maxLength={20_000}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              error={fieldError("description")}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <ZonedDateTimeInput
                label={isProvider ? "Started" : "When it happened"}
                zone={form.data.timezone}
                required
                value={startInput}
                onChange={setStartInput}
                error={fieldError("startedAt")}
              />
              <ZonedDateTimeInput
                label="Ended"
                zone={form.data.timezone}
                description={`Optional. ${form.data.timezone} time.`}
                value={endInput}
                onChange={setEndInput}
                error={fieldError("endedAt")}
              />
            </SimpleGrid>
            <Textarea
              label={isProvider ? "Why it was needed" : "Why it matters"}
              description="Optional."
              autosize
              minRows={2}
              maxLength={10_000}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={fieldError("reason")}
            />
            <Textarea
              label="Impact"
              description="Optional: what people noticed."
              autosize
              minRows={2}
              maxLength={10_000}
              value={impact}
              onChange={(e) => setImpact(e.currentTarget.value)}
              error={fieldError("impact")}
            />
            <TagsInput
              label="Affected systems"
              description="Press Enter after each one."
              data={form.data.systems}
              value={systems}
              onChange={setSystems}
              maxTags={50}
              clearable
              error={fieldError("affectedSystems")}
            />
            <RelatedTicketsInput
              relationshipId={relationshipId}
              value={ticketIds}
              onChange={setTicketIds}
              error={fieldError("relatedTicketIds")}
            />
            <Textarea
              label={isProvider ? "Outcome" : "Anything else"}
              description="Optional."
              autosize
              minRows={2}
              maxLength={10_000}
              value={notes}
              onChange={(e) => setNotes(e.currentTarget.value)}
              error={fieldError("outcomeNotes")}
            />
            {record.isError ? (
              <ProblemAlert error={record.error} title="The change was not recorded" />
            ) : null}
            {hasErrors(errors) ? (
              <Text size="sm" c="red" role="alert">
                Some answers are missing; they are marked above.
              </Text>
            ) : null}
            <Group justify="flex-end" gap="xs">
              <Button
                variant="default"
                onClick={() => navigate(`/r/${relationshipId}/changes`)}
                disabled={record.isPending}
              >
                Cancel
              </Button>
              <Button
                type="submit"
                leftSection={<IconHistoryToggle size={16} aria-hidden />}
                loading={record.isPending}
              >
                Record the change
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Page>
  );
}
