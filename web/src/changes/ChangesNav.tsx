import { IconCalendarMonth, IconList, IconUsersGroup } from "@tabler/icons-react";
import { SectionNav, type SectionNavItem } from "../ui/SectionNav.tsx";

export type ChangesSection = "list" | "calendar" | "groups";

/** The three views of the changes module, as links (each is its own address). */
export function ChangesNav({ relationshipId, current }: { relationshipId: string; current: ChangesSection }) {
  const base = `/r/${relationshipId}/changes`;
  const items: SectionNavItem<ChangesSection>[] = [
    { key: "list", label: "Change requests", to: base, icon: <IconList size={16} aria-hidden /> },
    {
      key: "calendar",
      label: "Calendar",
      to: `${base}/calendar`,
      icon: <IconCalendarMonth size={16} aria-hidden />,
    },
    {
      key: "groups",
      label: "User groups",
      to: `${base}/groups`,
      icon: <IconUsersGroup size={16} aria-hidden />,
    },
  ];
  return <SectionNav label="Changes" items={items} current={current} />;
}
