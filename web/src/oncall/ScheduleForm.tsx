import "./oncall.css";
import {
  ActionIcon,
  Button,
  Card,
  Chip,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
  Tooltip,
} from "@mantine/core";
import { IconMoon, IconPlus, IconTrash, IconX } from "@tabler/icons-react";
import { type FormEvent, useMemo, useState } from "react";
import { ApiError } from "../api/problem.ts";
import { useMe, useMembers } from "../identity/queries.ts";
import { nowInputValue, viewerZone } from "../protocol/zone.ts";
import { fieldMessage } from "./form-errors.ts";
import { FormFooter } from "./FormFooter.tsx";
import { OrderedRowButtons } from "./OrderedListControls.tsx";
import { knownZones } from "./time.ts";
import {
  HANDOFF_UNITS,
  type HandoffUnit,
  type Schedule,
  type ScheduleInput,
  WEEKDAYS,
  type Weekday,
} from "./types.ts";
import { DAY_SHORT, defaultLayerName, restrictionLabel, unitLabel } from "./words.ts";

interface RestrictionDraft {
  key: string;
  days: Weekday[];
  from: string;
  to: string;
}

interface RotationDraft {
  key: string;
  /** Kept when editing, so the rotation's shifts keep their calendar UIDs. */
  id?: string;
  name: string;
  layer: number;
  participants: string[];
  start: string;
  every: number | string;
  unit: HandoffUnit;
  restrictions: RestrictionDraft[];
  end: string;
}

interface ScheduleDraft {
  name: string;
  timeZone: string;
  /** "" = shared across every relationship without a schedule of its own. */
  relationshipId: string;
  layerNames: Record<string, string>;
  rotations: RotationDraft[];
}

let sequence = 0;
/** A key for a row of the form (React needs one that survives reordering). */
const rowKey = () => `row-${++sequence}`;

const LAYERS = [1, 2, 3, 4, 5];
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const CLOCK_OR_24 = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/**
 * "Only outside business hours": weekday evenings and nights, and the whole weekend. Monday
 * 00:00–08:00 is its own window, because Sunday's all-day window ends at midnight.
 */
function outsideBusinessHours(): RestrictionDraft[] {
  return [
    { key: rowKey(), days: ["mon", "tue", "wed", "thu", "fri"], from: "18:00", to: "08:00" },
    { key: rowKey(), days: ["sat", "sun"], from: "00:00", to: "24:00" },
    { key: rowKey(), days: ["mon"], from: "00:00", to: "08:00" },
  ];
}

function newRotation(zone: string, layer: number, index: number): RotationDraft {
  return {
    key: rowKey(),
    name: index === 0 ? "Weekly rotation" : `Rotation ${index + 1}`,
    layer,
    participants: [],
    start: `${nowInputValue(zone).slice(0, 10)}T09:00`,
    every: 1,
    unit: "week",
    restrictions: [],
    end: "",
  };
}

function draftOf(schedule: Schedule | undefined): ScheduleDraft {
  if (!schedule) {
    const zone = viewerZone();
    return {
      name: "",
      timeZone: zone,
      relationshipId: "",
      layerNames: {},
      rotations: [newRotation(zone, 1, 0)],
    };
  }
  return {
    name: schedule.name,
    timeZone: schedule.timeZone,
    relationshipId: schedule.relationshipId ?? "",
    layerNames: { ...schedule.layerNames },
    rotations: schedule.rotations.map((r) => ({
      key: rowKey(),
      id: r.id,
      name: r.name,
      layer: r.layer,
      participants: [...r.participants],
      start: r.start,
      every: r.every,
      unit: r.unit,
      restrictions: r.restrictions.map((x) => ({ key: rowKey(), days: [...x.days], from: x.from, to: x.to })),
      end: r.end ?? "",
    })),
  };
}

/** The browser's checks, keyed by the same paths as the server's (`rotations.0.name`). */
function checkDraft(d: ScheduleDraft): Record<string, string> {
  const e: Record<string, string> = {};
  if (!d.name.trim()) e.name = "Give the schedule a name.";
  if (!d.timeZone) e.timeZone = "Choose the time zone the rotations run in.";
  if (!d.rotations.length) e.rotations = "Add at least one rotation.";
  d.rotations.forEach((r, i) => {
    const at = `rotations.${i}`;
    if (!r.name.trim()) e[`${at}.name`] = "Give the rotation a name.";
    if (!r.participants.length) e[`${at}.participants`] = "Add at least one person.";
    if (!LOCAL_DATE_TIME.test(r.start)) e[`${at}.start`] = "Choose the date and time of the first handoff.";
    const every = Number(r.every);
    if (r.every === "" || !Number.isInteger(every) || every < 1) e[`${at}.every`] = "A whole number from 1.";
    if (r.end && !LOCAL_DATE_TIME.test(r.end)) e[`${at}.end`] = "Choose a date and time, or leave it empty.";
    else if (r.end && r.end <= r.start) e[`${at}.end`] = "The rotation would stop before its first handoff.";
    r.restrictions.forEach((x, j) => {
      const rat = `${at}.restrictions.${j}`;
      if (!x.days.length) e[`${rat}.days`] = "Pick at least one day.";
      if (!CLOCK.test(x.from)) e[`${rat}.from`] = "A time like 18:00.";
      if (!CLOCK_OR_24.test(x.to)) e[`${rat}.to`] = "A time like 08:00 (or 24:00).";
    });
  });
  return e;
}

/** The problems shown before that are still there, with their current wording. */
function stillWrong(shown: Record<string, string>, now: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of Object.keys(shown)) if (now[path]) out[path] = now[path];
  return out;
}

function inputOf(d: ScheduleDraft): ScheduleInput {
  const layers = new Set(d.rotations.map((r) => r.layer));
  const layerNames: Record<string, string> = {};
  for (const [layer, name] of Object.entries(d.layerNames))
    if (name.trim() && layers.has(Number(layer))) layerNames[layer] = name.trim();
  return {
    name: d.name.trim(),
    timeZone: d.timeZone,
    relationshipId: d.relationshipId || null,
    layerNames,
    rotations: d.rotations.map((r) => ({
      ...(r.id ? { id: r.id } : {}),
      name: r.name.trim(),
      layer: r.layer,
      participants: r.participants,
      start: r.start,
      every: Number(r.every),
      unit: r.unit,
      restrictions: r.restrictions.map((x) => ({ days: x.days, from: x.from, to: x.to })),
      end: r.end || null,
    })),
  };
}

/**
 * Writes or edits a schedule: its name, time zone and the relationship it covers (or shared),
 * layer names, and rotations — ordered people taking turns from a first handoff, every N hours,
 * days or weeks, optionally only in weekly windows of the schedule's zone.
 */
export function ScheduleForm({
  orgId,
  schedule,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
  onReload,
}: {
  orgId: string;
  schedule?: Schedule;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  /** With the revision the form started from (the edit is refused with 409 if it moved since). */
  onSubmit: (input: ScheduleInput, revision: number | undefined) => void;
  onCancel: () => void;
  /** After a 409: start again from the schedule as it now is. */
  onReload?: () => void;
}) {
  const [draft, setDraft] = useState<ScheduleDraft>(() => draftOf(schedule));
  // The page refetches the schedule now and then; the edit is of the revision the form began with.
  const [revision] = useState(() => schedule?.revision);
  const [local, setLocal] = useState<Record<string, string>>({});
  const members = useMembers(orgId);
  const me = useMe();
  const zones = useMemo(() => knownZones(), []);

  const names = useMemo(() => {
    const map = new Map<string, string>();
    schedule?.rotations.forEach((r) =>
      r.participants.forEach((id, i) => map.set(id, r.participantNames[i] ?? id)),
    );
    members.data?.items.forEach((m) => map.set(m.userId, m.name));
    return map;
  }, [members.data, schedule]);
  const people = (members.data?.items ?? [])
    .slice()
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((m) => ({ value: m.userId, label: m.name }));
  const relationships = (me.data?.relationships ?? []).filter((r) => r.provider.id === orgId);
  const usedLayers = [...new Set(draft.rotations.map((r) => r.layer))].sort((a, b) => a - b);

  const err = (path: string, within = false) => fieldMessage(local, error, path, within);
  const update = (next: ScheduleDraft) => {
    setDraft(next);
    // A problem shown since the last submit goes away once fixed; new ones wait for the next submit.
    if (Object.keys(local).length) setLocal(stillWrong(local, checkDraft(next)));
  };
  const set = (change: Partial<ScheduleDraft>) => update({ ...draft, ...change });
  const setRotation = (index: number, change: Partial<RotationDraft>) =>
    update({ ...draft, rotations: draft.rotations.map((r, i) => (i === index ? { ...r, ...change } : r)) });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = checkDraft(draft);
    setLocal(problems);
    if (Object.keys(problems).length) return;
    onSubmit(inputOf(draft), revision);
  };

  const conflict = error instanceof ApiError && error.status === 409 && onReload;
  const layerLabel = (layer: number) => draft.layerNames[String(layer)]?.trim() || defaultLayerName(layer);

  return (
    <form onSubmit={submit} noValidate aria-label="Schedule">
      <Stack gap="lg">
        <Card withBorder padding="lg" component="section" aria-labelledby="schedule-basics">
          <Stack gap="md">
            <Title order={2} fz="h4" id="schedule-basics">
              The schedule
            </Title>
            <TextInput
              label="Name"
              required
              maxLength={120}
              placeholder="After-hours support"
              value={draft.name}
              onChange={(e) => set({ name: e.currentTarget.value })}
              error={err("name")}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <Select
                label="Time zone"
                required
                searchable
                description="Handoffs and on-duty windows are read in this zone, and DST changes follow it."
                data={zones}
                value={draft.timeZone}
                onChange={(v) => v && set({ timeZone: v })}
                error={err("timeZone")}
                nothingFoundMessage="No such time zone"
              />
              <Select
                label="Covers"
                description="A relationship's own schedule, or the one shared by every client without its own."
                data={[
                  { value: "", label: "Shared: every client without its own schedule" },
                  ...relationships.map((r) => ({ value: r.id, label: r.client.name })),
                ]}
                value={draft.relationshipId}
                onChange={(v) => set({ relationshipId: v ?? "" })}
                allowDeselect={false}
                error={err("relationshipId")}
              />
            </SimpleGrid>
            <div>
              <Text size="sm" fw={500}>
                Layer names
              </Text>
              <Text size="xs" c="dimmed" mb={6}>
                Layer 1 is paged first; later layers are the backups the emergency paging chain goes to next.
              </Text>
              <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="xs">
                {usedLayers.map((layer) => (
                  <TextInput
                    key={layer}
                    label={`Layer ${layer}`}
                    placeholder={defaultLayerName(layer)}
                    maxLength={60}
                    value={draft.layerNames[String(layer)] ?? ""}
                    onChange={(e) =>
                      set({ layerNames: { ...draft.layerNames, [String(layer)]: e.currentTarget.value } })
                    }
                    error={err(`layerNames.${layer}`)}
                  />
                ))}
              </SimpleGrid>
            </div>
          </Stack>
        </Card>

        <Stack gap="md" component="section" aria-labelledby="schedule-rotations">
          <div>
            <Title order={2} fz="h4" id="schedule-rotations">
              Rotations
            </Title>
            <Text size="sm" c="dimmed">
              People take turns in the order given; the turn passes at each handoff. A rotation with on-duty
              windows covers only those hours.
            </Text>
            {err("rotations") ? (
              <Text size="sm" c="red" mt={4}>
                {err("rotations")}
              </Text>
            ) : null}
          </div>
          {draft.rotations.map((r, i) => (
            <RotationEditor
              key={r.key}
              index={i}
              count={draft.rotations.length}
              rotation={r}
              zone={draft.timeZone}
              people={people}
              names={names}
              layerLabel={layerLabel}
              err={err}
              onChange={(change) => setRotation(i, change)}
              onRemove={() => set({ rotations: draft.rotations.filter((_, j) => j !== i) })}
            />
          ))}
          <Button
            variant="default"
            w="fit-content"
            leftSection={<IconPlus size={16} aria-hidden />}
            onClick={() =>
              set({
                rotations: [
                  ...draft.rotations,
                  newRotation(
                    draft.timeZone,
                    Math.min(5, Math.max(1, ...usedLayers) + 1),
                    draft.rotations.length,
                  ),
                ],
              })
            }
          >
            Add a rotation
          </Button>
        </Stack>

        <FormFooter
          noun="schedule"
          invalid={Object.keys(local).length > 0}
          conflict={conflict ? error : undefined}
          error={error}
          onReload={onReload}
          pending={pending}
          onCancel={onCancel}
          submitLabel={submitLabel}
        />
      </Stack>
    </form>
  );
}

function RotationEditor({
  index,
  count,
  rotation: r,
  zone,
  people,
  names,
  layerLabel,
  err,
  onChange,
  onRemove,
}: {
  index: number;
  count: number;
  rotation: RotationDraft;
  zone: string;
  people: { value: string; label: string }[];
  names: Map<string, string>;
  layerLabel: (layer: number) => string;
  err: (path: string, within?: boolean) => string | undefined;
  onChange: (change: Partial<RotationDraft>) => void;
  onRemove: () => void;
}) {
  const at = `rotations.${index}`;
  const [search, setSearch] = useState("");
  const titleId = `rotation-${r.key}`;
  const setRestriction = (j: number, change: Partial<RestrictionDraft>) =>
    onChange({ restrictions: r.restrictions.map((x, k) => (k === j ? { ...x, ...change } : x)) });

  return (
    <Card withBorder padding="lg" className="oc-rotation" component="section" aria-labelledby={titleId}>
      <Stack gap="md">
        <Group justify="space-between" gap="xs" wrap="nowrap">
          <Title order={3} fz="h5" id={titleId} className="oc-wrap">
            {r.name.trim() || `Rotation ${index + 1}`}
          </Title>
          {count > 1 ? (
            <Button
              variant="subtle"
              color="red"
              size="compact-sm"
              leftSection={<IconTrash size={14} aria-hidden />}
              onClick={onRemove}
              aria-label={`Remove the rotation ${r.name.trim() || index + 1}`}
            >
              Remove
            </Button>
          ) : null}
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <TextInput
            label="Rotation name"
            required
            maxLength={120}
            value={r.name}
            onChange={(e) => onChange({ name: e.currentTarget.value })}
            error={err(`${at}.name`)}
          />
          <Select
            label="Layer"
            description="1 is paged first."
            data={LAYERS.map((l) => ({ value: String(l), label: `${l} — ${layerLabel(l)}` }))}
            value={String(r.layer)}
            onChange={(v) => v && onChange({ layer: Number(v) })}
            allowDeselect={false}
            error={err(`${at}.layer`)}
          />
        </SimpleGrid>

        <div>
          <Text size="sm" fw={500} id={`${titleId}-people`}>
            People, in turn order
          </Text>
          <Text size="xs" c="dimmed" mb={6}>
            The first person is on call from the first handoff, then the next, and round again.
          </Text>
          {r.participants.length ? (
            <ol className="plain-list" aria-labelledby={`${titleId}-people`}>
              <Stack gap={4}>
                {r.participants.map((id, k) => {
                  const name = names.get(id) ?? "Unknown person";
                  const problem = err(`${at}.participants.${k}`);
                  return (
                    <li key={`${id}-${k}`}>
                      <Group gap="xs" wrap="nowrap" justify="space-between">
                        <Text size="sm" className="oc-wrap">
                          {k + 1}. {name}
                        </Text>
                        <Group gap={2} wrap="nowrap">
                          <OrderedRowButtons
                            list={r.participants}
                            index={k}
                            name={name}
                            removeLabel={`Remove ${name} from the rotation`}
                            removeIcon={IconX}
                            onChange={(participants) => onChange({ participants })}
                          />
                        </Group>
                      </Group>
                      {problem ? (
                        <Text size="xs" c="red">
                          {problem}
                        </Text>
                      ) : null}
                    </li>
                  );
                })}
              </Stack>
            </ol>
          ) : null}
          <Select
            mt={6}
            aria-label={`Add a person to ${r.name.trim() || `rotation ${index + 1}`}`}
            placeholder="Add a person…"
            searchable
            data={people}
            value={null}
            searchValue={search}
            onSearchChange={setSearch}
            onChange={(v) => {
              if (v) onChange({ participants: [...r.participants, v] });
              setSearch("");
            }}
            nothingFoundMessage="Nobody on the staff by that name"
            error={err(`${at}.participants`)}
          />
        </div>

        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          <TextInput
            type="datetime-local"
            label="First handoff"
            required
            description={`${zone} time.`}
            value={r.start}
            onChange={(e) => onChange({ start: e.currentTarget.value })}
            error={err(`${at}.start`)}
          />
          <Group gap="xs" align="flex-start" wrap="nowrap" style={{ gridColumn: "span 1" }}>
            <NumberInput
              label="Hand over every"
              required
              min={1}
              max={672}
              allowDecimal={false}
              value={r.every}
              onChange={(v) => onChange({ every: v })}
              error={err(`${at}.every`)}
              style={{ flex: 1, minWidth: 0 }}
            />
            <Select
              label="Unit"
              data={HANDOFF_UNITS.map((u) => ({ value: u, label: unitLabel(u, Number(r.every) !== 1) }))}
              value={r.unit}
              onChange={(v) => v && onChange({ unit: v as HandoffUnit })}
              allowDeselect={false}
              error={err(`${at}.unit`)}
              style={{ flex: 1, minWidth: 0 }}
            />
          </Group>
          <TextInput
            type="datetime-local"
            label="Stops (optional)"
            description="Leave empty to keep it running."
            value={r.end}
            onChange={(e) => onChange({ end: e.currentTarget.value })}
            error={err(`${at}.end`)}
          />
        </SimpleGrid>

        <div>
          <Text size="sm" fw={500}>
            When this rotation is on duty
          </Text>
          <Text size="xs" c="dimmed" mb={6}>
            {r.restrictions.length
              ? `Only in these weekly windows, in ${zone} time. A window that ends at or before its start runs overnight into the next day.`
              : "All the time between handoffs. Add windows to cover only some hours, e.g. outside business hours."}
          </Text>
          <Stack gap="sm">
            {r.restrictions.map((x, j) => (
              <RestrictionRow
                key={x.key}
                restriction={x}
                path={`${at}.restrictions.${j}`}
                err={err}
                onChange={(change) => setRestriction(j, change)}
                onRemove={() => onChange({ restrictions: r.restrictions.filter((_, k) => k !== j) })}
              />
            ))}
          </Stack>
          <Group gap="xs" mt="xs" wrap="wrap">
            <Button
              variant="default"
              size="xs"
              leftSection={<IconPlus size={14} aria-hidden />}
              onClick={() =>
                onChange({
                  restrictions: [
                    ...r.restrictions,
                    { key: rowKey(), days: ["mon", "tue", "wed", "thu", "fri"], from: "18:00", to: "08:00" },
                  ],
                })
              }
            >
              Add a window
            </Button>
            <Button
              variant="light"
              size="xs"
              leftSection={<IconMoon size={14} aria-hidden />}
              onClick={() => onChange({ restrictions: outsideBusinessHours() })}
            >
              Only outside business hours
            </Button>
          </Group>
        </div>
      </Stack>
    </Card>
  );
}

function RestrictionRow({
  restriction: x,
  path,
  err,
  onChange,
  onRemove,
}: {
  restriction: RestrictionDraft;
  path: string;
  err: (path: string, within?: boolean) => string | undefined;
  onChange: (change: Partial<RestrictionDraft>) => void;
  onRemove: () => void;
}) {
  const daysError = err(`${path}.days`, true);
  const label = restrictionLabel(x);
  return (
    <div className="oc-restriction-row" role="group" aria-label={`On-duty window: ${label}`}>
      <div className="oc-restriction-days">
        <Chip.Group multiple value={x.days} onChange={(v) => onChange({ days: v as Weekday[] })}>
          <div className="oc-day-chips" role="group" aria-label="Days">
            {WEEKDAYS.map((d) => (
              <Chip key={d} value={d} size="xs" radius="sm">
                {DAY_SHORT[d]}
              </Chip>
            ))}
          </div>
        </Chip.Group>
        {daysError ? (
          <Text size="xs" c="red" mt={2}>
            {daysError}
          </Text>
        ) : null}
      </div>
      <TextInput
        label="From"
        size="xs"
        placeholder="18:00"
        inputMode="numeric"
        maxLength={5}
        value={x.from}
        onChange={(e) => onChange({ from: e.currentTarget.value })}
        error={err(`${path}.from`)}
      />
      <TextInput
        label="To"
        size="xs"
        placeholder="08:00"
        inputMode="numeric"
        maxLength={5}
        value={x.to}
        onChange={(e) => onChange({ to: e.currentTarget.value })}
        error={err(`${path}.to`)}
      />
      <Text size="xs" c="dimmed" className="oc-restriction-summary" aria-hidden>
        {label}
      </Text>
      <Tooltip label="Remove this window" withArrow>
        <ActionIcon
          variant="subtle"
          color="red"
          aria-label={`Remove the window ${label}`}
          onClick={onRemove}
          mb={2}
        >
          <IconTrash size={16} aria-hidden />
        </ActionIcon>
      </Tooltip>
    </div>
  );
}
