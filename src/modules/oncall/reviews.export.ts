import {
  cell,
  escapeHeading,
  formatCivilDate,
  inline,
  markdownBlock,
  NONE,
  pad2,
  type PdfLayout,
  renderPdf,
  tableRow,
  zonedFormatter,
} from "../../core/export/document.ts";

/**
 * Export of a post-incident review (PIR) as Markdown and as PDF.
 *
 * Both renderers work from the same presentation (`present`), so the two files always say the
 * same thing in the same words. Everything here is a pure function of the `ReviewDocument` the
 * service builds: no clock, no database, no machine-specific fonts. Given the same input, the
 * PDF is byte-for-byte the same (its creation date and file ID derive from `generatedAt`).
 */
export interface ReviewDocument {
  relationship: { clientName: string; providerName: string };
  /** Per-relationship review number, shown as PIR-12. */
  number: number;
  title: string;
  state: "open" | "finished";
  /** The protocol's IANA zone: every time is shown in it, and it is named once in the facts. */
  timeZone: string;
  ticket: { number: number; title: string; severity: string };
  emergency: { number: number; affectedSystem: string; criteria: string[] } | null;
  /** Epoch milliseconds. */
  createdAt: number;
  dueAt: number;
  finishedAt: number | null;
  timeline: Array<{
    at: number;
    label: string;
    by: string | null;
    detail: string | null;
    /** Milliseconds since the previous entry; null for the first. */
    sincePrevious: number | null;
    /** Milliseconds since the first entry. */
    sinceStart: number;
  }>;
  /** Milliseconds from declaration/creation. */
  durations: { toAcknowledge: number | null; toResolve: number | null };
  /** Free text written by people: their Markdown, any characters, any number of lines. */
  whatHappened: string;
  wentWell: string;
  couldBeBetter: string;
  actions: Array<{
    title: string;
    owner: string;
    /** A calendar date, YYYY-MM-DD. */
    dueOn: string;
    done: boolean;
    doneAt: number | null;
    overdue: boolean;
  }>;
  signoffs: { provider: { name: string; at: number } | null; client: { name: string; at: number } | null };
  generatedAt: number;
}

// ---------------------------------------------------------------------------------------------
// Shared wording

/**
 * An elapsed time for people: "under a minute", "42 min", "1 h 05 min", "3 d 4 h". Truncates
 * rather than rounds (59 s is "under a minute", 1 h 59 min 59 s is "1 h 59 min"), so a time
 * shown never exceeds the time elapsed. Negative inputs (clock skew in the data) get a "-".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`not a duration: ${ms}`);
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return "under a minute";
  const sign = ms < 0 ? "-" : "";
  if (minutes < 60) return `${sign}${minutes} min`;
  if (minutes < 24 * 60) return `${sign}${Math.floor(minutes / 60)} h ${pad2(minutes % 60)} min`;
  return `${sign}${Math.floor(minutes / (24 * 60))} d ${Math.floor((minutes % (24 * 60)) / 60)} h`;
}

/**
 * The download name: "PIR-12-mail-server-outage.md". The slug is lower-case ASCII letters,
 * digits and dashes only (accents are dropped, other scripts vanish), at most 60 characters,
 * so the name can go into a Content-Disposition header unquoted and unencoded. A title with
 * nothing left after that gives "PIR-12.md".
 */
export function reviewFileName(doc: ReviewDocument, ext: "md" | "pdf"): string {
  let slug = doc.title
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length > 60) slug = slug.slice(0, 60).replace(/-[^-]*$/, "") || slug.slice(0, 60);
  slug = slug.replace(/-+$/, "");
  return `PIR-${doc.number}${slug ? `-${slug}` : ""}.${ext}`;
}

interface Presented {
  heading: string;
  facts: Array<[label: string, value: string]>;
  timelineColumns: string[];
  timeline: Array<{
    time: string;
    label: string;
    detail: string | null;
    by: string;
    previous: string;
    start: string;
  }>;
  durations: Array<[label: string, value: string]>;
  sections: Array<[title: string, text: string]>;
  actionColumns: string[];
  actions: string[][];
  signoffs: Array<[label: string, value: string]>;
  generated: string;
}

/** The review in words, shared by both renderers. */
function present(doc: ReviewDocument): Presented {
  const zoned = zonedFormatter(doc.timeZone);
  const at = (ms: number) => zoned.format(ms);
  // Timeline times leave out the year, as they are read against the facts above; unless the
  // timeline crosses a new year, when every row carries it.
  const createdYear = zoned.year(doc.createdAt);
  const timelineWithYear = doc.timeline.some((e) => zoned.year(e.at) !== createdYear);
  const em = doc.emergency;
  const overdue = doc.state === "open" && doc.generatedAt > doc.dueAt;
  return {
    heading: `PIR-${doc.number}: ${doc.title}`,
    facts: [
      ["Relationship", `${doc.relationship.clientName} ↔ ${doc.relationship.providerName}`],
      ["Ticket", `#${doc.ticket.number} ${doc.ticket.title} (severity ${doc.ticket.severity})`],
      ["Emergency", em ? `EMG-${em.number}, affected system: ${em.affectedSystem}` : "none declared"],
      ...(em && em.criteria.length > 0
        ? [["Emergency criteria", em.criteria.join("; ")] as [string, string]]
        : []),
      ["Status", doc.state === "finished" ? "Finished" : overdue ? "Open (overdue)" : "Open"],
      ["Created", at(doc.createdAt)],
      ["Due", at(doc.dueAt)],
      ["Finished", doc.finishedAt === null ? "not yet" : at(doc.finishedAt)],
      ["Time zone", `${doc.timeZone} (all times in this review)`],
    ],
    timelineColumns: ["Time", "What", "Who", "Since previous", "Since start"],
    timeline: doc.timeline.map((e) => ({
      time: zoned.format(e.at, timelineWithYear),
      label: e.label,
      detail: e.detail && e.detail.trim() !== "" ? e.detail : null,
      by: e.by ?? NONE,
      previous: e.sincePrevious === null ? NONE : formatDuration(e.sincePrevious),
      // The entry the timeline starts from reads "start" rather than "under a minute".
      start: e.sinceStart === 0 ? "start" : formatDuration(e.sinceStart),
    })),
    durations: [
      [
        "Time to acknowledge",
        doc.durations.toAcknowledge === null ? "not recorded" : formatDuration(doc.durations.toAcknowledge),
      ],
      [
        "Time to resolve",
        doc.durations.toResolve === null ? "not recorded" : formatDuration(doc.durations.toResolve),
      ],
    ],
    sections: [
      ["What happened", doc.whatHappened],
      ["What went well", doc.wentWell],
      ["What could be better", doc.couldBeBetter],
    ],
    actionColumns: ["Action", "Owner", "Due", "Status"],
    actions: doc.actions.map((a) => [
      a.title,
      a.owner.trim() === "" ? NONE : a.owner,
      formatCivilDate(a.dueOn),
      a.done
        ? a.doneAt === null
          ? "done"
          : `done on ${zoned.date(a.doneAt)}`
        : a.overdue
          ? "overdue"
          : "open",
    ]),
    signoffs: [
      [`Provider (${doc.relationship.providerName})`, signoff(doc.signoffs.provider, at)],
      [`Client (${doc.relationship.clientName})`, signoff(doc.signoffs.client, at)],
    ],
    generated: `Generated by Liaison on ${at(doc.generatedAt)}`,
  };
}

function signoff(s: { name: string; at: number } | null, at: (ms: number) => string): string {
  return s ? `signed by ${s.name} on ${at(s.at)}` : "not yet signed";
}

// ---------------------------------------------------------------------------------------------
// Markdown

/**
 * The review as GitHub-flavoured Markdown. People's text in the three free-text sections is
 * their own Markdown and goes in as written, except that a code fence or raw-HTML block left
 * open is closed at the end of its section, so it cannot swallow the rest of the document.
 * Everywhere else (heading, facts, table cells) their text is inline: newlines become spaces
 * (or `<br>` in table cells) and `|` is escaped, so no input can add, split or end a row.
 */
export function renderReviewMarkdown(doc: ReviewDocument): string {
  const p = present(doc);
  const out: string[] = [];
  out.push(`# ${escapeHeading(inline(p.heading))}`, "");
  for (const [label, value] of p.facts) out.push(`- **${label}:** ${inline(value)}`);
  out.push("", "## Timeline", "");
  if (p.timeline.length === 0) out.push("No timeline entries.");
  else {
    out.push(tableRow(p.timelineColumns), tableRow(p.timelineColumns.map(() => "---")));
    for (const e of p.timeline) {
      const what = e.detail === null ? e.label : `${e.label} — ${e.detail}`;
      out.push(tableRow([e.time, what, e.by, e.previous, e.start].map(cell)));
    }
  }
  out.push("", "## Durations", "");
  for (const [label, value] of p.durations) out.push(`- **${label}:** ${value}`);
  for (const [title, text] of p.sections) {
    out.push("", `## ${title}`, "");
    out.push(text.trim() === "" ? "_Nothing written yet._" : markdownBlock(text));
  }
  out.push("", "## Prevention actions", "");
  if (p.actions.length === 0) out.push("No prevention actions recorded.");
  else {
    out.push(tableRow(p.actionColumns), tableRow(p.actionColumns.map(() => "---")));
    for (const row of p.actions) out.push(tableRow(row.map(cell)));
  }
  out.push("", "## Sign-off", "");
  for (const [label, value] of p.signoffs) out.push(`- **${inline(label)}:** ${inline(value)}`);
  out.push("", "---", "", `_${p.generated}._`, "");
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------
// PDF

/**
 * The review as an A4 PDF, laid out line by line by the shared `PdfLayout`: a table row or
 * paragraph longer than the space left continues on the next page (under a repeated table
 * header), nothing is drawn over the footer, and characters outside WinAnsi are replaced.
 */
export function renderReviewPdf(doc: ReviewDocument): Promise<Buffer> {
  const p = present(doc);
  return renderPdf(
    {
      title: p.heading,
      subject: `Post-incident review, ${doc.relationship.clientName} ↔ ${doc.relationship.providerName}`,
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
  pdf.heading("Timeline");
  if (p.timeline.length === 0) pdf.paragraph("No timeline entries.");
  else
    pdf.table(
      [82, width - 82 - 85 - 2 * 66, 85, 66, 66],
      p.timelineColumns,
      p.timeline.map((e) => [
        e.time,
        e.detail === null ? e.label : `${e.label}\n${e.detail}`,
        e.by,
        e.previous,
        e.start,
      ]),
    );
  pdf.heading("Durations");
  pdf.table([130, width - 130], null, p.durations, { firstColumnBold: true, rules: false });
  for (const [title, text] of p.sections) {
    pdf.heading(title);
    pdf.paragraph(text.trim() === "" ? "Nothing written yet." : text.trim());
  }
  pdf.heading("Prevention actions");
  if (p.actions.length === 0) pdf.paragraph("No prevention actions recorded.");
  else pdf.table([width - 90 - 80 - 120, 90, 80, 120], p.actionColumns, p.actions);
  pdf.heading("Sign-off");
  pdf.table([160, width - 160], null, p.signoffs, { firstColumnBold: true, rules: false });
}
