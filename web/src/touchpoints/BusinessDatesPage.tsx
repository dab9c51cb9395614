import "./touchpoints.css";
import {
  Button,
  Card,
  EmptyState,
  Group,
  Select,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconCalendarDue, IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { useParams, useSearchParams } from "react-router";
import { formatCalendarDate } from "../protocol/zone.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { ActionDialog, useActionRunner } from "../ui/ActionDialog.tsx";
import { ConfirmModal } from "../ui/ConfirmModal.tsx";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { type FieldErrors, hasErrors } from "../ui/validation.ts";
import { KindBadge } from "./badges.tsx";
import { type BusinessDateChange, useBusinessDateChange, useBusinessDates } from "./queries.ts";
import { useLiveTouchpoints } from "./live.ts";
import { TouchpointsNav } from "./TouchpointsNav.tsx";
import { BUSINESS_DATE_KINDS, type BusinessDate, type BusinessDateKind } from "./types.ts";
import { BUSINESS_DATE_KIND_LABELS, daysAwayWords } from "./words.ts";

type Editing = { mode: "new" } | { mode: "edit"; date: BusinessDate } | null;

/**
 * `/r/:relationshipId/touchpoints/dates`: the client's dated business and compliance needs — an
 * audit, a licence renewal, an office move, a regulatory deadline — soonest first. Each agenda
 * lists those coming up, so the provider hears of them in time. The client's leads keep them; the
 * provider reads them.
 */
export function BusinessDatesPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  useLiveTouchpoints(relationshipId);
  const [params, setParams] = useSearchParams();
  const past = params.get("past") === "true";
  const list = useBusinessDates(relationshipId, past);
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<BusinessDate | null>(null);
  const rel = relationship.data;
  const name = rel ? relationshipTitle(rel) : undefined;
  const client = rel?.client.name ?? "the client";
  const provider = rel?.provider.name ?? "the provider";
  const data = list.data;
  const dates = [...(data?.dates ?? [])].sort((a, b) => a.dueOn.localeCompare(b.dueOn));

  return (
    <Page
      title="Business dates"
      documentTitle={name ? `Business dates — ${name}` : "Business dates"}
      eyebrow={name}
      description={`Dates in ${client}'s business that IT must be ready for: audits, renewals, office moves, regulatory deadlines. The meetings' agendas list them as they come up, so ${provider} can prepare in time.`}
      actions={
        data?.canEdit ? (
          <Button
            onClick={() => setEditing({ mode: "new" })}
            leftSection={<IconPlus size={16} aria-hidden />}
          >
            Add a date
          </Button>
        ) : undefined
      }
    >
      <TouchpointsNav relationshipId={relationshipId} current="dates" />
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Text size="sm" c="dimmed">
          {data && !data.canEdit ? `Kept by ${client}'s executive, IT contact and approvers.` : "\u00a0"}
        </Text>
        <Switch
          label="Show past dates"
          checked={past}
          onChange={(ev) => {
            const checked = ev.currentTarget.checked;
            setParams(
              (current) => {
                const next = new URLSearchParams(current);
                if (checked) next.set("past", "true");
                else next.delete("past");
                return next;
              },
              { replace: true },
            );
          }}
        />
      </Group>
      {list.isPending ? (
        <Loading label="Loading the dates…" />
      ) : list.isError && !data ? (
        <ProblemAlert error={list.error} title="Could not load the dates" />
      ) : dates.length === 0 ? (
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconCalendarDue size={28} />}
            withIndicatorBackground
            title={past ? "No dates recorded" : "No dates ahead"}
            description={`When ${client} has an audit, a renewal, a move or a deadline coming, recording it here puts it on the agendas ahead of time.`}
          >
            {data?.canEdit ? (
              <EmptyState.Actions>
                <Button onClick={() => setEditing({ mode: "new" })}>Add the first date</Button>
              </EmptyState.Actions>
            ) : null}
          </EmptyState>
        </Card>
      ) : (
        <Stack gap="xs" component="ul" className="plain-list" aria-label="Business dates">
          {dates.map((d) => (
            <DateRow
              key={d.id}
              d={d}
              canEdit={data!.canEdit}
              onEdit={() => setEditing({ mode: "edit", date: d })}
              onRemove={() => setRemoving(d)}
            />
          ))}
        </Stack>
      )}
      {editing ? (
        <DateDialog
          key={editing.mode === "edit" ? `${editing.date.id}:${editing.date.revision}` : "new"}
          relationshipId={relationshipId}
          date={editing.mode === "edit" ? editing.date : null}
          onClose={() => setEditing(null)}
        />
      ) : null}
      <RemoveDateModal relationshipId={relationshipId} date={removing} onClose={() => setRemoving(null)} />
    </Page>
  );
}

function DateRow({
  d,
  canEdit,
  onEdit,
  onRemove,
}: {
  d: BusinessDate;
  canEdit: boolean;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const passed = d.daysAway < 0;
  return (
    <li className="tp-date-row" data-kind={d.kind} data-past={passed || undefined}>
      <Stack gap={4} style={{ minWidth: 0 }}>
        <Group gap="xs" wrap="wrap">
          <KindBadge kind={d.kind} size="sm" />
          <Text size="sm" fw={600} className="tp-wrap">
            {d.title}
          </Text>
        </Group>
        {d.notes ? (
          <Text size="sm" c="dimmed" className="tp-text">
            {d.notes}
          </Text>
        ) : null}
        <Text size="xs" c="dimmed">
          Recorded by {d.createdByName}
        </Text>
      </Stack>
      <Stack gap={4} className="tp-date-side">
        <Text size="sm" fw={600}>
          {formatCalendarDate(d.dueOn)}
        </Text>
        <Text size="xs" c={passed ? "dimmed" : d.daysAway <= 14 ? "orange.8" : "dimmed"}>
          {daysAwayWords(d.daysAway)}
        </Text>
        {canEdit ? (
          <Group gap={4} wrap="nowrap">
            <Button
              size="compact-xs"
              variant="subtle"
              leftSection={<IconPencil size={12} aria-hidden />}
              onClick={onEdit}
              aria-label={`Edit ${d.title}`}
            >
              Edit
            </Button>
            <Button
              size="compact-xs"
              variant="subtle"
              color="red"
              leftSection={<IconTrash size={12} aria-hidden />}
              onClick={onRemove}
              aria-label={`Remove ${d.title}`}
            >
              Remove
            </Button>
          </Group>
        ) : null}
      </Stack>
    </li>
  );
}

const KIND_OPTIONS = BUSINESS_DATE_KINDS.map((k) => ({ value: k, label: BUSINESS_DATE_KIND_LABELS[k] }));

/** Records a new date, or changes one (with the revision it was read at: a stale one answers 409). */
function DateDialog({
  relationshipId,
  date,
  onClose,
}: {
  relationshipId: string;
  date: BusinessDate | null;
  onClose: () => void;
}) {
  const { run, action, fieldError } = useActionRunner(
    useBusinessDateChange(relationshipId),
    (body): BusinessDateChange =>
      date
        ? { kind: "update", dateId: date.id, body: { ...body, revision: date.revision } }
        : { kind: "create", body: body as { kind: BusinessDateKind; title: string; dueOn: string } },
  );
  const [kind, setKind] = useState<string | null>(date?.kind ?? null);
  const [title, setTitle] = useState(date?.title ?? "");
  const [dueOn, setDueOn] = useState(date?.dueOn ?? "");
  const [notes, setNotes] = useState(date?.notes ?? "");
  const [errors, setErrors] = useState<FieldErrors<"kind" | "title" | "dueOn">>({});
  const close = () => {
    action.reset();
    onClose();
  };
  return (
    <ActionDialog
      opened
      onClose={close}
      title={date ? `Edit: ${date.title}` : "Add a business date"}
      intro="The agendas list it as it comes up, so the provider can prepare."
      submitLabel={date ? "Save" : "Add the date"}
      pending={action.isPending}
      error={action.error}
      record="date"
      onSubmit={() => {
        const e = {
          kind: kind ? undefined : "Choose what kind of date it is.",
          title: title.trim() ? undefined : "Say what is due, e.g. PCI DSS audit.",
          dueOn: dueOn ? undefined : "Give the date.",
        };
        setErrors(e);
        if (hasErrors(e)) return;
        run(
          { kind, title: title.trim(), dueOn, notes: notes.trim() },
          date ? "Date saved." : "Date added.",
          close,
        );
      }}
    >
      <Select
        label="Kind"
        placeholder="Choose"
        data={KIND_OPTIONS}
        value={kind}
        onChange={setKind}
        error={errors.kind ?? fieldError("kind")}
        withAsterisk
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
      />
      <TextInput
        label="What is due"
        placeholder="e.g. PCI DSS audit"
        maxLength={300}
        value={title}
        onChange={(ev) => setTitle(ev.currentTarget.value)}
        error={errors.title ?? fieldError("title")}
        withAsterisk
        data-autofocus
      />
      <TextInput
        type="date"
        label="Date"
        description="In the protocol's time zone."
        value={dueOn}
        onChange={(ev) => setDueOn(ev.currentTarget.value)}
        error={errors.dueOn ?? fieldError("dueOn")}
        withAsterisk
      />
      <Textarea
        label="Notes (optional)"
        description="What the provider needs to know or prepare."
        autosize
        minRows={2}
        maxLength={10_000}
        value={notes}
        onChange={(ev) => setNotes(ev.currentTarget.value)}
        error={fieldError("notes")}
      />
    </ActionDialog>
  );
}

function RemoveDateModal({
  relationshipId,
  date,
  onClose,
}: {
  relationshipId: string;
  date: BusinessDate | null;
  onClose: () => void;
}) {
  const change = useBusinessDateChange(relationshipId);
  const close = () => {
    change.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={date !== null}
      title="Remove this date?"
      confirmLabel="Remove"
      pending={change.isPending}
      error={change.error}
      onClose={close}
      onConfirm={() =>
        date &&
        change.mutate(
          { kind: "remove", dateId: date.id },
          {
            onSuccess: () => {
              notifications.show({ color: "teal", message: "Date removed." });
              close();
            },
          },
        )
      }
    >
      “{date?.title}” ({date ? formatCalendarDate(date.dueOn) : ""}) no longer shows on the agendas.
    </ConfirmModal>
  );
}
