import "./changes.css";
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  MultiSelect,
  NumberInput,
  Radio,
  SegmentedControl,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import {
  IconCalendarCheck,
  IconCalendarOff,
  IconCircleCheck,
  IconClockExclamation,
  IconDeviceFloppy,
  IconSend,
  IconStack2,
} from "@tabler/icons-react";
import { type FormEvent, type ReactNode, useId, useMemo, useRef, useState } from "react";
import { ApiError } from "../api/problem.ts";
import { roleLabel } from "../identity/roles.ts";
import { inputValueToIso } from "../protocol/zone.ts";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { type FieldErrors, hasErrors } from "../ui/validation.ts";
import { ClassBadge, ZonedTime } from "./badges.tsx";
import { RelatedTicketsInput, ZonedDateTimeInput } from "./fields.tsx";
import { useChangeAction, useChangeCheck, useCreateChange, useUpdateChange } from "./queries.ts";
import { isoToInputValue, shiftWindow } from "./time.ts";
import {
  CHANGE_RISKS,
  type ChangeClass,
  type ChangeDetail,
  type ChangeFields,
  type ChangeForm as ChangeFormData,
  type ChangeRisk,
  type CheckChangeInput,
  type CheckResult,
  type Conflict,
  type PlannedNotice,
} from "./types.ts";
import {
  approvalSettingWords,
  classLabel,
  CONFLICT_TITLES,
  NOTICE_EVENT_WORDS,
  NOTICE_STATE_LABELS,
  RISK_LABELS,
} from "./words.ts";

type Field =
  | "class"
  | "title"
  | "description"
  | "reason"
  | "impact"
  | "userNotice"
  | "expectedDowntimeMinutes"
  | "risk"
  | "testing"
  | "rollbackPlan"
  | "affectedSystems"
  | "affectedGroupIds"
  | "relatedTicketIds"
  | "plannedStart"
  | "plannedEnd";

/** Live checks wait this long after the last keystroke. */
const CHECK_DEBOUNCE_MS = 400;

export interface ChangeFormProps {
  relationshipId: string;
  form: ChangeFormData;
  /** The change being edited; absent for a new one. */
  change?: ChangeDetail;
  /** Called with the saved change. */
  onSaved: (change: ChangeDetail) => void;
  onCancel: () => void;
}

/**
 * A change request, new or edited: what, why, impact, risk, rollback, systems and people
 * affected, and the window in the protocol's time zone. While the class and window are filled
 * in, the server checks them (debounced): conflicts with blackouts, maintenance windows and other
 * changes; who must approve; which notices will go out and when; and the plain-language notice
 * it would write, shown as the placeholder of the notice field.
 */
export function ChangeForm({ relationshipId, form, change, onSaved, onCancel }: ChangeFormProps) {
  const zone = form.timezone;
  const create = useCreateChange(relationshipId);
  const update = useUpdateChange(relationshipId, change?.id ?? "");
  const propose = useChangeAction(relationshipId, change?.id ?? "");
  const formRef = useRef<HTMLFormElement>(null);

  const [cls, setCls] = useState<ChangeClass | null>(change?.class ?? null);
  const [title, setTitle] = useState(change?.title ?? "");
  const [description, setDescription] = useState(change?.description ?? "");
  const [reason, setReason] = useState(change?.reason ?? "");
  const [impact, setImpact] = useState(change?.impact ?? "");
  const [userNotice, setUserNotice] = useState(change?.userNotice ?? "");
  // A change's detail shows Liaison's own notice when nobody wrote one, and does not say which it
  // is: an edit sends the notice only when it was touched, so an untouched default keeps
  // following the window instead of being saved as if someone had written it.
  const [noticeTouched, setNoticeTouched] = useState(false);
  const [downtime, setDowntime] = useState<number | string>(change?.expectedDowntimeMinutes ?? 0);
  const [risk, setRisk] = useState<ChangeRisk>(change?.risk ?? "low");
  const [testing, setTesting] = useState(change?.testing ?? "");
  const [rollbackPlan, setRollbackPlan] = useState(change?.rollbackPlan ?? "");
  const [systems, setSystems] = useState<string[]>(change?.affectedSystems ?? []);
  const [groupIds, setGroupIds] = useState<string[]>(change?.affectedGroups.map((g) => g.id) ?? []);
  const [ticketIds, setTicketIds] = useState<string[]>(change?.relatedTickets.map((t) => t.id) ?? []);
  const [startInput, setStartInput] = useState(change ? isoToInputValue(change.plannedStart, zone) : "");
  const [endInput, setEndInput] = useState(change ? isoToInputValue(change.plannedEnd, zone) : "");
  const [errors, setErrors] = useState<FieldErrors<Field>>({});

  const plannedStart = inputValueToIso(startInput, zone);
  const plannedEnd = inputValueToIso(endInput, zone);
  const windowOk = plannedStart !== null && plannedEnd !== null && plannedEnd > plannedStart;

  // The check's input as text: debouncing a string compares by value, so a re-render with an
  // equal window does not restart the wait.
  const checkText =
    cls && windowOk
      ? JSON.stringify({
          class: cls,
          plannedStart,
          plannedEnd,
          ...(systems.length ? { affectedSystems: systems } : {}),
          ...(typeof downtime === "number" && downtime >= 0 ? { expectedDowntimeMinutes: downtime } : {}),
          ...(change ? { changeId: change.id } : {}),
        } satisfies CheckChangeInput)
      : "";
  const [debouncedCheck] = useDebouncedValue(checkText, CHECK_DEBOUNCE_MS);
  const checkInput = useMemo(
    () => (debouncedCheck ? (JSON.parse(debouncedCheck) as CheckChangeInput) : null),
    [debouncedCheck],
  );
  const check = useChangeCheck(relationshipId, checkInput);
  const checkData = checkText ? check.data : undefined;

  const saving = create.isPending || update.isPending || propose.isPending;
  const saveError = create.error ?? update.error ?? propose.error;
  const serverError = saveError instanceof ApiError ? saveError : null;
  const fieldError = (field: Field) => errors[field] ?? serverError?.fieldError(field);

  /** Moves the window to `newStart`, keeping its length. */
  const moveStart = (newStart: string) => {
    const moved = shiftWindow(plannedStart ?? newStart, plannedEnd ?? "", newStart);
    setStartInput(isoToInputValue(moved.start, zone));
    setEndInput(isoToInputValue(moved.end, zone));
  };

  const validate = (): ChangeFields | null => {
    const minutes = typeof downtime === "number" ? downtime : Number.NaN;
    const found: FieldErrors<Field> = {
      class: cls ? undefined : "Choose the class of change.",
      title: title.trim() ? undefined : "Give the change a short title.",
      description: description.trim() ? undefined : "Say what changes.",
      reason: reason.trim() ? undefined : "Say why the change is needed.",
      impact: impact.trim() ? undefined : "Say what the client will notice, even “nothing visible”.",
      rollbackPlan: rollbackPlan.trim() ? undefined : "Say how the change is undone if it goes wrong.",
      expectedDowntimeMinutes:
        Number.isInteger(minutes) && minutes >= 0 ? undefined : "Enter whole minutes, 0 or more.",
      plannedStart: plannedStart ? undefined : "Enter the date and time it starts.",
      plannedEnd: !plannedEnd
        ? "Enter the date and time it ends."
        : plannedStart && plannedEnd <= plannedStart
          ? "The end must be after the start."
          : undefined,
    };
    setErrors(found);
    if (hasErrors(found) || !cls || !plannedStart || !plannedEnd) {
      // The form is long: take the person to the first answer that is missing.
      requestAnimationFrame(() => focusFirstError(formRef.current));
      return null;
    }
    return {
      class: cls,
      title: title.trim(),
      description: description.trim(),
      reason: reason.trim(),
      impact: impact.trim(),
      // New: left out when empty, so Liaison writes one. Edited: sent when touched (even empty,
      // to go back to Liaison's own).
      ...((change ? noticeTouched : userNotice.trim()) ? { userNotice: userNotice.trim() } : {}),
      expectedDowntimeMinutes: minutes,
      risk,
      ...(testing.trim() || change ? { testing: testing.trim() } : {}),
      rollbackPlan: rollbackPlan.trim(),
      affectedSystems: systems,
      affectedGroupIds: groupIds,
      relatedTicketIds: ticketIds,
      plannedStart,
      plannedEnd,
    };
  };

  const submit = (mode: "draft" | "propose" | "save") => {
    const fields = validate();
    if (!fields) return;
    if (!change) {
      create.mutate(
        { ...fields, propose: mode === "propose" },
        {
          onSuccess: (saved) => {
            notifications.show({
              color: "teal",
              message:
                mode === "propose"
                  ? `CHG-${saved.number} proposed; the people who approve it are told.`
                  : `CHG-${saved.number} saved as a draft.`,
            });
            onSaved(saved);
          },
        },
      );
      return;
    }
    update.mutate(
      { ...fields, revision: change.revision },
      {
        onSuccess: (saved) => {
          if (mode !== "propose") {
            notifications.show({ color: "teal", message: `CHG-${saved.number} saved.` });
            return onSaved(saved);
          }
          propose.mutate(
            { path: "propose", body: { revision: saved.revision } },
            {
              onSuccess: (proposed) => {
                notifications.show({
                  color: "teal",
                  message: `CHG-${proposed.number} proposed; the people who approve it are told.`,
                });
                onSaved(proposed);
              },
            },
          );
        },
      },
    );
  };

  const chosenClass = form.classes.find((c) => c.class === cls);
  const canPropose = !change || change.abilities.propose;

  return (
    <form
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        submit(change ? "save" : "propose");
      }}
      noValidate
      ref={formRef}
      aria-label="Change request"
    >
      <div className="change-form-grid">
        <Stack gap="lg" className="change-form-fields">
          <Radio.Group
            label="Class"
            description="The protocol decides, per class, who approves and how much notice is given."
            required
            value={cls}
            onChange={(v) => setCls(v as ChangeClass)}
            error={fieldError("class")}
          >
            <Stack gap={6} mt={6}>
              {form.classes.map((c) => (
                <Radio.Card
                  key={c.class}
                  value={c.class}
                  className="class-card"
                  data-class={c.class}
                  aria-label={classLabel(c.class)}
                  aria-describedby={`class-${c.class}-words`}
                  p="sm"
                >
                  <Group wrap="nowrap" align="flex-start" gap="sm">
                    <Radio.Indicator mt={2} />
                    <Stack gap={2} style={{ flex: 1, minWidth: 0 }} id={`class-${c.class}-words`}>
                      <ClassBadge value={c.class} />
                      <Text size="sm">{c.description}</Text>
                      <Text size="xs" c="dimmed">
                        {approvalSettingWords(c.approval)}
                      </Text>
                      <Text size="xs" c="dimmed">
                        Notice: {c.notice === "0m" ? "none in advance" : `${c.notice} ahead`}
                        {c.reminders.length ? `; reminders ${c.reminders.join(", ")} before` : ""}
                        {c.realtimeNotices ? "; told when it starts and ends" : ""}
                        {c.postChangeNotice ? "; a notice afterwards" : ""}
                        {c.reviewWithin ? `; reviewed within ${c.reviewWithin}` : ""}.
                      </Text>
                    </Stack>
                  </Group>
                </Radio.Card>
              ))}
            </Stack>
          </Radio.Group>

          <TextInput
            label="Title"
            description="A short summary, e.g. “Replace the file server’s disks”."
            required
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            error={fieldError("title")}
          />
          <Textarea
            label="What changes"
            required
            autosize
            minRows={3}
            maxRows={14}
            maxLength={20_000}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={fieldError("description")}
          />
          <Textarea
            label="Why it is needed"
            required
            autosize
            minRows={2}
            maxLength={10_000}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={fieldError("reason")}
          />
          <Textarea
            label="Expected impact"
            description="What people will notice, in the provider's words."
            required
            autosize
            minRows={2}
            maxLength={10_000}
            value={impact}
            onChange={(e) => setImpact(e.currentTarget.value)}
            error={fieldError("impact")}
          />

          <Stack gap="sm" component="section" aria-labelledby="change-when-title">
            <Title order={3} fz="h5" id="change-when-title">
              When
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <ZonedDateTimeInput
                label="Planned start"
                zone={zone}
                required
                value={startInput}
                onChange={setStartInput}
                error={fieldError("plannedStart")}
              />
              <ZonedDateTimeInput
                label="Planned end"
                zone={zone}
                required
                value={endInput}
                onChange={setEndInput}
                error={fieldError("plannedEnd")}
              />
            </SimpleGrid>
            <NumberInput
              label="Expected downtime (minutes)"
              description="How long people cannot use the affected systems; 0 if they can."
              min={0}
              max={60 * 24 * 14}
              allowDecimal={false}
              allowNegative={false}
              value={downtime}
              onChange={setDowntime}
              error={fieldError("expectedDowntimeMinutes")}
              maw={280}
            />
          </Stack>

          <Stack gap="sm" component="section" aria-labelledby="change-risk-title">
            <Title order={3} fz="h5" id="change-risk-title">
              Risk and rollback
            </Title>
            <Stack gap={4}>
              <Text size="sm" fw={500} id="change-risk-label">
                Risk
              </Text>
              <SegmentedControl
                aria-labelledby="change-risk-label"
                data={CHANGE_RISKS.map((r) => ({ value: r, label: RISK_LABELS[r] }))}
                value={risk}
                onChange={(v) => setRisk(v as ChangeRisk)}
                w="fit-content"
              />
              {fieldError("risk") ? (
                <Text size="xs" c="red">
                  {fieldError("risk")}
                </Text>
              ) : null}
            </Stack>
            <Textarea
              label="How it was tested"
              description="Optional."
              autosize
              minRows={2}
              maxLength={10_000}
              value={testing}
              onChange={(e) => setTesting(e.currentTarget.value)}
              error={fieldError("testing")}
            />
            <Textarea
              label="Rollback plan"
              description="How the change is undone if it goes wrong, and how long that takes."
              required
              autosize
              minRows={2}
              maxLength={10_000}
              value={rollbackPlan}
              onChange={(e) => setRollbackPlan(e.currentTarget.value)}
              error={fieldError("rollbackPlan")}
            />
          </Stack>

          <Stack gap="sm" component="section" aria-labelledby="change-who-title">
            <Title order={3} fz="h5" id="change-who-title">
              What and who is affected
            </Title>
            <TagsInput
              label="Affected systems"
              description="Press Enter after each one."
              placeholder="e.g. Mail server, Firewall"
              data={form.systems}
              value={systems}
              onChange={setSystems}
              maxTags={50}
              clearable
              error={fieldError("affectedSystems")}
            />
            <MultiSelect
              label="Affected groups"
              description="Their members get the plain-language notice."
              placeholder={
                groupIds.length ? undefined : form.groups.length ? "Choose groups" : "No user groups yet"
              }
              data={form.groups.map((g) => ({
                value: g.id,
                label: `${g.name} (${g.members === 1 ? "1 person" : `${g.members} people`})`,
              }))}
              value={groupIds}
              onChange={setGroupIds}
              searchable
              clearable
              error={fieldError("affectedGroupIds")}
            />
            <Textarea
              label="Notice to affected people"
              description="One plain sentence for the people in those groups. Left empty, Liaison writes the one shown."
              placeholder={
                checkData?.userNotice ?? "Choose a class and a window to see the notice Liaison would write."
              }
              autosize
              minRows={2}
              maxLength={1_000}
              value={userNotice}
              onChange={(e) => {
                setUserNotice(e.currentTarget.value);
                setNoticeTouched(true);
              }}
              error={fieldError("userNotice")}
            />
            <RelatedTicketsInput
              relationshipId={relationshipId}
              value={ticketIds}
              onChange={setTicketIds}
              known={change?.relatedTickets}
              error={fieldError("relatedTicketIds")}
            />
          </Stack>
        </Stack>

        <Stack gap="sm" className="change-form-actions">
          {saveError ? (
            <ProblemAlert
              error={saveError}
              title={change ? "The change was not saved" : "The change was not created"}
            />
          ) : null}
          {hasErrors(errors) ? (
            <Text size="sm" c="red" role="alert">
              Some answers are missing; they are marked above.
            </Text>
          ) : null}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onCancel} disabled={saving}>
              Cancel
            </Button>
            {change ? (
              <>
                <Button
                  variant={canPropose ? "default" : "filled"}
                  leftSection={<IconDeviceFloppy size={16} aria-hidden />}
                  loading={update.isPending && !propose.isPending}
                  disabled={saving}
                  onClick={() => submit("save")}
                >
                  Save changes
                </Button>
                {canPropose ? (
                  <Button
                    leftSection={<IconSend size={16} aria-hidden />}
                    loading={propose.isPending}
                    disabled={saving}
                    onClick={() => submit("propose")}
                  >
                    Save and propose
                  </Button>
                ) : null}
              </>
            ) : (
              <>
                <Button
                  variant="default"
                  leftSection={<IconDeviceFloppy size={16} aria-hidden />}
                  disabled={saving}
                  onClick={() => submit("draft")}
                >
                  Save as draft
                </Button>
                <Button type="submit" leftSection={<IconSend size={16} aria-hidden />} loading={saving}>
                  Propose
                </Button>
              </>
            )}
          </Group>
        </Stack>

        <div className="change-form-aside">
          <CheckPanel
            zone={zone}
            ready={checkText !== ""}
            data={checkData}
            pending={check.isFetching || checkText !== debouncedCheck}
            error={check.isError ? check.error : null}
            classNotice={chosenClass?.notice}
            forClass={cls ?? undefined}
            onUseStart={moveStart}
          />
        </div>
      </div>
    </form>
  );
}

/**
 * The server's answer to the window being planned: conflicts first (each with its message; a
 * start too late for the required notice offers the earliest start that is not), then the rule
 * of who approves, then the notices that will go out.
 */
export function CheckPanel({
  zone,
  ready,
  data,
  pending,
  error,
  classNotice,
  forClass,
  onUseStart,
}: {
  zone: string;
  ready: boolean;
  data: CheckResult | undefined;
  pending: boolean;
  error: unknown;
  classNotice?: string;
  forClass?: ChangeClass;
  onUseStart: (iso: string) => void;
}) {
  const titleId = useId();
  return (
    <Card withBorder padding="md" component="section" aria-labelledby={titleId} aria-busy={pending}>
      <Stack gap="md">
        <Group gap="xs" justify="space-between" wrap="nowrap">
          <Title order={3} fz="h5" id={titleId}>
            Check against the protocol
          </Title>
          {pending && ready ? <Loader size="xs" aria-label="Checking…" /> : null}
        </Group>
        {!ready ? (
          <Text size="sm" c="dimmed">
            Choose a class and a start and end: Liaison checks the window for blackouts, maintenance windows
            and other changes, and shows who approves and which notices go out.
          </Text>
        ) : error ? (
          <ProblemAlert error={error} title="Could not check this window" />
        ) : !data ? (
          <Text size="sm" c="dimmed">
            Checking…
          </Text>
        ) : (
          <>
            <ConflictList conflicts={data.conflicts} zone={zone} onUseStart={onUseStart} />
            <ApprovalRuleBox approval={data.approval} forClass={forClass} />
            <NoticePlan
              notices={data.notices}
              zone={zone}
              latestNoticeAt={data.latestNoticeAt}
              classNotice={classNotice}
            />
          </>
        )}
      </Stack>
    </Card>
  );
}

const CONFLICT_ICONS: Record<Conflict["kind"], ReactNode> = {
  blackout: <IconCalendarOff size={18} aria-hidden />,
  outside_window: <IconCalendarCheck size={18} aria-hidden />,
  overlap: <IconStack2 size={18} aria-hidden />,
  notice_lead_time: <IconClockExclamation size={18} aria-hidden />,
};

const CONFLICT_COLORS: Record<Conflict["kind"], string> = {
  blackout: "red",
  outside_window: "yellow",
  overlap: "yellow",
  notice_lead_time: "orange",
};

/** Each conflict as an alert with the server's message. */
export function ConflictList({
  conflicts,
  zone,
  onUseStart,
}: {
  conflicts: Conflict[];
  zone: string;
  onUseStart?: (iso: string) => void;
}) {
  const titleId = useId();
  return (
    <Stack gap="xs" component="section" aria-labelledby={titleId}>
      <Title order={4} fz="sm" id={titleId}>
        Conflicts
      </Title>
      {conflicts.length === 0 ? (
        <Alert
          variant="light"
          color="teal"
          icon={<IconCircleCheck size={18} aria-hidden />}
          data-testid="no-conflicts"
        >
          <Text size="sm">
            No conflicts: no blackout, inside the rules for this class, no overlapping change.
          </Text>
        </Alert>
      ) : (
        conflicts.map((c, i) => (
          <Alert
            key={`${c.kind}-${i}`}
            variant="light"
            color={CONFLICT_COLORS[c.kind]}
            icon={CONFLICT_ICONS[c.kind]}
            title={CONFLICT_TITLES[c.kind]}
            data-conflict={c.kind}
          >
            <Stack gap={6}>
              <Text size="sm">{c.message}</Text>
              {c.kind === "notice_lead_time" && c.earliestStart ? (
                <>
                  <Text size="sm">
                    Earliest start with full notice: <ZonedTime iso={c.earliestStart} zone={zone} inline />
                  </Text>
                  {onUseStart ? (
                    <Button
                      size="compact-sm"
                      variant="light"
                      color="orange"
                      w="fit-content"
                      onClick={() => onUseStart(c.earliestStart!)}
                    >
                      Use the earliest start
                    </Button>
                  ) : null}
                </>
              ) : null}
            </Stack>
          </Alert>
        ))
      )}
    </Stack>
  );
}

/** The approval rule in a sentence, with the roles it names. */
export function ApprovalRuleBox({
  approval,
  forClass,
}: {
  approval: CheckResult["approval"];
  /** The class being planned: a rule borrowed from another class says so. */
  forClass?: ChangeClass;
}) {
  const titleId = useId();
  return (
    <Stack gap={6} component="section" aria-labelledby={titleId} data-testid="approval-rule">
      <Title order={4} fz="sm" id={titleId}>
        Approval
      </Title>
      <Text size="sm">{approval.explanation}</Text>
      {approval.roles.length ? (
        <Group gap={6} aria-label="Roles that approve">
          {approval.roles.map((r) => (
            <Badge key={r} variant="light" color="indigo" tt="none" data-role={r}>
              {roleLabel(r)}
            </Badge>
          ))}
        </Group>
      ) : null}
      {approval.asClass && approval.asClass !== forClass ? (
        <Text size="xs" c="dimmed">
          Approved under the rule for {classLabel(approval.asClass).toLowerCase()} changes.
        </Text>
      ) : null}
    </Stack>
  );
}

/** The notices the protocol requires, with when each is due and the latest it may go out. */
export function NoticePlan({
  notices,
  zone,
  latestNoticeAt,
  classNotice,
}: {
  notices: PlannedNotice[];
  zone: string;
  latestNoticeAt: string | null;
  classNotice?: string;
}) {
  const titleId = useId();
  return (
    <Stack gap={6} component="section" aria-labelledby={titleId}>
      <Title order={4} fz="sm" id={titleId}>
        Notice plan
      </Title>
      {notices.length === 0 ? (
        <Text size="sm" c="dimmed">
          The protocol requires no notice for this change.
        </Text>
      ) : (
        <ul className="plain-list" aria-labelledby={titleId}>
          <Stack gap={6}>
            {notices.map((n, i) => (
              <li key={`${n.kind}-${i}`} data-notice={n.kind}>
                <Text size="sm" fw={500}>
                  {n.label}
                  {n.state !== "planned" ? ` — ${NOTICE_STATE_LABELS[n.state].toLowerCase()}` : ""}
                </Text>
                {n.dueAt ? (
                  <ZonedTime iso={n.dueAt} zone={zone} size="xs" />
                ) : (
                  <Text size="xs" c="dimmed">
                    {NOTICE_EVENT_WORDS[n.kind]}
                  </Text>
                )}
                {n.reason ? (
                  <Text size="xs" c="orange.8">
                    {n.reason}
                  </Text>
                ) : null}
              </li>
            ))}
          </Stack>
        </ul>
      )}
      {latestNoticeAt ? (
        <Text size="xs" c="dimmed">
          {classNotice ? `The protocol asks for ${classNotice} of notice: the` : "The"} advance notice must go
          out by <ZonedTime iso={latestNoticeAt} zone={zone} inline />.
        </Text>
      ) : null}
    </Stack>
  );
}

/** Focuses the field (or the first choice of the group) described by the form's first error message. */
function focusFirstError(form: HTMLFormElement | null): void {
  const message = form?.querySelector<HTMLElement>('[id$="-error"]');
  if (!form || !message) return;
  const field = form.querySelector<HTMLElement>(`[aria-describedby~="${CSS.escape(message.id)}"]`);
  const target = field?.getAttribute("role") === "radiogroup" ? field.querySelector("input") : field;
  (target ?? message).focus();
  message.scrollIntoView({ block: "center" });
}
