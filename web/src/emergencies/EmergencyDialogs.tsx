import { Alert, Checkbox, Radio, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { IconAlertTriangle, IconInfoCircle } from "@tabler/icons-react";
import { useState } from "react";
import { ActionDialog, useActionRunner } from "../ui/ActionDialog.tsx";
import { type FieldErrors, hasErrors } from "../ui/validation.ts";
import { roleList } from "../changes/words.ts";
import { type EmergencyActionPath, useEmergencyAction } from "./queries.ts";
import type { EmergencyDetail, LogEntry } from "./types.ts";
import { emergencyNumber, protocolDuration } from "./words.ts";

/**
 * The forms behind the emergency page's buttons: log an action against the on-call authority
 * register, decide or complete one, add a note, post an update, resolve. Each sends one request;
 * the answer is the emergency as it now is, and a 409 (someone else acted first) reloads it.
 */

interface DialogProps {
  relationshipId: string;
  e: EmergencyDetail;
  opened: boolean;
  onClose: () => void;
}

function useRun(relationshipId: string, emergencyId: string, path: EmergencyActionPath) {
  return useActionRunner(useEmergencyAction(relationshipId, emergencyId), (body) => ({ path, body }));
}

const OTHER = "other";

/**
 * The on-call person records what they do. Actions the register allows are logged as done;
 * actions that need approval, and anything outside the register, wait for the named approvers.
 */
export function LogActionDialog({ relationshipId, e, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRun(relationshipId, e.id, "actions");
  const [choice, setChoice] = useState("");
  const [label, setLabel] = useState("");
  const [detail, setDetail] = useState("");
  const [errors, setErrors] = useState<FieldErrors<"action" | "label" | "detail">>({});
  const close = () => {
    setChoice("");
    setLabel("");
    setDetail("");
    setErrors({});
    action.reset();
    onClose();
  };
  const register = e.register;
  const free = register?.withoutApproval.find((a) => a.action === choice);
  const gated = register?.needsApproval.find((a) => a.action === choice);
  const approvers =
    gated?.approverRoles ?? (choice === OTHER ? (register?.outsideRegisterApprovers ?? []) : []);
  const chosenLabel = free?.label ?? gated?.label ?? label.trim();
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title="Log an action"
      intro="Record what you are doing about the emergency. Both sides see it in the running log, and it goes into the review's timeline."
      submitLabel={free || !choice ? "Log the action" : "Ask for approval"}
      pending={action.isPending}
      error={action.error}
      record="emergency"
      onSubmit={() => {
        const errs = {
          action: choice ? undefined : "Choose an action from the register, or Other.",
          label: choice === OTHER && !label.trim() ? "Say what the action is." : undefined,
          detail: detail.trim() ? undefined : "Say what was done or is asked, and why.",
        };
        setErrors(errs);
        if (hasErrors(errs)) return;
        run(
          { action: choice, detail: detail.trim(), ...(choice === OTHER ? { label: label.trim() } : {}) },
          free ? `Logged: ${chosenLabel}.` : `Approval asked for: ${chosenLabel}.`,
          close,
        );
      }}
    >
      <Radio.Group
        label="Action"
        value={choice}
        onChange={setChoice}
        error={errors.action ?? fieldError("action")}
        withAsterisk
      >
        <Stack gap="xs" mt="xs">
          {register?.withoutApproval.length ? (
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              May do without approval
            </Text>
          ) : null}
          {register?.withoutApproval.map((a) => (
            <Radio key={a.action} value={a.action} label={a.label} />
          ))}
          {register?.needsApproval.length ? (
            <Text size="xs" c="dimmed" fw={600} tt="uppercase" mt="xs">
              Needs approval
            </Text>
          ) : null}
          {register?.needsApproval.map((a) => (
            <Radio
              key={a.action}
              value={a.action}
              label={a.label}
              description={`Approved by ${roleList(a.approverRoles, "or")}`}
            />
          ))}
          <Radio
            value={OTHER}
            label="Other…"
            description={`Outside the register: approved by ${roleList(register?.outsideRegisterApprovers ?? [], "or")}`}
            mt="xs"
          />
        </Stack>
      </Radio.Group>
      {choice === OTHER ? (
        <TextInput
          label="What is the action?"
          placeholder="e.g. Call the internet provider's emergency line"
          value={label}
          onChange={(ev) => setLabel(ev.currentTarget.value)}
          maxLength={200}
          error={errors.label ?? fieldError("label")}
          withAsterisk
        />
      ) : null}
      {choice && !free ? (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />}>
          <Text size="sm">
            This needs approval from {roleList(approvers, "or")} before you carry it out. They are notified at
            once; the log shows it as waiting until someone decides.
          </Text>
        </Alert>
      ) : null}
      <Textarea
        label="Detail"
        description={free ? "What you did, and why." : "What you want to do, and why it is needed."}
        autosize
        minRows={3}
        maxLength={10_000}
        value={detail}
        onChange={(ev) => setDetail(ev.currentTarget.value)}
        error={errors.detail ?? fieldError("detail")}
        withAsterisk
      />
    </ActionDialog>
  );
}

/** An approver approves or declines an action that waits for them. */
export function DecideDialog({
  relationshipId,
  e,
  entry,
  decision,
  onClose,
}: {
  relationshipId: string;
  e: EmergencyDetail;
  entry: LogEntry | null;
  decision: "approve" | "decline";
  onClose: () => void;
}) {
  const { run, action, fieldError } = useRun(relationshipId, e.id, `actions/${entry?.id ?? "-"}/decide`);
  const [note, setNote] = useState("");
  const close = () => {
    setNote("");
    action.reset();
    onClose();
  };
  const approve = decision === "approve";
  return (
    <ActionDialog
      opened={entry !== null}
      onClose={close}
      title={`${approve ? "Approve" : "Decline"}: ${entry?.label ?? ""}`}
      intro={
        approve
          ? `${entry?.byName ?? "The on-call person"} may then carry it out. Your name and role are recorded with the decision.`
          : `${entry?.byName ?? "The on-call person"} will not carry it out. Say why, so they can look for another way.`
      }
      submitLabel={approve ? "Approve" : "Decline"}
      color={approve ? "teal" : "red"}
      pending={action.isPending}
      error={action.error}
      record="emergency"
      onSubmit={() =>
        run(
          { decision, ...(note.trim() ? { note: note.trim() } : {}) },
          approve
            ? `Approved: ${entry?.label ?? "the action"}.`
            : `Declined: ${entry?.label ?? "the action"}.`,
          close,
        )
      }
    >
      {entry ? (
        <Text size="sm" className="emergency-text">
          {entry.detail}
        </Text>
      ) : null}
      <Textarea
        label={approve ? "Note (optional)" : "Why (optional)"}
        description="Both sides see it in the running log."
        autosize
        minRows={2}
        maxLength={2_000}
        value={note}
        onChange={(ev) => setNote(ev.currentTarget.value)}
        error={fieldError("note")}
        data-autofocus
      />
    </ActionDialog>
  );
}

/**
 * The on-call person records that an approved action was carried out, or withdraws a request
 * for approval nobody has answered (so the emergency can be resolved without it).
 */
export function CompleteDialog({
  relationshipId,
  e,
  entry,
  mode = "complete",
  onClose,
}: {
  relationshipId: string;
  e: EmergencyDetail;
  entry: LogEntry | null;
  mode?: "complete" | "withdraw";
  onClose: () => void;
}) {
  const { run, action, fieldError } = useRun(relationshipId, e.id, `actions/${entry?.id ?? "-"}/${mode}`);
  const withdraw = mode === "withdraw";
  const [note, setNote] = useState("");
  const close = () => {
    setNote("");
    action.reset();
    onClose();
  };
  return (
    <ActionDialog
      opened={entry !== null}
      onClose={close}
      title={withdraw ? `Withdraw the request: ${entry?.label ?? ""}` : `Carried out: ${entry?.label ?? ""}`}
      intro={
        withdraw
          ? "Nobody has decided it yet. Withdrawn, it stays in the log as not done, and the approvers are no longer asked."
          : `Approved by ${entry?.decidedByName ?? "the approver"}. Recording it as carried out puts it in the timeline with that approval.`
      }
      submitLabel={withdraw ? "Withdraw the request" : "Mark carried out"}
      pending={action.isPending}
      error={action.error}
      record="emergency"
      onSubmit={() =>
        run(
          note.trim() ? { note: note.trim() } : {},
          withdraw
            ? `Withdrawn: ${entry?.label ?? "the request"}.`
            : `Carried out: ${entry?.label ?? "the action"}.`,
          close,
        )
      }
    >
      <Textarea
        label={withdraw ? "Why (optional)" : "How it went (optional)"}
        autosize
        minRows={2}
        maxLength={2_000}
        value={note}
        onChange={(ev) => setNote(ev.currentTarget.value)}
        error={fieldError("note")}
        data-autofocus
      />
    </ActionDialog>
  );
}

/** Anyone in the relationship adds a note to the running log. */
export function NoteDialog({ relationshipId, e, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRun(relationshipId, e.id, "notes");
  const [body, setBody] = useState("");
  const [missing, setMissing] = useState(false);
  const close = () => {
    setBody("");
    setMissing(false);
    action.reset();
    onClose();
  };
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title="Add a note"
      intro="Something both sides should know: what you see, who you called, what changed. It goes into the running log."
      submitLabel="Add the note"
      pending={action.isPending}
      error={action.error}
      record="emergency"
      onSubmit={() => {
        if (!body.trim()) return setMissing(true);
        run({ body: body.trim() }, "Note added.", close);
      }}
    >
      <Textarea
        label="Note"
        autosize
        minRows={3}
        maxLength={10_000}
        value={body}
        onChange={(ev) => setBody(ev.currentTarget.value)}
        error={(missing && !body.trim() ? "Write something first." : undefined) ?? fieldError("body")}
        withAsterisk
        data-autofocus
      />
    </ActionDialog>
  );
}

/** The responder's update to everyone following: found, trying, next (the ticket's update cadence). */
export function UpdateDialog({ relationshipId, e, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRun(relationshipId, e.id, "updates");
  const [found, setFound] = useState("");
  const [trying, setTrying] = useState("");
  const [next, setNext] = useState("");
  const [stuck, setStuck] = useState(false);
  const [stuckReason, setStuckReason] = useState("");
  const [errors, setErrors] = useState<FieldErrors<"found" | "trying" | "next">>({});
  const close = () => {
    setFound("");
    setTrying("");
    setNext("");
    setStuck(false);
    setStuckReason("");
    setErrors({});
    action.reset();
    onClose();
  };
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title="Post an update"
      intro={
        e.updateEvery
          ? `Everyone following hears from you. The protocol asks for an update every ${protocolDuration(e.updateEvery)} while the emergency lasts.`
          : "Everyone following hears from you."
      }
      submitLabel="Post the update"
      pending={action.isPending}
      error={action.error}
      record="emergency"
      onSubmit={() => {
        const errs = {
          found: found.trim() ? undefined : "Say what you found so far.",
          trying: trying.trim() ? undefined : "Say what you are trying.",
          next: next.trim() ? undefined : "Say what happens next.",
        };
        setErrors(errs);
        if (hasErrors(errs)) return;
        run(
          {
            found: found.trim(),
            trying: trying.trim(),
            next: next.trim(),
            ...(stuck
              ? { stuck: true, ...(stuckReason.trim() ? { stuckReason: stuckReason.trim() } : {}) }
              : {}),
          },
          "Update posted.",
          close,
        );
      }}
    >
      <Textarea
        label="What we found"
        autosize
        minRows={2}
        maxLength={10_000}
        value={found}
        onChange={(ev) => setFound(ev.currentTarget.value)}
        error={errors.found ?? fieldError("found")}
        withAsterisk
        data-autofocus
      />
      <Textarea
        label="What we are trying"
        autosize
        minRows={2}
        maxLength={10_000}
        value={trying}
        onChange={(ev) => setTrying(ev.currentTarget.value)}
        error={errors.trying ?? fieldError("trying")}
        withAsterisk
      />
      <Textarea
        label="What happens next"
        autosize
        minRows={2}
        maxLength={10_000}
        value={next}
        onChange={(ev) => setNext(ev.currentTarget.value)}
        error={errors.next ?? fieldError("next")}
        withAsterisk
      />
      <Checkbox
        label="We are stuck and need help"
        checked={stuck}
        onChange={(ev) => setStuck(ev.currentTarget.checked)}
      />
      {stuck ? (
        <Textarea
          label="What would unblock us"
          autosize
          minRows={2}
          maxLength={2_000}
          value={stuckReason}
          onChange={(ev) => setStuckReason(ev.currentTarget.value)}
          error={fieldError("stuckReason")}
        />
      ) : null}
    </ActionDialog>
  );
}

type ResolveField = "summary" | "rootCause" | "fix" | "prevention";
const RESOLVE_FIELDS: { key: ResolveField; label: string; description: string; missing: string }[] = [
  {
    key: "summary",
    label: "How it was resolved",
    description: "What brought the service back, in a sentence or two.",
    missing: "Say how it was resolved.",
  },
  {
    key: "rootCause",
    label: "Root cause",
    description: "Why it broke, as far as you know now.",
    missing: "Give the root cause (or what is known of it).",
  },
  {
    key: "fix",
    label: "Fix",
    description: "What was changed or repaired.",
    missing: "Say what the fix was.",
  },
  {
    key: "prevention",
    label: "Prevention",
    description: "How it will be kept from happening again; the review turns this into actions.",
    missing: "Say how it will be prevented.",
  },
];

/** Resolving the emergency resolves its ticket; the post-incident review opens. */
export function ResolveDialog({ relationshipId, e, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRun(relationshipId, e.id, "resolve");
  const empty: Record<ResolveField, string> = { summary: "", rootCause: "", fix: "", prevention: "" };
  const [values, setValues] = useState(empty);
  const [errors, setErrors] = useState<FieldErrors<ResolveField>>({});
  const close = () => {
    setValues(empty);
    setErrors({});
    action.reset();
    onClose();
  };
  const waiting = e.log.filter((l) => l.state === "awaiting_approval");
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={`Resolve ${emergencyNumber(e.number)}`}
      intro={`Service is restored. This resolves ticket${e.ticket ? ` #${e.ticket.number}` : ""} too, tells everyone following, and opens the post-incident review.`}
      submitLabel="Resolve"
      color="green"
      pending={action.isPending}
      error={action.error}
      record="emergency"
      onSubmit={() => {
        const errs: FieldErrors<ResolveField> = {};
        for (const f of RESOLVE_FIELDS) errs[f.key] = values[f.key].trim() ? undefined : f.missing;
        setErrors(errs);
        if (hasErrors(errs)) return;
        run(
          Object.fromEntries(RESOLVE_FIELDS.map((f) => [f.key, values[f.key].trim()])),
          `${emergencyNumber(e.number)} resolved. The post-incident review is open.`,
          close,
        );
      }}
    >
      {waiting.length ? (
        <Alert color="orange" variant="light" icon={<IconInfoCircle size={18} aria-hidden />}>
          <Text size="sm">
            Still waiting for approval: {waiting.map((w) => w.label).join(", ")}. These must be decided before
            the emergency can be resolved.
          </Text>
        </Alert>
      ) : null}
      {RESOLVE_FIELDS.map((f, i) => (
        <Textarea
          key={f.key}
          label={f.label}
          description={f.description}
          autosize
          minRows={2}
          maxLength={10_000}
          value={values[f.key]}
          onChange={(ev) => {
            const value = ev.currentTarget.value;
            setValues((v) => ({ ...v, [f.key]: value }));
          }}
          error={errors[f.key] ?? fieldError(f.key)}
          withAsterisk
          data-autofocus={i === 0 ? true : undefined}
        />
      ))}
    </ActionDialog>
  );
}
