import { Alert, Button, Checkbox, Code, Group, Modal, Stack, Text } from "@mantine/core";
import { IconSignature } from "@tabler/icons-react";
import { useEffect, useState } from "react";
import type { Side } from "../relationships/types.ts";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { sha256Hex } from "./hash.ts";
import type { VersionDetail } from "./types.ts";

export interface SignModalProps {
  opened: boolean;
  onClose: () => void;
  version: VersionDetail;
  side: Side;
  /** The organization the viewer signs for. */
  organization: string;
  pending: boolean;
  error: unknown;
  onSign: (documentSha256: string) => void;
}

/**
 * Asks before signing, and says exactly what is signed: this version's text, identified by the
 * SHA-256 of the text this page loaded. The server refuses the signature if its text differs.
 */
export function SignModal({
  opened,
  onClose,
  version,
  side,
  organization,
  pending,
  error,
  onSign,
}: SignModalProps) {
  const [agreed, setAgreed] = useState(false);
  const [askedToAgree, setAskedToAgree] = useState(false);
  const [localHash, setLocalHash] = useState<string | null>(null);

  // Fingerprint the text the viewer actually has, rather than trusting the recorded hash.
  useEffect(() => {
    if (!opened) return;
    let cancelled = false;
    void sha256Hex(version.document).then((hash) => {
      if (!cancelled) setLocalHash(hash);
    });
    return () => {
      cancelled = true;
    };
  }, [opened, version.document]);

  const hash = localHash ?? version.documentSha256;
  const mismatch = localHash !== null && localHash !== version.documentSha256;
  const close = () => {
    setAgreed(false);
    setAskedToAgree(false);
    onClose();
  };
  const sign = () => {
    if (!agreed) {
      setAskedToAgree(true);
      return;
    }
    if (!mismatch) onSign(hash);
  };

  return (
    <Modal opened={opened} onClose={close} title={`Sign version ${version.number} for the ${side}`} size="lg">
      <Stack gap="md">
        <Text size="sm">
          You are signing version {version.number} of the protocol on behalf of{" "}
          <strong>{organization}</strong>. Your signature covers <strong>this exact text</strong> — the one on
          this page — identified by its SHA-256 fingerprint:
        </Text>
        <Code
          block
          fz="sm"
          style={{ overflowWrap: "anywhere", whiteSpace: "pre-wrap" }}
          data-testid="sign-hash"
        >
          {hash}
        </Code>
        <Text size="sm" c="dimmed">
          If the text were different from what you read, the signature would be refused. The version takes
          effect when both sides have signed, and your signature is recorded in the audit trail.
        </Text>
        {mismatch ? (
          <Alert color="red" variant="light" title="The text does not match its fingerprint">
            Reload the page and read the version again before signing.
          </Alert>
        ) : null}
        <Checkbox
          label={`I have read version ${version.number} and agree to it for ${organization}`}
          checked={agreed}
          onChange={(e) => setAgreed(e.currentTarget.checked)}
          error={
            askedToAgree && !agreed ? "Confirm that you have read this version before signing." : undefined
          }
        />
        {error ? <ProblemAlert error={error} title="The signature was not recorded" /> : null}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={close} disabled={pending}>
            Cancel
          </Button>
          <Button
            leftSection={<IconSignature size={16} aria-hidden />}
            onClick={sign}
            disabled={mismatch}
            loading={pending}
          >
            Sign version {version.number}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
