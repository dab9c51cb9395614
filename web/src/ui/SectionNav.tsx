import { Button, Group } from "@mantine/core";
import type { ReactNode } from "react";
import { Link } from "react-router";

export interface SectionNavItem<K extends string> {
  key: K;
  label: string;
  to: string;
  icon: ReactNode;
}

/** A module's sections as links (each is its own address), the current one marked as the page. */
export function SectionNav<K extends string>({
  label,
  items,
  current,
}: {
  /** The accessible name of the `nav`. */
  label: string;
  items: readonly SectionNavItem<K>[];
  current: K;
}) {
  return (
    <Group gap="xs" component="nav" aria-label={label} wrap="wrap">
      {items.map((item) => {
        const here = item.key === current;
        return (
          <Button
            key={item.key}
            component={Link}
            to={item.to}
            size="compact-sm"
            variant={here ? "light" : "subtle"}
            color={here ? undefined : "gray"}
            leftSection={item.icon}
            aria-current={here ? "page" : undefined}
          >
            {item.label}
          </Button>
        );
      })}
    </Group>
  );
}
