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
});

export type Config = z.infer<typeof configSchema> & {
  /** `pglite` when DATABASE_URL is empty. */
  database: "pglite" | "postgres";
  /** PUBLIC_URL without a trailing slash, defaulted from PORT. */
  publicUrl: string;
};

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
      return `${source[key] ?? key}=${JSON.stringify(raw[key])} ${issue.message}`;
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
  };
}
