/**
 * When messages go out: quiet hours, digest times and the retry schedule. Pure functions of
 * epoch milliseconds and a person's settings; local wall times are read through the business-time
 * engine's zone tables, so daylight-saving changes are handled the same way as SLA clocks.
 */
import { zoneTable } from "../time/intervals.ts";
import type { severities } from "./kinds.ts";
import type { DigestMode } from "./notify.tables.ts";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface DeliverySettings {
  timeZone: string;
  /** Minutes after local midnight; both null = no quiet hours. start > end spans midnight. */
  quietStart: number | null;
  quietEnd: number | null;
  digest: DigestMode;
  /** Minutes after local midnight. */
  dailyDigestAt: number;
}

export const defaultDeliverySettings: DeliverySettings = {
  timeZone: "UTC",
  quietStart: null,
  quietEnd: null,
  digest: "off",
  dailyDigestAt: 8 * 60,
};

export type Severity = (typeof severities)[number];

/** Critical and emergency events reach people whatever the hour. */
export const breaksQuietHours = (severity: Severity | null | undefined): boolean =>
  severity === "critical" || severity === "emergency";

/** Local wall time as "wall ms": the epoch ms the same wall time would have in UTC. */
const wallOf = (t: number, zone: string) => zoneTable(zone).instantToWall(t);
const instantOf = (wall: number, zone: string) => zoneTable(zone).wallToInstant(wall);
const floorTo = (x: number, unit: number) => Math.floor(x / unit) * unit;

/** Whether t falls inside the person's quiet hours. */
export function inQuietHours(t: number, s: DeliverySettings): boolean {
  if (s.quietStart === null || s.quietEnd === null || s.quietStart === s.quietEnd) return false;
  const wall = wallOf(t, s.timeZone);
  const minute = Math.floor((wall - floorTo(wall, DAY_MS)) / MINUTE_MS);
  return s.quietStart < s.quietEnd
    ? minute >= s.quietStart && minute < s.quietEnd
    : minute >= s.quietStart || minute < s.quietEnd;
}

/**
 * The earliest instant at or after t outside quiet hours: t itself when it is not quiet, else the
 * end of the quiet period it falls in (a quiet end skipped by a spring-forward gap maps to the end
 * of the gap).
 */
export function afterQuietHours(t: number, s: DeliverySettings): number {
  if (!inQuietHours(t, s)) return t;
  const wall = wallOf(t, s.timeZone);
  let end = floorTo(wall, DAY_MS) + s.quietEnd! * MINUTE_MS;
  if (end <= wall) end += DAY_MS;
  return Math.max(t, instantOf(end, s.timeZone));
}

/** When a message queued at t for this person should first be sent, given its severity. */
export function firstAttemptAt(
  t: number,
  s: DeliverySettings,
  severity: Severity | null | undefined,
): number {
  return breaksQuietHours(severity) ? t : afterQuietHours(t, s);
}

/** Whether an email of this severity goes into the person's digest instead of out on its own. */
export const goesToDigest = (severity: Severity | null | undefined, s: DeliverySettings): boolean =>
  severity === "low" && s.digest !== "off";

/**
 * When the digest holding an item queued at `oldest` is due: the next local hour boundary
 * (hourly) or the next daily digest time (daily) strictly after it, moved past quiet hours. With
 * the digest turned off, held items are due at once.
 */
export function digestDueAt(oldest: number, s: DeliverySettings): number {
  if (s.digest === "off") return oldest;
  const wall = wallOf(oldest, s.timeZone);
  let dueWall: number;
  if (s.digest === "hourly") {
    dueWall = floorTo(wall, HOUR_MS) + HOUR_MS;
  } else {
    dueWall = floorTo(wall, DAY_MS) + s.dailyDigestAt * MINUTE_MS;
    if (dueWall <= wall) dueWall += DAY_MS;
  }
  // A wall time can map to an instant at or before `oldest` only around a fall-back; never earlier.
  const due = Math.max(oldest + 1, instantOf(dueWall, s.timeZone));
  return afterQuietHours(due, s);
}

/** Attempts per message before it is marked failed (the first one included). */
export const MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 6 * HOUR_MS;

/**
 * How long to wait after the n-th failed attempt: 30 s × 4^(n−1), at most 6 h — 30 s, 2 min,
 * 8 min, 32 min, 2 h 8 min, 6 h, 6 h (about 14 h 40 min from the first attempt to the eighth).
 */
export function retryDelayMs(failedAttempts: number): number {
  if (failedAttempts < 1) return 0;
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 4 ** (failedAttempts - 1));
}

/** "HH:MM" ↔ minutes after midnight, for the API. */
export const minutesToClock = (m: number): string =>
  `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
export const clockToMinutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(":").map(Number);
  return h! * 60 + m!;
};
