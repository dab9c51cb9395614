import {
  BODY,
  cell,
  escapeHeading,
  escapeLineStart,
  formatCivilDate,
  inline,
  markdownBlock,
  NONE,
  type PdfLayout,
  renderPdf,
  SMALL,
  tableRow,
  zonedFormatter,
} from "../../core/export/document.ts";

/**
 * Export of a touchpoint meeting as Markdown and as PDF: its agenda while the meeting is ahead,
 * and once it is held its minutes, with what people wrote, decided and assigned under each item.
 *
 * Both renderers work from the same presentation (`present`), so the two files always say the
 * same thing in the same words. Everything here is a pure function of the `AgendaDocument` the
 * service builds: no clock, no database, no machine-specific fonts. Given the same input, the
 * PDF is byte-for-byte the same (its creation date and file ID derive from `generatedAt`).
 */
export interface AgendaDocument {
  relationship: { name: string; clientName: string; providerName: string };
  /** Epoch milliseconds for `start`, `end` and `heldAt`. */
  meeting: {
    number: number;
    start: number;
    end: number;
    state: "scheduled" | "held" | "skipped" | "cancelled";
    moved: boolean;
    moveReason: string | null;
    skipReason: string | null;
    heldAt: number | null;
    link: string | null;
  };
  /** The protocol's IANA zone: every time is shown in it, and it is named once in the facts. */
  timeZone: string;
  /** The period the agenda covers, epoch milliseconds. */
  since: number;
  until: number;
  /** True once the meeting is held: the document is then its minutes. */
  frozen: boolean;
  attendees: Array<{ name: string; side: "client" | "provider"; role: string }>;
  sections: Array<{
    key: "previous" | "overdue" | "new_issues" | "changes" | "concerns" | "upcoming";
    /** E.g. "1. Previously identified issues and open action items". */
    title: string;
    /** What the section covers, e.g. "Since Tue 3 Mar 10:00". */
    note: string;
    items: Array<{
      /** A sub-heading within the section, shared by consecutive items: "Critical", "Raised by the client"… */
      group: string | null;
      title: string;
      status: string;
      detail: string | null;
      owner: string | null;
      /** What needs attention, e.g. "Response target missed". */
      flags: string[];
      addedBy: { name: string; side: "client" | "provider" } | null;
      /** Free text written by people: their Markdown, any characters, any number of lines. */
      minutes: string | null;
      decisions: string[];
      actions: Array<{ number: number; title: string; owner: string; dueOn: string; done: boolean }>;
    }>;
  }>;
  /** Everything decided in the meeting, for the summary at the end. */
  decisions: Array<{ itemTitle: string; text: string; by: string }>;
  /** Everything assigned in the meeting, for the summary at the end. */
  actions: Array<{
    number: number;
    title: string;
    owner: string;
    /** A calendar date, YYYY-MM-DD. */
    dueOn: string;
    done: boolean;
    itemTitle: string;
  }>;
  generatedAt: number;
}

/**
 * The download name: "touchpoint-7-2026-03-10-agenda.md", or "…-minutes.pdf" once held. The
 * date is the meeting's in the protocol's zone. ASCII letters, digits and dashes only, so the
 * name can go into a Content-Disposition header unquoted and unencoded.
 */
export function agendaFileName(doc: AgendaDocument, ext: "md" | "pdf"): string {
  const date = zonedFormatter(doc.timeZone).isoDate(doc.meeting.start);
  // A number from outside the expected range (NaN, negative) must not put odd characters in a header.
  const number = Number.isSafeInteger(doc.meeting.number) && doc.meeting.number >= 0 ? doc.meeting.number : 0;
  return `touchpoint-${number}-${date}-${doc.frozen ? "minutes" : "agenda"}.${ext}`;
}

// ---------------------------------------------------------------------------------------------
// Shared wording

/** An action item as people refer to it: "A-12". */
const actionRef = (n: number) => `A-${n}`;

/** What an empty section says. */
const NOTHING = "Nothing this time.";

interface PresentedItem {
  title: string;
  /** Status, owner, who added it: one line, "Status: Open · Owner: Marco Rossi". */
  facts: Array<[label: string, value: string]>;
  /** The flags in words, or null when there are none. */
  attention: string | null;
  detail: string | null;
  minutes: string | null;
  decisions: string[];
  /** [A-12, "Replace the disk — Marco Rossi, due Fri 13 Mar 2026, open"]. */
  actions: Array<[ref: string, text: string]>;
}

interface Presented {
  heading: string;
  facts: Array<[label: string, value: string]>;
  sections: Array<{
    title: string;
    note: string;
    /** Runs of consecutive items under the same sub-heading (null: none). */
    groups: Array<{ title: string | null; items: PresentedItem[] }>;
  }>;
  decisionColumns: string[];
  decisions: string[][];
  actionColumns: string[];
  actions: string[][];
  generated: string;
}

const STATES: Record<AgendaDocument["meeting"]["state"], string> = {
  scheduled: "Scheduled",
  held: "Held",
  skipped: "Skipped",
  cancelled: "Cancelled",
};

/** Text that may be blank: null when there is nothing to show. */
const nonBlank = (s: string | null) => (s !== null && s.trim() !== "" ? s : null);
const orNone = (s: string) => (s.trim() === "" ? NONE : s);
const actionStatus = (done: boolean) => (done ? "done" : "open");

/** The meeting in words, shared by both renderers. */
function present(doc: AgendaDocument): Presented {
  const zoned = zonedFormatter(doc.timeZone);
  const at = (ms: number) => zoned.format(ms);
  const m = doc.meeting;
  // "Tue 10 Mar 2026 10:00–11:00", or both ends in full when it runs past midnight.
  const when =
    zoned.date(m.start) === zoned.date(m.end)
      ? `${at(m.start)}–${zoned.time(m.end)}`
      : `${at(m.start)} – ${at(m.end)}`;
  let status = STATES[m.state] ?? m.state;
  if (m.state === "held" && m.heldAt !== null) status += `, recorded on ${at(m.heldAt)}`;
  if (m.state === "skipped") status += `: ${nonBlank(m.skipReason) ?? "no reason given"}`;
  const attendees = (side: "client" | "provider") => {
    const names = doc.attendees
      .filter((a) => a.side === side)
      .map((a) => (a.role.trim() === "" ? a.name : `${a.name} (${a.role})`));
    return names.length === 0 ? "nobody named" : names.join(", ");
  };
  const rel = doc.relationship;
  const facts: Array<[string, string]> = [
    [
      "Relationship",
      rel.name.trim() === ""
        ? `${rel.clientName} ↔ ${rel.providerName}`
        : `${rel.name} (${rel.clientName} ↔ ${rel.providerName})`,
    ],
    ["When", `${when} (times in ${doc.timeZone})`],
    ["Status", status],
  ];
  if (m.moved) facts.push(["Moved", nonBlank(m.moveReason) ?? "yes, no reason given"]);
  if (nonBlank(m.link) !== null) facts.push(["Link", m.link!]);
  facts.push(
    ["Period covered", `${at(doc.since)} – ${at(doc.until)}`],
    ["Client attendees", attendees("client")],
    ["Provider attendees", attendees("provider")],
  );

  return {
    heading: `Touchpoint ${m.number} — ${doc.frozen ? "minutes" : "agenda"}`,
    facts,
    sections: doc.sections.map((s) => {
      const groups: Presented["sections"][number]["groups"] = [];
      for (const item of s.items) {
        const group = nonBlank(item.group);
        const last = groups.at(-1);
        const target = last && last.title === group ? last : { title: group, items: [] };
        if (target !== last) groups.push(target);
        target.items.push(presentItem(item));
      }
      return { title: s.title, note: s.note, groups };
    }),
    decisionColumns: ["Item", "Decision", "By"],
    decisions: doc.decisions.map((d) => [d.itemTitle, d.text, orNone(d.by)]),
    actionColumns: ["Action", "Title", "Item", "Owner", "Due", "Status"],
    actions: doc.actions.map((a) => [
      actionRef(a.number),
      a.title,
      a.itemTitle,
      orNone(a.owner),
      formatCivilDate(a.dueOn),
      actionStatus(a.done),
    ]),
    generated: `Generated by Liaison on ${at(doc.generatedAt)}`,
  };
}

function presentItem(item: AgendaDocument["sections"][number]["items"][number]): PresentedItem {
  const facts: Array<[string, string]> = [["Status", orNone(item.status)]];
  if (nonBlank(item.owner) !== null) facts.push(["Owner", item.owner!]);
  if (item.addedBy) facts.push(["Added by", `${item.addedBy.name} (${item.addedBy.side})`]);
  const flags = item.flags.filter((f) => f.trim() !== "");
  return {
    title: orNone(item.title),
    facts,
    attention: flags.length > 0 ? flags.join("; ") : null,
    detail: nonBlank(item.detail),
    minutes: nonBlank(item.minutes),
    decisions: item.decisions.filter((d) => d.trim() !== ""),
    actions: item.actions.map((a) => [
      actionRef(a.number),
      `${a.title} — ${orNone(a.owner)}, due ${formatCivilDate(a.dueOn)}, ${actionStatus(a.done)}`,
    ]),
  };
}

// ---------------------------------------------------------------------------------------------
// Markdown

/**
 * The agenda (or minutes) as GitHub-flavoured Markdown. Minutes and item details are people's
 * own Markdown and go in as written, except that a code fence or raw-HTML block left open is
 * closed at their end, so it cannot swallow the rest of the document. Everywhere else (headings,
 * facts, list items, table cells) their text is inline: newlines become spaces (or `<br>` in
 * table cells), `|` in cells is escaped, trailing `#`s in headings are escaped, and a decision
 * cannot make its list item a heading, quote, list, fence or HTML block.
 */
export function renderAgendaMarkdown(doc: AgendaDocument): string {
  const p = present(doc);
  const out: string[] = [];
  const heading = (level: number, text: string) =>
    `${"#".repeat(level)} ${escapeHeading(orNone(inline(text)))}`;
  out.push(heading(1, p.heading), "");
  for (const [label, value] of p.facts) out.push(`- **${label}:** ${inline(value)}`);
  for (const section of p.sections) {
    out.push("", heading(2, section.title), "");
    if (inline(section.note) !== "") out.push(emphasis(inline(section.note)), "");
    if (section.groups.length === 0) out.push(NOTHING);
    for (const group of section.groups) {
      if (group.title !== null) out.push(heading(3, group.title), "");
      // Under a sub-heading an item is one level deeper; an item without one ends the group.
      for (const item of group.items) out.push(...itemMarkdown(item, group.title === null ? 3 : 4), "");
    }
    if (out.at(-1) === "") out.pop();
  }
  out.push("", "## Decisions", "");
  if (p.decisions.length === 0) out.push("No decisions recorded.");
  else {
    out.push(tableRow(p.decisionColumns), tableRow(p.decisionColumns.map(() => "---")));
    for (const row of p.decisions) out.push(tableRow(row.map(cell)));
  }
  out.push("", "## Action items", "");
  if (p.actions.length === 0) out.push("No action items recorded.");
  else {
    out.push(tableRow(p.actionColumns), tableRow(p.actionColumns.map(() => "---")));
    for (const row of p.actions) out.push(tableRow(row.map(cell)));
  }
  out.push("", "---", "", `_${p.generated}._`, "");
  return out.join("\n");

  function itemMarkdown(item: PresentedItem, level: number): string[] {
    const lines = [heading(level, item.title), ""];
    // One paragraph, as in the PDF; a list here would merge with a list the detail starts with.
    lines.push(item.facts.map(([label, value]) => `**${label}:** ${inline(value)}`).join(" · "));
    if (item.attention !== null) lines.push("", `**Attention:** ${inline(item.attention)}`);
    if (item.detail !== null) lines.push("", markdownBlock(item.detail));
    if (item.minutes !== null) lines.push("", "**Minutes**", "", markdownBlock(item.minutes));
    if (item.decisions.length > 0) {
      lines.push("", "**Decisions**", "");
      for (const d of item.decisions) lines.push(`- ${escapeLineStart(inline(d))}`);
    }
    if (item.actions.length > 0) {
      lines.push("", "**Action items**", "");
      for (const [ref, text] of item.actions) lines.push(`- **${ref}** ${inline(text)}`);
    }
    return lines;
  }
}

/** Italic text: our own `_` / `*` delimiters cannot be closed early by the text's own. */
const emphasis = (s: string) => `_${s.replace(/([\\`*_[\]<])/g, "\\$1")}_`;

// ---------------------------------------------------------------------------------------------
// PDF

const INDENT = 10;
const NOTE_AFTER = 3;
const ITEM_BEFORE = 5;
const GREY = "#444444";
const ATTENTION = "#a01818";

/**
 * The agenda (or minutes) as an A4 PDF, laid out line by line by the shared `PdfLayout`: long
 * minutes and tables continue on the next page, nothing is drawn over the footer, and
 * characters outside WinAnsi are replaced (the Markdown keeps them).
 */
export function renderAgendaPdf(doc: AgendaDocument): Promise<Buffer> {
  const p = present(doc);
  const rel = doc.relationship;
  return renderPdf(
    {
      title: p.heading,
      subject: `Touchpoint ${doc.frozen ? "minutes" : "agenda"}, ${rel.clientName} ↔ ${rel.providerName}`,
      generatedAt: doc.generatedAt,
      footer: p.generated,
    },
    (pdf) => layOut(pdf, p),
  );
}

function layOut(pdf: PdfLayout, p: Presented) {
  const width = pdf.width;
  pdf.title(p.heading);
  pdf.table([130, width - 130], null, p.facts, { firstColumnBold: true, rules: false });
  for (const section of p.sections) {
    const note = section.note.trim() !== "";
    const first = section.groups[0];
    // Keep the heading with its note and the start of the first item (or "Nothing this time.").
    const following =
      (note ? SMALL.leading + NOTE_AFTER : 0) +
      (first === undefined
        ? BODY.leading
        : (first.title === null ? 0 : pdf.headingHeight(2)) + ITEM_BEFORE + BODY.leading + SMALL.leading);
    pdf.heading(section.title, 1, following);
    if (note) {
      pdf.paragraph(section.note, { font: SMALL, style: "italic", color: GREY });
      pdf.space(NOTE_AFTER);
    }
    if (first === undefined) pdf.paragraph(NOTHING);
    for (const group of section.groups) {
      if (group.title !== null) pdf.heading(group.title, 2, ITEM_BEFORE + BODY.leading + SMALL.leading);
      for (const item of group.items) layOutItem(pdf, item);
    }
  }
  pdf.heading("Decisions", 1, p.decisions.length === 0 ? BODY.leading : pdf.tableStart(true));
  if (p.decisions.length === 0) pdf.paragraph("No decisions recorded.");
  else pdf.table([130, width - 130 - 100, 100], p.decisionColumns, p.decisions);
  pdf.heading("Action items", 1, p.actions.length === 0 ? BODY.leading : pdf.tableStart(true));
  if (p.actions.length === 0) pdf.paragraph("No action items recorded.");
  else pdf.table([40, width - 40 - 100 - 90 - 75 - 40, 100, 90, 75, 40], p.actionColumns, p.actions);
}

function layOutItem(pdf: PdfLayout, item: PresentedItem) {
  const label = (text: string) => {
    pdf.space(2);
    pdf.paragraph(text, { font: SMALL, style: "bold", indent: INDENT, keepWith: BODY.leading });
  };
  pdf.space(ITEM_BEFORE);
  // The title stays with the line of facts under it.
  pdf.paragraph(item.title, { style: "bold", keepWith: SMALL.leading });
  pdf.paragraph(item.facts.map(([l, v]) => `${l}: ${v}`).join(" · "), {
    font: SMALL,
    indent: INDENT,
    color: GREY,
  });
  if (item.attention !== null)
    pdf.paragraph(`Attention: ${item.attention}`, {
      font: SMALL,
      style: "bold",
      indent: INDENT,
      color: ATTENTION,
    });
  if (item.detail !== null) {
    pdf.space(2);
    pdf.paragraph(item.detail.trim(), { indent: INDENT });
  }
  if (item.minutes !== null) {
    label("Minutes");
    pdf.paragraph(item.minutes.trim(), { indent: INDENT });
  }
  if (item.decisions.length > 0) {
    label("Decisions");
    pdf.bullets(item.decisions, { indent: INDENT });
  }
  if (item.actions.length > 0) {
    label("Action items");
    pdf.bullets(
      item.actions.map(([ref, text]) => `${ref} ${text}`),
      { indent: INDENT },
    );
  }
}
