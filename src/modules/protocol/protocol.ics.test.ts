import { describe, expect, it } from "vitest";
import { AppError } from "../../core/http/errors.ts";
import { holidaysFromIcs, importHolidaysFromIcs } from "./protocol.ics.ts";
import { defaultProtocolTemplate } from "./protocol.service.ts";
import { validateProtocolText } from "./protocol.validate.ts";

const ics = (...events: string[][]) =>
  [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Test//Holidays//EN",
    ...events.flatMap((e) => ["BEGIN:VEVENT", ...e, "END:VEVENT"]),
    "END:VCALENDAR",
  ].join("\r\n");

const file = ics(
  [
    "UID:a",
    "DTSTART;VALUE=DATE:20261126",
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
    "SUMMARY:Thanksgiving Day",
  ],
  ["UID:b", "DTSTART;VALUE=DATE:20260619", "RRULE:FREQ=YEARLY", "SUMMARY:Juneteenth"],
  ["UID:c", "DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261226", "SUMMARY:Office closed"],
  ["UID:d", "DTSTART;VALUE=DATE:20260525", "RRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO", "SUMMARY:Memorial Day"],
);

describe("holiday import from iCalendar", () => {
  it("turns yearly rules into yearly holidays and closures into dated ones", () => {
    expect(holidaysFromIcs(file, 2026)).toEqual([
      { name: "Thanksgiving Day", month: 11, weekday: "thu", nth: 4 },
      { name: "Juneteenth", month: 6, day: 19 },
      { name: "Office closed", date: "2026-12-24" },
      { name: "Office closed", date: "2026-12-25" },
      { name: "Memorial Day", month: 5, weekday: "mon", nth: -1 },
    ]);
  });

  it("merges into a document, keeping its comments and skipping holidays already there", () => {
    const before = defaultProtocolTemplate();
    const { document, added, skipped } = importHolidaysFromIcs(before, file, 2026);
    expect(skipped).toBe(1); // Memorial Day is in the template already
    expect(added.map((a) => a.name)).toEqual([
      "Thanksgiving Day",
      "Juneteenth",
      "Office closed",
      "Office closed",
    ]);
    expect(document).toContain("# Business hours. Clocks marked `business` run only inside these hours.");
    const r = validateProtocolText(document);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.doc.calendar.holidays.map((h) => h.name)).toContain("Juneteenth");
  });

  it("refuses a file that is not iCalendar, naming the field", () => {
    try {
      importHolidaysFromIcs(defaultProtocolTemplate(), "not a calendar");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).details.errors?.[0]?.path).toBe("body.ics");
    }
  });
});

describe("holiday import keeps the text", () => {
  it("inserts only the new lines, so a text diff shows just the holidays", () => {
    const before = defaultProtocolTemplate();
    const { document } = importHolidaysFromIcs(before, file, 2026);
    const added = document.split("\n").filter((l) => !before.split("\n").includes(l));
    expect(added).toEqual([
      "    - { name: Thanksgiving Day, month: 11, weekday: thu, nth: 4 }",
      "    - { name: Juneteenth, month: 6, day: 19 }",
      "    - { name: Office closed, date: 2026-12-24 }",
      "    - { name: Office closed, date: 2026-12-25 }",
    ]);
    expect(document.split("\n").length).toBe(before.split("\n").length + 4);
  });
});
