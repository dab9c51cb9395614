import { Badge, Group, Select, Stack, Text } from "@mantine/core";
import { IconArrowsLeftRight } from "@tabler/icons-react";
import { useLocation, useNavigate } from "react-router";
import { roleLabel } from "../identity/roles.ts";
import { relationshipTitle } from "../relationships/format.ts";
import type { Relationship } from "../relationships/types.ts";
import { switchPath } from "./current-relationship.ts";

export interface RelationshipSwitcherProps {
  relationships: Relationship[];
  current: Relationship | undefined;
  /** In the mobile navbar the label is visible; in the header it is only announced. */
  showLabel?: boolean;
  onSwitched?: () => void;
}

/**
 * Lists the user's relationships as "Client ↔ Provider" with the side they are on, and moves
 * to the chosen one while keeping the current section.
 */
export function RelationshipSwitcher({
  relationships,
  current,
  showLabel = false,
  onSwitched,
}: RelationshipSwitcherProps) {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const byId = new Map(relationships.map((r) => [r.id, r]));
  const data = relationships.map((r) => ({ value: r.id, label: relationshipTitle(r) }));

  return (
    <Stack gap={6} style={{ minWidth: 0, flex: 1 }}>
      <Select
        label={showLabel ? "Relationship" : undefined}
        aria-label={showLabel ? undefined : "Relationship"}
        data={data}
        value={current?.id ?? null}
        placeholder="Choose a relationship"
        allowDeselect={false}
        searchable={relationships.length > 6}
        nothingFoundMessage="No relationship matches"
        checkIconPosition="right"
        leftSection={<IconArrowsLeftRight size={16} aria-hidden />}
        comboboxProps={{ width: "target", position: "bottom-start", shadow: "md" }}
        maxDropdownHeight={360}
        onChange={(id) => {
          const target = id ? byId.get(id) : undefined;
          if (!target || target.id === current?.id) return;
          navigate(switchPath(pathname, target));
          onSwitched?.();
        }}
        renderOption={({ option, checked }) => {
          const r = byId.get(option.value);
          return (
            <Stack gap={2} style={{ minWidth: 0 }}>
              <Text size="sm" fw={checked ? 600 : 500}>
                {option.label}
              </Text>
              {r ? (
                <Text size="xs" c="dimmed">
                  You: {r.viewer.side} side · {roleLabel(r.viewer.role)}
                </Text>
              ) : null}
            </Stack>
          );
        }}
      />
      {current && showLabel ? <ViewerSide relationship={current} /> : null}
    </Stack>
  );
}

/** "You are on the client side · IT point of contact", as a compact badge line. */
export function ViewerSide({ relationship }: { relationship: Relationship }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Badge
        size="sm"
        variant="light"
        color={relationship.viewer.side === "client" ? "blue" : "violet"}
        style={{ flexShrink: 0 }}
      >
        {relationship.viewer.side} side
      </Badge>
      <Text component="span" size="xs" c="dimmed" truncate>
        {roleLabel(relationship.viewer.role)}
        {relationship.viewer.admin ? " · admin" : ""}
      </Text>
    </Group>
  );
}
