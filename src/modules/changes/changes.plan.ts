import type { ClientRole } from "../../core/http/actor.ts";
import { addBusinessTime, subtractBusinessTime } from "../../core/time/calendar.ts";
import { DAY_MS } from "../../core/time/holidays.ts";
import { zoneTable } from "../../core/time/intervals.ts";
import { type CompiledProtocol, durationMs } from "../protocol/protocol.compile.ts";
import { type Duration, formatDuration, parseDuration } from "../protocol/protocol.durations.ts";

/**
 * The change module's arithmetic on the protocol, as pure functions of epoch milliseconds:
 * maintenance windows and blackouts in a range, the approval rule of a change, the conflicts
 * shown before approval, and the notice plan.
 */

// Maintenance windows and blackouts in a range are the protocol's own arithmetic (the validator
// uses them too); re-exported here for the change module's callers.
export {
  type BlackoutOccurrence,
  blackoutsBetween,
  type WindowOccurrence,
  windowsBetween,
} from "../protocol/protocol.compile.ts";
import { type WindowOccurrence, blackoutsBetween, windowsBetween } from "../protocol/protocol.compile.ts";

// ---------------------------------------------------------------------------------------------
// Classes, notice and approval

export type ChangeClass = "routine" | "normal" | "significant" | "emergency";

/** What the planning functions need of a change: its class, its planned window and its systems. */
export interface PlannedChange {
  class: ChangeClass;
  start: number;
  end: number;
  systems: string[];
}

const CLASS_LABELS: Record<ChangeClass, string> = {
  routine: "Routine",
  normal: "Normal",
  significant: "Significant",
  emergency: "Emergency",
};

/** The advance-notice lead time of a class, as written in the protocol. */
export function leadTime(p: CompiledProtocol, cls: ChangeClass): Duration {
  return parseDuration(p.doc.changes.classes[cls].notice)!;
}

/** `start` minus a duration: in business time on the protocol's calendar for business days, else elapsed. */
function minusDuration(p: CompiledProtocol, start: number, d: Duration): number {
  return d.kind === "business_days"
    ? subtractBusinessTime(p.calendar, start, durationMs(p, d))
    : start - d.ms;
}

/** `at` plus a duration: in business time on the protocol's calendar for business days, else elapsed. */
function plusDuration(p: CompiledProtocol, at: number, d: Duration): number {
  if (d.kind === "elapsed") return at + d.ms;
  const ms = durationMs(p, d);
  // Zero business days is "now", not "the next opening".
  return ms === 0 ? at : addBusinessTime(p.calendar, at, ms);
}

/**
 * The latest moment the advance notice of a change of class `cls` starting at `start` can go
 * out: start minus the class's lead time, counted in business time when the lead time is in
 * business days (3 business days before Tuesday 10:00 is the previous Thursday 10:00), else in
 * elapsed time.
 */
export function latestNoticeAt(p: CompiledProtocol, cls: ChangeClass, start: number): number {
  return minusDuration(p, start, leadTime(p, cls));
}

/**
 * The earliest start that still allows the class's full notice when the change is announced at
 * `now`: now plus the lead time (business time for business days, else elapsed). A change
 * starting then has latestNoticeAt(start) ≥ now; any earlier start would be announced late.
 */
export function earliestStartWithNotice(p: CompiledProtocol, cls: ChangeClass, now: number): number {
  return plusDuration(p, now, leadTime(p, cls));
}

const norm = (s: string) => s.trim().toLowerCase();

/** Whether a window's systems (empty = every system) include every system of a change, ignoring case. */
function covers(windowSystems: readonly string[], systems: readonly string[]): boolean {
  if (windowSystems.length === 0) return true;
  const have = new Set(windowSystems.map(norm));
  return systems.every((s) => have.has(norm(s)));
}

/**
 * The maintenance window occurrence that holds the whole change [start, end) and whose systems
 * (empty = all) cover every system of the change, ignoring case; the earliest-starting one when
 * several do; null if none.
 */
export function containingWindow(p: CompiledProtocol, change: PlannedChange): WindowOccurrence | null {
  const to = Math.max(change.end, change.start + 1);
  for (const w of windowsBetween(p, change.start, to))
    if (w.start <= change.start && w.end >= change.end && covers(w.systems, change.systems)) return w;
  return null;
}

export type ApprovalRule =
  | { mode: "automatic"; window: WindowOccurrence; explanation: string }
  | { mode: "any_of" | "all_of"; roles: ClientRole[]; asClass: ChangeClass; explanation: string }
  | { mode: "after_the_fact"; explanation: string };

const ROLE_WORDS: Record<ClientRole, string> = {
  executive: "an executive",
  it_contact: "an IT point of contact",
  approver: "an approver",
  member: "an end user",
  advisor: "an advisor",
};

/** "an approver and an IT point of contact" (all_of) or "an IT point of contact or an approver" (any_of). */
function rolesPhrase(mode: "any_of" | "all_of", roles: readonly ClientRole[]): string {
  return joinWords(
    roles.map((r) => ROLE_WORDS[r]),
    mode === "all_of" ? "and" : "or",
  );
}

/**
 * Who approves a change, and why, in one plain sentence. Routine changes with standing approval
 * are approved automatically only inside a maintenance window that covers their systems; outside
 * one they need approval like a normal change (asClass "normal", the normal class's mode and
 * roles). any_of/all_of classes use their own roles; after_the_fact (emergency) changes are made
 * under on-call authority and approved afterwards.
 */
export function approvalRule(p: CompiledProtocol, change: PlannedChange): ApprovalRule {
  const classes = p.doc.changes.classes;
  const approval = classes[change.class].approval;
  const label = CLASS_LABELS[change.class];
  if (approval.mode === "after_the_fact") {
    const review = classes[change.class].review_within;
    return {
      mode: "after_the_fact",
      explanation:
        `${label} change: made under on-call authority and approved afterwards` +
        (review ? `, with a review due within ${formatDuration(parseDuration(review)!)}.` : "."),
    };
  }
  if (approval.mode === "standing") {
    const window = containingWindow(p, change);
    if (window) {
      return {
        mode: "automatic",
        window,
        explanation: `${label} change inside ${window.name} (${formatLocalRange(p.timezone, window.start, window.end)}): approved automatically by standing approval.`,
      };
    }
    // The validator allows standing approval only for routine changes and requires roles for
    // any_of/all_of, so the normal class is any_of or all_of; any_of is the safe reading otherwise.
    const normal = classes.normal.approval;
    const mode = normal.mode === "all_of" ? "all_of" : "any_of";
    return {
      mode,
      roles: [...normal.roles],
      asClass: "normal",
      explanation: `${label} change outside every maintenance window that covers it: it needs approval as a normal change, from ${rolesPhrase(mode, normal.roles)}.`,
    };
  }
  return {
    mode: approval.mode,
    roles: [...approval.roles],
    asClass: change.class,
    explanation: `${label} change: it needs approval from ${rolesPhrase(approval.mode, approval.roles)}.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Conflicts

export type ConflictKind = "blackout" | "outside_window" | "overlap" | "notice_lead_time";

/**
 * One thing people should see before approving a change. `start`/`end`/`name`: the blackout
 * (blackout), the next maintenance window that would hold the change (outside_window, when there
 * is one within a year), the other change's planned window and title (overlap, with `changeId`).
 * `earliestStart`: the earliest start with full notice (notice_lead_time).
 */
export interface Conflict {
  kind: ConflictKind;
  message: string;
  start?: number;
  end?: number;
  name?: string;
  changeId?: string;
  earliestStart?: number;
}

/** Another change of the same relationship, to check for overlaps. */
export interface OtherChange {
  id: string;
  number: number;
  title: string;
  start: number;
  end: number;
  systems: string[];
}

const YEAR_MS = 366 * DAY_MS;

/**
 * The first window occurrence starting at or after `from` (within a year) that is long enough for
 * the change, covers its systems and does not overlap a blackout: where the change could move.
 */
function nextSuitableWindow(
  p: CompiledProtocol,
  change: PlannedChange,
  from: number,
): WindowOccurrence | null {
  const length = change.end - change.start;
  const blackouts = blackoutsBetween(p, from, from + YEAR_MS);
  for (const w of windowsBetween(p, from, from + YEAR_MS)) {
    if (w.start < from || w.end - w.start < length || !covers(w.systems, change.systems)) continue;
    if (blackouts.some((b) => b.start < w.end && b.end > w.start)) continue;
    return w;
  }
  return null;
}

/**
 * The conflicts shown before approval, in this order: each blackout the change overlaps; being
 * outside every maintenance window that covers it (not for emergency changes, and only when the
 * protocol has maintenance windows); each other change overlapping it in time and sharing a
 * system (ignoring case); being announced inside the notice lead time (now > latestNoticeAt; not
 * for emergency changes). Messages are full sentences with local times in the protocol's zone.
 */
export function findConflicts(
  p: CompiledProtocol,
  change: PlannedChange,
  others: readonly OtherChange[],
  now: number,
): Conflict[] {
  const tz = p.timezone;
  const range = (a: number, b: number) => formatLocalRange(tz, a, b);
  const out: Conflict[] = [];

  for (const b of blackoutsBetween(p, change.start, Math.max(change.end, change.start + 1))) {
    const reason = b.reason ? `: ${b.reason.trim().replace(/[.!]+$/, "")}` : "";
    out.push({
      kind: "blackout",
      message: `Overlaps the blackout '${b.name}' (${range(b.start, b.end)})${reason}.`,
      start: b.start,
      end: b.end,
      name: b.name,
    });
  }

  const windows = p.doc.changes.maintenance_windows;
  if (change.class !== "emergency" && windows.length > 0 && !containingWindow(p, change)) {
    // Name the systems only when some window is limited to particular systems.
    const bySystem = windows.some((w) => w.systems.length > 0) && change.systems.length > 0;
    const what = bySystem ? ` that covers ${joinWords(change.systems, "and")}` : "";
    const next = nextSuitableWindow(p, change, change.start);
    const suggestion = next
      ? `; the next one that fits is ${next.name} (${range(next.start, next.end)})`
      : "";
    out.push({
      kind: "outside_window",
      message: `Outside every maintenance window${what} (${range(change.start, change.end)})${suggestion}.`,
      ...(next ? { start: next.start, end: next.end, name: next.name } : {}),
    });
  }

  // Shared systems are named in the change's own order and spelling.
  const mine = [...new Map(change.systems.map((s) => [norm(s), s.trim()])).entries()];
  const overlapping = others
    .filter((o) => o.start < change.end && o.end > change.start)
    .sort((a, b) => a.start - b.start || a.number - b.number);
  for (const o of overlapping) {
    const theirs = new Set(o.systems.map(norm));
    const shared = mine.filter(([key]) => theirs.has(key)).map(([, name]) => name);
    if (shared.length === 0) continue;
    out.push({
      kind: "overlap",
      message: `Overlaps CHG-${o.number} '${o.title}' on ${joinWords(shared, "and")} (${range(o.start, o.end)}).`,
      start: o.start,
      end: o.end,
      name: o.title,
      changeId: o.id,
    });
  }

  if (change.class !== "emergency") {
    const latest = latestNoticeAt(p, change.class, change.start);
    if (now > latest) {
      const earliestStart = earliestStartWithNotice(p, change.class, now);
      out.push({
        kind: "notice_lead_time",
        message:
          `Too late for full notice: a ${change.class} change needs ${formatDuration(leadTime(p, change.class))} of notice, ` +
          `so it had to be announced by ${formatLocal(tz, latest)}; the earliest start with full notice is ${formatLocal(tz, earliestStart)}.`,
        earliestStart,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Notices

export type PlannedNoticeKind = "advance" | "reminder" | "start" | "finish" | "post_change";

/**
 * One notice the protocol requires. `dueAt`: when to send it (null: sent on an event, when the
 * change starts or finishes). `latestAt`: the protocol's deadline for it (the advance notice
 * only). `reason`: why it was skipped, or that it goes out late.
 */
export interface PlannedNotice {
  kind: PlannedNoticeKind;
  label: string;
  dueAt: number | null;
  latestAt: number | null;
  state: "planned" | "skipped";
  reason: string | null;
}

/**
 * The notice plan the protocol requires for a change announced at `now`, in order: the advance
 * notice (due now, by latestNoticeAt; still planned when that has passed — it goes out now, late,
 * and findConflicts reports the lateness); one reminder per class reminder, due that long before
 * the start (business time for business days), skipped when that moment is not after `now`;
 * start and finish notices when the class has realtime notices; the post-change notice. Classes
 * approved after the fact (emergency) get no advance notice or reminders: the change is already
 * under way.
 */
export function planNotices(p: CompiledProtocol, change: PlannedChange, now: number): PlannedNotice[] {
  const cls = p.doc.changes.classes[change.class];
  const out: PlannedNotice[] = [];
  if (cls.approval.mode !== "after_the_fact") {
    const lead = leadTime(p, change.class);
    const latestAt = latestNoticeAt(p, change.class, change.start);
    const late = now > latestAt;
    out.push({
      kind: "advance",
      label: `Advance notice (${formatDuration(lead)} before)`,
      dueAt: now,
      latestAt,
      state: "planned",
      reason: late ? `late: it was due by ${formatLocal(p.timezone, latestAt)}` : null,
    });
    const reminders = cls.reminders.map((text) => {
      const d = parseDuration(text)!;
      const dueAt = minusDuration(p, change.start, d);
      const skipped = dueAt <= now;
      return {
        kind: "reminder",
        label: `Reminder ${formatDuration(d)} before the start`,
        dueAt,
        latestAt: null,
        state: skipped ? "skipped" : "planned",
        reason: skipped ? `the start is less than ${formatDuration(d)} away` : null,
      } satisfies PlannedNotice;
    });
    out.push(...reminders.sort((a, b) => a.dueAt - b.dueAt));
  }
  const event = (kind: PlannedNoticeKind, label: string): PlannedNotice => ({
    kind,
    label,
    dueAt: null,
    latestAt: null,
    state: "planned",
    reason: null,
  });
  if (cls.realtime_notices) {
    out.push(event("start", "Start notice (when the change starts)"));
    out.push(event("finish", "Finish notice (when the change finishes)"));
  }
  if (cls.post_change_notice) out.push(event("post_change", "Post-change notice (with the outcome)"));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Edits, wording and reviews

/** The parts of a change whose edits can invalidate approvals. */
export interface ChangeShape {
  class: ChangeClass;
  start: number;
  end: number;
  systems: string[];
  groupIds: string[];
  downtimeMinutes: number;
}

/**
 * Why an edit is material (it invalidates the approvals given so far); empty when it is not.
 * Material: the start or end moved, the class changed, systems or affected groups were added
 * (removing them narrows the change and is not material), or the expected downtime grew. Reasons
 * are short phrases, e.g. "the window moved from Sun 29 Nov 02:00–06:00 to Sun 6 Dec
 * 02:00–06:00", "Mail server added", with local times in `timezone`.
 */
export function materialChanges(before: ChangeShape, after: ChangeShape, timezone: string): string[] {
  const out: string[] = [];
  if (before.start !== after.start || before.end !== after.end) {
    out.push(
      `the window moved from ${formatLocalRange(timezone, before.start, before.end)} to ${formatLocalRange(timezone, after.start, after.end)}`,
    );
  }
  if (before.class !== after.class) out.push(`the class changed from ${before.class} to ${after.class}`);
  const had = new Set(before.systems.map(norm));
  const added = new Set<string>();
  for (const s of after.systems) {
    if (had.has(norm(s)) || added.has(norm(s))) continue;
    added.add(norm(s));
    out.push(`${s.trim()} added`);
  }
  const groups = new Set(after.groupIds.filter((g) => !before.groupIds.includes(g))).size;
  if (groups > 0) out.push(groups === 1 ? "an affected group added" : `${groups} affected groups added`);
  if (after.downtimeMinutes > before.downtimeMinutes) {
    out.push(
      `the expected downtime increased from ${formatMinutes(before.downtimeMinutes)} to ${formatMinutes(after.downtimeMinutes)}`,
    );
  }
  return out;
}

/**
 * The plain-language line for the people affected, when the provider left it empty: "Mail server
 * will be unavailable for up to 20 minutes on Sunday 29 November from 02:00 (Europe/London)." or,
 * with no expected downtime, "Mail server may be affected on Sunday 29 November between 02:00
 * and 06:00 (Europe/London)." Systems are joined naturally ("Mail server and VPN"); "IT systems"
 * when none are listed. Local times in `timezone`.
 */
export function defaultUserNotice(
  change: { systems: string[]; start: number; end: number; downtimeMinutes: number },
  timezone: string,
): string {
  const systems = change.systems.map((s) => s.trim()).filter((s) => s !== "");
  const what = systems.length > 0 ? joinWords(systems, "and") : "IT systems";
  const zone = zoneTable(timezone);
  const s = new Date(zone.instantToWall(change.start));
  const e = new Date(zone.instantToWall(change.end));
  if (change.downtimeMinutes > 0) {
    return `${what} will be unavailable for up to ${formatMinutes(change.downtimeMinutes)} on ${longDate(s)} from ${hhmm(s)} (${timezone}).`;
  }
  const dayAfter = new Date(s.getTime() - wallTimeOfDay(s) + DAY_MS);
  let when: string;
  if (change.end <= change.start) when = `on ${longDate(s)} at ${hhmm(s)}`;
  else if (sameDate(s, e)) when = `on ${longDate(s)} between ${hhmm(s)} and ${hhmm(e)}`;
  else if (e.getTime() === dayAfter.getTime()) when = `on ${longDate(s)} between ${hhmm(s)} and midnight`;
  else when = `between ${longDate(s)} ${hhmm(s)} and ${longDate(e)} ${hhmm(e)}`;
  return `${what} may be affected ${when} (${timezone}).`;
}

/**
 * When the review of a change of this class is due, for a change that finished at `at`: the
 * class's review_within (business days on the protocol's calendar, else elapsed); classes without
 * one use the emergency class's, else 5 business days.
 */
export function reviewDueAt(p: CompiledProtocol, cls: ChangeClass, at: number): number {
  const classes = p.doc.changes.classes;
  const text = classes[cls].review_within ?? classes.emergency.review_within ?? "5 business days";
  return plusDuration(p, at, parseDuration(text)!);
}

// ---------------------------------------------------------------------------------------------
// Local wording. Times are read as wall time in the zone (zoneTable, as the calendar engine
// does) and formatted from its UTC fields, so there is no dependency on the process's zone.

const WEEKDAYS_SHORT = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const WEEKDAYS_LONG = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_LONG = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const pad = (n: number) => String(n).padStart(2, "0");
const hhmm = (w: Date) => `${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}`;
const shortDate = (w: Date) =>
  `${WEEKDAYS_SHORT[w.getUTCDay()]} ${w.getUTCDate()} ${MONTHS_SHORT[w.getUTCMonth()]}`;
const longDate = (w: Date) =>
  `${WEEKDAYS_LONG[w.getUTCDay()]} ${w.getUTCDate()} ${MONTHS_LONG[w.getUTCMonth()]}`;
const wallTimeOfDay = (w: Date) => ((w.getTime() % DAY_MS) + DAY_MS) % DAY_MS;
const sameDate = (a: Date, b: Date) => a.getTime() - wallTimeOfDay(a) === b.getTime() - wallTimeOfDay(b);

/** An instant as local time in a zone: "Sun 29 Nov 02:00". */
export function formatLocal(timezone: string, t: number): string {
  const w = new Date(zoneTable(timezone).instantToWall(t));
  return `${shortDate(w)} ${hhmm(w)}`;
}

/**
 * A period as local time in a zone, as briefly as it reads: "Sun 29 Nov 02:00–06:00",
 * "Sun 29 Nov 22:00–24:00", "Sat 28 Nov 23:00 – Sun 29 Nov 01:00"; whole local days as dates,
 * "Mon 28 Dec – Thu 31 Dec" or "Sun 29 Nov, all day".
 */
export function formatLocalRange(timezone: string, start: number, end: number): string {
  const zone = zoneTable(timezone);
  const s = new Date(zone.instantToWall(start));
  const e = new Date(zone.instantToWall(end));
  if (end > start && wallTimeOfDay(s) === 0 && wallTimeOfDay(e) === 0) {
    const last = new Date(e.getTime() - DAY_MS);
    return sameDate(s, last) ? `${shortDate(s)}, all day` : `${shortDate(s)} – ${shortDate(last)}`;
  }
  if (sameDate(s, e)) return `${shortDate(s)} ${hhmm(s)}–${hhmm(e)}`;
  if (wallTimeOfDay(e) === 0 && sameDate(s, new Date(e.getTime() - DAY_MS)))
    return `${shortDate(s)} ${hhmm(s)}–24:00`;
  return `${shortDate(s)} ${hhmm(s)} – ${shortDate(e)} ${hhmm(e)}`;
}

/** 20 → "20 minutes", 60 → "1 hour", 90 → "1 hour 30 minutes". */
function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes - h * 60);
  const parts: string[] = [];
  if (h > 0) parts.push(`${h} hour${h === 1 ? "" : "s"}`);
  if (m > 0 || h === 0) parts.push(`${m} minute${m === 1 ? "" : "s"}`);
  return parts.join(" ");
}

/** ["a"] → "a"; ["a", "b"] → "a and b"; ["a", "b", "c"] → "a, b and c". */
function joinWords(items: readonly string[], conjunction: "and" | "or"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items.at(-1)}`;
}
