import { Group, Stack, Text, Title } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import type { ReactNode } from "react";

export interface PageProps {
  title: string;
  /** Shown in the browser tab when the heading alone would be ambiguous. */
  documentTitle?: string;
  description?: ReactNode;
  /** Buttons at the top right (they wrap under the title on narrow screens). */
  actions?: ReactNode;
  /** A small line above the title (breadcrumb-like context). */
  eyebrow?: ReactNode;
  children: ReactNode;
}

/** Every screen has the same frame: one h1, an optional description and actions, then content. */
export function Page({ title, documentTitle, description, actions, eyebrow, children }: PageProps) {
  useDocumentTitle(`${documentTitle ?? title} · Liaison`);
  return (
    <Stack gap="lg" maw={1080} mx="auto" w="100%">
      <Group justify="space-between" align="flex-end" gap="sm" wrap="wrap">
        <Stack gap={4} style={{ minWidth: 0, flex: "1 1 320px" }}>
          {eyebrow ? (
            <Text size="sm" c="dimmed" component="div">
              {eyebrow}
            </Text>
          ) : null}
          <Title order={1} fz={{ base: "h3", sm: "h2" }} style={{ overflowWrap: "anywhere" }}>
            {title}
          </Title>
          {description ? (
            <Text c="dimmed" size="sm">
              {description}
            </Text>
          ) : null}
        </Stack>
        {actions ? <Group gap="xs">{actions}</Group> : null}
      </Group>
      {children}
    </Stack>
  );
}
