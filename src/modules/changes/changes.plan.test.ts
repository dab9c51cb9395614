import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type CompiledProtocol, compileProtocol } from "../protocol/protocol.compile.ts";
import { ProtocolDocument, type ProtocolDocInput } from "../protocol/protocol.document.ts";
import { defaultProtocolTemplate } from "../protocol/protocol.service.ts";
import {
  approvalRule,
  type ChangeShape,
  containingWindow,
  defaultUserNotice,
  earliestStartWithNotice,
  findConflicts,
  formatLocalRange,
  latestNoticeAt,
  materialChanges,
  type OtherChange,
  planNotices,
  type PlannedChange,
  reviewDueAt,
} from "./changes.plan.ts";

// The template's calendar: America/New_York, Mon–Fri 08:00–12:00 and 13:00–17:00, US holidays
// (Thanksgiving 26 November 2026 and the day after, Christmas Friday 25 December, New Year's Day
// Friday 1 January 2027), and a weekly patch window on Sundays 02:00–06:00.
// November 2026: Sun 1 (DST ends), … Tue 17, … Tue 24, Wed 25, Thu 26, Fri 27, Sun 29, Mon 30.

const H = 3_600_000;
const MIN = 60_000;
const ZONE = "America/New_York";

/** An instant from local time in New York, e.g. "2026-11-29 02:00" (EST or EDT as it falls). */
const ny = (text: string) => {
  const t = DateTime.fromFormat(text, "yyyy-MM-dd HH:mm", { zone: ZONE });
  if (!t.isValid) throw new Error(`bad local time ${text}`);
  return t.toMillis();
};
/** An instant as local time in New York, for readable expectations. */
const local = (t: number | null) =>
  t === null ? null : DateTime.fromMillis(t, { zone: ZONE }).toFormat("ccc yyyy-MM-dd HH:mm");

/** The default template, optionally edited, parsed and compiled (without the validator's cross-checks). */
function protocol(edit?: (doc: ProtocolDocInput) => void): CompiledProtocol {
  const doc = parse(defaultProtocolTemplate()) as ProtocolDocInput;
  edit?.(doc);
  return compileProtocol(ProtocolDocument.parse(doc));
}

const template = protocol();

/** The template plus a year-end blackout, a weekly payroll blackout and a mail-only window. */
const busy = protocol((doc) => {
  doc.changes.blackouts = [
    { name: "Year-end close", from: "2026-12-24", to: "2026-12-31", reason: "Finance closes the books." },
    { name: "Payroll run", rule: "FREQ=WEEKLY;BYDAY=TH", at: "14:00", duration: "3h" },
  ];
  doc.changes.maintenance_windows!.push({
    name: "Mail window",
    rule: "FREQ=WEEKLY;BYDAY=WE",
    at: "20:00",
    duration: "2h",
    systems: ["Mail server"],
  });
});

const change = (cls: PlannedChange["class"], start: string, end: string, systems = ["Firewall"]) => ({
  class: cls,
  start: ny(start),
  end: ny(end),
  systems,
});

describe("approval rule", () => {
  it("approves a routine change inside the weekly window automatically", () => {
    const rule = approvalRule(template, change("routine", "2026-11-29 02:00", "2026-11-29 04:00"));
    expect(rule.mode).toBe("automatic");
    if (rule.mode !== "automatic") return;
    expect(rule.window.name).toBe("Weekly patch window");
    expect(local(rule.window.start)).toBe("Sun 2026-11-29 02:00");
    expect(local(rule.window.end)).toBe("Sun 2026-11-29 06:00");
    expect(rule.explanation).toBe(
      "Routine change inside Weekly patch window (Sun 29 Nov 02:00–06:00): approved automatically by standing approval.",
    );
    // Filling the window exactly still fits.
    expect(approvalRule(template, change("routine", "2026-11-29 02:00", "2026-11-29 06:00")).mode).toBe(
      "automatic",
    );
  });

  it("asks for approval as a normal change when a routine change crosses the window's edge", () => {
    for (const [start, end] of [
      ["2026-11-29 05:00", "2026-11-29 07:00"], // runs past the end
      ["2026-11-29 01:30", "2026-11-29 03:00"], // starts before it
      ["2026-12-01 10:00", "2026-12-01 11:00"], // a Tuesday
    ] as const) {
      const rule = approvalRule(template, change("routine", start, end));
      expect(rule).toMatchObject({ mode: "any_of", roles: ["it_contact", "approver"], asClass: "normal" });
      expect(rule.explanation).toBe(
        "Routine change outside every maintenance window that covers it: it needs approval as a normal change, from an IT point of contact or an approver.",
      );
    }
  });

  it("finds the Sunday window at 02:00 local on the day the clocks go back", () => {
    // 1 November 2026: 02:00 EST is 07:00Z, an hour after 01:00 EDT would have been 02:00 wall time.
    expect(approvalRule(template, change("routine", "2026-11-01 02:00", "2026-11-01 06:00")).mode).toBe(
      "automatic",
    );
    // 01:30 EST (the second 01:30) is before the window.
    const early = {
      ...change("routine", "2026-11-01 02:00", "2026-11-01 03:00"),
      start: Date.parse("2026-11-01T06:30:00Z"),
    };
    expect(approvalRule(template, early).mode).toBe("any_of");
  });

  it("needs a window that covers every system of the change, ignoring case", () => {
    // Wednesday 2 December 20:30–21:30: inside the mail-only window.
    const mail = change("routine", "2026-12-02 20:30", "2026-12-02 21:30", ["mail SERVER"]);
    const rule = approvalRule(busy, mail);
    expect(rule.mode).toBe("automatic");
    expect(containingWindow(busy, mail)?.name).toBe("Mail window");
    // VPN is not in that window's systems.
    const both = { ...mail, systems: ["Mail server", "VPN"] };
    expect(containingWindow(busy, both)).toBeNull();
    expect(approvalRule(busy, both)).toMatchObject({ mode: "any_of", asClass: "normal" });
  });

  it("uses the class's own roles for normal and significant changes", () => {
    expect(approvalRule(template, change("normal", "2026-11-29 02:00", "2026-11-29 04:00"))).toEqual({
      mode: "any_of",
      roles: ["it_contact", "approver"],
      asClass: "normal",
      explanation: "Normal change: it needs approval from an IT point of contact or an approver.",
    });
    expect(approvalRule(template, change("significant", "2026-11-29 02:00", "2026-11-29 04:00"))).toEqual({
      mode: "all_of",
      roles: ["approver", "it_contact"],
      asClass: "significant",
      explanation: "Significant change: it needs approval from an approver and an IT point of contact.",
    });
  });

  it("approves emergency changes after the fact", () => {
    expect(approvalRule(template, change("emergency", "2026-12-01 10:00", "2026-12-01 11:00"))).toEqual({
      mode: "after_the_fact",
      explanation:
        "Emergency change: made under on-call authority and approved afterwards, with a review due within 2 business days.",
    });
  });
});

describe("notice lead time", () => {
  it("counts business days back over a weekend, landing at the same time of day", () => {
    // Normal: 3 business days. Tuesday 17 November 10:00 → Thursday 12 November 10:00.
    expect(local(latestNoticeAt(template, "normal", ny("2026-11-17 10:00")))).toBe("Thu 2026-11-12 10:00");
    // Routine: 2 business days.
    expect(local(latestNoticeAt(template, "routine", ny("2026-11-17 10:00")))).toBe("Fri 2026-11-13 10:00");
    // Significant: 5 business days, a whole week.
    expect(local(latestNoticeAt(template, "significant", ny("2026-11-17 10:00")))).toBe(
      "Tue 2026-11-10 10:00",
    );
  });

  it("skips holidays: Thanksgiving and the day after", () => {
    expect(local(latestNoticeAt(template, "normal", ny("2026-12-01 10:00")))).toBe("Tue 2026-11-24 10:00");
  });

  it("gives the opening of a day, not the evening before, when the count ends at a closing", () => {
    // Two business days before Monday 30 November 08:00: Wednesday 25 and Tuesday 24 → Tuesday 08:00.
    expect(local(latestNoticeAt(template, "routine", ny("2026-11-30 08:00")))).toBe("Tue 2026-11-24 08:00");
    // A Sunday change: the count starts from Friday's closing.
    expect(local(latestNoticeAt(template, "routine", ny("2026-11-22 02:00")))).toBe("Thu 2026-11-19 08:00");
  });

  it("counts elapsed time, across a DST change, for a class with an elapsed lead time", () => {
    const p = protocol((doc) => {
      doc.changes.classes.normal.notice = "48h";
    });
    expect(local(latestNoticeAt(p, "normal", ny("2026-11-17 10:00")))).toBe("Sun 2026-11-15 10:00");
    // 48 real hours before Monday 2 November 10:00 EST is Saturday 11:00 EDT (the clocks went back).
    expect(local(latestNoticeAt(p, "normal", ny("2026-11-02 10:00")))).toBe("Sat 2026-10-31 11:00");
    expect(local(earliestStartWithNotice(p, "normal", ny("2026-10-31 11:00")))).toBe("Mon 2026-11-02 10:00");
    // Emergency: no notice.
    expect(latestNoticeAt(p, "emergency", ny("2026-11-02 10:00"))).toBe(ny("2026-11-02 10:00"));
    expect(earliestStartWithNotice(p, "emergency", ny("2026-11-02 10:00"))).toBe(ny("2026-11-02 10:00"));
  });

  it("gives the earliest start with full notice, in business time", () => {
    expect(local(earliestStartWithNotice(template, "normal", ny("2026-11-17 10:00")))).toBe(
      "Fri 2026-11-20 10:00",
    );
    // Announced the day before Thanksgiving: Monday and Tuesday count, Thursday and Friday do not.
    expect(local(earliestStartWithNotice(template, "normal", ny("2026-11-25 10:00")))).toBe(
      "Wed 2026-12-02 10:00",
    );
  });

  it("agrees with latestNoticeAt: the earliest start is just in time, a minute earlier is late", () => {
    for (const now of ["2026-11-17 10:00", "2026-11-20 16:59", "2026-11-21 12:00", "2026-11-25 12:30"]) {
      for (const cls of ["routine", "normal", "significant"] as const) {
        const earliest = earliestStartWithNotice(template, cls, ny(now));
        expect(latestNoticeAt(template, cls, earliest)).toBeGreaterThanOrEqual(ny(now));
        expect(latestNoticeAt(template, cls, earliest - MIN)).toBeLessThan(ny(now));
      }
    }
  });
});

describe("conflicts", () => {
  const announced = ny("2026-11-02 09:00");

  it("finds none for a routine change in the weekly window announced in good time", () => {
    expect(
      findConflicts(busy, change("routine", "2026-11-29 02:00", "2026-11-29 04:00"), [], announced),
    ).toEqual([]);
  });

  it("reports each blackout the change overlaps, with its dates and reason", () => {
    // Sunday 27 December's window falls in the year-end blackout.
    const c = findConflicts(busy, change("routine", "2026-12-27 02:00", "2026-12-27 04:00"), [], announced);
    expect(c).toEqual([
      {
        kind: "blackout",
        message:
          "Overlaps the blackout 'Year-end close' (Thu 24 Dec – Thu 31 Dec): Finance closes the books.",
        start: ny("2026-12-24 00:00"),
        end: ny("2027-01-01 00:00"),
        name: "Year-end close",
      },
    ]);
    // A recurring blackout, without a reason.
    const payroll = findConflicts(
      busy,
      change("normal", "2026-12-03 16:30", "2026-12-03 18:00"),
      [],
      announced,
    );
    expect(payroll.filter((x) => x.kind === "blackout").map((x) => x.message)).toEqual([
      "Overlaps the blackout 'Payroll run' (Thu 3 Dec 14:00–17:00).",
    ]);
    // Ending as the blackout begins is not a conflict.
    const before = findConflicts(
      busy,
      change("normal", "2026-12-03 13:00", "2026-12-03 14:00"),
      [],
      announced,
    );
    expect(before.map((x) => x.kind)).not.toContain("blackout");
  });

  it("reports a change outside every maintenance window, and names the next one that fits", () => {
    const c = findConflicts(
      busy,
      change("normal", "2026-12-01 10:00", "2026-12-01 12:00", ["Mail server"]),
      [],
      announced,
    );
    expect(c).toEqual([
      {
        kind: "outside_window",
        message:
          "Outside every maintenance window that covers Mail server (Tue 1 Dec 10:00–12:00); the next one that fits is Mail window (Wed 2 Dec 20:00–22:00).",
        start: ny("2026-12-02 20:00"),
        end: ny("2026-12-02 22:00"),
        name: "Mail window",
      },
    ]);
    // Three hours do not fit the two-hour mail window: the Sunday window does.
    const long = findConflicts(
      busy,
      change("normal", "2026-12-01 10:00", "2026-12-01 13:00", ["Mail server"]),
      [],
      announced,
    );
    expect(long[0]).toMatchObject({ kind: "outside_window", name: "Weekly patch window" });
    expect(local(long[0]!.start!)).toBe("Sun 2026-12-06 02:00");
    // The suggestion skips windows in a blackout: 27 December is in the year-end close.
    const december = findConflicts(
      busy,
      change("normal", "2026-12-22 10:00", "2026-12-22 12:00"),
      [],
      announced,
    );
    expect(local(december.find((x) => x.kind === "outside_window")!.start!)).toBe("Sun 2027-01-03 02:00");
  });

  it("does not hold emergency changes to windows or notice", () => {
    const now = ny("2026-12-01 10:05");
    expect(findConflicts(busy, change("emergency", "2026-12-01 10:00", "2026-12-01 12:00"), [], now)).toEqual(
      [],
    );
  });

  it("reports other changes overlapping in time and sharing a system, ignoring case", () => {
    const others: OtherChange[] = [
      {
        id: "c7",
        number: 7,
        title: "Firewall firmware",
        start: ny("2026-11-29 02:00"),
        end: ny("2026-11-29 04:00"),
        systems: ["FIREWALL"],
      },
      // Same time, other systems.
      {
        id: "c8",
        number: 8,
        title: "Printer drivers",
        start: ny("2026-11-29 02:00"),
        end: ny("2026-11-29 06:00"),
        systems: ["Printers"],
      },
      // Same system, but it ends as this change starts.
      {
        id: "c9",
        number: 9,
        title: "VPN certificates",
        start: ny("2026-11-29 02:00"),
        end: ny("2026-11-29 03:00"),
        systems: ["VPN"],
      },
      {
        id: "c10",
        number: 10,
        title: "VPN client",
        start: ny("2026-11-29 04:30"),
        end: ny("2026-11-29 05:30"),
        systems: ["vpn", "Firewall"],
      },
    ];
    const c = findConflicts(
      busy,
      change("routine", "2026-11-29 03:00", "2026-11-29 05:00", ["Firewall", "VPN"]),
      others,
      announced,
    );
    expect(c).toEqual([
      {
        kind: "overlap",
        message: "Overlaps CHG-7 'Firewall firmware' on Firewall (Sun 29 Nov 02:00–04:00).",
        start: ny("2026-11-29 02:00"),
        end: ny("2026-11-29 04:00"),
        name: "Firewall firmware",
        changeId: "c7",
      },
      {
        kind: "overlap",
        message: "Overlaps CHG-10 'VPN client' on Firewall and VPN (Sun 29 Nov 04:30–05:30).",
        start: ny("2026-11-29 04:30"),
        end: ny("2026-11-29 05:30"),
        name: "VPN client",
        changeId: "c10",
      },
    ]);
  });

  it("reports a change announced inside its notice lead time, with the earliest start that would not be", () => {
    // Normal change Tuesday 1 December 10:00: the notice had to go out by Tuesday 24 November 10:00.
    const c = change("normal", "2026-11-29 02:00", "2026-11-29 04:00");
    const tuesday = { ...c, start: ny("2026-12-01 10:00"), end: ny("2026-12-01 11:00") };
    const lead = (now: number) =>
      findConflicts(template, tuesday, [], now).filter((x) => x.kind === "notice_lead_time");
    expect(lead(ny("2026-11-24 10:00"))).toEqual([]);
    expect(lead(ny("2026-11-25 09:00"))).toEqual([
      {
        kind: "notice_lead_time",
        message:
          "Too late for full notice: a normal change needs 3 business days of notice, so it had to be announced by Tue 24 Nov 10:00; the earliest start with full notice is Wed 2 Dec 09:00.",
        earliestStart: ny("2026-12-02 09:00"),
      },
    ]);
    expect(lead(ny("2026-11-24 10:00") + 1)).toHaveLength(1);
  });

  it("reports lateness in elapsed time for a class with an elapsed lead time", () => {
    const p = protocol((doc) => {
      doc.changes.classes.normal.notice = "48h";
    });
    const c = { ...change("normal", "2026-11-29 02:00", "2026-11-29 04:00") };
    // The Sunday 02:00 change needed notice by Friday 02:00.
    expect(findConflicts(p, c, [], ny("2026-11-27 02:00"))).toEqual([]);
    const late = findConflicts(p, c, [], ny("2026-11-27 09:00"));
    expect(late).toHaveLength(1);
    expect(late[0]!.message).toBe(
      "Too late for full notice: a normal change needs 2d of notice, so it had to be announced by Fri 27 Nov 02:00; the earliest start with full notice is Sun 29 Nov 09:00.",
    );
  });
});

describe("notice plan", () => {
  it("plans the advance notice, a reminder and the post-change notice for a normal change", () => {
    const c = change("normal", "2026-12-01 10:00", "2026-12-01 12:00");
    const now = ny("2026-11-20 10:00");
    expect(planNotices(template, c, now)).toEqual([
      {
        kind: "advance",
        label: "Advance notice (3 business days before)",
        dueAt: now,
        latestAt: ny("2026-11-24 10:00"),
        state: "planned",
        reason: null,
      },
      {
        kind: "reminder",
        label: "Reminder 1d before the start",
        dueAt: ny("2026-11-30 10:00"),
        latestAt: null,
        state: "planned",
        reason: null,
      },
      {
        kind: "post_change",
        label: "Post-change notice (with the outcome)",
        dueAt: null,
        latestAt: null,
        state: "planned",
        reason: null,
      },
    ]);
  });

  it("still plans a late advance notice, and says it is late", () => {
    const c = change("normal", "2026-12-01 10:00", "2026-12-01 12:00");
    const [advance] = planNotices(template, c, ny("2026-11-25 09:00"));
    expect(advance).toMatchObject({
      kind: "advance",
      state: "planned",
      dueAt: ny("2026-11-25 09:00"),
      latestAt: ny("2026-11-24 10:00"),
      reason: "late: it was due by Tue 24 Nov 10:00",
    });
  });

  it("orders reminders by due time and skips those whose moment has passed", () => {
    const p = protocol((doc) => {
      doc.changes.classes.significant.reminders = ["2h", "1d"];
    });
    const c = change("significant", "2026-12-01 10:00", "2026-12-01 12:00");
    const kinds = (now: number) =>
      planNotices(p, c, now).map((n) => [n.kind, n.label, local(n.dueAt), n.state, n.reason]);
    expect(kinds(ny("2026-11-30 09:00"))).toEqual([
      [
        "advance",
        "Advance notice (5 business days before)",
        "Mon 2026-11-30 09:00",
        "planned",
        "late: it was due by Fri 20 Nov 10:00",
      ],
      ["reminder", "Reminder 1d before the start", "Mon 2026-11-30 10:00", "planned", null],
      ["reminder", "Reminder 2h before the start", "Tue 2026-12-01 08:00", "planned", null],
      ["start", "Start notice (when the change starts)", null, "planned", null],
      ["finish", "Finish notice (when the change finishes)", null, "planned", null],
      ["post_change", "Post-change notice (with the outcome)", null, "planned", null],
    ]);
    const later = planNotices(p, c, ny("2026-11-30 11:00")).filter((n) => n.kind === "reminder");
    expect(later.map((n) => [n.state, n.reason])).toEqual([
      ["skipped", "the start is less than 1d away"],
      ["planned", null],
    ]);
    // Due exactly now: skipped too (the advance notice goes out now).
    const exactly = planNotices(p, c, ny("2026-12-01 08:00")).filter((n) => n.kind === "reminder");
    expect(exactly.map((n) => n.state)).toEqual(["skipped", "skipped"]);
  });

  it("counts a reminder in business days back in business time", () => {
    const p = protocol((doc) => {
      doc.changes.classes.normal.reminders = ["1 business day"];
    });
    // One business day before Monday 30 November 10:00: 2 h on Monday, 6 h on Wednesday (Thanksgiving
    // and the day after are closed) → Wednesday 25 November 10:00.
    const reminder = planNotices(
      p,
      change("normal", "2026-11-30 10:00", "2026-11-30 11:00"),
      ny("2026-11-16 09:00"),
    )[1]!;
    expect(reminder.label).toBe("Reminder 1 business day before the start");
    expect(local(reminder.dueAt)).toBe("Wed 2026-11-25 10:00");
  });

  it("gives emergency changes only the start, finish and post-change notices", () => {
    const plan = planNotices(
      template,
      change("emergency", "2026-12-01 10:00", "2026-12-01 11:00"),
      ny("2026-12-01 10:05"),
    );
    expect(plan.map((n) => [n.kind, n.dueAt])).toEqual([
      ["start", null],
      ["finish", null],
      ["post_change", null],
    ]);
  });

  it("leaves out notices the class turns off", () => {
    const p = protocol((doc) => {
      doc.changes.classes.routine.post_change_notice = false;
      doc.changes.classes.routine.reminders = [];
    });
    const plan = planNotices(
      p,
      change("routine", "2026-11-29 02:00", "2026-11-29 04:00"),
      ny("2026-11-20 10:00"),
    );
    expect(plan.map((n) => n.kind)).toEqual(["advance"]);
  });
});

describe("material changes", () => {
  const base: ChangeShape = {
    class: "routine",
    start: ny("2026-11-29 02:00"),
    end: ny("2026-11-29 04:00"),
    systems: ["Firewall", "VPN"],
    groupIds: ["g1", "g2"],
    downtimeMinutes: 20,
  };

  it("finds nothing material in narrowing a change", () => {
    expect(materialChanges(base, { ...base }, ZONE)).toEqual([]);
    expect(
      materialChanges(base, { ...base, systems: ["firewall"], groupIds: ["g2"], downtimeMinutes: 10 }, ZONE),
    ).toEqual([]);
  });

  it("names each material edit", () => {
    expect(materialChanges(base, { ...base, end: ny("2026-11-29 05:00") }, ZONE)).toEqual([
      "the window moved from Sun 29 Nov 02:00–04:00 to Sun 29 Nov 02:00–05:00",
    ]);
    expect(
      materialChanges(
        base,
        {
          class: "normal",
          start: ny("2026-12-06 02:00"),
          end: ny("2026-12-06 04:00"),
          systems: ["VPN", "Mail server", "firewall", "mail server"],
          groupIds: ["g1", "g2", "g3", "g4"],
          downtimeMinutes: 90,
        },
        ZONE,
      ),
    ).toEqual([
      "the window moved from Sun 29 Nov 02:00–04:00 to Sun 6 Dec 02:00–04:00",
      "the class changed from routine to normal",
      "Mail server added",
      "2 affected groups added",
      "the expected downtime increased from 20 minutes to 1 hour 30 minutes",
    ]);
    expect(materialChanges(base, { ...base, groupIds: ["g1", "g3"] }, ZONE)).toEqual([
      "an affected group added",
    ]);
  });
});

describe("default user notice", () => {
  it("reads as in the brief, in London", () => {
    const start = Date.parse("2026-11-29T02:00:00Z");
    const end = Date.parse("2026-11-29T06:00:00Z");
    expect(
      defaultUserNotice({ systems: ["Mail server"], start, end, downtimeMinutes: 20 }, "Europe/London"),
    ).toBe(
      "Mail server will be unavailable for up to 20 minutes on Sunday 29 November from 02:00 (Europe/London).",
    );
    expect(
      defaultUserNotice({ systems: ["Mail server"], start, end, downtimeMinutes: 0 }, "Europe/London"),
    ).toBe("Mail server may be affected on Sunday 29 November between 02:00 and 06:00 (Europe/London).");
  });

  it("uses local time on the day the clocks go back in New York", () => {
    // 01:30 EDT (05:30Z) to 03:00 EST (08:00Z): two and a half hours, 01:30 to 03:00 on the clock.
    expect(
      defaultUserNotice(
        {
          systems: ["Mail server", "VPN"],
          start: Date.parse("2026-11-01T05:30:00Z"),
          end: Date.parse("2026-11-01T08:00:00Z"),
          downtimeMinutes: 0,
        },
        ZONE,
      ),
    ).toBe(
      "Mail server and VPN may be affected on Sunday 1 November between 01:30 and 03:00 (America/New_York).",
    );
    // The second 01:30 (EST, 06:30Z) reads the same.
    expect(
      defaultUserNotice(
        {
          systems: ["Mail server", "VPN", "Wi-Fi"],
          start: Date.parse("2026-11-01T06:30:00Z"),
          end: Date.parse("2026-11-01T08:00:00Z"),
          downtimeMinutes: 90,
        },
        ZONE,
      ),
    ).toBe(
      "Mail server, VPN and Wi-Fi will be unavailable for up to 1 hour 30 minutes on Sunday 1 November from 01:30 (America/New_York).",
    );
    // Saturday evening in New York is already Sunday in UTC.
    expect(
      defaultUserNotice(
        {
          systems: [],
          start: Date.parse("2026-11-01T02:00:00Z"),
          end: Date.parse("2026-11-01T04:30:00Z"),
          downtimeMinutes: 0,
        },
        ZONE,
      ),
    ).toBe(
      "IT systems may be affected between Saturday 31 October 22:00 and Sunday 1 November 00:30 (America/New_York).",
    );
    expect(
      defaultUserNotice(
        { systems: ["VPN"], start: ny("2026-10-31 22:00"), end: ny("2026-11-01 00:00"), downtimeMinutes: 0 },
        ZONE,
      ),
    ).toBe("VPN may be affected on Saturday 31 October between 22:00 and midnight (America/New_York).");
  });
});

describe("review due", () => {
  it("counts the emergency class's 2 business days, for classes without their own too", () => {
    // Finished Wednesday 25 November 15:00: 2 h that day, then Monday, then 6 h on Tuesday.
    expect(local(reviewDueAt(template, "emergency", ny("2026-11-25 15:00")))).toBe("Tue 2026-12-01 15:00");
    expect(local(reviewDueAt(template, "normal", ny("2026-11-25 15:00")))).toBe("Tue 2026-12-01 15:00");
  });

  it("uses a class's own review time, elapsed or in business days, and 5 business days when none is set", () => {
    const p = protocol((doc) => {
      doc.changes.classes.significant.review_within = "72h";
      delete doc.changes.classes.emergency.review_within;
    });
    expect(reviewDueAt(p, "significant", ny("2026-11-25 15:00"))).toBe(ny("2026-11-25 15:00") + 72 * H);
    // Five business days from Wednesday 25 November 15:00: 2 h that day, Thanksgiving and the day
    // after closed, Monday to Thursday, then 6 h on Friday 4 December.
    expect(local(reviewDueAt(p, "normal", ny("2026-11-25 15:00")))).toBe("Fri 2026-12-04 15:00");
    expect(local(reviewDueAt(p, "emergency", ny("2026-11-25 15:00")))).toBe("Fri 2026-12-04 15:00");
  });
});

describe("local wording", () => {
  it("formats periods as briefly as they read", () => {
    expect(formatLocalRange(ZONE, ny("2026-11-29 02:00"), ny("2026-11-29 06:00"))).toBe(
      "Sun 29 Nov 02:00–06:00",
    );
    expect(formatLocalRange(ZONE, ny("2026-11-28 22:00"), ny("2026-11-29 00:00"))).toBe(
      "Sat 28 Nov 22:00–24:00",
    );
    expect(formatLocalRange(ZONE, ny("2026-11-28 23:00"), ny("2026-11-29 01:00"))).toBe(
      "Sat 28 Nov 23:00 – Sun 29 Nov 01:00",
    );
    expect(formatLocalRange(ZONE, ny("2026-12-24 00:00"), ny("2026-12-25 00:00"))).toBe(
      "Thu 24 Dec, all day",
    );
    expect(formatLocalRange(ZONE, ny("2026-12-24 00:00"), ny("2027-01-01 00:00"))).toBe(
      "Thu 24 Dec – Thu 31 Dec",
    );
  });
});
