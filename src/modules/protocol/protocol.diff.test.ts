import { describe, expect, it } from "vitest";
import { diffProtocols } from "./protocol.diff.ts";
import type { ProtocolDoc } from "./protocol.document.ts";
import { defaultProtocolTemplate } from "./protocol.service.ts";
import { validateProtocolText } from "./protocol.validate.ts";

const parse = (text: string): ProtocolDoc => {
  const r = validateProtocolText(text);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join("\n"));
  return r.doc;
};
const template = defaultProtocolTemplate();

describe("protocol diff", () => {
  it("says nothing changed for the same document", () => {
    expect(diffProtocols(parse(template), parse(template))).toEqual([]);
  });

  it("describes changes in the terms people agreed on", () => {
    const next = template
      .replace("response: { within: 15m, clock: 24x7 }", "response: { within: 10m, clock: 24x7 }")
      .replace(
        "  blackouts: []",
        "  blackouts:\n    - { name: Year-end close, from: 2026-12-20, to: 2027-01-02 }",
      )
      .replace("    - { name: Memorial Day, month: 5, weekday: mon, nth: -1 }\n", "")
      .replace(
        "    - { name: Christmas Day",
        "    - { name: Good Friday, easter: -2 }\n    - { name: Christmas Day",
      )
      .replace("notice: 5 business days", "notice: 10 business days")
      .replace('fri: ["08:00-12:00", "13:00-17:00"]', 'fri: ["08:00-12:00", "13:00-15:00"]');
    const changes = diffProtocols(parse(template), parse(next));
    expect(changes.map((c) => c.text)).toEqual(
      expect.arrayContaining([
        "critical response 15m → 10m",
        "added blackout Year-end close 2026-12-20..2027-01-02",
        "removed holiday Memorial Day (last Monday of month 5)",
        "added holiday Good Friday (Easter -2 days)",
        "significant change notice 5 business days → 10 business days",
        "Friday hours 08:00-12:00, 13:00-17:00 → 08:00-12:00, 13:00-15:00",
      ]),
    );
    expect(changes).toHaveLength(6);
    expect(changes.find((c) => c.text.startsWith("critical response"))).toMatchObject({
      section: "Severities",
      kind: "changed",
      before: "15m",
      after: "10m",
    });
  });

  it("does not report reordered lists as changes, and reports edits inside a keyed item", () => {
    const reordered = template.replace(
      "    - { name: New Year's Day, month: 1, day: 1, observed: nearest_weekday }\n    - { name: Memorial Day, month: 5, weekday: mon, nth: -1 }\n",
      "    - { name: Memorial Day, month: 5, weekday: mon, nth: -1 }\n    - { name: New Year's Day, month: 1, day: 1, observed: nearest_weekday }\n",
    );
    expect(reordered).not.toBe(template);
    expect(diffProtocols(parse(template), parse(reordered))).toEqual([]);
    const authority = template.replace(
      "decisions: [approve emergency spending, accept extended downtime, invoke business continuity plans]",
      "decisions: [approve emergency spending, accept extended downtime]",
    );
    const [change] = diffProtocols(parse(template), parse(authority));
    expect(change!.section).toBe("Escalation");
    expect(change!.text).toContain("→ approve emergency spending, accept extended downtime");
  });
});
