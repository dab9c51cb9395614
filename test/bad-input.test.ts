/**
 * Bad input on every route of the OpenAPI document gets a clear 4xx problem+json naming the field,
 * never a 500 or a stack trace, and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTenant,
  createTestApp,
  request,
  snapshotDatabase,
  type Tenant,
  type TestApp,
} from "./support.ts";

let t: TestApp;
let tenant: Tenant;
let ops: { method: string; path: string; hasBody: boolean; hasParams: boolean; auth: string }[];

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t);
  const doc = (await t.app.inject({ method: "GET", url: "/api/openapi.json" })).json();
  ops = [];
  for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      ops.push({
        method: method.toUpperCase(),
        path,
        hasBody: Boolean(op.requestBody),
        hasParams: /\{\w+\}/.test(path),
        auth: (op["x-access"] as { auth: string }).auth,
      });
    }
  }
});
afterAll(async () => t?.close());

const fill = (path: string, id = "") =>
  path
    .replace("{relationshipId}", id || tenant.relationshipId)
    .replace("{orgId}", id || tenant.clientOrgId)
    .replace("{userId}", id || tenant.people.member.userId)
    .replace("{tokenId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{sessionId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{versionId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{notificationId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{endpointId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{ticketId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{changeId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{groupId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{feedId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{scheduleId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{overrideId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{methodId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{emergencyId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{entryId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{reviewId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{actionId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{planId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{meetingId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{itemId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{decisionId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{dateId}", id || "00000000-0000-4000-8000-000000000000")
    .replace("{token}", id || "x".repeat(32) + ".ics");

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
  label: string,
) {
  expect(res.statusCode, `${label}: ${res.body}`).toBe(status);
  expect(String(res.headers["content-type"]), label).toContain("application/problem+json");
  const body = JSON.parse(res.body);
  expect(body.code, label).toBeTypeOf("string");
  expect(body.detail, label).toBeTypeOf("string");
  expect(res.body, label).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
}

describe("bad input on every route", () => {
  it("refuses malformed JSON with bad_json", async () => {
    for (const op of ops.filter((o) => o.hasBody)) {
      const before = await snapshotDatabase(t.database);
      const res = await request(t, tenant.people.clientAdmin, {
        method: op.method as never,
        url: fill(op.path),
        headers: { "content-type": "application/json" },
        payload: '{"email": "a@b.example",',
      });
      expectProblem(res, 400, `${op.method} ${op.path}`);
      expect(res.json().code).toBe("bad_json");
      expect(await snapshotDatabase(t.database)).toEqual(before);
    }
  });

  it("refuses wrong types and missing fields, naming each field", async () => {
    for (const op of ops.filter((o) => o.hasBody)) {
      const res = await request(t, tenant.people.clientAdmin, {
        method: op.method as never,
        url: fill(op.path),
        payload: {
          name: 42,
          email: 7,
          role: ["x"],
          password: false,
          token: 1,
          currentPassword: 3,
          newPassword: 4,
        },
      });
      expectProblem(res, 400, `${op.method} ${op.path}`);
      const { errors } = res.json();
      expect(errors.length, op.path).toBeGreaterThan(0);
      for (const e of errors) expect(e.path, op.path).toMatch(/^body(\.|$)/);
    }
  });

  it("refuses unknown fields, naming them", async () => {
    const res = await request(t, tenant.people.clientAdmin, {
      method: "POST",
      url: `/api/v1/relationships/${tenant.relationshipId}/tokens`,
      payload: { name: "x", role: "it_contact", scopes: ["all"] },
    });
    expectProblem(res, 400, "unknown field");
    expect(res.json().detail).toContain("scopes");
    for (const op of ops.filter((o) => o.hasBody)) {
      const r = await request(t, tenant.people.clientAdmin, {
        method: op.method as never,
        url: fill(op.path),
        payload: { surprise: true },
      });
      expectProblem(r, 400, `${op.method} ${op.path}`);
    }
  });

  it("refuses an oversized body with 413", async () => {
    for (const op of ops.filter((o) => o.hasBody)) {
      const res = await request(t, tenant.people.clientAdmin, {
        method: op.method as never,
        url: fill(op.path),
        payload: { name: "x".repeat(70_000) },
      });
      expectProblem(res, 413, `${op.method} ${op.path}`);
      expect(res.json().code).toBe("payload_too_large");
    }
  });

  it("refuses a body that is not JSON with 415", async () => {
    const res = await request(t, tenant.people.clientAdmin, {
      method: "POST",
      url: `/api/v1/relationships/${tenant.relationshipId}/tokens`,
      headers: { "content-type": "text/plain" },
      payload: "name=x",
    });
    expectProblem(res, 415, "text body");
  });

  it("refuses ids that are not UUIDs with a 400 naming the parameter", async () => {
    for (const op of ops.filter((o) => o.hasParams && o.auth !== "public")) {
      for (const bad of ["123", "not-a-uuid", "%27%20or%201%3D1--", "00000000-0000-0000-0000-00000000000g"]) {
        const res = await request(t, tenant.people.clientAdmin, {
          method: op.method as never,
          url: fill(op.path, bad),
          ...(op.hasBody ? { payload: {} } : {}),
        });
        expect([400, 404], `${op.method} ${op.path} id ${bad}: ${res.body}`).toContain(res.statusCode);
        expectProblem(res, res.statusCode, `${op.method} ${op.path}`);
        if (res.statusCode === 400) expect(res.json().errors[0].path).toMatch(/^params\./);
      }
    }
  });

  it("refuses bad query parameters, naming them", async () => {
    const res = await request(t, tenant.people.clientAdmin, {
      method: "GET",
      url: `/api/v1/relationships/${tenant.relationshipId}/events?limit=5000&before=abc`,
    });
    expectProblem(res, 400, "query");
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["querystring.limit", "querystring.before"]));
  });

  it("answers unknown API paths with a 404 problem", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/nothing-here" });
    expectProblem(res, 404, "unknown path");
  });
});
