import PDFDocument from "pdfkit";

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

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * Formats instants in a zone as "Sun 19 Apr 2026 02:14" (en-GB order, 24-hour clock). The
 * numbers come from Intl in the zone; the names are ours, because ICU's en-GB spells
 * September "Sept" in some versions and not in others.
 */
function zonedFormatter(timeZone: string) {
  const dtf = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    hourCycle: "h23",
  });
  const parts = (ms: number) => {
    const p: Record<string, number> = {};
    for (const { type, value } of dtf.formatToParts(ms)) if (type !== "literal") p[type] = Number(value);
    const { year = 0, month = 1, day = 1, hour = 0, minute = 0 } = p;
    const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
    return { year, month, day, hour: hour % 24, minute, weekday };
  };
  return {
    year: (ms: number) => parts(ms).year,
    format(ms: number, withYear = true): string {
      const p = parts(ms);
      const date = `${WEEKDAYS[p.weekday]} ${p.day} ${MONTHS[p.month - 1]}${withYear ? ` ${p.year}` : ""}`;
      return `${date} ${pad2(p.hour)}:${pad2(p.minute)}`;
    },
    date(ms: number): string {
      const p = parts(ms);
      return `${WEEKDAYS[p.weekday]} ${p.day} ${MONTHS[p.month - 1]} ${p.year}`;
    },
  };
}

/** "2026-04-21" → "Tue 21 Apr 2026"; a civil date, so no zone applies. Anything else as given. */
function formatCivilDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return isoDate;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const weekday = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
  return `${WEEKDAYS[weekday]} ${d} ${MONTHS[mo - 1] ?? "?"} ${y}`;
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

const NONE = "—";

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
    out.push(
      text.trim() === "" ? "_Nothing written yet._" : closeOpenBlocks(text.replace(/\r\n?/g, "\n").trim()),
    );
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

const tableRow = (cells: string[]) => `| ${cells.join(" | ")} |`;

/** One line of text: line breaks (and the blank space around them) become one space. */
const inline = (s: string) => s.replace(/\s*(?:\r\n?|\n)\s*/g, " ").trim();

/** A table cell: `|` escaped (GFM splits cells before it reads escapes), line breaks as `<br>`. */
function cell(s: string): string {
  const text = s
    .trim()
    .replace(/\|/g, "\\|")
    .replace(/[ \t]*(?:\r\n?|\n)[ \t]*/g, "<br>");
  return text === "" ? NONE : text;
}

/** Trailing `#`s would be read as the heading's optional closing sequence and dropped. */
const escapeHeading = (s: string) => s.replace(/(#+)$/, "\\$1");

/**
 * CommonMark blocks that run to the end of the document when left open: fenced code, and raw
 * HTML blocks of kinds 1–5 (`<pre>`/`<script>`/`<style>`/`<textarea>`, comments, processing
 * instructions, declarations, CDATA). If the text ends inside one, append its terminator.
 */
function closeOpenBlocks(text: string): string {
  const htmlStarts: Array<[RegExp, RegExp, string | null]> = [
    // Any of the four closing tags ends the block; we close with the one that opened it.
    [/^ {0,3}<(?:pre|script|style|textarea)(?:[\s>]|$)/i, /<\/(?:pre|script|style|textarea)>/i, null],
    [/^ {0,3}<!--/, /-->/, "-->"],
    [/^ {0,3}<\?/, /\?>/, "?>"],
    [/^ {0,3}<![A-Za-z]/, />/, ">"],
    [/^ {0,3}<!\[CDATA\[/, /\]\]>/, "]]>"],
  ];
  let fence: { indent: string; char: string; length: number } | null = null;
  let html: { end: RegExp; terminator: string } | null = null;
  for (const line of text.split("\n")) {
    if (fence) {
      const close = /^( {0,3})(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close && close[2]![0] === fence.char && close[2]!.length >= fence.length) fence = null;
      continue;
    }
    if (html) {
      if (html.end.test(line)) html = null;
      continue;
    }
    const open = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(line);
    if (open && !(open[2]![0] === "`" && open[3]!.includes("`"))) {
      fence = { indent: open[1]!, char: open[2]![0]!, length: open[2]!.length };
      continue;
    }
    for (const [start, end, terminator] of htmlStarts) {
      if (!start.test(line)) continue;
      // The terminator may be on the opening line itself (after the start, for a comment).
      const rest = line.replace(start, "");
      if (!end.test(rest)) {
        const tag = /^ {0,3}<([a-z]+)/i.exec(line)?.[1]?.toLowerCase();
        html = { end, terminator: terminator ?? `</${tag}>` };
      }
      break;
    }
  }
  if (fence) return `${text}\n${fence.indent}${fence.char.repeat(fence.length)}`;
  if (html) return `${text}\n${html.terminator}`;
  return text;
}

// ---------------------------------------------------------------------------------------------
// PDF

const PAGE_MARGIN = 50;
const BODY = { font: "Helvetica", size: 10, leading: 13 };
const SMALL = { font: "Helvetica", size: 8.5, leading: 11 };
const CELL_PAD = 3;

/**
 * Characters the standard PDF fonts can show. Helvetica and friends come with WinAnsi
 * (Windows-1252) encoding only; pdfkit writes any other character as a broken code. We embed no
 * font (none with wide coverage ships in node_modules, and system fonts differ between
 * machines), so outside WinAnsi a few symbols get ASCII stand-ins and everything else becomes
 * "?" — in the PDF only; the Markdown keeps every character.
 */
const WIN_ANSI_EXTRA = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".split("").map((c) => c.codePointAt(0)!));
const STAND_INS: Record<string, string> = {
  "↔": "<->",
  "→": "->",
  "←": "<-",
  "⇒": "=>",
  "−": "-",
  "‐": "-",
  "‑": "-",
  "≤": "<=",
  "≥": ">=",
  "≠": "!=",
  "✓": "v",
  "✔": "v",
  "\u2009": " ",
  "\u202f": " ",
  "\u200b": "",
  "\u200c": "",
  "\u200d": "",
  "\u2060": "",
  "\ufeff": "",
  "\ufe0f": "",
  "\t": "    ",
};

/** Text the standard fonts can show: see WIN_ANSI_EXTRA. Keeps "\n". */
function toWinAnsi(s: string): string {
  let out = "";
  for (const ch of s.normalize("NFC").replace(/\r\n?/g, "\n")) {
    const cp = ch.codePointAt(0)!;
    if (ch === "\n" || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || WIN_ANSI_EXTRA.has(cp)) {
      out += ch;
    } else if (ch in STAND_INS) out += STAND_INS[ch];
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) out += " ";
    // A combining mark NFC could not fold into its letter is dropped: the letter stands alone.
    else if (!/\p{M}/u.test(ch)) out += "?";
  }
  return out;
}

type Font = typeof BODY;
type Doc = InstanceType<typeof PDFDocument>;

/**
 * The review as an A4 PDF. Layout is done here line by line (our own word wrap, every line
 * placed explicitly), rather than with pdfkit's flowing text, so that a table row or paragraph
 * longer than the space left continues on the next page under a repeated table header, and
 * nothing is ever drawn over the footer or over other text.
 */
export function renderReviewPdf(doc: ReviewDocument): Promise<Buffer> {
  const p = present(doc);
  return new Promise<Buffer>((resolve, reject) => {
    try {
      const generated = new Date(doc.generatedAt);
      const pdf = new PDFDocument({
        size: "A4",
        margin: PAGE_MARGIN,
        bufferPages: true,
        lang: "en",
        displayTitle: true,
        // pdfkit derives the file ID from these entries (an MD5 of them), and would otherwise
        // stamp the current time: with them fixed, the same review gives the same bytes.
        info: {
          Title: p.heading,
          Author: "Liaison",
          Subject: `Post-incident review, ${doc.relationship.clientName} ↔ ${doc.relationship.providerName}`,
          Creator: "Liaison",
          CreationDate: generated,
          ModDate: generated,
        },
      });
      const chunks: Buffer[] = [];
      pdf.on("data", (c: Buffer) => chunks.push(c));
      pdf.on("end", () => resolve(Buffer.concat(chunks)));
      pdf.on("error", reject);
      new PdfLayout(pdf).render(p);
      pdf.end();
    } catch (err) {
      reject(err);
    }
  });
}

class PdfLayout {
  private y: number;
  private readonly left: number;
  private readonly width: number;

  constructor(private readonly pdf: Doc) {
    this.left = pdf.page.margins.left;
    this.width = pdf.page.width - pdf.page.margins.left - pdf.page.margins.right;
    this.y = pdf.page.margins.top;
  }

  private get bottom() {
    return this.pdf.page.height - this.pdf.page.margins.bottom;
  }

  private newPage() {
    this.pdf.addPage();
    this.y = this.pdf.page.margins.top;
  }

  /** Starts a new page unless `height` fits below the cursor. */
  private ensure(height: number) {
    if (this.y + height > this.bottom) this.newPage();
  }

  render(p: Presented) {
    this.title(p.heading);
    this.table([130, this.width - 130], null, p.facts, { firstColumnBold: true, rules: false });
    this.heading("Timeline");
    if (p.timeline.length === 0) this.paragraph("No timeline entries.");
    else
      this.table(
        [82, this.width - 82 - 85 - 2 * 66, 85, 66, 66],
        p.timelineColumns,
        p.timeline.map((e) => [
          e.time,
          e.detail === null ? e.label : `${e.label}\n${e.detail}`,
          e.by,
          e.previous,
          e.start,
        ]),
      );
    this.heading("Durations");
    this.table([130, this.width - 130], null, p.durations, { firstColumnBold: true, rules: false });
    for (const [title, text] of p.sections) {
      this.heading(title);
      this.paragraph(text.trim() === "" ? "Nothing written yet." : text.trim());
    }
    this.heading("Prevention actions");
    if (p.actions.length === 0) this.paragraph("No prevention actions recorded.");
    else this.table([this.width - 90 - 80 - 120, 90, 80, 120], p.actionColumns, p.actions);
    this.heading("Sign-off");
    this.table([160, this.width - 160], null, p.signoffs, { firstColumnBold: true, rules: false });
    this.footers(p.generated);
  }

  private draw(text: string, x: number, y: number, font: Font, bold = false) {
    if (text === "") return;
    this.pdf
      .font(bold ? `${font.font}-Bold` : font.font)
      .fontSize(font.size)
      .text(text, x, y, { lineBreak: false });
  }

  private title(text: string) {
    const font = { font: "Helvetica", size: 18, leading: 22 };
    for (const line of this.wrap(text, this.width, font, true)) {
      this.ensure(font.leading);
      this.draw(line, this.left, this.y, font, true);
      this.y += font.leading;
    }
    this.y += 8;
  }

  /** A section heading, kept on the same page as at least two lines of what follows it. */
  private heading(text: string) {
    const font = { font: "Helvetica", size: 13, leading: 17 };
    this.y += 10;
    this.ensure(font.leading + 4 + 2 * BODY.leading + 2 * CELL_PAD);
    this.draw(toWinAnsi(text), this.left, this.y, font, true);
    this.y += font.leading + 4;
  }

  private paragraph(text: string) {
    for (const line of this.wrap(text, this.width, BODY)) {
      this.ensure(BODY.leading);
      this.draw(line, this.left, this.y, BODY);
      this.y += BODY.leading;
    }
  }

  /**
   * A table with a header row (repeated on each page it continues on) and wrapped cells. A row
   * taller than the space left is split between pages, line by line, so even a row longer than
   * a whole page is shown in full.
   */
  private table(
    widths: number[],
    header: string[] | null,
    rows: string[][],
    opts: { firstColumnBold?: boolean; rules?: boolean } = {},
  ) {
    const font = header ? SMALL : BODY;
    const rules = opts.rules ?? true;
    const wrapRow = (cells: string[], bold: (i: number) => boolean) =>
      cells.map((c, i) => this.wrap(c, widths[i]! - 2 * CELL_PAD, font, bold(i)));
    const headerLines = header ? wrapRow(header, () => true) : null;
    const headerHeight = headerLines
      ? Math.max(...headerLines.map((l) => l.length)) * font.leading + 2 * CELL_PAD
      : 0;

    const drawSegment = (
      lines: string[][],
      from: number,
      count: number,
      bold: (i: number) => boolean,
      fill: boolean,
    ) => {
      const height = count * font.leading + 2 * CELL_PAD;
      if (fill) this.pdf.rect(this.left, this.y, this.width, height).fill("#e8e8e8").fillColor("black");
      let x = this.left;
      lines.forEach((cellLines, i) => {
        cellLines.slice(from, from + count).forEach((line, j) => {
          this.draw(line, x + CELL_PAD, this.y + CELL_PAD + j * font.leading, font, bold(i));
        });
        x += widths[i]!;
      });
      this.y += height;
      if (rules) {
        this.pdf
          .moveTo(this.left, this.y)
          .lineTo(this.left + this.width, this.y)
          .lineWidth(0.5)
          .strokeColor("#999999")
          .stroke();
      }
    };
    const drawHeader = () => {
      if (headerLines)
        drawSegment(headerLines, 0, Math.max(...headerLines.map((l) => l.length)), () => true, true);
    };

    // Keep the header with the first line of the first row.
    this.ensure(headerHeight + font.leading + 2 * CELL_PAD);
    drawHeader();
    const bold = (i: number) => i === 0 && opts.firstColumnBold === true;
    for (const row of rows) {
      const lines = wrapRow(row, bold);
      const total = Math.max(1, ...lines.map((l) => l.length));
      let done = 0;
      while (done < total) {
        const fits = Math.floor((this.bottom - this.y - 2 * CELL_PAD) / font.leading);
        const left = total - done;
        // Split a row only if at least two of its lines stay on this page.
        if (fits < Math.min(left, 2)) {
          this.newPage();
          drawHeader();
          continue;
        }
        const count = Math.min(fits, left);
        drawSegment(lines, done, count, bold, false);
        done += count;
      }
    }
  }

  /**
   * Greedy word wrap in the given font: lines break at spaces and at "\n"; a word wider than
   * the column is broken between characters. Returns WinAnsi text, one string per line.
   */
  private wrap(text: string, width: number, font: Font, bold = false): string[] {
    this.pdf.font(bold ? `${font.font}-Bold` : font.font).fontSize(font.size);
    const widths = new Map<string, number>();
    const measure = (s: string) => {
      let w = widths.get(s);
      if (w === undefined) widths.set(s, (w = this.pdf.widthOfString(s)));
      return w;
    };
    // A line's width is taken as the sum of its words and spaces: kerning across a space is
    // never positive in the standard fonts, so the sum never understates the drawn width.
    const space = measure(" ");
    const out: string[] = [];
    for (const para of toWinAnsi(text).split("\n")) {
      let line: string | null = null;
      let used = 0;
      for (const word of para.split(" ")) {
        const w = measure(word);
        if (line === null) [line, used] = [word, w];
        else if (used + space + w <= width) [line, used] = [`${line} ${word}`, used + space + w];
        else {
          out.push(line.trimEnd());
          [line, used] = [word, w];
        }
        // A word wider than the column is broken between characters.
        while (used > width && line.length > 1) {
          let cut = 1;
          let part = measure(line[0]!);
          while (cut < line.length && part + measure(line[cut]!) <= width) part += measure(line[cut++]!);
          // Kerning inside a word can be positive: check the piece as drawn.
          while (cut > 1 && measure(line.slice(0, cut)) > width) cut--;
          out.push(line.slice(0, cut));
          line = line.slice(cut);
          used = measure(line);
        }
      }
      out.push((line ?? "").trimEnd());
    }
    return out;
  }

  /** "Generated by Liaison …" and "Page N of M" in the bottom margin of every page. */
  private footers(generated: string) {
    const range = this.pdf.bufferedPageRange();
    const total = range.count;
    for (let i = range.start; i < range.start + total; i++) {
      this.pdf.switchToPage(i);
      const y = this.pdf.page.height - this.pdf.page.margins.bottom + 18;
      const pageText = `Page ${i + 1} of ${total}`;
      this.pdf.fillColor("#555555");
      this.draw(toWinAnsi(generated), this.left, y, SMALL);
      this.pdf.font(SMALL.font).fontSize(SMALL.size);
      this.draw(pageText, this.left + this.width - this.pdf.widthOfString(pageText), y, SMALL);
      this.pdf.fillColor("black");
    }
  }
}
