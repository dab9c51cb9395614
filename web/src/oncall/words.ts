/**
 * The on-call module in words, for both sides: layers, handoffs, restrictions, restoration
 * strategies and test outcomes, the way people would say them.
 */
import type { HandoffUnit, Restriction, Strategy, TestOutcome, Weekday } from "./types.ts";
import { WEEKDAYS } from "./types.ts";

export const DAY_SHORT: Record<Weekday, string> = {
  mon: "Mon",
  tue: "Tue",
  wed: "Wed",
  thu: "Thu",
  fri: "Fri",
  sat: "Sat",
  sun: "Sun",
};

/** The name a layer has when the schedule does not name it (the server's default). */
export function defaultLayerName(layer: number): string {
  return layer === 1 ? "Primary" : layer === 2 ? "Secondary" : `Level ${layer}`;
}

export function layerNameOf(layerNames: Record<string, string>, layer: number): string {
  return layerNames[String(layer)] ?? defaultLayerName(layer);
}

const UNIT_WORDS: Record<HandoffUnit, [string, string]> = {
  hour: ["hour", "hours"],
  day: ["day", "days"],
  week: ["week", "weeks"],
};

/** "every week", "every 12 hours". */
export function everyLabel(every: number, unit: HandoffUnit): string {
  return every === 1 ? `every ${UNIT_WORDS[unit][0]}` : `every ${every} ${UNIT_WORDS[unit][1]}`;
}

export function unitLabel(unit: HandoffUnit, plural: boolean): string {
  return UNIT_WORDS[unit][plural ? 1 : 0];
}

/** "Mon–Fri", "Sat, Sun", "Mon, Wed, Fri": consecutive days as a range. */
export function daysLabel(days: readonly Weekday[]): string {
  const sorted = WEEKDAYS.filter((d) => days.includes(d));
  if (sorted.length === 7) return "Every day";
  const runs: Weekday[][] = [];
  for (const d of sorted) {
    const run = runs[runs.length - 1];
    const last = run?.[run.length - 1];
    if (run && last && WEEKDAYS.indexOf(d) === WEEKDAYS.indexOf(last) + 1) run.push(d);
    else runs.push([d]);
  }
  return runs
    .map((run) =>
      run.length >= 3
        ? `${DAY_SHORT[run[0]!]}–${DAY_SHORT[run[run.length - 1]!]}`
        : run.map((d) => DAY_SHORT[d]).join(", "),
    )
    .join(", ");
}

/** "Mon–Fri 18:00 → 08:00 the next day", "Sat, Sun all day". */
export function restrictionLabel(r: Restriction): string {
  const days = daysLabel(r.days);
  if ((r.from === "00:00" && r.to === "24:00") || r.from === r.to) return `${days} all day`;
  const overnight = r.to !== "24:00" && r.to <= r.from;
  return `${days} ${r.from} → ${r.to}${overnight ? " the next day" : ""}`;
}

export const STRATEGY_LABELS: Record<Strategy, string> = {
  restore_from_backup: "Restore from backup",
  fail_over: "Fail over to a redundant system",
  repair_in_place: "Repair in place",
};

export const OUTCOME_LABELS: Record<TestOutcome, string> = {
  passed: "Passed",
  partial: "Partly worked",
  failed: "Failed",
};

export const OUTCOME_COLORS: Record<TestOutcome, string> = {
  passed: "teal",
  partial: "yellow",
  failed: "red",
};

const DURATION_UNITS: Record<string, [string, string]> = {
  m: ["minute", "minutes"],
  h: ["hour", "hours"],
  d: ["day", "days"],
  w: ["week", "weeks"],
};

/** A protocol duration as people say it: "180d" → "180 days"; anything else as written. */
export function durationWords(text: string): string {
  const m = /^\s*(\d+)\s*([mhdw])\s*$/i.exec(text);
  if (!m) return text.trim();
  const n = Number(m[1]);
  const unit = DURATION_UNITS[m[2]!.toLowerCase()]!;
  return `${n} ${n === 1 ? unit[0] : unit[1]}`;
}

/** "1 person", "3 people". */
export function peopleCount(n: number): string {
  return n === 1 ? "1 person" : `${n} people`;
}
