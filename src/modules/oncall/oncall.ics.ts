import { createHash } from "node:crypto";
import { ICalCalendarMethod, ICalEventStatus, ICalEventTransparency } from "ical-generator";
import { eventTimes, instant, knownZone, newCalendar, text } from "../../core/notify/ical.ts";
import type { Shift } from "./oncall.rotation.ts";

/**
 * A person's on-call shifts as an iCalendar file they can subscribe to. Times are local times of
 * the schedule's zone with a TZID and a VTIMEZONE, computed from Liaison's zone tables (never the
 * server's zone), so a 09:00 handoff shows as 09:00 in every calendar app.
 */

/** A shift as the calendar shows it. */
export type CalendarShift = Shift & { scheduleId: string; scheduleName: string; layerName: string };

/** ical-generator prefixes the "-". */
const PRODID = "//Liaison//On-call calendar//EN";
/** Subscribers are asked to refetch every 15 minutes, so swaps show up soon. */
const FEED_TTL_SECONDS = 15 * 60;

/**
 * METHOD:PUBLISH, one VEVENT per shift. The UID is derived from the schedule, the layer, the
 * rotation or override and the start, so exporting the same schedule again keeps each shift's UID
 * (and a calendar app updates events rather than duplicating them). Shifts are TRANSPARENT: being
 * on call does not make anyone look busy. DTSTAMP is `now`, in UTC.
 */
export function renderShiftsCalendar(input: {
  personName: string;
  timeZone: string;
  publicUrl: string;
  calendarName: string;
  shifts: CalendarShift[];
  now: number;
}): string {
  const zone = knownZone(input.timeZone);
  const base = input.publicUrl.replace(/\/+$/, "");
  const domain = new URL(base).hostname;
  const cal = newCalendar(PRODID, ICalCalendarMethod.PUBLISH, input.calendarName);
  cal.ttl(FEED_TTL_SECONDS);
  const seen = new Set<string>();
  for (const s of input.shifts) {
    const source = s.overrideId !== null ? `override:${s.overrideId}` : `rotation:${s.rotationId ?? ""}`;
    const hash = createHash("sha1").update(`${s.scheduleId}|${s.layer}|${source}|${s.start}`).digest("hex");
    const id = `oncall-${hash}@${domain}`;
    // One UID twice in a file makes clients keep either at random.
    if (seen.has(id)) continue;
    seen.add(id);
    const lines = [
      `${text(input.personName)} is on call (${text(s.layerName)}) for ${text(s.scheduleName)}.`,
    ];
    if (s.overrideId !== null) lines.push("This is an override: a one-off swap.");
    lines.push("", `${base}/oncall`);
    cal.createEvent({
      id,
      sequence: 0,
      stamp: instant(input.now),
      ...eventTimes(s.start, s.end, zone),
      summary: `On call (${text(s.layerName)}): ${text(s.scheduleName)}`,
      description: lines.join("\n"),
      url: `${base}/oncall`,
      status: ICalEventStatus.CONFIRMED,
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }
  return cal.toString();
}
