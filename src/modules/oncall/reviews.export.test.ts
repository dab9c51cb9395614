import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectWordsApart, inspectPdf, skipNote, skipPdfChecks } from "../../../test/pdf.ts";
import {
  formatDuration,
  renderReviewMarkdown,
  renderReviewPdf,
  type ReviewDocument,
  reviewFileName,
} from "./reviews.export.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * Timeline entries with the gaps the service computes: real elapsed time, not wall-clock
 * differences (these cross the start of daylight saving time in New York).
 */
function timeline(
  entries: Array<{ at: number; label: string; by?: string | null; detail?: string | null }>,
): ReviewDocument["timeline"] {
  const start = entries[0]?.at ?? 0;
  return entries.map((e, i) => ({
    at: e.at,
    label: e.label,
    by: e.by ?? null,
    detail: e.detail ?? null,
    sincePrevious: i === 0 ? null : e.at - entries[i - 1]!.at,
    sinceStart: e.at - start,
  }));
}

// New York moves from EST (UTC-5) to EDT (UTC-4) at 02:00 on Sunday 8 March 2026 (07:00 UTC).
const declared = Date.UTC(2026, 2, 8, 6, 40); // 01:40 EST

function mailOutage(): ReviewDocument {
  return {
    relationship: { clientName: "Northwind Traders", providerName: "Contoso Managed Services" },
    number: 12,
    title: "Mail server outage",
    state: "open",
    timeZone: "America/New_York",
    ticket: { number: 4711, title: "No mail delivered to any mailbox", severity: "P1" },
    emergency: {
      number: 3,
      affectedSystem: "Exchange 2019 (MAIL01)",
      criteria: ["All users affected", "No workaround"],
    },
    createdAt: Date.UTC(2026, 2, 9, 14, 0), // Mon 10:00 EDT
    dueAt: Date.UTC(2026, 2, 14, 14, 0),
    finishedAt: null,
    timeline: timeline([
      { at: declared, label: "Emergency declared", by: "Dana Whitfield", detail: "Outlook cannot connect" },
      { at: declared + 12 * MIN, label: "Acknowledged", by: "Marco Rossi" },
      {
        at: declared + 25 * MIN, // 03:05 EDT: 13 minutes later, though the clock moved 1 h 13 min
        label: "Investigation update",
        by: "Marco Rossi",
        detail: "Mailbox database dismounted | disk full\nRemoved old transaction logs",
      },
      { at: declared + 110 * MIN, label: "Mitigated", by: "Marco Rossi" },
      { at: declared + 30 * HOUR + 35 * MIN, label: "Resolved", by: "Marco Rossi" },
    ]),
    durations: { toAcknowledge: 12 * MIN, toResolve: 30 * HOUR + 35 * MIN },
    whatHappened:
      "The transaction log volume on MAIL01 filled up and the mailbox database dismounted.\n\n" +
      "### Root cause\n> Circular logging was off after the February migration.\n- backups still ran",
    wentWell: "Paging reached the on-call engineer within 2 minutes.",
    couldBeBetter: "No alert on free disk space.",
    actions: [
      {
        title: "Alert on log volume free space below 20%",
        owner: "Marco Rossi",
        dueOn: "2026-03-13",
        done: true,
        doneAt: Date.UTC(2026, 2, 11, 15, 30),
        overdue: false,
      },
      {
        title: "Move logs to a separate disk\n(needs a change window)",
        owner: "Contoso infrastructure",
        dueOn: "2026-03-10",
        done: false,
        doneAt: null,
        overdue: true,
      },
      {
        title: "Runbook for a dismounted database",
        owner: "Dana Whitfield",
        dueOn: "2026-04-01",
        done: false,
        doneAt: null,
        overdue: false,
      },
    ],
    signoffs: { provider: { name: "Marco Rossi", at: Date.UTC(2026, 2, 11, 16, 0) }, client: null },
    generatedAt: Date.UTC(2026, 2, 12, 16, 0),
  };
}

/** Cells of a GFM table row: split at pipes that are not escaped. */
const cellsOf = (row: string) => row.split(/(?<!\\)\|/).slice(1, -1);

describe("formatDuration", () => {
  it.each([
    [0, "under a minute"],
    [59_999, "under a minute"],
    [MIN, "1 min"],
    [42 * MIN + 59_000, "42 min"],
    [HOUR, "1 h 00 min"],
    [HOUR + 5 * MIN, "1 h 05 min"],
    [23 * HOUR + 59 * MIN, "23 h 59 min"],
    [24 * HOUR, "1 d 0 h"],
    [3 * 24 * HOUR + 4 * HOUR + 59 * MIN, "3 d 4 h"],
    [-5 * MIN, "-5 min"],
  ])("%d ms is %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("refuses what is not a duration", () => {
    expect(() => formatDuration(Number.NaN)).toThrow(RangeError);
  });
});

describe("reviewFileName", () => {
  it("is the number and an ASCII slug of the title", () => {
    const doc = mailOutage();
    expect(reviewFileName(doc, "md")).toBe("PIR-12-mail-server-outage.md");
    expect(reviewFileName(doc, "pdf")).toBe("PIR-12-mail-server-outage.pdf");
    expect(reviewFileName({ ...doc, title: 'Zürich: DNS — Ausfall / 東京 "quoted";' }, "md")).toBe(
      "PIR-12-zurich-dns-ausfall-quoted.md",
    );
    expect(reviewFileName({ ...doc, title: "東京 😀" }, "pdf")).toBe("PIR-12.pdf");
  });

  it("stays short and header-safe for long titles", () => {
    const name = reviewFileName({ ...mailOutage(), title: "firewall ".repeat(40) }, "pdf");
    expect(name).toMatch(/^PIR-12-[a-z0-9-]+\.pdf$/);
    expect(name.length).toBeLessThanOrEqual("PIR-12-.pdf".length + 60);
    expect(name).not.toMatch(/--|-\.pdf$/);
  });
});

describe("renderReviewMarkdown", () => {
  const md = renderReviewMarkdown(mailOutage());
  const lines = md.split("\n");

  it("has the title and the facts, times in the protocol's zone", () => {
    expect(lines[0]).toBe("# PIR-12: Mail server outage");
    expect(lines).toEqual(
      expect.arrayContaining([
        "- **Relationship:** Northwind Traders ↔ Contoso Managed Services",
        "- **Ticket:** #4711 No mail delivered to any mailbox (severity P1)",
        "- **Emergency:** EMG-3, affected system: Exchange 2019 (MAIL01)",
        "- **Emergency criteria:** All users affected; No workaround",
        "- **Status:** Open",
        "- **Created:** Mon 9 Mar 2026 10:00",
        "- **Due:** Sat 14 Mar 2026 10:00",
        "- **Finished:** not yet",
        "- **Time zone:** America/New_York (all times in this review)",
      ]),
    );
    expect(md.split("America/New_York").length - 1).toBe(1);
  });

  it("shows the timeline in local time across the DST change, with elapsed durations", () => {
    const start = lines.indexOf("## Timeline");
    expect(lines.slice(start + 2, start + 9)).toEqual([
      "| Time | What | Who | Since previous | Since start |",
      "| --- | --- | --- | --- | --- |",
      "| Sun 8 Mar 01:40 | Emergency declared — Outlook cannot connect | Dana Whitfield | — | start |",
      "| Sun 8 Mar 01:52 | Acknowledged | Marco Rossi | 12 min | 12 min |",
      "| Sun 8 Mar 03:05 | Investigation update — Mailbox database dismounted \\| disk full<br>Removed old transaction logs | Marco Rossi | 13 min | 25 min |",
      "| Sun 8 Mar 04:30 | Mitigated | Marco Rossi | 1 h 25 min | 1 h 50 min |",
      "| Mon 9 Mar 09:15 | Resolved | Marco Rossi | 1 d 4 h | 1 d 6 h |",
    ]);
    expect(lines).toContain("- **Time to acknowledge:** 12 min");
    expect(lines).toContain("- **Time to resolve:** 1 d 6 h");
  });

  it("keeps the authors' Markdown in the free-text sections", () => {
    expect(md).toContain(
      "## What happened\n\nThe transaction log volume on MAIL01 filled up and the mailbox database dismounted.\n\n" +
        "### Root cause\n> Circular logging was off after the February migration.\n- backups still ran\n\n## What went well\n",
    );
    expect(md).toContain("## What could be better\n\nNo alert on free disk space.\n");
  });

  it("lists the prevention actions with their status", () => {
    const start = lines.indexOf("## Prevention actions");
    expect(lines.slice(start + 2, start + 7)).toEqual([
      "| Action | Owner | Due | Status |",
      "| --- | --- | --- | --- |",
      "| Alert on log volume free space below 20% | Marco Rossi | Fri 13 Mar 2026 | done on Wed 11 Mar 2026 |",
      "| Move logs to a separate disk<br>(needs a change window) | Contoso infrastructure | Tue 10 Mar 2026 | overdue |",
      "| Runbook for a dismounted database | Dana Whitfield | Wed 1 Apr 2026 | open |",
    ]);
  });

  it("shows who signed off and who has not", () => {
    expect(lines).toContain(
      "- **Provider (Contoso Managed Services):** signed by Marco Rossi on Wed 11 Mar 2026 12:00",
    );
    expect(lines).toContain("- **Client (Northwind Traders):** not yet signed");
    expect(lines).toContain("_Generated by Liaison on Thu 12 Mar 2026 12:00._");
  });

  it("does not let people's text break a table or the heading", () => {
    const doc = mailOutage();
    doc.title = "Outage ##";
    doc.timeline = timeline([
      {
        at: declared,
        label: "a | b || c",
        by: "x\n| injected | row |\n\ny",
        detail: "line 1\r\n\r\n| --- |\\",
      },
    ]);
    doc.actions = [{ ...doc.actions[0]!, title: "## not a heading\n> nor a quote", owner: " | " }];
    const out = renderReviewMarkdown(doc).split("\n");
    expect(out[0]).toBe("# PIR-12: Outage \\##");
    const rows = out.filter((l) => l.startsWith("|"));
    expect(rows).toHaveLength(2 + 1 + 2 + 1); // two header lines per table, one row each
    for (const row of rows.slice(0, 3)) expect(cellsOf(row)).toHaveLength(5);
    for (const row of rows.slice(3)) expect(cellsOf(row)).toHaveLength(4);
    expect(rows[2]).toBe(
      "| Sun 8 Mar 01:40 | a \\| b \\|\\| c — line 1<br><br>\\| --- \\|\\ | x<br>\\| injected \\| row \\|<br><br>y | — | start |",
    );
    expect(rows[5]).toBe(
      "| ## not a heading<br>> nor a quote | \\| | Fri 13 Mar 2026 | done on Wed 11 Mar 2026 |",
    );
  });

  it("closes a code fence or HTML comment an author left open", () => {
    const doc = {
      ...mailOutage(),
      wentWell: "Log:\n  ````text\nERROR | disk full",
      couldBeBetter: "<!-- draft",
    };
    const out = renderReviewMarkdown(doc);
    expect(out).toContain(
      "Log:\n  ````text\nERROR | disk full\n  ````\n\n## What could be better\n\n<!-- draft\n-->\n\n## Prevention",
    );
    // A closed fence is left alone.
    const closed = renderReviewMarkdown({ ...mailOutage(), wentWell: "```\nx\n```" });
    expect(closed).toContain("## What went well\n\n```\nx\n```\n\n## What could be better");
  });

  it("says when there is nothing yet", () => {
    const out = renderReviewMarkdown({
      ...mailOutage(),
      emergency: null,
      timeline: [],
      actions: [],
      wentWell: "  ",
      durations: { toAcknowledge: null, toResolve: null },
    });
    expect(out).toContain("- **Emergency:** none declared\n- **Status:** Open");
    expect(out).toContain("## Timeline\n\nNo timeline entries.\n");
    expect(out).toContain("## What went well\n\n_Nothing written yet._\n");
    expect(out).toContain("## Prevention actions\n\nNo prevention actions recorded.\n");
    expect(out).toContain("- **Time to acknowledge:** not recorded");
  });

  it("shows the year on timeline rows when the timeline crosses a new year", () => {
    const doc = mailOutage();
    const eve = Date.UTC(2026, 0, 1, 4, 30); // 23:30 on 31 Dec 2025 in New York
    doc.createdAt = eve + 2 * HOUR;
    doc.timeline = timeline([
      { at: eve, label: "Declared" },
      { at: eve + HOUR, label: "Acknowledged" },
    ]);
    const out = renderReviewMarkdown(doc);
    expect(out).toContain("| Wed 31 Dec 2025 23:30 | Declared | — | — | start |");
    expect(out).toContain("| Thu 1 Jan 2026 00:30 | Acknowledged | — | 1 h 00 min | 1 h 00 min |");
  });
});

// --- PDF, checked with independent parsers (poppler's pdfinfo/pdftotext and qpdf) ------------

describe("renderReviewPdf", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "liaison-pir-"));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  let n = 0;
  async function inspect(buf: Buffer) {
    return inspectPdf(buf, join(dir, `review-${++n}.pdf`));
  }

  it.skipIf(skipPdfChecks)(`is a valid A4 PDF with the review's content${skipNote}`, async () => {
    const doc = mailOutage();
    const { qpdf, info, text, pages } = await inspect(await renderReviewPdf(doc));
    expect(qpdf).toContain("No syntax or stream encoding errors");
    expect(info).toMatch(/^Title:\s+PIR-12: Mail server outage$/m);
    expect(info).toMatch(/^Author:\s+Liaison$/m);
    expect(info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
    expect(info).toMatch(/^CreationDate:.*2026/m);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(text).toContain("PIR-12: Mail server outage");
    expect(text).toContain("Northwind Traders <-> Contoso Managed Services");
    expect(text).toContain("America/New_York");
    for (const e of doc.timeline) expect(text).toContain(e.label);
    expect(text).toMatch(/Sun 8 Mar 03:05\s+Investigation update\s+Marco Rossi\s+13 min\s+25 min/);
    for (const a of doc.actions) expect(text).toContain(a.title.split("\n")[0]);
    expect(text).toMatch(/Move logs to a separate disk\s+Contoso infrastructure\s+Tue 10 Mar 2026\s+overdue/);
    expect(text).toContain("done on Wed 11 Mar 2026");
    expect(text).toContain("signed by Marco Rossi on Wed 11 Mar 2026 12:00");
    expect(text).toContain("not yet signed");
    expect(text).toContain("Generated by Liaison on Thu 12 Mar 2026 12:00");
    expect(text).toContain(`Page 1 of ${pages}`);
  });

  it("is the same bytes for the same review", async () => {
    const doc = mailOutage();
    const [a, b] = await Promise.all([renderReviewPdf(doc), renderReviewPdf(doc)]);
    expect(a.subarray(0, 5).toString()).toBe("%PDF-");
    expect(a.equals(b)).toBe(true);
  });

  it.skipIf(skipPdfChecks)(`paginates a long review without overlapping text${skipNote}`, async () => {
    const doc = mailOutage();
    const paragraph = "The database dismounted again while the logs were being truncated. ".repeat(40);
    doc.timeline = timeline(
      Array.from({ length: 200 }, (_, i) => ({
        at: declared + i * 7 * MIN,
        label: `Entry-${String(i).padStart(3, "0")}`,
        by: i % 4 === 0 ? null : "Marco Rossi",
        // Some rows are short, some wrap over many lines, one is longer than a page.
        detail: i === 150 ? "word ".repeat(3000) : i % 3 === 0 ? null : paragraph.slice(0, (i % 7) * 120),
      })),
    );
    doc.whatHappened = `${paragraph}\n\n`.repeat(20);
    doc.actions = Array.from({ length: 40 }, (_, i) => ({
      ...doc.actions[1]!,
      title: `Action-${i} ${paragraph.slice(0, 200)}`,
    }));
    const { text, bbox, pages } = await inspect(await renderReviewPdf(doc));

    expect(pages).toBeGreaterThanOrEqual(10);
    for (let i = 0; i < 200; i++) {
      const label = `Entry-${String(i).padStart(3, "0")}`;
      expect(text.split(label).length - 1, label).toBe(1);
    }
    for (let i = 0; i < 40; i++) expect(text).toMatch(new RegExp(`Action-${i} `));
    for (let p = 1; p <= pages; p++) expect(text).toContain(`Page ${p} of ${pages}`);

    // Every word lies on its page, and no two words on a page overlap.
    expectWordsApart(bbox, pages);
  });

  it.skipIf(skipPdfChecks)(`replaces characters the standard fonts lack with "?"${skipNote}`, async () => {
    const doc = mailOutage();
    doc.title = "Zürich → 東京 link down 😀";
    doc.relationship.clientName = "Ünïcödé GmbH";
    doc.timeline = timeline([
      {
        at: declared,
        label: "Ticket from Zürich",
        by: "Łukasz",
        detail: "Ошибка: 東京\u0000\u0007 € “quoted” —",
      },
    ]);
    doc.whatHappened = "Emoji 👩‍💻 and combining e\u0301 and tab\tend";
    const buf = await renderReviewPdf(doc);
    const { info, text } = await inspect(buf);
    // Document info is Unicode (UTF-16) in PDF, so the title keeps every character there.
    expect(info).toMatch(/^Title:\s+PIR-12: Zürich → 東京 link down 😀$/m);
    expect(text).toContain("PIR-12: Zürich -> ?? link down ?");
    expect(text).toContain("Ünïcödé GmbH");
    expect(text).toContain("Ticket from Zürich");
    expect(text).toContain("?ukasz");
    expect(text).toContain("??????: ??");
    expect(text).toContain("€ “quoted” —");
    expect(text).toMatch(/Emoji \?\? and combining é and tab\s+end/);
    // The Markdown keeps them all.
    const md = renderReviewMarkdown(doc);
    expect(md).toContain("# PIR-12: Zürich → 東京 link down 😀");
    expect(md).toContain("Łukasz");
  });
});
