import { z } from "zod";
import type { RouteApp } from "../../app.ts";
import { providerRoles, type Role } from "../../core/http/actor.ts";
import type { RouteAccess } from "../../core/http/auth.ts";
import { RelationshipParams } from "../identity/identity.schema.ts";
import {
  CreateRestorationPlanBody,
  RestorationPlanDetail,
  RestorationPlanList,
  RestorationPlanParams,
  RestorationPlanQuery,
  RestorationTestBody,
  UpdateRestorationPlanBody,
} from "./restoration.schema.ts";
import {
  archiveRestorationPlan,
  createRestorationPlan,
  getRestorationPlan,
  listRestorationPlans,
  recordRestorationTest,
  updateRestorationPlan,
} from "./restoration.service.ts";

const security: Array<Record<string, string[]>> = [{ session: [] }, { bearer: [] }];
/** Who keeps restoration plans: the provider's staff and the client's IT contact or executive. */
const keepers: readonly Role[] = [...providerRoles, "it_contact", "executive"];
const access = (roles?: readonly Role[]): RouteAccess => ({
  auth: "any",
  scope: "relationship",
  ...(roles ? { roles } : {}),
});

/** Restoration plans of critical systems, and the tests that prove them. */
export function registerRestorationRoutes(app: RouteApp): void {
  const tags = ["oncall"];
  const base = "/relationships/:relationshipId/restoration-plans";

  app.get(
    base,
    {
      schema: {
        tags,
        summary:
          "Restoration plans of critical systems, by system: when each was last tested and whether it is stale",
        security,
        params: RelationshipParams,
        querystring: RestorationPlanQuery,
        response: { 200: RestorationPlanList },
        "x-access": access(),
      },
    },
    async (req) => listRestorationPlans(req.ctx, req.params.relationshipId, req.query),
  );
  app.post(
    base,
    {
      schema: {
        tags,
        summary:
          "Write the restoration plan of a critical system (one per system); untested, it is stale until a test passes",
        security,
        params: RelationshipParams,
        body: CreateRestorationPlanBody,
        response: { 201: RestorationPlanDetail },
        "x-access": access(keepers),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await createRestorationPlan(req.ctx, req.params.relationshipId, req.body)),
  );
  app.get(
    `${base}/:planId`,
    {
      schema: {
        tags,
        summary: "One restoration plan with every test recorded, newest first",
        security,
        params: RestorationPlanParams,
        response: { 200: RestorationPlanDetail },
        "x-access": access(),
      },
    },
    async (req) => getRestorationPlan(req.ctx, req.params.relationshipId, req.params.planId),
  );
  app.patch(
    `${base}/:planId`,
    {
      schema: {
        tags,
        summary: "Edit a restoration plan: only the fields given change; send the revision you edited",
        security,
        params: RestorationPlanParams,
        body: UpdateRestorationPlanBody,
        response: { 200: RestorationPlanDetail },
        "x-access": access(keepers),
      },
    },
    async (req) => updateRestorationPlan(req.ctx, req.params.relationshipId, req.params.planId, req.body),
  );
  app.delete(
    `${base}/:planId`,
    {
      schema: {
        tags,
        summary: "Archive a restoration plan: its system's name is free for a new plan",
        security,
        params: RestorationPlanParams,
        response: { 204: z.null() },
        "x-access": access(keepers),
      },
    },
    async (req, reply) => {
      await archiveRestorationPlan(req.ctx, req.params.relationshipId, req.params.planId);
      return reply.code(204).send(null);
    },
  );
  app.post(
    `${base}/:planId/tests`,
    {
      schema: {
        tags,
        summary:
          "Record a restoration test: passed or partial makes the plan tested as of then; a failed test does not",
        security,
        params: RestorationPlanParams,
        body: RestorationTestBody,
        response: { 201: RestorationPlanDetail },
        "x-access": access(keepers),
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await recordRestorationTest(req.ctx, req.params.relationshipId, req.params.planId, req.body)),
  );
}
