import { ActionIcon, Button, Code, CopyButton, Group, Text, Tooltip } from "@mantine/core";
import { IconCheck, IconCopy, IconMail } from "@tabler/icons-react";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { useIntakeAddress, useRotateIntakeAddress } from "./queries.ts";

/**
 * Where to email tickets for this relationship, with a copy button; people who may replace the
 * address (if it leaked to spam lists, say) get a button for that, after a confirmation.
 */
export function IntakeAddressLine({ relationshipId }: { relationshipId: string }) {
  const intake = useIntakeAddress(relationshipId);
  const rotate = useRotateIntakeAddress(relationshipId);
  if (!intake.data) return null;
  const { address, canRotate } = intake.data;
  return (
    <>
      <Group gap="xs" wrap="wrap" aria-label="Email intake address">
        <IconMail size={16} aria-hidden />
        <Text size="sm" c="dimmed">
          Raise tickets by email too:
        </Text>
        <Code>{address}</Code>
        <CopyButton value={address}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? "Copied" : "Copy the address"}>
              <ActionIcon variant="subtle" onClick={copy} aria-label="Copy the intake address">
                {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
        {canRotate ? (
          <Button
            size="compact-sm"
            variant="subtle"
            color="red"
            loading={rotate.isPending}
            onClick={() => {
              if (
                window.confirm(
                  "Replace the intake address? Mail to the current one will be refused from now on.",
                )
              )
                rotate.mutate();
            }}
          >
            Replace address
          </Button>
        ) : null}
      </Group>
      {rotate.error ? <ProblemAlert error={rotate.error} title="The address was not replaced" /> : null}
    </>
  );
}
