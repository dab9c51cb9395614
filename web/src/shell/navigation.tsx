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
import { oncallSections } from "../oncall/OncallNav.tsx";
import type { Relationship } from "../relationships/types.ts";
import { touchpointSections } from "../touchpoints/TouchpointsNav.tsx";
import { UPCOMING_MODULES, type UpcomingModuleKey } from "./upcoming.ts";

/** One icon per module not built yet (and Changes), shared by the navbar and the module pages. */
export const MODULE_ICONS: Record<UpcomingModuleKey, Icon> = {
  changes: IconCalendarEvent,
  reports: IconPresentationAnalytics,
  scope: IconClipboardList,
  selection: IconScale,
};

/** The on-call module's icon: schedules, emergencies, reviews and restoration plans. */
export const ONCALL_ICON: Icon = IconUrgent;

/** The touchpoints module's icon: the meetings, their action items and the business dates. */
export const TOUCHPOINTS_ICON: Icon = IconUsersGroup;

interface NavItem {
  label: string;
  to: string;
  icon: Icon;
  soon?: boolean;
  /** Overview matches only its own path; sections also match their sub-paths. */
  exact?: boolean;
  /** A module's own sections, listed under it. */
  children?: NavItem[];
  /** Sub-paths that belong to a sibling entry instead (On call's restoration plans). */
  except?: string[];
}

/** The sections of one relationship, in the order of the work: today's modules, then the trail. */
export function relationshipNavItems(relationship: Relationship): NavItem[] {
  const base = `/r/${relationship.id}`;
  const oncall = oncallSections(relationship.id);
  const touchpoints = touchpointSections(relationship.id);
  const items: NavItem[] = [
    { label: "Overview", to: base, icon: IconLayoutDashboard, exact: true },
    { label: "Protocol", to: `${base}/protocol`, icon: IconFileCertificate },
    { label: "Tickets", to: `${base}/tickets`, icon: IconTicket },
    { label: "Changes", to: `${base}/changes`, icon: MODULE_ICONS.changes },
    {
      label: "On-call",
      to: `${base}/oncall`,
      icon: ONCALL_ICON,
      children: oncall.map((s) => ({
        label: s.label,
        to: s.to,
        icon: s.icon,
        ...(s.key === "oncall" ? { except: [`${base}/oncall/restoration`] } : {}),
      })),
    },
  ];
  // The meetings are for the people who attend them: every role but the client's end users.
  if (!(relationship.viewer.side === "client" && relationship.viewer.role === "member"))
    items.push({
      label: "Touchpoints",
      to: `${base}/touchpoints`,
      icon: TOUCHPOINTS_ICON,
      children: touchpoints.map((s) => ({
        label: s.label,
        to: s.to,
        icon: s.icon,
        // A meeting's page (…/touchpoints/meetings/:id) belongs to Meetings; the other sections are their own.
        ...(s.key === "meetings"
          ? { except: [`${base}/touchpoints/actions`, `${base}/touchpoints/dates`] }
          : {}),
      })),
    });
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

/**
 * The links of the organizations the user belongs to: People (and its audit trail) for the
 * ones they administer, on-call schedules for every provider they work for (everyone on its
 * staff sees who is on call and downloads their own shifts).
 */
export function organizationNavItems(
  memberships: MembershipSummary[],
): (NavItem & { alsoActiveFor?: string })[] {
  const items: (NavItem & { alsoActiveFor?: string })[] = [];
  for (const m of memberships) {
    if (m.admin)
      items.push({
        label: `People — ${m.orgName}`,
        to: `/org/${m.orgId}/people`,
        icon: IconUsers,
        alsoActiveFor: `/org/${m.orgId}/audit`,
      });
    if (m.orgKind === "provider")
      items.push({
        label: `On-call schedules — ${m.orgName}`,
        to: `/org/${m.orgId}/oncall`,
        icon: ONCALL_ICON,
      });
  }
  return items;
}

export interface NavigationProps {
  relationship: Relationship | undefined;
  memberships: MembershipSummary[];
}

/** The navbar's links: the current relationship's sections, then the user's organizations. */
export function Navigation({ relationship, memberships }: NavigationProps) {
  const { pathname } = useLocation();
  const orgItems = organizationNavItems(memberships);
  return (
    <Stack gap="lg" component="nav" aria-label="Main">
      {relationship ? (
        <NavSection title="This relationship">
          {relationshipNavItems(relationship).map((item) =>
            item.children ? (
              <ModuleLinks key={item.to} item={item} pathname={pathname} />
            ) : (
              <NavItemLink key={item.to} item={item} pathname={pathname} />
            ),
          )}
        </NavSection>
      ) : null}
      {orgItems.length > 0 ? (
        <NavSection title="Your organization">
          {orgItems.map((item) => (
            <NavItemLink key={item.to} pathname={pathname} item={item} alsoActiveFor={item.alsoActiveFor} />
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

function isActive(item: NavItem, pathname: string, alsoActiveFor?: string): boolean {
  if (item.exact) return pathname === item.to || pathname === `${item.to}/`;
  if (item.except?.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return false;
  return (
    pathname === item.to ||
    pathname.startsWith(`${item.to}/`) ||
    (alsoActiveFor !== undefined && (pathname === alsoActiveFor || pathname.startsWith(`${alsoActiveFor}/`)))
  );
}

/**
 * A module with sections of its own (On-call): its name, then its sections indented under it,
 * always shown so each is one tap away.
 */
function ModuleLinks({ item, pathname }: { item: NavItem; pathname: string }) {
  const Icon = item.icon;
  const inside = (item.children ?? []).some((c) => isActive(c, pathname));
  const id = `nav-module-${item.label.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return (
    <div role="group" aria-labelledby={id}>
      <Text
        id={id}
        size="sm"
        px="sm"
        py={6}
        fw={inside ? 600 : 400}
        style={{ display: "flex", alignItems: "center", gap: 12 }}
      >
        <Icon size={18} stroke={1.6} aria-hidden />
        {item.label}
      </Text>
      <Stack gap={0} pl={22}>
        {(item.children ?? []).map((child) => (
          <NavItemLink key={child.to} item={child} pathname={pathname} small />
        ))}
      </Stack>
    </div>
  );
}

function NavItemLink({
  item,
  pathname,
  alsoActiveFor,
  small,
}: {
  item: NavItem;
  pathname: string;
  alsoActiveFor?: string;
  small?: boolean;
}) {
  const active = isActive(item, pathname, alsoActiveFor);
  const Icon = item.icon;
  return (
    <NavLink
      component={Link}
      to={item.to}
      label={item.label}
      active={active}
      aria-current={active ? "page" : undefined}
      leftSection={<Icon size={small ? 16 : 18} stroke={1.6} aria-hidden />}
      rightSection={
        item.soon ? (
          <Badge size="xs" variant="light" color="gray" radius="sm">
            soon
          </Badge>
        ) : undefined
      }
      styles={{ label: { overflowWrap: "anywhere" } }}
      c={item.soon && !active ? "dimmed" : undefined}
      py={small ? 6 : undefined}
    />
  );
}
