/**
 * Business-time arithmetic: addBusinessTime and businessTimeBetween on a New York calendar with a
 * lunch break (Mon–Fri 08:00–12:00 and 13:00–17:30) and ten US holidays a year. Starts are random
 * over 2026–2027, durations random from 1 minute to 80 business hours; all inputs are generated up
 * front, each figure is measured for about 2 s after a warm-up, on one core.
 * Prints `name: value unit`. Run: npm run bench:calendar
 */
import os from "node:os";
import {
  addBusinessTime,
  businessTimeBetween,
  compileCalendar,
  type BusinessCalendarSpec,
  type Interval,
} from "../src/core/time/calendar.ts";

const day = [
  { from: "08:00", to: "12:00" },
  { from: "13:00", to: "17:30" },
];
const spec: BusinessCalendarSpec = {
  timezone: "America/New_York",
  hours: { mon: day, tue: day, wed: day, thu: day, fri: day },
  holidays: [
    { name: "New Year's Day", month: 1, day: 1, observed: "nearest_weekday" },
    { name: "Martin Luther King Jr. Day", month: 1, weekday: "mon", nth: 3 },
    { name: "Presidents' Day", month: 2, weekday: "mon", nth: 3 },
    { name: "Memorial Day", month: 5, weekday: "mon", nth: -1 },
    { name: "Juneteenth", month: 6, day: 19, observed: "nearest_weekday" },
    { name: "Independence Day", month: 7, day: 4, observed: "nearest_weekday" },
    { name: "Labor Day", month: 9, weekday: "mon", nth: 1 },
    { name: "Veterans Day", month: 11, day: 11, observed: "nearest_weekday" },
    { name: "Thanksgiving", month: 11, weekday: "thu", nth: 4 },
    { name: "Christmas Day", month: 12, day: 25, observed: "nearest_weekday" },
  ],
};

// mulberry32: a small seeded generator, so every run measures the same inputs.
let seed = 0x5eed;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const N = 1 << 16;
const from = Date.UTC(2026, 0, 1);
const span = Date.UTC(2028, 0, 1) - from;
const starts = new Float64Array(N);
const ends = new Float64Array(N);
const durations = new Float64Array(N);
const pauses: Interval[][] = [];
for (let i = 0; i < N; i++) {
  starts[i] = from + Math.floor(random() * span);
  ends[i] = from + Math.floor(random() * span);
  durations[i] = (1 + Math.floor(random() * 80 * 60)) * 60_000;
  const p: Interval[] = [];
  for (let k = 0; k < 3; k++) {
    const s = starts[i]! + Math.floor(random() * 10 * 86_400_000);
    p.push([s, s + Math.floor(random() * 86_400_000)]);
  }
  pauses.push(p);
}

const compileStarted = performance.now();
const cal = compileCalendar(spec);
addBusinessTime(cal, starts[0]!, durations[0]!);
const compileMs = performance.now() - compileStarted;
// Compile the whole range the inputs (and results) reach before measuring, so no figure pays for it.
addBusinessTime(cal, Date.UTC(2028, 5, 1), 0);

let sink = 0;
function measure(seconds: number, pass: () => void): number {
  let ops = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    pass();
    ops += N;
    elapsed = performance.now() - started;
  }
  return Math.round(ops / (elapsed / 1000));
}

const passes = {
  add_business_time: () => {
    for (let i = 0; i < N; i++) sink += addBusinessTime(cal, starts[i]!, durations[i]!);
  },
  business_time_between: () => {
    for (let i = 0; i < N; i++) sink += businessTimeBetween(cal, starts[i]!, ends[i]!);
  },
  add_business_time_with_pauses: () => {
    for (let i = 0; i < N; i++) sink += addBusinessTime(cal, starts[i]!, durations[i]!, pauses[i]);
  },
};

console.log(`cpu: ${os.cpus()[0]?.model ?? "unknown"}`);
console.log(`node: ${process.version}`);
console.log(`compile_and_first_query: ${compileMs.toFixed(1)} ms`);
for (const [name, pass] of Object.entries(passes)) {
  measure(0.5, pass); // warm-up
  console.log(`${name}: ${measure(2, pass)} ops/s`);
}
if (Number.isNaN(sink)) console.log("unreachable: keeps the results alive");
