import { Center, Paper, Stack, Text } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import type { ReactNode } from "react";
import { Brand } from "../shell/Brand.tsx";

/** The frame of the pages seen before signing in: the product, one card, one task. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  useDocumentTitle(`${title} · Liaison`);
  return (
    <Center mih="100dvh" p="md" bg="var(--mantine-color-body)" className="auth-backdrop">
      <Stack w="100%" maw={420} gap="lg">
        <Stack gap={4} align="center">
          <Brand size="lg" />
          <Text c="dimmed" size="sm" ta="center">
            The agreement between you and your managed service provider, kept by both sides.
          </Text>
        </Stack>
        <Paper withBorder shadow="sm" radius="md" p={{ base: "lg", sm: "xl" }} component="main" id="main">
          {children}
        </Paper>
      </Stack>
    </Center>
  );
}
