import { describe, expect, it } from "vitest";
import { protocolJsonSchema } from "./protocol.document.ts";
import { defaultProtocolTemplate } from "./protocol.service.ts";
import { validateProtocolText } from "./protocol.validate.ts";

const template = defaultProtocolTemplate();
/** The template with one piece of text replaced; fails loudly if the text is not there. */
function edit(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  expect(out, `edit ${String(from)}`).not.toBe(text);
  return out;
}
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split("\n").length;
const problemsOf = (text: string) => {
  const r = validateProtocolText(text);
  expect(r.ok).toBe(false);
  return r.problems;
};

describe("protocol validation", () => {
  it("accepts the default template with the seed's figures", () => {
    const r = validateProtocolText(template);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.doc.severities.critical.response.within).toBe("15m");
    expect(r.doc.severities.critical.resolution.within).toBe("4h");
    expect(r.doc.severities.high.response.within).toBe("1h");
    expect(r.doc.severities.high.resolution.within).toBe("8h");
    expect(r.doc.severities.medium.response.within).toBe("4h");
    expect(r.doc.severities.medium.resolution.within).toBe("next_business_day");
    expect(r.doc.severities.low.response.within).toBe("next_business_day");
    expect(r.doc.severities.low.resolution.within).toBe("as_available");
    expect(r.doc.severities.critical.updates.every).toBe("30m");
    expect(r.compiled.calendar.dayLength).toBe(8 * 3_600_000);
  });

  it("names the field, line and column of a bad duration and says what to write", () => {
    const text = edit(template, "response: { within: 15m", "response: { within: 15 minuts");
    const [p] = problemsOf(text);
    expect(p).toMatchObject({
      path: "severities.critical.response.within",
      line: lineOf(text, "15 minuts"),
      level: "error",
    });
    expect(p!.column).toBe(text.split("\n")[p!.line - 1]!.indexOf("15 minuts") + 1);
    expect(p!.message).toBe(
      "severities.critical.response.within: '15 minuts' is not a duration; write e.g. 15m, 4h, 1h30m, 3d or 2 business days, or next_business_day or as_available.",
    );
  });

  it("reports every problem at once, in line order", () => {
    let text = edit(template, "timezone: America/New_York", "timezone: America/Neww_York");
    text = edit(text, 'mon: ["08:00-12:00"', 'mon: ["8am-12:00"');
    text = edit(text, "updates: { every: 30m", "updates: { every: often");
    text = edit(text, "  low:\n", "  lwo:\n");
    const problems = problemsOf(text);
    expect(problems.map((p) => p.path).sort()).toEqual([
      "calendar.hours.mon[0]",
      "severities.critical.updates.every",
      "severities.low",
      "severities.lwo",
      "timezone",
    ]);
    expect(problems.map((p) => p.line)).toEqual([...problems.map((p) => p.line)].sort((a, b) => a - b));
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p]));
    expect(byPath.timezone!.message).toContain("IANA");
    expect(byPath["severities.lwo"]!.message).toBe(
      "severities.lwo: 'lwo' is not a setting here; did you mean 'low'?",
    );
    expect(byPath["severities.lwo"]!.line).toBe(lineOf(text, "  lwo:"));
  });

  it("says what is missing, and suggests the key someone misspelled", () => {
    const text = edit(template, "escalation:\n", "escalaton:\n");
    const problems = problemsOf(text);
    expect(problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        "escalation: is required; add it (see `liaison protocol template`).",
        "escalaton: 'escalaton' is not a setting here; did you mean 'escalation'?",
      ]),
    );
  });

  it("locates YAML syntax errors", () => {
    const text = edit(template, "title: Support and communication protocol", "title: [unclosed");
    const [p] = problemsOf(text);
    expect(p!.message).toMatch(/^YAML syntax:/);
    expect(p!.line).toBeGreaterThanOrEqual(lineOf(text, "title: [unclosed"));
  });

  it("refuses a resolution target shorter than its response target", () => {
    const text = edit(
      template,
      "resolution: { within: 8h, clock: business }",
      "resolution: { within: 30m, clock: business }",
    );
    const messages = problemsOf(text).map((p) => p.message);
    expect(messages).toContain(
      "severities.high.resolution.within: '30m' is shorter than the response target '1h'; resolution cannot be due before response.",
    );
  });

  it("refuses an update interval longer than the resolution target", () => {
    const text = edit(
      template,
      "updates: { every: 30m, clock: 24x7 }",
      "updates: { every: 5h, clock: 24x7 }",
    );
    const [p] = problemsOf(text);
    expect(p!.path).toBe("severities.critical.updates.every");
    expect(p!.message).toContain("longer than the resolution target '4h'");
  });

  it("refuses a maintenance window that falls in a blackout every time", () => {
    const text = edit(
      template,
      "  blackouts: []",
      '  blackouts:\n    - { name: No Sunday work, rule: FREQ=WEEKLY;BYDAY=SU, at: "00:00", duration: 24h }',
    );
    const [p] = problemsOf(text);
    expect(p!.path).toBe("changes.maintenance_windows[0]");
    expect(p!.message).toContain("every occurrence of 'Weekly patch window' falls in a blackout period");
    // A dated blackout over the holidays leaves the window usable the rest of the year.
    const ok = edit(
      template,
      "  blackouts: []",
      "  blackouts:\n    - { name: Year-end close, from: 2026-12-20, to: 2027-01-02 }",
    );
    expect(validateProtocolText(ok).ok).toBe(true);
  });

  it("refuses an escalation level nobody can hold, or held by the other side's roles", () => {
    let text = edit(template, "roles: [senior_technician]", "roles: []");
    expect(problemsOf(text)[0]!.message).toBe(
      "escalation.levels[1]: nobody can hold level 'Senior technician'; give it roles or people.",
    );
    text = edit(template, "roles: [senior_technician]", "roles: [executive]");
    expect(problemsOf(text)[0]!.message).toContain("'executive' is not a provider role");
  });

  it("checks a relationship's people can hold each level", () => {
    const members = {
      client: [{ email: "exec@client.example", role: "executive" as const }],
      provider: [{ email: "am@msp.example", role: "account_manager" as const }],
    };
    const r = validateProtocolText(template, { members });
    expect(r.ok).toBe(false);
    const messages = r.problems.map((p) => p.message);
    expect(
      messages.some((m) =>
        m.startsWith(
          "escalation.levels[0]: nobody at the client organization can hold level 'Client IT point of contact'",
        ),
      ),
    ).toBe(true);
    expect(
      messages.some((m) => m.startsWith("escalation.levels[1]: nobody at the provider organization")),
    ).toBe(true);
    expect(messages.filter((m) => m.includes("levels[2]") || m.includes("levels[3]"))).toEqual([]);
  });

  it("finds impact rules that can never apply and answers no rule covers", () => {
    let text = edit(template, "    - { severity: low }\n", "");
    expect(problemsOf(text)[0]!.message).toContain("no rule gives a severity for");
    text = edit(
      template,
      "    - { people_affected: [many, everyone], severity: high }\n",
      "    - { people_affected: [many, everyone], severity: high }\n    - { people_affected: [everyone], severity: low }\n",
    );
    expect(problemsOf(text)[0]!.message).toBe(
      "impact_matrix.rules[3]: this rule can never apply, because earlier rules already match every case it covers; remove it or move it up.",
    );
  });

  it("refuses business days on a 24x7 clock and a response clock paused while new", () => {
    let text = edit(
      template,
      "resolution: { within: 4h, clock: 24x7 }",
      "resolution: { within: 2 business days, clock: 24x7 }",
    );
    expect(problemsOf(text).map((p) => p.message)).toContain(
      "severities.critical.resolution.within: '2 business days' counts business days, which needs clock: business.",
    );
    text = edit(template, "  response: []", "  response: [new]");
    expect(problemsOf(text)[0]!.message).toContain("would stop it from ever running");
  });

  it("checks holidays, exceptions and blackouts have one clear form", () => {
    let text = edit(
      template,
      "{ name: Thanksgiving, month: 11, weekday: thu, nth: 4 }",
      "{ name: Thanksgiving, month: 11 }",
    );
    expect(problemsOf(text)[0]!.message).toContain("'Thanksgiving' needs exactly one of");
    text = edit(template, "  exceptions: []", "  exceptions:\n    - { date: 2026-02-30, closed: true }");
    expect(problemsOf(text)[0]!.message).toContain("'2026-02-30' is not a real calendar date");
    text = edit(
      template,
      "  blackouts: []",
      "  blackouts:\n    - { name: Backwards, from: 2027-01-02, to: 2026-12-20 }",
    );
    expect(problemsOf(text)[0]!.message).toBe(
      "changes.blackouts[0].to: ends (2026-12-20) before it starts (2027-01-02).",
    );
  });

  it("warns when touchpoints lack a side, without refusing the document", () => {
    const text = edit(template, "    provider: [account_manager, senior_technician]", "    provider: []");
    const r = validateProtocolText(text);
    expect(r.ok).toBe(true);
    expect(r.problems).toEqual([
      expect.objectContaining({
        level: "warning",
        path: "touchpoints.attendees",
        message: expect.stringContaining("the provider side has nobody"),
      }),
    ]);
  });

  it("publishes a JSON Schema editors can use", () => {
    const schema = protocolJsonSchema() as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
      required: string[];
    };
    expect(schema.required).toEqual(
      expect.arrayContaining(["timezone", "severities", "escalation", "changes", "scope"]),
    );
    expect(Object.keys(schema.properties.severities!.properties!)).toEqual([
      "critical",
      "high",
      "medium",
      "low",
    ]);
    expect(JSON.stringify(schema)).toContain("business");
  });
});
