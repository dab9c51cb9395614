import { Alert, List, Text } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { ApiError, problemMessage } from "../api/problem.ts";

export interface ProblemAlertProps {
  error: unknown;
  /** What the user was trying to do, e.g. "Could not load the audit trail". */
  title?: string;
  children?: ReactNode;
}

/**
 * Shows a failure the way the server explained it (problem+json `detail`), with field problems
 * and the request id to quote to support.
 */
export function ProblemAlert({ error, title, children }: ProblemAlertProps) {
  const apiError = error instanceof ApiError ? error : null;
  const fieldErrors = apiError?.errors ?? [];
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlertTriangle size={20} aria-hidden />}
      title={title ?? apiError?.title ?? "Something went wrong"}
      role="alert"
    >
      <Text size="sm">{problemMessage(error)}</Text>
      {fieldErrors.length > 0 ? (
        <List size="sm" mt="xs">
          {fieldErrors.map((e) => (
            <List.Item key={`${e.path}:${e.message}`}>
              {fieldName(e.path)}: {e.message}
            </List.Item>
          ))}
        </List>
      ) : null}
      {apiError?.requestId ? (
        <Text size="xs" c="dimmed" mt="xs">
          Reference for support: <code>{apiError.requestId}</code>
        </Text>
      ) : null}
      {children}
    </Alert>
  );
}

function fieldName(path: string): string {
  return path.replace(/^(body|query|params)\./, "");
}
