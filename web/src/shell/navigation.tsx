import { Badge, NavLink, Stack, Text } from "@mantine/core";
import {
  type Icon,
  IconCalendarEvent,
  IconClipboardList,
  IconFileCertificate,
  IconHistory,
  IconKey,
  IconLayoutDashboard,
  IconPresentationAnalytics,
  IconScale,
  IconTicket,
  IconUrgent,
  IconUsers,
  IconUsersGroup,
  IconWebhook,
} from "@tabler/icons-react";
import { Link, useLocation } from "react-router";
import type { MembershipSummary } from "../identity/types.ts";
import type { Relationship } from "../relationships/types.ts";
import { UPCOMING_MODULES, type UpcomingModuleKey } from "./upcoming.ts";

/** One icon per module, shared by the navbar and the module pages. */
export const MODULE_ICONS: Record<UpcomingModuleKey, Icon> = {
  changes: IconCalendarEvent,
  oncall: IconUrgent,
  touchpoints: IconUsersGroup,
  reports: IconPresentationAnalytics,
  scope: IconClipboardList,
  selection: IconScale,
};

interface NavItem {
  label: string;
  to: string;
  icon: Icon;
  soon?: boolean;
  /** Overview matches only its own path; sections also match their sub-paths. */
  exact?: boolean;
}

/** The sections of one relationship, in the order of the work: today's modules, then the trail. */
export function relationshipNavItems(relationship: Relationship): NavItem[] {
  const base = `/r/${relationship.id}`;
  const items: NavItem[] = [
    { label: "Overview", to: base, icon: IconLayoutDashboard, exact: true },
    { label: "Protocol", to: `${base}/protocol`, icon: IconFileCertificate },
    { label: "Tickets", to: `${base}/tickets`, icon: IconTicket },
    { label: "Changes", to: `${base}/changes`, icon: MODULE_ICONS.changes },
  ];
  // Changes is built; the list of upcoming modules still names it for the pages that describe it.
  for (const module of UPCOMING_MODULES.filter((m) => m.key !== "changes")) {
    items.push({
      label: module.label,
      to: `${base}/${module.key}`,
      icon: MODULE_ICONS[module.key],
      soon: true,
    });
  }
  if (relationship.abilities.readAudit)
    items.push({ label: "Audit trail", to: `${base}/audit`, icon: IconHistory });
  if (relationship.abilities.manageTokens)
    items.push({ label: "API tokens", to: `${base}/tokens`, icon: IconKey });
  if (relationship.abilities.manageWebhooks)
    items.push({ label: "Webhooks", to: `${base}/webhooks`, icon: IconWebhook });
  return items;
}

export interface NavigationProps {
  relationship: Relationship | undefined;
  memberships: MembershipSummary[];
}

/** The navbar's links: the current relationship's sections, then the organizations the user administers. */
export function Navigation({ relationship, memberships }: NavigationProps) {
  const { pathname } = useLocation();
  const adminOf = memberships.filter((m) => m.admin);
  return (
    <Stack gap="lg" component="nav" aria-label="Main">
      {relationship ? (
        <NavSection title="This relationship">
          {relationshipNavItems(relationship).map((item) => (
            <NavItemLink key={item.to} item={item} pathname={pathname} />
          ))}
        </NavSection>
      ) : null}
      {adminOf.length > 0 ? (
        <NavSection title="Your organization">
          {adminOf.map((m) => (
            <NavItemLink
              key={m.orgId}
              pathname={pathname}
              item={{ label: `People — ${m.orgName}`, to: `/org/${m.orgId}/people`, icon: IconUsers }}
              alsoActiveFor={`/org/${m.orgId}/`}
            />
          ))}
        </NavSection>
      ) : null}
    </Stack>
  );
}

function NavSection({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pb={4}>
        {title}
      </Text>
      {children}
    </Stack>
  );
}

function NavItemLink({
  item,
  pathname,
  alsoActiveFor,
}: {
  item: NavItem;
  pathname: string;
  alsoActiveFor?: string;
}) {
  const active = item.exact
    ? pathname === item.to || pathname === `${item.to}/`
    : pathname === item.to ||
      pathname.startsWith(`${item.to}/`) ||
      (alsoActiveFor !== undefined && pathname.startsWith(alsoActiveFor));
  const Icon = item.icon;
  return (
    <NavLink
      component={Link}
      to={item.to}
      label={item.label}
      active={active}
      aria-current={active ? "page" : undefined}
      leftSection={<Icon size={18} stroke={1.6} aria-hidden />}
      rightSection={
        item.soon ? (
          <Badge size="xs" variant="light" color="gray" radius="sm">
            soon
          </Badge>
        ) : undefined
      }
      styles={{ label: { overflowWrap: "anywhere" } }}
      c={item.soon && !active ? "dimmed" : undefined}
    />
  );
}
