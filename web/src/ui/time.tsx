import { Text, type TextProps, Tooltip } from "@mantine/core";
import { useEffect, useState } from "react";

const absoluteFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "14 Mar 2025, 09:41" in the viewer's locale and time zone. */
export function formatAbsolute(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : absoluteFormat.format(date);
}

/** "14 Mar 2025": a day, for dates such as an expiry where the hour does not matter. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

/** "09:41" when the moment is today, else the full date and time. */
export function formatMoment(at: Date, now = new Date()): string {
  return at.toDateString() === now.toDateString() ? timeFormat.format(at) : absoluteFormat.format(at);
}

/** "3 hours ago", "in 2 days", "just now". */
export function formatRelative(iso: string, now: number): string {
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return "";
  const seconds = Math.round((at - now) / 1000);
  if (Math.abs(seconds) < 45) return "just now";
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "minute") {
      return relativeFormat.format(Math.round(seconds / size), unit);
    }
  }
  return "";
}

/** The current time, refreshed every minute so relative times stay true on an open page. */
export function useNow(intervalMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(id);
  }, [intervalMs]);
  return now;
}

export interface TimeStampProps extends TextProps {
  iso: string;
  /**
   * "both" shows "3 hours ago · 14 Mar 2025, 09:41"; "relative" keeps the absolute time in a
   * tooltip; "date" shows the day only, with the relative time in the tooltip.
   */
  mode?: "both" | "relative" | "absolute" | "date";
}

/** A point in time as a `<time>` element, readable both ways. */
export function TimeStamp({ iso, mode = "both", ...textProps }: TimeStampProps) {
  const now = useNow();
  const absolute = formatAbsolute(iso);
  const relative = formatRelative(iso, now);
  const text =
    mode === "absolute"
      ? absolute
      : mode === "relative"
        ? relative
        : mode === "date"
          ? formatDate(iso)
          : `${relative} · ${absolute}`;
  return (
    <Tooltip
      label={mode === "date" ? `${relative} · ${absolute}` : absolute}
      disabled={mode !== "relative" && mode !== "date"}
      withArrow
    >
      <Text component="time" dateTime={iso} size="sm" c="dimmed" {...textProps}>
        {text}
      </Text>
    </Tooltip>
  );
}
