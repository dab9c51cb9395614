import { describe, expect, it } from "vitest";
import { computeDeadline, type CompiledProtocol, suggestSeverity } from "./protocol.compile.ts";
import { defaultProtocolTemplate } from "./protocol.service.ts";
import { validateProtocolText } from "./protocol.validate.ts";

function compiled(text = defaultProtocolTemplate()): CompiledProtocol {
  const r = validateProtocolText(text);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join("\n"));
  return r.compiled;
}
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const at = (s: string) => Date.parse(s);

// The template's calendar: America/New_York, Mon–Fri 08:00–12:00 and 13:00–17:00, US holidays.
describe("deadlines from the protocol", () => {
  const p = compiled();

  it("runs critical clocks round the clock and high clocks in business hours", () => {
    // Friday 2026-11-20 16:30 EST (21:30Z).
    const start = at("2026-11-20T21:30:00Z");
    expect(iso(computeDeadline(p, "critical", "response", start))).toBe("2026-11-20T21:45:00.000Z");
    expect(iso(computeDeadline(p, "critical", "resolution", start))).toBe("2026-11-21T01:30:00.000Z");
    expect(iso(computeDeadline(p, "critical", "updates", start))).toBe("2026-11-20T22:00:00.000Z");
    // High: 1 business hour = 30 min on Friday + 30 min on Monday 08:00 EST.
    expect(iso(computeDeadline(p, "high", "response", start))).toBe("2026-11-23T13:30:00.000Z");
    // 8 business hours: 30 min Friday, then 7h30 on Monday (lunch skipped) → Monday 16:30 EST.
    expect(iso(computeDeadline(p, "high", "resolution", start))).toBe("2026-11-23T21:30:00.000Z");
  });

  it("reads next_business_day as the start of the next business day for response and its end for resolution", () => {
    // Wednesday 2026-11-25 10:00 EST; Thursday is Thanksgiving and Friday the day after: next business day is Monday.
    const start = at("2026-11-25T15:00:00Z");
    expect(iso(computeDeadline(p, "low", "response", start))).toBe("2026-11-30T13:00:00.000Z");
    expect(iso(computeDeadline(p, "medium", "resolution", start))).toBe("2026-11-30T22:00:00.000Z");
    expect(computeDeadline(p, "low", "resolution", start)).toBeNull();
  });

  it("moves a deadline later by the open time spent paused, never earlier", () => {
    const start = at("2026-11-23T14:00:00Z"); // Monday 09:00 EST
    const plain = computeDeadline(p, "high", "resolution", start)!;
    // Waiting on the client from 10:00 to 11:30 EST: 1.5 business hours paused.
    const paused = computeDeadline(p, "high", "resolution", start, [
      [at("2026-11-23T15:00:00Z"), at("2026-11-23T16:30:00Z")],
    ])!;
    expect(paused - plain).toBe(90 * 60_000);
    // A pause over the lunch break costs nothing.
    const lunch = computeDeadline(p, "high", "resolution", start, [
      [at("2026-11-23T17:00:00Z"), at("2026-11-23T18:00:00Z")],
    ])!;
    expect(lunch).toBe(plain);
  });

  it("keeps business time exact across the autumn DST change", () => {
    // Friday 2026-10-30 16:00 EDT (20:00Z); 2 business hours → Monday 2026-11-02 09:00 EST (14:00Z).
    expect(iso(computeDeadline(p, "high", "response", at("2026-10-30T20:00:00Z")))).toBe(
      "2026-10-30T21:00:00.000Z",
    );
    const text = defaultProtocolTemplate().replace(
      "response: { within: 1h, clock: business }",
      "response: { within: 2h, clock: business }",
    );
    expect(iso(computeDeadline(compiled(text), "high", "response", at("2026-10-30T20:00:00Z")))).toBe(
      "2026-11-02T14:00:00.000Z",
    );
  });
});

describe("severity from business impact", () => {
  const p = compiled();
  it("suggests severity from the impact matrix, not technical difficulty", () => {
    expect(
      suggestSeverity(p, { peopleAffected: "one", workaround: true, criticalFunctionStopped: false }),
    ).toBe("low");
    expect(
      suggestSeverity(p, { peopleAffected: "one", workaround: false, criticalFunctionStopped: false }),
    ).toBe("medium");
    expect(
      suggestSeverity(p, { peopleAffected: "team", workaround: false, criticalFunctionStopped: false }),
    ).toBe("high");
    expect(
      suggestSeverity(p, { peopleAffected: "everyone", workaround: true, criticalFunctionStopped: false }),
    ).toBe("high");
    expect(
      suggestSeverity(p, { peopleAffected: "many", workaround: false, criticalFunctionStopped: false }),
    ).toBe("critical");
    expect(
      suggestSeverity(p, { peopleAffected: "one", workaround: true, criticalFunctionStopped: true }),
    ).toBe("critical");
  });
});
