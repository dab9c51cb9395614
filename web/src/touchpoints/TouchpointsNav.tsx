import { Anchor, Group } from "@mantine/core";
import { IconArrowLeft, IconCalendarDue, IconListCheck, IconMessages } from "@tabler/icons-react";
import { Link } from "react-router";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { SectionNav } from "../ui/SectionNav.tsx";

export type TouchpointsSection = "meetings" | "actions" | "dates";

/** The touchpoints module's sections of a relationship: the meetings, what they assigned, the dates ahead. */
export function touchpointSections(relationshipId: string) {
  const base = `/r/${relationshipId}/touchpoints`;
  return [
    { key: "meetings", label: "Meetings", to: base, icon: IconMessages },
    { key: "actions", label: "Action items", to: `${base}/actions`, icon: IconListCheck },
    { key: "dates", label: "Business dates", to: `${base}/dates`, icon: IconCalendarDue },
  ] as const satisfies readonly { key: TouchpointsSection; label: string; to: string; icon: unknown }[];
}

/** The sections of the touchpoints module as links (each is its own address). */
export function TouchpointsNav({
  relationshipId,
  current,
}: {
  relationshipId: string;
  current: TouchpointsSection;
}) {
  const items = touchpointSections(relationshipId).map(({ icon: Icon, ...item }) => ({
    ...item,
    icon: <Icon size={16} aria-hidden />,
  }));
  return <SectionNav label="Touchpoints" items={items} current={current} />;
}

/** A link back to the meetings, for a meeting's page. */
export function BackToMeetings({ relationshipId }: { relationshipId: string }) {
  const relationship = useRelationship(relationshipId);
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;
  return (
    <Anchor component={Link} to={`/r/${relationshipId}/touchpoints`} size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden />
        Meetings
        {name ? ` — ${name}` : ""}
      </Group>
    </Anchor>
  );
}
