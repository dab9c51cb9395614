/**
 * The small languages people type into a protocol document: durations ("15m", "4h",
 * "2 business days"), SLA targets (a duration, `next_business_day` or `as_available`),
 * percentages ("75%") and daily opening hours ("08:00-12:00").
 */

/** An amount of time as written: elapsed time on whichever clock it runs, or whole business days. */
export type Duration = { kind: "elapsed"; ms: number } | { kind: "business_days"; days: number };

/** An SLA target: a duration, or a named rule. */
export type Target = Duration | { kind: "next_business_day" } | { kind: "as_available" };

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = {
  m: MINUTE,
  min: MINUTE,
  mins: MINUTE,
  minute: MINUTE,
  minutes: MINUTE,
  h: 60 * MINUTE,
  hr: 60 * MINUTE,
  hrs: 60 * MINUTE,
  hour: 60 * MINUTE,
  hours: 60 * MINUTE,
  d: 24 * 60 * MINUTE,
  day: 24 * 60 * MINUTE,
  days: 24 * 60 * MINUTE,
  w: 7 * 24 * 60 * MINUTE,
  week: 7 * 24 * 60 * MINUTE,
  weeks: 7 * 24 * 60 * MINUTE,
};

const PART = /(\d+(?:\.\d+)?)\s*([a-z]+)/g;
const ELAPSED = /^(?:\d+(?:\.\d+)?\s*[a-z]+\s*)+$/;
const BUSINESS = /^(\d+(?:\.\d+)?)\s+business\s+(days?|hours?)$/;

/** The JSON Schema pattern for durations, so editors can flag typos as people type. */
export const DURATION_PATTERN =
  "^\\s*(\\d+(\\.\\d+)?\\s+business\\s+(days?|hours?)|(\\d+(\\.\\d+)?\\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)\\s*)+)\\s*$";

export const DURATION_HINT = "write e.g. 15m, 4h, 1h30m, 3d or 2 business days";

/** Parses "15m", "4h", "1h 30m", "3 days", "2 business days", "4 business hours"; null if not a duration. */
export function parseDuration(text: string): Duration | null {
  const s = text.trim().toLowerCase();
  const business = BUSINESS.exec(s);
  if (business) {
    const n = Number(business[1]);
    return business[2]!.startsWith("day")
      ? { kind: "business_days", days: n }
      : { kind: "elapsed", ms: Math.round(n * UNIT_MS.h!) };
  }
  if (!ELAPSED.test(s)) return null;
  let ms = 0;
  for (const [, amount, unit] of s.matchAll(PART)) {
    const per = UNIT_MS[unit!];
    if (per === undefined) return null;
    ms += Number(amount) * per;
  }
  return { kind: "elapsed", ms: Math.round(ms) };
}

/** Parses a target: a duration, `next_business_day` or `as_available`. */
export function parseTarget(text: string): Target | null {
  const s = text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  if (s === "next_business_day") return { kind: "next_business_day" };
  if (s === "as_available") return { kind: "as_available" };
  return parseDuration(text);
}

/** "15m", "4h", "1h 30m", "2 business days": the way people write it, for messages and diffs. */
export function formatDuration(d: Duration): string {
  if (d.kind === "business_days") return `${d.days} business day${d.days === 1 ? "" : "s"}`;
  return formatMs(d.ms);
}

export function formatTarget(t: Target): string {
  if (t.kind === "next_business_day") return "next business day";
  if (t.kind === "as_available") return "as available";
  return formatDuration(t);
}

/** 90 min → "1h 30m"; 2 days → "2d". */
export function formatMs(ms: number): string {
  if (ms === 0) return "0m";
  const parts: string[] = [];
  let rest = Math.round(ms / MINUTE);
  const days = Math.floor(rest / 1440);
  if (days) parts.push(`${days}d`);
  rest -= days * 1440;
  const hours = Math.floor(rest / 60);
  if (hours) parts.push(`${hours}h`);
  rest -= hours * 60;
  if (rest) parts.push(`${rest}m`);
  return parts.join(" ");
}

/** "75%" or 0.75 → 0.75; null if not a fraction in (0, 1]. */
export function parseFraction(value: string | number): number | null {
  const n = typeof value === "number" ? value : /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value)?.[1];
  if (n === undefined) return null;
  const f = typeof value === "number" ? value : Number(n) / 100;
  return f > 0 && f <= 1 ? f : null;
}

const SEGMENT = /^\s*([01]\d|2[0-3]):([0-5]\d)\s*[-–]\s*([01]\d|2[0-3]|24):([0-5]\d)\s*$/;
export const SEGMENT_PATTERN = "^\\s*([01]\\d|2[0-3]):[0-5]\\d\\s*[-–]\\s*([01]\\d|2[0-4]):[0-5]\\d\\s*$";

/** "08:00-12:00" → { from: "08:00", to: "12:00" }; null when malformed or not increasing. */
export function parseSegment(text: string): { from: string; to: string } | null {
  const m = SEGMENT.exec(text);
  if (!m) return null;
  const from = `${m[1]}:${m[2]}`;
  const to = `${m[3]}:${m[4]}`;
  if (m[3] === "24" && m[4] !== "00") return null;
  return to > from ? { from, to } : null;
}

export const TIME_PATTERN = "^([01]\\d|2[0-3]):[0-5]\\d$";
