import { Anchor, AppShell, Box, Burger, Button, Center, Group, ScrollArea, Stack } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useState } from "react";
import { Link, Outlet, useLocation } from "react-router";
import { useMe } from "../identity/queries.ts";
import { NotificationBell } from "../notifications/NotificationBell.tsx";
import { Loading } from "../ui/Loading.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { Brand } from "./Brand.tsx";
import { useCurrentRelationship } from "./current-relationship.ts";
import { Navigation } from "./navigation.tsx";
import { RelationshipSwitcher, ViewerSide } from "./RelationshipSwitcher.tsx";
import { UserMenu } from "./UserMenu.tsx";

/**
 * The signed-in frame: header (product, relationship switcher, user menu), the current
 * relationship's navigation (a drawer below the `sm` breakpoint), and the page.
 */
export function AppLayout() {
  const me = useMe();
  const [navOpen, nav] = useDisclosure(false);
  const { pathname } = useLocation();
  const current = useCurrentRelationship(me.data?.relationships);

  // On a phone the navbar covers the page; close it whenever the page changes (a link, the
  // switcher, back/forward). Adjusting state while rendering, as React recommends over an effect.
  const [shownPath, setShownPath] = useState(pathname);
  if (shownPath !== pathname) {
    setShownPath(pathname);
    if (navOpen) nav.close();
  }

  const relationships = me.data?.relationships ?? [];

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 272, breakpoint: "sm", collapsed: { mobile: !navOpen } }}
      padding={{ base: "sm", sm: "lg" }}
    >
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" gap="md" wrap="nowrap" justify="space-between">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0, flex: 1 }}>
            <Burger
              opened={navOpen}
              onClick={nav.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={navOpen ? "Close navigation" : "Open navigation"}
              aria-expanded={navOpen}
              aria-controls="app-navbar"
            />
            <Anchor component={Link} to="/" underline="never" c="inherit" aria-label="Liaison home">
              <Brand />
            </Anchor>
            {relationships.length > 0 ? (
              <Group gap="sm" wrap="nowrap" visibleFrom="sm" ml="md" style={{ minWidth: 0, flex: 1 }}>
                <Box style={{ minWidth: 0, flex: "0 1 auto" }} w={{ sm: 300, md: 380, lg: 540 }}>
                  <RelationshipSwitcher relationships={relationships} current={current} />
                </Box>
                {current ? (
                  <Box visibleFrom="md" style={{ minWidth: 0 }}>
                    <ViewerSide relationship={current} />
                  </Box>
                ) : null}
              </Group>
            ) : null}
          </Group>
          {me.data ? (
            <Group gap={4} wrap="nowrap">
              <NotificationBell />
              <UserMenu user={me.data.user} />
            </Group>
          ) : null}
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" id="app-navbar" aria-label="Navigation">
        {relationships.length > 0 ? (
          <AppShell.Section hiddenFrom="sm" pb="md" mb="sm" className="navbar-switcher">
            <RelationshipSwitcher
              relationships={relationships}
              current={current}
              showLabel
              onSwitched={nav.close}
            />
          </AppShell.Section>
        ) : null}
        <AppShell.Section grow component={ScrollArea} type="scroll">
          {me.data ? <Navigation relationship={current} memberships={me.data.memberships} /> : null}
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main id="main" tabIndex={-1}>
        {me.isPending ? (
          <Loading label="Loading your relationships…" />
        ) : me.isError ? (
          <Center py="xl">
            <Stack maw={520} w="100%">
              <ProblemAlert error={me.error} title="Could not load your account" />
              <Button variant="default" onClick={() => me.refetch()} loading={me.isFetching}>
                Try again
              </Button>
            </Stack>
          </Center>
        ) : (
          <Outlet />
        )}
      </AppShell.Main>
    </AppShell>
  );
}
