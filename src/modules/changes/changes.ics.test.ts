import { spawnSync } from "node:child_process";
import ICAL from "ical.js";
import { afterEach, describe, expect, it } from "vitest";
import { type CalendarChange, renderChangeFeed, renderChangeInvitation } from "./changes.ics.ts";

// Everything is read back with ical.js, an independent parser, never from ical-generator's objects.

const DOMAIN = "liaison.example";
const NOW = Date.UTC(2026, 6, 1, 12, 30, 5);
const LONDON = "Europe/London";
const NEW_YORK = "America/New_York";

const change = (over: Partial<CalendarChange> = {}): CalendarChange => ({
  id: "0b6f7c1e-5d4a-4c8e-9f3b-2a1d0e9c8b7a",
  number: 12,
  title: "Replace core switch",
  description: "Swap the switch in rack 3 and move the uplinks.",
  impact: "The network is down for about 10 minutes.",
  userNotice: "Wi-Fi and email may drop for a few minutes on Saturday evening.",
  class: "normal",
  state: "scheduled",
  start: Date.UTC(2026, 6, 4, 19), // 20:00 BST
  end: Date.UTC(2026, 6, 4, 21),
  sequence: 0,
  systems: ["Core network", "Wi-Fi"],
  url: "https://liaison.example/changes/0b6f7c1e",
  updatedAt: Date.UTC(2026, 5, 30, 9),
  ...over,
});

const WINDOWS = [
  { name: "Weekly patch window", start: Date.UTC(2026, 6, 4, 20), end: Date.UTC(2026, 6, 4, 23) },
  { name: "Weekly patch window", start: Date.UTC(2026, 6, 11, 20), end: Date.UTC(2026, 6, 11, 23) },
];

const feed = (over: Partial<Parameters<typeof renderChangeFeed>[0]> = {}) =>
  renderChangeFeed({
    name: "Northwind",
    timezone: LONDON,
    domain: DOMAIN,
    changes: [change()],
    windows: WINDOWS,
    blackouts: [
      { name: "Year-end close", start: Date.UTC(2026, 11, 20), end: Date.UTC(2027, 0, 2), note: "Finance" },
    ],
    now: NOW,
    ...over,
  });

const invitation = (over: Partial<Parameters<typeof renderChangeInvitation>[0]> = {}) =>
  renderChangeInvitation({
    method: "REQUEST",
    change: change(),
    timezone: LONDON,
    domain: DOMAIN,
    organizer: { name: "Liaison for Northwind", email: "changes@liaison.example" },
    attendees: [
      { name: "Ann Approver", email: "ann@northwind.example" },
      { name: "Bo, Second Approver", email: "bo@msp.example" },
    ],
    now: NOW,
    ...over,
  });

/**
 * Parses with ical.js and registers the file's own VTIMEZONEs, so ical.js converts TZID times to
 * UTC with the rules the file carries (it knows no zones but UTC otherwise).
 */
function parse(ics: string): ICAL.Component {
  const root = new ICAL.Component(ICAL.parse(ics));
  for (const vtz of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(vtz);
  return root;
}

afterEach(() => ICAL.TimezoneService.reset());

const vevents = (root: ICAL.Component) => root.getAllSubcomponents("vevent");
const byUid = (root: ICAL.Component, uid: string) => {
  const found = vevents(root).filter((v) => v.getFirstPropertyValue("uid") === uid);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const uids = (root: ICAL.Component) => vevents(root).map((v) => String(v.getFirstPropertyValue("uid")));
const changeUid = `change-${change().id}@${DOMAIN}`;

/**
 * The UTC instant of a date-time property, asserting that ical.js resolved it in UTC or in the
 * zone its TZID names (a floating or unresolved time would read as UTC here and hide mistakes).
 */
function instantOf(v: ICAL.Component, name: string): number {
  const p = v.getFirstProperty(name)!;
  const t = p.getFirstValue() as ICAL.Time;
  expect(t.zone?.tzid).toBe(p.getParameter("tzid") ?? "UTC");
  return t.toUnixTime() * 1000;
}

const text = (v: ICAL.Component, name: string) => String(v.getFirstPropertyValue(name));

describe("the change feed", () => {
  it("publishes a named calendar refreshed every 15 minutes", () => {
    const root = parse(feed());
    expect(root.name).toBe("vcalendar");
    expect(root.getFirstPropertyValue("method")).toBe("PUBLISH");
    expect(root.getFirstPropertyValue("x-wr-calname")).toBe("Changes — Northwind");
    expect(root.getFirstPropertyValue("name")).toBe("Changes — Northwind");
    expect(String(root.getFirstPropertyValue("refresh-interval"))).toBe("PT15M");
    expect(String(root.getFirstPropertyValue("x-published-ttl"))).toBe("PT15M");
  });

  it("keeps UIDs stable between renders, one per change, window occurrence and blackout", () => {
    const first = uids(parse(feed()));
    const second = uids(parse(feed({ now: NOW + 3_600_000 })));
    expect(second).toEqual(first);
    expect(first).toHaveLength(4);
    expect(new Set(first).size).toBe(4);
    expect(first[0]).toBe(changeUid);
    expect(first[1]).toMatch(/^window-[0-9a-f]{40}@liaison\.example$/);
    expect(first[3]).toMatch(/^blackout-[0-9a-f]{40}@liaison\.example$/);
    // A window's UID does not depend on its position among the others.
    const reordered = parse(feed({ windows: [...WINDOWS].reverse() }));
    expect(uids(reordered).slice(1, 3)).toEqual([first[2], first[1]]);
  });

  it("writes a window occurrence given twice once, as one UID may appear once", () => {
    expect(uids(parse(feed({ windows: [WINDOWS[0]!, WINDOWS[0]!] })))).toHaveLength(3);
  });

  it("bumps SEQUENCE and moves the event when a change is rescheduled", () => {
    const before = byUid(parse(feed({ changes: [change({ sequence: 0 })] })), changeUid);
    const moved = change({ sequence: 1, start: Date.UTC(2026, 6, 11, 19), end: Date.UTC(2026, 6, 11, 21) });
    const after = byUid(parse(feed({ changes: [moved] })), changeUid);
    expect(before.getFirstPropertyValue("sequence")).toBe(0);
    expect(after.getFirstPropertyValue("sequence")).toBe(1);
    expect(instantOf(before, "dtstart")).toBe(Date.UTC(2026, 6, 4, 19));
    expect(instantOf(after, "dtstart")).toBe(Date.UTC(2026, 6, 11, 19));
    expect(instantOf(after, "dtend")).toBe(Date.UTC(2026, 6, 11, 21));
  });

  it("maps every state to a STATUS, CANCELLED after cancel or rejection", () => {
    const expected: Record<CalendarChange["state"], string> = {
      draft: "TENTATIVE",
      proposed: "TENTATIVE",
      reschedule_requested: "TENTATIVE",
      approved: "CONFIRMED",
      scheduled: "CONFIRMED",
      in_progress: "CONFIRMED",
      completed: "CONFIRMED",
      failed: "CONFIRMED",
      rolled_back: "CONFIRMED",
      reviewed: "CONFIRMED",
      rejected: "CANCELLED",
      cancelled: "CANCELLED",
    };
    for (const [state, status] of Object.entries(expected)) {
      const c = change({ state: state as CalendarChange["state"], sequence: 3 });
      const v = byUid(parse(feed({ changes: [c] })), changeUid);
      expect([state, text(v, "status")]).toEqual([state, status]);
      // STATUS carries the cancellation; the summary is not rewritten.
      expect(text(v, "summary")).toBe("CHG-12 Replace core switch");
    }
  });

  it("describes a change: summary, class, plain-language line, impact, systems, link", () => {
    const v = byUid(parse(feed()), changeUid);
    expect(text(v, "summary")).toBe("CHG-12 Replace core switch");
    const description = text(v, "description");
    for (const part of [
      "Wi-Fi and email may drop for a few minutes on Saturday evening.",
      "Class: normal",
      "Impact: The network is down for about 10 minutes.",
      "Systems: Core network, Wi-Fi",
      "Swap the switch in rack 3 and move the uplinks.",
      "https://liaison.example/changes/0b6f7c1e",
    ])
      expect(description).toContain(part);
    expect(description.indexOf("Wi-Fi and email")).toBe(0);
    expect(text(v, "url")).toBe("https://liaison.example/changes/0b6f7c1e");
    expect(text(v, "categories")).toBe("normal");
    expect(instantOf(v, "last-modified")).toBe(Date.UTC(2026, 5, 30, 9));
  });

  it("shows windows and blackouts as free time with their names", () => {
    const root = parse(feed());
    const [, w1, w2, b] = vevents(root);
    expect(text(w1!, "summary")).toBe("Maintenance window: Weekly patch window");
    expect(text(w2!, "summary")).toBe("Maintenance window: Weekly patch window");
    expect(text(b!, "summary")).toBe("Blackout: Year-end close");
    expect(text(b!, "description")).toBe("Finance");
    for (const v of [w1!, w2!, b!]) expect(text(v, "transp")).toBe("TRANSPARENT");
    expect(instantOf(w2!, "dtstart")).toBe(Date.UTC(2026, 6, 11, 20));
    // Year-end is in GMT: local midnight is midnight UTC.
    expect(instantOf(b!, "dtstart")).toBe(Date.UTC(2026, 11, 20));
    expect(instantOf(b!, "dtend")).toBe(Date.UTC(2027, 0, 2));
  });
});

describe("times and zones", () => {
  const one = (c: CalendarChange, timezone: string) => {
    const root = parse(feed({ changes: [c], windows: [], blackouts: [], timezone }));
    return { root, v: byUid(root, changeUid) };
  };
  /** The local wall time as written, e.g. "2026-07-04T20:00:00", and its TZID. */
  const local = (v: ICAL.Component, name: string) => {
    const p = v.getFirstProperty(name)!;
    return [String(p.getParameter("tzid") ?? "UTC"), (p.getFirstValue() as ICAL.Time).toString()];
  };

  it("includes exactly one VTIMEZONE, for the relationship's zone", () => {
    for (const zone of [LONDON, NEW_YORK]) {
      const root = parse(feed({ timezone: zone }));
      const vtz = root.getAllSubcomponents("vtimezone");
      expect(vtz.map((z) => z.getFirstPropertyValue("tzid"))).toEqual([zone]);
      for (const v of vevents(root)) expect(v.getFirstProperty("dtstart")!.getParameter("tzid")).toBe(zone);
    }
  });

  it("writes London times in BST and in GMT as local times that convert back exactly", () => {
    const summer = one(change({ start: Date.UTC(2026, 6, 4, 19), end: Date.UTC(2026, 6, 4, 21) }), LONDON);
    expect(local(summer.v, "dtstart")).toEqual([LONDON, "2026-07-04T20:00:00"]);
    expect(instantOf(summer.v, "dtstart")).toBe(Date.UTC(2026, 6, 4, 19));
    expect(instantOf(summer.v, "dtend")).toBe(Date.UTC(2026, 6, 4, 21));

    const winter = one(change({ start: Date.UTC(2026, 0, 10, 22), end: Date.UTC(2026, 0, 10, 23) }), LONDON);
    expect(local(winter.v, "dtstart")).toEqual([LONDON, "2026-01-10T22:00:00"]);
    expect(instantOf(winter.v, "dtstart")).toBe(Date.UTC(2026, 0, 10, 22));
  });

  it("writes New York times on both sides of, and across, the spring-forward change", () => {
    const cases: Array<[number, number, string, string]> = [
      // Saturday 7 March 2026, EST (UTC−5).
      [Date.UTC(2026, 2, 7, 23), Date.UTC(2026, 2, 8, 1), "2026-03-07T18:00:00", "2026-03-07T20:00:00"],
      // Monday 9 March 2026, EDT (UTC−4).
      [Date.UTC(2026, 2, 9, 23), Date.UTC(2026, 2, 10, 1), "2026-03-09T19:00:00", "2026-03-09T21:00:00"],
      // 01:00 EST to 04:00 EDT on Sunday 8 March: two hours of real time across the gap.
      [Date.UTC(2026, 2, 8, 6), Date.UTC(2026, 2, 8, 8), "2026-03-08T01:00:00", "2026-03-08T04:00:00"],
    ];
    for (const [start, end, wallStart, wallEnd] of cases) {
      const { v } = one(change({ start, end }), NEW_YORK);
      expect(local(v, "dtstart")).toEqual([NEW_YORK, wallStart]);
      expect(local(v, "dtend")).toEqual([NEW_YORK, wallEnd]);
      expect(instantOf(v, "dtstart")).toBe(start);
      expect(instantOf(v, "dtend")).toBe(end);
    }
  });

  it("writes a change in the hour the autumn change repeats in UTC, as clients read it differently", () => {
    // 1 November 2026: New York shows 01:00–02:00 twice. 05:30Z is 01:30 EDT (the first), 06:30Z
    // is 01:30 EST (the second). RFC 5545 says a TZID time there means the first; ical.js reads
    // the second. Either way one of them would be an hour off, so both are written in UTC.
    for (const start of [Date.UTC(2026, 10, 1, 5, 30), Date.UTC(2026, 10, 1, 6, 30)]) {
      const { v } = one(change({ start, end: start + 3_600_000 }), NEW_YORK);
      expect(local(v, "dtstart")[0]).toBe("UTC");
      expect(instantOf(v, "dtstart")).toBe(start);
      expect(instantOf(v, "dtend")).toBe(start + 3_600_000);
    }
    // An hour later the clock is unambiguous again: local time with TZID.
    const after = one(change({ start: Date.UTC(2026, 10, 1, 8), end: Date.UTC(2026, 10, 1, 9) }), NEW_YORK);
    expect(local(after.v, "dtstart")).toEqual([NEW_YORK, "2026-11-01T03:00:00"]);
    expect(instantOf(after.v, "dtstart")).toBe(Date.UTC(2026, 10, 1, 8));
  });

  it("does not depend on the server's own time zone", () => {
    const inUtc = feed();
    const saved = process.env.TZ;
    try {
      process.env.TZ = "Asia/Tokyo";
      // The switch took effect: local hours are now Tokyo's (a native Date would leak them).
      expect(new Date(Date.UTC(2026, 0, 1, 0)).getHours()).toBe(9);
      expect(feed()).toBe(inUtc);
    } finally {
      process.env.TZ = saved;
    }
  });

  it("writes DTSTAMP and LAST-MODIFIED in UTC with a trailing Z", () => {
    for (const ics of [feed(), invitation(), invitation({ method: "CANCEL" })]) {
      const root = parse(ics);
      for (const v of vevents(root)) {
        const stamp = v.getFirstPropertyValue("dtstamp") as ICAL.Time;
        expect(stamp.zone).toBe(ICAL.Timezone.utcTimezone);
        expect(stamp.toUnixTime() * 1000).toBe(NOW);
      }
      const lines = ics.split("\r\n");
      const stamps = lines.filter((l) => l.startsWith("DTSTAMP"));
      expect(stamps.length).toBe(vevents(root).length);
      for (const l of stamps) expect(l).toBe("DTSTAMP:20260701T123005Z");
      for (const l of lines.filter((l) => l.startsWith("LAST-MODIFIED")))
        expect(l).toMatch(/^LAST-MODIFIED:\d{8}T\d{6}Z$/);
    }
  });

  it("refuses a zone it has no VTIMEZONE for", () => {
    expect(() => feed({ timezone: "Mars/Olympus_Mons" })).toThrow(/Mars\/Olympus_Mons/);
  });
});

describe("iCalendar text", () => {
  it("uses CRLF line endings and folds lines at 75 octets, keeping a long description intact", () => {
    const long = Array.from({ length: 40 }, (_, i) => `Step ${i + 1}: naïve café — 交换机 🚀 check;`).join(
      " ",
    );
    const ics = feed({ changes: [change({ description: long })] });
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const lines = ics.split("\r\n");
    for (const l of lines) expect(Buffer.byteLength(l, "utf8")).toBeLessThanOrEqual(75);
    expect(lines.filter((l) => l.startsWith(" ")).length).toBeGreaterThan(10);
    const v = byUid(parse(ics), changeUid);
    expect(text(v, "description")).toContain(long);
  });

  it("escapes commas, semicolons, backslashes and newlines in titles and descriptions", () => {
    const title = "Replace core switch, rack 3; phase 1\nthen tidy";
    const description = "Move uplinks A,B;C.\nThen test C:\\temp\\logs.\r\nDone, finally; really.";
    const ics = feed({ changes: [change({ title, description })] });
    expect(ics).toContain("SUMMARY:CHG-12 Replace core switch\\, rack 3\\; phase 1\\nthen tidy\r\n");
    const v = byUid(parse(ics), changeUid);
    expect(text(v, "summary")).toBe(`CHG-12 ${title}`);
    expect(text(v, "description")).toContain(description.replace(/\r\n/g, "\n"));
  });

  it("strips control characters, which TEXT values may not hold", () => {
    const v = byUid(parse(feed({ changes: [change({ title: "Bell\u0007 and null\u0000" })] })), changeUid);
    expect(text(v, "summary")).toBe("CHG-12 Bell and null");
  });
});

describe("invitations", () => {
  it("invites approvers with METHOD:REQUEST, the feed's UID, SEQUENCE and description", () => {
    const c = change({ sequence: 4 });
    const root = parse(invitation({ change: c }));
    expect(root.getFirstPropertyValue("method")).toBe("REQUEST");
    expect(vevents(root)).toHaveLength(1);
    const v = vevents(root)[0]!;
    const inFeed = byUid(parse(feed({ changes: [c] })), changeUid);
    expect(text(v, "uid")).toBe(changeUid);
    expect(v.getFirstPropertyValue("sequence")).toBe(4);
    expect(text(v, "description")).toBe(text(inFeed, "description"));
    expect(text(v, "summary")).toBe("CHG-12 Replace core switch");
    expect(text(v, "status")).toBe("CONFIRMED");
    expect(instantOf(v, "dtstart")).toBe(c.start);

    const organizer = v.getFirstProperty("organizer")!;
    expect(String(organizer.getFirstValue()).toLowerCase()).toBe("mailto:changes@liaison.example");
    expect(organizer.getParameter("cn")).toBe("Liaison for Northwind");

    const attendees = v.getAllProperties("attendee").map((p) => ({
      to: String(p.getFirstValue()).toLowerCase(),
      cn: p.getParameter("cn"),
      role: p.getParameter("role"),
      rsvp: p.getParameter("rsvp"),
    }));
    expect(attendees).toEqual([
      { to: "mailto:ann@northwind.example", cn: "Ann Approver", role: "REQ-PARTICIPANT", rsvp: "TRUE" },
      { to: "mailto:bo@msp.example", cn: "Bo, Second Approver", role: "REQ-PARTICIPANT", rsvp: "TRUE" },
    ]);
  });

  it("cancels with METHOD:CANCEL and STATUS:CANCELLED, whatever the change's state", () => {
    const c = change({ state: "scheduled", sequence: 5 });
    const root = parse(invitation({ method: "CANCEL", change: c }));
    expect(root.getFirstPropertyValue("method")).toBe("CANCEL");
    const v = vevents(root)[0]!;
    expect(text(v, "uid")).toBe(changeUid);
    expect(v.getFirstPropertyValue("sequence")).toBe(5);
    expect(text(v, "status")).toBe("CANCELLED");
    expect(v.getAllProperties("attendee").map((p) => String(p.getFirstValue()).toLowerCase())).toEqual([
      "mailto:ann@northwind.example",
      "mailto:bo@msp.example",
    ]);
    expect(v.getAllProperties("attendee").map((p) => p.getParameter("rsvp") ?? null)).toEqual([null, null]);
    expect(v.getFirstProperty("organizer")).not.toBeNull();
  });

  it("keeps names with quotes and backslashes from breaking the parameter", () => {
    const ics = invitation({
      organizer: { name: 'Liaison "changes" desk', email: "changes@liaison.example" },
      attendees: [{ name: "ACME\\ann; ops", email: "ann@northwind.example" }],
    });
    const v = vevents(parse(ics))[0]!;
    expect(v.getFirstProperty("organizer")!.getParameter("cn")).toBe("Liaison 'changes' desk");
    expect(v.getFirstProperty("attendee")!.getParameter("cn")).toBe("ACME/ann; ops");
    expect(String(v.getFirstProperty("attendee")!.getFirstValue()).toLowerCase()).toBe(
      "mailto:ann@northwind.example",
    );
  });

  it("refuses an invitation without attendees", () => {
    expect(() => invitation({ attendees: [] })).toThrow(/attendee/);
  });
});

const hasPythonIcalendar = spawnSync("python3", ["-c", "import icalendar"], { stdio: "ignore" }).status === 0;

describe("a second, independent parser", () => {
  it.skipIf(!hasPythonIcalendar)("python3-icalendar reads the same UIDs, texts and UTC instants", () => {
    const c = change({
      title: "Replace core switch, rack 3; phase 1",
      description: "x".repeat(300),
      start: Date.UTC(2026, 2, 8, 6),
      end: Date.UTC(2026, 2, 8, 8),
    });
    const ics = feed({ changes: [c], timezone: NEW_YORK });
    const script = [
      "import sys, json, datetime, icalendar",
      "cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())",
      "out = []",
      "for ev in cal.walk('VEVENT'):",
      "    utc = lambda n: ev.decoded(n).astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')",
      "    out.append({'uid': str(ev['UID']), 'summary': str(ev['SUMMARY']), 'description': str(ev.get('DESCRIPTION', '')),",
      "                'start': utc('DTSTART'), 'end': utc('DTEND'), 'stamp': utc('DTSTAMP'), 'seq': int(ev['SEQUENCE'])})",
      "print(json.dumps({'method': str(cal['METHOD']), 'events': out}))",
    ].join("\n");
    const run = spawnSync("python3", ["-c", script], { input: ics, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const parsed = JSON.parse(run.stdout) as {
      method: string;
      events: Array<{
        uid: string;
        summary: string;
        description: string;
        start: string;
        end: string;
        stamp: string;
        seq: number;
      }>;
    };
    expect(parsed.method).toBe("PUBLISH");
    expect(parsed.events.map((e) => e.uid)).toEqual(uids(parse(ics)));
    const e = parsed.events[0]!;
    expect(e.summary).toBe("CHG-12 Replace core switch, rack 3; phase 1");
    expect(e.description).toContain("x".repeat(300));
    expect([e.start, e.end, e.stamp, e.seq]).toEqual([
      "2026-03-08T06:00:00Z",
      "2026-03-08T08:00:00Z",
      "2026-07-01T12:30:05Z",
      0,
    ]);
  });
});
