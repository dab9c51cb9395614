import { describe, expect, it } from "vitest";
import {
  absoluteUrl,
  escapeHtml,
  messageDomain,
  renderDigestEmail,
  renderNotificationEmail,
} from "./email.ts";

describe("notification emails", () => {
  const rendered = renderNotificationEmail({
    heading: `Ticket #12 "Printer" <down>`,
    body: "The <b>printer</b> & scanner stopped.\nSince 09:00.\n\nWe are on it.",
    url: "https://liaison.example.org/r/1/tickets/2?x=1&y=2",
    preferencesUrl: "https://liaison.example.org/settings/notifications",
  });

  it("say the same in plain text and in HTML, with a link to the page", () => {
    expect(rendered.text).toContain("The <b>printer</b> & scanner stopped.\nSince 09:00.\n\nWe are on it.");
    expect(rendered.text).toContain("Open in Liaison: https://liaison.example.org/r/1/tickets/2?x=1&y=2");
    expect(rendered.html).toContain(
      '<p style="margin:0 0 14px 0">The &lt;b&gt;printer&lt;/b&gt; &amp; scanner stopped.<br>Since 09:00.</p>',
    );
    expect(rendered.html).toContain(">We are on it.</p>");
    expect(rendered.html).toContain('href="https://liaison.example.org/r/1/tickets/2?x=1&amp;y=2"');
    expect(rendered.html).toContain(
      '<h1 style="font-size:18px;line-height:1.3;margin:0 0 16px 0">Ticket #12 &quot;Printer&quot; &lt;down&gt;</h1>',
    );
  });

  it("never let text become markup", () => {
    expect(rendered.html).not.toMatch(/<b>|<down>/);
    expect(escapeHtml(`<img src=x onerror='a'>&`)).toBe("&lt;img src=x onerror=&#39;a&#39;&gt;&amp;");
  });

  it("link only to http(s) addresses, resolved against the public URL", () => {
    expect(absoluteUrl("https://l.example", "/r/1/protocol")).toBe("https://l.example/r/1/protocol");
    expect(absoluteUrl("https://l.example/base", "/r/1")).toBe("https://l.example/r/1");
    expect(absoluteUrl("https://l.example", "javascript:alert(1)")).toBeNull();
    expect(absoluteUrl("https://l.example", null)).toBeNull();
    expect(messageDomain("https://liaison.example.org:8443/x")).toBe("liaison.example.org");
  });
});

describe("digest emails", () => {
  it("list every held notification, oldest first, in the person's time zone", () => {
    const d = renderDigestEmail(
      [
        {
          subject: "First <one>",
          body: "a & b",
          url: "https://l.example/r/1",
          createdAt: new Date("2026-01-14T08:05:00Z"),
        },
        { subject: "Second", body: "line 1\nline 2", url: null, createdAt: new Date("2026-01-14T09:10:00Z") },
      ],
      { preferencesUrl: "https://l.example/settings/notifications", timeZone: "Europe/Berlin" },
    );
    expect(d.subject).toBe("Liaison digest: 2 notifications");
    expect(d.text.indexOf("* First <one> (14 Jan 2026, 09:05)")).toBeLessThan(
      d.text.indexOf("* Second (14 Jan 2026, 10:10)"),
    );
    expect(d.text).toContain("  line 1\n  line 2");
    expect(d.html).toContain('<a href="https://l.example/r/1" style="color:#1c7ed6">First &lt;one&gt;</a>');
    expect(d.html).toContain("a &amp; b");
  });
});
