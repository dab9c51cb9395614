/**
 * Email rendering: a plain-text part and an HTML part made from the same plain text (escaped),
 * with a button to the page the message is about. Rendered when the message is queued, so every
 * retry sends the same bytes and the message says what was true when the event happened.
 */

/** What the outbox stores for an email; `From` is added at delivery from configuration. */
export interface EmailPayload {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** `<…>`; derived from the outbox id, so a retried send carries the same id. */
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  /** An iCalendar invitation sent as the text/calendar alternative (and an invite.ics attachment). */
  calendar?: { method: "REQUEST" | "CANCEL" | "PUBLISH"; content: string };
}

/** The domain of Message-IDs: the host people reach Liaison at. */
export function messageDomain(publicUrl: string): string {
  try {
    return new URL(publicUrl).hostname || "liaison.invalid";
  } catch {
    return "liaison.invalid";
  }
}

/** The Message-ID of the outbox message with this id. */
export const messageIdFor = (outboxId: string, domain: string): string => `<${outboxId}@${domain}>`;

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** An absolute http(s) URL for an app path (or an absolute URL); null for anything else. */
export function absoluteUrl(publicUrl: string, link: string | null | undefined): string | null {
  if (!link) return null;
  try {
    const url = new URL(link, `${publicUrl}/`);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : null;
  } catch {
    return null;
  }
}

/** Plain text as HTML paragraphs: blank lines separate paragraphs, single newlines break lines. */
function paragraphs(text: string): string {
  return text
    .trim()
    .split(/\r?\n\s*\r?\n/)
    .map((p) => `<p style="margin:0 0 14px 0">${escapeHtml(p).replace(/\r?\n/g, "<br>")}</p>`)
    .join("\n");
}

function layout(opts: { heading: string; content: string; footer: string }): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(opts.heading)}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328">
<div style="background:#ffffff;border:1px solid #d8dee4;border-radius:8px;padding:24px">
<h1 style="font-size:18px;line-height:1.3;margin:0 0 16px 0">${escapeHtml(opts.heading)}</h1>
${opts.content}
</div>
<p style="font-size:12px;color:#656d76;margin:16px 4px 0 4px">${opts.footer}</p>
</div>
</body>
</html>`;
}

function button(url: string, label: string): string {
  return `<p style="margin:20px 0 4px 0"><a href="${escapeHtml(url)}" style="display:inline-block;background:#1c7ed6;color:#ffffff;text-decoration:none;font-weight:600;padding:10px 18px;border-radius:6px">${escapeHtml(label)}</a></p>`;
}

const footerText = (preferencesUrl: string) =>
  `You get this email because of your notification settings in Liaison. Change them: ${preferencesUrl}`;
const footerHtml = (preferencesUrl: string) =>
  `You get this email because of your notification settings in Liaison. <a href="${escapeHtml(preferencesUrl)}" style="color:#656d76">Change them</a>.`;

/** The parts of one notification email. */
export function renderNotificationEmail(n: {
  /** The event's own subject, the heading of the message. */
  heading: string;
  body: string;
  url: string | null;
  preferencesUrl: string;
}): { text: string; html: string } {
  const text = [
    n.heading,
    "",
    n.body.trim(),
    ...(n.url ? ["", `Open in Liaison: ${n.url}`] : []),
    "",
    "-- ",
    footerText(n.preferencesUrl),
    "",
  ].join("\n");
  const html = layout({
    heading: n.heading,
    content: paragraphs(n.body) + (n.url ? button(n.url, "Open in Liaison") : ""),
    footer: footerHtml(n.preferencesUrl),
  });
  return { text, html };
}

export interface DigestEntry {
  subject: string;
  body: string;
  url: string | null;
  createdAt: Date;
}

/** One email for several low-severity notifications, oldest first. */
export function renderDigestEmail(
  items: readonly DigestEntry[],
  opts: { preferencesUrl: string; timeZone: string },
): { subject: string; text: string; html: string } {
  const when = new Intl.DateTimeFormat("en-GB", {
    timeZone: opts.timeZone,
    dateStyle: "medium",
    timeStyle: "short",
  });
  const subject = `Liaison digest: ${items.length} notification${items.length === 1 ? "" : "s"}`;
  const text = [
    subject,
    "",
    ...items.flatMap((i) => [
      `* ${i.subject} (${when.format(i.createdAt)})`,
      ...i.body
        .trim()
        .split(/\r?\n/)
        .map((l) => `  ${l}`),
      ...(i.url ? [`  ${i.url}`] : []),
      "",
    ]),
    "-- ",
    footerText(opts.preferencesUrl),
    "",
  ].join("\n");
  const entries = items
    .map(
      (i) =>
        `<div style="border-top:1px solid #d8dee4;padding:12px 0">
<p style="margin:0 0 4px 0;font-weight:600">${i.url ? `<a href="${escapeHtml(i.url)}" style="color:#1c7ed6">${escapeHtml(i.subject)}</a>` : escapeHtml(i.subject)}</p>
<p style="margin:0 0 6px 0;font-size:12px;color:#656d76">${escapeHtml(when.format(i.createdAt))}</p>
${paragraphs(i.body)}
</div>`,
    )
    .join("\n");
  return {
    subject,
    text,
    html: layout({ heading: subject, content: entries, footer: footerHtml(opts.preferencesUrl) }),
  };
}
