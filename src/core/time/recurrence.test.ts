import { describe, expect, it } from "vitest";
import { expandRecurrence, ruleProblem } from "./recurrence.ts";

const iso = (xs: Array<[number, number]>) =>
  xs.map(([a, b]) => [new Date(a).toISOString(), new Date(b).toISOString()]);

describe("recurrences in a zone", () => {
  it("keeps a weekly 02:00 window at local time across DST, moving a skipped start to the end of the gap", () => {
    const weekly = { rule: "FREQ=WEEKLY;BYDAY=SU", at: "02:00", durationMs: 4 * 3_600_000 };
    expect(
      iso(expandRecurrence(weekly, "America/New_York", Date.UTC(2026, 2, 1), Date.UTC(2026, 2, 16))),
    ).toEqual([
      ["2026-03-01T07:00:00.000Z", "2026-03-01T11:00:00.000Z"], // EST
      ["2026-03-08T07:00:00.000Z", "2026-03-08T11:00:00.000Z"], // 02:00 does not exist: 03:00 EDT
      ["2026-03-15T06:00:00.000Z", "2026-03-15T10:00:00.000Z"], // EDT
    ]);
    // Fall back: 02:00 on 2026-11-01 exists once (after the repeated 01:00 hour), EST.
    expect(
      iso(expandRecurrence(weekly, "America/New_York", Date.UTC(2026, 9, 31), Date.UTC(2026, 10, 2))),
    ).toEqual([["2026-11-01T07:00:00.000Z", "2026-11-01T11:00:00.000Z"]]);
  });

  it("counts INTERVAL from the anchor date, and clips to the range", () => {
    const fortnightly = {
      rule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
      at: "10:00",
      from: "2026-01-06",
      durationMs: 45 * 60_000,
    };
    const starts = expandRecurrence(
      fortnightly,
      "Europe/London",
      Date.UTC(2026, 0, 1),
      Date.UTC(2026, 1, 1),
    ).map(([a]) => new Date(a).toISOString());
    expect(starts).toEqual(["2026-01-06T10:00:00.000Z", "2026-01-20T10:00:00.000Z"]);
  });

  it("names what is wrong with a rule", () => {
    expect(ruleProblem("FREQ=WEEKLY;BYDAY=SU")).toBeNull();
    expect(ruleProblem("FREQ=WEEKLY;BYDAY=XX")).toMatch(/XX/i);
  });
});
