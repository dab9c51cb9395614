/**
 * From local wall times to instants, and from a calendar's day plans to open intervals. This is
 * the compile side of the business-time engine: it runs once per calendar per year, so it may be
 * slower than the queries; it asks Intl only for the zone's UTC offset, sampled once per zone into a
 * table of transitions, and does the rest with arithmetic.
 */
import { DAY_MS, dayNumber, parseDay } from "./holidays.ts";

const HOUR_MS = 3_600_000;
const OFFSET_RE = /GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Whether Intl knows the IANA zone (case-insensitively, as Intl does). */
export function isValidZone(name: string): boolean {
  if (name.trim() === "") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * The UTC offsets of one IANA zone as a sorted list of transitions, grown on demand. Offsets are
 * sampled once a day and each change is bisected to the millisecond, which assumes a zone never
 * changes its offset twice within 24 hours (true of the tz database in the supported years).
 */
export class ZoneTable {
  /** Formats an instant as e.g. "1/5/2026, GMT-05:00" (or "GMT" for a zero offset). */
  private readonly format: (t: number) => string;
  /** Covered instants: [lo, hi]. */
  private lo = Infinity;
  private hi = -Infinity;
  /** Offset (ms) in force before the first transition. */
  private base = 0;
  private trans: number[] = [];
  private after: number[] = [];

  constructor(readonly name: string) {
    const dtf = new Intl.DateTimeFormat("en-US", { timeZone: name, timeZoneName: "longOffset" });
    this.format = (t) => dtf.format(t);
  }

  /** The zone's UTC offset at t, in ms (east positive). */
  private rawOffset(t: number): number {
    const text = this.format(t);
    const m = OFFSET_RE.exec(text);
    if (!m) {
      if (text.endsWith("GMT")) return 0;
      throw new Error(`Cannot read the UTC offset of ${this.name} from ${JSON.stringify(text)}`);
    }
    const ms = (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)) * 1000;
    return m[1] === "-" ? -ms : ms;
  }

  /** Transitions in (from, to], sampled daily and bisected. */
  private scan(from: number, to: number): { start: number; trans: number[]; after: number[] } {
    const start = this.rawOffset(from);
    const trans: number[] = [];
    const after: number[] = [];
    let prevT = from;
    let prevO = start;
    while (prevT < to) {
      const t = Math.min(prevT + DAY_MS, to);
      const o = this.rawOffset(t);
      if (o !== prevO) {
        let a = prevT;
        let b = t;
        while (b - a > 1) {
          const mid = Math.floor((a + b) / 2);
          if (this.rawOffset(mid) === prevO) a = mid;
          else b = mid;
        }
        trans.push(b);
        after.push(o);
      }
      prevT = t;
      prevO = o;
    }
    return { start, trans, after };
  }

  /** Make sure offsets are known for every instant in [from, to]. */
  cover(from: number, to: number): void {
    if (from >= this.lo && to <= this.hi) return;
    // Whole UTC years, so repeated small extensions stay cheap.
    const yFrom = new Date(from).getUTCFullYear();
    const yTo = new Date(to).getUTCFullYear();
    const a = Date.UTC(yFrom, 0, 1);
    const b = Date.UTC(yTo + 1, 0, 1);
    if (this.lo > this.hi) {
      const s = this.scan(a, b);
      this.base = s.start;
      this.trans = s.trans;
      this.after = s.after;
      this.lo = a;
      this.hi = b;
      return;
    }
    if (a < this.lo) {
      const s = this.scan(a, this.lo);
      this.base = s.start;
      this.trans = s.trans.concat(this.trans);
      this.after = s.after.concat(this.after);
      this.lo = a;
    }
    if (b > this.hi) {
      const s = this.scan(this.hi, b);
      this.trans = this.trans.concat(s.trans);
      this.after = this.after.concat(s.after);
      this.hi = b;
    }
  }

  /** The local wall time of an instant, as "wall ms" (the epoch ms that wall time would have in UTC). */
  instantToWall(t: number): number {
    this.cover(t - DAY_MS, t + DAY_MS);
    const trans = this.trans;
    // Transitions at or before t: the last one sets the offset in force.
    let lo = 0;
    let hi = trans.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (trans[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return t + (lo > 0 ? this.after[lo - 1]! : this.base);
  }

  /**
   * The instant of a local wall time, given as "wall ms" (the epoch ms the same wall time would
   * have in UTC): the first instant whose wall time is at or after it. A wall time skipped by a
   * spring-forward gap maps to the end of the gap (02:30 → 03:00 in New York); a repeated one
   * (fall back) maps to its first occurrence.
   */
  wallToInstant(wall: number): number {
    // Offsets lie within −12 h … +14 h, so the instant lies within wall − 14 h … wall + 12 h.
    const from = wall - 16 * HOUR_MS;
    this.cover(from - DAY_MS, wall + 16 * HOUR_MS + DAY_MS);
    const trans = this.trans;
    // First transition after `from`.
    let lo = 0;
    let hi = trans.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (trans[mid]! <= from) lo = mid + 1;
      else hi = mid;
    }
    let k = lo;
    let offset = k > 0 ? this.after[k - 1]! : this.base;
    let pieceStart = -Infinity;
    // Walk the pieces of constant offset in time order; within a piece wall time rises with the
    // instant, so the first piece whose wall times reach `wall` holds the answer.
    for (;;) {
      const pieceEnd = k < trans.length ? trans[k]! : Infinity;
      if (wall < pieceEnd + offset) return Math.max(pieceStart, wall - offset);
      pieceStart = pieceEnd;
      offset = this.after[k]!;
      k++;
    }
  }
}

const zoneTables = new Map<string, ZoneTable>();

/** The shared offset table of a zone (callers have already checked that the zone is valid). */
export function zoneTable(name: string): ZoneTable {
  let z = zoneTables.get(name);
  if (!z) {
    z = new ZoneTable(name);
    zoneTables.set(name, z);
  }
  return z;
}

/** Open intervals and business days of one local year. Arrays of numbers, ready to concatenate. */
export interface YearChunk {
  /** Open intervals, sorted, with touching ones already merged within the year. */
  starts: number[];
  ends: number[];
  /** For each local date with open time: its local midnight, first opening and last closing. */
  dayMidnights: number[];
  dayFirst: number[];
  dayLast: number[];
  /** Open ms in the year, to size forward extensions. */
  openMs: number;
}

/**
 * Builds a year from `segmentsFor(day)`: the open minutes of a local date as a flat, sorted,
 * non-overlapping list [from, to, from, to, …] (0 … 1440).
 */
export function buildYear(
  zone: ZoneTable,
  year: number,
  segmentsFor: (day: number) => readonly number[],
): YearChunk {
  const chunk: YearChunk = { starts: [], ends: [], dayMidnights: [], dayFirst: [], dayLast: [], openMs: 0 };
  const { starts, ends } = chunk;
  const first = dayNumber(year, 1, 1);
  const last = dayNumber(year, 12, 31);
  for (let day = first; day <= last; day++) {
    const segs = segmentsFor(day);
    if (segs.length === 0) continue;
    const wall = day * DAY_MS;
    let dayFirst = NaN;
    let dayLast = NaN;
    for (let k = 0; k < segs.length; k += 2) {
      const s = zone.wallToInstant(wall + segs[k]! * 60_000);
      const e = zone.wallToInstant(wall + segs[k + 1]! * 60_000);
      // A segment wholly inside a spring-forward gap has no open time.
      if (e <= s) continue;
      if (Number.isNaN(dayFirst)) dayFirst = s;
      dayLast = e;
      chunk.openMs += e - s;
      const n = starts.length;
      if (n > 0 && s <= ends[n - 1]!) ends[n - 1] = Math.max(ends[n - 1]!, e);
      else {
        starts.push(s);
        ends.push(e);
      }
    }
    if (!Number.isNaN(dayFirst)) {
      chunk.dayMidnights.push(zone.wallToInstant(wall));
      chunk.dayFirst.push(dayFirst);
      chunk.dayLast.push(dayLast);
    }
  }
  return chunk;
}

/** The last instant of a local calendar day ("2026-05-01") in a zone, or null for text that is not a date. */
export function endOfLocalDay(zone: string, day: string): number | null {
  const d = parseDay(day);
  if (d === undefined) return null;
  return zoneTable(zone).wallToInstant((d + 1) * DAY_MS) - 1;
}

/**
 * The deadline of a work item due on a local date (the end of that day in the zone), or what is
 * wrong with the date: not a real date, more than five years ahead (an action is tracked to a date
 * someone will really meet), or already over.
 */
export function dueDateOf(
  zone: string,
  dueOn: string,
  now: number,
): { dueAt: number; problem?: undefined } | { dueAt?: undefined; problem: string } {
  const year = Number(dueOn.slice(0, 4));
  const nowYear = new Date(now).getUTCFullYear();
  const dueAt = year >= nowYear - 1 && year <= nowYear + 5 ? endOfLocalDay(zone, dueOn) : null;
  if (dueAt === null)
    return {
      problem: `use a date like ${new Date(now + 14 * DAY_MS).toISOString().slice(0, 10)}, within the next five years`,
    };
  if (dueAt < now) return { problem: "is in the past; give the date it will be done by" };
  return { dueAt };
}
