import { Writable } from "node:stream";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, loggerOptions } from "../src/app.ts";
import { openDatabase } from "../src/core/db/index.ts";
import { addMemberAsOperator, createOrganization } from "../src/modules/identity/orgs.service.ts";
import { hashPassword } from "../src/modules/identity/passwords.ts";
import { createTestApp, type TestApp, testConfig } from "./support.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe("service endpoints", () => {
  it("answers /healthz and /readyz when the database is migrated", async () => {
    expect((await t.app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
    const ready = await t.app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe("ready");
  });

  it("is not ready while migrations are pending, nor when the database is gone", async () => {
    const database = await openDatabase({ kind: "pglite", pglite: await PGlite.create() });
    const app = await buildApp({ database, config: testConfig, logger: false });
    const pending = await app.inject({ method: "GET", url: "/readyz" });
    expect(pending.statusCode).toBe(503);
    expect(pending.json().database).toBe("migrations pending");
    await database.migrate();
    expect((await app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
    await database.close();
    const gone = await app.inject({ method: "GET", url: "/readyz" });
    expect(gone.statusCode).toBe(503);
    expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    await app.close();
  });

  it("publishes an OpenAPI 3.1 document and browsable docs", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/api/openapi.json" })).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).every((p) => p.startsWith("/api/v1/"))).toBe(true);
    expect(doc.paths["/api/v1/auth/login"].post.requestBody).toBeDefined();
    const docs = await t.app.inject({ method: "GET", url: "/api/docs/" });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers["content-type"]).toContain("text/html");
  });

  it("sends protective headers, and API answers are never cached", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/me" });
    expect(res.headers).toMatchObject({
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-store",
    });
  });

  it("echoes a caller's request id, or makes one", async () => {
    const given = await t.app.inject({
      method: "GET",
      url: "/healthz",
      headers: { "x-request-id": "abc-123" },
    });
    expect(given.headers["x-request-id"]).toBe("abc-123");
    const made = await t.app.inject({ method: "GET", url: "/healthz" });
    expect(made.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const problem = await t.app.inject({
      method: "GET",
      url: "/api/v1/me",
      headers: { "x-request-id": "trace-me" },
    });
    expect(problem.json().requestId).toBe("trace-me");
  });
});

describe("logs", () => {
  it("carry request ids and never passwords, cookies, tokens or invitation secrets", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const database = await openDatabase({ kind: "pglite", pglite: await PGlite.create() });
    await database.migrate();
    const app = await buildApp({
      database,
      config: testConfig,
      logger: { ...(loggerOptions("info") as object), stream } as never,
    });
    const ctx = { ...t.ctx, db: database.db };
    const org = await createOrganization(ctx, { name: "Logs Inc", kind: "client" });
    await addMemberAsOperator(ctx, org.id, {
      email: "log@logs.example",
      name: "Log Person",
      role: "it_contact",
      admin: true,
      passwordHash: await hashPassword("secret password 42"),
    });
    const login = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: "log@logs.example", password: "secret password 42" },
      headers: { "x-request-id": "log-test-1" },
    });
    const cookie = login.cookies[0]!.value;
    const csrf = login.json().csrfToken;
    const invite = await app.inject({
      method: "POST",
      url: `/api/v1/organizations/${org.id}/members`,
      cookies: { liaison_session: cookie },
      headers: { "x-csrf-token": csrf },
      payload: { email: "new@logs.example", name: "New", role: "member" },
    });
    const token = new URL(invite.json().setupUrl).searchParams.get("token")!;
    await app.inject({ method: "GET", url: `/setup?token=${token}` });
    await app.inject({
      method: "GET",
      url: "/api/v1/me",
      headers: { authorization: "Bearer lsn_not_a_real_token_value" },
    });
    await app.close();
    await database.close();
    const all = lines.join("");
    expect(all).toContain("log-test-1");
    for (const secret of ["secret password 42", cookie, csrf, token, "lsn_not_a_real_token_value"]) {
      expect(all).not.toContain(secret);
    }
  });
});

describe("web app", () => {
  it("serves the page for app paths, fresh assets after a rebuild, and 404 for missing files", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), "liaison-web-"));
    fs.mkdirSync(path.join(dist, "assets"));
    fs.writeFileSync(path.join(dist, "index.html"), "<!doctype html><title>Liaison</title>");
    const app = await buildApp({ database: t.database, config: testConfig, logger: false, webDist: dist });
    const home = await app.inject({ method: "GET", url: "/" });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain("<title>Liaison</title>");
    const page = await app.inject({ method: "GET", url: "/r/some-relationship/audit" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain("<title>Liaison</title>");
    // A file written after start (a rebuild) is served with its own type and cached for good.
    fs.writeFileSync(path.join(dist, "assets", "index-abc123.js"), "console.log(1)");
    const asset = await app.inject({ method: "GET", url: "/assets/index-abc123.js" });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["content-type"]).toContain("javascript");
    expect(asset.headers["cache-control"]).toContain("immutable");
    const missing = await app.inject({ method: "GET", url: "/assets/index-old.js" });
    expect(missing.statusCode).toBe(404);
    await app.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });
});
