import { Badge, Group, Paper, Stack, Text, ThemeIcon } from "@mantine/core";
import {
  type Icon,
  IconAlarm,
  IconAlertTriangle,
  IconArrowsExchange,
  IconCircleCheck,
  IconFlag,
  IconMessage,
  IconNotes,
  IconStairsDown,
  IconStairsUp,
  IconUserCheck,
} from "@tabler/icons-react";
import { roleLabel } from "../identity/roles.ts";
import { formatAbsolute, TimeStamp } from "../ui/time.tsx";
import type { TicketEntry } from "./types.ts";
import { CLOCK_LABELS, durationWords, humanize, severityLabel, stateLabel } from "./words.ts";

export interface TimelineProps {
  entries: TicketEntry[];
  /** Names of people by user id (assignments carry ids). */
  names: Map<string, string>;
  /** Names of escalation levels by id. */
  levelNames: Map<string, string>;
}

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v : null);

/**
 * The ticket's story as both sides read it, oldest first: who raised it and why at that severity,
 * structured investigation updates (a "stuck" one stands out), questions to the client, severity
 * changes, escalations with who now holds the ticket and what they may decide, clock warnings and
 * breaches, and the resolution.
 */
export function Timeline({ entries, names, levelNames }: TimelineProps) {
  return (
    <ol className="plain-list ticket-timeline" aria-label="Timeline">
      {entries.map((e) => (
        <TimelineEntry key={e.id} entry={e} names={names} levelNames={levelNames} />
      ))}
    </ol>
  );
}

function TimelineEntry({
  entry: e,
  names,
  levelNames,
}: {
  entry: TicketEntry;
  names: Map<string, string>;
  levelNames: Map<string, string>;
}) {
  const d = e.data ?? {};
  const view = describe(e, names, levelNames);
  const Icon = view.icon;
  return (
    <li
      className="timeline-entry"
      data-kind={e.kind}
      data-stuck={e.kind === "update" && d.stuck === true ? true : undefined}
      data-tone={view.tone}
    >
      <ThemeIcon
        size={28}
        radius="xl"
        variant="light"
        color={view.color}
        aria-hidden
        className="timeline-icon"
      >
        <Icon size={16} />
      </ThemeIcon>
      <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
        <Group gap={6} wrap="wrap" justify="space-between">
          <Text size="sm" component="div" style={{ overflowWrap: "anywhere" }}>
            {e.side === "system" ? null : (
              <>
                <Text span fw={600} size="sm">
                  {e.authorName}
                </Text>{" "}
                <Badge size="xs" variant="light" color={e.side === "client" ? "blue" : "violet"} tt="none">
                  {e.side}
                </Badge>{" "}
              </>
            )}
            {view.headline}
          </Text>
          <TimeStamp iso={e.createdAt} mode="relative" size="xs" />
        </Group>
        {view.details}
      </Stack>
    </li>
  );
}

interface EntryView {
  icon: Icon;
  color: string;
  tone?: "warning" | "danger" | "success";
  headline: React.ReactNode;
  details?: React.ReactNode;
}

function Body({ text, label }: { text: string; label?: string }) {
  return (
    <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
      {label ? (
        <Text span fw={600} size="sm">
          {label}:{" "}
        </Text>
      ) : null}
      {text}
    </Text>
  );
}

function Facts({ rows }: { rows: [string, string | null][] }) {
  const shown = rows.filter((r): r is [string, string] => r[1] !== null);
  if (!shown.length) return null;
  return (
    <dl className="event-meta ticket-facts">
      {shown.map(([term, value]) => (
        <div key={term} style={{ display: "contents" }}>
          <dt>{term}</dt>
          <dd style={{ whiteSpace: "pre-wrap" }}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function describe(e: TicketEntry, names: Map<string, string>, levelNames: Map<string, string>): EntryView {
  const d = e.data ?? {};
  const level = (id: unknown) =>
    typeof id === "string" ? (levelNames.get(id) ?? humanize(id)) : "no escalation";
  switch (e.kind) {
    case "created": {
      const severity = str(d.severity);
      const suggested = str(d.suggested);
      const reason = str(d.reason);
      return {
        icon: IconFlag,
        color: "blue",
        headline: (
          <>
            raised the ticket{severity ? ` as ${severityLabel(severity)}` : ""}
            {suggested && severity && suggested !== severity
              ? ` (the protocol suggested ${severityLabel(suggested)})`
              : ""}
            {str(d.source) && d.source !== "web" ? ` by ${d.source === "email" ? "email" : "API"}` : ""}.
          </>
        ),
        details: reason ? <Body label="Why this severity" text={reason} /> : undefined,
      };
    }
    case "comment":
      return {
        icon: IconMessage,
        color: "gray",
        headline: "commented:",
        details: <Body text={e.body} />,
      };
    case "update": {
      const stuck = d.stuck === true;
      return {
        icon: stuck ? IconAlertTriangle : IconNotes,
        color: stuck ? "orange" : "indigo",
        tone: stuck ? "warning" : undefined,
        headline: (
          <>
            posted an investigation update
            {stuck ? (
              <>
                {" "}
                <Badge color="orange" variant="filled" size="sm" tt="none">
                  Stuck — needs help
                </Badge>
              </>
            ) : null}
          </>
        ),
        details: (
          <Paper withBorder p="sm" radius="md" className="update-card" data-stuck={stuck || undefined}>
            <Facts
              rows={[
                ["Found", str(d.found)],
                ["Trying", str(d.trying)],
                ["Next", str(d.next)],
                ...(stuck ? ([["Help needed", str(d.stuckReason) ?? "yes"]] as [string, string][]) : []),
              ]}
            />
          </Paper>
        ),
      };
    }
    case "state": {
      const from = str(d.from);
      const to = str(d.to);
      if (to === "acknowledged")
        return {
          icon: IconUserCheck,
          color: "cyan",
          headline: `acknowledged the ticket and started investigating${
            d.withinTarget === false
              ? ", after the response target"
              : d.withinTarget === true
                ? ", within the response target"
                : ""
          }.`,
          details: e.body ? <Body text={e.body} /> : undefined,
        };
      if (to === "waiting_on_client")
        return {
          icon: IconMessage,
          color: "grape",
          headline: "needs an answer from the client; the clocks are paused until then.",
          details: (
            <Paper withBorder p="sm" radius="md" className="question-card">
              <Body label="Question" text={e.body} />
            </Paper>
          ),
        };
      if (to === "closed")
        return {
          icon: IconCircleCheck,
          color: "teal",
          tone: "success",
          headline:
            d.confirmed === false
              ? "The ticket closed by itself: nobody replied within the protocol's waiting time after the resolution."
              : "confirmed the fix; the ticket is closed.",
          details: e.body ? <Body text={e.body} /> : undefined,
        };
      if (from === "waiting_on_client" && to === "in_progress")
        return {
          icon: IconArrowsExchange,
          color: "indigo",
          headline: "resumed the ticket; the clocks run again.",
          details: e.body ? <Body text={e.body} /> : undefined,
        };
      if ((from === "resolved" || from === "closed") && to === "in_progress")
        return {
          icon: IconArrowsExchange,
          color: "red",
          tone: "danger",
          headline: "reopened the ticket: the problem is not fixed.",
          details: e.body ? <Body label="Why" text={e.body} /> : undefined,
        };
      return {
        icon: IconArrowsExchange,
        color: "gray",
        headline: `moved the ticket${from ? ` from ${stateLabel(from)}` : ""}${to ? ` to ${stateLabel(to)}` : ""}.`,
        details: e.body ? <Body text={e.body} /> : undefined,
      };
    }
    case "severity":
      return {
        icon: IconArrowsExchange,
        color: "orange",
        headline: `changed the severity from ${severityLabel(String(d.from ?? "?"))} to ${severityLabel(String(d.to ?? "?"))}.`,
        details: e.body ? <Body label="Reason" text={e.body} /> : undefined,
      };
    case "assignment": {
      const to = str(d.to);
      return {
        icon: IconUserCheck,
        color: "gray",
        headline: to
          ? `assigned the ticket to ${names.get(to) ?? "a member of the provider's staff"}.`
          : "unassigned the ticket.",
      };
    }
    case "escalation": {
      if (d.deescalated === true)
        return {
          icon: IconStairsDown,
          color: "teal",
          headline: d.to
            ? `de-escalated the ticket to ${level(d.to)}.`
            : "de-escalated the ticket off the escalation path.",
          details: e.body ? <Body label="Reason" text={e.body} /> : undefined,
        };
      const holders = Array.isArray(d.holders)
        ? (d.holders as { name?: string; role?: string }[])
            .map((h) => (h.name ? `${h.name}${h.role ? ` (${roleLabel(h.role)})` : ""}` : null))
            .filter(Boolean)
        : [];
      const authority = d.authority as { summary?: string; decisions?: string[] } | undefined;
      const name = str(d.levelName) ?? level(d.to);
      return {
        icon: IconStairsUp,
        color: "orange",
        tone: "warning",
        headline:
          d.automatic === true
            ? `Escalated automatically to ${name}: ${e.body || "the protocol's trigger was reached."}`
            : d.trigger === "stuck"
              ? `escalated to ${name}: stuck, help needed.`
              : `escalated the ticket to ${name}.`,
        details: (
          <Stack gap={4}>
            {d.automatic !== true && e.body ? <Body label="Why" text={e.body} /> : null}
            <Facts
              rows={[
                ["Now held by", holders.length ? holders.join(", ") : "nobody holds this level yet"],
                ["Authority", str(authority?.summary)],
                [
                  "May decide to",
                  Array.isArray(authority?.decisions) && authority.decisions.length
                    ? authority.decisions.join("; ")
                    : null,
                ],
              ]}
            />
          </Stack>
        ),
      };
    }
    case "clock": {
      const clock = str(d.clock);
      const clockName = clock ? (CLOCK_LABELS[clock as keyof typeof CLOCK_LABELS] ?? clock) : "A";
      if (d.overdue === true)
        return {
          icon: IconAlarm,
          color: "red",
          tone: "danger",
          headline:
            d.toClient === true
              ? "The investigation update is still overdue; the client's point of contact was told."
              : "An investigation update is overdue.",
          details: str(d.dueAt) ? (
            <Text size="xs" c="dimmed">
              Was due {formatAbsolute(String(d.dueAt))}.
            </Text>
          ) : undefined,
        };
      const pct = typeof d.pct === "number" ? d.pct : null;
      const deadline =
        typeof d.deadline === "number"
          ? new Date(d.deadline).toISOString()
          : typeof d.deadline === "string"
            ? d.deadline
            : null;
      if (pct === 100)
        return {
          icon: IconAlarm,
          color: "red",
          tone: "danger",
          headline: `${clockName} target breached.`,
          details: deadline ? (
            <Text size="xs" c="dimmed">
              The deadline was {formatAbsolute(deadline)}.
            </Text>
          ) : undefined,
        };
      return {
        icon: IconAlarm,
        color: "orange",
        tone: "warning",
        headline: `${pct ?? "?"}% of the ${clockName.toLowerCase()} time is used.`,
        details: deadline ? (
          <Text size="xs" c="dimmed">
            The deadline is {formatAbsolute(deadline)}
            {str(d.firedAt)
              ? `, ${durationWords(new Date(deadline).getTime() - new Date(String(d.firedAt)).getTime())} after this warning`
              : ""}
            .
          </Text>
        ) : undefined,
      };
    }
    case "resolution":
      return {
        icon: IconCircleCheck,
        color: "teal",
        tone: "success",
        headline: `resolved the ticket${
          d.withinTarget === false
            ? ", after the resolution target"
            : d.withinTarget === true
              ? ", within the resolution target"
              : ""
        }.`,
        details: (
          <Paper withBorder p="sm" radius="md">
            <Facts
              rows={[
                ["Summary", str(d.summary) ?? (e.body || null)],
                ["Root cause", str(d.rootCause)],
                ["Fix", str(d.fix)],
                ["Prevention", str(d.prevention)],
              ]}
            />
          </Paper>
        ),
      };
    default:
      return {
        icon: IconNotes,
        color: "gray",
        headline: humanize(e.kind),
        details: e.body ? <Body text={e.body} /> : undefined,
      };
  }
}
