import "./oncall.css";
import {
  Anchor,
  Button,
  Card,
  MultiSelect,
  Radio,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError } from "../api/problem.ts";
import { CLIENT_ROLES, PROVIDER_ROLES, roleLabel } from "../identity/roles.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { fieldMessage } from "./form-errors.ts";
import { FormFooter } from "./FormFooter.tsx";
import { OncallNav } from "./OncallNav.tsx";
import { OrderedRowButtons } from "./OrderedListControls.tsx";
import { useCreateRestorationPlan, useRestorationPlan, useUpdateRestorationPlan } from "./queries.ts";
import { type RestorationPlanDetail, type RestorationPlanInput, STRATEGIES, type Strategy } from "./types.ts";
import { STRATEGY_LABELS } from "./words.ts";

interface Step {
  key: string;
  text: string;
}

interface PlanDraft {
  system: string;
  strategy: Strategy | "";
  expectedRestore: string;
  recoveryPoint: string;
  runbook: Step[];
  executorRoles: string[];
  executorUserIds: string[];
  notes: string;
}

let sequence = 0;
const stepKey = () => `step-${++sequence}`;

const STRATEGY_HINTS: Record<Strategy, string> = {
  restore_from_backup: "Rebuild or reinstall, then bring the data back from the latest good backup.",
  fail_over: "Switch to a standby or redundant system that is already running.",
  repair_in_place: "Fix the system where it is: replace a part, repair the software.",
};

function draftOf(plan?: RestorationPlanDetail): PlanDraft {
  return {
    system: plan?.system ?? "",
    strategy: plan?.strategy ?? "",
    expectedRestore: plan?.expectedRestore ?? "",
    recoveryPoint: plan?.recoveryPoint ?? "",
    runbook: (plan?.runbook.length ? plan.runbook : [""]).map((text) => ({ key: stepKey(), text })),
    executorRoles: plan?.executorRoles ?? [],
    executorUserIds: plan?.executorUserIds ?? [],
    notes: plan?.notes ?? "",
  };
}

function checkDraft(d: PlanDraft): Record<string, string> {
  const e: Record<string, string> = {};
  if (!d.system.trim()) e.system = "Name the critical system, e.g. Mail server.";
  if (!d.strategy) e.strategy = "Choose how the system is brought back.";
  // The server reads the durations (4h, 30m, 1h30m, 2 business days) and names a field it cannot.
  if (!d.expectedRestore.trim()) e.expectedRestore = "How long restoring takes, e.g. 4h.";
  if (!d.recoveryPoint.trim()) e.recoveryPoint = "How much data may be lost, e.g. 24h.";
  return e;
}

function inputOf(d: PlanDraft): RestorationPlanInput {
  return {
    system: d.system.trim(),
    strategy: d.strategy as Strategy,
    expectedRestore: d.expectedRestore.trim(),
    recoveryPoint: d.recoveryPoint.trim(),
    runbook: d.runbook.map((s) => s.text.trim()).filter(Boolean),
    executorRoles: d.executorRoles,
    executorUserIds: d.executorUserIds,
    notes: d.notes.trim(),
  };
}

/** `/r/:relationshipId/oncall/restoration/new`: write the restoration plan of a critical system. */
export function NewRestorationPlanPage() {
  const { relationshipId = "" } = useParams();
  const create = useCreateRestorationPlan(relationshipId);
  const navigate = useNavigate();
  const list = `/r/${relationshipId}/oncall/restoration`;
  return (
    <PlanFormPage relationshipId={relationshipId} title="New restoration plan">
      <PlanForm
        relationshipId={relationshipId}
        submitLabel="Save the plan"
        pending={create.isPending}
        error={create.error}
        onCancel={() => navigate(list)}
        onSubmit={(input) =>
          create.mutate(input, {
            onSuccess: (plan) => {
              notifications.show({
                color: "teal",
                message: `Plan for ${plan.system} saved. It counts as stale until a test passes.`,
              });
              navigate(`${list}/${plan.id}`);
            },
          })
        }
      />
    </PlanFormPage>
  );
}

/** `/r/:relationshipId/oncall/restoration/:planId/edit`: change a plan (its keepers; the server checks). */
export function EditRestorationPlanPage() {
  const { relationshipId = "", planId = "" } = useParams();
  const plan = useRestorationPlan(relationshipId, planId);
  const update = useUpdateRestorationPlan(relationshipId, planId);
  const navigate = useNavigate();
  const [generation, setGeneration] = useState(0);
  const back = `/r/${relationshipId}/oncall/restoration/${planId}`;
  if (plan.isPending) return <Loading label="Loading the plan…" />;
  if (plan.isError && !plan.data)
    return (
      <PlanFormPage relationshipId={relationshipId} title="Edit the restoration plan">
        <ProblemAlert error={plan.error} title="Could not load the plan" />
      </PlanFormPage>
    );
  return (
    <PlanFormPage relationshipId={relationshipId} title={`Edit the plan for ${plan.data.system}`}>
      <PlanForm
        key={`${plan.data.id}-${generation}`}
        relationshipId={relationshipId}
        plan={plan.data}
        submitLabel="Save the plan"
        pending={update.isPending}
        error={update.error}
        onCancel={() => navigate(back)}
        onReload={() => {
          update.reset();
          setGeneration((g) => g + 1);
        }}
        onSubmit={(input, revision) =>
          update.mutate(
            { ...input, revision: revision ?? plan.data.revision },
            {
              onSuccess: () => {
                notifications.show({ color: "teal", message: "Plan saved." });
                navigate(back);
              },
            },
          )
        }
      />
    </PlanFormPage>
  );
}

function PlanFormPage({
  relationshipId,
  title,
  children,
}: {
  relationshipId: string;
  title: string;
  children: React.ReactNode;
}) {
  const relationship = useRelationship(relationshipId);
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;
  return (
    <Page
      title={title}
      documentTitle={name ? `${title} — ${name}` : title}
      eyebrow={
        <Anchor component={Link} to={`/r/${relationshipId}/oncall/restoration`} size="sm">
          Restoration plans{name ? ` — ${name}` : ""}
        </Anchor>
      }
      description="How a critical system is brought back after a failure, for whoever is on call when it breaks."
    >
      <OncallNav relationshipId={relationshipId} current="restoration" />
      {children}
    </Page>
  );
}

function PlanForm({
  relationshipId,
  plan,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
  onReload,
}: {
  relationshipId: string;
  plan?: RestorationPlanDetail;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (input: RestorationPlanInput, revision: number | undefined) => void;
  onCancel: () => void;
  onReload?: () => void;
}) {
  const relationship = useRelationship(relationshipId);
  const [draft, setDraft] = useState<PlanDraft>(() => draftOf(plan));
  // The plan refetches on live pings; the edit is of the revision the form began with.
  const [revision] = useState(() => plan?.revision);
  const [local, setLocal] = useState<Record<string, string>>({});
  const err = (path: string, within = false) => fieldMessage(local, error, path, within);
  const set = (change: Partial<PlanDraft>) => {
    const next = { ...draft, ...change };
    setDraft(next);
    // A problem shown since the last submit goes away once fixed; new ones wait for the next submit.
    if (Object.keys(local).length) {
      const now = checkDraft(next);
      setLocal(Object.fromEntries(Object.keys(local).flatMap((k) => (now[k] ? [[k, now[k]]] : []))));
    }
  };
  const setStep = (i: number, text: string) =>
    set({ runbook: draft.runbook.map((s, j) => (j === i ? { ...s, text } : s)) });

  const rel = relationship.data;
  const people = rel
    ? [
        {
          group: rel.client.name,
          items: rel.people.client.map((p) => ({ value: p.userId, label: p.name })),
        },
        {
          group: rel.provider.name,
          items: rel.people.provider.map((p) => ({ value: p.userId, label: p.name })),
        },
      ]
    : [];
  // Names of people no longer in the relationship, so an edit still shows them.
  for (const e of plan?.executors ?? [])
    if (!people.some((g) => g.items.some((i) => i.value === e.userId)))
      people.push({ group: "No longer in the relationship", items: [{ value: e.userId, label: e.name }] });
  const roles = [
    {
      group: rel ? `${rel.client.name} (client)` : "Client",
      items: CLIENT_ROLES.map((r) => ({ value: r, label: roleLabel(r) })),
    },
    {
      group: rel ? `${rel.provider.name} (provider)` : "Provider",
      items: PROVIDER_ROLES.map((r) => ({ value: r, label: roleLabel(r) })),
    },
  ];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = checkDraft(draft);
    setLocal(problems);
    if (Object.keys(problems).length) return;
    onSubmit(inputOf(draft), revision);
  };
  const conflict =
    error instanceof ApiError && error.status === 409 && onReload && !error.fieldError("system");

  return (
    <form onSubmit={submit} noValidate aria-label="Restoration plan">
      <Stack gap="lg">
        <Card withBorder padding="lg" component="section" aria-labelledby="plan-what">
          <Stack gap="md">
            <Title order={2} fz="h4" id="plan-what">
              The system and how it comes back
            </Title>
            <TextInput
              label="Critical system"
              required
              maxLength={200}
              placeholder="Mail server"
              description="One plan per system."
              value={draft.system}
              onChange={(e) => set({ system: e.currentTarget.value })}
              error={err("system")}
            />
            <Radio.Group
              label="Strategy"
              required
              value={draft.strategy}
              onChange={(v) => set({ strategy: v as Strategy })}
              error={err("strategy")}
            >
              <Stack gap="xs" mt={6}>
                {STRATEGIES.map((s) => (
                  <Radio key={s} value={s} label={STRATEGY_LABELS[s]} description={STRATEGY_HINTS[s]} />
                ))}
              </Stack>
            </Radio.Group>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <TextInput
                label="Expected time to restore"
                required
                maxLength={60}
                placeholder="4h"
                description="From starting the plan to the system working, e.g. 4h or 30m."
                value={draft.expectedRestore}
                onChange={(e) => set({ expectedRestore: e.currentTarget.value })}
                error={err("expectedRestore")}
              />
              <TextInput
                label="Data that may be lost"
                required
                maxLength={60}
                placeholder="24h"
                description="The recovery point: work from this long before the failure may be gone, e.g. 24h."
                value={draft.recoveryPoint}
                onChange={(e) => set({ recoveryPoint: e.currentTarget.value })}
                error={err("recoveryPoint")}
              />
            </SimpleGrid>
          </Stack>
        </Card>

        <Card withBorder padding="lg" component="section" aria-labelledby="plan-steps">
          <Stack gap="sm">
            <div>
              <Title order={2} fz="h4" id="plan-steps">
                Runbook
              </Title>
              <Text size="sm" c="dimmed">
                The steps, in order, for someone woken at night: where things are, what to run, how to check
                it worked. Empty steps are left out.
              </Text>
            </div>
            <ol className="plain-list" aria-labelledby="plan-steps">
              <Stack gap="xs">
                {draft.runbook.map((s, i) => (
                  <li key={s.key} className="oc-edit-row">
                    <Textarea
                      label={`Step ${i + 1}`}
                      autosize
                      minRows={1}
                      maxLength={2_000}
                      value={s.text}
                      onChange={(e) => setStep(i, e.currentTarget.value)}
                      error={err(`runbook.${i}`)}
                    />
                    <div className="oc-row-buttons" style={{ paddingTop: 26 }}>
                      <OrderedRowButtons
                        list={draft.runbook}
                        index={i}
                        name={`step ${i + 1}`}
                        onChange={(runbook) => set({ runbook })}
                      />
                    </div>
                  </li>
                ))}
              </Stack>
            </ol>
            {err("runbook") ? (
              <Text size="sm" c="red">
                {err("runbook")}
              </Text>
            ) : null}
            <Button
              variant="default"
              w="fit-content"
              leftSection={<IconPlus size={16} aria-hidden />}
              onClick={() => set({ runbook: [...draft.runbook, { key: stepKey(), text: "" }] })}
            >
              Add a step
            </Button>
          </Stack>
        </Card>

        <Card withBorder padding="lg" component="section" aria-labelledby="plan-who">
          <Stack gap="md">
            <Title order={2} fz="h4" id="plan-who">
              Who can carry it out
            </Title>
            <MultiSelect
              label="Roles"
              description="Anyone holding one of these roles can execute the plan."
              data={roles}
              value={draft.executorRoles}
              onChange={(v) => set({ executorRoles: v })}
              clearable
              error={err("executorRoles", true)}
            />
            <MultiSelect
              label="Named people"
              description="People of either side who know this system."
              data={people}
              value={draft.executorUserIds}
              onChange={(v) => set({ executorUserIds: v })}
              searchable
              clearable
              maxValues={50}
              nothingFoundMessage="Nobody in this relationship by that name"
              error={err("executorUserIds", true)}
            />
            <Textarea
              label="Notes"
              description="Anything else: where the backups are, licence keys' location, vendor contacts."
              autosize
              minRows={3}
              maxLength={10_000}
              value={draft.notes}
              onChange={(e) => set({ notes: e.currentTarget.value })}
              error={err("notes")}
            />
          </Stack>
        </Card>

        <FormFooter
          noun="plan"
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
