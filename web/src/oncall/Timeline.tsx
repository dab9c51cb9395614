import "./oncall.css";
import { Badge, Group, SegmentedControl, Stack, Text, Title, Tooltip } from "@mantine/core";
import { IconArrowsExchange } from "@tabler/icons-react";
import { Fragment, useMemo } from "react";
import { useSearchParams } from "react-router";
import { daysBetween, type DaySlot, formatLength, formatSpan } from "./time.ts";
import type { Gap, Shift, Timeline } from "./types.ts";

/** The lengths of timeline people can choose, in weeks. */
export const TIMELINE_WEEKS = [1, 2, 4, 8] as const;
export type TimelineView = "timeline" | "list";

/**
 * The timeline's range and view from the address (`?weeks=4&view=list`), so a link shows the
 * same thing; two weeks on a timeline unless said otherwise.
 */
export function useTimelineParams() {
  const [params, setParams] = useSearchParams();
  const asked = Number(params.get("weeks"));
  const weeks = (TIMELINE_WEEKS as readonly number[]).includes(asked) ? asked : 2;
  const view: TimelineView = params.get("view") === "list" ? "list" : "timeline";
  const set = (key: string, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value === null) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: true },
    );
  return {
    weeks,
    view,
    setWeeks: (w: number) => set("weeks", w === 2 ? null : String(w)),
    setView: (v: TimelineView) => set("view", v === "timeline" ? null : v),
  };
}

/** The range and view controls above a timeline. */
export function TimelineControls({
  weeks,
  view,
  onWeeks,
  onView,
}: {
  weeks: number;
  view: TimelineView;
  onWeeks: (weeks: number) => void;
  onView: (view: TimelineView) => void;
}) {
  return (
    <Group gap="sm" wrap="wrap">
      <SegmentedControl
        aria-label="How far ahead"
        size="xs"
        value={String(weeks)}
        onChange={(v) => onWeeks(Number(v))}
        data={TIMELINE_WEEKS.map((w) => ({ value: String(w), label: w === 1 ? "1 week" : `${w} weeks` }))}
      />
      <SegmentedControl
        aria-label="Show as"
        size="xs"
        value={view}
        onChange={(v) => onView(v === "list" ? "list" : "timeline")}
        data={[
          { value: "timeline", label: "Timeline" },
          { value: "list", label: "List" },
        ]}
      />
    </Group>
  );
}

/** The narrowest a day may be drawn, by range: longer ranges scroll inside their box. */
function dayMinWidth(days: number): string {
  if (days <= 8) return "6.5rem";
  if (days <= 15) return "4.25rem";
  if (days <= 29) return "2.75rem";
  return "2.25rem";
}

const PALETTE = ["blue", "teal", "grape", "orange", "cyan", "indigo", "lime", "pink", "violet", "yellow"];

/** One colour per person, in the order people first appear, so a person looks the same in every lane. */
function personColors(shifts: Shift[]): Map<string, string> {
  const colors = new Map<string, string>();
  for (const s of shifts)
    if (!colors.has(s.userId)) colors.set(s.userId, PALETTE[colors.size % PALETTE.length]!);
  return colors;
}

/**
 * Who is on call over a range, one lane per layer: shift bars with the person's name, gaps (nobody
 * on call) as red hatched bars, overrides marked. Times and days are those of the schedule's zone.
 * The lanes scroll sideways inside their own box on narrow screens; the layer names stay put.
 */
export function ShiftTimeline({ timeline, zone, now }: { timeline: Timeline; zone: string; now: number }) {
  const days = useMemo(
    () => daysBetween(timeline.from, timeline.to, zone),
    [timeline.from, timeline.to, zone],
  );
  const colors = useMemo(() => personColors(timeline.shifts), [timeline.shifts]);
  const from = Date.parse(timeline.from);
  const to = Date.parse(timeline.to);
  const span = to - from;
  const pct = (t: number) => `${((Math.min(Math.max(t, from), to) - from) / span) * 100}%`;
  const place = (start: string, end: string): React.CSSProperties => {
    const s = Math.max(Date.parse(start), from);
    const e = Math.min(Date.parse(end), to);
    return { left: pct(s), width: `${((e - s) / span) * 100}%` };
  };
  const nowInside = now > from && now < to;
  const longRange = days.length > 15;
  const sliverStart = days.length > 1 && days[0]!.end - days[0]!.start < 12 * 3_600_000;

  return (
    <Stack gap="xs">
      <div
        className="oc-scroll"
        role="region"
        aria-label="Timeline of shifts (scrolls sideways)"
        tabIndex={0}
        style={
          {
            "--oc-days": days.length,
            "--oc-day-min": dayMinWidth(days.length),
          } as React.CSSProperties
        }
      >
        <div className="oc-grid">
          <div className="oc-lane-label oc-corner" aria-hidden />
          <div className="oc-days" aria-hidden>
            {days.map((d, i) =>
              // A sliver of a day (the range starts late in it) has no room for a label; the
              // next day then names the month.
              i === 0 && sliverStart ? null : (
                <DayLabel
                  key={d.day}
                  slot={d}
                  first={i === (sliverStart ? 1 : 0)}
                  long={longRange}
                  style={place(iso(d.start), iso(d.end))}
                />
              ),
            )}
            {nowInside ? <span className="oc-now" style={{ left: pct(now) }} /> : null}
          </div>
          {timeline.layers.map((layer) => {
            const shifts = timeline.shifts.filter((s) => s.layer === layer.layer);
            const gaps = timeline.gaps.filter((g) => g.layer === layer.layer);
            return (
              <Fragment key={layer.layer}>
                <div className="oc-lane-label" id={`oc-lane-${layer.layer}`}>
                  <Text size="sm" fw={600} lh={1.2} style={{ overflowWrap: "anywhere" }}>
                    {layer.name}
                  </Text>
                </div>
                <ol className="plain-list oc-lane" aria-labelledby={`oc-lane-${layer.layer}`}>
                  {days.map((d) => (
                    <span
                      key={d.day}
                      aria-hidden
                      className="oc-day-line"
                      data-weekstart={isMonday(d.day) || undefined}
                      style={{ left: pct(d.start) }}
                    />
                  ))}
                  {shifts.map((s) => (
                    <ShiftBar
                      key={`${s.userId}-${s.start}`}
                      shift={s}
                      zone={zone}
                      color={colors.get(s.userId) ?? "gray"}
                      style={place(s.start, s.end)}
                    />
                  ))}
                  {gaps.map((g) => (
                    <GapBar key={`gap-${g.start}`} gap={g} zone={zone} style={place(g.start, g.end)} />
                  ))}
                  {nowInside ? <span className="oc-now" aria-hidden style={{ left: pct(now) }} /> : null}
                </ol>
              </Fragment>
            );
          })}
        </div>
      </div>
      <Legend />
    </Stack>
  );
}

const iso = (t: number) => new Date(t).toISOString();
const isMonday = (day: string) => new Date(`${day}T12:00:00Z`).getUTCDay() === 1;

function DayLabel({
  slot,
  first,
  long,
  style,
}: {
  slot: DaySlot;
  first: boolean;
  long: boolean;
  style: React.CSSProperties;
}) {
  const at = new Date(`${slot.day}T12:00:00Z`);
  const dayNumber = at.getUTCDate();
  const weekday = new Intl.DateTimeFormat(undefined, {
    timeZone: "UTC",
    weekday: long ? "narrow" : "short",
  }).format(at);
  const month = new Intl.DateTimeFormat(undefined, { timeZone: "UTC", month: "short" }).format(at);
  return (
    <span className="oc-day" style={style} data-weekstart={isMonday(slot.day) || undefined}>
      {long ? (
        first || dayNumber === 1 ? (
          `${month} ${dayNumber}`
        ) : (
          `${weekday} ${dayNumber}`
        )
      ) : (
        <>
          {weekday} {dayNumber}
          {first || dayNumber === 1 ? ` ${month}` : ""}
        </>
      )}
    </span>
  );
}

function ShiftBar({
  shift,
  zone,
  color,
  style,
}: {
  shift: Shift;
  zone: string;
  color: string;
  style: React.CSSProperties;
}) {
  const override = shift.overrideId !== null;
  const label = `${shift.userName}${override ? " (override)" : ""}: ${formatSpan(shift.start, shift.end, zone)}`;
  return (
    <Tooltip
      label={label}
      withArrow
      openDelay={150}
      events={{ hover: true, focus: true, touch: true }}
      multiline
      maw={320}
    >
      <li
        className="oc-bar"
        data-override={override || undefined}
        aria-label={label}
        style={
          {
            ...style,
            "--oc-bar-bg": `var(--mantine-color-${color}-light)`,
            "--oc-bar-edge": `var(--mantine-color-${color}-filled)`,
          } as React.CSSProperties
        }
      >
        {override ? <IconArrowsExchange size={12} aria-hidden className="oc-bar-icon" /> : null}
        <span className="oc-bar-text">{shift.userName}</span>
      </li>
    </Tooltip>
  );
}

function GapBar({ gap, zone, style }: { gap: Gap; zone: string; style: React.CSSProperties }) {
  const label = `Nobody on call: ${formatSpan(gap.start, gap.end, zone)}`;
  return (
    <Tooltip
      label={label}
      withArrow
      openDelay={150}
      events={{ hover: true, focus: true, touch: true }}
      multiline
      maw={320}
    >
      <li className="oc-bar oc-gap" aria-label={label} style={style}>
        <span className="oc-bar-text">Nobody</span>
      </li>
    </Tooltip>
  );
}

function Legend() {
  return (
    <div className="oc-legend" role="group" aria-label="Legend">
      <span>
        <span className="oc-legend-swatch oc-legend-shift" aria-hidden />
        On call
      </span>
      <span>
        <span className="oc-legend-swatch oc-legend-override" aria-hidden />
        Override (a one-off swap)
      </span>
      <span>
        <span className="oc-legend-swatch oc-gap" aria-hidden />
        Nobody on call
      </span>
      <span>
        <span className="oc-legend-swatch oc-legend-now" aria-hidden />
        Now
      </span>
    </div>
  );
}

/**
 * The same range as a list, per layer in time order: shifts with their length, gaps and overrides
 * said in words. Easier than bars on a phone and with a screen reader.
 */
export function ShiftList({ timeline, zone }: { timeline: Timeline; zone: string }) {
  return (
    <Stack gap="md">
      {timeline.layers.map((layer) => {
        const items = [
          ...timeline.shifts
            .filter((s) => s.layer === layer.layer)
            .map((s) => ({ kind: "shift" as const, s })),
          ...timeline.gaps
            .filter((g) => g.layer === layer.layer)
            .map((g) => ({ kind: "gap" as const, s: g })),
        ].sort((a, b) => a.s.start.localeCompare(b.s.start));
        return (
          <section key={layer.layer} aria-labelledby={`oc-list-${layer.layer}`}>
            <Title order={3} fz="sm" id={`oc-list-${layer.layer}`} mb={6}>
              {layer.name}
            </Title>
            {items.length === 0 ? (
              <Text size="sm" c="dimmed">
                Nothing in this range.
              </Text>
            ) : (
              <ol className="plain-list oc-shift-list">
                {items.map((item) =>
                  item.kind === "shift" ? (
                    <li key={`s-${item.s.start}`} data-override={item.s.overrideId ? true : undefined}>
                      <Group gap={6} wrap="wrap">
                        <Text size="sm" fw={600}>
                          {item.s.userName}
                        </Text>
                        {item.s.overrideId ? (
                          <Badge size="xs" variant="light" color="violet" tt="none">
                            Override
                          </Badge>
                        ) : null}
                      </Group>
                      <Text size="xs" c="dimmed">
                        {formatSpan(item.s.start, item.s.end, zone)} ·{" "}
                        {formatLength(item.s.start, item.s.end)}
                      </Text>
                    </li>
                  ) : (
                    <li key={`g-${item.s.start}`} className="oc-shift-list-gap">
                      <Text size="sm" fw={600} c="red">
                        Nobody on call
                      </Text>
                      <Text size="xs" c="dimmed">
                        {formatSpan(item.s.start, item.s.end, zone)} ·{" "}
                        {formatLength(item.s.start, item.s.end)}
                      </Text>
                    </li>
                  ),
                )}
              </ol>
            )}
          </section>
        );
      })}
    </Stack>
  );
}
