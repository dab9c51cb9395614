import "./emergencies.css";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  DataList,
  Group,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import {
  IconAlertTriangle,
  IconCheck,
  IconDownload,
  IconEdit,
  IconPlus,
  IconSignature,
} from "@tabler/icons-react";
import { type FormEvent, type ReactNode, useState } from "react";
import { Link, useParams } from "react-router";
import { ApiError } from "../api/problem.ts";
import { roleLabel } from "../identity/roles.ts";
import { formatCalendarDate } from "../protocol/zone.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import type { RelationshipDetail } from "../relationships/types.ts";
import { durationWords } from "../tickets/words.ts";
import { ActionDialog, useActionRunner } from "../ui/ActionDialog.tsx";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { type FieldErrors, hasErrors } from "../ui/validation.ts";
import { Moment, OverdueBadge, ReviewStateBadge } from "./badges.tsx";
import { BackTo } from "./EmergenciesNav.tsx";
import { useLiveReviews } from "./live.ts";
import { useReview, useReviewChange } from "./queries.ts";
import type { PreventionAction, ReviewDetail, ReviewTextField } from "./types.ts";
import { emergencyNumber, formatClock, formatZoned, reviewNumber } from "./words.ts";

/**
 * `/r/:relationshipId/reviews/:reviewId`: one post-incident review as both sides write it — the
 * facts and durations, the timeline assembled from the recorded events (in the protocol's zone),
 * what happened, what went well and what could be better, the prevention actions with one owner
 * and a due date each, and the two sign-offs. It can be downloaded as Markdown or PDF, and
 * follows changes made elsewhere without reloading.
 */
export function ReviewPage() {
  const { relationshipId = "", reviewId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const review = useReview(relationshipId, reviewId);
  useLiveReviews(relationshipId);
  const back = <BackTo relationshipId={relationshipId} to="reviews" />;

  if (review.isPending)
    return (
      <Page title="Post-incident review" eyebrow={back}>
        <Loading label="Loading the review…" />
      </Page>
    );
  if (review.isError)
    return (
      <Page title="Post-incident review" eyebrow={back}>
        <ProblemAlert error={review.error} title="Could not load this review" />
      </Page>
    );
  return (
    <ReviewView
      relationshipId={relationshipId}
      r={review.data}
      back={back}
      relationship={relationship.data}
    />
  );
}

function ReviewView({
  relationshipId,
  r,
  back,
  relationship,
}: {
  relationshipId: string;
  r: ReviewDetail;
  back: ReactNode;
  relationship: RelationshipDetail | undefined;
}) {
  const pir = reviewNumber(r.number);
  const title = `${pir} ${r.title}`;
  const name = relationship ? relationshipTitle(relationship) : undefined;
  const exportUrl = (format: "md" | "pdf") =>
    `/api/v1/relationships/${relationshipId}/reviews/${r.id}/export?format=${format}`;
  return (
    <Page
      title={title}
      documentTitle={`${title}${name ? ` — ${name}` : ""}`}
      eyebrow={back}
      actions={
        <>
          <Button
            component="a"
            href={exportUrl("md")}
            download
            variant="default"
            leftSection={<IconDownload size={16} aria-hidden />}
          >
            Download Markdown
          </Button>
          <Button
            component="a"
            href={exportUrl("pdf")}
            download
            variant="default"
            leftSection={<IconDownload size={16} aria-hidden />}
          >
            Download PDF
          </Button>
        </>
      }
    >
      <FactsCard r={r} relationshipId={relationshipId} />
      <TimelineCard r={r} />
      <TextsCard r={r} relationshipId={relationshipId} />
      <ActionsCard r={r} relationshipId={relationshipId} relationship={relationship} />
      <SignoffCard r={r} relationshipId={relationshipId} relationship={relationship} />
    </Page>
  );
}

function FactsCard({ r, relationshipId }: { r: ReviewDetail; relationshipId: string }) {
  const phone = useMediaQuery("(max-width: 36em)");
  const rows: [string, ReactNode][] = [];
  if (r.ticket)
    rows.push([
      "Ticket",
      <Anchor component={Link} to={`/r/${relationshipId}/tickets/${r.ticket.id}`} size="sm">
        #{r.ticket.number} {r.ticket.title}
      </Anchor>,
    ]);
  if (r.emergency)
    rows.push([
      "Emergency",
      <Anchor component={Link} to={`/r/${relationshipId}/emergencies/${r.emergency.id}`} size="sm">
        {emergencyNumber(r.emergency.number)}
      </Anchor>,
    ]);
  if (r.emergency) rows.push(["System", r.emergency.affectedSystem]);
  rows.push([
    r.state === "finished" ? "Was due by" : "Due by",
    <Group gap={6} wrap="wrap">
      <Moment iso={r.dueAt} zone={r.timeZone} />
      {r.overdue ? <OverdueBadge size="sm" /> : null}
    </Group>,
  ]);
  rows.push(["State", <ReviewStateBadge state={r.state} size="sm" />]);
  rows.push([
    "Time to acknowledge",
    r.durations.toAcknowledge === null ? "Never acknowledged" : durationWords(r.durations.toAcknowledge),
  ]);
  rows.push([
    "Time to resolve",
    r.durations.toResolve === null ? "Not resolved" : durationWords(r.durations.toResolve),
  ]);
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="facts-title">
      <Title order={2} fz="h4" id="facts-title" mb="sm">
        Facts
      </Title>
      <DataList size="sm" labelWidth="11rem" orientation={phone ? "vertical" : "horizontal"}>
        {rows.map(([label, value]) => (
          <DataList.Item key={label}>
            <DataList.ItemLabel>{label}</DataList.ItemLabel>
            <DataList.ItemValue style={{ overflowWrap: "anywhere" }}>{value}</DataList.ItemValue>
          </DataList.Item>
        ))}
      </DataList>
      <Text size="xs" c="dimmed" mt="sm">
        Times are in {r.timeZone}, the protocol&apos;s time zone.
      </Text>
    </Card>
  );
}

/** "+12 min": the time since an earlier moment, compact for a table column. */
function since(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 60_000) return ms < 1000 ? "0" : `+${Math.round(ms / 1000)} s`;
  return `+${durationWords(ms)
    .replace(/ minutes?/, " min")
    .replace(/ hours?/, " h")
    .replace(/ days?/, " d")}`;
}

function TimelineCard({ r }: { r: ReviewDetail }) {
  const zone = r.timeZone;
  const firstDay = r.timeline[0] ? formatZoned(r.timeline[0].at, zone) : null;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="timeline-title">
      <Title order={2} fz="h4" id="timeline-title" mb="xs">
        Timeline
      </Title>
      {r.timeline.length === 0 ? (
        <Text size="sm" c="dimmed">
          No events recorded.
        </Text>
      ) : (
        <>
          <Text size="xs" c="dimmed" mb="sm">
            From the events Liaison recorded, starting {firstDay}.
          </Text>
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing={6} fz="sm" className="review-timeline" aria-labelledby="timeline-title">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Time</Table.Th>
                  <Table.Th>What</Table.Th>
                  <Table.Th>By</Table.Th>
                  <Table.Th>Detail</Table.Th>
                  <Table.Th>Since previous</Table.Th>
                  <Table.Th>Since start</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.timeline.map((t, i) => (
                  <Table.Tr key={`${t.at}-${i}`} data-action={t.action}>
                    <Table.Td className="nowrap">
                      <time dateTime={t.at} title={formatZoned(t.at, zone)}>
                        {formatClock(t.at, zone)}
                      </time>
                    </Table.Td>
                    <Table.Td>{t.label}</Table.Td>
                    <Table.Td>{t.by ?? "Liaison"}</Table.Td>
                    <Table.Td>
                      <span className="review-text">{t.detail ?? ""}</span>
                    </Table.Td>
                    <Table.Td className="nowrap">{since(t.sincePrevious)}</Table.Td>
                    <Table.Td className="nowrap">{since(t.sinceStart)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Card>
  );
}

const TEXT_FIELDS: { key: ReviewTextField; label: string; hint: string }[] = [
  {
    key: "whatHappened",
    label: "What happened",
    hint: "The story in plain words: what broke, how it was noticed, what was done.",
  },
  { key: "wentWell", label: "What went well", hint: "What helped: keep doing it." },
  { key: "couldBeBetter", label: "What could be better", hint: "What slowed things down or went wrong." },
];

/**
 * The three texts. Editing starts from the review as shown and is saved with its revision: if
 * someone saved or signed meanwhile, the server answers 409 and the page shows the new version.
 */
function TextsCard({ r, relationshipId }: { r: ReviewDetail; relationshipId: string }) {
  const change = useReviewChange(relationshipId, r.id);
  const [draft, setDraft] = useState<{ revision: number; values: Record<ReviewTextField, string> } | null>(
    null,
  );
  const signed = r.signoffs.provider !== null || r.signoffs.client !== null;
  const start = () => {
    change.reset();
    setDraft({
      revision: r.revision,
      values: { whatHappened: r.whatHappened, wentWell: r.wentWell, couldBeBetter: r.couldBeBetter },
    });
  };
  const save = (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    change.mutate(
      { kind: "edit", body: { ...draft.values, revision: draft.revision } },
      {
        onSuccess: () => {
          notifications.show({ color: "teal", message: "Review saved." });
          setDraft(null);
        },
      },
    );
  };
  const conflict = change.error instanceof ApiError && change.error.status === 409;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="texts-title">
      <Group justify="space-between" mb="sm" gap="xs">
        <Title order={2} fz="h4" id="texts-title">
          The review
        </Title>
        {r.abilities.edit && !draft ? (
          <Button
            variant="default"
            size="compact-sm"
            leftSection={<IconEdit size={14} aria-hidden />}
            onClick={start}
          >
            {r.whatHappened || r.wentWell || r.couldBeBetter ? "Edit" : "Write the review"}
          </Button>
        ) : null}
      </Group>
      {draft ? (
        <form onSubmit={save} noValidate aria-label="Edit the review">
          <Stack gap="md">
            {signed ? (
              <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />}>
                <Text size="sm">
                  Saving a change clears the sign-offs given so far: both sides sign again, so a signature
                  always covers the text it saw.
                </Text>
              </Alert>
            ) : null}
            {TEXT_FIELDS.map((f) => (
              <Textarea
                key={f.key}
                label={f.label}
                description={f.hint}
                autosize
                minRows={3}
                maxLength={50_000}
                value={draft.values[f.key]}
                onChange={(ev) => {
                  const value = ev.currentTarget.value;
                  setDraft((d) => (d ? { ...d, values: { ...d.values, [f.key]: value } } : d));
                }}
                error={change.error instanceof ApiError ? change.error.fieldError(f.key) : undefined}
              />
            ))}
            {conflict ? (
              <Alert color="yellow" variant="light" role="alert" title="Someone changed the review meanwhile">
                <Text size="sm">
                  {(change.error as ApiError).detail} The page now shows the latest version; copy what you
                  need, then start editing again.
                </Text>
              </Alert>
            ) : change.error ? (
              <ProblemAlert error={change.error} title="The review was not saved" />
            ) : null}
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={() => setDraft(null)} disabled={change.isPending}>
                Cancel
              </Button>
              <Button type="submit" loading={change.isPending}>
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Stack gap="md">
          {TEXT_FIELDS.map((f) => (
            <div key={f.key}>
              <Text size="sm" fw={600} mb={2}>
                {f.label}
              </Text>
              {r[f.key] ? (
                <Text size="sm" className="review-text">
                  {r[f.key]}
                </Text>
              ) : (
                <Text size="sm" c="dimmed">
                  Not written yet.
                </Text>
              )}
            </div>
          ))}
        </Stack>
      )}
    </Card>
  );
}

function ActionsCard({
  r,
  relationshipId,
  relationship,
}: {
  r: ReviewDetail;
  relationshipId: string;
  relationship: RelationshipDetail | undefined;
}) {
  const [adding, setAdding] = useState(false);
  const [completing, setCompleting] = useState<PreventionAction | null>(null);
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="actions-title">
      <Group justify="space-between" mb="sm" gap="xs">
        <Title order={2} fz="h4" id="actions-title">
          Prevention actions
        </Title>
        {r.abilities.addActions ? (
          <Button
            variant="default"
            size="compact-sm"
            leftSection={<IconPlus size={14} aria-hidden />}
            onClick={() => setAdding(true)}
          >
            Add action
          </Button>
        ) : null}
      </Group>
      {r.actions.length === 0 ? (
        <Text size="sm" c="dimmed">
          No actions yet. Each action has one owner and a date it is done by; Liaison reminds both sides when
          one is overdue.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing={6} fz="sm" aria-labelledby="actions-title">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Action</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {r.actions.map((a) => (
                <Table.Tr key={a.id} data-done={a.done || undefined} data-overdue={a.overdue || undefined}>
                  <Table.Td style={{ overflowWrap: "anywhere" }}>{a.title}</Table.Td>
                  <Table.Td>{a.ownerName}</Table.Td>
                  <Table.Td>{formatCalendarDate(a.dueOn)}</Table.Td>
                  <Table.Td>
                    {a.done ? (
                      <Stack gap={0}>
                        <Badge color="green" variant="light" tt="none" size="sm">
                          Done
                        </Badge>
                        {a.doneAt ? <Moment iso={a.doneAt} zone={r.timeZone} size="xs" c="dimmed" /> : null}
                        {a.doneNote ? (
                          <Text size="xs" c="dimmed" className="review-text">
                            {a.doneNote}
                          </Text>
                        ) : null}
                      </Stack>
                    ) : a.overdue ? (
                      <OverdueBadge size="sm" />
                    ) : (
                      <Badge color="blue" variant="light" tt="none" size="sm">
                        Open
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {a.canComplete ? (
                      <Button
                        size="compact-xs"
                        variant="light"
                        leftSection={<IconCheck size={12} aria-hidden />}
                        onClick={() => setCompleting(a)}
                      >
                        Mark done
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <AddActionDialog
        opened={adding}
        onClose={() => setAdding(false)}
        r={r}
        relationshipId={relationshipId}
        relationship={relationship}
      />
      <DoneDialog
        action={completing}
        onClose={() => setCompleting(null)}
        r={r}
        relationshipId={relationshipId}
      />
    </Card>
  );
}

/** Today in `zone` as YYYY-MM-DD: an action is due by the end of a day in the protocol's zone. */
function todayIn(zone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date());
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

function AddActionDialog({
  opened,
  onClose,
  r,
  relationshipId,
  relationship,
}: {
  opened: boolean;
  onClose: () => void;
  r: ReviewDetail;
  relationshipId: string;
  relationship: RelationshipDetail | undefined;
}) {
  const { run, action, fieldError } = useActionRunner(useReviewChange(relationshipId, r.id), (body) => ({
    kind: "addAction" as const,
    body,
  }));
  const [title, setTitle] = useState("");
  const [owner, setOwner] = useState<string | null>(null);
  const [dueOn, setDueOn] = useState("");
  const [errors, setErrors] = useState<FieldErrors<"title" | "ownerUserId" | "dueOn">>({});
  const close = () => {
    setTitle("");
    setOwner(null);
    setDueOn("");
    setErrors({});
    action.reset();
    onClose();
  };
  const people = relationship?.people;
  const group = (label: string, list: { userId: string; name: string; role: string }[]) => ({
    group: label,
    items: list.map((p) => ({ value: p.userId, label: `${p.name} (${roleLabel(p.role)})` })),
  });
  const data = people
    ? [
        group(`Client — ${relationship.client.name}`, people.client),
        group(`Provider — ${relationship.provider.name}`, people.provider),
      ]
    : [];
  const today = todayIn(r.timeZone);
  return (
    <ActionDialog
      opened={opened}
      onClose={close}
      title="Add a prevention action"
      intro="One owner and a date it is done by. The owner is told, and Liaison reminds both sides once it is overdue."
      submitLabel="Add the action"
      pending={action.isPending}
      error={action.error}
      record="review"
      onSubmit={() => {
        const e = {
          title: title.trim() ? undefined : "Say what will be done.",
          ownerUserId: owner ? undefined : "Choose who owns it.",
          dueOn: !dueOn
            ? "Give the date it will be done by."
            : dueOn < today
              ? "Choose today or a later date."
              : undefined,
        };
        setErrors(e);
        if (hasErrors(e)) return;
        run({ title: title.trim(), ownerUserId: owner, dueOn }, "Prevention action added.", close);
      }}
    >
      <TextInput
        label="Action"
        placeholder="e.g. Add a second disk to the file server and mirror it"
        value={title}
        onChange={(ev) => setTitle(ev.currentTarget.value)}
        maxLength={500}
        error={errors.title ?? fieldError("title")}
        withAsterisk
        data-autofocus
      />
      <Select
        label="Owner"
        placeholder={people ? "Choose a person" : "Loading people…"}
        data={data}
        value={owner}
        onChange={setOwner}
        searchable
        error={errors.ownerUserId ?? fieldError("ownerUserId")}
        withAsterisk
        comboboxProps={{ withinPortal: true }}
      />
      <TextInput
        type="date"
        label="Done by"
        description={`The end of that day in ${r.timeZone}, the protocol's time zone.`}
        min={today}
        value={dueOn}
        onChange={(ev) => setDueOn(ev.currentTarget.value)}
        error={errors.dueOn ?? fieldError("dueOn")}
        withAsterisk
      />
    </ActionDialog>
  );
}

function DoneDialog({
  action: a,
  onClose,
  r,
  relationshipId,
}: {
  action: PreventionAction | null;
  onClose: () => void;
  r: ReviewDetail;
  relationshipId: string;
}) {
  const { run, action, fieldError } = useActionRunner(useReviewChange(relationshipId, r.id), (body) => ({
    kind: "completeAction" as const,
    actionId: a?.id ?? "",
    body,
  }));
  const [note, setNote] = useState("");
  const close = () => {
    setNote("");
    action.reset();
    onClose();
  };
  return (
    <ActionDialog
      opened={a !== null}
      onClose={close}
      title={`Done: ${a?.title ?? ""}`}
      intro={
        a?.overdue ? "It is past its due date; it is recorded as done late." : "Both sides see it as done."
      }
      submitLabel="Mark done"
      pending={action.isPending}
      error={action.error}
      record="review"
      onSubmit={() => run(note.trim() ? { note: note.trim() } : {}, "Action marked done.", close)}
    >
      <Textarea
        label="What was done (optional)"
        autosize
        minRows={2}
        maxLength={2_000}
        value={note}
        onChange={(ev) => setNote(ev.currentTarget.value)}
        error={fieldError("note")}
        data-autofocus
      />
    </ActionDialog>
  );
}

function SignoffCard({
  r,
  relationshipId,
  relationship,
}: {
  r: ReviewDetail;
  relationshipId: string;
  relationship: RelationshipDetail | undefined;
}) {
  const [signing, setSigning] = useState(false);
  const { run, action } = useActionRunner(useReviewChange(relationshipId, r.id), () => ({
    kind: "sign" as const,
    body: { revision: r.revision },
  }));
  const close = () => {
    action.reset();
    setSigning(false);
  };
  const side = relationship?.viewer.side;
  const sideName = side && relationship ? relationship[side].name : "your side";
  const rows: { key: "provider" | "client"; label: string }[] = [
    { key: "provider", label: relationship ? `Provider — ${relationship.provider.name}` : "Provider" },
    { key: "client", label: relationship ? `Client — ${relationship.client.name}` : "Client" },
  ];
  const unwritten = !r.whatHappened.trim() || !r.wentWell.trim() || !r.couldBeBetter.trim();
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="signoff-title">
      <Title order={2} fz="h4" id="signoff-title" mb="sm">
        Sign-off
      </Title>
      <Stack gap="sm">
        <ul className="plain-list" aria-labelledby="signoff-title">
          {rows.map((row) => {
            const s = r.signoffs[row.key];
            return (
              <li key={row.key} data-side={row.key} data-signed={s ? true : undefined}>
                <Text size="sm" fw={600}>
                  {row.label}
                </Text>
                {s ? (
                  <Text size="sm" component="div">
                    Signed by {s.name}, <Moment iso={s.at} zone={r.timeZone} />
                  </Text>
                ) : (
                  <Text size="sm" c="dimmed">
                    Not signed yet
                  </Text>
                )}
              </li>
            );
          })}
        </ul>
        {r.state === "finished" ? (
          <Text size="sm" c="green.8" fw={600}>
            Both sides signed it off: the review is finished.
          </Text>
        ) : (
          <Text size="xs" c="dimmed">
            The review is finished when both sides have signed. Editing the texts afterwards clears the
            sign-offs.
          </Text>
        )}
        {r.abilities.sign ? (
          <Button
            w="fit-content"
            leftSection={<IconSignature size={16} aria-hidden />}
            onClick={() => setSigning(true)}
          >
            Sign off for {sideName}
          </Button>
        ) : null}
      </Stack>
      <ActionDialog
        opened={signing}
        onClose={close}
        title={`Sign off for ${sideName}`}
        intro={`You sign the review as it reads now, for ${sideName}. If the texts change later, the sign-offs are cleared and both sides sign again.`}
        submitLabel="Sign off"
        pending={action.isPending}
        error={action.error}
        record="review"
        onSubmit={() => run({}, `Signed off for ${sideName}.`, close)}
      >
        {unwritten ? (
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />}>
            <Text size="sm">
              Part of the review is not written yet; a review is signed once what happened, what went well and
              what could be better are all written.
            </Text>
          </Alert>
        ) : null}
      </ActionDialog>
    </Card>
  );
}
