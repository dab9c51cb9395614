import "./emergencies.css";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  DataList,
  Grid,
  Group,
  List,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import {
  IconAlertTriangle,
  IconBellRinging,
  IconCheck,
  IconCircleCheck,
  IconClipboardText,
  IconListCheck,
  IconMessagePlus,
  IconSpeakerphone,
  IconX,
} from "@tabler/icons-react";
import { type ReactNode, useState } from "react";
import { Link, useParams } from "react-router";
import { ApiError, problemMessage } from "../api/problem.ts";
import { roleList } from "../changes/words.ts";
import { roleLabel } from "../identity/roles.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { formatRelative, useNow } from "../ui/time.tsx";
import { durationWords } from "../tickets/words.ts";
import { AuthorityBadge, EmergencyStateBadge, LogStateBadge, Moment } from "./badges.tsx";
import { BackTo } from "./EmergenciesNav.tsx";
import {
  CompleteDialog,
  DecideDialog,
  LogActionDialog,
  NoteDialog,
  ResolveDialog,
  UpdateDialog,
} from "./EmergencyDialogs.tsx";
import { useLiveEmergencies } from "./live.ts";
import { useEmergency, useEmergencyAction } from "./queries.ts";
import type { EmergencyDetail, LogEntry, RestorationPlan } from "./types.ts";
import { emergencyNumber, formatLocal, protocolDuration, reviewNumber, strategyLabel } from "./words.ts";

/**
 * `/r/:relationshipId/emergencies/:emergencyId`: one emergency as both sides see it while it
 * runs — who is paged and when the next page goes, the on-call authority register, the running
 * log with approvals, when the next update is due, the affected system's restoration plan — and
 * only the buttons the viewer may use. It follows every step made elsewhere without reloading.
 * Times are the viewer's own (an emergency is read by whoever is awake, wherever they are).
 */
export function EmergencyPage() {
  const { relationshipId = "", emergencyId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const emergency = useEmergency(relationshipId, emergencyId);
  useLiveEmergencies(relationshipId);
  const back = <BackTo relationshipId={relationshipId} to="emergencies" />;
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;

  if (emergency.isPending)
    return (
      <Page title="Emergency" eyebrow={back}>
        <Loading label="Loading the emergency…" />
      </Page>
    );
  if (emergency.isError)
    return (
      <Page title="Emergency" eyebrow={back}>
        <ProblemAlert error={emergency.error} title="Could not load this emergency" />
      </Page>
    );
  return (
    <EmergencyView relationshipId={relationshipId} e={emergency.data} back={back} relationshipName={name} />
  );
}

type DialogKey = "act" | "note" | "update" | "resolve";

function EmergencyView({
  relationshipId,
  e,
  back,
  relationshipName,
}: {
  relationshipId: string;
  e: EmergencyDetail;
  back: ReactNode;
  relationshipName: string | undefined;
}) {
  const [open, setOpen] = useState<DialogKey | null>(null);
  const [deciding, setDeciding] = useState<{ entry: LogEntry; decision: "approve" | "decline" } | null>(null);
  const [completing, setCompleting] = useState<LogEntry | null>(null);
  const [withdrawing, setWithdrawing] = useState<LogEntry | null>(null);
  const close = () => setOpen(null);
  const emg = emergencyNumber(e.number);
  const title = `${emg} ${e.title}`;
  const dialogProps = { relationshipId, e, onClose: close };

  return (
    <Page
      title={title}
      documentTitle={`${title}${relationshipName ? ` — ${relationshipName}` : ""}`}
      eyebrow={back}
    >
      {e.abilities.acknowledge && e.abilities.pagedMe ? (
        <PagedBanner relationshipId={relationshipId} e={e} />
      ) : null}

      <Card withBorder padding="md" component="section" aria-label="Summary">
        <Stack gap="sm">
          <Group gap="xs" wrap="wrap" data-testid="emergency-header">
            <Text fw={700} size="sm" c="dimmed">
              {emg}
            </Text>
            <EmergencyStateBadge state={e.state} size="lg" />
            <Badge size="lg" variant="light" color="gray" tt="none" style={{ maxWidth: "100%" }}>
              {e.affectedSystem}
            </Badge>
          </Group>
          <Group gap="lg" wrap="wrap">
            {e.ticket ? (
              <Text size="sm">
                <Text span c="dimmed" size="sm">
                  Ticket:{" "}
                </Text>
                <Anchor component={Link} to={`/r/${relationshipId}/tickets/${e.ticket.id}`} size="sm">
                  #{e.ticket.number} {e.ticket.title}
                </Anchor>
              </Text>
            ) : null}
            <Text size="sm" component="div">
              <Text span c="dimmed" size="sm">
                Declared by{" "}
              </Text>
              {e.declaredByName}, <Moment iso={e.declaredAt} />
            </Text>
            {e.acknowledgedAt ? (
              <Text size="sm" component="div" data-testid="acknowledged-by">
                <Text span c="dimmed" size="sm">
                  Acknowledged by{" "}
                </Text>
                {e.acknowledgedByName ?? "someone"}, <Moment iso={e.acknowledgedAt} /> (
                {durationWords(Date.parse(e.acknowledgedAt) - Date.parse(e.declaredAt))} after it was
                declared)
              </Text>
            ) : null}
            {e.resolvedAt ? (
              <Text size="sm" component="div">
                <Text span c="dimmed" size="sm">
                  Resolved{" "}
                </Text>
                <Moment iso={e.resolvedAt} />
              </Text>
            ) : null}
          </Group>
          {e.criteria.length ? (
            <div>
              <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                Emergency because
              </Text>
              <List size="sm" spacing={2}>
                {e.criteria.map((c) => (
                  <List.Item key={c}>{c}</List.Item>
                ))}
              </List>
            </div>
          ) : null}
          {e.description && e.description !== e.title ? (
            <Text size="sm" className="emergency-text">
              {e.description}
            </Text>
          ) : null}
          {e.review ? (
            <Alert
              color="green"
              variant="light"
              icon={<IconClipboardText size={18} aria-hidden />}
              title="Resolved — the post-incident review is open"
            >
              <Anchor component={Link} to={`/r/${relationshipId}/reviews/${e.review.id}`} size="sm" fw={600}>
                Open the review {reviewNumber(e.review.number)}
              </Anchor>
              <Text size="xs" c="dimmed">
                Due by {formatLocal(e.review.dueAt)}
              </Text>
            </Alert>
          ) : null}
          <Actions
            relationshipId={relationshipId}
            e={e}
            onOpen={setOpen}
            showAcknowledge={!(e.abilities.acknowledge && e.abilities.pagedMe)}
          />
        </Stack>
      </Card>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <LogCard
              e={e}
              onDecide={(entry, decision) => setDeciding({ entry, decision })}
              onComplete={setCompleting}
              onWithdraw={setWithdrawing}
            />
            <RegisterCard e={e} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <PagingCard e={e} />
            <UpdatesCard e={e} relationshipId={relationshipId} />
            <RestorationCard
              plan={e.restorationPlan}
              system={e.affectedSystem}
              relationshipId={relationshipId}
            />
          </Stack>
        </Grid.Col>
      </Grid>

      <LogActionDialog {...dialogProps} opened={open === "act"} />
      <NoteDialog {...dialogProps} opened={open === "note"} />
      <UpdateDialog {...dialogProps} opened={open === "update"} />
      <ResolveDialog {...dialogProps} opened={open === "resolve"} />
      <DecideDialog
        relationshipId={relationshipId}
        e={e}
        entry={deciding?.entry ?? null}
        decision={deciding?.decision ?? "approve"}
        onClose={() => setDeciding(null)}
      />
      <CompleteDialog
        relationshipId={relationshipId}
        e={e}
        entry={completing}
        onClose={() => setCompleting(null)}
      />
      <CompleteDialog
        relationshipId={relationshipId}
        e={e}
        entry={withdrawing}
        mode="withdraw"
        onClose={() => setWithdrawing(null)}
      />
    </Page>
  );
}

/** Acknowledging is one click: at 2 AM nobody should fill in a form to stop the pager. */
function useAcknowledge(relationshipId: string, e: EmergencyDetail) {
  const action = useEmergencyAction(relationshipId, e.id);
  const acknowledge = () =>
    action.mutate(
      { path: "acknowledge" },
      {
        onSuccess: () =>
          notifications.show({
            color: "orange",
            message: `You acknowledged ${emergencyNumber(e.number)}: paging has stopped and you are the responder.`,
          }),
        onError: (error) =>
          notifications.show({
            color: "red",
            title:
              error instanceof ApiError && error.status === 409
                ? "Someone else acknowledged first"
                : "Not acknowledged",
            message: problemMessage(error),
          }),
      },
    );
  return { acknowledge, pending: action.isPending };
}

/** The person being paged sees one thing first: the page, and the button that answers it. */
function PagedBanner({ relationshipId, e }: { relationshipId: string; e: EmergencyDetail }) {
  const { acknowledge, pending } = useAcknowledge(relationshipId, e);
  const now = useNow(15_000);
  return (
    <Alert
      color="red"
      variant="light"
      className="paged-banner"
      icon={<IconBellRinging size={22} aria-hidden />}
      title="You are being paged"
      role="alert"
    >
      <Stack gap="sm">
        <Text size="sm">
          Acknowledge to stop the paging and take the emergency.
          {e.nextPageAt
            ? ` Otherwise the next person in the chain is paged ${formatRelative(e.nextPageAt, now)}.`
            : ""}
        </Text>
        <Button
          color="red"
          size="lg"
          onClick={acknowledge}
          loading={pending}
          leftSection={<IconCheck size={20} aria-hidden />}
          w="fit-content"
        >
          Acknowledge
        </Button>
      </Stack>
    </Alert>
  );
}

function Actions({
  relationshipId,
  e,
  onOpen,
  showAcknowledge,
}: {
  relationshipId: string;
  e: EmergencyDetail;
  onOpen: (key: DialogKey) => void;
  showAcknowledge: boolean;
}) {
  const { acknowledge, pending } = useAcknowledge(relationshipId, e);
  const a = e.abilities;
  if (!a.acknowledge && !a.act && !a.update && !a.resolve && !a.note) return null;
  return (
    <Group gap="xs" wrap="wrap" role="group" aria-label="Actions on this emergency">
      {a.acknowledge && showAcknowledge ? (
        <Button
          color="red"
          onClick={acknowledge}
          loading={pending}
          leftSection={<IconCheck size={16} aria-hidden />}
        >
          Acknowledge
        </Button>
      ) : null}
      {a.act ? (
        <Button onClick={() => onOpen("act")} leftSection={<IconListCheck size={16} aria-hidden />}>
          Log an action
        </Button>
      ) : null}
      {a.update ? (
        <Button
          variant="default"
          onClick={() => onOpen("update")}
          leftSection={<IconSpeakerphone size={16} aria-hidden />}
        >
          Post update
        </Button>
      ) : null}
      {a.note ? (
        <Button
          variant="default"
          onClick={() => onOpen("note")}
          leftSection={<IconMessagePlus size={16} aria-hidden />}
        >
          Add note
        </Button>
      ) : null}
      {a.resolve ? (
        <Button
          color="green"
          variant="light"
          onClick={() => onOpen("resolve")}
          leftSection={<IconCircleCheck size={16} aria-hidden />}
        >
          Resolve
        </Button>
      ) : null}
    </Group>
  );
}

/** The chain fixed at declaration, the pages sent, and when the next one goes. */
function PagingCard({ e }: { e: EmergencyDetail }) {
  const now = useNow(15_000);
  const stepLabel = (step: number, target: string) =>
    target === "everyone" ? "Everyone in the chain, again" : (e.chain[step]?.label ?? `Step ${step + 1}`);
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="paging-title">
      <Group gap="xs" mb="sm">
        <IconBellRinging size={20} aria-hidden />
        <Title order={2} fz="h4" id="paging-title">
          Paging
        </Title>
      </Group>
      <Stack gap="sm">
        {e.state === "paging" ? (
          e.nextPageAt ? (
            <Text size="sm" fw={600} c="red.8" data-testid="next-page">
              Next page {formatRelative(e.nextPageAt, now)} ({formatLocal(e.nextPageAt)}) unless someone
              acknowledges.
            </Text>
          ) : (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />}>
              <Text size="sm">
                Every step of the chain was paged, and the whole chain again, without an acknowledgement. Call
                the provider directly.
              </Text>
            </Alert>
          )
        ) : e.state === "acknowledged" ? (
          <Text size="sm">Paging stopped: {e.acknowledgedByName ?? "someone"} acknowledged.</Text>
        ) : (
          <Text size="sm" c="dimmed">
            Paging is over.
          </Text>
        )}
        {e.acknowledgeWithin ? (
          <Text size="xs" c="dimmed">
            Each step has {protocolDuration(e.acknowledgeWithin)} to acknowledge before the next is paged.
          </Text>
        ) : null}

        <div>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase" mb={4} id="chain-title">
            The chain
          </Text>
          {e.chain.length === 0 ? (
            <Text size="sm" c="dimmed">
              Nobody could be paged: the provider has no staff on record.
            </Text>
          ) : (
            <ol
              className="paging-chain"
              aria-labelledby="chain-title"
              style={{ margin: 0, paddingLeft: "1.4em" }}
            >
              {e.chain.map((s) => (
                <li
                  key={s.step}
                  data-current={e.state === "paging" && s.step === e.pageStep ? true : undefined}
                >
                  <Text size="sm" span fw="inherit">
                    {s.label}
                  </Text>{" "}
                  <Text size="xs" c="dimmed" span>
                    ({s.people === 1 ? "1 person" : `${s.people} people`})
                    {e.state === "paging" && s.step === e.pageStep ? " — paged last" : ""}
                  </Text>
                </li>
              ))}
            </ol>
          )}
          {e.repeats > 0 ? (
            <Text size="xs" c="dimmed" mt={4}>
              The whole chain was paged again {e.repeats === 1 ? "once" : `${e.repeats} times`}.
            </Text>
          ) : null}
        </div>

        <div>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase" mb={4} id="pages-title">
            Pages sent
          </Text>
          {e.pages.length === 0 ? (
            <Text size="sm" c="dimmed">
              No page has been sent.
            </Text>
          ) : (
            <ul className="plain-list paging-chain" aria-labelledby="pages-title" data-testid="pages">
              {e.pages.map((p) => (
                <li key={p.id} data-user-id={p.userId}>
                  <Text size="sm" fw={600} span>
                    {p.name}
                  </Text>{" "}
                  <Text size="xs" c="dimmed" span>
                    — {stepLabel(p.step, p.target)}
                  </Text>
                  <Text size="xs" c="dimmed" component="div">
                    <Moment iso={p.pagedAt} size="xs" c="dimmed" /> · in the app
                    {p.addresses > 0
                      ? ` and ${p.addresses === 1 ? "1 address" : `${p.addresses} addresses`}`
                      : ""}
                  </Text>
                  {p.addresses === 0 ? (
                    <Text size="xs" c="red.8">
                      Only in the app: no working email or pager address.
                    </Text>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </div>
      </Stack>
    </Card>
  );
}

/** What on-call may do on their own, and what needs whose approval (the protocol's register). */
function RegisterCard({ e }: { e: EmergencyDetail }) {
  const r = e.register;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="register-title">
      <Title order={2} fz="h4" id="register-title" mb="sm">
        Authority register
      </Title>
      {!r ? (
        <Text size="sm" c="dimmed">
          No protocol is in effect, so there is no register.
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <div>
            <Text size="sm" fw={600} mb={4} id="register-free">
              May do without approval
            </Text>
            {r.withoutApproval.length ? (
              <ul className="register-list" aria-labelledby="register-free">
                {r.withoutApproval.map((a) => (
                  <li key={a.action}>
                    <Text size="sm">{a.label}</Text>
                  </li>
                ))}
              </ul>
            ) : (
              <Text size="sm" c="dimmed">
                Nothing: every action needs approval.
              </Text>
            )}
          </div>
          <div>
            <Text size="sm" fw={600} mb={4} id="register-gated">
              Needs approval
            </Text>
            <ul className="register-list" aria-labelledby="register-gated">
              {r.needsApproval.map((a) => (
                <li key={a.action}>
                  <Text size="sm">{a.label}</Text>
                  <Text size="xs" c="dimmed">
                    — from {roleList(a.approverRoles, "or")}
                  </Text>
                </li>
              ))}
              <li>
                <Text size="sm">Anything not in the register</Text>
                <Text size="xs" c="dimmed">
                  — from {roleList(r.outsideRegisterApprovers, "or")}
                </Text>
              </li>
            </ul>
          </div>
        </SimpleGrid>
      )}
    </Card>
  );
}

/** Actions and notes in time order, with the authority each was taken under and who decided. */
function LogCard({
  e,
  onDecide,
  onComplete,
  onWithdraw,
}: {
  e: EmergencyDetail;
  onDecide: (entry: LogEntry, decision: "approve" | "decline") => void;
  onComplete: (entry: LogEntry) => void;
  onWithdraw: (entry: LogEntry) => void;
}) {
  const entries = [...e.log].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const waiting = entries.filter((l) => l.state === "awaiting_approval").length;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="log-title">
      <Title order={2} fz="h4" id="log-title" mb="sm">
        Running log
      </Title>
      {waiting ? (
        <Text size="sm" c="orange.8" fw={600} mb="sm">
          {waiting === 1 ? "1 action waits for approval." : `${waiting} actions wait for approval.`}
        </Text>
      ) : null}
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing logged yet. Actions taken and notes from either side appear here in time order.
        </Text>
      ) : (
        <ol className="plain-list running-log" aria-label="Running log">
          {entries.map((l) => (
            <LogItem
              key={l.id}
              l={l}
              canAct={e.abilities.act}
              onDecide={onDecide}
              onComplete={onComplete}
              onWithdraw={onWithdraw}
            />
          ))}
        </ol>
      )}
    </Card>
  );
}

const SIDE_WORDS: Record<string, string> = { client: "client", provider: "provider" };

function LogItem({
  l,
  canAct,
  onDecide,
  onComplete,
  onWithdraw,
}: {
  l: LogEntry;
  canAct: boolean;
  onDecide: (entry: LogEntry, decision: "approve" | "decline") => void;
  onComplete: (entry: LogEntry) => void;
  onWithdraw: (entry: LogEntry) => void;
}) {
  const isAction = l.kind === "action";
  return (
    <li data-kind={l.kind} data-state={l.state ?? undefined} data-action={l.action ?? undefined}>
      <Stack gap={4}>
        <Group gap={6} wrap="wrap">
          <Text size="sm" fw={600}>
            {isAction ? (l.label ?? "Action") : "Note"}
          </Text>
          {isAction && l.authority ? <AuthorityBadge authority={l.authority} size="sm" /> : null}
          {isAction && l.state ? <LogStateBadge state={l.state} size="sm" /> : null}
        </Group>
        <Text size="sm" className="emergency-text">
          {l.detail}
        </Text>
        <Text size="xs" c="dimmed" component="div">
          {l.byName}
          {SIDE_WORDS[l.side] ? ` (${SIDE_WORDS[l.side]})` : ""}, <Moment iso={l.at} size="xs" c="dimmed" />
        </Text>
        {isAction && l.state === "awaiting_approval" && l.approverRoles?.length ? (
          <Text size="xs" c="orange.8">
            Waiting for {roleList(l.approverRoles, "or")} to approve.
          </Text>
        ) : null}
        {l.decidedByName && l.decidedAt ? (
          <Text size="xs" c={l.state === "declined" ? "red.8" : "dimmed"} component="div">
            {l.state === "declined" ? "Declined" : l.state === "withdrawn" ? "Withdrawn" : "Approved"} by{" "}
            {l.decidedByName}, <Moment iso={l.decidedAt} size="xs" c="inherit" />
            {l.decisionNote ? `: ${l.decisionNote}` : ""}
          </Text>
        ) : null}
        {l.state === "done" && l.doneAt && l.authority !== "without_approval" ? (
          <Text size="xs" c="dimmed" component="div">
            Carried out <Moment iso={l.doneAt} size="xs" c="dimmed" />
          </Text>
        ) : null}
        {l.canDecide || (canAct && (l.state === "approved" || l.state === "awaiting_approval")) ? (
          <Group gap="xs" mt={4}>
            {l.canDecide ? (
              <>
                <Button
                  size="compact-sm"
                  color="teal"
                  leftSection={<IconCheck size={14} aria-hidden />}
                  onClick={() => onDecide(l, "approve")}
                >
                  Approve
                </Button>
                <Button
                  size="compact-sm"
                  variant="default"
                  color="red"
                  leftSection={<IconX size={14} aria-hidden />}
                  onClick={() => onDecide(l, "decline")}
                >
                  Decline
                </Button>
              </>
            ) : null}
            {canAct && l.state === "approved" ? (
              <Button size="compact-sm" variant="light" onClick={() => onComplete(l)}>
                Mark carried out
              </Button>
            ) : null}
            {canAct && l.state === "awaiting_approval" ? (
              <Button size="compact-sm" variant="subtle" color="gray" onClick={() => onWithdraw(l)}>
                Withdraw request
              </Button>
            ) : null}
          </Group>
        ) : null}
      </Stack>
    </li>
  );
}

/** When the next update is due on the critical cadence, and where the updates are read. */
function UpdatesCard({ e, relationshipId }: { e: EmergencyDetail; relationshipId: string }) {
  const now = useNow(15_000);
  const t = e.ticket;
  const due = t?.updateDueAt ?? null;
  const overdue = due !== null && Date.parse(due) <= now;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="updates-title">
      <Title order={2} fz="h4" id="updates-title" mb="sm">
        Updates
      </Title>
      <Stack gap="xs">
        {e.state === "resolved" ? (
          <Text size="sm" c="dimmed">
            No more updates are due: the emergency is resolved.
          </Text>
        ) : due ? (
          <Text size="sm" fw={600} c={overdue ? "red.8" : undefined} data-testid="update-due">
            {overdue ? "Update overdue since" : "Next update due by"} {formatLocal(due)} (
            {formatRelative(due, now)})
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            {e.state === "paging"
              ? "Updates start once someone acknowledges the page."
              : "No update is due right now."}
          </Text>
        )}
        {e.updateEvery ? (
          <Text size="xs" c="dimmed">
            The protocol asks for an update every {protocolDuration(e.updateEvery)} while a critical issue
            lasts.
          </Text>
        ) : null}
        {t?.lastUpdateAt ? (
          <Text size="xs" c="dimmed" component="div">
            Last update <Moment iso={t.lastUpdateAt} size="xs" c="dimmed" />
          </Text>
        ) : null}
        {t ? (
          <Anchor component={Link} to={`/r/${relationshipId}/tickets/${t.id}`} size="sm">
            Read the updates on ticket #{t.number}
          </Anchor>
        ) : null}
      </Stack>
    </Card>
  );
}

/** How the affected system is brought back, from its restoration plan (or that there is none). */
function RestorationCard({
  plan,
  system,
  relationshipId,
}: {
  plan: RestorationPlan | null;
  system: string;
  relationshipId: string;
}) {
  const phone = useMediaQuery("(max-width: 36em)");
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="restoration-title">
      <Title order={2} fz="h4" id="restoration-title" mb="sm">
        Restoration plan
      </Title>
      {!plan ? (
        <Stack gap="xs">
          <Text size="sm">No restoration plan for {system}.</Text>
          <Anchor component={Link} to={`/r/${relationshipId}/oncall/restoration`} size="sm">
            See the restoration plans
          </Anchor>
        </Stack>
      ) : (
        <Stack gap="sm">
          {plan.stale ? (
            <Alert
              color="orange"
              variant="light"
              icon={<IconAlertTriangle size={18} aria-hidden />}
              title="This plan is stale"
            >
              <Text size="sm">
                {plan.lastTestedAt
                  ? `It was last tested ${formatLocal(plan.lastTestedAt)}`
                  : "It has never been tested"}
                {plan.maxAge ? `; the protocol asks for a test every ${protocolDuration(plan.maxAge)}` : ""}.
                It may not work as written.
              </Text>
            </Alert>
          ) : null}
          <DataList size="sm" labelWidth="9rem" orientation={phone ? "vertical" : "horizontal"}>
            <DataList.Item>
              <DataList.ItemLabel>System</DataList.ItemLabel>
              <DataList.ItemValue style={{ overflowWrap: "anywhere" }}>{plan.system}</DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>Strategy</DataList.ItemLabel>
              <DataList.ItemValue>{strategyLabel(plan.strategy)}</DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>Expected restore</DataList.ItemLabel>
              <DataList.ItemValue>{protocolDuration(plan.expectedRestore)}</DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>Data that may be lost</DataList.ItemLabel>
              <DataList.ItemValue>up to {protocolDuration(plan.recoveryPoint)}</DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>Who can carry it out</DataList.ItemLabel>
              <DataList.ItemValue style={{ overflowWrap: "anywhere" }}>
                {[...plan.executors.map((x) => x.name), ...plan.executorRoles.map(roleLabel)].join(", ") ||
                  "—"}
              </DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>Last tested</DataList.ItemLabel>
              <DataList.ItemValue>
                {plan.lastTestedAt ? formatLocal(plan.lastTestedAt) : "Never"}
                {plan.lastTest && plan.lastTest.outcome === "failed" ? (
                  <Text size="xs" c="red.8">
                    The latest test failed ({formatLocal(plan.lastTest.testedAt)}).
                  </Text>
                ) : null}
              </DataList.ItemValue>
            </DataList.Item>
          </DataList>
          {plan.runbook.length ? (
            <div>
              <Text size="sm" fw={600} mb={4} id="runbook-title">
                Runbook
              </Text>
              <ol aria-labelledby="runbook-title" style={{ margin: 0, paddingLeft: "1.4em" }}>
                {plan.runbook.map((step, i) => (
                  <li key={i}>
                    <Text size="sm" className="emergency-text">
                      {step}
                    </Text>
                  </li>
                ))}
              </ol>
            </div>
          ) : null}
          {plan.notes ? (
            <Text size="sm" className="emergency-text">
              {plan.notes}
            </Text>
          ) : null}
        </Stack>
      )}
    </Card>
  );
}
