import ICAL from "ical.js";
import { isMap, isSeq, type Node, parseDocument, stringify, type YAMLMap, type YAMLSeq } from "yaml";
import { AppError } from "../../core/http/errors.ts";
import { weekdays } from "./protocol.document.ts";

/**
 * Imports holidays from an iCalendar file (a public-holiday calendar exported from Outlook or
 * Google Calendar, or a government feed) into a protocol document's `calendar.holidays`. Yearly
 * rules become yearly holidays ("fourth Thursday of November"); single days become dated
 * holidays; other recurrences are expanded for the next three years. The rest of the document,
 * comments included, is left as it was.
 */
export interface ImportedHoliday {
  name: string;
  date?: string;
  month?: number;
  day?: number;
  weekday?: (typeof weekdays)[number];
  nth?: number;
}

const ICAL_DAYS: Record<string, (typeof weekdays)[number]> = {
  MO: "mon",
  TU: "tue",
  WE: "wed",
  TH: "thu",
  FR: "fri",
  SA: "sat",
  SU: "sun",
};

const pad = (n: number) => String(n).padStart(2, "0");
const dateOf = (t: ICAL.Time) => `${t.year}-${pad(t.month)}-${pad(t.day)}`;

/** The holidays an .ics file describes. Throws a 400 naming the problem when it is not iCalendar. */
export function holidaysFromIcs(ics: string, fromYear: number): ImportedHoliday[] {
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(ics));
  } catch (e) {
    throw new AppError("validation_failed", "The file is not valid iCalendar.", {
      errors: [
        {
          path: "body.ics",
          message: `is not valid iCalendar (${(e as Error).message}); export the calendar as .ics and try again`,
        },
      ],
    });
  }
  const out: ImportedHoliday[] = [];
  for (const vevent of root.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    const name = (event.summary || "Holiday").trim().slice(0, 200);
    const start = event.startDate;
    if (!start) continue;
    const rule = vevent.getFirstPropertyValue("rrule") as ICAL.Recur | null;
    if (!rule) {
      // A multi-day event (e.g. a closure over several days) becomes one holiday per day.
      const end = event.endDate;
      const days =
        end && start.isDate ? Math.max(1, Math.round(end.subtractDate(start).toSeconds() / 86_400)) : 1;
      for (let i = 0; i < Math.min(days, 31); i++) {
        const t = start.clone();
        t.day += i;
        t.isDate = true;
        out.push({ name, date: dateOf(t) });
      }
      continue;
    }
    const parts = rule.parts as Record<string, Array<string | number> | undefined>;
    const month = parts.BYMONTH?.length === 1 ? Number(parts.BYMONTH[0]) : start.month;
    const byDay = parts.BYDAY?.length === 1 ? String(parts.BYDAY[0]) : null;
    const nthDay = byDay ? /^([+-]?\d)?([A-Z]{2})$/.exec(byDay) : null;
    if (rule.freq === "YEARLY" && (rule.interval ?? 1) === 1 && nthDay?.[1] && ICAL_DAYS[nthDay[2]!]) {
      out.push({ name, month, weekday: ICAL_DAYS[nthDay[2]!], nth: Number(nthDay[1]) });
    } else if (rule.freq === "YEARLY" && (rule.interval ?? 1) === 1 && !byDay && !rule.until && !rule.count) {
      out.push({
        name,
        month,
        day: parts.BYMONTHDAY?.length === 1 ? Number(parts.BYMONTHDAY[0]) : start.day,
      });
    } else {
      const it = event.iterator();
      for (let next = it.next(), n = 0; next && n < 500; next = it.next(), n++) {
        if (next.year > fromYear + 3) break;
        if (next.year >= fromYear) out.push({ name, date: dateOf(next) });
      }
    }
  }
  return out;
}

/** Merges an .ics file's holidays into a document's YAML, skipping ones already there. */
export function importHolidaysFromIcs(document: string, ics: string, fromYear = new Date().getUTCFullYear()) {
  const holidays = holidaysFromIcs(ics, fromYear);
  const doc = parseDocument(document);
  if (doc.errors.length)
    throw new AppError("validation_failed", "The protocol document is not valid YAML.", {
      errors: [
        { path: "body.document", message: "is not valid YAML; fix its syntax before importing holidays" },
      ],
    });
  if (!isMap(doc.contents))
    throw new AppError("validation_failed", "The protocol document must be a YAML mapping.", {
      errors: [{ path: "body.document", message: "must be a YAML mapping; start from the default template" }],
    });
  let seq = doc.getIn(["calendar", "holidays"], true);
  // A block list with items gets the new lines inserted after its last item, leaving every other
  // byte of the document as it was; anything else is re-serialized.
  const block = isSeq(seq) && !seq.flow && seq.items.length > 0 ? (seq as YAMLSeq<Node>) : null;
  const insertAt = block ? endOfLine(document, block.items.at(-1)!.range![1]) : -1;
  const indent = block ? indentOf(document, block.items[0]!.range![0]) : "";
  const lines: string[] = [];
  if (!isSeq(seq)) {
    doc.setIn(["calendar", "holidays"], doc.createNode([]));
    seq = doc.getIn(["calendar", "holidays"], true);
  }
  const list = seq as ReturnType<typeof doc.createNode> & { items: unknown[] };
  const key = (h: Record<string, unknown>) =>
    JSON.stringify([
      String(h.name).toLowerCase(),
      h.date ?? null,
      h.month ?? null,
      h.day ?? null,
      h.weekday ?? null,
      h.nth ?? null,
    ]);
  const existing = new Set(
    (
      (doc.toJS() as { calendar?: { holidays?: Array<Record<string, unknown>> } }).calendar?.holidays ?? []
    ).map(key),
  );
  const added: Array<{ name: string; rule: string }> = [];
  let skipped = 0;
  for (const h of holidays) {
    if (existing.has(key(h as unknown as Record<string, unknown>))) {
      skipped++;
      continue;
    }
    existing.add(key(h as unknown as Record<string, unknown>));
    const node = doc.createNode(h) as YAMLMap;
    node.flow = true;
    if (block) lines.push(`${indent}- ${flowMap(h)}\n`);
    else list.items.push(node);
    added.push({
      name: h.name,
      rule:
        h.date ??
        (h.weekday
          ? `${h.nth === -1 ? "last" : `#${h.nth}`} ${h.weekday} of month ${h.month}`
          : `every ${h.month}/${h.day}`),
    });
  }
  const text = block
    ? document.slice(0, insertAt) + lines.join("") + document.slice(insertAt)
    : doc.toString({ lineWidth: 0 });
  return { document: text, added, skipped };
}

/** `{ name: Juneteenth, month: 6, day: 19 }`, each value quoted only when YAML needs it. */
function flowMap(h: ImportedHoliday): string {
  const parts = Object.entries(h).map(([k, v]) => `${k}: ${stringify(v, { lineWidth: 0 }).trim()}`);
  return `{ ${parts.join(", ")} }`;
}

/** The offset just after the line that contains `offset` (or the end of the text). */
function endOfLine(text: string, offset: number): number {
  const probe = offset > 0 && text[offset - 1] === "\n" ? offset - 1 : offset;
  const nl = text.indexOf("\n", probe);
  return nl === -1 ? text.length : nl + 1;
}

/** The indentation of the "- " that starts the list item at `offset`. */
function indentOf(text: string, offset: number): string {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  return /^\s*/.exec(text.slice(lineStart, offset).replace(/-\s*$/, ""))![0];
}
