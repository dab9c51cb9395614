/**
 * Turning an email's text into what a ticket keeps: the subject as a title, the body without the
 * quoted history a reply drags along, without the sender's signature, and cut to the sizes the
 * ticket fields accept. Pure functions on strings, tested on their own.
 */

/** The longest title and description/comment the web form accepts (see tickets.schema.ts). */
export const TITLE_MAX = 200;
export const BODY_MAX = 20_000;

const REPLY_PREFIX = /^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|antw|tr|rv)\s*(?:\[\d+\])?\s*:\s*)+/i;
/** `[#12]`: the ticket reference Liaison's own emails carry in their subjects. */
export const SUBJECT_TICKET_REF = /\[#(\d{1,9})\]/;

/** The ticket number a subject refers to (`Re: [#12] Printer down` → 12), or null. */
export function ticketNumberInSubject(subject: string): number | null {
  const m = SUBJECT_TICKET_REF.exec(subject);
  return m ? Number(m[1]) : null;
}

/** Cuts text to `max` characters, saying so at the end when it did. */
export function cut(
  text: string,
  max: number,
  note = "\n\n[The email was longer; the rest was not imported.]",
) {
  if (text.length <= max) return text;
  return text.slice(0, max - note.length).trimEnd() + note;
}

/** A ticket title from a subject: without `Re:`/`Fwd:` prefixes, on one line, at most 200 characters. */
export function titleFromSubject(subject: string): string {
  const flat = subject.replace(/\s+/g, " ").replace(REPLY_PREFIX, "").trim();
  return flat.length <= TITLE_MAX ? flat : `${flat.slice(0, TITLE_MAX - 1).trimEnd()}…`;
}

const normalize = (text: string) =>
  text
    .replace(/\r\n?/g, "\n")
    .replace(/\u00a0/g, " ")
    .replace(/[ \t]+$/gm, "");

/**
 * Lines that introduce the quoted history of a reply. Matched on a line (or on a line joined with
 * the next: clients wrap long "On …, Name <address> wrote:" lines).
 */
const QUOTE_HEADERS: RegExp[] = [
  // English, German, French, Spanish, Italian, Dutch attribution lines.
  /^(?:on|am|le|el|il|op)\s.{4,300}\s(?:wrote|schrieb|a écrit|escribió|ha scritto|schreef)\s?:\s*$/i,
  /^-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine)\s*-{2,}\s*$/i,
  // Replies to Liaison's own notifications, should they carry a marker line.
  /^[-—_=\s]*(?:reply|write) above this line[-—_=\s]*$/i,
];
/** Outlook's header block: a `From:` line followed closely by `Sent:`/`Date:` and `To:`/`Subject:`. */
const OUTLOOK_FROM = /^\*?(?:from|von|de|van)\s?:\*?\s/i;
const OUTLOOK_NEXT =
  /^\*?(?:sent|date|gesendet|datum|envoyé|enviado|verzonden|to|an|à|para|aan|subject|betreff|objet|asunto|onderwerp)\s?:\*?\s/i;

/** The index of the first line that starts quoted history, or -1. */
function quoteStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const joined = i + 1 < lines.length ? `${line} ${lines[i + 1]!.trim()}` : line;
    if (
      QUOTE_HEADERS.some((re) => re.test(line) || (/^(?:on|am|le|el|il|op)\s/i.test(line) && re.test(joined)))
    )
      return i;
    // Outlook separates the history with a rule line, or starts it with a From:/Sent: block.
    if (/^_{10,}$/.test(line) && lines.slice(i + 1, i + 3).some((l) => OUTLOOK_FROM.test(l.trim()))) return i;
    if (OUTLOOK_FROM.test(line) && lines.slice(i + 1, i + 4).some((l) => OUTLOOK_NEXT.test(l.trim())))
      return i;
  }
  return -1;
}

/**
 * The sender's signature removed: everything from the last `-- ` delimiter line (RFC 3676) when
 * few lines follow it, and a trailing "Sent from my phone" line.
 */
export function withoutSignature(text: string): string {
  const lines = normalize(text).split("\n");
  for (let i = lines.length - 1; i >= 0 && i >= lines.length - 15; i--) {
    if (/^-- ?$/.test(lines[i]!)) {
      lines.length = i;
      break;
    }
  }
  while (lines.length && lines[lines.length - 1]!.trim() === "") lines.pop();
  const last = lines[lines.length - 1]?.trim() ?? "";
  if (/^(?:sent from my |sent from outlook|get outlook for |von meinem .* gesendet)/i.test(last)) lines.pop();
  return lines.join("\n").trim();
}

/**
 * What a reply says, without the history it quotes: cut at the first attribution line ("On …
 * wrote:", Outlook's From:/Sent: block, "--- Original Message ---"), then without a trailing block
 * of `>` lines and without the signature. Quotes interleaved with answers are kept: they give
 * the answers their context.
 */
export function replyText(text: string): string {
  const lines = normalize(text).split("\n");
  const start = quoteStart(lines);
  if (start >= 0) lines.length = start;
  while (lines.length && (lines[lines.length - 1]!.trim() === "" || /^\s*>/.test(lines[lines.length - 1]!)))
    lines.pop();
  return withoutSignature(lines.join("\n"));
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/**
 * Plain text from HTML, for messages whose text part is missing or could not be made: block
 * elements become line breaks, tags go, entities are decoded. Deliberately simple; the mail
 * parser's own conversion is used when it succeeds.
 */
export function htmlToPlain(html: string): string {
  return normalize(
    html
      .replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, "")
      .replace(/<br\s*\/?>/gi, "\n")
      .replace(/<\/(p|div|li|tr|h[1-6]|blockquote|pre|table)\s*>/gi, "\n")
      .replace(/<li\b[^>]*>/gi, "- ")
      .replace(/<[^>]*>/g, "")
      .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
        if (name[0] === "#") {
          const code =
            name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : Number(name.slice(1));
          return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
        }
        return ENTITIES[name.toLowerCase()] ?? whole;
      }),
  )
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
