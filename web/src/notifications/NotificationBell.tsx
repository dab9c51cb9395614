import {
  ActionIcon,
  Button,
  Divider,
  Group,
  Indicator,
  Popover,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
  VisuallyHidden,
} from "@mantine/core";
import { IconBell, IconChecks } from "@tabler/icons-react";
import { useState } from "react";
import { useNavigate } from "react-router";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { formatAbsolute, formatRelative, useNow } from "../ui/time.tsx";
import { appPathFor } from "./links.ts";
import { useMarkAllRead, useMarkRead, useNotifications } from "./queries.ts";
import type { AppNotification } from "./types.ts";

/**
 * The bell in the header: how many notifications are unread, and the recent ones in a popover.
 * Choosing one marks it read and opens what it is about.
 */
export function NotificationBell() {
  const list = useNotifications();
  const markRead = useMarkRead();
  const markAllRead = useMarkAllRead();
  const navigate = useNavigate();
  const [opened, setOpened] = useState(false);
  const unread = list.data?.unread ?? 0;
  const items = list.data?.items ?? [];

  const open = (n: AppNotification) => {
    if (!n.readAt) markRead.mutate(n.id);
    setOpened(false);
    const path = appPathFor(n.link);
    if (path) navigate(path);
  };

  return (
    <Popover
      opened={opened}
      onChange={setOpened}
      position="bottom-end"
      width="min(380px, calc(100vw - 16px))"
      shadow="md"
      trapFocus
      returnFocus
      withinPortal
    >
      <Popover.Target>
        <Indicator
          label={unread}
          disabled={unread === 0}
          size={18}
          offset={5}
          maxValue={99}
          color="red"
          withBorder
          inline
        >
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            radius="xl"
            onClick={() => setOpened((o) => !o)}
            aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"}
            aria-expanded={opened}
            aria-haspopup="dialog"
          >
            <IconBell size={20} aria-hidden />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p={0} aria-label="Notifications">
        <Group justify="space-between" px="md" py="sm" gap="xs">
          <Text fw={600} size="sm">
            Notifications
          </Text>
          <Button
            variant="subtle"
            size="compact-xs"
            leftSection={<IconChecks size={14} aria-hidden />}
            onClick={() => markAllRead.mutate()}
            loading={markAllRead.isPending}
            disabled={unread === 0}
          >
            Mark all read
          </Button>
        </Group>
        <Divider />
        {list.isError ? (
          <Stack p="sm">
            <ProblemAlert error={list.error} title="Could not load your notifications" />
          </Stack>
        ) : items.length === 0 ? (
          <Text size="sm" c="dimmed" p="md" ta="center">
            {list.isPending
              ? "Loading…"
              : "Nothing yet. Proposals, signatures and other news will appear here."}
          </Text>
        ) : (
          <ScrollArea.Autosize mah="min(60vh, 480px)" type="auto">
            <Stack gap={0} component="ul" className="plain-list" aria-label="Recent notifications">
              {items.map((n) => (
                <li key={n.id}>
                  <NotificationItem notification={n} onOpen={() => open(n)} />
                </li>
              ))}
            </Stack>
          </ScrollArea.Autosize>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}

function NotificationItem({
  notification: n,
  onOpen,
}: {
  notification: AppNotification;
  onOpen: () => void;
}) {
  const now = useNow();
  const unread = !n.readAt;
  return (
    <UnstyledButton onClick={onOpen} className="notification-item" data-unread={unread || undefined} w="100%">
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <span className="notification-dot" aria-hidden data-unread={unread || undefined} />
        <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
          <Text size="sm" fw={unread ? 600 : 400} style={{ overflowWrap: "anywhere" }}>
            {unread ? <VisuallyHidden>Unread: </VisuallyHidden> : null}
            {n.subject}
          </Text>
          <Text size="xs" c="dimmed" lineClamp={3}>
            {n.body}
          </Text>
          <Text
            size="xs"
            c="dimmed"
            component="time"
            dateTime={n.createdAt}
            title={formatAbsolute(n.createdAt)}
          >
            {formatRelative(n.createdAt, now)}
          </Text>
        </Stack>
      </Group>
    </UnstyledButton>
  );
}
