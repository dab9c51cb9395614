import { Avatar, Group, Menu, Text, UnstyledButton } from "@mantine/core";
import { IconBellCog, IconChevronDown, IconLogout, IconUserCircle } from "@tabler/icons-react";
import { Link, useNavigate } from "react-router";
import { useSignOut } from "../identity/session.ts";
import type { User } from "../identity/types.ts";

/** The signed-in person: a link to their account, and sign out. */
export function UserMenu({ user }: { user: User }) {
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <Menu position="bottom-end" width={240} shadow="md" withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={`Account menu for ${user.name}`} className="user-menu-target">
          <Group gap={8} wrap="nowrap">
            <Avatar name={user.name} color="initials" radius="xl" size={32} aria-hidden />
            <Text component="span" size="sm" fw={500} visibleFrom="md" truncate maw={160}>
              {user.name}
            </Text>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="var(--mantine-color-text)" truncate>
            {user.name}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {user.email}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item component={Link} to="/account" leftSection={<IconUserCircle size={16} aria-hidden />}>
          Account
        </Menu.Item>
        <Menu.Item
          component={Link}
          to="/settings/notifications"
          leftSection={<IconBellCog size={16} aria-hidden />}
        >
          Notification settings
        </Menu.Item>
        <Menu.Item
          leftSection={<IconLogout size={16} aria-hidden />}
          onClick={() =>
            signOut.mutate(undefined, { onSettled: () => navigate("/login", { replace: true }) })
          }
        >
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
