import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectWordsApart, inspectPdf, skipNote, skipPdfChecks } from "../../../test/pdf.ts";
import {
  type AgendaDocument,
  agendaFileName,
  renderAgendaMarkdown,
  renderAgendaPdf,
} from "./touchpoints.export.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;

type Item = AgendaDocument["sections"][number]["items"][number];

/** An agenda item with nothing but a title and a status, and whatever the test adds. */
function item(title: string, extra: Partial<Item> = {}): Item {
  return {
    group: null,
    title,
    status: "Open",
    detail: null,
    owner: null,
    flags: [],
    addedBy: null,
    minutes: null,
    decisions: [],
    actions: [],
    ...extra,
  };
}

// New York moves from EST (UTC-5) to EDT (UTC-4) at 02:00 on Sunday 8 March 2026: the period
// this meeting covers starts at 10:00 EST (15:00 UTC) and ends at 10:00 EDT (14:00 UTC).
const start = Date.UTC(2026, 2, 10, 14, 0);

/** Touchpoint 7, held: minutes, a decision and two action items. */
function weekly(): AgendaDocument {
  const backup = "#4711 Backup job failing on FS02";
  return {
    relationship: {
      name: "Northwind IT support",
      clientName: "Northwind Traders",
      providerName: "Contoso Managed Services",
    },
    meeting: {
      number: 7,
      start,
      end: start + HOUR,
      state: "held",
      moved: true,
      moveReason: "Monday was a public holiday",
      skipReason: null,
      heldAt: start + 65 * MIN,
      link: "https://meet.example.com/northwind",
    },
    timeZone: "America/New_York",
    since: Date.UTC(2026, 2, 3, 15, 0),
    until: start,
    frozen: true,
    attendees: [
      { name: "Dana Whitfield", side: "client", role: "IT lead" },
      { name: "Marco Rossi", side: "provider", role: "Service manager" },
      { name: "Sam Lee", side: "client", role: "" },
    ],
    sections: [
      {
        key: "previous",
        title: "1. Previously identified issues and open action items",
        note: "Since Tue 3 Mar 10:00",
        items: [
          item(backup, {
            group: "Critical",
            status: "In progress",
            detail: "The nightly job failed three times.",
            owner: "Marco Rossi",
            flags: ["Response target missed", "Escalated to level 2"],
            minutes: "Disk replaced on Friday.\r\n\r\n- job ran twice since\n",
            decisions: ["Replace the second disk this week."],
            actions: [
              {
                number: 12,
                title: "Replace disk 2 in FS02",
                owner: "Marco Rossi",
                dueOn: "2026-03-13",
                done: false,
              },
            ],
          }),
          item("#4712 VPN drops", { group: "Critical", status: "Resolved" }),
          item("A-9 Review firewall rules", { status: "Done", owner: "Dana Whitfield" }),
        ],
      },
      { key: "overdue", title: "2. Overdue action items", note: "Due before Tue 10 Mar", items: [] },
      {
        key: "concerns",
        title: "5. Concerns",
        note: "",
        items: [
          item("Printers on the 3rd floor", {
            group: "Raised by the client",
            addedBy: { name: "Dana Whitfield", side: "client" },
            actions: [
              {
                number: 13,
                title: "Quote for new printers",
                owner: "Marco Rossi",
                dueOn: "2026-03-20",
                done: true,
              },
            ],
          }),
        ],
      },
    ],
    decisions: [{ itemTitle: backup, text: "Replace the second disk this week.", by: "Dana Whitfield" }],
    actions: [
      {
        number: 12,
        title: "Replace disk 2 in FS02",
        owner: "Marco Rossi",
        dueOn: "2026-03-13",
        done: false,
        itemTitle: backup,
      },
      {
        number: 13,
        title: "Quote for new printers",
        owner: "Marco Rossi",
        dueOn: "2026-03-20",
        done: true,
        itemTitle: "Printers on the 3rd floor",
      },
    ],
    generatedAt: Date.UTC(2026, 2, 10, 16, 0),
  };
}

/** The same meeting a week before: an agenda nobody has written in yet. */
function upcoming(): AgendaDocument {
  const doc = weekly();
  return {
    ...doc,
    meeting: { ...doc.meeting, state: "scheduled", moved: false, moveReason: null, heldAt: null, link: null },
    frozen: false,
    attendees: [],
    sections: doc.sections.map((s) => ({
      ...s,
      items: s.items.map((i) => ({ ...i, minutes: null, decisions: [], actions: [] })),
    })),
    decisions: [],
    actions: [],
    generatedAt: Date.UTC(2026, 2, 9, 13, 0),
  };
}

/** Cells of a GFM table row: split at pipes that are not escaped. */
const cellsOf = (row: string) => row.split(/(?<!\\)\|/).slice(1, -1);

describe("agendaFileName", () => {
  it("is the meeting's number and date, and whether it is the agenda or the minutes", () => {
    expect(agendaFileName(weekly(), "md")).toBe("touchpoint-7-2026-03-10-minutes.md");
    expect(agendaFileName(weekly(), "pdf")).toBe("touchpoint-7-2026-03-10-minutes.pdf");
    expect(agendaFileName(upcoming(), "pdf")).toBe("touchpoint-7-2026-03-10-agenda.pdf");
  });

  it("takes the date in the protocol's zone, and stays ASCII whatever the names", () => {
    const doc = weekly();
    doc.meeting.start = Date.UTC(2026, 2, 10, 3, 30); // 23:30 on Mon 9 Mar in New York
    doc.relationship.name = "Zürich → 東京";
    expect(agendaFileName(doc, "md")).toBe("touchpoint-7-2026-03-09-minutes.md");
    expect(agendaFileName({ ...doc, timeZone: "Asia/Tokyo" }, "md")).toBe(
      "touchpoint-7-2026-03-10-minutes.md",
    );
    expect(agendaFileName({ ...doc, meeting: { ...doc.meeting, number: Number.NaN } }, "md")).toMatch(
      /^[a-z0-9-]+\.md$/,
    );
  });
});

describe("renderAgendaMarkdown", () => {
  it("writes the minutes: facts, sections, groups, items, and the summary tables", () => {
    expect(renderAgendaMarkdown(weekly())).toBe(
      [
        "# Touchpoint 7 — minutes",
        "",
        "- **Relationship:** Northwind IT support (Northwind Traders ↔ Contoso Managed Services)",
        "- **When:** Tue 10 Mar 2026 10:00–11:00 (times in America/New_York)",
        "- **Status:** Held, recorded on Tue 10 Mar 2026 11:05",
        "- **Moved:** Monday was a public holiday",
        "- **Link:** https://meet.example.com/northwind",
        "- **Period covered:** Tue 3 Mar 2026 10:00 – Tue 10 Mar 2026 10:00",
        "- **Client attendees:** Dana Whitfield (IT lead), Sam Lee",
        "- **Provider attendees:** Marco Rossi (Service manager)",
        "",
        "## 1. Previously identified issues and open action items",
        "",
        "_Since Tue 3 Mar 10:00_",
        "",
        "### Critical",
        "",
        "#### #4711 Backup job failing on FS02",
        "",
        "**Status:** In progress · **Owner:** Marco Rossi",
        "",
        "**Attention:** Response target missed; Escalated to level 2",
        "",
        "The nightly job failed three times.",
        "",
        "**Minutes**",
        "",
        "Disk replaced on Friday.",
        "",
        "- job ran twice since",
        "",
        "**Decisions**",
        "",
        "- Replace the second disk this week.",
        "",
        "**Action items**",
        "",
        "- **A-12** Replace disk 2 in FS02 — Marco Rossi, due Fri 13 Mar 2026, open",
        "",
        "#### #4712 VPN drops",
        "",
        "**Status:** Resolved",
        "",
        // An item without a group after a group is no longer under the group's sub-heading.
        "### A-9 Review firewall rules",
        "",
        "**Status:** Done · **Owner:** Dana Whitfield",
        "",
        "## 2. Overdue action items",
        "",
        "_Due before Tue 10 Mar_",
        "",
        "Nothing this time.",
        "",
        "## 5. Concerns",
        "",
        "### Raised by the client",
        "",
        "#### Printers on the 3rd floor",
        "",
        "**Status:** Open · **Added by:** Dana Whitfield (client)",
        "",
        "**Action items**",
        "",
        "- **A-13** Quote for new printers — Marco Rossi, due Fri 20 Mar 2026, done",
        "",
        "## Decisions",
        "",
        "| Item | Decision | By |",
        "| --- | --- | --- |",
        "| #4711 Backup job failing on FS02 | Replace the second disk this week. | Dana Whitfield |",
        "",
        "## Action items",
        "",
        "| Action | Title | Item | Owner | Due | Status |",
        "| --- | --- | --- | --- | --- | --- |",
        "| A-12 | Replace disk 2 in FS02 | #4711 Backup job failing on FS02 | Marco Rossi | Fri 13 Mar 2026 | open |",
        "| A-13 | Quote for new printers | Printers on the 3rd floor | Marco Rossi | Fri 20 Mar 2026 | done |",
        "",
        "---",
        "",
        "_Generated by Liaison on Tue 10 Mar 2026 12:00._",
        "",
      ].join("\n"),
    );
  });

  it("writes an agenda before the meeting, saying what is not there yet", () => {
    const md = renderAgendaMarkdown(upcoming());
    const lines = md.split("\n");
    expect(lines[0]).toBe("# Touchpoint 7 — agenda");
    expect(lines).toEqual(
      expect.arrayContaining([
        "- **Status:** Scheduled",
        "- **Client attendees:** nobody named",
        "- **Provider attendees:** nobody named",
      ]),
    );
    expect(md).not.toMatch(/Moved|Link|Minutes|\*\*Decisions\*\*|A-1[23]/);
    expect(md).toContain(
      "## Decisions\n\nNo decisions recorded.\n\n## Action items\n\nNo action items recorded.\n",
    );
  });

  it("says why a meeting was skipped or that it was cancelled", () => {
    const doc = upcoming();
    const skipped = {
      ...doc,
      meeting: { ...doc.meeting, state: "skipped" as const, skipReason: "Office move" },
    };
    expect(renderAgendaMarkdown(skipped)).toContain("- **Status:** Skipped: Office move\n");
    skipped.meeting.skipReason = " ";
    expect(renderAgendaMarkdown(skipped)).toContain("- **Status:** Skipped: no reason given\n");
    const cancelled = { ...doc, meeting: { ...doc.meeting, state: "cancelled" as const, moved: true } };
    expect(renderAgendaMarkdown(cancelled)).toContain(
      "- **Status:** Cancelled\n- **Moved:** yes, no reason given\n",
    );
  });

  it("shows every time in the document's zone, across daylight saving changes", () => {
    // Berlin leaves summer time at 03:00 on Sunday 25 October 2026 (01:00 UTC).
    const doc = weekly();
    doc.timeZone = "Europe/Berlin";
    doc.since = Date.UTC(2026, 9, 19, 8, 0); // 10:00 CEST
    doc.until = Date.UTC(2026, 9, 26, 9, 0); // 10:00 CET
    doc.meeting.start = doc.until;
    doc.meeting.end = doc.until + 90 * MIN;
    doc.meeting.heldAt = doc.meeting.end;
    doc.generatedAt = Date.UTC(2026, 9, 26, 12, 0);
    const md = renderAgendaMarkdown(doc);
    expect(md).toContain("- **When:** Mon 26 Oct 2026 10:00–11:30 (times in Europe/Berlin)\n");
    expect(md).toContain("- **Status:** Held, recorded on Mon 26 Oct 2026 11:30\n");
    expect(md).toContain("- **Period covered:** Mon 19 Oct 2026 10:00 – Mon 26 Oct 2026 10:00\n");
    expect(md).toContain("_Generated by Liaison on Mon 26 Oct 2026 13:00._");
    // The zone is named once, in the facts.
    expect(md.split("Europe/Berlin").length - 1).toBe(1);
    expect(agendaFileName(doc, "md")).toBe("touchpoint-7-2026-10-26-minutes.md");

    // A late meeting in New York that runs over midnight and the change to summer time:
    // 23:30 EST, three hours later is 03:30 EDT.
    const late = weekly();
    late.meeting.start = Date.UTC(2026, 2, 8, 4, 30);
    late.meeting.end = late.meeting.start + 3 * HOUR;
    expect(renderAgendaMarkdown(late)).toContain(
      "- **When:** Sat 7 Mar 2026 23:30 – Sun 8 Mar 2026 03:30 (times in America/New_York)\n",
    );
  });

  it("does not let people's text break the document", () => {
    const doc = weekly();
    doc.relationship.name = "North\nwind";
    const section = doc.sections[0]!;
    section.title = "1. Issues ##";
    section.note = "Since *then* and_now_";
    section.items = [
      item("Outage ##", {
        group: "Critical\n# injected",
        status: "In | progress",
        owner: "Marco\n\n## Rossi",
        flags: ["Missed\n- twice"],
        minutes: "Log:\n  ````text\nERROR | disk full",
        detail: "<!-- draft",
        decisions: [
          "# not a heading",
          "1. not a list",
          "```js",
          "> not a quote",
          "<div>",
          "[x]: /evil",
          "- [ ] task",
        ],
        actions: [{ number: 3, title: "## Fix\n| it |", owner: "x", dueOn: "2026-03-13", done: false }],
      }),
      item("Run `cleanup | purge` now", { group: "Critical\n# injected" }),
    ];
    doc.decisions = [{ itemTitle: "a | b", text: "line 1\r\n\r\n| --- |\\", by: " | " }];
    doc.actions = [
      { number: 3, title: "## Fix\n| it |", owner: "x", dueOn: "someday", done: false, itemTitle: "`a | b`" },
    ];
    const md = renderAgendaMarkdown(doc);
    const lines = md.split("\n");

    expect(lines).toContain("- **Relationship:** North wind (Northwind Traders ↔ Contoso Managed Services)");
    expect(lines).toContain("## 1. Issues \\##");
    expect(lines).toContain("_Since \\*then\\* and\\_now\\__");
    expect(lines.filter((l) => l === "### Critical # injected")).toHaveLength(1);
    expect(lines).toContain("#### Outage \\##");
    expect(lines).toContain("**Status:** In | progress · **Owner:** Marco ## Rossi");
    expect(lines).toContain("**Attention:** Missed - twice");
    // The detail's open comment and the minutes' open fence are closed where they end.
    expect(md).toContain(
      "<!-- draft\n-->\n\n**Minutes**\n\nLog:\n  ````text\nERROR | disk full\n  ````\n\n**Decisions**",
    );
    expect(md).toContain(
      [
        "- \\# not a heading",
        "- 1\\. not a list",
        "- \\```js",
        "- \\> not a quote",
        "- \\<div>",
        "- \\[x]: /evil",
        "- \\- [ ] task",
      ].join("\n"),
    );
    expect(lines).toContain("- **A-3** ## Fix | it | — x, due Fri 13 Mar 2026, open");
    expect(lines).toContain("#### Run `cleanup | purge` now");

    // Only our own headings, at the levels we gave them.
    expect(lines.filter((l) => /^#{1,6} /.test(l))).toEqual([
      "# Touchpoint 7 — minutes",
      "## 1. Issues \\##",
      "### Critical # injected",
      "#### Outage \\##",
      "#### Run `cleanup | purge` now",
      "## 2. Overdue action items",
      "## 5. Concerns",
      "### Raised by the client",
      "#### Printers on the 3rd floor",
      "## Decisions",
      "## Action items",
    ]);

    // Every table row keeps its number of cells.
    const rows = lines.filter((l) => l.startsWith("|"));
    expect(rows).toHaveLength(2 + 1 + 2 + 1);
    for (const row of rows.slice(0, 3)) expect(cellsOf(row)).toHaveLength(3);
    for (const row of rows.slice(3)) expect(cellsOf(row)).toHaveLength(6);
    expect(rows[2]).toBe("| a \\| b | line 1<br><br>\\| --- \\|\\ | \\| |");
    expect(rows[5]).toBe("| A-3 | ## Fix<br>\\| it \\| | `a \\| b` | x | someday | open |");
  });

  it("keeps every character, and says nothing for blank values", () => {
    const doc = weekly();
    doc.sections[0]!.items[0]!.title = "Zürich → 東京 😀";
    doc.sections[0]!.items[0]!.owner = "  ";
    doc.sections[0]!.items[0]!.minutes = " \n ";
    doc.sections[0]!.items[0]!.decisions = ["", "Łukasz decides"];
    doc.sections[0]!.items[1]!.title = " ";
    const md = renderAgendaMarkdown(doc);
    expect(md).toContain("#### Zürich → 東京 😀\n\n**Status:** In progress\n\n**Attention:**");
    expect(md).not.toContain("**Minutes**");
    expect(md).toContain("**Decisions**\n\n- Łukasz decides\n\n**Action items**");
    expect(md).toContain("#### —\n\n**Status:** Resolved");
    doc.relationship.name = "";
    expect(renderAgendaMarkdown(doc)).toContain(
      "- **Relationship:** Northwind Traders ↔ Contoso Managed Services\n",
    );
  });
});

// --- PDF, checked with independent parsers (poppler's pdfinfo/pdftotext and qpdf) ------------

/** Occurrences of `needle` in `text`. */
const count = (text: string, needle: string) => text.split(needle).length - 1;

/** 150 items over five sections (and one empty), some with long minutes, decisions and actions. */
function longAgenda(): AgendaDocument {
  const doc = weekly();
  const paragraph = "We went through the backup logs again and agreed on the next steps. ".repeat(12);
  const groups = ["Critical", "High", "Normal", null];
  let n = 0;
  doc.sections = ["previous", "overdue", "new_issues", "changes", "concerns", "upcoming"].map((key, s) => ({
    key: key as AgendaDocument["sections"][number]["key"],
    title: `Section-${s + 1} about ${key}`,
    note: `Since Tue 3 Mar 10:00 (section ${s + 1})`,
    items:
      s === 1
        ? []
        : Array.from({ length: 30 }, (_, i) => {
            const k = ++n;
            const title = `Item-${String(k).padStart(3, "0")} raised in section ${s + 1}`;
            return item(title, {
              group: groups[Math.floor(i / 8)]!,
              status: i % 2 === 0 ? "In progress" : "Resolved",
              owner: i % 3 === 0 ? null : "Marco Rossi",
              flags: i % 5 === 0 ? ["Response target missed", "Escalated to level 2"] : [],
              detail: i % 4 === 0 ? paragraph.slice(0, 300) : null,
              // One item's minutes are longer than a page.
              minutes: k === 77 ? `${paragraph}\n\n`.repeat(12) : i % 3 === 0 ? paragraph : null,
              decisions: i % 10 === 0 ? [`Decision on item ${k}: go ahead.`] : [],
              actions:
                i % 10 === 0
                  ? [
                      {
                        number: k,
                        title: `Follow up on item ${k}`,
                        owner: "Dana Whitfield",
                        dueOn: "2026-03-20",
                        done: false,
                      },
                    ]
                  : [],
            });
          }),
  }));
  const items = doc.sections.flatMap((s) => s.items);
  doc.decisions = items.flatMap((i) =>
    i.decisions.map((text) => ({ itemTitle: i.title, text, by: "Dana Whitfield" })),
  );
  doc.actions = items.flatMap((i) => i.actions.map((a) => ({ ...a, itemTitle: i.title })));
  return doc;
}

describe("renderAgendaPdf", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "liaison-agenda-"));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  let n = 0;
  async function inspect(buf: Buffer) {
    return inspectPdf(buf, join(dir, `agenda-${++n}.pdf`));
  }

  it.skipIf(skipPdfChecks)(`is a valid A4 PDF with the minutes' content${skipNote}`, async () => {
    const { qpdf, info, text, pages } = await inspect(await renderAgendaPdf(weekly()));
    expect(qpdf).toContain("No syntax or stream encoding errors");
    expect(info).toMatch(/^Title:\s+Touchpoint 7 — minutes$/m);
    expect(info).toMatch(/^Author:\s+Liaison$/m);
    expect(info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
    expect(info).toMatch(/^CreationDate:.*Mar 10 16:00:00 2026/m);
    expect(text).toContain("Touchpoint 7 — minutes");
    expect(text).toMatch(
      /Relationship\s+Northwind IT support \(Northwind Traders <-> Contoso Managed Services\)/,
    );
    expect(text).toMatch(/When\s+Tue 10 Mar 2026 10:00–11:00 \(times in America\/New_York\)/);
    expect(text).toMatch(/Period covered\s+Tue 3 Mar 2026 10:00 – Tue 10 Mar 2026 10:00/);
    expect(text).toMatch(/Client attendees\s+Dana Whitfield \(IT lead\), Sam Lee/);
    expect(text).toContain("Since Tue 3 Mar 10:00");
    expect(text).toMatch(
      /Critical\s+#4711 Backup job failing on FS02\s+Status: In progress · Owner: Marco Rossi/,
    );
    expect(text).toContain("Attention: Response target missed; Escalated to level 2");
    expect(text).toMatch(
      /Minutes\s+Disk replaced on Friday\.\s+- job ran twice since\s+Decisions\s+• Replace the second disk/,
    );
    expect(text).toContain("• A-12 Replace disk 2 in FS02 — Marco Rossi, due Fri 13 Mar 2026, open");
    expect(text).toMatch(/2\. Overdue action items\s+Due before Tue 10 Mar\s+Nothing this time\./);
    expect(text).toMatch(
      /Raised by the client\s+Printers on the 3rd floor\s+Status: Open · Added by: Dana Whitfield \(client\)/,
    );
    expect(text).toMatch(
      /A-13\s+Quote for new printers\s+Printers on the 3rd floor\s+Marco Rossi\s+Fri 20 Mar 2026\s+done/,
    );
    expect(text).toContain("Generated by Liaison on Tue 10 Mar 2026 12:00");
    for (let p = 1; p <= pages; p++) expect(text).toContain(`Page ${p} of ${pages}`);
  });

  it("is the same bytes for the same input", async () => {
    const [a, b] = await Promise.all([renderAgendaPdf(weekly()), renderAgendaPdf(weekly())]);
    expect(a.subarray(0, 5).toString()).toBe("%PDF-");
    expect(a.equals(b)).toBe(true);
    const later = await renderAgendaPdf({ ...weekly(), generatedAt: weekly().generatedAt + MIN });
    expect(later.equals(a)).toBe(false);
  });

  it.skipIf(skipPdfChecks)(`paginates a 150-item agenda without overlapping text${skipNote}`, async () => {
    const doc = longAgenda();
    const buf = await renderAgendaPdf(doc);
    expect(buf.equals(await renderAgendaPdf(longAgenda()))).toBe(true);
    const { qpdf, info, text, bbox, pages } = await inspect(buf);
    expect(qpdf).toContain("No syntax or stream encoding errors");
    expect(info).toMatch(/^Title:\s+Touchpoint 7 — minutes$/m);
    expect(pages).toBeGreaterThanOrEqual(10);

    const items = doc.sections.flatMap((s) => s.items);
    expect(items).toHaveLength(150);
    for (const s of doc.sections) expect(count(text, s.title), s.title).toBe(1);
    expect(count(text, "Nothing this time.")).toBe(1);
    for (const i of items) {
      // Once as the item, and once more in each summary table that lists something from it.
      const summaries = doc.decisions.filter((d) => d.itemTitle === i.title).length + i.actions.length;
      const head = i.title.split(" ")[0]!; // table cells may wrap the rest of the title
      expect(count(text, `${i.title}\n`), i.title).toBe(1);
      expect(count(text, `${head} `), head).toBe(1 + summaries);
    }
    for (const a of doc.actions)
      expect(text).toContain(`• A-${a.number} Follow up on item ${a.number} — Dana Whitfield`);
    for (let p = 1; p <= pages; p++) expect(text).toContain(`Page ${p} of ${pages}`);

    // Every word lies on its page, and no two words on a page overlap.
    expectWordsApart(bbox, pages);
  });

  it.skipIf(skipPdfChecks)(`replaces characters the standard fonts lack with "?"${skipNote}`, async () => {
    const doc = weekly();
    doc.relationship.name = "Zürich → 東京 😀";
    doc.sections[0]!.title = "1. Ошибки";
    doc.sections[0]!.items[0]!.title = "Ticket from Łukasz";
    doc.sections[0]!.items[0]!.minutes =
      "Emoji 👩‍💻 and combining e\u0301 and tab\tend\u0000\u0007 € “quoted” —";
    doc.attendees[0]!.name = "Dana 東京";
    const { info, text } = await inspect(await renderAgendaPdf(doc));
    // Document info is Unicode (UTF-16) in PDF, so the subject keeps every character there.
    expect(info).toMatch(/^Subject:\s+Touchpoint minutes, Northwind Traders ↔ Contoso Managed Services$/m);
    expect(text).toContain("Zürich -> ?? ? (Northwind Traders <-> Contoso Managed Services)");
    expect(text).toContain("1. ??????");
    expect(text).toContain("Ticket from ?ukasz");
    expect(text).toMatch(/Emoji \?\? and combining é and tab\s+end\s+€ “quoted” —/);
    expect(text).toContain("Dana ?? (IT lead)");
    // The Markdown keeps them all.
    const md = renderAgendaMarkdown(doc);
    expect(md).toContain("Zürich → 東京 😀");
    expect(md).toContain("#### Ticket from Łukasz");
  });
});
