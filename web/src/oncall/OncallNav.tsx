import { IconAlarm, IconClipboardCheck, IconRestore, IconUserShield } from "@tabler/icons-react";
import { SectionNav } from "../ui/SectionNav.tsx";

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
  const items = oncallSections(relationshipId).map(({ icon: Icon, ...item }) => ({
    ...item,
    icon: <Icon size={16} aria-hidden />,
  }));
  return <SectionNav label="On-call" items={items} current={current} />;
}
