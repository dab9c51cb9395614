import "./changes.css";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  DataList,
  Grid,
  Group,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { IconAlertTriangle, IconCircleCheck, IconHourglass } from "@tabler/icons-react";
import { Fragment, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { roleLabel } from "../identity/roles.ts";
import { formatInZone } from "../protocol/zone.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { TimeStamp } from "../ui/time.tsx";
import {
  AutoApprovedBadge,
  ChangeStateBadge,
  ClassBadge,
  ReviewDueBadge,
  UnannouncedBadge,
  ZonedRange,
  ZonedTime,
} from "./badges.tsx";
import { ChangeActions } from "./ChangeActions.tsx";
import { ChangeForm, ConflictList } from "./ChangeForm.tsx";
import { useLiveChanges } from "./live.ts";
import { BackToChanges } from "./NewChangePage.tsx";
import { useChange, useChangeForm } from "./queries.ts";
import type { Approval, ChangeDetail, HistoryEntry } from "./types.ts";
import {
  actionWords,
  changeNumber,
  fieldWords,
  HIDDEN_HISTORY_FIELDS,
  isOpenState,
  minutesWords,
  NOTICE_EVENT_WORDS,
  NOTICE_STATE_COLORS,
  NOTICE_STATE_LABELS,
  RISK_COLORS,
  RISK_LABELS,
  roleList,
  stateLabel,
  WHOLE_RECORD_ACTIONS,
} from "./words.ts";

/**
 * `/r/:relationshipId/changes/:changeId`: one change as both sides see it — what, why, impact,
 * risk and rollback; its window in the protocol's zone; who must approve and who has (earlier
 * rounds kept, marked as no longer counting); the notice plan and what became of each notice;
 * conflicts; the history; and only the actions the viewer may take. `?edit=1` shows the form.
 * It follows decisions made elsewhere without reloading.
 */
export function ChangePage() {
  const { relationshipId = "", changeId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const change = useChange(relationshipId, changeId);
  useLiveChanges(relationshipId);
  const back = <BackToChanges relationshipId={relationshipId} />;
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;

  if (change.isPending)
    return (
      <Page title="Change" eyebrow={back}>
        <Loading label="Loading the change…" />
      </Page>
    );
  if (change.isError)
    return (
      <Page title="Change" eyebrow={back}>
        <ProblemAlert error={change.error} title="Could not load this change" />
      </Page>
    );
  return <ChangeView relationshipId={relationshipId} c={change.data} back={back} relationshipName={name} />;
}

function ChangeView({
  relationshipId,
  c,
  back,
  relationshipName,
}: {
  relationshipId: string;
  c: ChangeDetail;
  back: React.ReactNode;
  relationshipName: string | undefined;
}) {
  const [params, setParams] = useSearchParams();
  const editing = params.get("edit") === "1" && c.abilities.edit;
  const setEditing = (on: boolean) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (on) next.set("edit", "1");
        else next.delete("edit");
        return next;
      },
      { replace: true },
    );
  const chg = changeNumber(c.number);
  const title = `${chg} ${c.title}`;
  const reviewPending = c.reviewDueAt !== null && c.state !== "reviewed" && c.state !== "cancelled";

  return (
    <Page
      title={title}
      documentTitle={`${title}${relationshipName ? ` — ${relationshipName}` : ""}`}
      eyebrow={back}
    >
      <Card
        withBorder
        padding="md"
        component="section"
        aria-label="Summary"
        data-class={c.class}
        className="change-summary"
      >
        <Stack gap="sm">
          <Group gap="xs" wrap="wrap" data-testid="change-header">
            <Text fw={700} size="sm" c="dimmed">
              {chg}
            </Text>
            <ClassBadge value={c.class} size="lg" />
            <ChangeStateBadge state={c.state} size="lg" />
            {c.unannounced ? <UnannouncedBadge size="lg" /> : null}
            {c.autoApproved ? <AutoApprovedBadge size="lg" /> : null}
            {reviewPending ? <ReviewDueBadge at={c.reviewDueAt!} size="lg" /> : null}
          </Group>
          <Stack gap={2}>
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              {!c.actualStart ? "Planned" : c.actualEnd ? "When it happened" : "Started, not finished yet"}
            </Text>
            <ZonedRange
              start={c.actualStart ?? c.plannedStart}
              end={c.actualStart ? c.actualEnd : c.plannedEnd}
              zone={c.timezone}
              size="md"
            />
            {c.actualStart &&
            (c.actualStart !== c.plannedStart || c.actualEnd !== c.plannedEnd) &&
            !c.recordedAfterBy ? (
              <Text size="xs" c="dimmed" component="div">
                Planned:{" "}
                <ZonedRange start={c.plannedStart} end={c.plannedEnd} zone={c.timezone} size="xs" inline />
              </Text>
            ) : null}
          </Stack>
          <Group gap="lg" wrap="wrap">
            <Text size="sm">
              <Text span c="dimmed" size="sm">
                Raised by{" "}
              </Text>
              {c.createdByName}
              {c.recordedAfterBy ? (
                <Text span c="dimmed" size="sm">
                  {" "}
                  — recorded after the fact by the {c.recordedAfterBy}
                </Text>
              ) : null}
            </Text>
            <Text size="sm" c="dimmed">
              Last change <TimeStamp iso={c.updatedAt} mode="relative" size="sm" />
            </Text>
          </Group>
          {c.unannounced && c.missedNotices.length ? (
            <Alert
              variant="light"
              color="red"
              icon={<IconAlertTriangle size={18} aria-hidden />}
              title="Notices that never went out"
            >
              <Text size="sm">{c.missedNotices.join("; ")}.</Text>
            </Alert>
          ) : null}
          {c.state === "cancelled" && c.cancelReason ? (
            <Text size="sm">
              <Text span c="dimmed" size="sm">
                Cancelled:{" "}
              </Text>
              {c.cancelReason}
            </Text>
          ) : null}
          {editing ? null : (
            <ChangeActions relationshipId={relationshipId} change={c} onEdit={() => setEditing(true)} />
          )}
        </Stack>
      </Card>

      {editing ? (
        <EditSection relationshipId={relationshipId} c={c} onDone={() => setEditing(false)} />
      ) : (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Stack gap="md">
              <DetailsCard c={c} relationshipId={relationshipId} />
              {c.outcomeNotes || c.followUps ? <OutcomeCard c={c} /> : null}
              {c.review ? <ReviewCard c={c} /> : null}
              <NoticesCard c={c} />
              <HistoryCard c={c} />
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Stack gap="md">
              <ApprovalCard c={c} />
              {isOpenState(c.state) || c.conflicts.length ? (
                <Card withBorder padding="md">
                  <ConflictList conflicts={c.conflicts} zone={c.timezone} />
                </Card>
              ) : null}
            </Stack>
          </Grid.Col>
        </Grid>
      )}
    </Page>
  );
}

function EditSection({
  relationshipId,
  c,
  onDone,
}: {
  relationshipId: string;
  c: ChangeDetail;
  onDone: () => void;
}) {
  const form = useChangeForm(relationshipId);
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="edit-title">
      <Title order={2} fz="h4" id="edit-title" mb="sm">
        Edit {changeNumber(c.number)}
      </Title>
      {c.state !== "draft" ? (
        <Alert variant="light" color="yellow" icon={<IconAlertTriangle size={18} aria-hidden />} mb="md">
          <Text size="sm">
            Moving the window, widening the systems or raising the class starts a new approval round:
            approvals given so far stop counting.
          </Text>
        </Alert>
      ) : null}
      {form.isPending ? (
        <Loading />
      ) : form.isError ? (
        <ProblemAlert error={form.error} title="Could not load the change form" />
      ) : (
        <ChangeForm
          relationshipId={relationshipId}
          form={form.data}
          change={c}
          onSaved={onDone}
          onCancel={onDone}
        />
      )}
    </Card>
  );
}

function DetailsCard({ c, relationshipId }: { c: ChangeDetail; relationshipId: string }) {
  // On a phone, a term above its value leaves the value the whole width.
  const phone = useMediaQuery("(max-width: 36em)");
  const rows: [string, React.ReactNode][] = [
    ["What changes", <span className="prewrap">{c.description}</span>],
    ["Why", <span className="prewrap">{c.reason || "—"}</span>],
    ["Impact", <span className="prewrap">{c.impact || "—"}</span>],
    [
      "Risk",
      <Badge color={RISK_COLORS[c.risk]} variant="light" tt="none">
        {RISK_LABELS[c.risk]}
      </Badge>,
    ],
    ["Expected downtime", minutesWords(c.expectedDowntimeMinutes)],
    ["Affected systems", c.affectedSystems.length ? c.affectedSystems.join(", ") : "—"],
    [
      "Affected groups",
      c.affectedGroups.length
        ? c.affectedGroups
            .map((g) => `${g.name} (${g.members === 1 ? "1 person" : `${g.members} people`})`)
            .join(", ")
        : "—",
    ],
    ["Notice to affected people", c.userNotice ? <span className="prewrap">{c.userNotice}</span> : "—"],
    ["Testing", c.testing ? <span className="prewrap">{c.testing}</span> : "—"],
    ["Rollback plan", c.rollbackPlan ? <span className="prewrap">{c.rollbackPlan}</span> : "—"],
  ];
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="details-title">
      <Title order={2} fz="h4" id="details-title" mb="sm">
        The change
      </Title>
      <DataList size="sm" labelWidth="11rem" orientation={phone ? "vertical" : "horizontal"}>
        {rows.map(([label, value]) => (
          <DataList.Item key={label}>
            <DataList.ItemLabel>{label}</DataList.ItemLabel>
            <DataList.ItemValue style={{ overflowWrap: "anywhere" }}>{value}</DataList.ItemValue>
          </DataList.Item>
        ))}
        {c.relatedTickets.length ? (
          <DataList.Item>
            <DataList.ItemLabel>Related tickets</DataList.ItemLabel>
            <DataList.ItemValue>
              <Stack gap={2}>
                {c.relatedTickets.map((t) => (
                  <Anchor key={t.id} component={Link} to={`/r/${relationshipId}/tickets/${t.id}`} size="sm">
                    #{t.number} {t.title}
                  </Anchor>
                ))}
              </Stack>
            </DataList.ItemValue>
          </DataList.Item>
        ) : null}
      </DataList>
    </Card>
  );
}

function OutcomeCard({ c }: { c: ChangeDetail }) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="outcome-title">
      <Title order={2} fz="h4" id="outcome-title" mb="sm">
        Outcome
      </Title>
      <DataList size="sm" labelWidth="8rem">
        {c.outcomeNotes ? (
          <DataList.Item>
            <DataList.ItemLabel>What happened</DataList.ItemLabel>
            <DataList.ItemValue className="prewrap">{c.outcomeNotes}</DataList.ItemValue>
          </DataList.Item>
        ) : null}
        {c.followUps ? (
          <DataList.Item>
            <DataList.ItemLabel>Follow-ups</DataList.ItemLabel>
            <DataList.ItemValue className="prewrap">{c.followUps}</DataList.ItemValue>
          </DataList.Item>
        ) : null}
      </DataList>
    </Card>
  );
}

function ReviewCard({ c }: { c: ChangeDetail }) {
  const r = c.review!;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="review-title">
      <Title order={2} fz="h4" id="review-title" mb="sm">
        Review
      </Title>
      <DataList size="sm" labelWidth="8rem">
        <DataList.Item>
          <DataList.ItemLabel>Summary</DataList.ItemLabel>
          <DataList.ItemValue className="prewrap">{r.summary}</DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Lessons</DataList.ItemLabel>
          <DataList.ItemValue className="prewrap">{r.lessons}</DataList.ItemValue>
        </DataList.Item>
      </DataList>
      <Text size="xs" c="dimmed" mt="sm">
        By {r.byName}, <TimeStamp iso={r.at} mode="absolute" size="xs" />
      </Text>
    </Card>
  );
}

const DECISION_WORDS: Record<Approval["decision"], string> = {
  approved: "approved",
  rejected: "rejected",
  reschedule_requested: "asked for another time",
};
const DECISION_COLORS: Record<Approval["decision"], string> = {
  approved: "teal",
  rejected: "red",
  reschedule_requested: "grape",
};

/**
 * Who approves (the rule), who it still waits for, the decisions of the current round, and the
 * earlier rounds — kept, but shown as no longer counting (the change moved or grew since).
 */
function ApprovalCard({ c }: { c: ChangeDetail }) {
  const current = c.approvals.filter((a) => a.current);
  const earlier = c.approvals.filter((a) => !a.current);
  const rounds = [...new Set(earlier.map((a) => a.round))].sort((a, b) => b - a);
  const waiting = c.approval.waitingFor;
  const deciding = c.state === "proposed" || c.state === "reschedule_requested";
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="approval-title" data-testid="approval">
      <Title order={2} fz="h4" id="approval-title" mb="sm">
        Approval
      </Title>
      <Stack gap="sm">
        <Text size="sm">{c.approval.explanation}</Text>
        {c.approval.roles.length ? (
          <Group gap={6} aria-label="Roles that approve">
            {c.approval.roles.map((r) => (
              <Badge key={r} variant="light" color="indigo" tt="none">
                {roleLabel(r)}
              </Badge>
            ))}
          </Group>
        ) : null}
        {c.approval.satisfied ? (
          <Group gap={6} c="teal.8" wrap="nowrap">
            <IconCircleCheck size={18} aria-hidden />
            <Text size="sm" fw={600} data-testid="approval-status">
              {c.autoApproved ? "Approved by standing approval" : "Approval complete"}
            </Text>
          </Group>
        ) : waiting.length && deciding ? (
          <Group gap={6} c="orange.8" wrap="nowrap" align="flex-start">
            <IconHourglass size={18} aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
            <Text size="sm" fw={600} data-testid="approval-status">
              Waiting for{" "}
              {c.approval.mode === "any_of" ? `one of: ${roleList(waiting, "or")}` : roleList(waiting)}
            </Text>
          </Group>
        ) : null}

        <Stack gap={4}>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase" id="round-title">
            Round {c.approvalRound}
          </Text>
          {current.length === 0 ? (
            <Text size="sm" c="dimmed">
              No decision yet.
            </Text>
          ) : (
            <ul className="plain-list" aria-labelledby="round-title">
              <Stack gap={6}>
                {current.map((a) => (
                  <DecisionItem key={a.id} a={a} />
                ))}
              </Stack>
            </ul>
          )}
        </Stack>

        {rounds.map((round) => (
          <Stack gap={4} key={round} className="approval-invalidated">
            <Text size="xs" c="dimmed" fw={600} tt="uppercase" id={`round-${round}-title`}>
              Round {round} — no longer counts
            </Text>
            <Text size="xs" c="dimmed">
              The change moved or grew after these decisions, so they were invalidated.
            </Text>
            <ul className="plain-list" aria-labelledby={`round-${round}-title`}>
              <Stack gap={6}>
                {earlier
                  .filter((a) => a.round === round)
                  .map((a) => (
                    <DecisionItem key={a.id} a={a} />
                  ))}
              </Stack>
            </ul>
          </Stack>
        ))}
      </Stack>
    </Card>
  );
}

function DecisionItem({ a }: { a: Approval }) {
  return (
    <li data-decision={a.decision}>
      <Text size="sm">
        <strong>{a.userName}</strong>{" "}
        <Text span c="dimmed" size="sm">
          ({roleLabel(a.role)})
        </Text>{" "}
        <Text span c={DECISION_COLORS[a.decision]} fw={600} size="sm" className="approval-decision">
          {DECISION_WORDS[a.decision]}
        </Text>
      </Text>
      {a.reason ? (
        <Text size="sm" className="prewrap" c="dimmed">
          “{a.reason}”
        </Text>
      ) : null}
      <TimeStamp iso={a.at} mode="both" size="xs" />
    </li>
  );
}

/**
 * The notice plan: each notice, when it is due, the latest it may go out, and what became of it.
 * Notices a replan replaced (skipped, with the reason) are kept, behind a toggle.
 */
function NoticesCard({ c }: { c: ChangeDetail }) {
  const [showSkipped, setShowSkipped] = useState(false);
  const skipped = c.notices.filter((n) => n.state === "skipped");
  const shown = showSkipped ? c.notices : c.notices.filter((n) => n.state !== "skipped");
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="notices-title">
      <Title order={2} fz="h4" id="notices-title" mb="sm">
        Notices
      </Title>
      {c.notices.length === 0 ? (
        <Text size="sm" c="dimmed">
          {c.state === "draft"
            ? "The notice plan is made when the change is proposed."
            : "The protocol requires no notice for this change."}
        </Text>
      ) : (
        <Stack gap="xs">
          <Table.ScrollContainer minWidth={520}>
            <Table verticalSpacing={6} fz="sm" aria-labelledby="notices-title">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Notice</Table.Th>
                  <Table.Th>Due</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th ta="right">Recipients</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((n) => (
                  <Table.Tr key={n.id} data-notice={n.kind} data-state={n.state}>
                    <Table.Td>{n.label}</Table.Td>
                    <Table.Td>
                      {n.dueAt ? (
                        <ZonedTime iso={n.dueAt} zone={c.timezone} size="xs" />
                      ) : (
                        <Text size="xs" c="dimmed">
                          {NOTICE_EVENT_WORDS[n.kind]}
                        </Text>
                      )}
                      {n.latestAt && n.latestAt !== n.dueAt && n.state === "planned" ? (
                        <Text size="xs" c="dimmed">
                          Latest: {formatInZone(n.latestAt, c.timezone)}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={NOTICE_STATE_COLORS[n.state]} variant="light" tt="none" size="sm">
                        {NOTICE_STATE_LABELS[n.state]}
                      </Badge>
                      {n.sentAt ? (
                        <Text size="xs" c="dimmed">
                          <TimeStamp iso={n.sentAt} mode="relative" size="xs" />
                        </Text>
                      ) : null}
                      {n.reason ? (
                        <Text size="xs" c={n.state === "missed" ? "red" : "dimmed"}>
                          {n.reason}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td ta="right">{n.recipients ?? "—"}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {skipped.length ? (
            <Button
              variant="subtle"
              size="compact-sm"
              w="fit-content"
              onClick={() => setShowSkipped((v) => !v)}
              aria-expanded={showSkipped}
            >
              {showSkipped
                ? "Hide the skipped notices"
                : `Show ${skipped.length === 1 ? "1 skipped notice" : `${skipped.length} skipped notices`}`}
            </Button>
          ) : null}
        </Stack>
      )}
    </Card>
  );
}

function HistoryCard({ c }: { c: ChangeDetail }) {
  const entries = [...c.history].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="history-title">
      <Title order={2} fz="h4" id="history-title" mb="sm">
        History
      </Title>
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing yet.
        </Text>
      ) : (
        <ol className="plain-list change-history" aria-label="History">
          {entries.map((h, i) => (
            <HistoryItem key={`${h.at}-${i}`} h={h} zone={c.timezone} />
          ))}
        </ol>
      )}
    </Card>
  );
}

/** Values that are moments (planned start, notice due by…), shown in the protocol's zone. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

const APPROVAL_MODE_WORDS: Record<string, string> = {
  all_of: "every role named",
  any_of: "one of the roles named",
  automatic: "standing approval",
  after_the_fact: "after the fact",
};

/** One entry: who did what, when, and the fields it changed (before → after). */
function HistoryItem({ h, zone }: { h: HistoryEntry; zone: string }) {
  const keys = WHOLE_RECORD_ACTIONS.has(h.action)
    ? []
    : [...new Set([...Object.keys(h.before ?? {}), ...Object.keys(h.after ?? {})])].filter(
        (k) => !HIDDEN_HISTORY_FIELDS.has(k),
      );
  const show = (field: string, value: unknown) => {
    if (value === null || value === undefined || value === "") return "—";
    if (typeof value === "string" && ISO_TIME.test(value))
      return <ZonedTime iso={value} zone={zone} inline />;
    if (typeof value === "boolean") return value ? "Yes" : "No";
    if (field === "approval" && typeof value === "string") return APPROVAL_MODE_WORDS[value] ?? value;
    if (field === "state" && typeof value === "string") return stateLabel(value);
    if (field === "role" && typeof value === "string") return roleLabel(value);
    if (Array.isArray(value)) return value.join(", ") || "—";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  };
  return (
    <li>
      <Text size="sm">
        <strong>{h.actorName}</strong> {actionWords(h.action, h.after)}
      </Text>
      <TimeStamp iso={h.at} mode="both" size="xs" />
      {keys.length ? (
        <dl className="event-meta" style={{ marginTop: 4 }}>
          {keys.map((k) => (
            <Fragment key={k}>
              <dt>{fieldWords(k)}</dt>
              <dd>
                {h.before && k in h.before ? (
                  <>
                    <s>{show(k, h.before[k])}</s>
                    {h.after && k in h.after ? " → " : null}
                  </>
                ) : null}
                {h.after && k in h.after ? show(k, h.after[k]) : null}
              </dd>
            </Fragment>
          ))}
        </dl>
      ) : null}
    </li>
  );
}
