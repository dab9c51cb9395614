import { Anchor, Group } from "@mantine/core";
import { IconAlertOctagon, IconArrowLeft, IconClipboardText } from "@tabler/icons-react";
import { Link } from "react-router";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { SectionNav, type SectionNavItem } from "../ui/SectionNav.tsx";

export type EmergenciesSection = "emergencies" | "reviews";

/** The two lists of the module, as links (each is its own address). */
export function EmergenciesNav({
  relationshipId,
  current,
}: {
  relationshipId: string;
  current: EmergenciesSection;
}) {
  const base = `/r/${relationshipId}`;
  const items: SectionNavItem<EmergenciesSection>[] = [
    {
      key: "emergencies",
      label: "Emergencies",
      to: `${base}/emergencies`,
      icon: <IconAlertOctagon size={16} aria-hidden />,
    },
    {
      key: "reviews",
      label: "Post-incident reviews",
      to: `${base}/reviews`,
      icon: <IconClipboardText size={16} aria-hidden />,
    },
  ];
  return <SectionNav label="Emergencies and reviews" items={items} current={current} />;
}

/** A link back to one of the lists, for the pages under it. */
export function BackTo({ relationshipId, to }: { relationshipId: string; to: EmergenciesSection }) {
  const relationship = useRelationship(relationshipId);
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;
  const label = to === "emergencies" ? "Emergencies" : "Post-incident reviews";
  return (
    <Anchor component={Link} to={`/r/${relationshipId}/${to}`} size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden />
        {label}
        {name ? ` — ${name}` : ""}
      </Group>
    </Anchor>
  );
}
