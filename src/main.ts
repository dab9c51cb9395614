import fs from "node:fs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { eq } from "drizzle-orm";
import pino from "pino";
import { buildApp, loggerOptions } from "./app.ts";
import { type Config, ConfigError, loadConfig, type SettingName, settings } from "./core/config.ts";
import { type Database, openDatabase } from "./core/db/index.ts";
import { DataDirLockedError } from "./core/db/lock.ts";
import { verifyChains } from "./core/events/events.ts";
import { allRoles } from "./core/http/actor.ts";
import type { ServiceContext } from "./core/http/context.ts";
import { systemClock } from "./core/time/clock.ts";
import { DEMO_PASSWORD, demoLogins, hasDemoData, isEmpty, loadDemo } from "./demo/demo.ts";
import {
  issueSetupToken,
  normalizeEmail,
  setPasswordAsOperator,
  setupUrl,
} from "./modules/identity/auth.service.ts";
import { organizations, users } from "./modules/identity/identity.tables.ts";
import { addMemberAsOperator, createOrganization } from "./modules/identity/orgs.service.ts";
import { createRelationship } from "./modules/identity/relationships.service.ts";
import { hashPassword } from "./modules/identity/passwords.ts";
import { calendarFor } from "./modules/protocol/protocol.compile.ts";
import { streamDueDates } from "./modules/protocol/protocol.due.ts";
import { protocolJsonSchema } from "./modules/protocol/protocol.document.ts";
import { importHolidaysFromIcs } from "./modules/protocol/protocol.ics.ts";
import { defaultProtocolTemplate, startFromTemplate } from "./modules/protocol/protocol.service.ts";
import { validateProtocolText } from "./modules/protocol/protocol.validate.ts";
import { describeOutcome, processMaildir, watchMaildir } from "./modules/tickets/intake.maildir.ts";
import { type JobsRuntime, startJobs } from "./core/jobs/jobs.ts";
import { startWorker } from "./worker.ts";

/** A file's text, or stdin's for "-"; a missing file is a one-line failure. */
function readInput(file: string): string {
  try {
    return fs.readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    throw new CliFailure(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`,
    );
  }
}

/** A failure to report in one line on stderr, exiting 1. */
class CliFailure extends Error {}

type Flags = Partial<Record<SettingName, string>>;

function configFrom(flags: Flags): Config {
  return loadConfig(process.env, flags);
}

async function open(config: Config): Promise<Database> {
  if (config.database === "postgres") return openDatabase({ kind: "postgres", url: config.databaseUrl });
  const fresh = !fs.existsSync(`${config.dataDir}/pg`);
  if (fresh)
    process.stdout.write(
      `Preparing the embedded database in ${config.dataDir} (first start takes a few seconds)…\n`,
    );
  return openDatabase({ kind: "pglite", dataDir: config.dataDir });
}

/** The context of work an operator starts (CLI, start-up): no actor, so events name the system. */
const operatorContext = (database: Database, config: Config, requestId: string): ServiceContext => ({
  db: database.db,
  clock: systemClock,
  actor: null,
  requestId,
  publicUrl: config.publicUrl,
  config,
  jobs: null,
});

/** Runs a command body with an open, migrated database, and closes it whatever happens. */
async function withDatabase<T>(
  config: Config,
  fn: (database: Database, ctx: ServiceContext) => Promise<T>,
): Promise<T> {
  const database = await open(config);
  try {
    await database.migrate();
    return await fn(database, operatorContext(database, config, `cli-${process.pid}`));
  } finally {
    await database.close();
  }
}

/** An organization by id or exact name, or a CliFailure naming what was looked for. */
async function findOrganization(database: Database, ref: string) {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  const [org] = await database.db
    .select()
    .from(organizations)
    .where(isUuid ? eq(organizations.id, ref) : eq(organizations.name, ref));
  if (!org) throw new CliFailure(`No organization ${JSON.stringify(ref)}: give its id or its exact name.`);
  return org;
}

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
};

const dbOptions: SettingName[] = ["databaseUrl", "dataDir", "logLevel"];

async function start(flags: Flags & { role?: string }): Promise<void> {
  const config = configFrom(flags);
  const role = flags.role ?? "all";
  const log = pino({ level: config.logLevel, ...(loggerOptions(config.logLevel) as object) });
  const database = await open(config);
  let shuttingDown = false;
  try {
    await database.migrate();
    const ctx = operatorContext(database, config, "startup");
    let demoPresent = await hasDemoData(database.db);
    const wantDemo =
      config.demo === "always" ||
      (config.demo === "auto" && config.database === "pglite" && (await isEmpty(database.db)));
    if (wantDemo && !demoPresent) {
      log.info(await loadDemo(ctx), "demo data loaded");
      demoPresent = true;
    }
    const stops: (() => Promise<void>)[] = [];
    let jobs: JobsRuntime | null = null;
    if (role === "worker" || role === "all") {
      const worker = await startWorker(database, systemClock, log, { config });
      jobs = worker.jobs;
      stops.push(worker.stop);
    }
    if (role === "api" || role === "all") {
      if (!jobs) {
        // An API-only process queues jobs (timers, deliveries) for the workers; it runs none.
        const sendOnly = await startJobs(database, { log, supervise: false });
        jobs = sendOnly;
        stops.push(() => sendOnly.stop());
      }
      const app = await buildApp({ database, config, jobs, logger: loggerOptions(config.logLevel) });
      await app.listen({ port: config.port, host: config.host });
      stops.unshift(() => app.close());
      const url = config.publicUrl;
      const lines = [
        "",
        `Liaison is running at ${url}  (API docs: ${url}/api/docs)`,
        `Database: ${config.database === "pglite" ? `embedded, in ${config.dataDir}` : "PostgreSQL"}`,
      ];
      if (demoPresent) {
        lines.push(`Demo logins (password for all: ${DEMO_PASSWORD}):`);
        for (const l of demoLogins) lines.push(`  ${l.email.padEnd(36)} ${l.what}`);
      }
      lines.push("Stop with Ctrl+C.", "");
      process.stdout.write(`${lines.join("\n")}\n`);
    } else {
      process.stdout.write(`Liaison worker started (role ${role}).\n`);
    }
    const shutdown = async (signal: string) => {
      if (shuttingDown) return;
      shuttingDown = true;
      log.info({ signal }, "shutting down: finishing requests in flight");
      // A stuck close must not keep a stopped service half-alive forever.
      const force = setTimeout(() => {
        log.error("shutdown took longer than 10 s; exiting");
        process.exit(1);
      }, 10_000);
      force.unref();
      for (const stop of stops) await stop().catch((err) => log.error({ err }, "error while stopping"));
      await database.close();
      process.exit(0);
    };
    process.once("SIGTERM", () => void shutdown("SIGTERM"));
    process.once("SIGINT", () => void shutdown("SIGINT"));
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
}

export function buildCli(): Command {
  const program = new Command("liaison")
    .description(
      "Liaison: the communication protocol between a client and its managed service provider, as running software.",
    )
    .showHelpAfterError("(run liaison --help for usage)")
    .exitOverride();

  const configFlag = (cmd: Command, names: SettingName[]) => {
    for (const name of names) {
      const s = settings[name];
      cmd.option(`${s.flag} <value>`, `${s.doc} [env ${s.env}]`);
    }
    return cmd;
  };

  configFlag(
    program
      .command("start")
      .description(
        "start the web app, API and workers (runs migrations; loads demo data on a fresh embedded database)",
      )
      .addOption(
        new Option("--role <role>", "what this process runs")
          .choices(["api", "worker", "all"])
          .default("all"),
      ),
    [
      "port",
      "host",
      "databaseUrl",
      "dataDir",
      "publicUrl",
      "logLevel",
      "demo",
      "sessionTtlHours",
      "bodyLimitBytes",
      "smtpUrl",
      "mailFrom",
      "intakeDomain",
      "intakeSecret",
    ],
  ).action(async (opts: Flags & { role: string }) => start(opts));

  configFlag(program.command("migrate").description("apply pending database migrations"), dbOptions).action(
    async (opts: Flags) => {
      await withDatabase(configFrom(opts), async () => {});
      process.stdout.write("Migrations are up to date.\n");
    },
  );

  configFlag(
    program.command("demo").description("load the demo organizations, people and relationships"),
    dbOptions,
  ).action(async (opts: Flags) => {
    await withDatabase(configFrom(opts), async (database, ctx) => {
      if (await hasDemoData(database.db)) throw new CliFailure("The demo data is already loaded.");
      const r = await loadDemo(ctx);
      process.stdout.write(
        `Loaded ${r.organizations} organizations, ${r.people} people and ${r.relationships} relationships. Password for every demo login: ${DEMO_PASSWORD}\n`,
      );
    });
  });

  const user = program.command("user").description("manage people");
  configFlag(
    user
      .command("create")
      .description(
        "add a person to an organization; prints a one-time link to set their password unless --password-stdin",
      )
      .requiredOption("--email <email>", "their sign-in email")
      .requiredOption("--name <name>", "their full name")
      .requiredOption("--org <org>", "organization id or exact name")
      .addOption(new Option("--role <role>", "their role").choices([...allRoles]).makeOptionMandatory())
      .option("--admin", "make them an admin of the organization", false)
      .option("--password-stdin", "read a password from standard input instead of printing a link", false),
    dbOptions,
  ).action(
    async (
      opts: Flags & {
        email: string;
        name: string;
        org: string;
        role: string;
        admin: boolean;
        passwordStdin: boolean;
      },
    ) => {
      const password = opts.passwordStdin ? await readStdin() : undefined;
      if (password !== undefined && password.length < 10)
        throw new CliFailure("The password must be at least 10 characters.");
      await withDatabase(configFrom(opts), async (database, ctx) => {
        const isUuid = /^[0-9a-f-]{36}$/i.test(opts.org);
        const [org] = await database.db
          .select()
          .from(organizations)
          .where(isUuid ? eq(organizations.id, opts.org) : eq(organizations.name, opts.org));
        if (!org) throw new CliFailure(`No organization ${JSON.stringify(opts.org)}.`);
        const result = await addMemberAsOperator(ctx, org.id, {
          email: opts.email,
          name: opts.name,
          role: opts.role,
          admin: opts.admin,
          ...(password ? { passwordHash: await hashPassword(password) } : {}),
        });
        process.stdout.write(
          `Added ${result.member.name} <${result.member.email}> to ${org.name} as ${result.member.role}.\n`,
        );
        if (result.setupUrl)
          process.stdout.write(
            `Send them this one-time link to set a password (valid 7 days):\n${result.setupUrl}\n`,
          );
      });
    },
  );

  configFlag(
    user
      .command("reset-password")
      .description("print a one-time reset link (valid 24 h), or set the password from standard input")
      .requiredOption("--email <email>", "their sign-in email")
      .option("--password-stdin", "read the new password from standard input", false),
    [...dbOptions, "publicUrl"],
  ).action(async (opts: Flags & { email: string; passwordStdin: boolean }) => {
    const password = opts.passwordStdin ? await readStdin() : undefined;
    if (password !== undefined && password.length < 10)
      throw new CliFailure("The password must be at least 10 characters.");
    await withDatabase(configFrom(opts), async (database, ctx) => {
      const [u] = await database.db
        .select()
        .from(users)
        .where(eq(users.email, normalizeEmail(opts.email)));
      if (!u) throw new CliFailure(`No account with the email ${opts.email}.`);
      const now = ctx.clock.now();
      if (password) {
        await setPasswordAsOperator(ctx, u.email, password);
        process.stdout.write(`Password set for ${u.email}; their sessions were signed out.\n`);
      } else {
        const secret = await issueSetupToken(database.db, {
          userId: u.id,
          orgId: null,
          purpose: "reset",
          now,
        });
        process.stdout.write(
          `One-time link for ${u.email} to set a new password (valid 24 hours):\n${setupUrl(ctx.publicUrl, secret)}\n`,
        );
      }
    });
  });

  const org = program.command("org").description("manage organizations");
  configFlag(
    org
      .command("create")
      .description("create a client or provider organization")
      .requiredOption("--name <name>", "the organization's name")
      .addOption(
        new Option("--kind <kind>", "client or provider")
          .choices(["client", "provider"])
          .makeOptionMandatory(),
      )
      .option("--size <people>", "headcount", (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number of people");
        return n;
      }),
    dbOptions,
  ).action(async (opts: Flags & { name: string; kind: "client" | "provider"; size?: number }) => {
    await withDatabase(configFrom(opts), async (database, ctx) => {
      const created = await createOrganization(ctx, {
        name: opts.name,
        kind: opts.kind,
        size: opts.size ?? null,
      });
      process.stdout.write(`Created ${created.kind} organization ${created.name} (id ${created.id}).\n`);
    });
  });

  const relationship = program.command("relationship").description("manage client–provider relationships");
  configFlag(
    relationship
      .command("create")
      .description("start a relationship between a client and a provider organization")
      .requiredOption("--client <org>", "client organization id or exact name")
      .requiredOption("--provider <org>", "provider organization id or exact name"),
    dbOptions,
  ).action(async (opts: Flags & { client: string; provider: string }) => {
    await withDatabase(configFrom(opts), async (database, ctx) => {
      const client = await findOrganization(database, opts.client);
      const provider = await findOrganization(database, opts.provider);
      const rel = await createRelationship(ctx, { clientOrgId: client.id, providerOrgId: provider.id });
      const draft = await startFromTemplate(ctx, rel.id);
      process.stdout.write(
        `Created relationship ${rel.name} (id ${rel.id}).\n` +
          `Its protocol starts as draft version ${draft.number}, from the default template: adapt it, propose it, and have both sides sign it on the Protocol page.\n`,
      );
    });
  });

  const protocol = program.command("protocol").description("protocol documents (no database needed)");
  protocol
    .command("template")
    .description("print the default protocol document")
    .action(() => {
      process.stdout.write(defaultProtocolTemplate());
    });
  protocol
    .command("schema")
    .description("print the JSON Schema of protocol documents, for editors")
    .action(() => {
      process.stdout.write(`${JSON.stringify(protocolJsonSchema(), null, 2)}\n`);
    });
  protocol
    .command("validate")
    .description("check a protocol document; prints every problem as FILE:LINE:COLUMN and exits 1 on errors")
    .argument("<file>", "the YAML document ('-' for stdin)")
    .action((file: string) => {
      const text = readInput(file);
      const result = validateProtocolText(text);
      for (const p of result.problems)
        process.stderr.write(`${file}:${p.line}:${p.column}: ${p.level}: ${p.message}\n`);
      if (!result.ok) {
        const n = result.problems.filter((p) => p.level === "error").length;
        throw new CliFailure(`${file}: ${n} problem${n === 1 ? "" : "s"}.`);
      }
      process.stdout.write(`${file}: valid.\n`);
    });
  protocol
    .command("import-holidays")
    .description("merge the holidays of an iCalendar (.ics) file into a protocol document; prints the result")
    .argument("<ics>", "the .ics file")
    .requiredOption("--into <file>", "the protocol document to add them to")
    .action((ics: string, opts: { into: string }) => {
      const result = importHolidaysFromIcs(readInput(opts.into), readInput(ics));
      process.stdout.write(result.document);
      process.stderr.write(`Added ${result.added.length} holidays; ${result.skipped} were already there.\n`);
    });

  program
    .command("calendar")
    .description("business-time arithmetic on a protocol's calendar")
    .command("due")
    .description(
      'read JSON lines {"start": "<ISO-8601>", "seconds": <clock seconds>} on stdin; write {"due": "<ISO-8601 UTC>"} per line',
    )
    .requiredOption("--protocol <file>", "the protocol document whose calendar to use")
    .addOption(
      new Option("--clock <clock>", "business hours or round the clock")
        .choices(["business", "24x7"])
        .default("business"),
    )
    .action(async (opts: { protocol: string; clock: "business" | "24x7" }) => {
      const result = validateProtocolText(readInput(opts.protocol));
      if (!result.ok)
        throw new CliFailure(
          `${opts.protocol} has problems; run \`liaison protocol validate ${opts.protocol}\`.`,
        );
      const failures = await streamDueDates(
        calendarFor(result.compiled, opts.clock),
        process.stdin,
        process.stdout,
      );
      if (failures) {
        process.stderr.write(
          `liaison: ${failures} input line${failures === 1 ? "" : "s"} could not be read (see the "error" lines).\n`,
        );
        process.exitCode = 1;
      }
    });

  const intake = program.command("intake").description("tickets by email");
  configFlag(
    intake
      .command("maildir")
      .description(
        "import the messages in a Maildir's new/ as tickets and replies; imported ones move to cur/ (:2,S), refused ones to the .liaison-refused folder",
      )
      .argument("<dir>", "the Maildir (the folder holding new/, cur/ and tmp/)")
      .option("--watch", "keep running and import messages as they arrive (Ctrl+C stops)", false),
    [...dbOptions, "publicUrl"],
  ).action(async (dir: string, opts: Flags & { watch: boolean }) => {
    await withDatabase(configFrom(opts), async (_database, ctx) => {
      const report = (o: Parameters<typeof describeOutcome>[0]) => {
        process.stdout.write(`${describeOutcome(o)}\n`);
        if (o.result.outcome === "error") process.exitCode = 1;
      };
      // A folder that is not a Maildir fails in one line (exit 1), like every other command.
      if (!opts.watch) {
        await processMaildir(ctx, dir, report);
        return;
      }
      const stop = new AbortController();
      process.once("SIGINT", () => stop.abort());
      process.once("SIGTERM", () => stop.abort());
      process.stdout.write(`Watching ${dir}/new; Ctrl+C stops.\n`);
      await watchMaildir(ctx, dir, report, stop.signal);
    });
  });

  const audit = program.command("audit").description("the audit trail");
  configFlag(
    audit
      .command("verify")
      .description("recompute every hash of the audit chains and name the first broken link of each")
      .option("--chain <id>", "verify one chain (a relationship, organization or user id)"),
    dbOptions,
  ).action(async (opts: Flags & { chain?: string }) => {
    const result = await withDatabase(configFrom(opts), async (database) =>
      verifyChains(database.db, opts.chain ? [opts.chain] : undefined),
    );
    if (opts.chain && result.chains === 0) throw new CliFailure(`No audit chain ${opts.chain}.`);
    if (result.problems.length === 0) {
      process.stdout.write(
        `Audit trail intact: ${result.events} events in ${result.chains} chains verified.\n`,
      );
      return;
    }
    for (const p of result.problems) {
      process.stderr.write(
        `BROKEN chain ${p.chain} at event #${p.seq}${p.eventId ? ` (id ${p.eventId})` : ""}: ${p.problem}\n`,
      );
    }
    process.exitCode = 1;
  });

  return program;
}

/** Runs the CLI: exit 0 ok, 1 failure, 2 usage; errors on stderr in one line. */
export async function runCli(argv: string[]): Promise<void> {
  const program = buildCli();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
    } else if (err instanceof DataDirLockedError || err instanceof CliFailure) {
      process.stderr.write(`liaison: ${err.message}\n`);
    } else {
      process.stderr.write(`liaison: ${(err as Error).message}\n`);
    }
    process.exitCode = 1;
  }
}

await runCli(process.argv);
