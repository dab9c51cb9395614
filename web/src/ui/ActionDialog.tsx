import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconRefresh } from "@tabler/icons-react";
import type { UseMutationResult } from "@tanstack/react-query";
import type { FormEvent, ReactNode } from "react";
import { ApiError } from "../api/problem.ts";
import { ProblemAlert } from "./ProblemAlert.tsx";

/**
 * Runs one action through a mutation and says what happened: a notification on success, then
 * `onDone`; a failure stays on the mutation for the dialog to show, and the form stays filled in.
 */
export function useActionRunner<V>(
  action: UseMutationResult<unknown, Error, V>,
  variables: (body: Record<string, unknown>) => V,
) {
  const run = (body: Record<string, unknown>, done: string, onDone: () => void) =>
    action.mutate(variables(body), {
      onSuccess: () => {
        notifications.show({ color: "teal", message: done });
        onDone();
      },
    });
  const fieldError = (field: string) =>
    action.error instanceof ApiError ? action.error.fieldError(field) : undefined;
  return { run, action, fieldError };
}

/**
 * A modal form for one action on a record (a ticket, a change): the fields, the failure of the
 * last attempt — a 409 says the record changed meanwhile (the page has reloaded it) — a way back,
 * and the action.
 */
export function ActionDialog({
  opened,
  onClose,
  title,
  intro,
  submitLabel,
  color,
  pending,
  error,
  onSubmit,
  record,
  dismissLabel = "Cancel",
  size = "lg",
  children,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  intro?: ReactNode;
  submitLabel: string;
  color?: string;
  pending: boolean;
  error: unknown;
  onSubmit: () => void;
  /** What the page shows, in the conflict message: "ticket", "change". */
  record: string;
  dismissLabel?: string;
  size?: string;
  children?: ReactNode;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  const conflict = error instanceof ApiError && error.status === 409;
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={title}
      size={size}
      closeButtonProps={{ "aria-label": "Close" }}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {intro ? (
            <Text size="sm" c="dimmed">
              {intro}
            </Text>
          ) : null}
          {children}
          {conflict ? (
            <Alert
              color="yellow"
              variant="light"
              role="alert"
              icon={<IconRefresh size={20} aria-hidden />}
              title={`Someone else acted on this ${record} while you were looking at it`}
            >
              <Text size="sm">
                {(error as ApiError).detail} The page now shows the {record} as it is; check what changed,
                then try again if it still makes sense.
              </Text>
            </Alert>
          ) : error ? (
            <ProblemAlert error={error} title="That did not work" />
          ) : null}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose} disabled={pending}>
              {dismissLabel}
            </Button>
            <Button
              type="submit"
              color={color}
              loading={pending}
              data-autofocus={children ? undefined : true}
            >
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
