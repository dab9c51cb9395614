import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  afterQuietHours,
  type DeliverySettings,
  defaultDeliverySettings,
  digestDueAt,
  firstAttemptAt,
  goesToDigest,
  inQuietHours,
  MAX_ATTEMPTS,
  retryDelayMs,
} from "./schedule.ts";

const berlinNights: DeliverySettings = {
  ...defaultDeliverySettings,
  timeZone: "Europe/Berlin",
  quietStart: 22 * 60,
  quietEnd: 7 * 60,
};
const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;
const HOUR = 60 * MIN;

describe("quiet hours", () => {
  it("span midnight in the person's zone", () => {
    // 21:59 and 07:00 Berlin (CET, UTC+1) are outside; 22:00, 23:30 and 06:59 inside.
    expect(inQuietHours(at("2026-01-14T20:59:00Z"), berlinNights)).toBe(false);
    expect(inQuietHours(at("2026-01-14T21:00:00Z"), berlinNights)).toBe(true);
    expect(inQuietHours(at("2026-01-14T22:30:00Z"), berlinNights)).toBe(true);
    expect(inQuietHours(at("2026-01-15T05:59:00Z"), berlinNights)).toBe(true);
    expect(inQuietHours(at("2026-01-15T06:00:00Z"), berlinNights)).toBe(false);
  });

  it("delay ordinary emails to the end, in local time across a daylight-saving change", () => {
    // 23:30 CET on Saturday 28 March 2026; clocks go forward that night, so 07:00 is CEST (UTC+2).
    expect(afterQuietHours(at("2026-03-28T22:30:00Z"), berlinNights)).toBe(at("2026-03-29T05:00:00Z"));
    expect(firstAttemptAt(at("2026-03-28T22:30:00Z"), berlinNights, "medium")).toBe(
      at("2026-03-29T05:00:00Z"),
    );
    expect(firstAttemptAt(at("2026-03-28T22:30:00Z"), berlinNights, null)).toBe(at("2026-03-29T05:00:00Z"));
  });

  it("are ignored by critical and emergency events, and absent by default", () => {
    const t = at("2026-01-14T22:30:00Z");
    expect(firstAttemptAt(t, berlinNights, "critical")).toBe(t);
    expect(firstAttemptAt(t, berlinNights, "emergency")).toBe(t);
    expect(firstAttemptAt(t, defaultDeliverySettings, "low")).toBe(t);
  });

  it("within one day work too (a lunch break)", () => {
    const lunch = {
      ...defaultDeliverySettings,
      timeZone: "America/New_York",
      quietStart: 12 * 60,
      quietEnd: 13 * 60,
    };
    expect(afterQuietHours(at("2026-06-01T16:20:00Z"), lunch)).toBe(at("2026-06-01T17:00:00Z"));
    expect(afterQuietHours(at("2026-06-01T17:00:00Z"), lunch)).toBe(at("2026-06-01T17:00:00Z"));
  });

  const zones = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
  ];
  const settings = fc.record({
    timeZone: fc.constantFrom(...zones),
    quietStart: fc.integer({ min: 0, max: 1439 }),
    quietEnd: fc.integer({ min: 0, max: 1439 }),
    digest: fc.constantFrom("off" as const, "hourly" as const, "daily" as const),
    dailyDigestAt: fc.integer({ min: 0, max: 1439 }),
  });
  const instant = fc.integer({ min: at("2024-01-01T00:00:00Z"), max: at("2030-12-31T00:00:00Z") });

  it("end at the first instant that is not quiet (property)", () => {
    fc.assert(
      fc.property(settings, instant, (s, t) => {
        const end = afterQuietHours(t, s);
        expect(end).toBeGreaterThanOrEqual(t);
        expect(end - t).toBeLessThanOrEqual(25 * HOUR);
        expect(inQuietHours(end, s)).toBe(false);
        if (!inQuietHours(t, s)) expect(end).toBe(t);
        // A minute before the end is still quiet: nothing waits longer than it has to.
        else expect(inQuietHours(end - MIN, s)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("put a digest after its oldest item, outside quiet hours, within its period (property)", () => {
    fc.assert(
      fc.property(settings, instant, (s, t) => {
        const due = digestDueAt(t, s);
        if (s.digest === "off") {
          expect(due).toBe(t);
          return;
        }
        expect(due).toBeGreaterThan(t);
        expect(inQuietHours(due, s)).toBe(false);
        expect(due - t).toBeLessThanOrEqual((s.digest === "hourly" ? 1 : 25) * HOUR + 25 * HOUR);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("digests", () => {
  it("take only low-severity email of people who chose one", () => {
    expect(goesToDigest("low", { ...defaultDeliverySettings, digest: "hourly" })).toBe(true);
    expect(goesToDigest("medium", { ...defaultDeliverySettings, digest: "hourly" })).toBe(false);
    expect(goesToDigest(null, { ...defaultDeliverySettings, digest: "daily" })).toBe(false);
    expect(goesToDigest("low", defaultDeliverySettings)).toBe(false);
  });

  it("are due at the next local hour, or the next daily time", () => {
    const hourly = { ...defaultDeliverySettings, timeZone: "Asia/Kolkata", digest: "hourly" as const };
    // 10:20 in Kolkata (UTC+5:30) → 11:00 there.
    expect(digestDueAt(at("2026-05-04T04:50:00Z"), hourly)).toBe(at("2026-05-04T05:30:00Z"));
    const daily = { ...berlinNights, digest: "daily" as const, dailyDigestAt: 8 * 60 };
    // 09:00 Berlin → 08:00 the next day; 06:00 (quiet) → 08:00 the same day.
    expect(digestDueAt(at("2026-01-14T08:00:00Z"), daily)).toBe(at("2026-01-15T07:00:00Z"));
    expect(digestDueAt(at("2026-01-14T05:00:00Z"), daily)).toBe(at("2026-01-14T07:00:00Z"));
    // A daily time inside quiet hours waits for their end.
    expect(digestDueAt(at("2026-01-14T08:00:00Z"), { ...daily, dailyDigestAt: 6 * 60 })).toBe(
      at("2026-01-15T06:00:00Z"),
    );
  });
});

describe("retries", () => {
  it("back off exponentially, capped at six hours", () => {
    expect(Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => retryDelayMs(i + 1) / MIN)).toEqual([
      0.5, 2, 8, 32, 128, 360, 360,
    ]);
    expect(retryDelayMs(0)).toBe(0);
  });
});
