/**
 * The arithmetic of on-call schedules, as pure functions of epoch milliseconds: who is on duty
 * when, given rotations (people taking turns at handoffs), weekly restrictions (the hours a
 * rotation covers) and overrides (one-off swaps). Local times are those of the schedule's zone,
 * read from Liaison's zone tables, so a daily handoff stays at 09:00 through DST changes and the
 * server's own zone never matters.
 */
import { MAX_YEAR, MIN_YEAR, WEEKDAYS, type Weekday } from "../../core/time/calendar.ts";
import { DAY_MS, parseDay, weekdayOf } from "../../core/time/holidays.ts";
import { isValidZone, zoneTable, type ZoneTable } from "../../core/time/intervals.ts";

export type HandoffUnit = "hour" | "day" | "week";

/**
 * A weekly window in the schedule's zone when a rotation is on duty. `to` <= `from` means it runs
 * overnight into the next day; from == to means the whole day (24 h of wall time).
 */
export interface Restriction {
  days: Weekday[];
  /** "HH:MM" */
  from: string;
  /** "HH:MM", "24:00" allowed */
  to: string;
}

export interface RotationSpec {
  id: string;
  name: string;
  /** 1 = primary, 2 = secondary, 3 = third… */
  layer: number;
  /** user ids in turn order; the same person may appear twice */
  participants: string[];
  /** local wall time "YYYY-MM-DDTHH:MM" of the first handoff (in the schedule's zone) */
  start: string;
  /**
   * handoff interval: every N hours (elapsed time) or N local days/weeks (same wall-clock time, so
   * a shift is 23 or 25 hours across DST)
   */
  every: number;
  unit: HandoffUnit;
  /** empty = always on duty between handoffs */
  restrictions: Restriction[];
  /** local wall time the rotation stops, or null */
  end: string | null;
}

export interface OverrideSpec {
  id: string;
  layer: number;
  userId: string;
  start: number;
  end: number;
}

export interface ScheduleSpec {
  timeZone: string;
  rotations: RotationSpec[];
  overrides: OverrideSpec[];
}

export interface Shift {
  layer: number;
  userId: string;
  start: number;
  end: number;
  rotationId: string | null;
  overrideId: string | null;
}

/** Layers are numbered 1 (primary) to MAX_LAYER. */
export const MAX_LAYER = 5;

/** The longest handoff interval per unit: four weeks of hours, a year of days or weeks. */
export const MAX_EVERY: Readonly<Record<HandoffUnit, number>> = { hour: 24 * 28, day: 365, week: 52 };

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const UNITS: readonly HandoffUnit[] = ["hour", "day", "week"];
const LOCAL_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/;
const CLOCK_RE = /^(\d{2}):(\d{2})$/;
/** onCallAt looks this far either side of t for the ends of the stretch it reports. */
const FIRST_SPAN = 8 * DAY_MS;
const MAX_SPAN = 366 * DAY_MS;

/**
 * The wall ms (the epoch ms the same wall time would have in UTC) of a strict local date-time
 * "YYYY-MM-DDTHH:MM", or undefined when the text is not one (2026-02-30T09:00, 24:00, seconds).
 */
export function parseLocalDateTime(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const m = LOCAL_RE.exec(text);
  if (!m) return undefined;
  const day = parseDay(m[1]);
  const hour = Number(m[2]);
  const minute = Number(m[3]);
  if (day === undefined || hour > 23 || minute > 59) return undefined;
  const wall = day * DAY_MS + (hour * 60 + minute) * MINUTE_MS;
  // Date.UTC reads years 0–99 as 1900–1999; the round trip catches that.
  return formatLocalDateTime(wall) === text ? wall : undefined;
}

/** "YYYY-MM-DDTHH:MM" of a wall ms (seconds are dropped). */
export function formatLocalDateTime(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 16);
}

/** Minutes since midnight of "HH:MM" (00:00–23:59, and 24:00 when allowed), or undefined. */
function parseClock(text: unknown, allow24: boolean): number | undefined {
  if (typeof text !== "string") return undefined;
  const m = CLOCK_RE.exec(text);
  if (!m) return undefined;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  if (allow24 && hour === 24 && minute === 0) return 1440;
  return hour <= 23 && minute <= 59 ? hour * 60 + minute : undefined;
}

const isLayer = (v: unknown): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= MAX_LAYER;
const yearOf = (wall: number) => new Date(wall).getUTCFullYear();
const quoted = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : String(v));
const LAYER_HINT = `use a whole number from 1 (primary) to ${MAX_LAYER}`;

/**
 * Everything wrong with a schedule, in plain language for the person editing it, each with the
 * path of the field (`rotations.0.start`, `overrides.1.end`). Empty when the schedule is usable;
 * shiftsBetween and friends refuse a schedule with problems rather than guess who is on call.
 */
export function rotationProblems(spec: ScheduleSpec): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (typeof spec.timeZone !== "string" || !isValidZone(spec.timeZone)) {
    add(
      "timeZone",
      `${quoted(spec.timeZone)} is not a time zone Liaison knows; use an IANA name like Europe/London or America/New_York.`,
    );
  }
  const localTime = (path: string, text: unknown): number | undefined => {
    const wall = parseLocalDateTime(text);
    if (wall === undefined) {
      add(path, `${quoted(text)} is not a local date and time; use one like 2026-03-02T09:00.`);
      return undefined;
    }
    const year = yearOf(wall);
    if (year < MIN_YEAR || year > MAX_YEAR) {
      add(
        path,
        `${quoted(text)} is outside the years Liaison can schedule; use a year from ${MIN_YEAR} to ${MAX_YEAR}.`,
      );
      return undefined;
    }
    return wall;
  };

  const rotations = Array.isArray(spec.rotations) ? spec.rotations : [];
  if (!Array.isArray(spec.rotations)) add("rotations", "Rotations must be a list (it may be empty).");
  const rotationIds = new Map<string, number>();
  rotations.forEach((r, i) => {
    const at = `rotations.${i}`;
    if (typeof r.id !== "string" || r.id === "") add(`${at}.id`, "The rotation has no id; give it one.");
    else if (rotationIds.has(r.id)) {
      add(
        `${at}.id`,
        `The id ${quoted(r.id)} is already used by rotation ${rotationIds.get(r.id)! + 1}; give each rotation its own id.`,
      );
    } else rotationIds.set(r.id, i);
    if (!isLayer(r.layer)) add(`${at}.layer`, `Layer ${quoted(r.layer)} does not exist; ${LAYER_HINT}.`);
    if (!Array.isArray(r.participants) || r.participants.length === 0) {
      add(`${at}.participants`, "Nobody takes turns in this rotation; add at least one person.");
    } else {
      r.participants.forEach((p, k) => {
        if (typeof p !== "string" || p === "") {
          add(`${at}.participants.${k}`, "This turn has no person; pick someone or remove the turn.");
        }
      });
    }
    const start = localTime(`${at}.start`, r.start);
    if (r.end != null) {
      const end = localTime(`${at}.end`, r.end);
      if (start !== undefined && end !== undefined && end <= start) {
        add(
          `${at}.end`,
          `The rotation would end (${r.end}) before it starts (${r.start}); pick a later end, or none to keep it running.`,
        );
      }
    }
    if (!UNITS.includes(r.unit)) {
      add(`${at}.unit`, `${quoted(r.unit)} is not a handoff unit; use hour, day or week.`);
    }
    if (typeof r.every !== "number" || !Number.isInteger(r.every) || r.every < 1) {
      add(
        `${at}.every`,
        `Handoffs every ${quoted(r.every)} ${r.unit}s cannot work; use a whole number from 1.`,
      );
    } else if (UNITS.includes(r.unit) && r.every > MAX_EVERY[r.unit]) {
      add(
        `${at}.every`,
        `Handoffs every ${r.every} ${r.unit}s are too far apart; use at most ${MAX_EVERY[r.unit]} ${r.unit}s.`,
      );
    }
    if (!Array.isArray(r.restrictions)) {
      add(
        `${at}.restrictions`,
        "Restrictions must be a list; leave it empty for a rotation on duty all the time.",
      );
      return;
    }
    r.restrictions.forEach((x, j) => {
      const rat = `${at}.restrictions.${j}`;
      if (!Array.isArray(x.days) || x.days.length === 0) {
        add(`${rat}.days`, "The window has no days; pick at least one day of the week.");
      } else {
        x.days.forEach((d, k) => {
          if (!WEEKDAYS.includes(d)) {
            add(`${rat}.days.${k}`, `${quoted(d)} is not a day; use ${WEEKDAYS.join(", ")}.`);
          }
        });
      }
      if (parseClock(x.from, false) === undefined) {
        add(
          `${rat}.from`,
          `${quoted(x.from)} is not a time of day; use one from 00:00 to 23:59, like 18:00.`,
        );
      }
      if (parseClock(x.to, true) === undefined) {
        add(`${rat}.to`, `${quoted(x.to)} is not a time of day; use one from 00:00 to 24:00, like 08:00.`);
      }
    });
  });

  const overrides = Array.isArray(spec.overrides) ? spec.overrides : [];
  if (!Array.isArray(spec.overrides)) add("overrides", "Overrides must be a list (it may be empty).");
  const overrideIds = new Map<string, number>();
  overrides.forEach((o, i) => {
    const at = `overrides.${i}`;
    if (typeof o.id !== "string" || o.id === "") add(`${at}.id`, "The override has no id; give it one.");
    else if (overrideIds.has(o.id)) {
      add(
        `${at}.id`,
        `The id ${quoted(o.id)} is already used by override ${overrideIds.get(o.id)! + 1}; give each override its own id.`,
      );
    } else overrideIds.set(o.id, i);
    if (!isLayer(o.layer)) add(`${at}.layer`, `Layer ${quoted(o.layer)} does not exist; ${LAYER_HINT}.`);
    if (typeof o.userId !== "string" || o.userId === "") {
      add(`${at}.userId`, "The override has nobody to take over; pick a person.");
    }
    const okStart = Number.isFinite(o.start);
    const okEnd = Number.isFinite(o.end);
    if (!okStart) add(`${at}.start`, "The override has no start time; pick when it starts.");
    if (!okEnd) add(`${at}.end`, "The override has no end time; pick when it ends.");
    if (okStart && okEnd && o.end <= o.start) {
      add(`${at}.end`, "The override ends before (or when) it starts; pick an end after the start.");
    }
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Compiled form

/** A stretch of one source (a rotation or an override) before layering. */
interface Piece {
  start: number;
  end: number;
  userId: string;
}

interface CompiledRotation {
  id: string;
  layer: number;
  participants: readonly string[];
  table: ZoneTable;
  hourly: boolean;
  /** Wall ms of the first handoff. */
  startWall: number;
  /** Elapsed ms (hours) or wall ms (days, weeks) between handoffs. */
  step: number;
  /** Instants of the first handoff and of the end (Infinity when none). */
  first: number;
  last: number;
  /** Per weekday (0 = Monday): windows as [from, to] minutes after that day's midnight; null = none. */
  windows: Array<Array<[number, number]>> | null;
}

interface Compiled {
  rotations: CompiledRotation[];
  overrides: readonly OverrideSpec[];
  layers: number[];
}

function compile(spec: ScheduleSpec): Compiled {
  const problems = rotationProblems(spec);
  if (problems.length > 0) {
    throw new RangeError(
      `The on-call schedule has problems: ${problems.map((p) => `${p.path}: ${p.message}`).join(" ")}`,
    );
  }
  const table = zoneTable(spec.timeZone);
  const rotations = spec.rotations.map((r): CompiledRotation => {
    const startWall = parseLocalDateTime(r.start)!;
    const hourly = r.unit === "hour";
    let windows: CompiledRotation["windows"] = null;
    if (r.restrictions.length > 0) {
      windows = WEEKDAYS.map(() => []);
      for (const x of r.restrictions) {
        const from = parseClock(x.from, false)!;
        let to = parseClock(x.to, true)!;
        if (to <= from) to += 1440;
        for (const d of new Set(x.days)) windows[WEEKDAYS.indexOf(d)]!.push([from, to]);
      }
    }
    return {
      id: r.id,
      layer: r.layer,
      participants: r.participants,
      table,
      hourly,
      startWall,
      step: r.every * (hourly ? HOUR_MS : r.unit === "day" ? DAY_MS : 7 * DAY_MS),
      first: table.wallToInstant(startWall),
      last: r.end == null ? Infinity : table.wallToInstant(parseLocalDateTime(r.end)!),
      windows,
    };
  });
  return { rotations, overrides: spec.overrides, layers: layersOf(spec) };
}

/** The instant of handoff k: elapsed hours, or the same wall-clock time k·N days later. */
function handoff(r: CompiledRotation, k: number): number {
  return r.hourly ? r.first + k * r.step : r.table.wallToInstant(r.startWall + k * r.step);
}

/** The index of the shift in force at t (t >= r.first), found without walking from the start. */
function shiftIndexAt(r: CompiledRotation, t: number): number {
  if (r.hourly) return Math.floor((t - r.first) / r.step);
  // Wall time and elapsed time differ by at most a day's worth of offset change, and a shift is at
  // least a day long, so the guess from wall time is off by at most one either way.
  let k = Math.max(0, Math.floor((r.table.instantToWall(t) - r.startWall) / r.step));
  while (k > 0 && handoff(r, k) > t) k--;
  while (handoff(r, k + 1) <= t) k++;
  return k;
}

/** The rotation's shifts in [from, to), restricted to its windows, sorted and disjoint. */
function rotationPieces(r: CompiledRotation, from: number, to: number): Piece[] {
  const lo = Math.max(from, r.first);
  const hi = Math.min(to, r.last);
  if (lo >= hi) return [];
  const shifts: Piece[] = [];
  const n = r.participants.length;
  let k = shiftIndexAt(r, lo);
  let start = handoff(r, k);
  while (start < hi) {
    const end = handoff(r, k + 1);
    shifts.push({ start: Math.max(start, lo), end: Math.min(end, hi), userId: r.participants[k % n]! });
    k++;
    start = end;
  }
  return r.windows ? intersect(shifts, restrictionWindows(r, r.windows, lo, hi)) : shifts;
}

/**
 * The union of a rotation's restriction windows within [lo, hi), sorted and merged. Each window is
 * placed per local day, so 18:00 is 18:00 on either side of a DST change; a boundary that falls in
 * a spring-forward gap moves to the end of the gap, and a window wholly inside one is empty.
 */
function restrictionWindows(
  r: CompiledRotation,
  windows: Array<Array<[number, number]>>,
  lo: number,
  hi: number,
): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  // A window starts on its day and ends before the second midnight after it.
  const firstDay = Math.floor(r.table.instantToWall(lo) / DAY_MS) - 2;
  const lastDay = Math.floor(r.table.instantToWall(hi) / DAY_MS);
  for (let day = firstDay; day <= lastDay; day++) {
    const midnight = day * DAY_MS;
    for (const [from, to] of windows[weekdayOf(day)]!) {
      const s = r.table.wallToInstant(midnight + from * MINUTE_MS);
      const e = r.table.wallToInstant(midnight + to * MINUTE_MS);
      if (e <= s || e <= lo || s >= hi) continue;
      found.push([Math.max(s, lo), Math.min(e, hi)]);
    }
  }
  found.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const w of found) {
    const prev = merged[merged.length - 1];
    if (prev && w[0] <= prev[1]) prev[1] = Math.max(prev[1], w[1]);
    else merged.push(w);
  }
  return merged;
}

/** The parts of sorted, disjoint pieces that lie in sorted, disjoint windows. */
function intersect(pieces: Piece[], windows: Array<[number, number]>): Piece[] {
  const out: Piece[] = [];
  let w = 0;
  for (const p of pieces) {
    while (w < windows.length && windows[w]![1] <= p.start) w++;
    for (let v = w; v < windows.length && windows[v]![0] < p.end; v++) {
      const start = Math.max(p.start, windows[v]![0]);
      const end = Math.min(p.end, windows[v]![1]);
      if (start < end) out.push({ start, end, userId: p.userId });
    }
  }
  return out;
}

/**
 * The final shifts of one layer in [from, to): at each moment the highest-precedence source on
 * duty wins, where later rotations beat earlier ones and any override beats every rotation (later
 * overrides beating earlier ones). Adjacent stretches of one person from one source are merged.
 */
function layerShifts(c: Compiled, layer: number, from: number, to: number): Shift[] {
  // Sources in ascending precedence; each one's pieces are sorted and disjoint.
  const sources: Array<{ pieces: Piece[]; rotationId: string | null; overrideId: string | null }> = [];
  for (const r of c.rotations) {
    if (r.layer !== layer) continue;
    const pieces = rotationPieces(r, from, to);
    if (pieces.length > 0) sources.push({ pieces, rotationId: r.id, overrideId: null });
  }
  for (const o of c.overrides) {
    if (o.layer !== layer) continue;
    const start = Math.max(o.start, from);
    const end = Math.min(o.end, to);
    if (start < end)
      sources.push({ pieces: [{ start, end, userId: o.userId }], rotationId: null, overrideId: o.id });
  }
  const points = [...new Set(sources.flatMap((s) => s.pieces.flatMap((p) => [p.start, p.end])))].sort(
    (a, b) => a - b,
  );
  const cursor = sources.map(() => 0);
  const out: Shift[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    for (let s = sources.length - 1; s >= 0; s--) {
      const { pieces, rotationId, overrideId } = sources[s]!;
      // Cursors only move forward, so lower sources skipped by `break` catch up later.
      let k = cursor[s]!;
      while (k < pieces.length && pieces[k]!.end <= a) k++;
      cursor[s] = k;
      const p = pieces[k];
      if (!p || p.start > a) continue;
      const prev = out[out.length - 1];
      if (
        prev &&
        prev.end === a &&
        prev.userId === p.userId &&
        prev.rotationId === rotationId &&
        prev.overrideId === overrideId
      ) {
        prev.end = b;
      } else out.push({ layer, userId: p.userId, start: a, end: b, rotationId, overrideId });
      break;
    }
  }
  return out;
}

function checkRange(from: number, to: number): void {
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    throw new RangeError(`Expected a finite range of epoch-ms instants, got ${from}…${to}`);
  }
}

/**
 * The final schedule in [from, to): per layer, who is on duty from when to when, clipped to the
 * range and sorted by layer, then start. Throws a RangeError when rotationProblems finds any.
 */
export function shiftsBetween(spec: ScheduleSpec, from: number, to: number): Shift[] {
  checkRange(from, to);
  const c = compile(spec);
  if (from >= to) return [];
  return c.layers.flatMap((layer) => layerShifts(c, layer, from, to));
}

/**
 * Who is on duty at t: one shift per layer that has someone, sorted by layer. Each shift is that
 * person's whole stretch around t (as shiftsBetween would report it unclipped), looked for up to
 * 366 days either side; a longer stretch (a one-person rotation) is reported cut there.
 */
export function onCallAt(spec: ScheduleSpec, t: number): Shift[] {
  checkRange(t, t);
  const c = compile(spec);
  const out: Shift[] = [];
  for (const layer of c.layers) {
    for (let span = FIRST_SPAN; ; span = Math.min(span * 4, MAX_SPAN)) {
      const lo = t - span;
      const hi = t + span;
      const hit = layerShifts(c, layer, lo, hi).find((s) => s.start <= t && t < s.end);
      // Touching an end of the window means the stretch may go on beyond it: look wider.
      if (hit && (hit.start === lo || hit.end === hi) && span < MAX_SPAN) continue;
      if (hit) out.push(hit);
      break;
    }
  }
  return out;
}

/** The maximal intervals in [from, to) when nobody is on duty in the layer, sorted. */
export function gapsBetween(
  spec: ScheduleSpec,
  from: number,
  to: number,
  layer = 1,
): Array<{ start: number; end: number }> {
  checkRange(from, to);
  const c = compile(spec);
  if (from >= to) return [];
  const gaps: Array<{ start: number; end: number }> = [];
  let at = from;
  for (const s of layerShifts(c, layer, from, to)) {
    if (s.start > at) gaps.push({ start: at, end: s.start });
    at = Math.max(at, s.end);
  }
  if (at < to) gaps.push({ start: at, end: to });
  return gaps;
}

/** The distinct layers that rotations or overrides use, ascending. */
export function layersOf(spec: ScheduleSpec): number[] {
  const layers = new Set<number>();
  for (const r of spec.rotations) layers.add(r.layer);
  for (const o of spec.overrides) layers.add(o.layer);
  return [...layers].sort((a, b) => a - b);
}
