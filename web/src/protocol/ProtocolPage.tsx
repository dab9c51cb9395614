import { Button, Card, EmptyState, Group, Menu, Stack, Tabs, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconChevronDown, IconFileCertificate, IconFilePlus, IconHistory } from "@tabler/icons-react";
import { useParams, useSearchParams } from "react-router";
import { problemMessage } from "../api/problem.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { HistoryPanel } from "./HistoryPanel.tsx";
import { useCreateDraft, useProtocolOverview } from "./queries.ts";
import type { ProtocolOverview, VersionSummary } from "./types.ts";
import { VersionPanel } from "./VersionPanel.tsx";
import { signerRoles } from "./words.ts";

/**
 * `/r/:relationshipId/protocol`: the protocol both sides signed, in words; the open draft or
 * proposal with what the viewer may do about it; the history with a diff between any two versions.
 * `?version=<id>` opens one version (notifications link there); `?tab=history` the history.
 */
export function ProtocolPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const overview = useProtocolOverview(relationshipId);
  const [params, setParams] = useSearchParams();
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;

  const frame = (children: React.ReactNode, actions?: React.ReactNode) => (
    <Page
      title="Protocol"
      documentTitle={name ? `Protocol — ${name}` : "Protocol"}
      eyebrow={name}
      description="What both sides agreed on — hours, severities and targets, escalation, changes, emergencies, meetings, reports and scope — signed by both, versioned, and read by every other part of Liaison."
      actions={actions}
    >
      {children}
    </Page>
  );

  if (overview.isPending) return frame(<Loading label="Loading the protocol…" />);
  if (overview.isError)
    return frame(<ProblemAlert error={overview.error} title="Could not load the protocol" />);

  const o = overview.data;
  const selectedId = params.get("version") ?? o.active?.id ?? o.open?.id ?? null;
  const tab = params.get("tab") === "history" ? "history" : "document";

  const update = (changes: Record<string, string | null>) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null) next.delete(key);
        else next.set(key, value);
      }
      return next;
    });
  const showVersion = (versionId: string | null) => update({ version: versionId, tab: null });
  const versionHref = (versionId: string) => `/r/${relationshipId}/protocol?version=${versionId}`;

  // With nothing to show, the empty state offers the start instead.
  const actions =
    o.abilities.edit && !o.open && selectedId ? (
      <StartVersionMenu relationshipId={relationshipId} active={o.active} onStarted={showVersion} />
    ) : undefined;

  return frame(
    <Stack gap="md">
      {o.open && selectedId !== o.open.id ? (
        <OpenVersionCallout overview={o} open={o.open} onOpen={() => showVersion(o.open!.id)} />
      ) : null}
      <Tabs value={tab} onChange={(value) => update({ tab: value === "history" ? "history" : null })}>
        <Tabs.List>
          <Tabs.Tab value="document" leftSection={<IconFileCertificate size={16} aria-hidden />}>
            {selectedVersionLabel(o, selectedId)}
          </Tabs.Tab>
          <Tabs.Tab value="history" leftSection={<IconHistory size={16} aria-hidden />}>
            History and changes
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="document" pt="md">
          {selectedId ? (
            <VersionPanel
              key={selectedId}
              relationshipId={relationshipId}
              versionId={selectedId}
              relationship={relationship.data}
              active={o.active}
              onShowVersion={showVersion}
            />
          ) : (
            <NoProtocolYet relationshipId={relationshipId} overview={o} onStarted={showVersion} />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          {/* The version panel stays mounted (an editor keeps its text and undo history); the
              history, which loads a diff, only while it is shown. */}
          {tab !== "history" ? null : (
            <HistoryPanel
              relationshipId={relationshipId}
              versions={o.versions}
              from={params.get("from")}
              to={params.get("to")}
              onCompare={(from, to) => update({ from, to })}
              versionHref={versionHref}
            />
          )}
        </Tabs.Panel>
      </Tabs>
    </Stack>,
    actions,
  );
}

function selectedVersionLabel(o: ProtocolOverview, selectedId: string | null): string {
  const selected = o.versions.find((v) => v.id === selectedId);
  if (!selected) return "Protocol";
  if (selected.state === "active") return `In effect: version ${selected.number}`;
  return `Version ${selected.number}`;
}

/** The draft or proposal waiting for someone, shown above whatever version is open. */
function OpenVersionCallout({
  overview: o,
  open,
  onOpen,
}: {
  overview: ProtocolOverview;
  open: VersionSummary;
  onOpen: () => void;
}) {
  const mySideSigned = open.signatures.some((s) => s.side === o.viewerSide);
  const proposed = open.state === "proposed";
  const signed = open.signatures.map((s) => `${s.name} (${s.side})`);
  const action = proposed
    ? o.abilities.sign && !mySideSigned
      ? "Review and sign"
      : "Read the proposal"
    : o.abilities.edit
      ? "Continue the draft"
      : "Read the draft";
  return (
    <Card
      withBorder
      padding="md"
      className="version-open"
      component="section"
      aria-labelledby="open-version-title"
    >
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Stack gap={2} style={{ minWidth: 0, flex: "1 1 320px" }}>
          <Text fw={600} id="open-version-title">
            {proposed
              ? `Version ${open.number} is proposed and waiting for signatures`
              : `Version ${open.number} is a draft`}
          </Text>
          {open.summary ? (
            <Text size="sm" c="dimmed">
              {open.summary}
            </Text>
          ) : null}
          {proposed ? (
            <Text size="sm">
              {signed.length ? `Signed so far: ${signed.join(", ")}.` : "Nobody has signed yet."}{" "}
              {mySideSigned
                ? "Your side has signed."
                : `Your side signs through ${signerRoles(o.viewerSide)}.`}
            </Text>
          ) : null}
        </Stack>
        <Button onClick={onOpen} variant={o.abilities.sign && proposed && !mySideSigned ? "filled" : "light"}>
          {action}
        </Button>
      </Group>
    </Card>
  );
}

/** Starts a new draft: from the version in effect, or from the default template. */
function StartVersionMenu({
  relationshipId,
  active,
  onStarted,
}: {
  relationshipId: string;
  active: VersionSummary | null;
  onStarted: (versionId: string) => void;
}) {
  const create = useCreateDraft(relationshipId);
  // mutateAsync, not mutate's callbacks: the new draft refreshes the overview, which replaces
  // this menu before per-call callbacks would run.
  const start = (from: "template" | "active") =>
    create.mutateAsync({ from }).then(
      (draft) => {
        notifications.show({ color: "teal", message: `Draft version ${draft.number} started.` });
        onStarted(draft.id);
      },
      (error: unknown) =>
        notifications.show({
          color: "red",
          title: "The draft was not started",
          message: problemMessage(error),
        }),
    );
  return (
    <Menu position="bottom-end" shadow="md">
      <Menu.Target>
        <Button
          leftSection={<IconFilePlus size={16} aria-hidden />}
          rightSection={<IconChevronDown size={14} aria-hidden />}
          loading={create.isPending}
        >
          Start a new version
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {active ? (
          <Menu.Item onClick={() => start("active")}>
            From the version in effect (version {active.number})
          </Menu.Item>
        ) : null}
        <Menu.Item onClick={() => start("template")}>From the default template</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/** No version in effect and none open: what the protocol is, and how to start one. */
function NoProtocolYet({
  relationshipId,
  overview: o,
  onStarted,
}: {
  relationshipId: string;
  overview: ProtocolOverview;
  onStarted: (versionId: string) => void;
}) {
  const create = useCreateDraft(relationshipId);
  return (
    <Card withBorder padding="xl">
      <EmptyState
        icon={<IconFileCertificate size={28} />}
        withIndicatorBackground
        title="No protocol is in effect yet"
        description={
          <>
            The protocol is the document both sides sign: business hours, severities and their response and
            resolution targets, the escalation path, how changes are approved and announced, what counts as an
            emergency, the regular meetings and reports, and what the service includes. Nothing runs on it
            until the client (through {signerRoles("client")}) and the provider (through{" "}
            {signerRoles("provider")}) have both signed a version.
            {o.versions.length > 0
              ? ` Earlier versions were declined or discarded; they are listed under History.`
              : ""}
          </>
        }
      >
        {o.abilities.edit ? (
          <EmptyState.Actions>
            <Stack gap="xs" align="center">
              <Button
                leftSection={<IconFilePlus size={16} aria-hidden />}
                loading={create.isPending}
                onClick={() =>
                  // The error, if any, is shown below from the mutation's state.
                  create.mutateAsync({ from: "template" }).then((draft) => onStarted(draft.id), ignore)
                }
              >
                Start from the default template
              </Button>
              <Text size="xs" c="dimmed" maw={420} ta="center">
                The template holds the figures of a typical agreement. Adapt it, propose it, and both sides
                sign.
              </Text>
            </Stack>
          </EmptyState.Actions>
        ) : (
          <Text size="sm" c="dimmed" ta="center" mt="sm">
            An executive, approver or IT point of contact of the client, or the provider&apos;s account
            manager, can start one.
          </Text>
        )}
      </EmptyState>
      {create.isError ? <ProblemAlert error={create.error} title="The draft was not started" /> : null}
    </Card>
  );
}

/** For promises whose failure is already shown from a mutation's state. */
function ignore(): void {}
