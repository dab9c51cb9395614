import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, settings } from "./config.ts";

describe("configuration", () => {
  it("has defaults that start the embedded database in ./data", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      database: "pglite",
      publicUrl: "http://localhost:3000",
      demo: "auto",
    });
    expect(c.dataDir).toBe(path.resolve("data"));
  });

  it("takes CLI flags over environment variables", () => {
    const c = loadConfig({ PORT: "4000", DATABASE_URL: "postgres://u@h/db" }, { port: "5000" });
    expect(c.port).toBe(5000);
    expect(c.database).toBe("postgres");
    expect(c.publicUrl).toBe("http://localhost:5000");
  });

  it("lists every problem, each naming its variable or flag", () => {
    try {
      loadConfig(
        { PORT: "99999", DATABASE_URL: "mysql://x", PUBLIC_URL: "not a url", LOG_LEVEL: "loud" },
        { demo: "sometimes" },
      );
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(5);
      expect(problems.join("\n")).toMatch(/PORT=.*between 0 and 65535/);
      expect(problems.join("\n")).toMatch(/DATABASE_URL=.*postgres:\/\//);
      expect(problems.join("\n")).toMatch(/PUBLIC_URL=.*absolute URL/);
      expect(problems.join("\n")).toMatch(/LOG_LEVEL=/);
      expect(problems.join("\n")).toMatch(/--demo=.*auto, always or never/);
    }
  });

  it("strips a trailing slash from PUBLIC_URL", () => {
    expect(loadConfig({ PUBLIC_URL: "https://liaison.example.org/" }).publicUrl).toBe(
      "https://liaison.example.org",
    );
  });

  it("reads the SMTP server and sender, and never repeats the SMTP password in a problem", () => {
    const c = loadConfig({ LIAISON_SMTP_URL: "smtp://mailer:s3cret@mail.example.com:587" });
    expect(c.smtpUrl).toBe("smtp://mailer:s3cret@mail.example.com:587");
    expect(c.mailFrom).toBe("Liaison <liaison@localhost>");
    try {
      loadConfig({ LIAISON_SMTP_URL: "http://mailer:s3cret@mail.example.com", LIAISON_MAIL_FROM: "nobody" });
      expect.unreachable();
    } catch (err) {
      const text = (err as ConfigError).problems.join("\n");
      expect(text).toMatch(/LIAISON_SMTP_URL=.*mailer:\*\*\*@mail\.example\.com.*smtp:\/\//);
      expect(text).not.toContain("s3cret");
      expect(text).toMatch(/LIAISON_MAIL_FROM="nobody" must be an address/);
    }
  });

  it("is documented in README.md's configuration table, one row per setting", () => {
    const readme = fs.readFileSync(
      path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../README.md"),
      "utf8",
    );
    for (const s of Object.values(settings)) {
      expect(readme, s.env).toMatch(new RegExp(`^\\| \`${s.env}\` +\\| \`${s.flag}\` +\\|`, "m"));
    }
  });
});
