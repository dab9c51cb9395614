import "./oncall.css";
import { Alert, Anchor, Badge, Button, Card, EmptyState, Group, Stack, Text, Title } from "@mantine/core";
import { IconCalendarDown, IconCalendarTime, IconPlus } from "@tabler/icons-react";
import { Link, useParams } from "react-router";
import { useMe, useOrganization } from "../identity/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { shiftsCalendarUrl, useSchedules } from "./queries.ts";
import { formatShort } from "./time.ts";
import type { ScheduleList } from "./types.ts";
import { everyLabel, layerNameOf } from "./words.ts";

/**
 * `/org/:orgId/oncall`: a provider's on-call schedules, each with who is on call in it now. The
 * schedules' keepers (account managers, senior technicians, admins) write new ones; everyone on
 * the staff sees them and downloads their own shifts.
 */
export function SchedulesPage() {
  const { orgId = "" } = useParams();
  const organization = useOrganization(orgId);
  const isProvider = organization.data?.kind === "provider";
  const schedules = useSchedules(orgId, isProvider);
  const me = useMe();
  const orgName = organization.data?.name;

  if (organization.isPending) return <Loading label="Loading the organization…" />;
  if (organization.isError)
    return (
      <Page title="On-call schedules">
        <ProblemAlert error={organization.error} title="Could not load this organization" />
      </Page>
    );
  if (!isProvider)
    return (
      <Page title="On-call schedules" eyebrow={orgName}>
        <Alert variant="light" color="blue" title="Schedules are kept by providers">
          {orgName} is a client organization. Its provider keeps the on-call schedule; see who is on call on
          each relationship&apos;s On call page.
        </Alert>
      </Page>
    );

  const manage = schedules.data?.abilities.manage ?? false;
  const userId = me.data?.user.id;
  return (
    <Page
      title="On-call schedules"
      documentTitle={orgName ? `On-call schedules — ${orgName}` : "On-call schedules"}
      eyebrow={orgName}
      description="Who answers when something breaks outside business hours: rotations of people in layers, a relationship's own schedule or one shared by every client without its own."
      actions={
        <>
          {userId ? (
            <Button
              component="a"
              href={shiftsCalendarUrl(orgId, userId)}
              download
              variant="default"
              leftSection={<IconCalendarDown size={16} aria-hidden />}
            >
              My shifts (.ics)
            </Button>
          ) : null}
          {manage ? (
            <Button
              component={Link}
              to={`/org/${orgId}/oncall/new`}
              leftSection={<IconPlus size={16} aria-hidden />}
            >
              New schedule
            </Button>
          ) : null}
        </>
      }
    >
      {schedules.isPending ? (
        <Loading label="Loading the schedules…" />
      ) : schedules.isError ? (
        <ProblemAlert error={schedules.error} title="Could not load the schedules" />
      ) : schedules.data.schedules.length === 0 ? (
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconCalendarTime size={28} />}
            withIndicatorBackground
            title="No on-call schedule yet"
            description={
              manage
                ? "Until there is one, nobody is paged when a client declares an emergency, and every client sees that warning. Start with a shared schedule that covers every client."
                : "Until there is one, nobody is paged in an emergency. The account managers and senior technicians write schedules."
            }
          >
            {manage ? (
              <EmptyState.Actions>
                <Button component={Link} to={`/org/${orgId}/oncall/new`}>
                  Write the first schedule
                </Button>
              </EmptyState.Actions>
            ) : null}
          </EmptyState>
        </Card>
      ) : (
        <Stack gap="sm" component="ul" className="plain-list" aria-label="Schedules">
          {schedules.data.schedules.map((s) => (
            <ScheduleRow key={s.id} schedule={s} orgId={orgId} />
          ))}
        </Stack>
      )}
    </Page>
  );
}

function ScheduleRow({ schedule: s, orgId }: { schedule: ScheduleList["schedules"][number]; orgId: string }) {
  const layers = [...new Set([1, ...s.rotations.map((r) => r.layer)])].sort((a, b) => a - b);
  return (
    <Card component="li" withBorder padding="md">
      <Stack gap="xs">
        <Group justify="space-between" gap="xs" wrap="wrap">
          <Title order={2} fz="h4" className="oc-wrap">
            <Anchor component={Link} to={`/org/${orgId}/oncall/${s.id}`} inherit>
              {s.name}
            </Anchor>
          </Title>
          <Badge variant="light" color={s.relationshipId ? "blue" : "gray"} tt="none">
            {s.relationshipId ? `For ${s.covers}` : "Shared"}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed" className="oc-wrap">
          {s.relationshipId ? `Covers ${s.covers}` : "Covers every client without a schedule of its own"} ·{" "}
          {s.timeZone} · {s.rotations.length} {s.rotations.length === 1 ? "rotation" : "rotations"} (
          {s.rotations.map((r) => `${r.name}, ${everyLabel(r.every, r.unit)}`).join("; ")})
        </Text>
        <Stack gap={2} component="ul" className="plain-list" aria-label={`On call now in ${s.name}`}>
          {layers.map((layer) => {
            const now = s.now.find((x) => x.layer === layer);
            return (
              <Text key={layer} component="li" size="sm" className="oc-wrap">
                <Text span fw={600}>
                  {layerNameOf(s.layerNames, layer)}:
                </Text>{" "}
                {now ? (
                  <>
                    {now.userName}
                    {now.overrideId ? " (override)" : ""}{" "}
                    <Text span c="dimmed" size="sm">
                      until {formatShort(now.end, s.timeZone)}
                    </Text>
                  </>
                ) : (
                  <Text span c="red" fw={600} size="sm">
                    nobody on call right now
                  </Text>
                )}
              </Text>
            );
          })}
        </Stack>
      </Stack>
    </Card>
  );
}
