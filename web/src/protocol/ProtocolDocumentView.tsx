import {
  Anchor,
  Badge,
  Box,
  Card,
  Group,
  List,
  SimpleGrid,
  Stack,
  Table,
  Text,
  ThemeIcon,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { IconCheck, IconX } from "@tabler/icons-react";
import type { ReactNode } from "react";
import {
  CHANGE_CLASS_KEYS,
  type ClockName,
  type ProtocolDoc,
  SEVERITY_KEYS,
  type ScopeItem,
  type UpcomingHoliday,
  WEEKDAYS,
} from "./types.ts";
import {
  approvalLabel,
  capitalize,
  clockShort,
  DAY_NAMES,
  formatMs,
  holidayRule,
  impactRuleLabel,
  listJoin,
  noticeLabel,
  remindersLabel,
  rolesList,
  ruleLabel,
  segmentsLabel,
  sideName,
  targetLabel,
  triggerLabel,
} from "./words.ts";
import { formatCalendarDate } from "./zone.ts";

export interface ProtocolDocumentViewProps {
  doc: ProtocolDoc;
  upcomingHolidays: UpcomingHoliday[];
  businessDayMs: number | null;
  /** Shown under the severity table (the what-if box). */
  afterSeverities?: ReactNode;
}

const SECTIONS = [
  ["protocol-severities", "Severities"],
  ["protocol-escalation", "Escalation"],
  ["protocol-changes", "Changes"],
  ["protocol-calendar", "Business hours"],
  ["protocol-emergencies", "Emergencies"],
  ["protocol-touchpoints", "Meetings and reports"],
  ["protocol-scope", "Scope"],
] as const;

/** A valid protocol version for people: every section in plain words, no YAML. */
export function ProtocolDocumentView({
  doc,
  upcomingHolidays,
  businessDayMs,
  afterSeverities,
}: ProtocolDocumentViewProps) {
  return (
    <Stack gap="md">
      <Group gap="xs" component="nav" aria-label="Protocol sections" wrap="wrap">
        <Text size="sm" c="dimmed">
          Jump to:
        </Text>
        {SECTIONS.map(([id, label]) => (
          <Anchor key={id} href={`#${id}`} size="sm">
            {label}
          </Anchor>
        ))}
      </Group>
      <SeveritiesSection doc={doc}>{afterSeverities}</SeveritiesSection>
      <EscalationSection doc={doc} />
      <ChangesSection doc={doc} />
      <CalendarSection doc={doc} upcomingHolidays={upcomingHolidays} businessDayMs={businessDayMs} />
      <EmergenciesSection doc={doc} />
      <TouchpointsSection doc={doc} />
      <ScopeSection doc={doc} />
    </Stack>
  );
}

function Section({
  id,
  title,
  description,
  children,
}: {
  id: string;
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Card
      withBorder
      padding="lg"
      component="section"
      aria-labelledby={`${id}-title`}
      id={id}
      className="protocol-section"
    >
      <Stack gap="md">
        <div>
          <Title order={3} fz="h4" id={`${id}-title`}>
            {title}
          </Title>
          {description ? (
            <Text size="sm" c="dimmed" mt={4}>
              {description}
            </Text>
          ) : null}
        </div>
        {children}
      </Stack>
    </Card>
  );
}

function SeveritiesSection({ doc, children }: { doc: ProtocolDoc; children?: ReactNode }) {
  const pauses = doc.clock_pauses;
  return (
    <Section
      id="protocol-severities"
      title="Severities and targets"
      description="Severity follows business impact. Response means the provider has acknowledged the issue and started investigating."
    >
      {/* A table where there is room for it; on a phone, one card per severity. */}
      <Box visibleFrom="sm">
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" striped>
            <Table.Caption>Targets for each severity, and the clock each one runs on</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Severity</Table.Th>
                <Table.Th scope="col">Business impact</Table.Th>
                <Table.Th scope="col">Response</Table.Th>
                <Table.Th scope="col">Resolution</Table.Th>
                <Table.Th scope="col">Updates</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {SEVERITY_KEYS.map((key) => {
                const s = doc.severities[key];
                return (
                  <Table.Tr key={key} data-severity={key}>
                    <Table.Th scope="row">
                      <Text fw={600} size="sm">
                        {s.name}
                      </Text>
                    </Table.Th>
                    <Table.Td>
                      <Text size="sm">{s.impact}</Text>
                      {s.examples?.length ? (
                        <Text size="xs" c="dimmed" mt={4}>
                          For example: {s.examples.join("; ")}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <TargetCell
                        text={targetLabel(s.response, "response")}
                        clock={clockShort(s.response.clock)}
                      />
                    </Table.Td>
                    <Table.Td>
                      <TargetCell
                        text={targetLabel(s.resolution, "resolution")}
                        clock={clockShort(s.resolution.clock)}
                      />
                    </Table.Td>
                    <Table.Td>
                      <TargetCell text={`every ${s.updates.every}`} clock={clockShort(s.updates.clock)} />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Box>
      <Stack
        hiddenFrom="sm"
        gap="sm"
        component="ul"
        className="plain-list"
        aria-label="Targets for each severity"
      >
        {SEVERITY_KEYS.map((key) => {
          const s = doc.severities[key];
          return (
            <Card key={key} component="li" withBorder padding="sm" radius="md">
              <Text fw={600} size="sm">
                {s.name}
              </Text>
              <Text size="sm">{s.impact}</Text>
              <dl className="event-meta protocol-facts severity-facts">
                <dt>Response</dt>
                <dd>
                  {targetLabel(s.response, "response")} · {clockShort(s.response.clock)}
                </dd>
                <dt>Resolution</dt>
                <dd>
                  {targetLabel(s.resolution, "resolution")} · {clockShort(s.resolution.clock)}
                </dd>
                <dt>Updates</dt>
                <dd>
                  every {s.updates.every} · {clockShort(s.updates.clock)}
                </dd>
              </dl>
            </Card>
          );
        })}
      </Stack>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <div>
          <Text size="sm" fw={600}>
            When the clocks stop
          </Text>
          <List size="sm" spacing={4} mt={4}>
            {(["response", "resolution", "updates"] as ClockName[]).map((clock) => (
              <List.Item key={clock}>
                {clock === "updates" ? "Update clock" : `${clock[0]!.toUpperCase()}${clock.slice(1)} clock`}:{" "}
                {pauses[clock].length === 0
                  ? "never pauses"
                  : `pauses while the ticket is ${listJoin(
                      pauses[clock].map((s) => s.replace(/_/g, " ")),
                      "or",
                    )}`}
              </List.Item>
            ))}
            <List.Item>
              A resolved ticket closes after {doc.tickets.close_resolved_after} without a reply from the
              client.
            </List.Item>
          </List>
        </div>
        <div>
          <Text size="sm" fw={600}>
            Choosing a severity (first rule that matches)
          </Text>
          <List size="sm" spacing={4} mt={4} type="ordered">
            {doc.impact_matrix.rules.map((rule, i) => (
              <List.Item key={i}>
                {impactRuleLabel(rule, doc)} → <strong>{doc.severities[rule.severity].name}</strong>
              </List.Item>
            ))}
          </List>
        </div>
      </SimpleGrid>
      {children}
    </Section>
  );
}

function TargetCell({ text, clock }: { text: string; clock: string }) {
  return (
    <Stack gap={4} align="flex-start">
      <Text size="sm">{text}</Text>
      <Badge size="xs" variant="light" color={clock === "24×7" ? "grape" : "gray"} tt="none">
        {clock}
      </Badge>
    </Stack>
  );
}

function EscalationSection({ doc }: { doc: ProtocolDoc }) {
  return (
    <Section
      id="protocol-escalation"
      title="Escalation path"
      description="Who a ticket escalates to, in order, when it happens, and what each level may decide."
    >
      <Stack gap="sm" component="ol" className="plain-list">
        {doc.escalation.levels.map((level, index) => (
          <Card key={level.id} withBorder padding="md" component="li" radius="md">
            <Stack gap="xs">
              <Group gap="sm" wrap="nowrap" align="flex-start">
                <ThemeIcon size={28} radius="xl" variant="light" aria-hidden>
                  <Text size="sm" fw={700}>
                    {index + 1}
                  </Text>
                </ThemeIcon>
                <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
                  <Group gap="xs" wrap="wrap">
                    <Text fw={600} size="sm">
                      <VisuallyHidden>Level {index + 1}: </VisuallyHidden>
                      {level.name}
                    </Text>
                    <Badge size="sm" variant="light" color={level.side === "client" ? "blue" : "violet"}>
                      {sideName(level.side)}
                    </Badge>
                  </Group>
                  <Text size="sm" c="dimmed">
                    Held by: {level.roles.length ? capitalize(rolesList(level.roles)) : "named people"}
                    {level.people.length ? ` (${level.people.join(", ")})` : ""}
                  </Text>
                </Stack>
              </Group>
              <Text size="sm">
                <strong>When:</strong> {triggerLabel(level.trigger, level.requested_by)}
              </Text>
              <Text size="sm">
                <strong>Authority:</strong> {level.authority.summary}
              </Text>
              {level.authority.decisions.length ? (
                <Text size="sm">
                  <strong>May decide to:</strong> {listJoin(level.authority.decisions)}.
                </Text>
              ) : null}
            </Stack>
          </Card>
        ))}
      </Stack>
    </Section>
  );
}

function ChangesSection({ doc }: { doc: ProtocolDoc }) {
  const { classes, maintenance_windows: windows, blackouts } = doc.changes;
  return (
    <Section
      id="protocol-changes"
      title="Changes"
      description="How each kind of change is approved and announced, when routine work may happen, and when nothing may change."
    >
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
        {CHANGE_CLASS_KEYS.map((key) => {
          const cls = classes[key];
          return (
            <Card key={key} withBorder padding="md" radius="md">
              <Stack gap={6}>
                <Text fw={600} size="sm">
                  {capitalize(key)} change
                </Text>
                <Text size="sm" c="dimmed">
                  {cls.description}
                </Text>
                <dl className="event-meta protocol-facts">
                  <dt>Approval</dt>
                  <dd>{approvalLabel(cls)}</dd>
                  <dt>Notice</dt>
                  <dd>{noticeLabel(cls.notice)}</dd>
                  <dt>Reminders</dt>
                  <dd>{remindersLabel(cls.reminders)}</dd>
                  <dt>Live notices</dt>
                  <dd>{cls.realtime_notices ? "Yes, while the change is made" : "No"}</dd>
                  <dt>After the change</dt>
                  <dd>{cls.post_change_notice ? "A notice says what was done" : "No notice"}</dd>
                </dl>
              </Stack>
            </Card>
          );
        })}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <div>
          <Text size="sm" fw={600}>
            Maintenance windows
          </Text>
          {windows.length === 0 ? (
            <Text size="sm" c="dimmed">
              None agreed.
            </Text>
          ) : (
            <List size="sm" spacing={4} mt={4}>
              {windows.map((w) => (
                <List.Item key={w.name}>
                  <strong>{w.name}</strong>: {ruleLabel(w.rule)} at {w.at} for {w.duration}
                  {w.systems.length ? ` (${listJoin(w.systems)})` : ""}
                </List.Item>
              ))}
            </List>
          )}
        </div>
        <div>
          <Text size="sm" fw={600}>
            Blackouts (no planned changes)
          </Text>
          {blackouts.length === 0 ? (
            <Text size="sm" c="dimmed">
              None agreed.
            </Text>
          ) : (
            <List size="sm" spacing={4} mt={4}>
              {blackouts.map((b) => (
                <List.Item key={b.name}>
                  <strong>{b.name}</strong>:{" "}
                  {b.from
                    ? `${formatCalendarDate(b.from)} to ${b.to ? formatCalendarDate(b.to) : "further notice"}`
                    : b.rule
                      ? `${ruleLabel(b.rule)}${b.at ? ` at ${b.at}` : ""}${b.duration ? ` for ${b.duration}` : ""}`
                      : ""}
                  {b.reason ? ` — ${b.reason}` : ""}
                </List.Item>
              ))}
            </List>
          )}
        </div>
      </SimpleGrid>
    </Section>
  );
}

function CalendarSection({
  doc,
  upcomingHolidays,
  businessDayMs,
}: {
  doc: ProtocolDoc;
  upcomingHolidays: UpcomingHoliday[];
  businessDayMs: number | null;
}) {
  const hours = doc.calendar.hours;
  return (
    <Section
      id="protocol-calendar"
      title="Business hours and holidays"
      description={
        <>
          Clocks marked “business hours” run only inside these hours, in the <strong>{doc.timezone}</strong>{" "}
          time zone.
          {businessDayMs ? ` A business day is ${formatMs(businessDayMs)} long.` : ""}
        </>
      }
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
        <div>
          <Text size="sm" fw={600} mb={4} id="protocol-hours-title">
            Opening hours
          </Text>
          {hours === "24x7" ? (
            <Text size="sm">Open around the clock, every day.</Text>
          ) : (
            <Table aria-labelledby="protocol-hours-title" verticalSpacing={4}>
              <Table.Tbody>
                {WEEKDAYS.map((day) => (
                  <Table.Tr key={day}>
                    <Table.Th scope="row" fw={500}>
                      {DAY_NAMES[day]}
                    </Table.Th>
                    <Table.Td c={hours[day]?.length ? undefined : "dimmed"}>
                      {segmentsLabel(hours[day])}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {doc.calendar.exceptions.length ? (
            <>
              <Text size="sm" fw={600} mt="md">
                Exceptions
              </Text>
              <List size="sm" spacing={4} mt={4}>
                {doc.calendar.exceptions.map((e) => (
                  <List.Item key={e.date}>
                    {formatCalendarDate(e.date)}
                    {e.name ? ` (${e.name})` : ""}: {e.closed ? "closed" : `open ${segmentsLabel(e.hours)}`}
                  </List.Item>
                ))}
              </List>
            </>
          ) : null}
        </div>
        <div>
          <Text size="sm" fw={600} mb={4}>
            Next holidays
          </Text>
          {upcomingHolidays.length === 0 ? (
            <Text size="sm" c="dimmed">
              No holidays in the coming year.
            </Text>
          ) : (
            <Stack gap={4} component="ul" className="plain-list">
              {upcomingHolidays.slice(0, 8).map((h) => (
                <Group
                  key={`${h.date}-${h.name}`}
                  component="li"
                  gap="xs"
                  wrap="nowrap"
                  justify="space-between"
                >
                  <Text size="sm">{h.name}</Text>
                  <Text size="sm" c="dimmed" ta="right">
                    {formatCalendarDate(h.date)}
                    {h.observedFrom ? ` (observed; falls on ${formatCalendarDate(h.observedFrom)})` : ""}
                  </Text>
                </Group>
              ))}
            </Stack>
          )}
          {doc.calendar.holidays.length ? (
            <details className="protocol-details">
              <summary>
                <Text span size="sm">
                  How the {doc.calendar.holidays.length} holidays are defined
                </Text>
              </summary>
              <List size="sm" spacing={2} mt={4}>
                {doc.calendar.holidays.map((h) => (
                  <List.Item key={h.name}>
                    {h.name}: {holidayRule(h)}
                  </List.Item>
                ))}
              </List>
            </details>
          ) : null}
        </div>
      </SimpleGrid>
    </Section>
  );
}

function EmergenciesSection({ doc }: { doc: ProtocolDoc }) {
  const e = doc.emergencies;
  return (
    <Section
      id="protocol-emergencies"
      title="Emergencies and on-call"
      description={`The person paged acknowledges within ${e.acknowledge_within}; otherwise the next person is paged.`}
    >
      <div>
        <Text size="sm" fw={600}>
          What counts as an emergency
        </Text>
        <List size="sm" spacing={4} mt={4}>
          {e.criteria.map((c) => (
            <List.Item key={c}>{c}</List.Item>
          ))}
        </List>
      </div>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <div>
          <Text size="sm" fw={600} id="oncall-free">
            On-call may, without approval
          </Text>
          <AuthorityList labelledBy="oncall-free" items={e.oncall_authority.without_approval} allowed />
        </div>
        <div>
          <Text size="sm" fw={600} id="oncall-approval">
            On-call needs approval to
          </Text>
          <AuthorityList
            labelledBy="oncall-approval"
            items={e.oncall_authority.needs_approval}
            allowed={false}
          />
        </div>
      </SimpleGrid>
      <Text size="sm" c="dimmed">
        A post-incident review follows within {e.post_incident_review_within}. A restoration plan untested for
        more than {e.restoration_test_max_age} is flagged.
      </Text>
    </Section>
  );
}

function AuthorityList({
  items,
  allowed,
  labelledBy,
}: {
  items: ProtocolDoc["emergencies"]["oncall_authority"]["without_approval"];
  allowed: boolean;
  labelledBy: string;
}) {
  if (items.length === 0)
    return (
      <Text size="sm" c="dimmed">
        Nothing listed.
      </Text>
    );
  return (
    <Stack gap={6} component="ul" className="plain-list" mt={4} aria-labelledby={labelledBy}>
      {items.map((a) => (
        <Group key={a.action} component="li" gap="xs" wrap="nowrap" align="flex-start">
          <ThemeIcon size={20} radius="xl" variant="light" color={allowed ? "teal" : "orange"} aria-hidden>
            {allowed ? <IconCheck size={13} /> : <IconX size={13} />}
          </ThemeIcon>
          <Text size="sm">
            {a.label}
            {!allowed && a.approver_roles.length ? (
              <Text span size="sm" c="dimmed">
                {" "}
                — approved by the {rolesList(a.approver_roles)}
              </Text>
            ) : null}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

function TouchpointsSection({ doc }: { doc: ProtocolDoc }) {
  const t = doc.touchpoints;
  return (
    <Section id="protocol-touchpoints" title="Meetings and reports">
      <div>
        <Text size="sm" fw={600}>
          Touchpoint meetings
        </Text>
        <Text size="sm" mt={4}>
          {capitalize(ruleLabel(t.rule))} at {t.at} ({doc.timezone}) for {t.duration}
          {t.from ? `, from ${formatCalendarDate(t.from)}` : ""}. The agenda goes out {t.agenda_before}{" "}
          before.
        </Text>
        <Text size="sm" c="dimmed" mt={4}>
          Client:{" "}
          {t.attendees.client.length ? capitalize(rolesList(t.attendees.client, "and")) : "nobody named"} ·
          Provider:{" "}
          {t.attendees.provider.length ? capitalize(rolesList(t.attendees.provider, "and")) : "nobody named"}
        </Text>
        {t.link ? (
          <Text size="sm" mt={4}>
            Meeting link: <Anchor href={t.link}>{t.link}</Anchor>
          </Text>
        ) : null}
      </div>
      <div>
        <Text size="sm" fw={600}>
          Reports
        </Text>
        {doc.reports.length === 0 ? (
          <Text size="sm" c="dimmed">
            No regular reports agreed.
          </Text>
        ) : (
          <List size="sm" spacing={6} mt={4}>
            {doc.reports.map((r) => (
              <List.Item key={r.name}>
                <strong>{r.name}</strong> ({r.audience.replace(/_/g, " ")} audience): {ruleLabel(r.rule)}, for
                the {rolesList(r.recipients, "and")}
                {r.includes.length ? `. Covers ${listJoin(r.includes)}.` : "."}
              </List.Item>
            ))}
          </List>
        )}
      </div>
    </Section>
  );
}

function ScopeSection({ doc }: { doc: ProtocolDoc }) {
  const columns: [string, string, ScopeItem[]][] = [
    ["Included", "teal", doc.scope.included],
    ["Billable extra work", "yellow", doc.scope.billable],
    ["Out of scope", "gray", doc.scope.out_of_scope],
  ];
  return (
    <Section
      id="protocol-scope"
      title="Scope"
      description="What the managed service includes, what is billed separately, and what is not provided."
    >
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
        {columns.map(([title, color, items]) => (
          <Stack key={title} gap={6}>
            <Badge variant="light" color={color} size="lg" tt="none">
              {title}
            </Badge>
            {items.length === 0 ? (
              <Text size="sm" c="dimmed">
                Nothing listed.
              </Text>
            ) : (
              <Stack gap={8} component="ul" className="plain-list">
                {items.map((i) => (
                  <li key={i.item}>
                    <Text size="sm" fw={500}>
                      {i.item}
                    </Text>
                    {i.examples.length ? (
                      <Text size="xs" c="dimmed">
                        e.g. {i.examples.join("; ")}
                      </Text>
                    ) : null}
                    {i.notes ? <Text size="xs">{i.notes}</Text> : null}
                  </li>
                ))}
              </Stack>
            )}
          </Stack>
        ))}
      </SimpleGrid>
    </Section>
  );
}
