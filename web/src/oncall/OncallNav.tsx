import { Button, Group } from "@mantine/core";
import { IconAlarm, IconClipboardCheck, IconRestore, IconUserShield } from "@tabler/icons-react";
import { Link } from "react-router";

export type OncallSection = "oncall" | "emergencies" | "reviews" | "restoration";

/** The on-call module's sections of a relationship, in the order of an incident's life. */
export function oncallSections(relationshipId: string) {
  const base = `/r/${relationshipId}`;
  return [
    { key: "oncall", label: "On call", to: `${base}/oncall`, icon: IconUserShield },
    { key: "emergencies", label: "Emergencies", to: `${base}/emergencies`, icon: IconAlarm },
    { key: "reviews", label: "Reviews", to: `${base}/reviews`, icon: IconClipboardCheck },
    { key: "restoration", label: "Restoration plans", to: `${base}/oncall/restoration`, icon: IconRestore },
  ] as const satisfies readonly { key: OncallSection; label: string; to: string; icon: unknown }[];
}

/** The sections of the on-call module as links (each is its own address), like the changes module's. */
export function OncallNav({ relationshipId, current }: { relationshipId: string; current: OncallSection }) {
  return (
    <Group gap="xs" component="nav" aria-label="On-call" wrap="wrap">
      {oncallSections(relationshipId).map((item) => {
        const Icon = item.icon;
        const here = item.key === current;
        return (
          <Button
            key={item.key}
            component={Link}
            to={item.to}
            size="compact-sm"
            variant={here ? "light" : "subtle"}
            color={here ? undefined : "gray"}
            leftSection={<Icon size={16} aria-hidden />}
            aria-current={here ? "page" : undefined}
          >
            {item.label}
          </Button>
        );
      })}
    </Group>
  );
}
