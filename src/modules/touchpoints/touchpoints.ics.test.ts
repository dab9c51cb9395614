import ICAL from "ical.js";
import { afterEach, describe, expect, it } from "vitest";
import { expandRecurrence } from "../../core/time/recurrence.ts";
import {
  type InviteMeeting,
  type InviteSeries,
  renderMeetingUpdate,
  renderSeriesInvitation,
} from "./touchpoints.ics.ts";

// Everything is read back with ical.js, an independent parser, and occurrences are compared with
// what expandRecurrence (the protocol's own expansion) gives.

const DOMAIN = "liaison.example";
const NOW = Date.UTC(2026, 0, 2, 8, 15, 30);
const HOUR = 3_600_000;
const NEW_YORK = "America/New_York";
const LONDON = "Europe/London";
const ORGANIZER = { name: "Liaison for Acme", email: "touchpoints@liaison.example" };
const ATTENDEES = [
  { name: "Ann Client", email: "ann@acme.example" },
  { name: "Bo, Provider Lead", email: "bo@northwind.example" },
];

/** Bi-weekly Tuesdays 10:00 New York; the anchor's Tuesday (6 January) is the first meeting. */
const series = (over: Partial<InviteSeries> = {}): InviteSeries => ({
  id: "5f0c2a9e-7b1d-4e3a-9c8f-1a2b3c4d5e6f",
  rule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
  at: "10:00",
  from: "2026-01-06",
  timeZone: NEW_YORK,
  durationMs: HOUR,
  firstStart: Date.UTC(2026, 0, 20, 15), // 10:00 EST, the second meeting of the rule
  endedAt: null,
  sequence: 3,
  summary: "Acme ↔ Northwind touchpoint",
  description: "Agenda: https://liaison.example/r/1/meetings/next",
  location: "https://meet.example/acme-northwind",
  url: "https://liaison.example/r/1/meetings",
  ...over,
});

const seriesUid = `touchpoint-${series().id}@${DOMAIN}`;

/** Occurrence starts of a series by expandRecurrence, from its firstStart to `to`. */
const expected = (s: InviteSeries, to: number) =>
  expandRecurrence(
    { rule: s.rule, at: s.at, from: s.from ?? undefined, durationMs: s.durationMs },
    s.timeZone,
    s.firstStart,
    s.endedAt === null ? to : Math.min(to, s.endedAt),
    Infinity,
  ).map(([start]) => start);

const meeting = (over: Partial<InviteMeeting> = {}): InviteMeeting => ({
  scheduledStart: Date.UTC(2026, 1, 3, 15), // Tuesday 3 February 10:00 EST
  start: Date.UTC(2026, 1, 3, 15),
  end: Date.UTC(2026, 1, 3, 16),
  sequence: 1,
  state: "skipped",
  number: 3,
  url: "https://liaison.example/r/1/meetings/3",
  reason: "Public holiday at Acme",
  ...over,
});

const invitation = (over: Partial<Parameters<typeof renderSeriesInvitation>[0]> = {}) =>
  renderSeriesInvitation({
    method: "REQUEST",
    series: series(),
    exceptions: [],
    organizer: ORGANIZER,
    attendees: ATTENDEES,
    domain: DOMAIN,
    now: NOW,
    ...over,
  });

const update = (over: Partial<Parameters<typeof renderMeetingUpdate>[0]> = {}) =>
  renderMeetingUpdate({
    method: "REQUEST",
    series: series(),
    meeting: meeting({ state: "scheduled", start: Date.UTC(2026, 1, 4, 15), end: Date.UTC(2026, 1, 4, 16) }),
    organizer: ORGANIZER,
    attendees: ATTENDEES,
    domain: DOMAIN,
    now: NOW,
    ...over,
  });

/**
 * Checks the file's structure (CRLF only, lines folded at 75 octets), parses it with ical.js and
 * registers its VTIMEZONEs, so ical.js converts TZID times with the rules the file carries.
 */
function parse(ics: string): ICAL.Component {
  expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  for (const line of ics.split("\r\n")) expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
  const root = new ICAL.Component(ICAL.parse(ics));
  for (const vtz of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(vtz);
  return root;
}

afterEach(() => ICAL.TimezoneService.reset());

const vevents = (root: ICAL.Component) => root.getAllSubcomponents("vevent");
const master = (root: ICAL.Component) => {
  const found = vevents(root).filter((v) => !v.hasProperty("recurrence-id"));
  expect(found).toHaveLength(1);
  return found[0]!;
};
const overrides = (root: ICAL.Component) => vevents(root).filter((v) => v.hasProperty("recurrence-id"));
const value = (v: ICAL.Component, name: string) => String(v.getFirstPropertyValue(name));

/** The UTC instant of an ICAL.Time, asserting it was resolved in a known zone (not floating). */
function ms(t: ICAL.Time): number {
  expect(t.zone?.tzid === "UTC" || t.zone instanceof ICAL.Timezone).toBe(true);
  expect(["floating", undefined]).not.toContain(t.zone?.tzid);
  return t.toUnixTime() * 1000;
}

/** A date-time property's TZID (or "UTC") and its value as written, e.g. "2026-03-10T10:00:00". */
function written(v: ICAL.Component, name: string): [string, string] {
  const p = v.getFirstProperty(name)!;
  return [String(p.getParameter("tzid") ?? "UTC"), (p.getFirstValue() as ICAL.Time).toString()];
}

/** The series' occurrences as ical.js expands them (EXDATE, overrides applied), until `to`. */
function occurrences(
  root: ICAL.Component,
  to: number,
): Array<{ start: number; end: number; moved: boolean }> {
  const event = new ICAL.Event(master(root));
  for (const o of overrides(root)) event.relateException(o);
  const it = event.iterator();
  const out: Array<{ start: number; end: number; moved: boolean }> = [];
  for (let next = it.next(); next && ms(next) < to; next = it.next()) {
    const details = event.getOccurrenceDetails(next);
    out.push({
      start: ms(details.startDate),
      end: ms(details.endDate),
      moved: details.item !== event,
    });
    expect(out.length).toBeLessThan(1000);
  }
  return out;
}

const starts = (root: ICAL.Component, to: number) => occurrences(root, to).map((o) => o.start);
const END_2026 = Date.UTC(2027, 0, 1);

describe("the series", () => {
  it("keeps a bi-weekly 10:00 New York meeting at 10:00 local across both DST changes", () => {
    const root = parse(invitation());
    const v = master(root);
    expect(written(v, "dtstart")).toEqual([NEW_YORK, "2026-01-20T10:00:00"]);
    expect(written(v, "dtend")).toEqual([NEW_YORK, "2026-01-20T11:00:00"]);
    expect(value(v, "rrule")).toBe("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU");
    expect(root.getAllSubcomponents("vtimezone").map((z) => z.getFirstPropertyValue("tzid"))).toEqual([
      NEW_YORK,
    ]);

    const got = occurrences(root, END_2026);
    const want = expected(series(), END_2026);
    expect(got.map((o) => o.start)).toEqual(want);
    expect(got.every((o) => o.end - o.start === HOUR)).toBe(true);
    // 8 March and 1 November 2026 are the changes: EST (14:00Z... 15:00Z) on either side.
    expect(want).toContain(Date.UTC(2026, 2, 3, 15)); // Tuesday 3 March, 10:00 EST
    expect(want).toContain(Date.UTC(2026, 2, 17, 14)); // Tuesday 17 March, 10:00 EDT
    expect(want).toContain(Date.UTC(2026, 9, 27, 14)); // Tuesday 27 October, 10:00 EDT
    expect(want).toContain(Date.UTC(2026, 10, 10, 15)); // Tuesday 10 November, 10:00 EST
    expect(want.length).toBe(25);
  });

  it("keeps a London meeting at 09:30 local through BST", () => {
    const s = series({
      rule: "FREQ=WEEKLY;BYDAY=MO,TH",
      at: "09:30",
      from: null,
      timeZone: LONDON,
      durationMs: 45 * 60_000,
      firstStart: Date.UTC(2026, 0, 5, 9, 30), // Monday 5 January, GMT
    });
    const root = parse(invitation({ series: s }));
    expect(written(master(root), "dtstart")).toEqual([LONDON, "2026-01-05T09:30:00"]);
    const want = expected(s, END_2026);
    expect(starts(root, END_2026)).toEqual(want);
    expect(want).toContain(Date.UTC(2026, 2, 26, 9, 30)); // Thursday 26 March, GMT
    expect(want).toContain(Date.UTC(2026, 2, 30, 8, 30)); // Monday 30 March, BST
    expect(want).toContain(Date.UTC(2026, 9, 22, 8, 30)); // Thursday 22 October, BST
    expect(want).toContain(Date.UTC(2026, 9, 26, 9, 30)); // Monday 26 October, GMT
  });

  it("counts INTERVAL from the protocol's anchor date, whichever meeting comes first", () => {
    // Anchored a week later, the fortnights fall on the other Tuesdays.
    const s = series({ from: "2026-01-13", firstStart: Date.UTC(2026, 4, 5, 14) });
    const want = expected(s, END_2026);
    expect(want[0]).toBe(Date.UTC(2026, 4, 5, 14));
    expect(starts(parse(invitation({ series: s })), END_2026)).toEqual(want);
    expect(() => invitation({ series: series({ firstStart: Date.UTC(2026, 4, 5, 14) }) })).toThrow(
      /not an occurrence/,
    );
  });

  it("describes the series with its link, location, summary, SEQUENCE and STATUS", () => {
    const v = master(parse(invitation()));
    expect(value(v, "uid")).toBe(seriesUid);
    expect(v.getFirstPropertyValue("sequence")).toBe(3);
    expect(value(v, "summary")).toBe("Acme ↔ Northwind touchpoint");
    expect(value(v, "location")).toBe("https://meet.example/acme-northwind");
    expect(value(v, "url")).toBe("https://liaison.example/r/1/meetings");
    expect(value(v, "status")).toBe("CONFIRMED");
    const description = value(v, "description");
    expect(description).toContain("Agenda: https://liaison.example/r/1/meetings/next");
    expect(description).toContain("Join: https://meet.example/acme-northwind");
    expect(description).toContain("https://liaison.example/r/1/meetings");
    expect((v.getFirstPropertyValue("dtstamp") as ICAL.Time).toUnixTime() * 1000).toBe(NOW);

    const room = master(parse(invitation({ series: series({ location: "Room 4; 2nd floor" }) })));
    expect(value(room, "location")).toBe("Room 4; 2nd floor");
    expect(value(room, "description")).not.toContain("Join:");
    expect(master(parse(invitation({ series: series({ location: null }) }))).hasProperty("location")).toBe(
      false,
    );
  });
});

describe("skipped and moved meetings", () => {
  it("leaves a skipped or cancelled meeting out with an EXDATE in the master's form", () => {
    const skipped = meeting();
    const cancelled = meeting({
      scheduledStart: Date.UTC(2026, 2, 17, 14),
      start: Date.UTC(2026, 2, 17, 14),
      end: Date.UTC(2026, 2, 17, 15),
      state: "cancelled",
    });
    const root = parse(invitation({ exceptions: [cancelled, skipped] }));
    const v = master(root);
    const exdates = v
      .getAllProperties("exdate")
      .map((p) => [String(p.getParameter("tzid")), (p.getFirstValue() as ICAL.Time).toString()]);
    expect(exdates).toEqual([
      [NEW_YORK, "2026-02-03T10:00:00"],
      [NEW_YORK, "2026-03-17T10:00:00"],
    ]);
    expect(overrides(root)).toHaveLength(0);
    const want = expected(series(), END_2026).filter(
      (t) => t !== skipped.scheduledStart && t !== cancelled.scheduledStart,
    );
    expect(starts(root, END_2026)).toEqual(want);
    expect(want).toHaveLength(23);
  });

  it("writes a moved meeting as an override whose RECURRENCE-ID is the original occurrence", () => {
    // The 3 March meeting (EST) moves to Wednesday 11 March 15:00 (EDT), across the change.
    const moved = meeting({
      scheduledStart: Date.UTC(2026, 2, 3, 15),
      start: Date.UTC(2026, 2, 11, 19),
      end: Date.UTC(2026, 2, 11, 20, 30),
      state: "scheduled",
      sequence: 2,
      number: 4,
      url: "https://liaison.example/r/1/meetings/4",
      reason: "Board meeting; moved by a week",
    });
    const root = parse(invitation({ exceptions: [moved] }));
    const [o, ...rest] = overrides(root);
    expect(rest).toHaveLength(0);
    expect(value(o!, "uid")).toBe(seriesUid);
    expect(written(o!, "recurrence-id")).toEqual([NEW_YORK, "2026-03-03T10:00:00"]);
    expect(ms(o!.getFirstPropertyValue("recurrence-id") as ICAL.Time)).toBe(moved.scheduledStart);
    expect(written(o!, "dtstart")).toEqual([NEW_YORK, "2026-03-11T15:00:00"]);
    expect(written(o!, "dtend")).toEqual([NEW_YORK, "2026-03-11T16:30:00"]);
    expect(o!.getFirstPropertyValue("sequence")).toBe(2);
    expect(master(root).getFirstPropertyValue("sequence")).toBe(3);
    expect(value(o!, "url")).toBe("https://liaison.example/r/1/meetings/4");
    expect(value(o!, "description")).toContain("Meeting 4 is moved: Board meeting; moved by a week");
    expect(o!.getAllProperties("attendee")).toHaveLength(2);

    const got = occurrences(root, END_2026);
    const want = expected(series(), END_2026);
    expect(got).toHaveLength(want.length);
    for (const [i, occurrence] of got.entries()) {
      const isMoved = want[i] === moved.scheduledStart;
      expect(occurrence).toEqual(
        isMoved
          ? { start: moved.start, end: moved.end, moved: true }
          : { start: want[i], end: want[i]! + HOUR, moved: false },
      );
    }
  });

  it("keeps the TZID form of RECURRENCE-ID when the new time is in the repeated hour", () => {
    // Sunday 1 November 2026 01:30 EDT (the first 01:30) is written in UTC, like any single event.
    const moved = meeting({
      scheduledStart: Date.UTC(2026, 9, 27, 14),
      start: Date.UTC(2026, 10, 1, 5, 30),
      end: Date.UTC(2026, 10, 1, 6, 30),
      state: "scheduled",
    });
    const o = overrides(parse(invitation({ exceptions: [moved] })))[0]!;
    expect(written(o, "recurrence-id")).toEqual([NEW_YORK, "2026-10-27T10:00:00"]);
    expect(written(o, "dtstart")[0]).toBe("UTC");
    expect(ms(o.getFirstPropertyValue("dtstart") as ICAL.Time)).toBe(moved.start);
    expect(ms(o.getFirstPropertyValue("dtend") as ICAL.Time)).toBe(moved.end);
  });

  it("ignores unchanged meetings, meetings outside the series and a second entry for one occurrence", () => {
    const unchanged = meeting({ state: "held" });
    const before = meeting({
      scheduledStart: Date.UTC(2026, 0, 6, 15),
      start: Date.UTC(2026, 0, 6, 15),
      end: Date.UTC(2026, 0, 6, 16),
    });
    const root = parse(
      invitation({
        exceptions: [unchanged, before, meeting({ state: "scheduled", start: Date.UTC(2026, 1, 4) })],
      }),
    );
    expect(master(root).hasProperty("exdate")).toBe(false);
    expect(overrides(root)).toHaveLength(0);
  });
});

describe("the end of a series", () => {
  it("turns COUNT, counted from the anchor, into an UNTIL on the last meeting", () => {
    const s = series({ rule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=10" });
    const all = expandRecurrence(
      { rule: s.rule, at: s.at, from: s.from!, durationMs: s.durationMs },
      NEW_YORK,
      Date.UTC(2026, 0, 1),
      END_2026,
    ).map(([start]) => start);
    expect(all).toHaveLength(10);
    const root = parse(invitation({ series: s }));
    const rrule = master(root).getFirstPropertyValue("rrule") as ICAL.Recur;
    expect(rrule.count).toBeFalsy();
    expect(ms(rrule.until!)).toBe(all[9]); // Tuesday 12 May, 10:00 EDT
    expect(all[9]).toBe(Date.UTC(2026, 4, 12, 14));
    expect(value(master(root), "rrule")).toContain("UNTIL=20260512T140000Z");
    // The first meeting of the file is the rule's second: nine of the ten are left.
    expect(starts(root, END_2026)).toEqual(all.slice(1));
  });

  it("replaces the rule's own UNTIL, read in local time, with the last meeting in UTC", () => {
    const s = series({ rule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20260317T100000" });
    const root = parse(invitation({ series: s }));
    expect(value(master(root), "rrule")).toContain("UNTIL=20260317T140000Z");
    expect(starts(root, END_2026)).toEqual(expected(s, END_2026));
    expect(starts(root, END_2026).at(-1)).toBe(Date.UTC(2026, 2, 17, 14));
  });

  it("ends a replaced series with an UNTIL on its last meeting before endedAt", () => {
    const endedAt = Date.UTC(2026, 5, 20);
    const s = series({ endedAt });
    const root = parse(invitation({ series: s }));
    const want = expected(s, END_2026);
    expect(want.at(-1)).toBe(Date.UTC(2026, 5, 9, 14)); // Tuesday 9 June
    const line = invitation({ series: s })
      .split("\r\n")
      .find((l) => l.startsWith("RRULE:FREQ=WEEKLY"));
    expect(line).toBe("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20260609T140000Z");
    const got = starts(root, Date.UTC(2030, 0, 1));
    expect(got).toEqual(want);
    expect(got.every((t) => t < endedAt)).toBe(true);
    // Ending exactly at a meeting's start leaves that meeting out.
    const atMeeting = parse(invitation({ series: series({ endedAt: Date.UTC(2026, 5, 9, 14) }) }));
    expect(starts(atMeeting, Date.UTC(2030, 0, 1)).at(-1)).toBe(Date.UTC(2026, 4, 26, 14));
  });

  it("refuses to invite to a series that ended before its first meeting, but can cancel it", () => {
    const s = series({ endedAt: Date.UTC(2026, 0, 10) });
    expect(() => invitation({ series: s })).toThrow(/no meeting/);
    expect(() => invitation({ series: s, method: "PUBLISH" })).toThrow(/no meeting/);
    const root = parse(invitation({ series: s, method: "CANCEL" }));
    expect(root.getFirstPropertyValue("method")).toBe("CANCEL");
    expect(value(master(root), "status")).toBe("CANCELLED");
  });
});

describe("methods and participants", () => {
  it("invites with METHOD:REQUEST, ORGANIZER and required ATTENDEEs asked to reply", () => {
    const root = parse(invitation());
    expect(root.getFirstPropertyValue("method")).toBe("REQUEST");
    const v = master(root);
    const organizer = v.getFirstProperty("organizer")!;
    expect(String(organizer.getFirstValue()).toLowerCase()).toBe("mailto:touchpoints@liaison.example");
    expect(organizer.getParameter("cn")).toBe("Liaison for Acme");
    expect(
      v.getAllProperties("attendee").map((p) => ({
        to: String(p.getFirstValue()).toLowerCase(),
        cn: p.getParameter("cn"),
        role: p.getParameter("role"),
        rsvp: p.getParameter("rsvp"),
      })),
    ).toEqual([
      { to: "mailto:ann@acme.example", cn: "Ann Client", role: "REQ-PARTICIPANT", rsvp: "TRUE" },
      { to: "mailto:bo@northwind.example", cn: "Bo, Provider Lead", role: "REQ-PARTICIPANT", rsvp: "TRUE" },
    ]);
  });

  it("publishes a download with the organizer and no attendees", () => {
    const root = parse(invitation({ method: "PUBLISH", attendees: [], exceptions: [meeting()] }));
    expect(root.getFirstPropertyValue("method")).toBe("PUBLISH");
    for (const v of vevents(root)) expect(v.getAllProperties("attendee")).toHaveLength(0);
    expect(master(root).getFirstProperty("organizer")).not.toBeNull();
    const withPeople = parse(invitation({ method: "PUBLISH" }));
    expect(master(withPeople).getAllProperties("attendee")).toHaveLength(0);
  });

  it("cancels the whole series with the master alone, STATUS:CANCELLED and no RSVP", () => {
    const moved = meeting({
      state: "scheduled",
      start: Date.UTC(2026, 1, 4, 15),
      end: Date.UTC(2026, 1, 4, 16),
    });
    const root = parse(
      invitation({ method: "CANCEL", exceptions: [moved], series: series({ sequence: 7 }) }),
    );
    expect(root.getFirstPropertyValue("method")).toBe("CANCEL");
    expect(vevents(root)).toHaveLength(1);
    const v = master(root);
    expect(value(v, "uid")).toBe(seriesUid);
    expect(v.getFirstPropertyValue("sequence")).toBe(7);
    expect(value(v, "status")).toBe("CANCELLED");
    expect(v.getAllProperties("attendee").map((p) => p.getParameter("rsvp") ?? null)).toEqual([null, null]);
  });

  it("requires attendees for REQUEST and CANCEL", () => {
    expect(() => invitation({ attendees: [] })).toThrow(/attendee/);
    expect(() => invitation({ method: "CANCEL", attendees: [] })).toThrow(/attendee/);
    expect(() => update({ attendees: [] })).toThrow(/attendee/);
    expect(() => update({ method: "CANCEL", attendees: [] })).toThrow(/attendee/);
  });
});

describe("one meeting's update", () => {
  it("moves one meeting with METHOD:REQUEST, the series' UID and the meeting's RECURRENCE-ID", () => {
    const m = meeting({
      state: "scheduled",
      start: Date.UTC(2026, 1, 4, 16),
      end: Date.UTC(2026, 1, 4, 17),
      sequence: 4,
      reason: "Clash with the release",
    });
    const root = parse(update({ meeting: m }));
    expect(root.getFirstPropertyValue("method")).toBe("REQUEST");
    expect(vevents(root)).toHaveLength(1);
    const v = vevents(root)[0]!;
    expect(value(v, "uid")).toBe(seriesUid);
    expect(written(v, "recurrence-id")).toEqual([NEW_YORK, "2026-02-03T10:00:00"]);
    expect(written(v, "dtstart")).toEqual([NEW_YORK, "2026-02-04T11:00:00"]);
    expect(ms(v.getFirstPropertyValue("dtend") as ICAL.Time)).toBe(m.end);
    expect(v.getFirstPropertyValue("sequence")).toBe(4);
    expect(value(v, "status")).toBe("CONFIRMED");
    expect(value(v, "description")).toContain("Meeting 3 is moved: Clash with the release");
    expect(value(v, "url")).toBe("https://liaison.example/r/1/meetings/3");
    expect(v.getAllProperties("attendee").map((p) => p.getParameter("rsvp"))).toEqual(["TRUE", "TRUE"]);
    // The RECURRENCE-ID is an occurrence the series' RRULE generates.
    const occurrence = ms(v.getFirstPropertyValue("recurrence-id") as ICAL.Time);
    expect(starts(parse(invitation()), END_2026)).toContain(occurrence);
  });

  it("cancels one meeting with METHOD:CANCEL, RECURRENCE-ID and STATUS:CANCELLED", () => {
    const m = meeting({ sequence: 2, reason: "Holiday" });
    const root = parse(update({ method: "CANCEL", meeting: m }));
    expect(root.getFirstPropertyValue("method")).toBe("CANCEL");
    const v = vevents(root)[0]!;
    expect(value(v, "uid")).toBe(seriesUid);
    expect(written(v, "recurrence-id")).toEqual([NEW_YORK, "2026-02-03T10:00:00"]);
    expect(v.getFirstPropertyValue("sequence")).toBe(2);
    expect(value(v, "status")).toBe("CANCELLED");
    expect(value(v, "description")).toContain("Meeting 3 is skipped: Holiday");
    expect(v.getAllProperties("attendee").map((p) => p.getParameter("rsvp") ?? null)).toEqual([null, null]);
  });
});

describe("local times a DST change skips", () => {
  it("keeps the rule's 02:30 in DTSTART when the first meeting falls into the gap", () => {
    // Sundays 02:30 New York; on 8 March 2026 02:30 does not exist and Liaison meets at 03:00 EDT.
    const s = series({
      rule: "FREQ=WEEKLY;BYDAY=SU",
      at: "02:30",
      from: "2026-03-01",
      firstStart: Date.UTC(2026, 2, 8, 7),
    });
    const root = parse(invitation({ series: s }));
    const v = master(root);
    expect(written(v, "dtstart")).toEqual([NEW_YORK, "2026-03-08T02:30:00"]);
    // Clients give every meeting the length DTEND − DTSTART. RFC 5545 3.3.5 reads the missing
    // 02:30 as 03:30 EDT (07:30Z), so DTEND is an hour after that.
    expect(ms(v.getFirstPropertyValue("dtend") as ICAL.Time)).toBe(Date.UTC(2026, 2, 8, 8, 30));
    // The rule's wall time is kept: every later meeting is at 02:30, as in Liaison.
    const want = expected(s, END_2026);
    const got = occurrences(root, END_2026);
    expect(got.slice(1).map((o) => o.start)).toEqual(want.slice(1));
    expect(want[1]).toBe(Date.UTC(2026, 2, 15, 6, 30)); // 02:30 EDT, not 03:00
    // ical.js, unlike RFC 5545, reads the missing 02:30 as 01:30 EST (06:30Z): in it the first
    // meeting starts earlier and every meeting is two hours long (a documented limitation).
    expect(got[0]!.start).toBe(Date.UTC(2026, 2, 8, 6, 30));
  });
});

describe("iCalendar text", () => {
  it("strips control characters from TEXT values and keeps names from breaking parameters", () => {
    const s = series({
      summary: "Acme\u0007 ↔ Northwind\u0000 touchpoint",
      description: "Agenda\u001b: review; SLAs, incidents\nand \\ more",
      location: "Room\u0008 4",
    });
    const root = parse(
      invitation({
        series: s,
        exceptions: [
          meeting({
            state: "scheduled",
            start: Date.UTC(2026, 1, 4, 15),
            end: Date.UTC(2026, 1, 4, 16),
            reason: "Why\u0001 not",
          }),
        ],
        organizer: { name: 'Liaison "touchpoints"\u0002 desk', email: "touchpoints@liaison.example" },
        attendees: [{ name: "ACME\\ann\n; ops", email: "ann@acme.example" }],
      }),
    );
    const v = master(root);
    expect(value(v, "summary")).toBe("Acme ↔ Northwind touchpoint");
    expect(value(v, "description")).toContain("Agenda: review; SLAs, incidents\nand \\ more");
    expect(value(v, "location")).toBe("Room 4");
    expect(value(overrides(root)[0]!, "description")).toContain("Meeting 3 is moved: Why not");
    expect(v.getFirstProperty("organizer")!.getParameter("cn")).toBe("Liaison 'touchpoints' desk");
    expect(v.getFirstProperty("attendee")!.getParameter("cn")).toBe("ACME/ann ; ops");
    const c = vevents(
      parse(update({ method: "CANCEL", meeting: meeting({ reason: "Bell\u0007" }), series: s })),
    )[0]!;
    expect(value(c, "summary")).toBe("Acme ↔ Northwind touchpoint");
    expect(value(c, "description")).toContain("Meeting 3 is skipped: Bell\n");
  });

  it("folds long lines, EXDATEs and RECURRENCE-IDs included, at 75 octets with CRLF", () => {
    const zone = "America/Argentina/Buenos_Aires";
    const long = Array.from({ length: 30 }, (_, i) => `Punkt ${i + 1}: naïve café — 交换机 🚀;`).join(" ");
    const s = series({ timeZone: zone, description: long, firstStart: Date.UTC(2026, 0, 20, 13) });
    const skipped = meeting({ scheduledStart: Date.UTC(2026, 1, 3, 13) });
    const moved = meeting({
      scheduledStart: Date.UTC(2026, 1, 17, 13),
      start: Date.UTC(2026, 1, 18, 13),
      end: Date.UTC(2026, 1, 18, 14),
      state: "scheduled",
    });
    const ics = invitation({ series: s, exceptions: [skipped, moved] });
    const root = parse(ics); // checks CRLF and line lengths
    expect(ics.split("\r\n").filter((l) => l.startsWith(" ")).length).toBeGreaterThan(10);
    expect(ics).not.toContain("X-LIAISON");
    const v = master(root);
    expect(value(v, "description")).toContain(long);
    expect(String(v.getFirstProperty("exdate")!.getParameter("tzid"))).toBe(zone);
    expect(ms(v.getFirstPropertyValue("exdate") as ICAL.Time)).toBe(skipped.scheduledStart);
    expect(written(overrides(root)[0]!, "recurrence-id")).toEqual([zone, "2026-02-17T10:00:00"]);
    const got = occurrences(root, Date.UTC(2026, 3, 1));
    expect(got.map((o) => o.start)).toEqual(
      expected(s, Date.UTC(2026, 3, 1))
        .filter((t) => t !== skipped.scheduledStart)
        .map((t) => (t === moved.scheduledStart ? moved.start : t)),
    );
  });

  it("does not depend on the server's own time zone", () => {
    const inUtc = [invitation({ exceptions: [meeting()] }), update()];
    const saved = process.env.TZ;
    try {
      process.env.TZ = "Asia/Tokyo";
      expect(new Date(Date.UTC(2026, 0, 1, 0)).getHours()).toBe(9);
      expect([invitation({ exceptions: [meeting()] }), update()]).toEqual(inUtc);
    } finally {
      process.env.TZ = saved;
    }
  });

  it("names a linked zone by the VTIMEZONE the file carries for it", () => {
    // timezones-ical-library gives Europe/Stockholm the block of Europe/Berlin, its link target.
    const s = series({ timeZone: "Europe/Stockholm", firstStart: Date.UTC(2026, 0, 20, 9) });
    const root = parse(
      invitation({ series: s, exceptions: [meeting({ scheduledStart: Date.UTC(2026, 1, 3, 9) })] }),
    );
    const tzids = root.getAllSubcomponents("vtimezone").map((z) => z.getFirstPropertyValue("tzid"));
    expect(tzids).toEqual(["Europe/Berlin"]);
    expect(written(master(root), "dtstart")).toEqual(["Europe/Berlin", "2026-01-20T10:00:00"]);
    expect(starts(root, END_2026)).toEqual(
      expected(s, END_2026).filter((t) => t !== Date.UTC(2026, 1, 3, 9)),
    );
    const c = vevents(
      parse(
        update({
          method: "CANCEL",
          series: s,
          meeting: meeting({ scheduledStart: Date.UTC(2026, 1, 3, 9) }),
        }),
      ),
    )[0]!;
    expect(written(c, "recurrence-id")).toEqual(["Europe/Berlin", "2026-02-03T10:00:00"]);
  });

  it("refuses a zone it has no VTIMEZONE for", () => {
    expect(() => invitation({ series: series({ timeZone: "Mars/Olympus_Mons" }) })).toThrow(/Mars/);
  });
});
