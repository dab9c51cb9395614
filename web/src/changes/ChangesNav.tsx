import { Button, Group } from "@mantine/core";
import { IconCalendarMonth, IconList, IconUsersGroup } from "@tabler/icons-react";
import { Link } from "react-router";

export type ChangesSection = "list" | "calendar" | "groups";

/** The three views of the changes module, as links (each is its own address). */
export function ChangesNav({ relationshipId, current }: { relationshipId: string; current: ChangesSection }) {
  const base = `/r/${relationshipId}/changes`;
  const items: { key: ChangesSection; label: string; to: string; icon: React.ReactNode }[] = [
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
  return (
    <Group gap="xs" component="nav" aria-label="Changes" wrap="wrap">
      {items.map((item) => (
        <Button
          key={item.key}
          component={Link}
          to={item.to}
          size="compact-sm"
          variant={item.key === current ? "light" : "subtle"}
          color={item.key === current ? undefined : "gray"}
          leftSection={item.icon}
          aria-current={item.key === current ? "page" : undefined}
        >
          {item.label}
        </Button>
      ))}
    </Group>
  );
}
