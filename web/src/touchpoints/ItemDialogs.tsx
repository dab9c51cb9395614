import { Select, Text, Textarea, TextInput } from "@mantine/core";
import { useState } from "react";
import { todayIn } from "../changes/time.ts";
import { roleLabel, sideLabel } from "../identity/roles.ts";
import { formatCalendarDate } from "../protocol/zone.ts";
import { ActionDialog, useActionRunner } from "../ui/ActionDialog.tsx";
import { type FieldErrors, hasErrors } from "../ui/validation.ts";
import { useCompleteAction, useMeetingChange } from "./queries.ts";
import type { ActionItem, AgendaItem, Member, Side } from "./types.ts";
import { actionNumber } from "./words.ts";

/**
 * The forms on one agenda item: record a decision taken on it, give someone an action item that
 * comes from it, and mark an action item done (also from the action items list).
 */

interface ItemDialogProps {
  relationshipId: string;
  meetingId: string;
  /** The agenda item the decision or action comes from; null keeps the dialog closed. */
  item: AgendaItem | null;
  onClose: () => void;
}

/** Someone at the meeting writes down what was decided on an item. */
export function DecisionDialog({ relationshipId, meetingId, item, onClose }: ItemDialogProps) {
  const { run, action, fieldError } = useActionRunner(
    useMeetingChange(relationshipId, meetingId),
    (body) => ({
      kind: "decision" as const,
      body: body as { itemKey: string; text: string },
    }),
  );
  const [text, setText] = useState("");
  const [missing, setMissing] = useState(false);
  const close = () => {
    setText("");
    setMissing(false);
    action.reset();
    onClose();
  };
  return (
    <ActionDialog
      opened={item !== null}
      onClose={close}
      title="Record a decision"
      intro={
        item ? `On “${item.title}”. It goes into the meeting's summary, which both sides receive.` : undefined
      }
      submitLabel="Record the decision"
      pending={action.isPending}
      error={action.error}
      record="meeting"
      onSubmit={() => {
        if (!text.trim()) return setMissing(true);
        run({ itemKey: item?.key ?? "", text: text.trim() }, "Decision recorded.", close);
      }}
    >
      <Textarea
        label="Decision"
        placeholder="e.g. Replace the printers in Q3 within the agreed budget"
        withAsterisk
        autosize
        minRows={2}
        maxLength={5_000}
        value={text}
        onChange={(ev) => setText(ev.currentTarget.value)}
        error={(missing && !text.trim() ? "Write what was decided." : undefined) ?? fieldError("text")}
        data-autofocus
      />
    </ActionDialog>
  );
}

/** Select options for owners: both sides' people, grouped by side, with their roles. */
export function ownerOptions(people: Member[]) {
  const group = (side: Side) => ({
    group: sideLabel(side),
    items: people
      .filter((p) => p.side === side)
      .map((p) => ({
        value: p.id,
        label: p.roles.length ? `${p.name} (${p.roles.map(roleLabel).join(", ")})` : p.name,
      })),
  });
  return [group("client"), group("provider")].filter((g) => g.items.length > 0);
}

/**
 * Someone at the meeting gives an action item one owner and a due date. It stays on every later
 * agenda until it is done.
 */
export function AddActionDialog({
  relationshipId,
  meetingId,
  item,
  onClose,
  people,
  zone,
}: ItemDialogProps & { people: Member[]; zone: string }) {
  const { run, action, fieldError } = useActionRunner(
    useMeetingChange(relationshipId, meetingId),
    (body) => ({
      kind: "addAction" as const,
      body: body as { itemKey: string; title: string; ownerUserId: string; dueOn: string },
    }),
  );
  const [title, setTitle] = useState("");
  const [owner, setOwner] = useState<string | null>(null);
  const [dueOn, setDueOn] = useState("");
  const [errors, setErrors] = useState<FieldErrors<"title" | "ownerUserId" | "dueOn">>({});
  const close = () => {
    setTitle("");
    setOwner(null);
    setDueOn("");
    setErrors({});
    action.reset();
    onClose();
  };
  const today = todayIn(zone);
  return (
    <ActionDialog
      opened={item !== null}
      onClose={close}
      title="Add an action item"
      intro={
        item
          ? `From “${item.title}”. One owner and a date it is due; the owner is told, and it stays on every agenda until it is done.`
          : undefined
      }
      submitLabel="Add the action item"
      pending={action.isPending}
      error={action.error}
      record="meeting"
      onSubmit={() => {
        const e = {
          title: title.trim() ? undefined : "Say what is to be done.",
          ownerUserId: owner ? undefined : "Choose who owns it.",
          dueOn: !dueOn ? "Give the date it is due." : undefined,
        };
        setErrors(e);
        if (hasErrors(e)) return;
        run(
          { itemKey: item?.key ?? "", title: title.trim(), ownerUserId: owner, dueOn },
          "Action item added.",
          close,
        );
      }}
    >
      <TextInput
        label="What is to be done"
        placeholder="e.g. Send three quotes for replacement printers"
        value={title}
        onChange={(ev) => setTitle(ev.currentTarget.value)}
        maxLength={500}
        error={errors.title ?? fieldError("title")}
        withAsterisk
        data-autofocus
      />
      <Select
        label="Owner"
        placeholder="Choose a person"
        data={ownerOptions(people)}
        value={owner}
        onChange={setOwner}
        searchable
        nothingFoundMessage="Nobody by that name"
        error={errors.ownerUserId ?? fieldError("ownerUserId")}
        withAsterisk
        comboboxProps={{ withinPortal: true }}
      />
      <TextInput
        type="date"
        label="Due"
        description={`The end of that day in ${zone}, the protocol's time zone.`}
        min={today}
        value={dueOn}
        onChange={(ev) => setDueOn(ev.currentTarget.value)}
        error={errors.dueOn ?? fieldError("dueOn")}
        withAsterisk
      />
    </ActionDialog>
  );
}

/** The owner (or an organizer) marks an action item done, optionally saying what was done. */
export function CompleteActionDialog({
  relationshipId,
  action: a,
  onClose,
}: {
  relationshipId: string;
  action: ActionItem | null;
  onClose: () => void;
}) {
  const { run, action, fieldError } = useActionRunner(useCompleteAction(relationshipId), (body) => ({
    actionId: a?.id ?? "",
    body: body as { note?: string; revision: number },
  }));
  const [note, setNote] = useState("");
  const close = () => {
    setNote("");
    action.reset();
    onClose();
  };
  return (
    <ActionDialog
      opened={a !== null}
      onClose={close}
      title={a ? `Done: ${actionNumber(a.number)} ${a.title}` : "Done"}
      intro={
        a
          ? `${a.owner.name}, due ${formatCalendarDate(a.dueOn)}.${a.overdue ? " It is past its due date; it is recorded as done late." : ""} It leaves the open action items of the next agendas.`
          : undefined
      }
      submitLabel="Mark done"
      color="green"
      pending={action.isPending}
      error={action.error}
      record="action item"
      onSubmit={() =>
        run(
          { ...(note.trim() ? { note: note.trim() } : {}), revision: a?.revision ?? 1 },
          `${a ? actionNumber(a.number) : "Action item"} marked done.`,
          close,
        )
      }
    >
      <Textarea
        label="What was done (optional)"
        autosize
        minRows={2}
        maxLength={5_000}
        value={note}
        onChange={(ev) => setNote(ev.currentTarget.value)}
        error={fieldError("note")}
        data-autofocus
      />
      <Text size="xs" c="dimmed">
        Both sides see the note with the action item.
      </Text>
    </ActionDialog>
  );
}
