import PDFDocument from "pdfkit";

/**
 * Building blocks for the documents Liaison exports (a post-incident review, a touchpoint's
 * agenda and minutes): dates in a zone, Markdown that people's text cannot break, and an A4 PDF
 * laid out line by line in the standard fonts. Nothing here knows about a feature; the
 * feature's export module decides what to say, these helpers decide how it is written down.
 *
 * Everything is a pure function of its input: no clock, no machine-specific fonts. A PDF's
 * creation date and file ID come from the caller's `generatedAt`, so the same input gives the
 * same bytes.
 */

// ---------------------------------------------------------------------------------------------
// Dates

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** 7 → "07". */
export const pad2 = (n: number) => String(n).padStart(2, "0");

/** Instants shown in one zone; see `zonedFormatter`. */
export interface ZonedFormatter {
  /** The calendar year in the zone. */
  year(ms: number): number;
  /** "Sun 19 Apr 2026 02:14", or "Sun 19 Apr 02:14" without the year. */
  format(ms: number, withYear?: boolean): string;
  /** "Sun 19 Apr 2026". */
  date(ms: number): string;
  /** "02:14". */
  time(ms: number): string;
  /** "2026-04-19": the civil date in the zone, for file names and comparisons. */
  isoDate(ms: number): string;
}

/**
 * Formats instants in a zone as "Sun 19 Apr 2026 02:14" (en-GB order, 24-hour clock). The
 * numbers come from Intl in the zone; the names are ours, because ICU's en-GB spells
 * September "Sept" in some versions and not in others.
 */
export function zonedFormatter(timeZone: string): ZonedFormatter {
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
    year: (ms) => parts(ms).year,
    format(ms, withYear = true) {
      const p = parts(ms);
      const date = `${WEEKDAYS[p.weekday]} ${p.day} ${MONTHS[p.month - 1]}${withYear ? ` ${p.year}` : ""}`;
      return `${date} ${pad2(p.hour)}:${pad2(p.minute)}`;
    },
    date(ms) {
      const p = parts(ms);
      return `${WEEKDAYS[p.weekday]} ${p.day} ${MONTHS[p.month - 1]} ${p.year}`;
    },
    time(ms) {
      const p = parts(ms);
      return `${pad2(p.hour)}:${pad2(p.minute)}`;
    },
    isoDate(ms) {
      const p = parts(ms);
      return `${String(p.year).padStart(4, "0")}-${pad2(p.month)}-${pad2(p.day)}`;
    },
  };
}

/** "2026-04-21" → "Tue 21 Apr 2026"; a civil date, so no zone applies. Anything else as given. */
export function formatCivilDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return isoDate;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const weekday = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
  return `${WEEKDAYS[weekday]} ${d} ${MONTHS[mo - 1] ?? "?"} ${y}`;
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** What an empty value reads as, in both Markdown and PDF. */
export const NONE = "—";

/** A GFM table row from cells that are already escaped (see `cell`). */
export const tableRow = (cells: string[]) => `| ${cells.join(" | ")} |`;

/** One line of text: line breaks (and the blank space around them) become one space. */
export const inline = (s: string) => s.replace(/\s*(?:\r\n?|\n)\s*/g, " ").trim();

/** A table cell: `|` escaped (GFM splits cells before it reads escapes), line breaks as `<br>`. */
export function cell(s: string): string {
  const text = s
    .trim()
    .replace(/\|/g, "\\|")
    .replace(/[ \t]*(?:\r\n?|\n)[ \t]*/g, "<br>");
  return text === "" ? NONE : text;
}

/** Trailing `#`s would be read as the heading's optional closing sequence and dropped. */
export const escapeHeading = (s: string) => s.replace(/(#+)$/, "\\$1");

/**
 * One line of people's text placed where a block starts (a list item's first line, a
 * paragraph): a leading `#`, `>`, `-`, `+`, `*`, `_`, `=`, `` ` ``, `~`, `<`, `[` or `|`, or
 * "1." / "1)", would make it a heading, quote, list, rule, code fence, HTML block, link
 * definition or task box. A backslash before that character keeps it text. Takes `inline` text.
 */
export function escapeLineStart(s: string): string {
  const ordered = /^(\d{1,9})([.)])/.exec(s);
  if (ordered) return `${ordered[1]}\\${ordered[2]}${s.slice(ordered[0].length)}`;
  return /^[#>+\-*_=`~<[|]/.test(s) ? `\\${s}` : s;
}

/**
 * CommonMark blocks that run to the end of the document when left open: fenced code, and raw
 * HTML blocks of kinds 1–5 (`<pre>`/`<script>`/`<style>`/`<textarea>`, comments, processing
 * instructions, declarations, CDATA). If the text ends inside one, append its terminator.
 */
export function closeOpenBlocks(text: string): string {
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

/**
 * People's own Markdown as a block of the document: line endings normalized, outer blank space
 * trimmed, and a code fence or raw-HTML block left open closed at its end, so it cannot swallow
 * what follows. Everything else goes in as written.
 */
export const markdownBlock = (text: string) => closeOpenBlocks(text.replace(/\r\n?/g, "\n").trim());

// ---------------------------------------------------------------------------------------------
// PDF

/** A standard font with its size and line height, in points. */
export interface Font {
  font: string;
  size: number;
  leading: number;
}
/** Which cut of the font: the standard fonts come in regular, bold and oblique. */
export type FontStyle = "regular" | "bold" | "italic";

const PAGE_MARGIN = 50;
/** Running text. */
export const BODY: Font = { font: "Helvetica", size: 10, leading: 13 };
/** Table cells under a header row, notes, page footers. */
export const SMALL: Font = { font: "Helvetica", size: 8.5, leading: 11 };
const CELL_PAD = 3;
const HEADINGS: Record<1 | 2, { font: Font; before: number; after: number }> = {
  1: { font: { font: "Helvetica", size: 13, leading: 17 }, before: 10, after: 4 },
  2: { font: { font: "Helvetica", size: 11, leading: 14 }, before: 6, after: 2 },
};

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
export function toWinAnsi(s: string): string {
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

type Doc = InstanceType<typeof PDFDocument>;

/** What a PDF says about itself, and the line at the foot of every page. */
export interface PdfInfo {
  title: string;
  subject: string;
  /** Epoch milliseconds: the document's creation date, and through it its file ID. */
  generatedAt: number;
  /** Left of "Page N of M" in the bottom margin, e.g. "Generated by Liaison on …". */
  footer: string;
}

/**
 * An A4 PDF in the standard fonts, laid out by `layout` through a `PdfLayout`, with the footer
 * and "Page N of M" on every page. The same info and layout give the same bytes.
 */
export function renderPdf(info: PdfInfo, layout: (pdf: PdfLayout) => void): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    try {
      const generated = new Date(info.generatedAt);
      const pdf = new PDFDocument({
        size: "A4",
        margin: PAGE_MARGIN,
        bufferPages: true,
        lang: "en",
        displayTitle: true,
        // pdfkit derives the file ID from these entries (an MD5 of them), and would otherwise
        // stamp the current time: with them fixed, the same document gives the same bytes.
        info: {
          Title: info.title,
          Author: "Liaison",
          Subject: info.subject,
          Creator: "Liaison",
          CreationDate: generated,
          ModDate: generated,
        },
      });
      const chunks: Buffer[] = [];
      pdf.on("data", (c: Buffer) => chunks.push(c));
      pdf.on("end", () => resolve(Buffer.concat(chunks)));
      pdf.on("error", reject);
      const page = new PdfLayout(pdf);
      layout(page);
      page.footers(info.footer);
      pdf.end();
    } catch (err) {
      reject(err);
    }
  });
}

/**
 * Layout done line by line (our own word wrap, every line placed explicitly), rather than with
 * pdfkit's flowing text, so that a table row or paragraph longer than the space left continues
 * on the next page under a repeated table header, and nothing is ever drawn over the footer or
 * over other text. All text goes through `toWinAnsi`.
 */
export class PdfLayout {
  private y: number;
  /** The left margin, in points. */
  readonly left: number;
  /** The width between the margins, in points. */
  readonly width: number;

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
  keep(height: number) {
    if (this.y + height > this.bottom) this.newPage();
  }

  /** Vertical space; at the foot of a page it simply runs out (the next line starts a page). */
  space(height: number) {
    this.y += height;
  }

  private draw(text: string, x: number, y: number, font: Font, style: FontStyle = "regular", color?: string) {
    if (text === "") return;
    if (color) this.pdf.fillColor(color);
    this.pdf.font(fontName(font, style)).fontSize(font.size).text(text, x, y, { lineBreak: false });
    if (color) this.pdf.fillColor("black");
  }

  /** The document's title, in large bold type, wrapped. */
  title(text: string) {
    const font = { font: "Helvetica", size: 18, leading: 22 };
    for (const line of this.wrap(text, this.width, font, "bold")) {
      this.keep(font.leading);
      this.draw(line, this.left, this.y, font, "bold");
      this.y += font.leading;
    }
    this.y += 8;
  }

  /**
   * A heading (level 1 for sections, 2 for sub-headings), kept on the same page as `keepWith`
   * points of what follows it: by default two lines of body text or of a table without header.
   */
  heading(text: string, level: 1 | 2 = 1, keepWith = 2 * BODY.leading + 2 * CELL_PAD) {
    const { font, before, after } = HEADINGS[level];
    const lines = this.wrap(text, this.width, font, "bold");
    this.y += before;
    this.keep(lines.length * font.leading + after + keepWith);
    for (const line of lines) {
      this.draw(line, this.left, this.y, font, "bold");
      this.y += font.leading;
    }
    this.y += after;
  }

  /**
   * Wrapped text, "\n" starting a new line. `indent` moves it right of the margin; `keepWith`
   * is the height that must fit below its first line on the same page (to keep a label with
   * what it labels).
   */
  paragraph(
    text: string,
    opts: { font?: Font; style?: FontStyle; indent?: number; color?: string; keepWith?: number } = {},
  ) {
    const { font = BODY, style = "regular", indent = 0, color, keepWith = 0 } = opts;
    this.wrap(text, this.width - indent, font, style).forEach((line, i) => {
      this.keep(font.leading + (i === 0 ? keepWith : 0));
      this.draw(line, this.left + indent, this.y, font, style, color);
      this.y += font.leading;
    });
  }

  /** A bulleted list: each item wrapped with a hanging indent under its bullet. */
  bullets(items: string[], opts: { font?: Font; indent?: number } = {}) {
    const { font = BODY, indent = 0 } = opts;
    const hang = font.size;
    for (const item of items) {
      this.wrap(item, this.width - indent - hang, font).forEach((line, i) => {
        this.keep(font.leading);
        if (i === 0) this.draw("•", this.left + indent, this.y, font);
        this.draw(line, this.left + indent + hang, this.y, font);
        this.y += font.leading;
      });
    }
  }

  /** The height a one-line heading takes, space around it included, for keeping it with others. */
  headingHeight(level: 1 | 2): number {
    const { font, before, after } = HEADINGS[level];
    return before + font.leading + after;
  }

  /** The height a table's header row and first line take, for keeping a heading with them. */
  tableStart(header: boolean): number {
    return (header ? 2 * SMALL.leading : BODY.leading) + (header ? 4 : 2) * CELL_PAD;
  }

  /**
   * A table with a header row (repeated on each page it continues on) and wrapped cells. A row
   * taller than the space left is split between pages, line by line, so even a row longer than
   * a whole page is shown in full. Without a header it is a list of label/value rows in body type.
   */
  table(
    widths: number[],
    header: string[] | null,
    rows: string[][],
    opts: { firstColumnBold?: boolean; rules?: boolean } = {},
  ) {
    const font = header ? SMALL : BODY;
    const rules = opts.rules ?? true;
    const styleOf = (bold: boolean): FontStyle => (bold ? "bold" : "regular");
    const wrapRow = (cells: string[], bold: (i: number) => boolean) =>
      cells.map((c, i) => this.wrap(c, widths[i]! - 2 * CELL_PAD, font, styleOf(bold(i))));
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
          this.draw(line, x + CELL_PAD, this.y + CELL_PAD + j * font.leading, font, styleOf(bold(i)));
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
    this.keep(headerHeight + font.leading + 2 * CELL_PAD);
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
  private wrap(text: string, width: number, font: Font, style: FontStyle = "regular"): string[] {
    this.pdf.font(fontName(font, style)).fontSize(font.size);
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

  /** `footer` and "Page N of M" in the bottom margin of every page; `renderPdf` calls it last. */
  footers(footer: string) {
    const range = this.pdf.bufferedPageRange();
    const total = range.count;
    for (let i = range.start; i < range.start + total; i++) {
      this.pdf.switchToPage(i);
      const y = this.pdf.page.height - this.pdf.page.margins.bottom + 18;
      const pageText = `Page ${i + 1} of ${total}`;
      this.pdf.fillColor("#555555");
      this.draw(toWinAnsi(footer), this.left, y, SMALL);
      this.pdf.font(SMALL.font).fontSize(SMALL.size);
      this.draw(pageText, this.left + this.width - this.pdf.widthOfString(pageText), y, SMALL);
      this.pdf.fillColor("black");
    }
  }
}

function fontName(font: Font, style: FontStyle): string {
  if (style === "bold") return `${font.font}-Bold`;
  if (style === "italic") return `${font.font}-Oblique`;
  return font.font;
}
