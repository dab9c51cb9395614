import "./oncall.css";
import { Alert, Anchor, Button, Card, EmptyState, Group, SegmentedControl, Stack, Text } from "@mantine/core";
import { IconAlertTriangle, IconPlus, IconRestore } from "@tabler/icons-react";
import { Link, useParams, useSearchParams } from "react-router";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { useLiveRestoration } from "./live.ts";
import { OncallNav } from "./OncallNav.tsx";
import { useRestorationPlans } from "./queries.ts";
import { LastTestFailedBadge, StaleBadge } from "./restoration-badges.tsx";
import type { RestorationPlan } from "./types.ts";
import { durationWords, STRATEGY_LABELS } from "./words.ts";

type Filter = "all" | "stale" | "current";

/**
 * `/r/:relationshipId/oncall/restoration`: how each critical system is brought back, and whether
 * that was proven recently enough. A plan untested for longer than the protocol allows (or never
 * tested) is stale, and both sides see it.
 */
export function RestorationPlansPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const plans = useRestorationPlans(relationshipId);
  const [params, setParams] = useSearchParams();
  useLiveRestoration(relationshipId);

  const filter: Filter =
    params.get("show") === "stale" ? "stale" : params.get("show") === "current" ? "current" : "all";
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;
  const data = plans.data;
  const items = (data?.items ?? []).filter((p) =>
    filter === "all" ? true : filter === "stale" ? p.stale : !p.stale,
  );

  return (
    <Page
      title="Restoration plans"
      documentTitle={name ? `Restoration plans — ${name}` : "Restoration plans"}
      eyebrow={name}
      description={
        data?.maxAge
          ? `How each critical system is brought back after a failure. The protocol asks for each plan to be tested at least every ${durationWords(data.maxAge)}.`
          : "How each critical system is brought back after a failure, and when each plan was last proven by a test."
      }
      actions={
        data?.abilities.create ? (
          <Button
            component={Link}
            to={`/r/${relationshipId}/oncall/restoration/new`}
            leftSection={<IconPlus size={16} aria-hidden />}
          >
            New plan
          </Button>
        ) : null
      }
    >
      <OncallNav relationshipId={relationshipId} current="restoration" />
      {plans.isPending ? (
        <Loading label="Loading the restoration plans…" />
      ) : plans.isError ? (
        <ProblemAlert error={plans.error} title="Could not load the restoration plans" />
      ) : data!.counts.total === 0 ? (
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconRestore size={28} />}
            withIndicatorBackground
            title="No restoration plan yet"
            description="A plan says how a critical system — mail, the file server, the line-of-business application — is brought back: restore from backup, fail over or repair, how long it takes, how much data may be lost, and the steps. The provider's staff and the client's IT contact or executive write them."
          >
            {data!.abilities.create ? (
              <EmptyState.Actions>
                <Button component={Link} to={`/r/${relationshipId}/oncall/restoration/new`}>
                  Write the first plan
                </Button>
              </EmptyState.Actions>
            ) : null}
          </EmptyState>
        </Card>
      ) : (
        <>
          {data!.counts.stale > 0 ? (
            <Alert
              color="orange"
              variant="light"
              icon={<IconAlertTriangle size={20} aria-hidden />}
              title={`${data!.counts.stale} of ${data!.counts.total} ${data!.counts.total === 1 ? "plan is" : "plans are"} stale`}
            >
              <Text size="sm">
                {data!.maxAge
                  ? `Not tested within the protocol's ${durationWords(data!.maxAge)}, or never tested. Until a test passes, nobody knows the plan still works.`
                  : "Never tested. Until a test passes, nobody knows the plan works."}
              </Text>
            </Alert>
          ) : null}
          <Group justify="space-between" gap="sm" wrap="wrap">
            <Text size="sm" c="dimmed">
              {data!.counts.total} {data!.counts.total === 1 ? "plan" : "plans"} · {data!.counts.stale} stale
            </Text>
            <SegmentedControl
              size="xs"
              aria-label="Show"
              value={filter}
              onChange={(v) =>
                setParams(
                  (current) => {
                    const next = new URLSearchParams(current);
                    if (v === "all") next.delete("show");
                    else next.set("show", v);
                    return next;
                  },
                  { replace: true },
                )
              }
              data={[
                { value: "all", label: "All" },
                { value: "stale", label: `Stale (${data!.counts.stale})` },
                { value: "current", label: "Tested" },
              ]}
            />
          </Group>
          {items.length === 0 ? (
            <Text size="sm" c="dimmed">
              {filter === "stale"
                ? "Every plan has been tested recently enough."
                : "No plan has been tested recently enough."}
            </Text>
          ) : (
            <Stack gap="xs" component="ul" className="plain-list" aria-label="Restoration plans">
              {items.map((p) => (
                <PlanRow key={p.id} plan={p} relationshipId={relationshipId} />
              ))}
            </Stack>
          )}
        </>
      )}
    </Page>
  );
}

function PlanRow({ plan, relationshipId }: { plan: RestorationPlan; relationshipId: string }) {
  return (
    <li className="oc-plan-row" data-stale={plan.stale || undefined}>
      <Stack gap={2} style={{ minWidth: 0 }}>
        <Anchor
          component={Link}
          to={`/r/${relationshipId}/oncall/restoration/${plan.id}`}
          fw={600}
          className="oc-plan-link"
        >
          {plan.system}
        </Anchor>
        <Text size="sm" c="dimmed" className="oc-wrap">
          {STRATEGY_LABELS[plan.strategy]} · back within {plan.expectedRestore} · up to {plan.recoveryPoint}{" "}
          of data may be lost · {plan.runbook.length} {plan.runbook.length === 1 ? "step" : "steps"}
        </Text>
      </Stack>
      <Group gap={6} wrap="wrap">
        <StaleBadge plan={plan} />
        <LastTestFailedBadge plan={plan} />
      </Group>
    </li>
  );
}
