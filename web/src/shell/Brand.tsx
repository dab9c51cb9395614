import { Group, Text, ThemeIcon } from "@mantine/core";
import { IconArrowsLeftRight } from "@tabler/icons-react";

/** The product mark: an icon for the two parties and the word "Liaison". */
export function Brand({ size = "md" }: { size?: "md" | "lg" }) {
  const large = size === "lg";
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon size={large ? 40 : 30} radius="md" variant="filled" aria-hidden>
        <IconArrowsLeftRight size={large ? 24 : 18} />
      </ThemeIcon>
      <Text component="span" fw={800} fz={large ? 28 : 20} lh={1} style={{ letterSpacing: "-0.02em" }}>
        Liaison
      </Text>
    </Group>
  );
}
