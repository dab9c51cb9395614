import path from "node:path";
import { z } from "zod";

/**
 * Every setting Liaison reads, with its environment variable, CLI flag and default.
 * README.md's configuration table is written from this list; keep them in step.
 */
export const settings = {
  port: { env: "PORT", flag: "--port", default: "3000", doc: "HTTP port" },
  host: {
    env: "HOST",
    flag: "--host",
    default: "127.0.0.1",
    doc: "interface to listen on (0.0.0.0 for all)",
  },
  databaseUrl: {
    env: "DATABASE_URL",
    flag: "--database-url",
    default: "",
    doc: "postgres://… to use PostgreSQL; empty uses the embedded database in LIAISON_DATA_DIR",
  },
  dataDir: {
    env: "LIAISON_DATA_DIR",
    flag: "--data-dir",
    default: "./data",
    doc: "folder of the embedded database (PGlite)",
  },
  publicUrl: {
    env: "PUBLIC_URL",
    flag: "--public-url",
    default: "",
    doc: "address people use to reach Liaison, for links in messages (default http://localhost:PORT)",
  },
  logLevel: {
    env: "LOG_LEVEL",
    flag: "--log-level",
    default: "info",
    doc: "fatal, error, warn, info, debug, trace or silent",
  },
  demo: {
    env: "LIAISON_DEMO",
    flag: "--demo",
    default: "auto",
    doc: "auto loads demo data on the first start of an empty embedded database; always; never",
  },
  sessionTtlHours: {
    env: "LIAISON_SESSION_TTL_HOURS",
    flag: "--session-ttl-hours",
    default: "168",
    doc: "how long a sign-in lasts",
  },
  bodyLimitBytes: {
    env: "LIAISON_BODY_LIMIT_BYTES",
    flag: "--body-limit-bytes",
    default: "1048576",
    doc: "largest request body accepted",
  },
  smtpUrl: {
    env: "LIAISON_SMTP_URL",
    flag: "--smtp-url",
    default: "",
    doc: "SMTP server for email, e.g. smtp://user:pass@host:587 (smtps:// for implicit TLS); empty: emails are recorded as not sent",
    secret: true,
  },
  mailFrom: {
    env: "LIAISON_MAIL_FROM",
    flag: "--mail-from",
    default: "Liaison <liaison@localhost>",
    doc: "sender of every email",
  },
  intakeDomain: {
    env: "LIAISON_INTAKE_DOMAIN",
    flag: "--intake-domain",
    default: "",
    doc: "mail domain of the ticket intake addresses (tickets+<key>@domain); default: the host of PUBLIC_URL",
  },
  intakeSecret: {
    env: "LIAISON_INTAKE_SECRET",
    flag: "--intake-secret",
    default: "",
    doc: "shared secret the mail gateway sends (Authorization: Bearer …) to POST /api/v1/intake/email; empty: the endpoint is off",
    secret: "whole",
  },
} as const;

export type SettingName = keyof typeof settings;

const port = z.coerce
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(0, "must be between 0 and 65535")
  .max(65535, "must be between 0 and 65535");

const configSchema = z.object({
  port,
  host: z.string().min(1, "must not be empty"),
  databaseUrl: z
    .string()
    .refine((v) => v === "" || /^postgres(ql)?:\/\//.test(v), "must start with postgres:// or postgresql://"),
  dataDir: z.string().min(1, "must not be empty"),
  publicUrl: z
    .string()
    .refine(
      (v) => v === "" || URL.canParse(v),
      "must be an absolute URL such as https://liaison.example.com",
    ),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
    error: "must be one of fatal, error, warn, info, debug, trace, silent",
  }),
  demo: z.enum(["auto", "always", "never"], { error: "must be auto, always or never" }),
  sessionTtlHours: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(24 * 90, "must be at most 2160 (90 days)"),
  bodyLimitBytes: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1024, "must be at least 1024")
    .max(100 * 1024 * 1024, "must be at most 104857600"),
  smtpUrl: z
    .string()
    .refine(
      (v) => v === "" || (/^smtps?:\/\//.test(v) && URL.canParse(v) && new URL(v).hostname !== ""),
      "must be empty or a URL such as smtp://user:password@mail.example.com:587",
    ),
  mailFrom: z
    .string()
    .trim()
    .regex(
      /^([^<>@]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/,
      "must be an address such as liaison@example.com or Liaison <liaison@example.com>",
    ),
  intakeDomain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^$|^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/,
      "must be a mail domain such as support.example.com",
    ),
  intakeSecret: z
    .string()
    .refine(
      (v) => v === "" || v.length >= 24,
      "must be empty (email intake off) or at least 24 characters; generate one with `openssl rand -hex 32`",
    )
    .refine((v) => !/\s/.test(v), "must not contain spaces"),
});

export type Config = z.infer<typeof configSchema> & {
  /** `pglite` when DATABASE_URL is empty. */
  database: "pglite" | "postgres";
  /** PUBLIC_URL without a trailing slash, defaulted from PORT. */
  publicUrl: string;
};

/** A URL's password replaced by ***, so a setting holding one can be shown in messages. */
export function redactUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, "$1:***@");
}

/** Raised when configuration is invalid; `problems` lists every one, each naming its variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/**
 * Reads configuration from the environment, with CLI flags (already parsed, by setting name)
 * taking precedence. Collects every problem before failing, so one start-up attempt shows them all.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Record<SettingName, string | number | undefined>> = {},
): Config {
  const raw: Record<string, unknown> = {};
  const source: Record<string, string> = {};
  for (const [name, s] of Object.entries(settings) as [SettingName, (typeof settings)[SettingName]][]) {
    const flagValue = overrides[name];
    if (flagValue !== undefined) {
      raw[name] = String(flagValue);
      source[name] = s.flag;
    } else {
      raw[name] = env[s.env] ?? s.default;
      source[name] = s.env;
    }
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]) as SettingName;
      const s = settings[key];
      // A URL keeps all but its password; a secret that is all secret is not shown at all.
      const value = !("secret" in s)
        ? raw[key]
        : s.secret === "whole"
          ? "[redacted]"
          : redactUrlPassword(String(raw[key]));
      return `${source[key] ?? key}=${JSON.stringify(value)} ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  const c = parsed.data;
  const publicUrl = (c.publicUrl || `http://localhost:${c.port}`).replace(/\/+$/, "");
  return {
    ...c,
    dataDir: path.resolve(c.dataDir),
    database: c.databaseUrl ? "postgres" : "pglite",
    publicUrl,
    intakeDomain: c.intakeDomain || new URL(publicUrl).hostname,
  };
}
