import { ActionIcon, Alert, Code, CopyButton, Group, Stack, Text, Tooltip } from "@mantine/core";
import { IconCheck, IconCopy, IconEyeExclamation } from "@tabler/icons-react";
import type { ReactNode } from "react";

export interface SecretRevealProps {
  /** Accessible name and visible caption of the value, e.g. "API token secret". */
  label: string;
  value: string;
  /** Why it matters that this is copied now. */
  warning: ReactNode;
}

/**
 * A value the server shows exactly once (a token secret, a set-up link): large, selectable,
 * copyable with one click, under a warning that it will not be shown again.
 */
export function SecretReveal({ label, value, warning }: SecretRevealProps) {
  return (
    <Stack gap="sm">
      <Alert
        color="yellow"
        variant="light"
        icon={<IconEyeExclamation size={20} aria-hidden />}
        title="Copy it now"
      >
        <Text size="sm">{warning}</Text>
      </Alert>
      <Stack gap={4}>
        <Text size="sm" fw={500} id="secret-label">
          {label}
        </Text>
        <Group gap="xs" wrap="nowrap" align="stretch">
          <Code
            block
            aria-labelledby="secret-label"
            style={{
              flex: 1,
              minWidth: 0,
              overflowWrap: "anywhere",
              whiteSpace: "pre-wrap",
              userSelect: "all",
            }}
            fz="sm"
          >
            {value}
          </Code>
          <CopyButton value={value} timeout={2500}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? "Copied" : "Copy"} withArrow>
                <ActionIcon
                  onClick={copy}
                  size="xl"
                  variant={copied ? "filled" : "light"}
                  color={copied ? "teal" : undefined}
                  aria-label={copied ? `${label} copied` : `Copy ${label.toLowerCase()}`}
                >
                  {copied ? <IconCheck size={20} aria-hidden /> : <IconCopy size={20} aria-hidden />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
      </Stack>
    </Stack>
  );
}
