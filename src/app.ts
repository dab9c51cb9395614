import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyCookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Config } from "./core/config.ts";
import type { Database } from "./core/db/index.ts";
import type { Jobs } from "./core/jobs/jobs.ts";
import { authenticate, type ResolvedSession } from "./core/http/auth.ts";
import type { ServiceContext } from "./core/http/context.ts";
import { unstorableText } from "./core/http/fields.ts";
import { AppError } from "./core/http/errors.ts";
import { sendProblem, toAppError } from "./core/http/problem.ts";
import { type Clock, systemClock } from "./core/time/clock.ts";
import { registerAuditRoutes } from "./modules/audit/audit.routes.ts";
import { resolveSession } from "./modules/identity/auth.service.ts";
import { registerIdentityRoutes } from "./modules/identity/identity.routes.ts";
import { registerProtocolRoutes } from "./modules/protocol/protocol.routes.ts";
import { LiveHub } from "./core/notify/live.ts";
import { registerNotificationRoutes } from "./core/notify/notify.routes.ts";
import { resolveToken } from "./modules/identity/tokens.service.ts";
import { registerTicketRoutes } from "./modules/tickets/tickets.routes.ts";
import { registerChangeRoutes } from "./modules/changes/changes.routes.ts";
import { registerOncallRoutes } from "./modules/oncall/oncall.routes.ts";
import { registerTouchpointRoutes } from "./modules/touchpoints/touchpoints.routes.ts";
import { inboundEmailRoutes, registerIntakeRoutes } from "./modules/tickets/intake.routes.ts";
import { defaultIntakeDomain } from "./modules/tickets/intake.service.ts";

/** The instance route modules register on: Fastify with zod schemas as the type provider. */
export type RouteApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module "fastify" {
  interface FastifyRequest {
    ctx: ServiceContext;
    /** The browser session behind the request, when it came with a valid cookie. */
    session: ResolvedSession | null;
  }
}

export interface BuildOptions {
  database: Database;
  config: Pick<Config, "publicUrl" | "sessionTtlHours" | "bodyLimitBytes" | "logLevel"> &
    Partial<Pick<Config, "intakeDomain" | "intakeSecret">>;
  clock?: Clock;
  /** Pino options, or false for none (tests). */
  logger?: FastifyServerOptions["logger"];
  /** The job queue; without one, due work waits for a worker's sweep. */
  jobs?: Jobs | null;
  /** Folder of the built web app; defaults to web/dist. */
  webDist?: string;
  /** Fans live updates out to server-sent-event streams; one per process by default. */
  live?: LiveHub;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Redacts one-time secrets that can appear in URLs (invitation links) before logging. */
const redactUrl = (url: string) => url.replace(/([?&]token=)[^&]*/g, "$1[redacted]");

/** Log settings: request ids, and no secrets (cookies, tokens, passwords) in any log line. */
export function loggerOptions(level: string): FastifyServerOptions["logger"] {
  return {
    level,
    redact: {
      paths: [
        "req.headers.authorization",
        "req.headers.cookie",
        'req.headers["x-csrf-token"]',
        "*.password",
        "*.passwordHash",
      ],
      censor: "[redacted]",
    },
    serializers: {
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        ip: req.ip,
      }),
    },
  };
}

/**
 * Builds the Liaison HTTP application: API under /api/v1, OpenAPI at /api/openapi.json, docs at
 * /api/docs, health at /healthz and /readyz, and the web app for every other path. Never listens:
 * `main.ts` does, and tests use `app.inject()`.
 */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const clock = opts.clock ?? systemClock;
  const { database, config } = opts;
  const secureCookies = config.publicUrl.startsWith("https://");

  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: config.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Ids in paths are validated by the route schemas; this only bounds absurd URLs.
    routerOptions: { maxParamLength: 200 },
  });
  // The API speaks JSON only; other bodies are refused with 415 instead of reaching validation.
  app.removeContentTypeParser("text/plain");
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Liaison API",
        version: "1",
        description:
          "The communication protocol between a client organization and its managed service provider. " +
          "Authenticate with a session cookie (browser; send x-csrf-token on writes) or `Authorization: Bearer lsn_…`.",
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "An API token (lsn_…)" },
          session: { type: "apiKey", in: "cookie", name: "liaison_session" },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs" });

  app.addHook("onRequest", async (req, reply) => {
    reply.header("x-request-id", req.id);
    // No framing (clickjacking), no MIME sniffing, and no Referer: invitation links carry a
    // one-time secret in the query string that must not leak to other sites.
    reply.header("x-frame-options", "DENY");
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "no-referrer");
    if (req.url.startsWith("/api/v1/")) reply.header("cache-control", "no-store");
    req.ctx = {
      db: database.db,
      clock,
      actor: null,
      requestId: String(req.id),
      publicUrl: config.publicUrl,
      config,
      jobs: opts.jobs ?? null,
    };
  });

  app.setErrorHandler((err, req, reply) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) req.log.error({ err }, "request failed");
    return sendProblem(req, reply, appErr);
  });

  // Everything under /api/v1 is authenticated here once; services decide what the actor may do.
  await app.register(
    async (api) => {
      // onRequest runs before the body is read or validated: an anonymous or forged request is
      // refused without looking at what it sent.
      api.addHook("onRequest", async (req) => {
        const { actor, session } = await authenticate(req, database.db, clock.now(), {
          session: resolveSession,
          token: resolveToken,
        });
        req.ctx.actor = actor;
        req.session = session;
        const access = req.routeOptions.schema?.["x-access"];
        if (access && access.auth !== "public" && !actor) {
          throw new AppError("unauthenticated", "Sign in, or send an API token in the Authorization header.");
        }
        if (access?.auth === "session" && actor?.type === "token") {
          throw new AppError("forbidden", "This needs a signed-in person; API tokens cannot use it.");
        }
      });
      api.addHook("preValidation", async (req) => {
        const problem = unstorableText(req.body, "body") ?? unstorableText(req.query, "querystring");
        if (problem)
          throw new AppError("validation_failed", "The request has text that cannot be stored.", {
            errors: [problem],
          });
      });
      const typed = api.withTypeProvider<ZodTypeProvider>();
      registerIdentityRoutes(typed, { secureCookies });
      registerAuditRoutes(typed);
      registerProtocolRoutes(typed);
      registerNotificationRoutes(typed, { live: opts.live ?? new LiveHub(database) });
      registerTicketRoutes(typed);
      registerIntakeRoutes(typed, { domain: config.intakeDomain || defaultIntakeDomain(config.publicUrl) });
      registerChangeRoutes(typed);
      registerOncallRoutes(typed);
      registerTouchpointRoutes(typed);
    },
    { prefix: "/api/v1" },
  );
  // Inbound email authenticates with the gateway's shared secret, not a session or API token.
  await app.register(inboundEmailRoutes, { prefix: "/api/v1", secret: config.intakeSecret ?? "" });

  app.get("/api/openapi.json", { schema: { hide: true } as never }, async () => app.swagger());
  app.get("/healthz", { schema: { hide: true } as never }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } as never }, async (_req, reply) => {
    try {
      await database.ping();
    } catch {
      return reply.status(503).send({ status: "unavailable", database: "unreachable" });
    }
    if (!(await database.migrationsCurrent())) {
      return reply.status(503).send({ status: "unavailable", database: "migrations pending" });
    }
    return { status: "ready", database: database.kind };
  });

  const webDist = opts.webDist ?? path.join(repoRoot, "web", "dist");
  const hasWeb = fs.existsSync(path.join(webDist, "index.html"));
  if (hasWeb) {
    // wildcard: files are looked up per request, so a rebuilt web app is served without a restart.
    // Vite names assets by content hash, so they can be cached for good.
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: true,
      index: false,
      cacheControl: false,
      setHeaders: (res, filePath) => {
        if (filePath.includes(`${path.sep}assets${path.sep}`)) {
          res.setHeader("cache-control", "public, max-age=31536000, immutable");
        }
      },
    });
  }
  const sendPage = (reply: FastifyReply) =>
    reply.type("text/html").header("cache-control", "no-cache").sendFile("index.html");
  if (hasWeb) app.get("/", { schema: { hide: true } as never }, async (_req, reply) => sendPage(reply));
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split("?")[0]!;
    // API paths and missing files (a script or image) get a real 404, never the page.
    if (url.startsWith("/api/") || url.startsWith("/assets/") || !["GET", "HEAD"].includes(req.method)) {
      return sendProblem(
        req,
        reply,
        new AppError("not_found", `There is no ${req.method} ${url}. See /api/docs.`),
      );
    }
    if (!hasWeb) {
      return reply
        .status(503)
        .type("text/plain")
        .send("The web app is not built. Run `npm run build` (npm install does it for you).");
    }
    // The web app routes on the client: every page path gets index.html.
    return sendPage(reply);
  });

  return app;
}
