import "./oncall.css";
import { Alert, Anchor, Button, Card, Group, Stack, Text } from "@mantine/core";
import { IconAlertTriangle, IconCalendarTime } from "@tabler/icons-react";
import { Link, useParams } from "react-router";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { useNow } from "../ui/time.tsx";
import { OncallNav } from "./OncallNav.tsx";
import { OnCallNow, OncallWarnings, TimelineCard } from "./panels.tsx";
import { useRelationshipOncall } from "./queries.ts";
import { useTimelineParams } from "./Timeline.tsx";

/**
 * `/r/:relationshipId/oncall`: who at the provider answers for this relationship, for both sides.
 * Warnings first (nobody on call, people a page would not reach), then who is on call now per
 * layer, then the next weeks on a timeline, all in the schedule's time zone.
 */
export function WhoIsOnCallPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const { weeks, view, setWeeks, setView } = useTimelineParams();
  const oncall = useRelationshipOncall(relationshipId, { weeks });
  const now = useNow();

  const rel = relationship.data;
  const name = rel ? relationshipTitle(rel) : undefined;
  const provider = rel?.provider.name ?? "the provider";
  const client = rel?.client.name ?? "the client";
  const isProvider = rel?.viewer.side === "provider";
  const data = oncall.data;
  const schedule = data?.schedule ?? null;
  const timeline = data?.timeline ?? null;

  return (
    <Page
      title="Who is on call"
      documentTitle={name ? `Who is on call — ${name}` : "Who is on call"}
      eyebrow={name}
      description={`The people at ${provider} who answer for ${client} when something breaks, now and in the weeks ahead, and whether a page would reach them.`}
    >
      <OncallNav relationshipId={relationshipId} current="oncall" />
      {oncall.isPending ? (
        <Loading label="Loading who is on call…" />
      ) : oncall.isError && !data ? (
        <ProblemAlert error={oncall.error} title="Could not load who is on call" />
      ) : !schedule || !timeline ? (
        <Alert
          color="red"
          variant="light"
          role="alert"
          icon={<IconAlertTriangle size={20} aria-hidden />}
          title="Nobody would be paged"
        >
          <Stack gap="xs">
            {(data?.warnings ?? []).map((w) => (
              <Text key={w} size="sm">
                {w}
              </Text>
            ))}
            {isProvider ? (
              <Group>
                <Button component={Link} to={`/org/${rel!.provider.id}/oncall`} variant="light" color="red">
                  Set up an on-call schedule
                </Button>
              </Group>
            ) : (
              <Text size="sm">
                Ask {provider} to set up an on-call schedule, so someone answers when something breaks outside
                business hours.
              </Text>
            )}
          </Stack>
        </Alert>
      ) : (
        <>
          <OncallWarnings timeline={timeline} zone={schedule.timeZone} />
          <OnCallNow timeline={timeline} zone={schedule.timeZone} />
          <TimelineCard
            timeline={timeline}
            zone={schedule.timeZone}
            now={now}
            weeks={weeks}
            view={view}
            onWeeks={setWeeks}
            onView={setView}
            fetching={oncall.isFetching}
          />
          <Card withBorder padding="md" component="section" aria-label="The schedule">
            <Group gap="sm" wrap="nowrap" align="flex-start">
              <IconCalendarTime size={20} aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
              <Text size="sm" className="oc-wrap">
                From {provider}&apos;s schedule <strong>{schedule.name}</strong>
                {schedule.relationshipId
                  ? `, kept for ${client}.`
                  : `, which it shares across the clients that have no schedule of their own.`}{" "}
                {isProvider ? (
                  <Anchor component={Link} to={`/org/${schedule.providerOrgId}/oncall/${schedule.id}`}>
                    Open the schedule
                  </Anchor>
                ) : null}
              </Text>
            </Group>
          </Card>
        </>
      )}
    </Page>
  );
}
