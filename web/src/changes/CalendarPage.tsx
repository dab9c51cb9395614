import "./changes.css";
import {
  ActionIcon,
  Button,
  Card,
  Group,
  Loader,
  SegmentedControl,
  Stack,
  Text,
  Title,
  Tooltip,
  VisuallyHidden,
} from "@mantine/core";
import { IconChevronLeft, IconChevronRight } from "@tabler/icons-react";
import { useEffect, useMemo, useRef } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { viewerZone } from "../protocol/zone.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { ChangesNav } from "./ChangesNav.tsx";
import { FeedsPanel } from "./FeedsPanel.tsx";
import { useLiveChanges } from "./live.ts";
import { useCalendar, useChangeForm } from "./queries.ts";
import {
  addDays,
  addMonths,
  dayLengthMinutes,
  dayName,
  dayStartIso,
  formatTimeInZone,
  minutesIntoDay,
  monthName,
  monthStart,
  shortDate,
  todayIn,
  weekdayShort,
  weekStart,
} from "./time.ts";
import { CHANGE_CLASSES, type CalendarItem } from "./types.ts";
import { changeNumber, CLASS_LABELS, stateLabel } from "./words.ts";

type CalendarMode = "month" | "week";

/** How many changes a month cell lists before "+N more" (which opens that week). */
const MONTH_CELL_CHANGES = 4;

/**
 * `/r/:relationshipId/changes/calendar`: changes, maintenance windows and blackouts by month or
 * week, on the days of the protocol's time zone. Changes are coloured by class and struck
 * through when cancelled; windows and blackouts are shaded bands. The view and the date are in
 * the address. Below, calendar feeds let people subscribe from Outlook, Google or Thunderbird.
 */
export function CalendarPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const form = useChangeForm(relationshipId);
  const [params, setParams] = useSearchParams();
  useLiveChanges(relationshipId);

  const zone = form.data?.timezone ?? viewerZone();
  const today = todayIn(zone);
  const mode: CalendarMode = params.get("view") === "week" ? "week" : "month";
  const anchorParam = params.get("date");
  const anchor = anchorParam && /^\d{4}-\d{2}-\d{2}$/.test(anchorParam) ? anchorParam : today;

  const days = useMemo(() => {
    if (mode === "week") return Array.from({ length: 7 }, (_, i) => addDays(weekStart(anchor), i));
    const first = weekStart(monthStart(anchor));
    const next = addMonths(monthStart(anchor), 1);
    const out: string[] = [];
    for (let d = first; d < next || out.length % 7 !== 0; d = addDays(d, 1)) out.push(d);
    return out;
  }, [mode, anchor]);
  const from = dayStartIso(days[0]!, zone);
  const to = dayStartIso(addDays(days[days.length - 1]!, 1), zone);
  const calendar = useCalendar(relationshipId, from, to);

  const go = (changes: Record<string, string | null>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value === null) next.delete(key);
          else next.set(key, value);
        }
        return next;
      },
      { replace: true },
    );
  const step = (direction: 1 | -1) =>
    go({ date: mode === "week" ? addDays(anchor, 7 * direction) : addMonths(monthStart(anchor), direction) });

  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;
  const unit = mode === "week" ? "week" : "month";
  const heading =
    mode === "week"
      ? `${shortDate(days[0]!)} – ${shortDate(days[6]!)}, ${days[6]!.slice(0, 4)}`
      : monthName(anchor);

  return (
    <Page
      title="Change calendar"
      documentTitle={name ? `Change calendar — ${name}` : "Change calendar"}
      eyebrow={name}
      description={`Planned and past changes, maintenance windows and blackouts, on the days of the protocol's time zone (${zone}).`}
    >
      <ChangesNav relationshipId={relationshipId} current="calendar" />

      <Card withBorder padding="md" component="section" aria-labelledby="calendar-title">
        <Stack gap="sm">
          <div className="cal-toolbar">
            <Group gap="xs" wrap="nowrap">
              <Tooltip label={`Previous ${unit}`} withArrow>
                <ActionIcon
                  variant="default"
                  size="lg"
                  aria-label={`Previous ${unit}`}
                  onClick={() => step(-1)}
                >
                  <IconChevronLeft size={18} aria-hidden />
                </ActionIcon>
              </Tooltip>
              <Button variant="default" onClick={() => go({ date: null })}>
                Today
              </Button>
              <Tooltip label={`Next ${unit}`} withArrow>
                <ActionIcon variant="default" size="lg" aria-label={`Next ${unit}`} onClick={() => step(1)}>
                  <IconChevronRight size={18} aria-hidden />
                </ActionIcon>
              </Tooltip>
            </Group>
            <Group gap="xs" wrap="nowrap" className="cal-title">
              <Title order={2} fz="h4" id="calendar-title" aria-live="polite">
                {heading}
              </Title>
              {calendar.isFetching ? <Loader size="xs" aria-label="Loading" /> : null}
            </Group>
            <SegmentedControl
              aria-label="View"
              data={[
                { value: "month", label: "Month" },
                { value: "week", label: "Week" },
              ]}
              value={mode}
              onChange={(v) => go({ view: v === "week" ? "week" : null })}
            />
          </div>
          {calendar.isError ? (
            <ProblemAlert error={calendar.error} title="Could not load the calendar" />
          ) : null}
          {mode === "month" ? (
            <MonthGrid
              days={days}
              month={anchor.slice(0, 7)}
              today={today}
              zone={zone}
              items={calendar.data?.items ?? []}
              relationshipId={relationshipId}
              onOpenWeek={(day) => go({ view: "week", date: day })}
            />
          ) : (
            <WeekGrid
              days={days}
              today={today}
              zone={zone}
              items={calendar.data?.items ?? []}
              relationshipId={relationshipId}
            />
          )}
          <Legend />
        </Stack>
      </Card>

      <FeedsPanel relationshipId={relationshipId} />
    </Page>
  );
}

interface Placed {
  item: CalendarItem;
  /** Minutes since the day's local midnight, clipped to the day. */
  from: number;
  to: number;
  startsToday: boolean;
}

/** The items overlapping a day of `zone`, with their minutes inside it. */
function itemsOfDay(items: CalendarItem[], day: string, zone: string): Placed[] {
  const length = dayLengthMinutes(day, zone);
  const out: Placed[] = [];
  for (const item of items) {
    const from = minutesIntoDay(item.start, day, zone);
    const to = minutesIntoDay(item.end, day, zone);
    // Zero-length items (a change recorded with only a start) still show on their day.
    if (from < length && (to > 0 || (to === 0 && from === 0))) {
      out.push({
        item,
        from: Math.max(0, from),
        to: Math.min(length, Math.max(to, from)),
        startsToday: from >= 0,
      });
    }
  }
  return out.sort((a, b) => a.from - b.from || a.item.title.localeCompare(b.item.title));
}

function MonthGrid({
  days,
  month,
  today,
  zone,
  items,
  relationshipId,
  onOpenWeek,
}: {
  days: string[];
  month: string;
  today: string;
  zone: string;
  items: CalendarItem[];
  relationshipId: string;
  onOpenWeek: (day: string) => void;
}) {
  return (
    <div>
      <div className="cal-weekdays" aria-hidden>
        {days.slice(0, 7).map((d) => (
          <span key={d}>{weekdayShort(d)}</span>
        ))}
      </div>
      <ol className="plain-list cal-month" aria-label={`Days of ${monthName(`${month}-01`)}`}>
        {days.map((day) => {
          const placed = itemsOfDay(items, day, zone);
          const bands = placed.filter((p) => p.item.kind !== "change");
          const changes = placed.filter((p) => p.item.kind === "change");
          const more = changes.length - MONTH_CELL_CHANGES;
          return (
            <li
              key={day}
              className="cal-day"
              aria-label={dayName(day)}
              data-date={day}
              data-outside={day.slice(0, 7) !== month || undefined}
              data-today={day === today || undefined}
            >
              <span className="cal-day-number" aria-hidden>
                {Number(day.slice(8))}
              </span>
              <div className="cal-items">
                {bands.map((p) => (
                  <Band key={`${p.item.id}-${day}`} placed={p} zone={zone} />
                ))}
                {changes.slice(0, MONTH_CELL_CHANGES).map((p) => (
                  <ChangeChip
                    key={`${p.item.id}-${day}`}
                    placed={p}
                    zone={zone}
                    relationshipId={relationshipId}
                  />
                ))}
                {more > 0 ? (
                  <Button
                    variant="subtle"
                    size="compact-xs"
                    onClick={() => onOpenWeek(day)}
                    aria-label={`${more} more on ${dayName(day)}: open the week`}
                  >
                    +{more} more
                  </Button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

/** A change on the calendar: opens it; coloured by class, struck through when cancelled. */
function ChangeChip({
  placed,
  zone,
  relationshipId,
  style,
}: {
  placed: Placed;
  zone: string;
  relationshipId: string;
  style?: React.CSSProperties;
}) {
  const { item } = placed;
  // The server's title may already start with the CHG number; say it once.
  const label = `${changeNumber(item.number)} ${item.title.replace(/^CHG-\d+\s+/, "")}`;
  const time = placed.startsToday ? `${formatTimeInZone(item.start, zone)} ` : "";
  const state = item.state ? stateLabel(item.state) : "";
  const tip = `${label} — ${item.class ? CLASS_LABELS[item.class] : ""}${state ? `, ${state.toLowerCase()}` : ""}, ${formatTimeInZone(item.start, zone)}–${formatTimeInZone(item.end, zone)}`;
  return (
    <Tooltip label={tip} withArrow openDelay={300}>
      <Link
        to={`/r/${relationshipId}/changes/${item.changeId ?? item.id}`}
        className="cal-change"
        data-class={item.class ?? undefined}
        data-state={item.state ?? undefined}
        style={style}
      >
        {time ? <span className="cal-change-time">{time}</span> : null}
        {label}
        {item.state === "cancelled" || item.state === "rejected" ? (
          <VisuallyHidden> ({state.toLowerCase()})</VisuallyHidden>
        ) : null}
      </Link>
    </Tooltip>
  );
}

/** A maintenance window or blackout: a shaded band with its name. */
function Band({
  placed,
  zone,
  style,
  covered,
}: {
  placed: Placed;
  zone: string;
  style?: React.CSSProperties;
  covered?: boolean;
}) {
  const { item } = placed;
  const kind = item.kind === "window" ? "Maintenance window" : "Blackout";
  const tip = `${kind}: ${item.title}, ${formatTimeInZone(item.start, zone)}–${formatTimeInZone(item.end, zone)}${item.note ? ` — ${item.note}` : ""}`;
  return (
    <Tooltip label={tip} withArrow openDelay={300}>
      <div
        className="cal-band"
        data-kind={item.kind}
        data-covered={covered || undefined}
        style={style}
        tabIndex={0}
        aria-label={tip}
      >
        {item.title}
      </div>
    </Tooltip>
  );
}

/** The week view opens scrolled to this hour, or earlier when something happens before it. */
const WEEK_FIRST_HOUR = 7;

function WeekGrid({
  days,
  today,
  zone,
  items,
  relationshipId,
}: {
  days: string[];
  today: string;
  zone: string;
  items: CalendarItem[];
  relationshipId: string;
}) {
  const body = useRef<HTMLDivElement>(null);
  // The earliest hour anything starts at this week (in the zone), to scroll it into view.
  const firstHour = Math.min(
    WEEK_FIRST_HOUR,
    ...days.flatMap((day) => itemsOfDay(items, day, zone).map((p) => Math.floor(p.from / 60))),
  );
  const week = days[0];
  useEffect(() => {
    const el = body.current;
    if (!el) return;
    el.scrollTop = (Math.max(0, firstHour - 1) / 24) * el.scrollHeight;
  }, [week, firstHour]);
  return (
    <div>
      <div className="cal-week-head" aria-hidden>
        <span />
        {days.map((d) => (
          <span key={d} data-today={d === today || undefined}>
            {weekdayShort(d)} {Number(d.slice(8))}
          </span>
        ))}
      </div>
      <div className="cal-week-body" ref={body}>
        <div className="cal-week">
          <div className="cal-hours" aria-hidden>
            {Array.from({ length: 23 }, (_, i) => (
              <span key={i} style={{ top: `${((i + 1) / 24) * 100}%` }}>
                {String(i + 1).padStart(2, "0")}:00
              </span>
            ))}
          </div>
          <ol className="plain-list" style={{ display: "contents" }} aria-label="Days of the week">
            {days.map((day) => (
              <WeekDay
                key={day}
                day={day}
                today={today}
                zone={zone}
                items={items}
                relationshipId={relationshipId}
              />
            ))}
          </ol>
        </div>
      </div>
    </div>
  );
}

function WeekDay({
  day,
  today,
  zone,
  items,
  relationshipId,
}: {
  day: string;
  today: string;
  zone: string;
  items: CalendarItem[];
  relationshipId: string;
}) {
  const length = dayLengthMinutes(day, zone);
  const placed = itemsOfDay(items, day, zone);
  const bands = placed.filter((p) => p.item.kind !== "change");
  const changes = placed.filter((p) => p.item.kind === "change");
  // Overlapping changes share the column side by side: each takes the first free lane.
  const laneEnds: number[] = [];
  const lanes = changes.map((p) => {
    let lane = laneEnds.findIndex((end) => end <= p.from);
    if (lane === -1) lane = laneEnds.length;
    laneEnds[lane] = Math.max(p.to, p.from + 30);
    return lane;
  });
  const laneCount = Math.max(1, laneEnds.length);
  const position = (p: Placed): React.CSSProperties => ({
    top: `${(p.from / length) * 100}%`,
    height: `max(1.1rem, ${((p.to - p.from) / length) * 100}%)`,
  });
  return (
    <li
      className="cal-week-day"
      aria-label={dayName(day)}
      data-date={day}
      data-today={day === today || undefined}
    >
      {bands.map((p) => (
        <Band
          key={p.item.id}
          placed={p}
          zone={zone}
          style={position(p)}
          // Under a change, the band's name would show in slivers: the tooltip and legend say it.
          covered={changes.some((c) => c.from < p.to && c.to > p.from)}
        />
      ))}
      {changes.map((p, i) => (
        <ChangeChip
          key={p.item.id}
          placed={p}
          zone={zone}
          relationshipId={relationshipId}
          style={{
            ...position(p),
            left: `calc(${(lanes[i]! / laneCount) * 100}% + 2px)`,
            width: `calc(${100 / laneCount}% - 4px)`,
          }}
        />
      ))}
    </li>
  );
}

function Legend() {
  return (
    <div className="cal-legend" aria-label="Legend" role="group">
      {CHANGE_CLASSES.map((c) => (
        <span key={c} data-class={c}>
          <span
            className="cal-legend-swatch"
            style={{ background: "var(--change-class-color)" }}
            aria-hidden
          />
          {CLASS_LABELS[c]}
        </span>
      ))}
      <span>
        <span className="cal-legend-swatch cal-band" data-kind="window" aria-hidden />
        Maintenance window
      </span>
      <span>
        <span className="cal-legend-swatch cal-band" data-kind="blackout" aria-hidden />
        Blackout
      </span>
      <Text span size="xs" c="dimmed">
        Struck through: cancelled or rejected
      </Text>
    </div>
  );
}
