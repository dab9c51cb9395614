import { Button, Group, Radio, SimpleGrid, Textarea } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import {
  IconBan,
  IconCalendarRepeat,
  IconCalendarTime,
  IconCheck,
  IconClipboardCheck,
  IconEdit,
  IconFlagCheck,
  IconPlayerPlay,
  IconSend,
  IconX,
} from "@tabler/icons-react";
import { type ReactNode, useMemo, useState } from "react";
import { inputValueToIso } from "../protocol/zone.ts";
import { ActionDialog as SharedActionDialog, useActionRunner } from "../ui/ActionDialog.tsx";
import { type FieldErrors, hasErrors } from "../ui/validation.ts";
import { CheckPanel } from "./ChangeForm.tsx";
import { ZonedDateTimeInput } from "./fields.tsx";
import { type ChangeActionPath, useChangeAction, useChangeCheck } from "./queries.ts";
import { isoToInputValue, shiftWindow } from "./time.ts";
import type { ChangeAbilities, ChangeDetail, CheckChangeInput, FinishOutcome } from "./types.ts";
import { changeNumber, OUTCOME_LABELS, roleList } from "./words.ts";

type ActionKey = Exclude<keyof ChangeAbilities, "edit">;

/**
 * The buttons for what the viewer may do to this change now, from the change's `abilities` (the
 * server's policy): nothing else is offered. Each opens a short form; every action is sent with
 * the revision the page shows, and a conflicting action by someone else reloads the change.
 */
export function ChangeActions({
  relationshipId,
  change,
  onEdit,
}: {
  relationshipId: string;
  change: ChangeDetail;
  onEdit: () => void;
}) {
  const [open, setOpen] = useState<ActionKey | null>(null);
  const a = change.abilities;
  const close = () => setOpen(null);
  const props = { relationshipId, change, onClose: close };
  const chg = changeNumber(change.number);
  const buttons: { key: ActionKey; label: string; icon: ReactNode; primary?: boolean; color?: string }[] = [];
  if (a.propose)
    buttons.push({ key: "propose", label: "Propose", icon: <IconSend size={16} />, primary: true });
  if (a.approve)
    buttons.push({ key: "approve", label: "Approve", icon: <IconCheck size={16} />, primary: true });
  if (a.requestReschedule)
    buttons.push({
      key: "requestReschedule",
      label: "Ask for another time",
      icon: <IconCalendarTime size={16} />,
    });
  if (a.reject) buttons.push({ key: "reject", label: "Reject", icon: <IconX size={16} />, color: "red" });
  if (a.schedule)
    buttons.push({ key: "schedule", label: "Schedule", icon: <IconCalendarTime size={16} />, primary: true });
  if (a.start)
    buttons.push({ key: "start", label: "Start", icon: <IconPlayerPlay size={16} />, primary: true });
  if (a.finish)
    buttons.push({ key: "finish", label: "Finish", icon: <IconFlagCheck size={16} />, primary: true });
  if (a.review)
    buttons.push({ key: "review", label: "Review", icon: <IconClipboardCheck size={16} />, primary: true });
  if (a.reschedule)
    buttons.push({ key: "reschedule", label: "Reschedule", icon: <IconCalendarRepeat size={16} /> });
  if (a.cancel)
    buttons.push({ key: "cancel", label: "Cancel the change", icon: <IconBan size={16} />, color: "red" });

  if (!buttons.length && !a.edit) return null;
  return (
    <>
      <Group gap="xs" wrap="wrap" role="group" aria-label="Actions on this change">
        {buttons.map((b) => (
          <Button
            key={b.key}
            variant={b.primary ? "filled" : "default"}
            color={b.primary ? undefined : b.color}
            leftSection={<span aria-hidden>{b.icon}</span>}
            onClick={() => setOpen(b.key)}
          >
            {b.label}
          </Button>
        ))}
        {a.edit ? (
          <Button variant="default" leftSection={<IconEdit size={16} aria-hidden />} onClick={onEdit}>
            Edit
          </Button>
        ) : null}
      </Group>
      <ConfirmDialog
        {...props}
        opened={open === "propose"}
        path="propose"
        title={`Propose ${chg}`}
        intro={`The people who approve it are told (${change.approval.explanation}), and the notice plan starts.`}
        submitLabel="Propose"
        done={`${chg} proposed.`}
      />
      <ApproveDialog {...props} opened={open === "approve"} />
      <ReasonDialog
        {...props}
        opened={open === "reject"}
        path="reject"
        title={`Reject ${chg}`}
        intro="The change will not go ahead. The provider sees your reason and may propose it again differently."
        label="Why do you reject it?"
        submitLabel="Reject"
        done={`${chg} rejected.`}
        color="red"
      />
      <RequestRescheduleDialog {...props} opened={open === "requestReschedule"} />
      <RescheduleDialog {...props} opened={open === "reschedule"} />
      <ConfirmDialog
        {...props}
        opened={open === "schedule"}
        path="schedule"
        title={`Schedule ${chg}`}
        intro="Confirms the approved window: the change is on the calendar and the remaining notices go out on time."
        submitLabel="Schedule"
        done={`${chg} scheduled.`}
      />
      <ConfirmDialog
        {...props}
        opened={open === "start"}
        path="start"
        title={`Start ${chg}`}
        intro="Records that the work has begun now; if the protocol asks for it, affected people are told."
        submitLabel="Start"
        done={`${chg} started.`}
      />
      <FinishDialog {...props} opened={open === "finish"} />
      <ReviewDialog {...props} opened={open === "review"} />
      <ReasonDialog
        {...props}
        opened={open === "cancel"}
        path="cancel"
        title={`Cancel ${chg}`}
        intro="The change will not happen. Anyone already told is told it is cancelled."
        label="Why is it cancelled?"
        submitLabel="Cancel the change"
        done={`${chg} cancelled.`}
        color="red"
      />
    </>
  );
}

interface DialogProps {
  relationshipId: string;
  change: ChangeDetail;
  opened: boolean;
  onClose: () => void;
}

/** Runs one action with the change's revision; a 409 reloads the change. */
function useRunAction(relationshipId: string, change: ChangeDetail, path: ChangeActionPath) {
  return useActionRunner(useChangeAction(relationshipId, change.id), (body) => ({
    path,
    body: { ...body, revision: change.revision },
  }));
}

/** "Back", not "Cancel": it sits beside "Cancel the change". */
function ActionDialog(props: Omit<Parameters<typeof SharedActionDialog>[0], "record" | "dismissLabel">) {
  return <SharedActionDialog record="change" dismissLabel="Back" {...props} />;
}

/** Propose, schedule, start: nothing to fill in, only a confirmation. */
function ConfirmDialog({
  relationshipId,
  change,
  opened,
  onClose,
  path,
  title,
  intro,
  submitLabel,
  done,
}: DialogProps & {
  path: ChangeActionPath;
  title: string;
  intro: string;
  submitLabel: string;
  done: string;
}) {
  const { run, action } = useRunAction(relationshipId, change, path);
  const close = () => {
    action.reset();
    onClose();
  };
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={title}
      intro={intro}
      submitLabel={submitLabel}
      pending={action.isPending}
      error={action.error}
      onSubmit={() => run({}, done, close)}
    />
  );
}

function ApproveDialog({ relationshipId, change, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRunAction(relationshipId, change, "approve");
  const [note, setNote] = useState("");
  const close = () => {
    setNote("");
    action.reset();
    onClose();
  };
  const others = change.approval.waitingFor.length > 1;
  const chg = changeNumber(change.number);
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={`Approve ${chg}`}
      intro={
        others
          ? `Your approval counts for your role. ${change.approval.explanation} Still waiting for: ${roleList(change.approval.waitingFor)}.`
          : `${change.approval.explanation} Moving the window or widening the change later needs approval again.`
      }
      submitLabel="Approve"
      color="teal"
      pending={action.isPending}
      error={action.error}
      onSubmit={() => run(note.trim() ? { reason: note.trim() } : {}, `You approved ${chg}.`, close)}
    >
      <Textarea
        label="Note (optional)"
        description="Both sides see it with your decision."
        autosize
        minRows={2}
        maxLength={5000}
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
        error={fieldError("reason")}
        data-autofocus
      />
    </ActionDialog>
  );
}

/** Reject and cancel: a reason both sides read. */
function ReasonDialog({
  relationshipId,
  change,
  opened,
  onClose,
  path,
  title,
  intro,
  label,
  submitLabel,
  done,
  color,
}: DialogProps & {
  path: ChangeActionPath;
  title: string;
  intro: string;
  label: string;
  submitLabel: string;
  done: string;
  color?: string;
}) {
  const { run, action, fieldError } = useRunAction(relationshipId, change, path);
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const close = () => {
    setReason("");
    setMissing(false);
    action.reset();
    onClose();
  };
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={title}
      intro={intro}
      submitLabel={submitLabel}
      color={color}
      pending={action.isPending}
      error={action.error}
      onSubmit={() => {
        if (!reason.trim()) return setMissing(true);
        run({ reason: reason.trim() }, done, close);
      }}
    >
      <Textarea
        label={label}
        description="Both sides see it in the change's history."
        required
        autosize
        minRows={3}
        maxLength={5000}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        error={(missing && !reason.trim() ? "Say why, in a sentence." : undefined) ?? fieldError("reason")}
        data-autofocus
      />
    </ActionDialog>
  );
}

function RequestRescheduleDialog({ relationshipId, change, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRunAction(relationshipId, change, "request-reschedule");
  const zone = change.timezone;
  const [reason, setReason] = useState("");
  const [suggested, setSuggested] = useState("");
  const [errors, setErrors] = useState<FieldErrors<"reason" | "suggestedStart">>({});
  const close = () => {
    setReason("");
    setSuggested("");
    setErrors({});
    action.reset();
    onClose();
  };
  const chg = changeNumber(change.number);
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={`Ask for another time for ${chg}`}
      intro="The provider is asked to move the change. Approvals given so far stop counting once it moves."
      submitLabel="Ask for another time"
      pending={action.isPending}
      error={action.error}
      onSubmit={() => {
        const suggestedStart = suggested ? inputValueToIso(suggested, zone) : null;
        const e = {
          reason: reason.trim() ? undefined : "Say why this time does not work.",
          suggestedStart:
            suggested && !suggestedStart ? "Enter a complete date and time, or leave it empty." : undefined,
        };
        setErrors(e);
        if (hasErrors(e)) return;
        run(
          { reason: reason.trim(), ...(suggestedStart ? { suggestedStart } : {}) },
          `Asked for another time for ${chg}.`,
          close,
        );
      }}
    >
      <Textarea
        label="Why not then?"
        description="e.g. month-end closing, an audit, staff away."
        required
        autosize
        minRows={2}
        maxLength={5000}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        error={errors.reason ?? fieldError("reason")}
        data-autofocus
      />
      <ZonedDateTimeInput
        label="A start that would suit you"
        zone={zone}
        description={`Optional. ${zone} time, the protocol's time zone.`}
        value={suggested}
        onChange={setSuggested}
        error={errors.suggestedStart ?? fieldError("suggestedStart")}
      />
    </ActionDialog>
  );
}

function RescheduleDialog({ relationshipId, change, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRunAction(relationshipId, change, "reschedule");
  const zone = change.timezone;
  const [startInput, setStartInput] = useState(() => isoToInputValue(change.plannedStart, zone));
  const [endInput, setEndInput] = useState(() => isoToInputValue(change.plannedEnd, zone));
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<FieldErrors<"plannedStart" | "plannedEnd" | "reason">>({});
  const close = () => {
    setStartInput(isoToInputValue(change.plannedStart, zone));
    setEndInput(isoToInputValue(change.plannedEnd, zone));
    setReason("");
    setErrors({});
    action.reset();
    onClose();
  };
  const plannedStart = inputValueToIso(startInput, zone);
  const plannedEnd = inputValueToIso(endInput, zone);
  const checkText =
    opened && plannedStart && plannedEnd && plannedEnd > plannedStart
      ? JSON.stringify({
          class: change.class,
          plannedStart,
          plannedEnd,
          ...(change.affectedSystems.length ? { affectedSystems: change.affectedSystems } : {}),
          changeId: change.id,
        } satisfies CheckChangeInput)
      : "";
  const [debounced] = useDebouncedValue(checkText, 400);
  const checkInput = useMemo(
    () => (debounced ? (JSON.parse(debounced) as CheckChangeInput) : null),
    [debounced],
  );
  const check = useChangeCheck(relationshipId, checkInput);
  const chg = changeNumber(change.number);
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      size="xl"
      title={`Reschedule ${chg}`}
      intro="Moving the window starts a new approval round: approvals given so far stop counting, and the notice plan is made again."
      submitLabel="Reschedule"
      pending={action.isPending}
      error={action.error}
      onSubmit={() => {
        const e = {
          plannedStart: plannedStart ? undefined : "Enter the new start.",
          plannedEnd: !plannedEnd
            ? "Enter the new end."
            : plannedStart && plannedEnd <= plannedStart
              ? "The end must be after the start."
              : undefined,
          reason: reason.trim() ? undefined : "Say why the change moves.",
        };
        setErrors(e);
        if (hasErrors(e)) return;
        run({ plannedStart, plannedEnd, reason: reason.trim() }, `${chg} rescheduled.`, close);
      }}
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <ZonedDateTimeInput
          label="New start"
          zone={zone}
          required
          value={startInput}
          onChange={setStartInput}
          error={errors.plannedStart ?? fieldError("plannedStart")}
          data-autofocus
        />
        <ZonedDateTimeInput
          label="New end"
          zone={zone}
          required
          value={endInput}
          onChange={setEndInput}
          error={errors.plannedEnd ?? fieldError("plannedEnd")}
        />
      </SimpleGrid>
      <Textarea
        label="Why does it move?"
        required
        autosize
        minRows={2}
        maxLength={5000}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        error={errors.reason ?? fieldError("reason")}
      />
      <CheckPanel
        zone={zone}
        ready={checkText !== ""}
        data={checkText ? check.data : undefined}
        pending={check.isFetching || checkText !== debounced}
        error={check.isError ? check.error : null}
        forClass={change.class}
        onUseStart={(iso) => {
          const moved = shiftWindow(plannedStart ?? iso, plannedEnd ?? "", iso);
          setStartInput(isoToInputValue(moved.start, zone));
          setEndInput(isoToInputValue(moved.end, zone));
        }}
      />
    </ActionDialog>
  );
}

const OUTCOMES: FinishOutcome[] = ["completed", "failed", "rolled_back"];

function FinishDialog({ relationshipId, change, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRunAction(relationshipId, change, "finish");
  const [outcome, setOutcome] = useState<FinishOutcome | null>(null);
  const [notes, setNotes] = useState("");
  const [followUps, setFollowUps] = useState("");
  const [errors, setErrors] = useState<FieldErrors<"outcome" | "notes">>({});
  const close = () => {
    setOutcome(null);
    setNotes("");
    setFollowUps("");
    setErrors({});
    action.reset();
    onClose();
  };
  const chg = changeNumber(change.number);
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={`Finish ${chg}`}
      intro="Records how it went; affected people get the post-change notice the protocol asks for."
      submitLabel="Finish"
      pending={action.isPending}
      error={action.error}
      onSubmit={() => {
        const e = {
          outcome: outcome ? undefined : "Choose how it ended.",
          notes: notes.trim() ? undefined : "Say what happened.",
        };
        setErrors(e);
        if (hasErrors(e)) return;
        run(
          { outcome, notes: notes.trim(), ...(followUps.trim() ? { followUps: followUps.trim() } : {}) },
          `${chg} finished: ${OUTCOME_LABELS[outcome!].toLowerCase()}.`,
          close,
        );
      }}
    >
      <Radio.Group
        label="Outcome"
        required
        value={outcome}
        onChange={(v) => setOutcome(v as FinishOutcome)}
        error={errors.outcome ?? fieldError("outcome")}
      >
        <Group gap="lg" mt={6}>
          {OUTCOMES.map((o) => (
            <Radio key={o} value={o} label={OUTCOME_LABELS[o]} />
          ))}
        </Group>
      </Radio.Group>
      <Textarea
        label="What happened"
        required
        autosize
        minRows={3}
        maxLength={10_000}
        value={notes}
        onChange={(e) => setNotes(e.currentTarget.value)}
        error={errors.notes ?? fieldError("notes")}
      />
      <Textarea
        label="Follow-ups"
        description="Optional: what still needs doing."
        autosize
        minRows={2}
        maxLength={10_000}
        value={followUps}
        onChange={(e) => setFollowUps(e.currentTarget.value)}
        error={fieldError("followUps")}
      />
    </ActionDialog>
  );
}

function ReviewDialog({ relationshipId, change, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRunAction(relationshipId, change, "review");
  const [summary, setSummary] = useState("");
  const [lessons, setLessons] = useState("");
  const [errors, setErrors] = useState<FieldErrors<"summary" | "lessons">>({});
  const close = () => {
    setSummary("");
    setLessons("");
    setErrors({});
    action.reset();
    onClose();
  };
  const chg = changeNumber(change.number);
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={`Review ${chg}`}
      intro="The post-change review: what happened, and what both sides take from it."
      submitLabel="Save the review"
      pending={action.isPending}
      error={action.error}
      onSubmit={() => {
        const e = {
          summary: summary.trim() ? undefined : "Summarize the change and how it went.",
          lessons: lessons.trim() ? undefined : "Say what was learned, even “nothing new”.",
        };
        setErrors(e);
        if (hasErrors(e)) return;
        run({ summary: summary.trim(), lessons: lessons.trim() }, `${chg} reviewed.`, close);
      }}
    >
      <Textarea
        label="Summary"
        required
        autosize
        minRows={3}
        maxLength={10_000}
        value={summary}
        onChange={(e) => setSummary(e.currentTarget.value)}
        error={errors.summary ?? fieldError("summary")}
        data-autofocus
      />
      <Textarea
        label="Lessons learned"
        required
        autosize
        minRows={2}
        maxLength={10_000}
        value={lessons}
        onChange={(e) => setLessons(e.currentTarget.value)}
        error={errors.lessons ?? fieldError("lessons")}
      />
    </ActionDialog>
  );
}
