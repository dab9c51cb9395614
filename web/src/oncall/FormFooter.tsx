import { Alert, Button, Group, Stack, Text } from "@mantine/core";
import { IconDeviceFloppy, IconRefresh } from "@tabler/icons-react";
import type { ApiError } from "../api/problem.ts";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";

/**
 * The end of an on-call form: the browser's own problems, an edit conflict (409) with a way to start
 * again, the server's refusal, and Cancel / submit.
 */
export function FormFooter({
  noun,
  invalid,
  conflict,
  error,
  onReload,
  pending,
  onCancel,
  submitLabel,
}: {
  /** What the form writes, for the alerts' words: "schedule", "plan". */
  noun: string;
  /** The browser found problems (marked on the fields). */
  invalid: boolean;
  /** The error, when it is an edit conflict the form can start again from. */
  conflict: ApiError | undefined;
  error: unknown;
  onReload?: () => void;
  pending: boolean;
  onCancel: () => void;
  submitLabel: string;
}) {
  return (
    <>
      {invalid ? (
        <Alert color="red" variant="light" role="alert" title="Some fields need attention">
          <Text size="sm">They are marked in red above.</Text>
        </Alert>
      ) : null}
      {conflict ? (
        <Alert
          color="yellow"
          variant="light"
          role="alert"
          icon={<IconRefresh size={20} aria-hidden />}
          title={`Someone else changed this ${noun} while you were editing it`}
        >
          <Stack gap="xs">
            <Text size="sm">{conflict.detail}</Text>
            <Button variant="default" w="fit-content" onClick={onReload}>
              {`Start again from the current ${noun} (your edits here are dropped)`}
            </Button>
          </Stack>
        </Alert>
      ) : error ? (
        <ProblemAlert error={error} title={`The ${noun} was not saved`} />
      ) : null}
      <Group justify="flex-end" gap="xs">
        <Button variant="default" onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" loading={pending} leftSection={<IconDeviceFloppy size={16} aria-hidden />}>
          {submitLabel}
        </Button>
      </Group>
    </>
  );
}
