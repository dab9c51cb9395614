import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import {
  IconCheck,
  IconGavel,
  IconInfoCircle,
  IconLock,
  IconNotes,
  IconPlus,
  IconRefresh,
  IconTrash,
} from "@tabler/icons-react";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { Link } from "react-router";
import { ApiError } from "../api/problem.ts";
import { formatCalendarDate } from "../protocol/zone.ts";
import { ConfirmModal } from "../ui/ConfirmModal.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { type FieldErrors, hasErrors } from "../ui/validation.ts";
import { DoneBadge, FlagBadge, OverdueBadge, ZonedTime } from "./badges.tsx";
import { AddActionDialog, CompleteActionDialog, DecisionDialog } from "./ItemDialogs.tsx";
import { type MeetingChange, useMeetingChange } from "./queries.ts";
import type { ActionItem, AgendaItem, AgendaSection, Decision, MeetingDetail } from "./types.ts";
import { actionNumber, formatZoned, isOpenMeeting, itemIdOf } from "./words.ts";

/**
 * A meeting's agenda as Liaison assembled it — sections in order, items grouped under their
 * sub-headings — with what was said and agreed on each item: minutes, decisions, action items.
 * People who attend add items while the meeting is ahead; the agenda is live until the meeting is
 * recorded as held, then kept as it was.
 */

/** Whether the viewer may write on the meeting's items: minutes, decisions, action items. */
export function canWriteOn(d: MeetingDetail): boolean {
  return d.abilities.contribute && (d.meeting.state === "scheduled" || d.meeting.state === "held");
}

/**
 * The agenda part of a meeting's page: whether it is live or kept, its sections, the form to add
 * an item, and the dialogs its items open.
 */
export function AgendaView({ relationshipId, d }: { relationshipId: string; d: MeetingDetail }) {
  const [deciding, setDeciding] = useState<AgendaItem | null>(null);
  const [assigning, setAssigning] = useState<AgendaItem | null>(null);
  const [completing, setCompleting] = useState<ActionItem | null>(null);
  const [removing, setRemoving] = useState<AgendaItem | null>(null);
  const [withdrawing, setWithdrawing] = useState<Decision | null>(null);
  const zone = d.timeZone;
  const a = d.agenda;
  const handlers: ItemHandlers = {
    onDecide: setDeciding,
    onAssign: setAssigning,
    onComplete: setCompleting,
    onRemove: setRemoving,
    onWithdraw: setWithdrawing,
  };
  const empty = a.sections.every((s) => s.items.length === 0);
  return (
    <Stack gap="md" component="section" aria-labelledby="agenda-title">
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Title order={2} fz="h3" id="agenda-title">
          Agenda
        </Title>
        <Text size="xs" c="dimmed" component="div">
          Covers <ZonedTime iso={a.since} zone={zone} size="xs" c="dimmed" /> to{" "}
          <ZonedTime iso={a.until} zone={zone} size="xs" c="dimmed" />
        </Text>
      </Group>
      {a.frozen ? (
        <Alert
          color="gray"
          variant="light"
          icon={<IconLock size={18} aria-hidden />}
          data-testid="agenda-frozen"
        >
          <Text size="sm" component="div">
            Kept as it was when the meeting was recorded as held
            {d.meeting.heldAt ? (
              <>
                {" "}
                (<ZonedTime iso={d.meeting.heldAt} zone={zone} />
                {d.meeting.heldByName ? `, by ${d.meeting.heldByName}` : ""})
              </>
            ) : null}
            .
          </Text>
        </Alert>
      ) : (
        <Alert
          color="blue"
          variant="light"
          icon={<IconInfoCircle size={18} aria-hidden />}
          data-testid="agenda-live"
        >
          <Text size="sm" component="div">
            Assembled from live data; it is kept as it was once the meeting is recorded as held. Last
            assembled <ZonedTime iso={a.builtAt} zone={zone} />.
          </Text>
        </Alert>
      )}
      {empty ? (
        <Text size="sm" c="dimmed">
          Nothing on the agenda: no tickets, changes, emergencies, open action items or dates in this period,
          and nobody has added an item.
        </Text>
      ) : null}
      {a.sections.map((s) => (
        <SectionCard key={s.key} section={s} d={d} relationshipId={relationshipId} handlers={handlers} />
      ))}
      {isOpenMeeting(d.meeting) && d.abilities.contribute ? (
        <AddItemForm relationshipId={relationshipId} meetingId={d.meeting.id} />
      ) : null}

      <DecisionDialog
        relationshipId={relationshipId}
        meetingId={d.meeting.id}
        item={deciding}
        onClose={() => setDeciding(null)}
      />
      <AddActionDialog
        relationshipId={relationshipId}
        meetingId={d.meeting.id}
        item={assigning}
        onClose={() => setAssigning(null)}
        people={d.people}
        zone={zone}
      />
      <CompleteActionDialog
        relationshipId={relationshipId}
        action={completing}
        onClose={() => setCompleting(null)}
      />
      <RemoveItemModal
        relationshipId={relationshipId}
        meetingId={d.meeting.id}
        item={removing}
        onClose={() => setRemoving(null)}
      />
      <WithdrawDecisionModal
        relationshipId={relationshipId}
        meetingId={d.meeting.id}
        decision={withdrawing}
        onClose={() => setWithdrawing(null)}
      />
    </Stack>
  );
}

interface ItemHandlers {
  onDecide: (item: AgendaItem) => void;
  onAssign: (item: AgendaItem) => void;
  onComplete: (action: ActionItem) => void;
  onRemove: (item: AgendaItem) => void;
  onWithdraw: (decision: Decision) => void;
}

/** Items in their sub-groups, in the order the server gave them (a group's first item places it). */
function groupItems(items: AgendaItem[]): { group: string | null; items: AgendaItem[] }[] {
  const groups: { group: string | null; items: AgendaItem[] }[] = [];
  for (const item of items) {
    const existing = groups.find((g) => g.group === item.group);
    if (existing) existing.items.push(item);
    else groups.push({ group: item.group, items: [item] });
  }
  return groups;
}

function SectionCard({
  section,
  d,
  relationshipId,
  handlers,
}: {
  section: AgendaSection;
  d: MeetingDetail;
  relationshipId: string;
  handlers: ItemHandlers;
}) {
  const titleId = `agenda-section-${section.key}`;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby={titleId} data-section={section.key}>
      <Stack gap={2} mb="sm">
        <Title order={3} fz="h4" id={titleId}>
          {section.title}
        </Title>
        {section.note ? (
          <Text size="xs" c="dimmed" className="tp-wrap">
            {section.note}
          </Text>
        ) : null}
      </Stack>
      {section.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing here this time.
        </Text>
      ) : (
        <Stack gap="md">
          {groupItems(section.items).map((g) => (
            <div key={g.group ?? ""}>
              {g.group ? (
                <Text size="xs" fw={700} c="dimmed" tt="uppercase" mb={6} id={`${titleId}-${g.group}`}>
                  {g.group}
                </Text>
              ) : null}
              <ul
                className="plain-list tp-items"
                aria-label={g.group ? `${section.title}: ${g.group}` : section.title}
              >
                {g.items.map((item) => (
                  <AgendaItemView
                    key={item.key}
                    item={item}
                    d={d}
                    relationshipId={relationshipId}
                    handlers={handlers}
                  />
                ))}
              </ul>
            </div>
          ))}
        </Stack>
      )}
    </Card>
  );
}

const SIDE_WORDS = { client: "client", provider: "provider" } as const;

function AgendaItemView({
  item,
  d,
  relationshipId,
  handlers,
}: {
  item: AgendaItem;
  d: MeetingDetail;
  relationshipId: string;
  handlers: ItemHandlers;
}) {
  const titleId = useId();
  const write = canWriteOn(d);
  const [editingMinutes, setEditingMinutes] = useState(false);
  // For an item someone added, its owner is that person: say it once.
  const owner = item.owner && item.owner !== item.addedBy?.name ? `Owner: ${item.owner}` : null;
  const added = item.addedBy ? `Added by ${item.addedBy.name} (${SIDE_WORDS[item.addedBy.side]})` : null;
  const people = [owner, added].filter(Boolean).join(" · ");
  return (
    <li className="tp-item" data-kind={item.kind} data-item-key={item.key} aria-labelledby={titleId}>
      <Stack gap={6}>
        <Group gap="xs" wrap="wrap" align="baseline">
          <Text fw={600} size="sm" id={titleId} className="tp-wrap" component="h4" m={0}>
            {item.link ? (
              <Anchor component={Link} to={item.link} inherit>
                {item.title}
              </Anchor>
            ) : (
              item.title
            )}
          </Text>
          {item.status ? (
            <Badge variant="outline" color="gray" tt="none" size="sm">
              {item.status}
            </Badge>
          ) : null}
          {item.flags.map((f) => (
            <FlagBadge key={f} flag={f} size="sm" />
          ))}
        </Group>
        {people ? (
          <Text size="xs" c="dimmed" className="tp-wrap" data-testid="item-people">
            {people}
          </Text>
        ) : null}
        {item.detail ? (
          <Text size="sm" className="tp-text">
            {item.detail}
          </Text>
        ) : null}

        {editingMinutes ? (
          <MinutesEditor
            item={item}
            d={d}
            relationshipId={relationshipId}
            onClose={() => setEditingMinutes(false)}
          />
        ) : (
          <MinutesText item={item} zone={d.timeZone} />
        )}

        {item.decisions.length ? (
          <div>
            <Text size="xs" fw={600} c="dimmed" tt="uppercase">
              Decisions
            </Text>
            <ul className="tp-sublist" aria-label={`Decisions on ${item.title}`}>
              {item.decisions.map((dec) => (
                <li key={dec.id}>
                  <Text size="sm" className="tp-text">
                    {dec.text}
                  </Text>
                  <Group gap="xs">
                    <Text size="xs" c="dimmed">
                      {dec.recordedByName}
                    </Text>
                    {write ? (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        onClick={() => handlers.onWithdraw(dec)}
                        aria-label={`Withdraw the decision “${dec.text}”`}
                      >
                        Withdraw
                      </Button>
                    ) : null}
                  </Group>
                </li>
              ))}
            </ul>
          </div>
        ) : null}

        {item.actions.length ? (
          <div>
            <Text size="xs" fw={600} c="dimmed" tt="uppercase">
              Action items
            </Text>
            <ul className="tp-sublist" aria-label={`Action items from ${item.title}`}>
              {item.actions.map((a) => (
                <ActionLine key={a.id} a={a} onComplete={handlers.onComplete} />
              ))}
            </ul>
          </div>
        ) : null}

        {write || item.removable ? (
          <Group gap={4} wrap="wrap" role="group" aria-label={`Actions on ${item.title}`}>
            {write ? (
              <>
                {editingMinutes ? null : (
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    leftSection={<IconNotes size={14} aria-hidden />}
                    onClick={() => setEditingMinutes(true)}
                  >
                    {item.minutes?.text ? "Edit minutes" : "Write minutes"}
                  </Button>
                )}
                <Button
                  size="compact-sm"
                  variant="subtle"
                  leftSection={<IconGavel size={14} aria-hidden />}
                  onClick={() => handlers.onDecide(item)}
                >
                  Record decision
                </Button>
                <Button
                  size="compact-sm"
                  variant="subtle"
                  leftSection={<IconPlus size={14} aria-hidden />}
                  onClick={() => handlers.onAssign(item)}
                >
                  Add action item
                </Button>
              </>
            ) : null}
            {item.removable ? (
              <Button
                size="compact-sm"
                variant="subtle"
                color="red"
                leftSection={<IconTrash size={14} aria-hidden />}
                onClick={() => handlers.onRemove(item)}
              >
                Remove
              </Button>
            ) : null}
          </Group>
        ) : null}
      </Stack>
    </li>
  );
}

/** One action item on a line: number, title, owner, due date, and whether it is done or late. */
export function ActionLine({ a, onComplete }: { a: ActionItem; onComplete: (a: ActionItem) => void }) {
  return (
    <li data-action-number={a.number} data-done={a.done || undefined} data-overdue={a.overdue || undefined}>
      <Group gap={6} wrap="wrap" align="baseline">
        <Text size="sm" c="dimmed" fw={600} span>
          {actionNumber(a.number)}
        </Text>
        <Text size="sm" span className="tp-wrap" td={a.done ? "line-through" : undefined}>
          {a.title}
        </Text>
        {a.done ? <DoneBadge size="xs" /> : a.overdue ? <OverdueBadge size="xs" /> : null}
      </Group>
      <Group gap={6} wrap="wrap">
        <Text size="xs" c="dimmed" data-testid="action-owner">
          {a.owner.name} · due {formatCalendarDate(a.dueOn)}
        </Text>
        {a.canComplete && !a.done ? (
          <Button
            size="compact-xs"
            variant="light"
            color="green"
            leftSection={<IconCheck size={12} aria-hidden />}
            onClick={() => onComplete(a)}
          >
            Mark done
          </Button>
        ) : null}
      </Group>
      {a.done && a.doneNote ? (
        <Text size="xs" c="dimmed" className="tp-text">
          {a.doneNote}
        </Text>
      ) : null}
    </li>
  );
}

/** The minutes of one item as saved, with who wrote them last and when. */
function MinutesText({ item, zone }: { item: AgendaItem; zone: string }) {
  const m = item.minutes;
  if (!m?.text) return null;
  return (
    <div className="tp-minutes" data-testid="minutes">
      <Text size="xs" fw={600} c="dimmed" tt="uppercase">
        Minutes
      </Text>
      <Text size="sm" className="tp-text">
        {m.text}
      </Text>
      <Text size="xs" c="dimmed" component="div">
        {m.updatedByName}, <ZonedTime iso={m.updatedAt} zone={zone} size="xs" c="dimmed" />
      </Text>
    </div>
  );
}

/**
 * The minutes of one item, edited in place and saved with the revision the editor started from.
 * If someone saved the same minutes meanwhile, the server answers 409: the draft stays, and the
 * page shows what they wrote, to merge by hand or save over.
 */
function MinutesEditor({
  item,
  d,
  relationshipId,
  onClose,
}: {
  item: AgendaItem;
  d: MeetingDetail;
  relationshipId: string;
  onClose: () => void;
}) {
  const change = useMeetingChange(relationshipId, d.meeting.id);
  const m = item.minutes;
  const [draft, setDraft] = useState(() => ({ text: m?.text ?? "", revision: m?.revision ?? 0 }));
  const save = (event: FormEvent) => {
    event.preventDefault();
    change.mutate(
      {
        kind: "minutes",
        body: {
          itemKey: item.key,
          text: draft.text,
          ...(draft.revision ? { revision: draft.revision } : {}),
        },
      },
      {
        onSuccess: () => {
          notifications.show({ color: "teal", message: "Minutes saved." });
          onClose();
        },
      },
    );
  };
  const conflict = change.error instanceof ApiError && change.error.status === 409;
  return (
    <form onSubmit={save} noValidate aria-label={`Minutes of ${item.title}`} className="tp-minutes">
      <Stack gap="xs">
        <Textarea
          label="Minutes"
          description="What was said about this item. Both sides read them in the summary."
          autosize
          minRows={3}
          maxLength={50_000}
          value={draft.text}
          onChange={(ev) => {
            const text = ev.currentTarget.value;
            setDraft((v) => ({ ...v, text }));
          }}
          error={change.error instanceof ApiError ? change.error.fieldError("text") : undefined}
          autoFocus
        />
        {conflict ? (
          <Alert
            color="yellow"
            variant="light"
            role="alert"
            icon={<IconRefresh size={18} aria-hidden />}
            title="Someone else saved these minutes meanwhile"
          >
            <Stack gap={4}>
              <Text size="sm">
                {(change.error as ApiError).detail} Your text is still here. Theirs
                {m ? ` (by ${m.updatedByName})` : ""} reads:
              </Text>
              <Text size="sm" className="tp-text" fs="italic">
                {m?.text || "(empty)"}
              </Text>
              <Button
                size="compact-sm"
                variant="light"
                w="fit-content"
                onClick={() => {
                  change.reset();
                  setDraft((v) => ({ ...v, revision: m?.revision ?? 0 }));
                }}
              >
                Keep my text and save over theirs
              </Button>
            </Stack>
          </Alert>
        ) : change.error ? (
          <ProblemAlert error={change.error} title="The minutes were not saved" />
        ) : null}
        <Group gap="xs" justify="flex-end">
          <Button variant="default" size="compact-sm" onClick={onClose} disabled={change.isPending}>
            Cancel
          </Button>
          <Button type="submit" size="compact-sm" loading={change.isPending} disabled={conflict}>
            Save minutes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Either side puts something on the agenda before the meeting: a concern, a question, a plan. */
function AddItemForm({ relationshipId, meetingId }: { relationshipId: string; meetingId: string }) {
  const change = useMeetingChange(relationshipId, meetingId);
  const [title, setTitle] = useState("");
  const [detail, setDetail] = useState("");
  const [errors, setErrors] = useState<FieldErrors<"title">>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const e = { title: title.trim() ? undefined : "Say what you want to discuss." };
    setErrors(e);
    if (hasErrors(e)) return;
    change.mutate(
      { kind: "addItem", body: { title: title.trim(), ...(detail.trim() ? { detail: detail.trim() } : {}) } },
      {
        onSuccess: () => {
          notifications.show({ color: "teal", message: "Added to the agenda." });
          setTitle("");
          setDetail("");
        },
      },
    );
  };
  const fieldError = (field: string) =>
    change.error instanceof ApiError ? change.error.fieldError(field) : undefined;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="add-item-title">
      <Title order={3} fz="h4" id="add-item-title" mb={4}>
        Add an item
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Something you want to discuss: a concern, a question, a plan. Everyone attending sees it on the
        agenda.
      </Text>
      <form onSubmit={submit} noValidate aria-label="Add an item to the agenda">
        <Stack gap="sm">
          <TextInput
            label="What to discuss"
            placeholder="e.g. Printer fleet replacement"
            maxLength={300}
            value={title}
            onChange={(ev) => setTitle(ev.currentTarget.value)}
            error={errors.title ?? fieldError("title")}
            withAsterisk
          />
          <Textarea
            label="Background (optional)"
            description="What the other side should read before the meeting."
            autosize
            minRows={2}
            maxLength={10_000}
            value={detail}
            onChange={(ev) => setDetail(ev.currentTarget.value)}
            error={fieldError("detail")}
          />
          {change.error && !fieldError("title") && !fieldError("detail") ? (
            <ProblemAlert error={change.error} title="The item was not added" />
          ) : null}
          <Button
            type="submit"
            loading={change.isPending}
            w="fit-content"
            leftSection={<IconPlus size={16} aria-hidden />}
          >
            Add to the agenda
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

/** A confirmation before one change to the meeting; shows the API's error and closes on success. */
function ConfirmMeetingChange({
  relationshipId,
  meetingId,
  change: request,
  title,
  confirmLabel,
  done,
  onClose,
  children,
}: {
  relationshipId: string;
  meetingId: string;
  /** The change to make, or null while the dialog is closed. */
  change: MeetingChange | null;
  title: string;
  confirmLabel: string;
  /** What the notification says once it is done. */
  done: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const change = useMeetingChange(relationshipId, meetingId);
  const close = () => {
    change.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={request !== null}
      title={title}
      confirmLabel={confirmLabel}
      pending={change.isPending}
      error={change.error}
      onClose={close}
      onConfirm={() =>
        request &&
        change.mutate(request, {
          onSuccess: () => {
            notifications.show({ color: "teal", message: done });
            close();
          },
        })
      }
    >
      {children}
    </ConfirmModal>
  );
}

function RemoveItemModal({
  relationshipId,
  meetingId,
  item,
  onClose,
}: {
  relationshipId: string;
  meetingId: string;
  item: AgendaItem | null;
  onClose: () => void;
}) {
  return (
    <ConfirmMeetingChange
      relationshipId={relationshipId}
      meetingId={meetingId}
      change={item && { kind: "removeItem", itemId: itemIdOf(item.key) }}
      title="Remove the item from the agenda?"
      confirmLabel="Remove"
      done="Removed from the agenda."
      onClose={onClose}
    >
      “{item?.title}” is taken off this meeting&apos;s agenda
      {item?.minutes || item?.decisions.length || item?.actions.length ? ", with what was written on it" : ""}
      .
    </ConfirmMeetingChange>
  );
}

function WithdrawDecisionModal({
  relationshipId,
  meetingId,
  decision,
  onClose,
}: {
  relationshipId: string;
  meetingId: string;
  decision: Decision | null;
  onClose: () => void;
}) {
  return (
    <ConfirmMeetingChange
      relationshipId={relationshipId}
      meetingId={meetingId}
      change={decision && { kind: "withdrawDecision", decisionId: decision.id }}
      title="Withdraw the decision?"
      confirmLabel="Withdraw"
      done="Decision withdrawn."
      onClose={onClose}
    >
      “{decision?.text}” was recorded by mistake and is taken out of the minutes. The audit trail keeps that
      it was recorded and withdrawn.
    </ConfirmMeetingChange>
  );
}

/** Everything decided in the meeting, item by item, as the summary sends it. */
export function DecisionsCard({ d }: { d: MeetingDetail }) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="decisions-title">
      <Title order={2} fz="h4" id="decisions-title" mb="sm">
        Decisions
      </Title>
      {d.decisions.length === 0 ? (
        <Text size="sm" c="dimmed">
          No decision recorded in this meeting.
        </Text>
      ) : (
        <ul className="plain-list tp-summary-list" aria-labelledby="decisions-title">
          {d.decisions.map((dec: Decision) => (
            <li key={dec.id}>
              <Text size="sm" className="tp-text">
                {dec.text}
              </Text>
              <Text size="xs" c="dimmed" component="div" className="tp-wrap">
                On “{dec.itemTitle}” · {dec.recordedByName}, {formatZoned(dec.createdAt, d.timeZone)}
              </Text>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** Every action item given in the meeting, with its owner and due date. */
export function MeetingActionsCard({ relationshipId, d }: { relationshipId: string; d: MeetingDetail }) {
  const [completing, setCompleting] = useState<ActionItem | null>(null);
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="meeting-actions-title">
      <Title order={2} fz="h4" id="meeting-actions-title" mb="sm">
        Action items
      </Title>
      {d.actions.length === 0 ? (
        <Text size="sm" c="dimmed">
          No action item given in this meeting. Each has one owner and a due date, and stays on every agenda
          until it is done.
        </Text>
      ) : (
        <ul className="plain-list tp-summary-list" aria-labelledby="meeting-actions-title">
          {d.actions.map((a) => (
            <ActionLine key={a.id} a={a} onComplete={setCompleting} />
          ))}
        </ul>
      )}
      <Anchor
        component={Link}
        to={`/r/${relationshipId}/touchpoints/actions`}
        size="sm"
        mt="sm"
        display="block"
      >
        Every action item
      </Anchor>
      <CompleteActionDialog
        relationshipId={relationshipId}
        action={completing}
        onClose={() => setCompleting(null)}
      />
    </Card>
  );
}
