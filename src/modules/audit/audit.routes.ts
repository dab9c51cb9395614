import type { RouteApp } from "../../app.ts";
import { auditReaderRoles } from "../identity/identity.policy.ts";
import {
  EventPage,
  EventQuery,
  OrgParams,
  presentEvent,
  RelationshipParams,
} from "../identity/identity.schema.ts";
import { listOrganizationEvents, listRelationshipEvents } from "./audit.service.ts";

/** The audit trail, read as a timeline. */
export function registerAuditRoutes(app: RouteApp): void {
  const tags = ["audit"];
  app.get(
    "/relationships/:relationshipId/events",
    {
      schema: {
        tags,
        summary: "A relationship's audit trail, newest first",
        security: [{ session: [] }, { bearer: [] }],
        params: RelationshipParams,
        querystring: EventQuery,
        response: { 200: EventPage },
        "x-access": { auth: "any", scope: "relationship", roles: auditReaderRoles },
      },
    },
    async (req) => {
      const page = await listRelationshipEvents(req.ctx, req.params.relationshipId, req.query);
      return { items: page.items.map(presentEvent), nextBefore: page.nextBefore };
    },
  );
  app.get(
    "/organizations/:orgId/events",
    {
      schema: {
        tags,
        summary: "An organization's audit trail (people and memberships), newest first",
        params: OrgParams,
        querystring: EventQuery,
        response: { 200: EventPage },
        "x-access": { auth: "session", scope: "organization", admin: true },
      },
    },
    async (req) => {
      const page = await listOrganizationEvents(req.ctx, req.params.orgId, req.query);
      return { items: page.items.map(presentEvent), nextBefore: page.nextBefore };
    },
  );
}
