/**
 * Business time: open hours, holidays and exceptions in a time zone, and the arithmetic every SLA
 * clock, escalation and notice period sits on. All queries are pure functions of epoch
 * milliseconds. A spec compiles once (cached by content) into sorted open intervals held in
 * Float64Arrays with a prefix sum of open time, built a few local years at a time as queries
 * reach them; a query is then two binary searches. See docs/business-time.md.
 */
import {
  compileHolidayRule,
  DAY_MS,
  dayNumber,
  formatDay,
  parseDay,
  resolveHolidays,
  WEEKDAY_KEYS,
  type CompiledHolidayRule,
  type ResolvedHoliday,
  weekdayOf,
} from "./holidays.ts";
import { buildYear, isValidZone, zoneTable, type YearChunk, type ZoneTable } from "./intervals.ts";

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

/** The days of the week, Monday first. */
export const WEEKDAYS: readonly Weekday[] = WEEKDAY_KEYS;

/** Open from `from` to `to`, local wall time "HH:MM"; `to` is after `from` and may be "24:00". */
export interface TimeSegment {
  from: string;
  to: string;
}

/**
 * Where a holiday that falls on a weekend (a weekday without weekly hours) is observed:
 * `nearest_weekday` Saturday → Friday, Sunday → Monday (US federal); `next_weekday` the next
 * weekday that is not already a holiday (UK substitute days).
 */
export type ObservedRule = "none" | "nearest_weekday" | "next_weekday";

export type HolidayRule =
  /** A one-off date, "YYYY-MM-DD". */
  | { name: string; date: string }
  /** Every year on month/day (1-based). */
  | { name: string; month: number; day: number; observed?: ObservedRule }
  /** The nth weekday of a month (nth −1 = the last); no holiday in a year without a 5th one. */
  | { name: string; month: number; weekday: Weekday; nth: 1 | 2 | 3 | 4 | 5 | -1; observed?: ObservedRule }
  /** Days from Western Easter Sunday: Good Friday −2, Easter Monday 1. */
  | { name: string; easter: number };

/**
 * One local date that differs from the weekly pattern; it overrides holidays and weekly hours.
 * `closed: true` → no open time that date; `hours` → exactly these hours that date.
 */
export interface CalendarException {
  date: string;
  name?: string;
  closed?: boolean;
  hours?: TimeSegment[];
}

export interface BusinessCalendarSpec {
  /** IANA zone, e.g. "Europe/London". */
  timezone: string;
  /** "24x7", or open segments per weekday (several per day allowed; a missing weekday is closed). */
  hours: "24x7" | Partial<Record<Weekday, TimeSegment[]>>;
  holidays?: HolidayRule[];
  exceptions?: CalendarException[];
}

/** Epoch milliseconds, half-open [start, end). */
export type Interval = readonly [start: number, end: number];

export interface Calendar {
  readonly spec: BusinessCalendarSpec;
  readonly timezone: string;
  readonly alwaysOpen: boolean;
  /**
   * The calendar's standard business day in ms: the most common daily open time among its open
   * weekdays (the longer one on a tie; 24 h for 24x7). "N business days" in the product means
   * N × dayLength of business time.
   */
  readonly dayLength: number;
}

/** Local years the engine can compile; instants outside them are rejected with a RangeError. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2299;

const CACHE_SIZE = 500;
const EMPTY: readonly number[] = [];
const FULL_DAY: readonly number[] = [0, 1440];

/**
 * A compiled calendar. Not exported: callers see `Calendar`, and every query takes this path
 * through `engine()`. Fields are mutable because the window of compiled years grows.
 */
class CompiledCalendar implements Calendar {
  readonly timezone: string;
  readonly alwaysOpen: boolean;
  readonly dayLength: number;

  private readonly zone: ZoneTable;
  private readonly weekly: ReadonlyArray<readonly number[]>;
  private readonly weekend: readonly boolean[];
  private readonly rules: readonly CompiledHolidayRule[];
  private readonly exceptions: ReadonlyMap<number, readonly number[]>;
  private readonly years = new Map<number, YearChunk>();
  private readonly holidayYears = new Map<number, ResolvedHoliday[]>();

  /** Compiled local years [yearLo, yearHi]; empty while yearLo > yearHi. */
  private yearLo = Infinity;
  private yearHi = -Infinity;
  /** Instants covered by the arrays: [coverStart, coverEnd). NaN-safe checks use `!(t >= …)`. */
  coverStart = Infinity;
  coverEnd = -Infinity;
  /** Open intervals: starts, ends, and prefix[i] = open ms in [coverStart, starts[i]); prefix[n] = total. */
  starts = new Float64Array(0);
  ends = new Float64Array(0);
  prefix = new Float64Array(1);
  n = 0;
  /** bucketFirst[b] = first interval ending after coverStart + b days: a query scans from there. */
  bucketFirst = new Int32Array(0);
  /** prefixFirst[k] = first interval j with prefix[j + 1] ≥ k × prefixStep: where addBusinessTime lands. */
  prefixFirst = new Int32Array(0);
  prefixStep = 1;
  /** Business days: local midnight, first opening, last closing. */
  dayMidnights = new Float64Array(0);
  dayFirst = new Float64Array(0);
  dayLast = new Float64Array(0);

  constructor(
    readonly spec: BusinessCalendarSpec,
    compiled: {
      weekly: ReadonlyArray<readonly number[]>;
      rules: readonly CompiledHolidayRule[];
      exceptions: ReadonlyMap<number, readonly number[]>;
      dayLength: number;
    },
  ) {
    this.timezone = spec.timezone;
    this.alwaysOpen = spec.hours === "24x7";
    this.dayLength = compiled.dayLength;
    this.zone = zoneTable(spec.timezone);
    this.weekly = compiled.weekly;
    this.rules = compiled.rules;
    this.exceptions = compiled.exceptions;
    // Holidays fall on "weekends" = weekdays without weekly hours (Saturday and Sunday for 24x7).
    this.weekend = this.alwaysOpen
      ? [false, false, false, false, false, true, true]
      : compiled.weekly.map((segs) => segs.length === 0);
  }

  /** Resolved holidays observed in a local year (cached). */
  holidaysOf(year: number): ResolvedHoliday[] {
    let h = this.holidayYears.get(year);
    if (!h) {
      h = resolveHolidays(this.rules, year, this.weekend);
      this.holidayYears.set(year, h);
    }
    return h;
  }

  private buildYearChunk(year: number): YearChunk {
    let chunk = this.years.get(year);
    if (chunk) return chunk;
    if (this.alwaysOpen) {
      // Open time is never looked up for 24x7; the chunk serves nextBusinessDayStart/End.
      chunk = buildYear(this.zone, year, () => FULL_DAY);
    } else {
      const closed = new Set(this.holidaysOf(year).map((h) => h.day));
      chunk = buildYear(this.zone, year, (day) => {
        const ex = this.exceptions.get(day);
        if (ex) return ex;
        if (closed.has(day)) return EMPTY;
        return this.weekly[weekdayOf(day)]!;
      });
    }
    this.years.set(year, chunk);
    return chunk;
  }

  /** Grow the compiled window to the local years [lo, hi] and rebuild the arrays. */
  private growYears(lo: number, hi: number): void {
    lo = Math.min(lo, this.yearLo);
    hi = Math.max(hi, this.yearHi);
    if (lo < MIN_YEAR || hi > MAX_YEAR) {
      throw new RangeError(
        `Business time in ${this.timezone} is supported for the years ${MIN_YEAR}–${MAX_YEAR}; ` +
          `this query needs ${lo < MIN_YEAR ? lo : hi}`,
      );
    }
    const chunks: YearChunk[] = [];
    let nIntervals = 0;
    let nDays = 0;
    for (let y = lo; y <= hi; y++) {
      const c = this.buildYearChunk(y);
      chunks.push(c);
      nIntervals += c.starts.length;
      nDays += c.dayMidnights.length;
    }
    const starts = new Float64Array(nIntervals);
    const ends = new Float64Array(nIntervals);
    const prefix = new Float64Array(nIntervals + 1);
    const dayMidnights = new Float64Array(nDays);
    const dayFirst = new Float64Array(nDays);
    const dayLast = new Float64Array(nDays);
    let n = 0;
    let d = 0;
    let total = 0;
    for (const c of chunks) {
      for (let k = 0; k < c.starts.length; k++) {
        const s = c.starts[k]!;
        const e = c.ends[k]!;
        // Merge intervals that touch across New Year (e.g. 24-hour days on 31 December and 1 January).
        if (n > 0 && s <= ends[n - 1]!) {
          total += e - ends[n - 1]!;
          ends[n - 1] = e;
        } else {
          starts[n] = s;
          ends[n] = e;
          prefix[n] = total;
          total += e - s;
          n++;
        }
      }
      dayMidnights.set(c.dayMidnights, d);
      dayFirst.set(c.dayFirst, d);
      dayLast.set(c.dayLast, d);
      d += c.dayMidnights.length;
    }
    prefix[n] = total;
    this.starts = starts.subarray(0, n);
    this.ends = ends.subarray(0, n);
    this.prefix = prefix.subarray(0, n + 1);
    this.n = n;
    this.dayMidnights = dayMidnights;
    this.dayFirst = dayFirst;
    this.dayLast = dayLast;
    this.yearLo = lo;
    this.yearHi = hi;
    this.coverStart = this.zone.wallToInstant(dayNumber(lo, 1, 1) * DAY_MS);
    this.coverEnd = this.zone.wallToInstant(dayNumber(hi + 1, 1, 1) * DAY_MS);
    // Indexes that turn the binary searches into a lookup and a scan of a few intervals.
    const buckets = new Int32Array(Math.ceil((this.coverEnd - this.coverStart) / DAY_MS) + 1);
    for (let b = 0, j = 0; b < buckets.length; b++) {
      const at = this.coverStart + b * DAY_MS;
      while (j < n && ends[j]! <= at) j++;
      buckets[b] = j;
    }
    this.bucketFirst = buckets;
    const step = Math.max(60_000, Math.floor(this.dayLength / 2));
    const firsts = new Int32Array(Math.floor(total / step) + 1);
    for (let k = 0, j = 0; k < firsts.length; k++) {
      while (j < n - 1 && prefix[j + 1]! < k * step) j++;
      firsts[k] = j;
    }
    this.prefixStep = step;
    this.prefixFirst = firsts;
  }

  /** Index of the last interval starting at or before t (−1 if none); t must be covered. */
  locate(t: number): number {
    const starts = this.starts;
    const n = this.n;
    let j = this.bucketFirst[Math.floor((t - this.coverStart) / DAY_MS)]!;
    while (j < n && starts[j]! <= t) j++;
    return j - 1;
  }

  /** Make the arrays cover instant t (cold path). */
  cover(t: number): void {
    if (t >= this.coverStart && t < this.coverEnd) return;
    if (!Number.isFinite(t)) throw new RangeError(`Expected a finite epoch-ms instant, got ${t}`);
    // The local year of t is its UTC year ± 1; compile a year either side so nearby queries hit.
    const y = new Date(t).getUTCFullYear();
    if (y + 1 < MIN_YEAR || y - 1 > MAX_YEAR) this.growYears(y, y); // throws the range error
    this.growYears(Math.max(y - 1, MIN_YEAR), Math.min(y + 1, MAX_YEAR));
    if (!(t >= this.coverStart && t < this.coverEnd)) this.growYears(y - 1, y + 1); // throws the range error
  }

  /** Compile more years after the window: enough for about `needMs` more open time, at least two. */
  growForward(needMs: number): void {
    const perYear = Math.max(1, this.years.get(this.yearHi)?.openMs ?? 1);
    const more = Math.min(Math.max(2, Math.ceil(needMs / perYear) + 1), 50);
    if (this.yearHi >= MAX_YEAR) {
      throw new RangeError(
        `Business time in ${this.timezone} runs past ${MAX_YEAR}, the last supported year`,
      );
    }
    this.growYears(this.yearLo, Math.min(this.yearHi + more, MAX_YEAR));
  }

  /** Compile more years before the window: enough for about `needMs` more open time, at least two. */
  growBackward(needMs: number): void {
    const perYear = Math.max(1, this.years.get(this.yearLo)?.openMs ?? 1);
    const more = Math.min(Math.max(2, Math.ceil(needMs / perYear) + 1), 50);
    if (this.yearLo <= MIN_YEAR) {
      throw new RangeError(
        `Business time in ${this.timezone} runs before ${MIN_YEAR}, the first supported year`,
      );
    }
    this.growYears(Math.max(this.yearLo - more, MIN_YEAR), this.yearHi);
  }

  /** Open ms in [coverStart, t); t must be covered. */
  cum(t: number): number {
    const i = this.locate(t);
    if (i < 0) return 0;
    const into = t - this.starts[i]!;
    const len = this.ends[i]! - this.starts[i]!;
    return this.prefix[i]! + (into < len ? into : len);
  }

  /** Open ms in [a, b), a ≤ b. */
  span(a: number, b: number): number {
    if (this.alwaysOpen) return b - a;
    if (!(a >= this.coverStart && a < this.coverEnd)) this.cover(a);
    if (!(b >= this.coverStart && b < this.coverEnd)) this.cover(b);
    return this.cum(b) - this.cum(a);
  }

  /** The earliest instant by which ms > 0 of open time has elapsed from t. */
  add(t: number, ms: number): number {
    if (this.alwaysOpen) return t + ms;
    if (!(t >= this.coverStart && t < this.coverEnd)) this.cover(t);
    let target = this.cum(t) + ms;
    while (target > this.prefix[this.n]!) {
      this.growForward(target - this.prefix[this.n]!);
      target = this.cum(t) + ms;
    }
    // First interval j whose end reaches the target: prefix[j] < target ≤ prefix[j + 1].
    const prefix = this.prefix;
    let j = this.prefixFirst[Math.floor(target / this.prefixStep)]!;
    while (prefix[j + 1]! < target) j++;
    return this.starts[j]! + (target - prefix[j]!);
  }

  /** The latest instant from which ms > 0 of open time elapses by t. */
  sub(t: number, ms: number): number {
    if (this.alwaysOpen) return t - ms;
    if (!(t >= this.coverStart && t < this.coverEnd)) this.cover(t);
    let target = this.cum(t) - ms;
    while (target < 0) {
      this.growBackward(-target);
      target = this.cum(t) - ms;
    }
    // First interval j whose end passes the target: prefix[j] ≤ target < prefix[j + 1]. Taking
    // the first interval that still has open time after the target (not one ending exactly at
    // it) gives the latest instant: a target at a closing moves to the next opening.
    const prefix = this.prefix;
    let j = this.prefixFirst[Math.floor(target / this.prefixStep)]!;
    while (prefix[j + 1]! <= target) j++;
    return this.starts[j]! + (target - prefix[j]!);
  }

  /** t when open, else the next opening. */
  next(t: number): number {
    if (this.alwaysOpen) return t;
    if (!(t >= this.coverStart && t < this.coverEnd)) this.cover(t);
    for (;;) {
      // First interval ending after t.
      const i = this.locate(t);
      if (i >= 0 && t < this.ends[i]!) return t;
      if (i + 1 < this.n) return this.starts[i + 1]!;
      this.growForward(1);
    }
  }

  open(t: number): boolean {
    if (this.alwaysOpen) return true;
    if (!(t >= this.coverStart && t < this.coverEnd)) this.cover(t);
    const i = this.locate(t);
    return i >= 0 && t < this.ends[i]!;
  }

  /** Index of the first business day whose local date is after t's local date. */
  nextDayIndex(t: number): number {
    this.cover(t);
    for (;;) {
      const mids = this.dayMidnights;
      let lo = 0;
      let hi = mids.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (mids[mid]! <= t) lo = mid + 1;
        else hi = mid;
      }
      if (lo < mids.length) return lo;
      this.growForward(1);
    }
  }

  intervals(a: number, b: number): Interval[] {
    if (!(a < b)) return [];
    if (this.alwaysOpen) return [[a, b]];
    this.cover(a);
    this.cover(b);
    const out: Interval[] = [];
    const { starts, ends, n } = this;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid]! <= a) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < n && starts[i]! < b; i++) out.push([Math.max(starts[i]!, a), Math.min(ends[i]!, b)]);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Compiling

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function parseTime(value: unknown, where: string, allow24: boolean): number {
  if (allow24 && value === "24:00") return 1440;
  const m = typeof value === "string" ? HHMM.exec(value) : null;
  if (!m) {
    throw new RangeError(
      `${where} must be a time "HH:MM" (00:00–23:59${allow24 ? ", or 24:00" : ""}), got ${JSON.stringify(value)}`,
    );
  }
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Segments → flat sorted minutes [from, to, …] with overlapping or touching ones merged. */
function compileSegments(segments: unknown, where: string): number[] {
  if (!Array.isArray(segments)) throw new RangeError(`${where} must be a list of { from, to } segments`);
  const pairs: Array<[number, number]> = segments.map((seg: unknown, i) => {
    const w = `${where}[${i}]`;
    if (seg === null || typeof seg !== "object")
      throw new RangeError(`${w} must be { from: "HH:MM", to: "HH:MM" }`);
    const { from, to } = seg as Record<string, unknown>;
    const f = parseTime(from, `${w}.from`, false);
    const t = parseTime(to, `${w}.to`, true);
    if (t <= f) throw new RangeError(`${w}: "to" (${String(to)}) must be after "from" (${String(from)})`);
    return [f, t];
  });
  pairs.sort((a, b) => a[0] - b[0]);
  const flat: number[] = [];
  for (const [f, t] of pairs) {
    const n = flat.length;
    if (n > 0 && f <= flat[n - 1]!) flat[n - 1] = Math.max(flat[n - 1]!, t);
    else flat.push(f, t);
  }
  return flat;
}

const openMinutes = (flat: readonly number[]) => {
  let sum = 0;
  for (let k = 0; k < flat.length; k += 2) sum += flat[k + 1]! - flat[k]!;
  return sum;
};

function compileSpec(spec: BusinessCalendarSpec): CompiledCalendar {
  if (spec === null || typeof spec !== "object") throw new RangeError("A calendar spec must be an object");
  const tz = spec.timezone;
  if (typeof tz !== "string" || !isValidZone(tz)) {
    throw new RangeError(
      `Unknown time zone ${JSON.stringify(tz)}: expected an IANA zone such as "Europe/London"`,
    );
  }
  let weekly: number[][];
  let dayLength: number;
  if (spec.hours === "24x7") {
    weekly = WEEKDAYS.map(() => [0, 1440]);
    dayLength = DAY_MS;
  } else {
    const hours = spec.hours as unknown;
    if (hours === null || typeof hours !== "object" || Array.isArray(hours)) {
      throw new RangeError(`hours must be "24x7" or an object of weekday → segments`);
    }
    for (const key of Object.keys(hours)) {
      if (!WEEKDAYS.includes(key as Weekday)) {
        throw new RangeError(`hours.${key} is not a weekday; use ${WEEKDAYS.join(", ")}`);
      }
    }
    const byDay = hours as Partial<Record<Weekday, unknown>>;
    weekly = WEEKDAYS.map((d) => (byDay[d] === undefined ? [] : compileSegments(byDay[d], `hours.${d}`)));
    // The most common daily open time among open weekdays; the longer one on a tie.
    const counts = new Map<number, number>();
    for (const flat of weekly) {
      const m = openMinutes(flat);
      if (m > 0) counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    if (counts.size === 0) {
      throw new RangeError(
        `Calendar in ${tz} has no open hours: give at least one weekday a segment, or use hours "24x7"`,
      );
    }
    let best = 0;
    let bestCount = 0;
    for (const [m, c] of counts) {
      if (c > bestCount || (c === bestCount && m > best)) [best, bestCount] = [m, c];
    }
    dayLength = best * 60_000;
  }

  if (spec.holidays !== undefined && !Array.isArray(spec.holidays)) {
    throw new RangeError("holidays must be a list of holiday rules");
  }
  const rules = (spec.holidays ?? []).map(compileHolidayRule);

  if (spec.exceptions !== undefined && !Array.isArray(spec.exceptions)) {
    throw new RangeError("exceptions must be a list of { date, closed | hours }");
  }
  const exceptions = new Map<number, readonly number[]>();
  (spec.exceptions ?? []).forEach((ex, i) => {
    const where = `exceptions[${i}]`;
    if (ex === null || typeof ex !== "object") throw new RangeError(`${where} must be an object`);
    const day = parseDay(ex.date);
    if (day === undefined) throw new RangeError(`${where}.date must be a real date as YYYY-MM-DD`);
    if (exceptions.has(day)) throw new RangeError(`${where}: ${ex.date} already has an exception`);
    const closed = ex.closed === true;
    const hasHours = ex.hours !== undefined;
    if (closed === hasHours) {
      throw new RangeError(
        `${where} (${ex.date}) must have either closed: true or hours, not ${closed ? "both" : "neither"}`,
      );
    }
    exceptions.set(day, closed ? EMPTY : compileSegments(ex.hours, `${where}.hours`));
  });

  // Keep a frozen copy, so later changes to the caller's object cannot change a cached calendar.
  return new CompiledCalendar(deepFreeze(structuredClone(spec)), { weekly, rules, exceptions, dayLength });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** JSON with object keys sorted, so equal specs give equal cache keys whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Most recently used last; the oldest entry goes when the cache is full. */
const cache = new Map<string, CompiledCalendar>();

/**
 * Compiles a calendar spec, or returns the cached calendar for a spec with the same content.
 * Cheap: open intervals are built lazily, a few local years at a time, as queries reach them.
 * Throws RangeError for an unknown zone, a malformed "HH:MM", a calendar without open hours, …
 */
export function compileCalendar(spec: BusinessCalendarSpec): Calendar {
  const key = canonicalJson(spec);
  let cal = cache.get(key);
  if (cal) {
    cache.delete(key);
  } else {
    cal = compileSpec(spec);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, cal);
  return cal;
}

/** Open all the time, in UTC. */
export const ALWAYS_OPEN: Calendar = compileCalendar({ timezone: "UTC", hours: "24x7" });

/** The engine behind a Calendar; a look-alike object (e.g. deserialized) is compiled from its spec. */
function engine(cal: Calendar): CompiledCalendar {
  return cal instanceof CompiledCalendar ? cal : (compileCalendar(cal.spec) as CompiledCalendar);
}

// ---------------------------------------------------------------------------------------------
// Pauses

/**
 * Normalized pauses, [start, end, start, end, …] in a module-level buffer that each pause-aware
 * query reads before anything can normalize again (queries are synchronous and not re-entered):
 * sorted, empty ones dropped, overlapping or touching ones merged. No allocation on the hot path.
 */
let pauseBuf = new Float64Array(64);

/** Normalizes `pauses` into pauseBuf and returns the number of values written (2 per pause). */
function normalizePauses(pauses: readonly Interval[]): number {
  if (pauseBuf.length < pauses.length * 2) pauseBuf = new Float64Array(pauses.length * 4);
  const buf = pauseBuf;
  let n = 0;
  if (pauses.length > 64) {
    // Many pauses: a real sort instead of insertion.
    const sorted = pauses.filter(([s, e]) => checkPause(s, e)).sort((a, b) => a[0] - b[0]);
    for (const [s, e] of sorted) {
      buf[n++] = s;
      buf[n++] = e;
    }
  } else {
    for (let k = 0; k < pauses.length; k++) {
      const p = pauses[k]!;
      const s = p[0];
      const e = p[1];
      if (!checkPause(s, e)) continue;
      let j = n;
      while (j > 0 && buf[j - 2]! > s) {
        buf[j] = buf[j - 2]!;
        buf[j + 1] = buf[j - 1]!;
        j -= 2;
      }
      buf[j] = s;
      buf[j + 1] = e;
      n += 2;
    }
  }
  let m = 0;
  for (let k = 0; k < n; k += 2) {
    const s = buf[k]!;
    const e = buf[k + 1]!;
    if (m > 0 && s <= buf[m - 1]!) {
      if (e > buf[m - 1]!) buf[m - 1] = e;
    } else {
      buf[m] = s;
      buf[m + 1] = e;
      m += 2;
    }
  }
  return m;
}

/** Whether a pause is non-empty; NaN is an error. */
function checkPause(s: number, e: number): boolean {
  if (Number.isNaN(s) || Number.isNaN(e))
    throw new RangeError("A pause must be [start, end] epoch ms, not NaN");
  return e > s;
}

function checkInstant(t: number, what: string): void {
  if (!Number.isFinite(t)) throw new RangeError(`${what} must be a finite epoch-ms instant, got ${t}`);
}

// ---------------------------------------------------------------------------------------------
// Queries

/**
 * The earliest instant at which `ms` of open time (outside `pauses`) has elapsed from `start`. A
 * start outside open hours begins at the next opening; time running out exactly at a closing gives
 * that closing instant (not the next opening). `ms = 0` gives `nextOpening(start)`. A pause that
 * never ends (end = Infinity) before the time is used up gives Infinity.
 */
export function addBusinessTime(
  cal: Calendar,
  start: number,
  ms: number,
  pauses?: readonly Interval[],
): number {
  const c = engine(cal);
  if (!(ms >= 0 && ms < Infinity))
    throw new RangeError(`Business time to add must be finite and ≥ 0, got ${ms}`);
  if (c.alwaysOpen) checkInstant(start, "start");
  if (pauses === undefined || pauses.length === 0) return ms === 0 ? c.next(start) : c.add(start, ms);
  const np = normalizePauses(pauses);
  const p = pauseBuf;
  let t = start;
  let rest = ms;
  for (let k = 0; k < np; k += 2) {
    const ps = p[k]!;
    const pe = p[k + 1]!;
    if (pe <= t) continue;
    if (ps > t) {
      if (rest === 0) {
        const o = c.next(t);
        if (o < ps) return o;
      } else if (ps < c.coverEnd || c.alwaysOpen) {
        const avail = c.span(t, ps);
        if (avail >= rest) return c.add(t, rest);
        rest -= avail;
      } else {
        // A pause beyond the compiled years (perhaps far beyond): try the deadline first, so that
        // years up to the pause are compiled only when the deadline really reaches it.
        const r = c.add(t, rest);
        if (r <= ps) return r;
        rest -= c.span(t, ps);
      }
    }
    t = pe;
    if (t === Infinity) return Infinity;
  }
  return rest === 0 ? c.next(t) : c.add(t, rest);
}

/**
 * The latest instant T from which `ms` of open time (outside `pauses`) has elapsed by `end`: the
 * last T with businessTimeBetween(T, end) ≥ ms, i.e. addBusinessTime run backwards. Two business
 * days before Wednesday 10:00 on an 08:00–17:00 weekday calendar is Monday 10:00; before Wednesday
 * 08:00 it is Monday 08:00 (the opening), not Friday 17:00, since the closed time in between
 * counts for nothing and the latest instant is wanted. `ms = 0` gives `end`. A pause reaching back
 * forever (start = −Infinity) before the time is used up gives −Infinity. Used for "the latest
 * moment a notice can go out" and reminders before a start.
 */
export function subtractBusinessTime(
  cal: Calendar,
  end: number,
  ms: number,
  pauses?: readonly Interval[],
): number {
  const c = engine(cal);
  if (!(ms >= 0 && ms < Infinity))
    throw new RangeError(`Business time to subtract must be finite and ≥ 0, got ${ms}`);
  checkInstant(end, "end");
  if (ms === 0) return end;
  if (pauses === undefined || pauses.length === 0) return c.sub(end, ms);
  const np = normalizePauses(pauses);
  const p = pauseBuf;
  let t = end;
  let rest = ms;
  // Walk the pauses from the last one back, spending the open time between them.
  for (let k = np - 2; k >= 0; k -= 2) {
    const ps = p[k]!;
    const pe = p[k + 1]!;
    if (ps >= t) continue;
    if (pe < t) {
      if (pe >= c.coverStart || c.alwaysOpen) {
        const avail = c.span(pe, t);
        if (avail >= rest) return c.sub(t, rest);
        rest -= avail;
      } else {
        // A pause before the compiled years (perhaps far before): try the answer first, so that
        // years back to the pause are compiled only when the answer really reaches it.
        const r = c.sub(t, rest);
        if (r >= pe) return r;
        rest -= c.span(pe, t);
      }
    }
    t = ps;
    if (t === -Infinity) return -Infinity;
  }
  return c.sub(t, rest);
}

/** Open time (outside `pauses`) in [a, b); negative when b < a. */
export function businessTimeBetween(
  cal: Calendar,
  a: number,
  b: number,
  pauses?: readonly Interval[],
): number {
  const c = engine(cal);
  if (c.alwaysOpen) {
    checkInstant(a, "a");
    checkInstant(b, "b");
  }
  if (b < a) return 0 - businessTimeBetween(c, b, a, pauses); // 0 − x: never −0
  let total = c.span(a, b);
  if (pauses === undefined || pauses.length === 0) return total;
  const np = normalizePauses(pauses);
  const p = pauseBuf;
  for (let k = 0; k < np; k += 2) {
    const s = Math.max(p[k]!, a);
    const e = Math.min(p[k + 1]!, b);
    if (s < e) total -= c.span(s, e);
  }
  return total;
}

/** Whether t is open time (and not inside a pause). */
export function isOpen(cal: Calendar, t: number, pauses?: readonly Interval[]): boolean {
  const c = engine(cal);
  checkInstant(t, "t");
  if (pauses !== undefined) {
    for (const [s, e] of pauses) if (s <= t && t < e) return false;
  }
  return c.open(t);
}

/** t itself when open (and not paused), else the next instant that is. */
export function nextOpening(cal: Calendar, t: number, pauses?: readonly Interval[]): number {
  const c = engine(cal);
  checkInstant(t, "t");
  if (pauses === undefined || pauses.length === 0) return c.next(t);
  const np = normalizePauses(pauses);
  const p = pauseBuf;
  let o = c.next(t);
  for (let k = 0; k < np; k += 2) {
    if (p[k + 1]! <= o) continue;
    if (p[k]! > o) break;
    if (p[k + 1] === Infinity) return Infinity;
    o = c.next(p[k + 1]!);
  }
  return o;
}

/**
 * The first opening on the first business day (a local date with open time) strictly after t's
 * local date. On 24x7 calendars: the next local midnight. With pauses, a business day is one with
 * open time outside them, and its start is its first unpaused open instant (Infinity behind an
 * unfinished pause).
 */
export function nextBusinessDayStart(cal: Calendar, t: number, pauses?: readonly Interval[]): number {
  if (pauses && pauses.length > 0) return unpausedBusinessDay(cal, t, pauses)[0];
  const c = engine(cal);
  checkInstant(t, "t");
  const i = c.nextDayIndex(t); // may rebuild the arrays: index first, then read
  return c.dayFirst[i]!;
}

/**
 * The last closing instant of the day nextBusinessDayStart(t) falls on (24x7: the midnight after
 * it); with pauses, the end of that day's last unpaused open time.
 */
export function nextBusinessDayEnd(cal: Calendar, t: number, pauses?: readonly Interval[]): number {
  if (pauses && pauses.length > 0) return unpausedBusinessDay(cal, t, pauses)[1];
  const c = engine(cal);
  checkInstant(t, "t");
  const i = c.nextDayIndex(t); // may rebuild the arrays: index first, then read
  return c.dayLast[i]!;
}

/** The first business day after t's local date with open time outside the pauses: [first, last] unpaused instants. */
function unpausedBusinessDay(cal: Calendar, t: number, pauses: readonly Interval[]): [number, number] {
  const sorted = [...pauses].filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let day = t;
  // A business day every ten years is the sparsest calendar worth supporting; past that, give up.
  for (let n = 0; n < 3660; n++) {
    const first = nextBusinessDayStart(cal, day);
    const last = nextBusinessDayEnd(cal, day);
    if (sorted.some(([a, b]) => a <= first && b === Infinity)) return [Infinity, Infinity];
    let start = Infinity;
    let end = -Infinity;
    for (const [a, b] of openIntervals(cal, first, last)) {
      // The parts of [a, b) outside every pause.
      let from = a;
      for (const [pa, pb] of sorted) {
        if (pb <= from || pa >= b) continue;
        if (pa > from) {
          start = Math.min(start, from);
          end = Math.max(end, pa);
        }
        from = Math.max(from, pb);
        if (from >= b) break;
      }
      if (from < b) {
        start = Math.min(start, from);
        end = Math.max(end, b);
      }
    }
    if (start < end) return [start, end];
    day = first;
  }
  throw new RangeError("No business day outside the pauses within ten years.");
}

/** Open intervals clipped to [a, b), merged where they touch. For drawing and tests. */
export function openIntervals(cal: Calendar, a: number, b: number): Interval[] {
  const c = engine(cal);
  checkInstant(a, "a");
  checkInstant(b, "b");
  return c.intervals(a, b);
}

/**
 * Holidays (after observed-date rules) whose observed local date is in [fromDate, toDate]
 * ("YYYY-MM-DD", inclusive), sorted by date. `observedFrom` is the actual date when a rule moved it.
 * Listed for 24x7 calendars too, though they do not close those.
 */
export function holidaysBetween(
  cal: Calendar,
  fromDate: string,
  toDate: string,
): Array<{ date: string; name: string; observedFrom?: string }> {
  const c = engine(cal);
  const from = parseDay(fromDate);
  const to = parseDay(toDate);
  if (from === undefined)
    throw new RangeError(`fromDate must be a date as YYYY-MM-DD, got ${JSON.stringify(fromDate)}`);
  if (to === undefined)
    throw new RangeError(`toDate must be a date as YYYY-MM-DD, got ${JSON.stringify(toDate)}`);
  const out: Array<{ date: string; name: string; observedFrom?: string }> = [];
  if (to < from) return out;
  const y0 = Number(fromDate.slice(0, 4));
  const y1 = Number(toDate.slice(0, 4));
  if (y0 < MIN_YEAR || y1 > MAX_YEAR)
    throw new RangeError(`Holidays are supported for the years ${MIN_YEAR}–${MAX_YEAR}`);
  for (let y = y0; y <= y1; y++) {
    for (const h of c.holidaysOf(y)) {
      if (h.day < from || h.day > to) continue;
      out.push(
        h.observedFrom === undefined
          ? { date: formatDay(h.day), name: h.name }
          : { date: formatDay(h.day), name: h.name, observedFrom: formatDay(h.observedFrom) },
      );
    }
  }
  return out;
}
