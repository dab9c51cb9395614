import { Alert, Button, Checkbox, Group, Select, Text, Textarea } from "@mantine/core";
import {
  IconAlertTriangle,
  IconArrowBackUp,
  IconCircleCheck,
  IconMessageQuestion,
  IconNotes,
  IconPlayerPlay,
  IconStairsDown,
  IconStairsUp,
  IconUserCheck,
  IconAdjustments,
} from "@tabler/icons-react";
import { type ReactNode, useState } from "react";
import { ActionDialog as SharedActionDialog, useActionRunner } from "../ui/ActionDialog.tsx";
import { type FieldErrors, hasErrors } from "../ui/validation.ts";
import { type TicketActionPath, useTicketAction } from "./queries.ts";
import { SEVERITIES, type Severity, type TicketDetail } from "./types.ts";
import { SEVERITY_LABELS } from "./words.ts";

type ActionKey =
  | "acknowledge"
  | "update"
  | "waitOnClient"
  | "resume"
  | "severity"
  | "escalate"
  | "deescalate"
  | "resolve"
  | "confirm"
  | "reopen";

/**
 * The buttons for what the viewer may do to this ticket now, from the ticket's `abilities` (the
 * server's policy): nothing else is offered. Each opens a short form; every change is sent with
 * the revision the page shows, and a conflicting change by someone else reloads the ticket.
 */
export function TicketActions({ relationshipId, ticket }: { relationshipId: string; ticket: TicketDetail }) {
  const [open, setOpen] = useState<ActionKey | null>(null);
  const a = ticket.abilities;
  const close = () => setOpen(null);
  const props = { relationshipId, ticket, opened: false, onClose: close };
  const buttons: { key: ActionKey; label: string; icon: ReactNode; primary?: boolean; color?: string }[] = [];
  if (a.acknowledge)
    buttons.push({
      key: "acknowledge",
      label: "Acknowledge",
      icon: <IconUserCheck size={16} />,
      primary: true,
    });
  if (a.update)
    buttons.push({
      key: "update",
      label: "Post an update",
      icon: <IconNotes size={16} />,
      primary: !a.acknowledge,
    });
  if (a.confirm)
    buttons.push({
      key: "confirm",
      label: "Confirm the fix",
      icon: <IconCircleCheck size={16} />,
      primary: true,
    });
  if (a.resume) buttons.push({ key: "resume", label: "Resume", icon: <IconPlayerPlay size={16} /> });
  if (a.waitOnClient)
    buttons.push({ key: "waitOnClient", label: "Ask the client", icon: <IconMessageQuestion size={16} /> });
  if (a.resolve)
    buttons.push({ key: "resolve", label: "Resolve", icon: <IconCircleCheck size={16} />, color: "teal" });
  if (a.reopen)
    buttons.push({ key: "reopen", label: "Reopen", icon: <IconArrowBackUp size={16} />, color: "red" });
  if (a.changeSeverity)
    buttons.push({ key: "severity", label: "Change severity", icon: <IconAdjustments size={16} /> });
  if (a.escalateTo.length)
    buttons.push({ key: "escalate", label: "Escalate", icon: <IconStairsUp size={16} />, color: "orange" });
  if (a.deescalate)
    buttons.push({ key: "deescalate", label: "De-escalate", icon: <IconStairsDown size={16} /> });

  if (!buttons.length) return null;
  return (
    <>
      <Group gap="xs" wrap="wrap" role="group" aria-label="Actions on this ticket">
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
      </Group>
      <NoteDialog
        {...props}
        opened={open === "acknowledge"}
        path="acknowledge"
        title={`Acknowledge ticket #${ticket.number}`}
        intro="Acknowledging tells the client someone has started investigating; it stops the response clock and starts the update clock. If nobody is assigned yet, the ticket is assigned to you."
        submitLabel="Acknowledge"
        done="Ticket acknowledged."
      />
      <UpdateDialog {...props} opened={open === "update"} />
      <QuestionDialog {...props} opened={open === "waitOnClient"} />
      <NoteDialog
        {...props}
        opened={open === "resume"}
        path="resume"
        title={`Resume ticket #${ticket.number}`}
        intro="The ticket goes back in progress and its clocks run again."
        submitLabel="Resume"
        done="Ticket resumed."
      />
      <SeverityDialog {...props} opened={open === "severity"} />
      <EscalateDialog {...props} opened={open === "escalate"} />
      <DeescalateDialog {...props} opened={open === "deescalate"} />
      <ResolveDialog {...props} opened={open === "resolve"} />
      <NoteDialog
        {...props}
        opened={open === "confirm"}
        path="confirm"
        title={`Confirm the fix of ticket #${ticket.number}`}
        intro="Confirming says the problem is gone for you: the ticket closes. If it comes back, it can be reopened."
        submitLabel="Confirm and close"
        done="Thank you — the ticket is closed."
      />
      <ReasonDialog
        {...props}
        opened={open === "reopen"}
        path="reopen"
        title={`Reopen ticket #${ticket.number}`}
        intro="The ticket goes back to the provider, in progress, and its resolution clock continues where it stopped."
        label="What is still wrong?"
        submitLabel="Reopen"
        done="Ticket reopened."
        color="red"
      />
    </>
  );
}

interface DialogProps {
  relationshipId: string;
  ticket: TicketDetail;
  opened: boolean;
  onClose: () => void;
}

/** Runs one action with the ticket's revision (comments carry none); a 409 reloads the ticket. */
function useRunAction(relationshipId: string, ticket: TicketDetail, path: TicketActionPath) {
  return useActionRunner(useTicketAction(relationshipId, ticket.id), (body) => ({
    path,
    body: path === "comments" ? body : { ...body, revision: ticket.revision },
  }));
}

function ActionDialog(props: Omit<Parameters<typeof SharedActionDialog>[0], "record">) {
  return <SharedActionDialog record="ticket" {...props} />;
}

/** Acknowledge, resume, confirm: an optional note. */
function NoteDialog({
  relationshipId,
  ticket,
  opened,
  onClose,
  path,
  title,
  intro,
  submitLabel,
  done,
}: DialogProps & {
  path: TicketActionPath;
  title: string;
  intro: string;
  submitLabel: string;
  done: string;
}) {
  const { run, action, fieldError } = useRunAction(relationshipId, ticket, path);
  const [note, setNote] = useState("");
  const close = () => {
    setNote("");
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
      onSubmit={() => run(note.trim() ? { note: note.trim() } : {}, done, close)}
    >
      <Textarea
        label="Note (optional)"
        description="Shown in the timeline to both sides."
        autosize
        minRows={2}
        maxLength={5000}
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
        error={fieldError("note")}
        data-autofocus
      />
    </ActionDialog>
  );
}

/** Reopen (and any action that needs a reason). */
function ReasonDialog({
  relationshipId,
  ticket,
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
  path: TicketActionPath;
  title: string;
  intro: string;
  label: string;
  submitLabel: string;
  done: string;
  color?: string;
}) {
  const { run, action, fieldError } = useRunAction(relationshipId, ticket, path);
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
        description="Both sides see it in the timeline."
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

function UpdateDialog({ relationshipId, ticket, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRunAction(relationshipId, ticket, "updates");
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
  const submit = () => {
    const found_ = found.trim();
    const e = {
      found: found_ ? undefined : "Say what you have found so far, even if it is “nothing conclusive yet”.",
      trying: trying.trim() ? undefined : "Say what you are trying now.",
      next: next.trim() ? undefined : "Say what happens next, and when.",
    };
    setErrors(e);
    if (hasErrors(e)) return;
    run(
      {
        found: found_,
        trying: trying.trim(),
        next: next.trim(),
        ...(stuck ? { stuck: true, ...(stuckReason.trim() ? { stuckReason: stuckReason.trim() } : {}) } : {}),
      },
      stuck ? "Update posted; the ticket is escalated for help." : "Update posted.",
      close,
    );
  };
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={`Investigation update on #${ticket.number}`}
      intro="Three short answers, the same every time, so the client can follow without a call. Posting restarts the update clock."
      submitLabel="Post the update"
      pending={action.isPending}
      error={action.error}
      onSubmit={submit}
    >
      <Textarea
        label="What we found"
        required
        autosize
        minRows={2}
        maxLength={5000}
        value={found}
        onChange={(e) => setFound(e.currentTarget.value)}
        error={errors.found ?? fieldError("found")}
        data-autofocus
      />
      <Textarea
        label="What we are trying"
        required
        autosize
        minRows={2}
        maxLength={5000}
        value={trying}
        onChange={(e) => setTrying(e.currentTarget.value)}
        error={errors.trying ?? fieldError("trying")}
      />
      <Textarea
        label="What happens next"
        required
        autosize
        minRows={2}
        maxLength={5000}
        value={next}
        onChange={(e) => setNext(e.currentTarget.value)}
        error={errors.next ?? fieldError("next")}
      />
      <Checkbox
        label="Stuck — need help"
        description="Escalates the ticket to the next level of the provider's escalation path, with this update."
        checked={stuck}
        onChange={(e) => setStuck(e.currentTarget.checked)}
        color="orange"
      />
      {stuck ? (
        <Textarea
          label="What help do you need?"
          autosize
          minRows={2}
          maxLength={2000}
          value={stuckReason}
          onChange={(e) => setStuckReason(e.currentTarget.value)}
          error={fieldError("stuckReason")}
        />
      ) : null}
    </ActionDialog>
  );
}

function QuestionDialog({ relationshipId, ticket, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRunAction(relationshipId, ticket, "wait-on-client");
  const [question, setQuestion] = useState("");
  const [missing, setMissing] = useState(false);
  const close = () => {
    setQuestion("");
    setMissing(false);
    action.reset();
    onClose();
  };
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={`Ask the client about #${ticket.number}`}
      intro="The ticket waits on the client, and the clocks the protocol names pause, until the client answers (a reply from the client resumes it)."
      submitLabel="Send the question"
      pending={action.isPending}
      error={action.error}
      onSubmit={() => {
        if (!question.trim()) return setMissing(true);
        run({ question: question.trim() }, "Question sent; the ticket waits on the client.", close);
      }}
    >
      <Textarea
        label="What do you need from the client?"
        required
        autosize
        minRows={3}
        maxLength={5000}
        value={question}
        onChange={(e) => setQuestion(e.currentTarget.value)}
        error={(missing && !question.trim() ? "Ask the question." : undefined) ?? fieldError("question")}
        data-autofocus
      />
    </ActionDialog>
  );
}

function SeverityDialog({ relationshipId, ticket, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRunAction(relationshipId, ticket, "severity");
  const [severity, setSeverity] = useState<Severity | null>(null);
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<FieldErrors<"severity" | "reason">>({});
  const close = () => {
    setSeverity(null);
    setReason("");
    setErrors({});
    action.reset();
    onClose();
  };
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={`Change the severity of #${ticket.number}`}
      intro={`It is ${SEVERITY_LABELS[ticket.severity]} now. The deadlines are recomputed from when the ticket was raised, with the new targets; time already paused stays paused.`}
      submitLabel="Change the severity"
      pending={action.isPending}
      error={action.error}
      onSubmit={() => {
        const e = {
          severity: severity ? undefined : "Choose the new severity.",
          reason: reason.trim() ? undefined : "Say why the severity changes.",
        };
        setErrors(e);
        if (hasErrors(e)) return;
        run({ severity, reason: reason.trim() }, `Severity changed to ${SEVERITY_LABELS[severity!]}.`, close);
      }}
    >
      <Select
        label="New severity"
        required
        data={SEVERITIES.filter((s) => s !== ticket.severity).map((s) => ({
          value: s,
          label: SEVERITY_LABELS[s],
        }))}
        value={severity}
        onChange={(v) => setSeverity(v as Severity | null)}
        error={errors.severity ?? fieldError("severity")}
        data-autofocus
      />
      <Textarea
        label="Why?"
        description="Visible to both sides, in the timeline."
        required
        autosize
        minRows={2}
        maxLength={2000}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        error={errors.reason ?? fieldError("reason")}
      />
    </ActionDialog>
  );
}

function EscalateDialog({ relationshipId, ticket, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRunAction(relationshipId, ticket, "escalate");
  const allowed = ticket.escalation.ladder.filter((l) => ticket.abilities.escalateTo.includes(l.id));
  const [level, setLevel] = useState<string | null>(null);
  const [justification, setJustification] = useState("");
  const [errors, setErrors] = useState<FieldErrors<"level" | "justification">>({});
  const close = () => {
    setLevel(null);
    setJustification("");
    setErrors({});
    action.reset();
    onClose();
  };
  const chosen = allowed.find((l) => l.id === level);
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={`Escalate #${ticket.number}`}
      intro="The people of the chosen level are told at once and hold the ticket from now on, with the authority the protocol gives them."
      submitLabel="Escalate"
      color="orange"
      pending={action.isPending}
      error={action.error}
      onSubmit={() => {
        const e = {
          level: level ? undefined : "Choose who to escalate to.",
          justification: justification.trim() ? undefined : "Say why this needs escalating.",
        };
        setErrors(e);
        if (hasErrors(e)) return;
        run({ level, justification: justification.trim() }, `Escalated to ${chosen?.name ?? level}.`, close);
      }}
    >
      <Select
        label="Escalate to"
        required
        data={allowed.map((l) => ({ value: l.id, label: `${l.name} (${l.side})` }))}
        value={level}
        onChange={setLevel}
        error={errors.level ?? fieldError("level")}
        data-autofocus
      />
      {chosen ? (
        <Alert
          variant="light"
          color="orange"
          icon={<IconStairsUp size={18} aria-hidden />}
          title={chosen.name}
        >
          <Text size="sm">{chosen.authority.summary}</Text>
          {chosen.authority.decisions.length ? (
            <Text size="xs" c="dimmed" mt={4}>
              May decide to: {chosen.authority.decisions.join("; ")}.
            </Text>
          ) : null}
        </Alert>
      ) : null}
      <Textarea
        label="Justification"
        description="Visible to both sides, and sent to the people of that level."
        required
        autosize
        minRows={3}
        maxLength={2000}
        value={justification}
        onChange={(e) => setJustification(e.currentTarget.value)}
        error={errors.justification ?? fieldError("justification")}
      />
    </ActionDialog>
  );
}

const OFF_LADDER = "__none__";

function DeescalateDialog({ relationshipId, ticket, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRunAction(relationshipId, ticket, "deescalate");
  const ladder = ticket.escalation.ladder;
  const current = ladder.findIndex((l) => l.id === ticket.escalation.level?.id);
  const below = current > 0 ? ladder.slice(0, current) : [];
  const [level, setLevel] = useState<string>(OFF_LADDER);
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const close = () => {
    setLevel(OFF_LADDER);
    setReason("");
    setMissing(false);
    action.reset();
    onClose();
  };
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={`De-escalate #${ticket.number}`}
      intro={`It is escalated to ${ticket.escalation.level?.name ?? "a level"} now.`}
      submitLabel="De-escalate"
      pending={action.isPending}
      error={action.error}
      onSubmit={() => {
        if (!reason.trim()) return setMissing(true);
        run(
          { level: level === OFF_LADDER ? null : level, reason: reason.trim() },
          "Ticket de-escalated.",
          close,
        );
      }}
    >
      <Select
        label="Back to"
        data={[
          { value: OFF_LADDER, label: "No escalation (the assigned team)" },
          ...below.map((l) => ({ value: l.id, label: `${l.name} (${l.side})` })),
        ]}
        value={level}
        onChange={(v) => setLevel(v ?? OFF_LADDER)}
        allowDeselect={false}
        error={fieldError("level")}
        data-autofocus
      />
      <Textarea
        label="Why?"
        description="Visible to both sides, in the timeline."
        required
        autosize
        minRows={2}
        maxLength={2000}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        error={(missing && !reason.trim() ? "Say why, in a sentence." : undefined) ?? fieldError("reason")}
      />
    </ActionDialog>
  );
}

type ResolveField = "summary" | "rootCause" | "fix" | "prevention";

function ResolveDialog({ relationshipId, ticket, opened, onClose }: DialogProps) {
  const { run, action, fieldError } = useRunAction(relationshipId, ticket, "resolve");
  const needsRca = ticket.severity === "critical" || ticket.severity === "high";
  const [values, setValues] = useState<Record<ResolveField, string>>({
    summary: "",
    rootCause: "",
    fix: "",
    prevention: "",
  });
  const [errors, setErrors] = useState<FieldErrors<ResolveField>>({});
  const set = (field: ResolveField) => (e: React.ChangeEvent<HTMLTextAreaElement>) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [field]: value }));
  };
  const close = () => {
    setValues({ summary: "", rootCause: "", fix: "", prevention: "" });
    setErrors({});
    action.reset();
    onClose();
  };
  const severity = SEVERITY_LABELS[ticket.severity].toLowerCase();
  const submit = () => {
    const required = (field: ResolveField, words: string) =>
      values[field].trim() ? undefined : `Required for a ${severity} ticket: ${words}.`;
    const e: FieldErrors<ResolveField> = {
      summary: values.summary.trim() ? undefined : "Say how it was resolved.",
      ...(needsRca
        ? {
            rootCause: required("rootCause", "say what caused the issue"),
            fix: required("fix", "say what was done to fix it"),
            prevention: required("prevention", "say what will stop it happening again"),
          }
        : {}),
    };
    setErrors(e);
    if (hasErrors(e)) return;
    const body: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) if (v.trim()) body[k] = v.trim();
    run(body, `Ticket #${ticket.number} resolved; the client is asked to confirm.`, close);
  };
  const field = (name: ResolveField, label: string, description: string, required: boolean) => (
    <Textarea
      label={label}
      description={description}
      required={required}
      autosize
      minRows={2}
      maxLength={5000}
      value={values[name]}
      onChange={set(name)}
      error={errors[name] ?? fieldError(name)}
      data-autofocus={name === "summary" || undefined}
    />
  );
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title={`Resolve #${ticket.number}`}
      intro="The client is asked to confirm the fix or reopen the ticket; without an answer it closes by itself after the protocol's waiting time."
      submitLabel="Resolve"
      color="teal"
      pending={action.isPending}
      error={action.error}
      onSubmit={submit}
    >
      {needsRca ? (
        <Alert variant="light" color="orange" icon={<IconAlertTriangle size={18} aria-hidden />}>
          <Text size="sm">
            This is a <strong>{severity}</strong> ticket: the protocol asks for its root cause, the fix, and
            how it will be prevented.
          </Text>
        </Alert>
      ) : null}
      {field("summary", "Summary", "What was wrong and what was done, in a sentence or two.", true)}
      {field("rootCause", "Root cause", "What caused the issue.", needsRca)}
      {field("fix", "Fix", "What was done to fix it.", needsRca)}
      {field("prevention", "Prevention", "What will stop it happening again.", needsRca)}
    </ActionDialog>
  );
}
