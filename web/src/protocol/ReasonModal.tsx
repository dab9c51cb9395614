import { Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";

export interface ReasonModalProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  description: string;
  confirmLabel: string;
  pending: boolean;
  error: unknown;
  onConfirm: (reason: string) => void;
}

/** Declining a proposal or discarding a draft always says why; the reason is kept with the version. */
export function ReasonModal({
  opened,
  onClose,
  title,
  description,
  confirmLabel,
  pending,
  error,
  onConfirm,
}: ReasonModalProps) {
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const close = () => {
    setReason("");
    setMissing(false);
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) {
      setMissing(true);
      return;
    }
    onConfirm(reason.trim());
  };
  return (
    <Modal opened={opened} onClose={close} title={title}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm">{description}</Text>
          <Textarea
            label="Reason"
            description="Both sides see it in the history and the audit trail."
            required
            autosize
            minRows={3}
            maxLength={1000}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={missing && !reason.trim() ? "Say why, in a sentence." : undefined}
            data-autofocus
          />
          {error ? <ProblemAlert error={error} title="That did not work" /> : null}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={close} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={pending}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
