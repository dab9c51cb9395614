import { List, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { isoToInputValue } from "../changes/time.ts";
import { ZonedDateTimeInput } from "../changes/fields.tsx";
import { inputValueToIso } from "../protocol/zone.ts";
import { ActionDialog, useActionRunner } from "../ui/ActionDialog.tsx";
import { type FieldErrors, hasErrors } from "../ui/validation.ts";
import { type MeetingChange, useMeetingChange } from "./queries.ts";
import type { MeetingSummary } from "./types.ts";
import { formatMeetingTime, meetingNumber, minutesLength } from "./words.ts";

/**
 * The forms behind the organizers' buttons on a meeting: move it, skip it, record it as held.
 * Each sends the meeting's revision; the answer is the meeting as it now is, and a 409 (someone
 * else moved, skipped or recorded it meanwhile) reloads it and says so in the dialog.
 */

interface DialogProps {
  relationshipId: string;
  meeting: MeetingSummary;
  /** The protocol's time zone: the new time is entered as a wall-clock time there. */
  zone: string;
  opened: boolean;
  onClose: () => void;
}

function useRun(
  relationshipId: string,
  meetingId: string,
  change: (body: Record<string, unknown>) => MeetingChange,
) {
  return useActionRunner(useMeetingChange(relationshipId, meetingId), change);
}

/** An organizer moves one meeting: a new start in the protocol's zone, and why. It keeps its length. */
export function MoveMeetingDialog({ relationshipId, meeting, zone, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRun(relationshipId, meeting.id, (body) => ({
    kind: "move",
    body: body as { start: string; reason: string; revision: number },
  }));
  const [startInput, setStartInput] = useState(() => isoToInputValue(meeting.start, zone));
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<FieldErrors<"start" | "reason">>({});
  const close = () => {
    setStartInput(isoToInputValue(meeting.start, zone));
    setReason("");
    setErrors({});
    action.reset();
    onClose();
  };
  const length = Math.round((Date.parse(meeting.end) - Date.parse(meeting.start)) / 60_000);
  const name = meetingNumber(meeting.number);
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={`Move ${name}`}
      intro={`Now ${formatMeetingTime(meeting.start, meeting.end, zone)}. It keeps its length (${minutesLength(length)}); the attendees get an updated invitation with your reason. The other meetings of the series stay where they are.`}
      submitLabel="Move the meeting"
      pending={action.isPending}
      error={action.error}
      record="meeting"
      onSubmit={() => {
        const start = inputValueToIso(startInput, zone);
        const e = {
          start: !start
            ? "Enter the new date and time."
            : Date.parse(start) === Date.parse(meeting.start)
              ? "Choose another time than the current one."
              : undefined,
          reason: reason.trim() ? undefined : "Say why it moves, so the attendees know.",
        };
        setErrors(e);
        if (hasErrors(e)) return;
        run({ start, reason: reason.trim(), revision: meeting.revision }, `${name} moved.`, close);
      }}
    >
      <ZonedDateTimeInput
        label="New start"
        zone={zone}
        withAsterisk
        value={startInput}
        onChange={setStartInput}
        error={errors.start ?? fieldError("start")}
        data-autofocus
      />
      <Textarea
        label="Why does it move?"
        description="e.g. the account manager is at a customer site that day."
        withAsterisk
        autosize
        minRows={2}
        maxLength={2_000}
        value={reason}
        onChange={(ev) => setReason(ev.currentTarget.value)}
        error={errors.reason ?? fieldError("reason")}
      />
    </ActionDialog>
  );
}

/** An organizer skips one meeting, with a reason; its open items and actions carry over to the next. */
export function SkipMeetingDialog({ relationshipId, meeting, zone, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRun(relationshipId, meeting.id, (body) => ({
    kind: "skip",
    body: body as { reason: string; revision: number },
  }));
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const close = () => {
    setReason("");
    setMissing(false);
    action.reset();
    onClose();
  };
  const name = meetingNumber(meeting.number);
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={`Skip ${name}`}
      intro={`${formatMeetingTime(meeting.start, meeting.end, zone)}. The attendees get a cancellation of this meeting with your reason; what is open goes to the next meeting's agenda.`}
      submitLabel="Skip the meeting"
      color="orange"
      pending={action.isPending}
      error={action.error}
      record="meeting"
      onSubmit={() => {
        if (!reason.trim()) return setMissing(true);
        run({ reason: reason.trim(), revision: meeting.revision }, `${name} skipped.`, close);
      }}
    >
      <Textarea
        label="Why is it skipped?"
        description="e.g. public holiday, nothing to discuss this time."
        withAsterisk
        autosize
        minRows={2}
        maxLength={2_000}
        value={reason}
        onChange={(ev) => setReason(ev.currentTarget.value)}
        error={
          (missing && !reason.trim() ? "Say why, so the attendees know." : undefined) ?? fieldError("reason")
        }
        data-autofocus
      />
    </ActionDialog>
  );
}

/**
 * An organizer records that the meeting took place: the agenda is kept as it reads now, and the
 * summary of decisions and action items goes to the attendees by email.
 */
export function HoldMeetingDialog({
  relationshipId,
  meeting,
  zone,
  opened,
  onClose,
  decisions,
  actions,
}: DialogProps & { decisions: number; actions: number }) {
  const { run, action } = useRun(relationshipId, meeting.id, (body) => ({
    kind: "hold",
    body: body as { revision: number },
  }));
  const close = () => {
    action.reset();
    onClose();
  };
  const name = meetingNumber(meeting.number);
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={`Record ${name} as held`}
      intro={formatMeetingTime(meeting.start, meeting.end, zone)}
      submitLabel="Record as held"
      color="green"
      pending={action.isPending}
      error={action.error}
      record="meeting"
      onSubmit={() =>
        run({ revision: meeting.revision }, `${name} recorded as held; the summary is on its way.`, close)
      }
    >
      <List size="sm" spacing={4}>
        <List.Item>
          The agenda is kept as it reads now: later changes to tickets and changes no longer alter it.
        </List.Item>
        <List.Item>
          The attendees are emailed the summary: {decisions === 1 ? "1 decision" : `${decisions} decisions`}{" "}
          and {actions === 1 ? "1 action item" : `${actions} action items`}.
        </List.Item>
        <List.Item>
          Open action items carry over to the next meeting&apos;s agenda until they are done.
        </List.Item>
      </List>
      <Text size="sm" c="dimmed">
        No new items can be added to its agenda afterwards.
      </Text>
    </ActionDialog>
  );
}
