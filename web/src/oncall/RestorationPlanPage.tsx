import "./oncall.css";
import { Anchor, Button, Card, Group, Radio, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArchive, IconPencil, IconTestPipe } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ZonedDateTimeInput } from "../changes/fields.tsx";
import { roleLabel } from "../identity/roles.ts";
import { inputValueToIso, nowInputValue, viewerZone } from "../protocol/zone.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { ActionDialog } from "../ui/ActionDialog.tsx";
import { ConfirmModal } from "../ui/ConfirmModal.tsx";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { formatAbsolute, TimeStamp } from "../ui/time.tsx";
import { fieldMessage } from "./form-errors.ts";
import { useLiveRestoration } from "./live.ts";
import { OncallNav } from "./OncallNav.tsx";
import { useArchiveRestorationPlan, useRecordRestorationTest, useRestorationPlan } from "./queries.ts";
import { LastTestFailedBadge, OutcomeBadge, StaleBadge, staleWords } from "./restoration-badges.tsx";
import { type RestorationPlanDetail, TEST_OUTCOMES, type TestOutcome } from "./types.ts";
import { durationWords, OUTCOME_LABELS, STRATEGY_LABELS } from "./words.ts";

/**
 * `/r/:relationshipId/oncall/restoration/:planId`: one plan — strategy, how long restoring takes
 * and how much data may be lost, the runbook's steps, who can carry it out, notes — and every
 * test recorded. Its keepers edit it, record tests and archive it.
 */
export function RestorationPlanPage() {
  const { relationshipId = "", planId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const plan = useRestorationPlan(relationshipId, planId);
  const archive = useArchiveRestorationPlan(relationshipId);
  const navigate = useNavigate();
  const [testing, setTesting] = useState(false);
  const [archiving, setArchiving] = useState(false);
  useLiveRestoration(relationshipId);

  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;
  const list = `/r/${relationshipId}/oncall/restoration`;
  if (plan.isPending) return <Loading label="Loading the plan…" />;
  if (plan.isError && !plan.data)
    return (
      <Page title="Restoration plan" eyebrow={name}>
        <OncallNav relationshipId={relationshipId} current="restoration" />
        <ProblemAlert error={plan.error} title="Could not load the plan" />
      </Page>
    );
  const p = plan.data;
  const stale = staleWords(p);

  return (
    <Page
      title={p.system}
      documentTitle={`${p.system} — restoration plan`}
      eyebrow={
        <Anchor component={Link} to={list} size="sm">
          Restoration plans{name ? ` — ${name}` : ""}
        </Anchor>
      }
      actions={
        <>
          {p.abilities.recordTest ? (
            <Button leftSection={<IconTestPipe size={16} aria-hidden />} onClick={() => setTesting(true)}>
              Record a test
            </Button>
          ) : null}
          {p.abilities.edit ? (
            <Button
              component={Link}
              to={`${list}/${p.id}/edit`}
              variant="default"
              leftSection={<IconPencil size={16} aria-hidden />}
            >
              Edit
            </Button>
          ) : null}
          {p.abilities.archive ? (
            <Button
              variant="subtle"
              color="red"
              leftSection={<IconArchive size={16} aria-hidden />}
              onClick={() => setArchiving(true)}
            >
              Archive
            </Button>
          ) : null}
        </>
      }
    >
      <OncallNav relationshipId={relationshipId} current="restoration" />
      <Group gap={6} wrap="wrap">
        <StaleBadge plan={p} size="lg" />
        <LastTestFailedBadge plan={p} size="lg" />
      </Group>
      {stale ? (
        <Text size="sm" c="orange.8">
          {stale}. Until a test passes (or partly works), nobody knows this plan still brings {p.system} back.
        </Text>
      ) : null}

      <Card withBorder padding="lg" component="section" aria-labelledby="plan-facts">
        <Stack gap="sm">
          <Title order={2} fz="h4" id="plan-facts">
            The plan
          </Title>
          <dl className="oc-facts">
            <dt>Strategy</dt>
            <dd>{STRATEGY_LABELS[p.strategy]}</dd>
            <dt>Expected time to restore</dt>
            <dd>{durationWords(p.expectedRestore)}</dd>
            <dt>Data that may be lost</dt>
            <dd>Up to {durationWords(p.recoveryPoint)} before the failure (the recovery point)</dd>
            <dt>Who can carry it out</dt>
            <dd>{executorsWords(p)}</dd>
            <dt>Last tested</dt>
            <dd>
              {p.lastTestedAt ? formatAbsolute(p.lastTestedAt) : "Never"}
              {p.lastTest && p.lastTest.testedAt !== p.lastTestedAt
                ? ` (a later test ${OUTCOME_LABELS[p.lastTest.outcome].toLowerCase()}, ${formatAbsolute(p.lastTest.testedAt)})`
                : ""}
            </dd>
            <dt>Test again by</dt>
            <dd>
              {p.testDueAt
                ? `${formatAbsolute(p.testDueAt)}${p.maxAge ? ` (the protocol allows ${durationWords(p.maxAge)})` : ""}`
                : "No protocol in effect sets a maximum age"}
            </dd>
          </dl>
        </Stack>
      </Card>

      <Card withBorder padding="lg" component="section" aria-labelledby="plan-runbook">
        <Stack gap="sm">
          <Title order={2} fz="h4" id="plan-runbook">
            Runbook
          </Title>
          {p.runbook.length ? (
            <ol className="oc-runbook">
              {p.runbook.map((step, i) => (
                <li key={i}>
                  <Text size="sm" span>
                    {step}
                  </Text>
                </li>
              ))}
            </ol>
          ) : (
            <Text size="sm" c="dimmed">
              No steps written yet.
            </Text>
          )}
          {p.notes ? (
            <>
              <Title order={3} fz="h5" mt="xs">
                Notes
              </Title>
              <Text size="sm" className="oc-prewrap">
                {p.notes}
              </Text>
            </>
          ) : null}
        </Stack>
      </Card>

      <Card withBorder padding="lg" component="section" aria-labelledby="plan-tests">
        <Stack gap="sm">
          <Title order={2} fz="h4" id="plan-tests">
            Tests
          </Title>
          <Text size="sm" c="dimmed">
            A test that passed or partly worked makes the plan current as of that day; a failed test is kept
            here but proves nothing.
          </Text>
          {p.tests.length === 0 ? (
            <Text size="sm">No test recorded yet.</Text>
          ) : (
            <Stack gap="sm" component="ol" className="plain-list">
              {p.tests.map((t) => (
                <li key={t.id}>
                  <Group gap="xs" wrap="wrap">
                    <OutcomeBadge outcome={t.outcome} />
                    <Text size="sm" fw={600}>
                      {formatAbsolute(t.testedAt)}
                    </Text>
                    {t.took ? (
                      <Text size="sm" c="dimmed">
                        took {durationWords(t.took)}
                      </Text>
                    ) : null}
                  </Group>
                  {t.notes ? (
                    <Text size="sm" className="oc-prewrap" mt={2}>
                      {t.notes}
                    </Text>
                  ) : null}
                  <Text size="xs" c="dimmed" component="div">
                    Recorded by {t.recordedByName} <TimeStamp iso={t.createdAt} mode="relative" size="xs" />
                  </Text>
                </li>
              ))}
            </Stack>
          )}
        </Stack>
      </Card>

      {testing ? (
        <RecordTestDialog plan={p} relationshipId={relationshipId} onClose={() => setTesting(false)} />
      ) : null}
      <ConfirmModal
        opened={archiving}
        title={`Archive the plan for ${p.system}?`}
        confirmLabel="Archive"
        pending={archive.isPending}
        error={archive.error}
        onClose={() => {
          setArchiving(false);
          archive.reset();
        }}
        onConfirm={() =>
          archive.mutate(p.id, {
            onSuccess: () => {
              notifications.show({ color: "teal", message: `The plan for ${p.system} is archived.` });
              navigate(list);
            },
          })
        }
      >
        It leaves the list and emergencies no longer show it; a new plan may then be written for {p.system}.
        Its tests stay in the audit trail.
      </ConfirmModal>
    </Page>
  );
}

function executorsWords(p: RestorationPlanDetail): string {
  const roles = p.executorRoles.map(roleLabel);
  const people = p.executors.map((e) => e.name);
  const parts = [
    ...(roles.length ? [`anyone who is ${roles.join(" or ")}`] : []),
    ...(people.length ? [people.join(", ")] : []),
  ];
  if (!parts.length) return "Nobody named yet";
  const text = parts.join("; and ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const OUTCOME_HINTS: Record<TestOutcome, string> = {
  passed: "The system came back as the plan says.",
  partial: "It came back, with problems to fix in the plan.",
  failed: "It did not come back this way; the plan stays untested.",
};

function RecordTestDialog({
  plan,
  relationshipId,
  onClose,
}: {
  plan: RestorationPlanDetail;
  relationshipId: string;
  onClose: () => void;
}) {
  const record = useRecordRestorationTest(relationshipId, plan.id);
  const zone = viewerZone();
  const [outcome, setOutcome] = useState<TestOutcome | "">("");
  const [testedAt, setTestedAt] = useState(() => nowInputValue(zone));
  const [took, setTook] = useState("");
  const [notes, setNotes] = useState("");
  const [local, setLocal] = useState<Record<string, string>>({});
  const err = (path: string) => fieldMessage(local, record.error, path);

  const submit = () => {
    const at = inputValueToIso(testedAt, zone);
    const problems: Record<string, string> = {};
    if (!outcome) problems.outcome = "Say how the test went.";
    if (!at) problems.testedAt = "Choose when the test was done.";
    else if (Date.parse(at) > Date.now() + 60_000) problems.testedAt = "Record a test once it has been done.";
    setLocal(problems);
    if (Object.keys(problems).length || !outcome || !at) return;
    record.mutate(
      {
        outcome,
        testedAt: at,
        ...(took.trim() ? { took: took.trim() } : {}),
        ...(notes.trim() ? { notes: notes.trim() } : {}),
      },
      {
        onSuccess: () => {
          notifications.show({ color: "teal", message: `Test of ${plan.system} recorded.` });
          onClose();
        },
      },
    );
  };

  return (
    <ActionDialog
      opened
      onClose={onClose}
      title={`Record a test of ${plan.system}`}
      intro="A restoration actually carried out, on a test system or for real. Both sides see it."
      submitLabel="Record the test"
      pending={record.isPending}
      error={record.error}
      onSubmit={submit}
      record="plan"
    >
      <Radio.Group
        label="How did it go?"
        required
        value={outcome}
        onChange={(v) => setOutcome(v as TestOutcome)}
        error={err("outcome")}
      >
        <Stack gap="xs" mt={6}>
          {TEST_OUTCOMES.map((o) => (
            <Radio key={o} value={o} label={OUTCOME_LABELS[o]} description={OUTCOME_HINTS[o]} />
          ))}
        </Stack>
      </Radio.Group>
      <ZonedDateTimeInput
        label="When it was done"
        required
        zone={zone}
        description="Your time."
        value={testedAt}
        onChange={setTestedAt}
        error={err("testedAt")}
      />
      <TextInput
        label="How long it took"
        description="Optional, e.g. 2h 30m."
        maxLength={60}
        value={took}
        onChange={(e) => setTook(e.currentTarget.value)}
        error={err("took")}
      />
      <Textarea
        label="Notes"
        description="What was restored, what went wrong, what to improve in the plan."
        autosize
        minRows={3}
        maxLength={10_000}
        value={notes}
        onChange={(e) => setNotes(e.currentTarget.value)}
        error={err("notes")}
      />
    </ActionDialog>
  );
}
