import "./emergencies.css";
import { Anchor, Card, EmptyState, Group, Stack, Table, Text, Title } from "@mantine/core";
import { IconAlertTriangle, IconClipboardText } from "@tabler/icons-react";
import { Link, useParams } from "react-router";
import { formatCalendarDate } from "../protocol/zone.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { Moment, OverdueBadge, ReviewStateBadge } from "./badges.tsx";
import { EmergenciesNav } from "./EmergenciesNav.tsx";
import { useLiveReviews } from "./live.ts";
import { useReviewList } from "./queries.ts";
import type { OverdueAction, ReviewSummary } from "./types.ts";
import { reviewNumber } from "./words.ts";

/**
 * `/r/:relationshipId/reviews`: the post-incident reviews of a relationship, latest first, each
 * with its state, due date and how many prevention actions are open or overdue; above them, every
 * overdue prevention action, which both sides see. Follows changes made elsewhere live.
 */
export function ReviewsPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const list = useReviewList(relationshipId);
  useLiveReviews(relationshipId);
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;
  const reviews = list.data?.reviews ?? [];
  const overdue = list.data?.overdueActions ?? [];

  return (
    <Page
      title="Post-incident reviews"
      documentTitle={name ? `Post-incident reviews — ${name}` : "Post-incident reviews"}
      eyebrow={name}
      description="After every emergency or critical issue, both sides look back together: what happened, what went well, what could be better, and the actions that keep it from happening again. A review is finished when both sides have signed it off."
    >
      <EmergenciesNav relationshipId={relationshipId} current="reviews" />
      {list.isPending ? (
        <Loading label="Loading reviews…" />
      ) : list.isError ? (
        <ProblemAlert error={list.error} title="Could not load the reviews" />
      ) : (
        <Stack gap="lg">
          {overdue.length ? <OverdueActions items={overdue} relationshipId={relationshipId} /> : null}
          {reviews.length === 0 ? (
            <Card withBorder padding="xl">
              <EmptyState
                icon={<IconClipboardText size={28} />}
                withIndicatorBackground
                title="No reviews yet"
                description="A review opens by itself when an emergency or a critical ticket is resolved."
              />
            </Card>
          ) : (
            <Stack gap="xs" component="section" aria-labelledby="reviews-title">
              <Title order={2} fz="h4" id="reviews-title">
                Reviews
              </Title>
              <ul className="plain-list emergency-list" aria-labelledby="reviews-title">
                {reviews.map((r) => (
                  <ReviewRow key={r.id} r={r} relationshipId={relationshipId} />
                ))}
              </ul>
            </Stack>
          )}
        </Stack>
      )}
    </Page>
  );
}

function ReviewRow({ r, relationshipId }: { r: ReviewSummary; relationshipId: string }) {
  return (
    <li className="emergency-row" data-state={r.state} data-overdue={r.overdue || undefined}>
      <div style={{ minWidth: 0 }}>
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Text size="sm" c="dimmed" fw={600} className="emergency-number">
            {reviewNumber(r.number)}
          </Text>
          <Anchor
            component={Link}
            to={`/r/${relationshipId}/reviews/${r.id}`}
            className="emergency-row-link"
            fw={600}
            c="inherit"
            underline="hover"
          >
            {r.title}
          </Anchor>
        </Group>
        <Group gap={6} mt={6} wrap="wrap">
          <ReviewStateBadge state={r.state} size="sm" />
          {r.overdue ? <OverdueBadge size="sm" /> : null}
          <Text size="xs" c="dimmed">
            {r.openActions === 1 ? "1 open action" : `${r.openActions} open actions`}
            {r.overdueActions ? (
              <Text span size="xs" c="red.8" fw={600}>
                {" "}
                · {r.overdueActions} overdue
              </Text>
            ) : null}
          </Text>
          {r.state === "open" ? (
            <Text size="xs" c="dimmed">
              · Signed by {signedWords(r)}
            </Text>
          ) : null}
        </Group>
      </div>
      <div className="emergency-row-when">
        {r.state === "finished" && r.finishedAt ? (
          <Text size="sm" component="div">
            Signed off <Moment iso={r.finishedAt} size="sm" />
          </Text>
        ) : (
          <Text size="sm" component="div" c={r.overdue ? "red.8" : undefined}>
            Due by <Moment iso={r.dueAt} size="sm" c="inherit" />
          </Text>
        )}
      </div>
    </li>
  );
}

function signedWords(r: ReviewSummary): string {
  if (r.providerSigned && r.clientSigned) return "both sides";
  if (r.providerSigned) return "the provider";
  if (r.clientSigned) return "the client";
  return "nobody yet";
}

/** Every prevention action past its due date, across the relationship's reviews. */
function OverdueActions({ items, relationshipId }: { items: OverdueAction[]; relationshipId: string }) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="overdue-title">
      <Group gap="xs" mb="sm" c="red.8">
        <IconAlertTriangle size={20} aria-hidden />
        <Title order={2} fz="h4" id="overdue-title">
          Overdue prevention actions
        </Title>
      </Group>
      <Table.ScrollContainer minWidth={480}>
        <Table verticalSpacing={6} fz="sm" aria-labelledby="overdue-title">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Action</Table.Th>
              <Table.Th>Owner</Table.Th>
              <Table.Th>Was due</Table.Th>
              <Table.Th>Review</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td style={{ overflowWrap: "anywhere" }}>{a.title}</Table.Td>
                <Table.Td>{a.ownerName}</Table.Td>
                <Table.Td>{formatCalendarDate(a.dueOn)}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/r/${relationshipId}/reviews/${a.reviewId}`} size="sm">
                    {reviewNumber(a.reviewNumber)}
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}
