import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  FileButton,
  Group,
  List,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
  Tooltip,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import {
  IconCalendarPlus,
  IconCircleCheck,
  IconDeviceFloppy,
  IconHourglass,
  IconSend,
  IconSignature,
  IconTrash,
  IconX,
} from "@tabler/icons-react";
import { lazy, Suspense, useEffect, useState } from "react";
import { ApiError } from "../api/problem.ts";
import { roleLabel } from "../identity/roles.ts";
import type { RelationshipDetail, Side } from "../relationships/types.ts";
import { Loading } from "../ui/Loading.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { formatAbsolute } from "../ui/time.tsx";
import { ProtocolDocumentView } from "./ProtocolDocumentView.tsx";
import {
  useCloseVersion,
  useImportHolidays,
  usePropose,
  useProtocolVersion,
  useSaveDraft,
  useSign,
} from "./queries.ts";
import { forgetDraft, keepDraft, restoreDraft } from "./draft-buffer.ts";
import { ReasonModal } from "./ReasonModal.tsx";
import { SignModal } from "./SignModal.tsx";
import type { DocumentProblem, Signature, VersionDetail, VersionSummary } from "./types.ts";
import { WhatIfBox } from "./WhatIfBox.tsx";
import { shortHash, sideName, signerRoles, STATE_COLORS, STATE_LABELS } from "./words.ts";

// CodeMirror is large and only needed when someone opens the text: loaded on demand.
const ProtocolEditor = lazy(() =>
  import("./ProtocolEditor.tsx").then((m) => ({ default: m.ProtocolEditor })),
);

export interface VersionPanelProps {
  relationshipId: string;
  versionId: string;
  relationship: RelationshipDetail | undefined;
  /** The version in effect, to point to it from any other version. */
  active: VersionSummary | null;
  /** Shows another version (null: the default one). */
  onShowVersion: (versionId: string | null) => void;
}

type View = "readable" | "yaml";

/** One version: its header (state, signatures, actions), then the document in words or as YAML. */
export function VersionPanel(props: VersionPanelProps) {
  const detail = useProtocolVersion(props.relationshipId, props.versionId);
  if (detail.isPending) return <Loading label="Loading the version…" />;
  if (detail.isError)
    return (
      <ProblemAlert error={detail.error} title="Could not load this version">
        <Anchor component="button" type="button" size="sm" mt="xs" onClick={() => props.onShowVersion(null)}>
          Show the current version instead
        </Anchor>
      </ProblemAlert>
    );
  return <LoadedVersion {...props} version={detail.data} />;
}

function LoadedVersion({
  relationshipId,
  relationship,
  active,
  onShowVersion,
  version: v,
}: VersionPanelProps & { version: VersionDetail }) {
  const canEdit = v.state === "draft" && v.abilities.edit;
  const [view, setView] = useState<View>(canEdit ? "yaml" : "readable");
  const [restored] = useState(() => (canEdit ? restoreDraft(v.id, v.documentSha256) : null));
  const [text, setText] = useState(restored?.text ?? v.document);
  const [summary, setSummary] = useState(restored?.summary ?? v.summary);
  // A refused proposal: the text it was refused for, the server's problems and its message.
  const [refused, setRefused] = useState<{
    text: string;
    problems: DocumentProblem[];
    detail: string;
  } | null>(null);
  const [proposing, setProposing] = useState(false);
  const [proposeFailure, setProposeFailure] = useState<unknown>(null);
  const [signing, setSigning] = useState(false);
  const [closing, setClosing] = useState(false);

  const save = useSaveDraft(relationshipId, v.id);
  const propose = usePropose(relationshipId, v.id);
  const sign = useSign(relationshipId, v.id);
  const closeVersion = useCloseVersion(relationshipId, v.id);
  const importHolidays = useImportHolidays();

  const dirty = canEdit && (text !== v.document || summary !== v.summary);
  useUnsavedChangesWarning(dirty);
  useEffect(() => {
    if (!canEdit) return;
    if (dirty) keepDraft(v.id, { base: v.documentSha256, text, summary });
    else forgetDraft(v.id);
  }, [canEdit, dirty, text, summary, v.id, v.documentSha256]);

  const mySide = v.viewerSide;
  const signedByMySide = v.signatures.some((s) => s.side === mySide);
  const canSign = v.state === "proposed" && v.abilities.sign && !signedByMySide;
  const canDecline = v.state === "proposed" && (v.abilities.edit || v.abilities.sign);
  const organization = relationship ? relationship[mySide].name : `the ${mySide}`;
  // Problems live validation cannot see (it does not know who is in the relationship, e.g. an
  // escalation level nobody holds): those of a refused proposal, else those the server found in
  // the saved text, as long as the text is still that one.
  const extraProblems =
    refused && refused.text === text ? refused.problems : text === v.document ? v.problems : undefined;

  const onSave = () =>
    save.mutate(
      { document: text, summary },
      { onSuccess: () => notifications.show({ color: "teal", message: `Version ${v.number} saved.` }) },
    );

  const onPropose = async () => {
    setProposing(true);
    setProposeFailure(null);
    setRefused(null);
    try {
      if (dirty) await save.mutateAsync({ document: text, summary });
      await propose.mutateAsync({ summary });
      setView("readable");
      notifications.show({
        color: "teal",
        title: `Version ${v.number} proposed`,
        message: "Both sides are asked to sign it. Its text can no longer change.",
      });
    } catch (error) {
      const problems = problemsOf(error);
      if (problems.length && error instanceof ApiError) {
        setRefused({ text, problems, detail: error.detail });
        setView("yaml");
      } else setProposeFailure(error);
    } finally {
      setProposing(false);
    }
  };

  const onImport = async (file: File | null) => {
    if (!file) return;
    const ics = await file.text();
    importHolidays.mutate(
      { document: text, ics },
      {
        onSuccess: (result) => {
          setText(result.document);
          setView("yaml");
          notifications.show({
            color: result.added.length ? "teal" : "gray",
            title: result.added.length
              ? `${result.added.length} holiday${result.added.length === 1 ? "" : "s"} added — save to keep them`
              : "No new holidays",
            message:
              (result.added.length
                ? result.added.map((h) => h.name).join(", ")
                : "Every holiday in the file is already listed.") +
              (result.skipped ? ` (${result.skipped} skipped)` : ""),
          });
        },
      },
    );
  };

  return (
    <Stack gap="md">
      <Card
        withBorder
        padding="lg"
        component="section"
        aria-labelledby="version-title"
        className={v.state === "draft" || v.state === "proposed" ? "version-open" : undefined}
      >
        <Stack gap="md">
          <Group justify="space-between" align="flex-start" gap="sm" wrap="wrap">
            <Stack gap={4} style={{ minWidth: 0, flex: "1 1 320px" }}>
              <Group gap="xs" wrap="wrap">
                <Title order={2} fz="h3" id="version-title">
                  Version {v.number}
                </Title>
                <Badge
                  variant="light"
                  color={STATE_COLORS[v.state]}
                  size="lg"
                  tt="none"
                  data-testid="version-state"
                >
                  {STATE_LABELS[v.state]}
                </Badge>
                {dirty ? (
                  <Badge variant="outline" color="orange" tt="none">
                    Unsaved changes
                  </Badge>
                ) : null}
              </Group>
              <Text size="sm" fw={500}>
                {v.title}
              </Text>
              {v.summary ? (
                <Text size="sm" c="dimmed">
                  {v.summary}
                </Text>
              ) : null}
              <VersionDatesLine version={v} />
            </Stack>
            <Group gap="xs" wrap="wrap">
              {canSign ? (
                <Button
                  leftSection={<IconSignature size={16} aria-hidden />}
                  onClick={() => setSigning(true)}
                >
                  Sign for {mySide}
                </Button>
              ) : null}
              {canDecline ? (
                <Button
                  variant="default"
                  color="red"
                  leftSection={<IconX size={16} aria-hidden />}
                  onClick={() => setClosing(true)}
                >
                  Decline
                </Button>
              ) : null}
              {canEdit ? (
                <>
                  <Button
                    leftSection={<IconSend size={16} aria-hidden />}
                    onClick={() => void onPropose()}
                    loading={proposing}
                  >
                    {dirty ? "Save and propose" : "Propose for signature"}
                  </Button>
                  <Button
                    variant="default"
                    leftSection={<IconTrash size={16} aria-hidden />}
                    onClick={() => setClosing(true)}
                  >
                    Discard draft
                  </Button>
                </>
              ) : null}
            </Group>
          </Group>

          {v.state === "declined" || v.state === "discarded" ? (
            <Alert variant="light" color="gray" title={v.state === "declined" ? "Declined" : "Discarded"}>
              {v.closedReason ?? "No reason was given."}
            </Alert>
          ) : null}

          <SignaturesGrid version={v} relationship={relationship} />

          {v.state !== "active" && active && active.id !== v.id ? (
            <Text size="sm" c="dimmed">
              Version {active.number} is the one in effect.{" "}
              <Anchor component="button" type="button" size="sm" onClick={() => onShowVersion(active.id)}>
                Show version {active.number}
              </Anchor>
            </Text>
          ) : null}

          {restored && dirty ? (
            <Alert variant="light" color="orange" title="Your unsaved changes are back">
              <Text size="sm">
                You left this draft with changes that were not saved; they are in the editor again.
              </Text>
              <Button
                mt="xs"
                size="xs"
                variant="default"
                onClick={() => {
                  setText(v.document);
                  setSummary(v.summary);
                }}
              >
                Throw them away
              </Button>
            </Alert>
          ) : null}
          {proposeFailure ? (
            <ProblemAlert error={proposeFailure} title="The version was not proposed" />
          ) : null}
          {refused && refused.text === text ? (
            <Alert color="red" variant="light" title="The version was not proposed" role="alert">
              {refused.detail} Each problem is marked at its line in the text below.
            </Alert>
          ) : null}

          <SegmentedControl
            value={view}
            onChange={(value) => setView(value as View)}
            data={[
              { value: "readable", label: "Readable" },
              { value: "yaml", label: canEdit ? "Edit YAML" : "YAML text" },
            ]}
            aria-label="How to show the version"
            w={{ base: "100%", xs: "auto" }}
            style={{ alignSelf: "flex-start" }}
          />
        </Stack>
      </Card>

      {view === "yaml" ? (
        <Card withBorder padding="lg" component="section" aria-label={`Text of version ${v.number}`}>
          <Stack gap="md">
            {canEdit ? (
              <Group gap="sm" align="flex-end" wrap="wrap">
                <TextInput
                  label="Summary of this version"
                  description="One line both sides will see in the history."
                  value={summary}
                  onChange={(e) => setSummary(e.currentTarget.value)}
                  maxLength={500}
                  style={{ flex: "1 1 280px" }}
                />
                <Group gap="xs">
                  <FileButton onChange={(file) => void onImport(file)} accept=".ics,text/calendar">
                    {(fileProps) => (
                      <Tooltip label="Adds the holidays of an iCalendar file to calendar.holidays">
                        <Button
                          {...fileProps}
                          variant="default"
                          leftSection={<IconCalendarPlus size={16} aria-hidden />}
                          loading={importHolidays.isPending}
                        >
                          Import holidays from .ics
                        </Button>
                      </Tooltip>
                    )}
                  </FileButton>
                  <Button
                    leftSection={<IconDeviceFloppy size={16} aria-hidden />}
                    onClick={onSave}
                    loading={save.isPending}
                    variant={dirty ? "filled" : "light"}
                  >
                    {dirty ? "Save" : "Saved"}
                  </Button>
                </Group>
              </Group>
            ) : null}
            {save.isError ? <ProblemAlert error={save.error} title="The draft was not saved" /> : null}
            {importHolidays.isError ? (
              <ProblemAlert error={importHolidays.error} title="The holidays were not imported" />
            ) : null}
            <Suspense fallback={<Loading label="Loading the editor…" />}>
              <ProtocolEditor
                relationshipId={relationshipId}
                value={canEdit ? text : v.document}
                onChange={canEdit ? setText : undefined}
                readOnly={!canEdit}
                extraProblems={extraProblems}
                label={`Protocol version ${v.number} (YAML)`}
              />
            </Suspense>
          </Stack>
        </Card>
      ) : v.parsed ? (
        <>
          {dirty ? (
            <Alert variant="light" color="orange">
              This is the last saved text; your unsaved changes are in the YAML editor.
            </Alert>
          ) : null}
          <ProtocolDocumentView
            doc={v.parsed}
            upcomingHolidays={v.upcomingHolidays}
            businessDayMs={v.businessDayMs}
            afterSeverities={
              <WhatIfBox
                relationshipId={relationshipId}
                versionId={v.id}
                versionNumber={v.number}
                doc={v.parsed}
              />
            }
          />
        </>
      ) : (
        <Alert variant="light" color="yellow" title="This version has problems">
          <Text size="sm">The readable view appears once the text is valid.</Text>
          <List size="sm" mt="xs">
            {v.problems.map((p) => (
              <List.Item key={`${p.line}:${p.column}:${p.message}`}>
                Line {p.line}: {p.message}
              </List.Item>
            ))}
          </List>
          {canEdit ? (
            <Button mt="sm" size="xs" variant="light" onClick={() => setView("yaml")}>
              Fix them in the editor
            </Button>
          ) : null}
        </Alert>
      )}

      <SignModal
        opened={signing}
        onClose={() => {
          setSigning(false);
          sign.reset();
        }}
        version={v}
        side={mySide}
        organization={organization}
        pending={sign.isPending}
        error={sign.error}
        onSign={(hash) =>
          // mutateAsync: once both sides have signed, the page may show another panel before
          // per-call callbacks would run. A failure is shown in the dialog from the mutation's state.
          sign.mutateAsync(hash).then((result) => {
            setSigning(false);
            notifications.show({
              color: "teal",
              title: result.activated ? `Version ${v.number} is now in effect` : "Signed",
              message: result.activated
                ? "Both sides have signed. Clocks, escalations and notices now follow it."
                : `Waiting for the ${mySide === "client" ? "provider" : "client"} to sign.`,
            });
          }, ignore)
        }
      />
      <ReasonModal
        opened={closing}
        onClose={() => {
          setClosing(false);
          closeVersion.reset();
        }}
        title={
          v.state === "draft" ? `Discard the draft of version ${v.number}?` : `Decline version ${v.number}?`
        }
        description={
          v.state === "draft"
            ? "The draft is kept in the history as discarded; its text can no longer change."
            : "The proposal is kept in the history as declined, and both sides are told why. A new version can then be started."
        }
        confirmLabel={v.state === "draft" ? "Discard draft" : "Decline version"}
        pending={closeVersion.isPending}
        error={closeVersion.error}
        onConfirm={(reason) =>
          closeVersion.mutateAsync(reason).then(() => {
            setClosing(false);
            notifications.show({
              color: "gray",
              message: `Version ${v.number} was ${v.state === "draft" ? "discarded" : "declined"}.`,
            });
            onShowVersion(null);
          }, ignore)
        }
      />
    </Stack>
  );
}

function VersionDatesLine({ version: v }: { version: VersionSummary }) {
  const parts: string[] = [`Started ${formatAbsolute(v.createdAt)}`];
  if (v.proposedAt) parts.push(`proposed ${formatAbsolute(v.proposedAt)}`);
  if (v.activatedAt) parts.push(`in effect since ${formatAbsolute(v.activatedAt)}`);
  if (v.supersededAt) parts.push(`superseded ${formatAbsolute(v.supersededAt)}`);
  return (
    <Text size="xs" c="dimmed">
      {parts.join(" · ")}
    </Text>
  );
}

/** Both sides' signatures (or who is expected to sign), with the fingerprint each one covers. */
function SignaturesGrid({
  version: v,
  relationship,
}: {
  version: VersionDetail;
  relationship: RelationshipDetail | undefined;
}) {
  if (v.state === "draft") return null;
  const sides: Side[] = ["provider", "client"];
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" aria-label="Signatures">
      {sides.map((side) => {
        const signature = v.signatures.find((s) => s.side === side);
        return (
          <SignatureBox
            key={side}
            side={side}
            organization={relationship?.[side].name}
            signature={signature}
            waiting={v.state === "proposed"}
          />
        );
      })}
    </SimpleGrid>
  );
}

function SignatureBox({
  side,
  organization,
  signature,
  waiting,
}: {
  side: Side;
  organization: string | undefined;
  signature: Signature | undefined;
  waiting: boolean;
}) {
  return (
    <Card withBorder padding="sm" radius="md" data-testid={`signature-${side}`}>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        {signature ? (
          <IconCircleCheck
            size={20}
            color="var(--mantine-color-teal-filled)"
            aria-hidden
            style={{ flexShrink: 0 }}
          />
        ) : (
          <IconHourglass
            size={20}
            color="var(--mantine-color-dimmed)"
            aria-hidden
            style={{ flexShrink: 0 }}
          />
        )}
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Text size="xs" tt="uppercase" fw={700} c="dimmed">
            {sideName(side)}
            {organization ? ` · ${organization}` : ""}
          </Text>
          {signature ? (
            <>
              <Text size="sm">
                Signed by <strong>{signature.name}</strong>, {roleLabel(signature.role)}
              </Text>
              <Text size="xs" c="dimmed">
                <time dateTime={signature.signedAt}>{formatAbsolute(signature.signedAt)}</time> · SHA-256{" "}
                <Tooltip
                  label={signature.documentSha256}
                  multiline
                  w={300}
                  style={{ overflowWrap: "anywhere" }}
                >
                  <code tabIndex={0} aria-label={`fingerprint ${signature.documentSha256}`}>
                    {shortHash(signature.documentSha256)}…
                  </code>
                </Tooltip>
              </Text>
            </>
          ) : (
            <Text size="sm" c="dimmed">
              {waiting ? `Not signed yet — signs through ${signerRoles(side)}.` : "Not signed."}
            </Text>
          )}
        </Stack>
      </Group>
    </Card>
  );
}

/**
 * The problems of a refused proposal: `validation_failed` lists each one with its line and
 * column (`errors[].line`, or a path `document:<line>:<column>`).
 */
function problemsOf(error: unknown): DocumentProblem[] {
  if (!(error instanceof ApiError) || error.code !== "validation_failed") return [];
  return error.errors.flatMap((e) => {
    const raw = e as typeof e & { line?: number; column?: number };
    const fromPath = /^document:(\d+):(\d+)$/.exec(e.path);
    const line = raw.line ?? (fromPath ? Number(fromPath[1]) : null);
    const column = raw.column ?? (fromPath ? Number(fromPath[2]) : 1);
    if (line === null) return [];
    return [{ path: e.path, line, column, message: e.message, level: "error" as const }];
  });
}

/** Asks before the tab closes or reloads while a draft has unsaved changes. */
function useUnsavedChangesWarning(dirty: boolean) {
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
}

/** For promises whose failure is already shown from a mutation's state. */
function ignore(): void {}
