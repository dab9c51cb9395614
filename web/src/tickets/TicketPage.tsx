import "./tickets.css";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  DataList,
  Grid,
  Group,
  Select,
  Stack,
  Text,
  Textarea,
  Title,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconArrowLeft, IconEye, IconMessage, IconStairsUp } from "@tabler/icons-react";
import { type FormEvent, useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { ApiError, problemMessage } from "../api/problem.ts";
import { TicketEmergency } from "../emergencies/TicketEmergency.tsx";
import { useMe } from "../identity/queries.ts";
import { roleLabel } from "../identity/roles.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { formatAbsolute, TimeStamp } from "../ui/time.tsx";
import { DeadlineCountdown, SeverityBadge, StateBadge } from "./badges.tsx";
import { ClockBars } from "./ClockBars.tsx";
import { EscalationPanel } from "./EscalationPanel.tsx";
import { useLiveTickets } from "./live.ts";
import { useTicket, useTicketAction } from "./queries.ts";
import { TicketActions } from "./TicketActions.tsx";
import { Timeline } from "./Timeline.tsx";
import type { TicketDetail } from "./types.ts";
import { severityLabel } from "./words.ts";

/**
 * `/r/:relationshipId/tickets/:ticketId`: one ticket as both sides see it — what is wrong and its
 * business impact, the severity (and why, if it differs from the protocol's suggestion), the SLA
 * clocks drawn against their deadlines, the escalation level and who holds it, the timeline, and
 * only the actions the viewer may take. It follows changes made elsewhere without reloading.
 */
export function TicketPage() {
  const { relationshipId = "", ticketId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const ticket = useTicket(relationshipId, ticketId);
  useLiveTickets(relationshipId);
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;
  const back = (
    <Anchor component={Link} to={`/r/${relationshipId}/tickets`} size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden />
        Tickets{name ? ` — ${name}` : ""}
      </Group>
    </Anchor>
  );

  if (ticket.isPending)
    return (
      <Page title="Ticket" eyebrow={back}>
        <Loading label="Loading the ticket…" />
      </Page>
    );
  if (ticket.isError)
    return (
      <Page title="Ticket" eyebrow={back}>
        <ProblemAlert error={ticket.error} title="Could not load this ticket" />
      </Page>
    );
  return <TicketView relationshipId={relationshipId} t={ticket.data} back={back} relationshipName={name} />;
}

function TicketView({
  relationshipId,
  t,
  back,
  relationshipName,
}: {
  relationshipId: string;
  t: TicketDetail;
  back: React.ReactNode;
  relationshipName: string | undefined;
}) {
  const relationship = useRelationship(relationshipId);
  const names = useMemo(() => {
    const map = new Map<string, string>();
    for (const p of relationship.data?.people.provider ?? []) map.set(p.userId, p.name);
    for (const p of relationship.data?.people.client ?? []) map.set(p.userId, p.name);
    for (const p of t.providerStaff) map.set(p.userId, p.name);
    return map;
  }, [relationship.data, t.providerStaff]);
  const levelNames = useMemo(
    () => new Map(t.escalation.ladder.map((l) => [l.id, l.name])),
    [t.escalation.ladder],
  );
  const open = t.state !== "resolved" && t.state !== "closed";

  return (
    <Page
      title={`#${t.number} ${t.title}`}
      documentTitle={`#${t.number} ${t.title}${relationshipName ? ` — ${relationshipName}` : ""}`}
      eyebrow={back}
    >
      <Card withBorder padding="md" component="section" aria-label="Summary">
        <Stack gap="sm">
          <Group gap="xs" wrap="wrap" data-testid="ticket-header">
            <SeverityBadge severity={t.severity} size="lg" />
            <StateBadge state={t.state} size="lg" />
            {t.escalation.level ? (
              <Badge
                size="lg"
                color="orange"
                variant="light"
                tt="none"
                leftSection={<IconStairsUp size={14} aria-hidden />}
              >
                Escalated: {t.escalation.level.name}
              </Badge>
            ) : null}
            {open ? <DeadlineCountdown deadline={t.nextDeadline} clockStatus={t.clockStatus} /> : null}
          </Group>
          <Group gap="lg" wrap="wrap">
            <Text size="sm">
              <Text span c="dimmed" size="sm">
                Assignee:{" "}
              </Text>
              <span data-testid="ticket-assignee">{t.assignee?.name ?? "Unassigned"}</span>
            </Text>
            <Text size="sm">
              <Text span c="dimmed" size="sm">
                Reporter:{" "}
              </Text>
              {t.reporter.name}
            </Text>
            <Text size="sm" c="dimmed">
              Raised <TimeStamp iso={t.createdAt} mode="relative" size="sm" />
            </Text>
          </Group>
          <TicketActions relationshipId={relationshipId} ticket={t} />
          <TicketEmergency relationshipId={relationshipId} ticket={t} />
        </Stack>
      </Card>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <ImpactCard t={t} />
            {t.resolution ? <ResolutionCard t={t} /> : null}
            <Card withBorder padding="md" component="section" aria-labelledby="timeline-title">
              <Title order={2} fz="h4" id="timeline-title" mb="sm">
                Timeline
              </Title>
              <Timeline entries={t.entries} names={names} levelNames={levelNames} />
              {t.abilities.comment ? <CommentBox relationshipId={relationshipId} t={t} /> : null}
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <Card withBorder padding="md" component="section" aria-labelledby="clocks-title">
              <Title order={2} fz="h4" id="clocks-title" mb="sm">
                Clocks
              </Title>
              <ClockBars clocks={t.clocks} state={t.state} />
              {t.protocolVersion ? (
                <Text size="xs" c="dimmed" mt="sm">
                  Targets from protocol version {t.protocolVersion}.
                </Text>
              ) : null}
            </Card>
            {t.abilities.assign ? <AssignCard relationshipId={relationshipId} t={t} /> : null}
            <Card withBorder padding="md" component="section" aria-labelledby="escalation-title">
              <Title order={2} fz="h4" id="escalation-title" mb="sm">
                Escalation
              </Title>
              <EscalationPanel escalation={t.escalation} />
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>
    </Page>
  );
}

function ImpactCard({ t }: { t: TicketDetail }) {
  // On a phone, a term above its value leaves the value the whole width.
  const phone = useMediaQuery("(max-width: 36em)");
  const overridden = t.severity !== t.suggestedSeverity;
  const yes = (v: boolean) => (v ? "Yes" : "No");
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="impact-title">
      <Title order={2} fz="h4" id="impact-title" mb="sm">
        What is wrong
      </Title>
      <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} mb="md">
        {t.description}
      </Text>
      <DataList
        size="sm"
        labelWidth="12rem"
        orientation={phone ? "vertical" : "horizontal"}
        className="ticket-impact"
      >
        <DataList.Item>
          <DataList.ItemLabel>People affected</DataList.ItemLabel>
          <DataList.ItemValue>
            {t.impact.peopleAffectedLabel}
            {t.impact.affectedPeopleCount !== null ? ` (about ${t.impact.affectedPeopleCount})` : ""}
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Workaround</DataList.ItemLabel>
          <DataList.ItemValue>{yes(t.impact.workaround)}</DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Critical function stopped</DataList.ItemLabel>
          <DataList.ItemValue>{yes(t.impact.criticalFunctionStopped)}</DataList.ItemValue>
        </DataList.Item>
        {t.impact.affectedSystems.length ? (
          <DataList.Item>
            <DataList.ItemLabel>Affected systems</DataList.ItemLabel>
            <DataList.ItemValue>{t.impact.affectedSystems.join(", ")}</DataList.ItemValue>
          </DataList.Item>
        ) : null}
        <DataList.Item>
          <DataList.ItemLabel>Reporter</DataList.ItemLabel>
          <DataList.ItemValue style={{ overflowWrap: "anywhere" }}>
            {t.reporter.name} ({t.reporter.email})
            {t.source !== "web" ? ` — raised by ${t.source === "email" ? "email" : "API"}` : ""}
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Severity</DataList.ItemLabel>
          <DataList.ItemValue>
            <Stack gap={2}>
              <span>
                <SeverityBadge severity={t.severity} size="sm" />{" "}
                {overridden ? (
                  <Text span size="sm" c="dimmed">
                    (the protocol suggested {severityLabel(t.suggestedSeverity)})
                  </Text>
                ) : (
                  <Text span size="sm" c="dimmed">
                    as the protocol suggested
                  </Text>
                )}
              </span>
              {t.severityInfo ? (
                <Text size="xs" c="dimmed">
                  {t.severityInfo.impact}
                </Text>
              ) : null}
            </Stack>
          </DataList.ItemValue>
        </DataList.Item>
      </DataList>
      {overridden && t.severityReason ? (
        <Alert
          variant="light"
          color="blue"
          mt="md"
          icon={<IconEye size={18} aria-hidden />}
          title={`Why ${severityLabel(t.severity)} rather than ${severityLabel(t.suggestedSeverity)} — visible to both sides`}
          data-testid="severity-reason"
        >
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
            {t.severityReason}
          </Text>
        </Alert>
      ) : null}
    </Card>
  );
}

function ResolutionCard({ t }: { t: TicketDetail }) {
  const r = t.resolution!;
  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-labelledby="resolution-title"
      className="resolution-card"
    >
      <Title order={2} fz="h4" id="resolution-title" mb="sm">
        Resolution
      </Title>
      <DataList size="sm" labelWidth="8rem">
        {(
          [
            ["Summary", r.summary],
            ["Root cause", r.rootCause],
            ["Fix", r.fix],
            ["Prevention", r.prevention],
          ] as const
        )
          .filter(([, v]) => v)
          .map(([label, value]) => (
            <DataList.Item key={label}>
              <DataList.ItemLabel>{label}</DataList.ItemLabel>
              <DataList.ItemValue style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                {value}
              </DataList.ItemValue>
            </DataList.Item>
          ))}
      </DataList>
      {t.state === "resolved" && t.closeDueAt ? (
        <Text size="sm" c="dimmed" mt="sm">
          Closes by itself {formatAbsolute(t.closeDueAt)} unless the client confirms the fix or reopens it
          before.
        </Text>
      ) : null}
    </Card>
  );
}

/** Provider staff assign the ticket to a colleague (or take it). */
function AssignCard({ relationshipId, t }: { relationshipId: string; t: TicketDetail }) {
  const me = useMe();
  const action = useTicketAction(relationshipId, t.id);
  const myId = me.data?.user.id;
  const assign = (assigneeId: string | null) =>
    action.mutate(
      { path: "assign", body: { assigneeId, revision: t.revision } },
      {
        onSuccess: (detail) =>
          notifications.show({
            color: "teal",
            message: detail.assignee ? `Assigned to ${detail.assignee.name}.` : "Unassigned.",
          }),
        onError: (error) =>
          notifications.show({
            color: "red",
            title:
              error instanceof ApiError && error.status === 409
                ? "The ticket changed; reloaded"
                : "Not assigned",
            message: problemMessage(error),
          }),
      },
    );
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="assign-title">
      <Title order={2} fz="h4" id="assign-title" mb="sm">
        Assignment
      </Title>
      <Stack gap="xs">
        <Select
          label="Assignee"
          data={[
            { value: "", label: "Unassigned" },
            ...t.providerStaff.map((p) => ({ value: p.userId, label: `${p.name} (${roleLabel(p.role)})` })),
          ]}
          value={t.assignee?.id ?? ""}
          onChange={(v) => {
            if ((v || null) !== (t.assignee?.id ?? null)) assign(v || null);
          }}
          allowDeselect={false}
          searchable
          disabled={action.isPending}
        />
        {myId && t.assignee?.id !== myId && t.providerStaff.some((p) => p.userId === myId) ? (
          <Button
            variant="light"
            size="compact-sm"
            w="fit-content"
            onClick={() => assign(myId)}
            loading={action.isPending}
          >
            Assign to me
          </Button>
        ) : null}
      </Stack>
    </Card>
  );
}

function CommentBox({ relationshipId, t }: { relationshipId: string; t: TicketDetail }) {
  const action = useTicketAction(relationshipId, t.id);
  const [body, setBody] = useState("");
  const [missing, setMissing] = useState(false);
  const { data: relationship } = useRelationship(relationshipId);
  const resumes = t.state === "waiting_on_client" && relationship?.viewer.side === "client";
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!body.trim()) return setMissing(true);
    action.mutate(
      { path: "comments", body: { body: body.trim() } },
      {
        onSuccess: () => {
          setBody("");
          setMissing(false);
          notifications.show({
            color: "teal",
            message: resumes ? "Answer sent; the ticket is back in progress." : "Comment posted.",
          });
        },
      },
    );
  };
  return (
    <form onSubmit={submit} noValidate className="comment-box">
      <Stack gap="xs" mt="md">
        <Textarea
          label={resumes ? "Your answer" : "Add a comment"}
          description={
            resumes
              ? "The provider is waiting for your answer; replying puts the ticket back in progress."
              : "Both sides see comments in the timeline."
          }
          autosize
          minRows={2}
          maxLength={20_000}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          error={
            (missing && !body.trim() ? "Write something first." : undefined) ??
            (action.error instanceof ApiError ? action.error.fieldError("body") : undefined)
          }
        />
        {action.isError && !(action.error instanceof ApiError && action.error.fieldError("body")) ? (
          <ProblemAlert error={action.error} title="The comment was not posted" />
        ) : null}
        <Group justify="flex-end">
          <Button
            type="submit"
            leftSection={<IconMessage size={16} aria-hidden />}
            loading={action.isPending}
          >
            {resumes ? "Send the answer" : "Comment"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
