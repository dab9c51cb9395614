import { Badge, Group, Stack, Text, Tooltip } from "@mantine/core";
import { formatAbsolute } from "../ui/time.tsx";
import { useSecondTick } from "./tick.ts";
import type { TicketClock } from "./types.ts";
import {
  CLOCK_LABELS,
  CLOCK_MEANINGS,
  CLOCK_STATUS_COLORS,
  CLOCK_STATUS_LABELS,
  durationWords,
} from "./words.ts";

const ms = (iso: string | null) => (iso === null ? null : new Date(iso).getTime());

/**
 * A ticket's SLA clocks, one horizontal bar each on a wall-clock axis from the moment the clock
 * started: the time elapsed so far, warning marks where 50 % and 75 % of the target are reached,
 * the deadline, and pauses (waiting on the client) as hatched stretches. On a business-hours
 * clock the marks are not evenly spaced: evenings and weekends do not count. Under each bar, its
 * status in words: time left or over, or how the target was met.
 */
export function ClockBars({ clocks, state }: { clocks: TicketClock[]; state: string }) {
  const now = useSecondTick();
  if (clocks.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No clocks: there is no protocol in effect to set targets.
      </Text>
    );
  return (
    <Stack gap="lg">
      {clocks.map((clock) => (
        <ClockBar key={clock.name} clock={clock} now={now} state={state} />
      ))}
    </Stack>
  );
}

function ClockBar({ clock, now, state }: { clock: TicketClock; now: number; state: string }) {
  const label = CLOCK_LABELS[clock.name] ?? clock.name;
  const started = ms(clock.startedAt);
  const due = ms(clock.dueAt);
  const stopped = ms(clock.stoppedAt);
  const end = stopped ?? now;
  const paused = clock.status === "paused";
  const status = liveStatus(clock, now);
  const words = statusWords(clock, now, state);
  const headingId = `clock-${clock.name}`;

  return (
    <section aria-labelledby={headingId} className="clock" data-clock={clock.name} data-status={status}>
      <Group justify="space-between" gap="xs" wrap="wrap" mb={4}>
        <Group gap={6}>
          <Text fw={600} size="sm" id={headingId}>
            {label}
          </Text>
          <Badge size="xs" variant="light" color={clock.calendar === "24x7" ? "grape" : "gray"} tt="none">
            {clock.calendar === "24x7" ? "24×7" : "business hours"}
          </Badge>
        </Group>
        <Badge
          size="sm"
          variant="light"
          color={CLOCK_STATUS_COLORS[status]}
          data-testid={`clock-status-${clock.name}`}
        >
          {CLOCK_STATUS_LABELS[status]}
        </Badge>
      </Group>
      {started !== null && (due !== null || clock.pauses.length > 0 || stopped !== null) ? (
        <Bar clock={clock} started={started} due={due} end={end} now={now} paused={paused} />
      ) : null}
      <Text size="sm" mt={6} data-testid={`clock-words-${clock.name}`}>
        {words}
      </Text>
      <Text size="xs" c="dimmed">
        Measures the time {CLOCK_MEANINGS[clock.name]}
        {clock.budgetMs !== null
          ? `; ${durationWords(clock.usedMs)} of ${durationWords(clock.budgetMs)} used${clock.calendar === "business" ? " (business hours only)" : ""}.`
          : "."}
      </Text>
    </section>
  );
}

/** The status as of `now`: a running clock whose deadline just passed reads as breached before the refetch. */
function liveStatus(clock: TicketClock, now: number): TicketClock["status"] {
  const due = ms(clock.dueAt);
  if ((clock.status === "on_track" || clock.status === "warning") && due !== null && now >= due)
    return "breached";
  return clock.status;
}

function statusWords(clock: TicketClock, now: number, state: string): string {
  const due = ms(clock.dueAt);
  const stopped = ms(clock.stoppedAt);
  const status = liveStatus(clock, now);
  if (clock.startedAt === null)
    return clock.name === "updates" ? "Starts when the ticket is acknowledged." : "Not started.";
  switch (status) {
    case "met":
      if (due !== null && stopped !== null)
        return `Met: stopped ${formatAbsolute(clock.stoppedAt!)}, ${durationWords(due - stopped)} before the deadline.`;
      return "Met.";
    case "missed":
      if (due !== null && stopped !== null)
        return `Missed by ${durationWords(stopped - due)}: the deadline was ${formatAbsolute(clock.dueAt!)}.`;
      return "Missed.";
    case "breached":
      return due !== null
        ? `Breached: ${durationWords(now - due)} over. The deadline was ${formatAbsolute(clock.dueAt!)}.`
        : "Breached.";
    case "paused":
      return state === "waiting_on_client"
        ? "Paused while the ticket waits on the client; it runs again when the client answers."
        : "Paused.";
    case "none":
      return clock.budgetMs === null ? "No deadline: as available." : "No target.";
    default:
      return due !== null
        ? `${durationWords(due - now)} left — due ${formatAbsolute(clock.dueAt!)}.${status === "warning" ? " More than half of the time is used." : ""}`
        : "Running.";
  }
}

function Bar({
  clock,
  started,
  due,
  end,
  now,
  paused,
}: {
  clock: TicketClock;
  started: number;
  due: number | null;
  end: number;
  now: number;
  paused: boolean;
}) {
  const stop = Math.max(end, started + 1);
  const last = Math.max(stop, due ?? 0);
  const span = last - started;
  const pctOf = (t: number) => (Math.min(Math.max(t - started, 0), span) / span) * 100;
  const pos = (t: number) => `${pctOf(t)}%`;
  const width = (from: number, to: number) =>
    `${(Math.max(0, Math.min(to, last) - Math.max(from, started)) / span) * 100}%`;
  const overrun = due !== null && stop > due;
  // Warning marks; on a business-hours clock over a weekend they crowd together near the deadline,
  // so a mark too close to the previous label keeps only its tooltip.
  const marks: { pct: number; at: string; left: number; labelled: boolean }[] = [];
  for (const t of clock.thresholds) {
    if (t.at === null || t.pct >= 100) continue;
    const left = pctOf(new Date(t.at).getTime());
    const lastLabel = marks.findLast((m) => m.labelled)?.left ?? -Infinity;
    marks.push({ pct: t.pct, at: t.at, left, labelled: left - lastLabel >= 9 });
  }
  const status = liveStatus(clock, now);
  return (
    <div className="clock-bar" aria-hidden data-status={status}>
      <div
        className="clock-bar-elapsed"
        style={{ left: 0, width: width(started, overrun ? due! : stop) }}
        data-paused={paused || undefined}
      />
      {overrun ? (
        <div className="clock-bar-overrun" style={{ left: pos(due!), width: width(due!, stop) }} />
      ) : null}
      {clock.pauses.map((p) => {
        const from = new Date(p.from).getTime();
        const to = p.to === null ? end : new Date(p.to).getTime();
        return (
          <Tooltip
            key={p.from}
            label={`Paused ${formatAbsolute(p.from)}${p.to ? ` – ${formatAbsolute(p.to)}` : " – now"}`}
            withArrow
          >
            <div className="clock-bar-pause" style={{ left: pos(from), width: width(from, to) }} />
          </Tooltip>
        );
      })}
      {marks.map((m) => (
        <Tooltip key={m.pct} label={`${m.pct}% of the target: ${formatAbsolute(m.at)}`} withArrow>
          <div className="clock-bar-mark" style={{ left: `${m.left}%` }} data-pct={m.pct}>
            {m.labelled ? <span className="clock-bar-mark-label">{m.pct}%</span> : null}
          </div>
        </Tooltip>
      ))}
      {due !== null ? (
        <Tooltip label={`Deadline: ${formatAbsolute(clock.dueAt!)}`} withArrow>
          <div className="clock-bar-deadline" style={{ left: pos(due) }} />
        </Tooltip>
      ) : null}
      {clock.stoppedAt === null ? <div className="clock-bar-now" style={{ left: pos(now) }} /> : null}
    </div>
  );
}
