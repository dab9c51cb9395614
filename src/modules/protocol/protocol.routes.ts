import { z } from "zod";
import type { RouteApp } from "../../app.ts";
import { iso, isoOrNull, isoTime, RelationshipParams, uuidParam } from "../identity/identity.schema.ts";
import { importHolidaysFromIcs } from "./protocol.ics.ts";
import { protocolJsonSchema, severities } from "./protocol.document.ts";
import {
  closeProtocolVersion,
  createProtocolDraft,
  defaultProtocolTemplate,
  diffProtocolVersions,
  getProtocolOverview,
  getProtocolVersion,
  previewDeadlines,
  previewDue,
  proposeProtocolVersion,
  type ProtocolVersionSummary,
  signProtocolVersion,
  updateProtocolDraft,
  validateForRelationship,
} from "./protocol.service.ts";
import { validateProtocolText } from "./protocol.validate.ts";

/** Request and response contracts of the protocol module. */
const MAX_DOCUMENT = 200_000;
const DocumentText = z
  .string()
  .min(1, "is required: the protocol document as YAML")
  .max(MAX_DOCUMENT, `must be at most ${MAX_DOCUMENT} characters`);
const Summary = z.string().trim().max(500, "must be at most 500 characters");
const versionStates = ["draft", "proposed", "active", "superseded", "declined", "discarded"] as const;

const Signature = z.object({
  side: z.enum(["client", "provider"]),
  userId: z.uuid(),
  name: z.string(),
  role: z.string(),
  signedAt: isoTime,
  documentSha256: z.string(),
});
const VersionSummary = z
  .object({
    id: z.uuid(),
    number: z.number().int(),
    state: z.enum(versionStates),
    title: z.string(),
    summary: z.string(),
    documentSha256: z.string(),
    basedOnId: z.uuid().nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
    proposedAt: isoTime.nullable(),
    activatedAt: isoTime.nullable(),
    supersededAt: isoTime.nullable(),
    closedReason: z.string().nullable(),
    signatures: z.array(Signature),
  })
  .meta({ id: "ProtocolVersionSummary" });
const Abilities = z.object({ edit: z.boolean(), sign: z.boolean() });
const ProblemItem = z.object({
  path: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  message: z.string(),
  level: z.enum(["error", "warning"]),
});
const VersionDetail = VersionSummary.extend({
  document: z.string(),
  valid: z.boolean(),
  problems: z.array(ProblemItem),
  parsed: z.record(z.string(), z.unknown()).nullable().describe("The document as data, when valid"),
  businessDayMs: z.number().nullable().describe("Length of one business day on this calendar"),
  upcomingHolidays: z.array(
    z.object({ date: z.string(), name: z.string(), observedFrom: z.string().optional() }),
  ),
  abilities: Abilities,
  viewerSide: z.enum(["client", "provider"]),
}).meta({ id: "ProtocolVersion" });

const VersionParams = RelationshipParams.extend({ versionId: uuidParam("versionId") });

const presentSummary = (v: ProtocolVersionSummary) => ({
  ...v,
  createdAt: iso(v.createdAt),
  updatedAt: iso(v.updatedAt),
  proposedAt: isoOrNull(v.proposedAt),
  activatedAt: isoOrNull(v.activatedAt),
  supersededAt: isoOrNull(v.supersededAt),
  signatures: v.signatures.map((s) => ({ ...s, side: s.side, signedAt: iso(s.signedAt) })),
});

const security: Array<Record<string, string[]>> = [{ session: [] }, { bearer: [] }];

/** The protocol document: versions, signatures, validation, diff and what-if questions. */
export function registerProtocolRoutes(app: RouteApp): void {
  const tags = ["protocol"];
  app.get(
    "/protocol/template",
    {
      schema: {
        tags,
        summary: "The default protocol document (YAML)",
        response: { 200: z.object({ document: z.string() }) },
        "x-access": { auth: "public", scope: "none" },
      },
    },
    async () => ({ document: defaultProtocolTemplate() }),
  );
  app.get(
    "/protocol/schema.json",
    {
      schema: {
        tags,
        summary: "JSON Schema of the protocol document, for editors to autocomplete and check",
        "x-access": { auth: "public", scope: "none" },
      },
    },
    async (_req, reply) => reply.type("application/schema+json").send(protocolJsonSchema()),
  );
  app.post(
    "/protocol/validate",
    {
      schema: {
        tags,
        summary: "Check a protocol document; every problem with its line and column",
        security,
        body: z.strictObject({ document: DocumentText }),
        response: { 200: z.object({ valid: z.boolean(), problems: z.array(ProblemItem) }) },
        "x-access": { auth: "any", scope: "none" },
      },
    },
    async (req) => {
      const result = validateProtocolText(req.body.document);
      return { valid: result.ok, problems: result.problems };
    },
  );
  app.post(
    "/protocol/import-holidays",
    {
      schema: {
        tags,
        summary: "Merge the holidays of an iCalendar (.ics) file into a protocol document",
        security,
        body: z.strictObject({
          document: DocumentText,
          ics: z
            .string()
            .min(1, "is required: the text of an .ics file")
            .max(2_000_000, "must be at most 2 MB"),
        }),
        response: {
          200: z.object({
            document: z.string(),
            added: z.array(z.object({ name: z.string(), rule: z.string() })),
            skipped: z.number().int(),
          }),
        },
        "x-access": { auth: "any", scope: "none" },
      },
    },
    async (req) => importHolidaysFromIcs(req.body.document, req.body.ics),
  );
  app.get(
    "/relationships/:relationshipId/protocol",
    {
      schema: {
        tags,
        summary: "The relationship's protocol: active version, open version, history",
        security,
        params: RelationshipParams,
        response: {
          200: z.object({
            active: VersionSummary.nullable(),
            open: VersionSummary.nullable(),
            versions: z.array(VersionSummary),
            abilities: Abilities,
            viewerSide: z.enum(["client", "provider"]),
          }),
        },
        "x-access": { auth: "any", scope: "relationship" },
      },
    },
    async (req) => {
      const o = await getProtocolOverview(req.ctx, req.params.relationshipId);
      return {
        ...o,
        active: o.active && presentSummary(o.active),
        open: o.open && presentSummary(o.open),
        versions: o.versions.map(presentSummary),
      };
    },
  );
  const detail = async (
    req: { ctx: Parameters<typeof getProtocolVersion>[0] },
    relationshipId: string,
    versionId: string,
  ) => {
    const v = await getProtocolVersion(req.ctx, relationshipId, versionId);
    return { ...v, ...presentSummary(v), parsed: v.parsed as Record<string, unknown> | null };
  };
  app.get(
    "/relationships/:relationshipId/protocol/versions/:versionId",
    {
      schema: {
        tags,
        summary: "One protocol version: text, signatures, problems, next holidays",
        security,
        params: VersionParams,
        response: { 200: VersionDetail },
        "x-access": { auth: "any", scope: "relationship" },
      },
    },
    async (req) => detail(req, req.params.relationshipId, req.params.versionId),
  );
  const editors = ["executive", "approver", "it_contact", "account_manager"] as const;
  app.post(
    "/relationships/:relationshipId/protocol/versions",
    {
      schema: {
        tags,
        summary: "Start a draft: from text, from the active version, or from the default template",
        security,
        params: RelationshipParams,
        body: z.strictObject({
          document: DocumentText.optional(),
          from: z.enum(["template", "active"], { error: "must be template or active" }).optional(),
          summary: Summary.optional(),
        }),
        response: { 201: VersionDetail },
        "x-access": { auth: "any", scope: "relationship", roles: editors },
      },
    },
    async (req, reply) => {
      const row = await createProtocolDraft(req.ctx, req.params.relationshipId, req.body);
      return reply.status(201).send(await detail(req, req.params.relationshipId, row.id));
    },
  );
  app.put(
    "/relationships/:relationshipId/protocol/versions/:versionId",
    {
      schema: {
        tags,
        summary: "Save a draft's text (a draft may have problems; proposing checks)",
        security,
        params: VersionParams,
        body: z.strictObject({ document: DocumentText, summary: Summary.optional() }),
        response: { 200: VersionDetail },
        "x-access": { auth: "any", scope: "relationship", roles: editors },
      },
    },
    async (req) => {
      await updateProtocolDraft(req.ctx, req.params.relationshipId, req.params.versionId, req.body);
      return detail(req, req.params.relationshipId, req.params.versionId);
    },
  );
  app.post(
    "/relationships/:relationshipId/protocol/versions/:versionId/propose",
    {
      schema: {
        tags,
        summary: "Propose a draft for both sides to sign; its text is frozen",
        security,
        params: VersionParams,
        body: z.strictObject({ summary: Summary.optional() }),
        response: { 200: VersionDetail },
        "x-access": { auth: "any", scope: "relationship", roles: editors },
      },
    },
    async (req) => {
      await proposeProtocolVersion(req.ctx, req.params.relationshipId, req.params.versionId, req.body);
      return detail(req, req.params.relationshipId, req.params.versionId);
    },
  );
  app.post(
    "/relationships/:relationshipId/protocol/versions/:versionId/sign",
    {
      schema: {
        tags,
        summary: "Sign a proposed version for your side, over the SHA-256 of the text you read",
        security: [{ session: [] }],
        params: VersionParams,
        body: z.strictObject({
          documentSha256: z
            .string()
            .regex(/^[0-9a-fA-F]{64}$/, "must be the 64-character hex SHA-256 of the version's text"),
        }),
        response: { 200: VersionDetail.extend({ activated: z.boolean() }) },
        "x-access": {
          auth: "session",
          scope: "relationship",
          roles: ["executive", "approver", "account_manager"],
        },
      },
    },
    async (req) => {
      const { activated } = await signProtocolVersion(
        req.ctx,
        req.params.relationshipId,
        req.params.versionId,
        req.body,
      );
      return { ...(await detail(req, req.params.relationshipId, req.params.versionId)), activated };
    },
  );
  app.post(
    "/relationships/:relationshipId/protocol/versions/:versionId/close",
    {
      schema: {
        tags,
        summary: "Decline a proposal or discard a draft, with a reason",
        security,
        params: VersionParams,
        body: z.strictObject({
          reason: z
            .string()
            .trim()
            .min(1, "is required: say why")
            .max(1000, "must be at most 1000 characters"),
        }),
        response: { 200: VersionDetail },
        "x-access": { auth: "any", scope: "relationship", roles: editors },
      },
    },
    async (req) => {
      await closeProtocolVersion(req.ctx, req.params.relationshipId, req.params.versionId, req.body);
      return detail(req, req.params.relationshipId, req.params.versionId);
    },
  );
  app.get(
    "/relationships/:relationshipId/protocol/diff",
    {
      schema: {
        tags,
        summary: "What changed between two versions, by section, with both texts",
        security,
        params: RelationshipParams,
        querystring: z.strictObject({ from: uuidParam("from"), to: uuidParam("to") }),
        response: {
          200: z.object({
            from: z.object({
              id: z.uuid(),
              number: z.number(),
              state: z.enum(versionStates),
              document: z.string(),
              valid: z.boolean(),
            }),
            to: z.object({
              id: z.uuid(),
              number: z.number(),
              state: z.enum(versionStates),
              document: z.string(),
              valid: z.boolean(),
            }),
            changes: z
              .array(
                z.object({
                  section: z.string(),
                  kind: z.enum(["added", "removed", "changed"]),
                  label: z.string(),
                  before: z.string().nullable(),
                  after: z.string().nullable(),
                  text: z.string(),
                }),
              )
              .nullable()
              .describe("null when either version has problems"),
          }),
        },
        "x-access": { auth: "any", scope: "relationship" },
      },
    },
    async (req) => diffProtocolVersions(req.ctx, req.params.relationshipId, req.query.from, req.query.to),
  );
  app.post(
    "/relationships/:relationshipId/protocol/validate",
    {
      schema: {
        tags,
        summary:
          "Check a document as proposing would: also that this relationship's people can hold each level",
        security,
        params: RelationshipParams,
        body: z.strictObject({ document: DocumentText }),
        response: { 200: z.object({ valid: z.boolean(), problems: z.array(ProblemItem) }) },
        "x-access": { auth: "any", scope: "relationship" },
      },
    },
    async (req) => validateForRelationship(req.ctx, req.params.relationshipId, req.body.document),
  );
  app.post(
    "/relationships/:relationshipId/protocol/preview-due",
    {
      schema: {
        tags,
        summary: "When a number of clock seconds from a start runs out on the protocol's calendar",
        security,
        params: RelationshipParams,
        body: z.strictObject({
          start: isoTime,
          seconds: z
            .number()
            .min(0, "must be zero or more")
            .max(10 * 365 * 86_400, "must be at most ten years"),
          clock: z.enum(["business", "24x7"], { error: "must be business or 24x7" }).default("business"),
          versionId: uuidParam("versionId").optional(),
        }),
        response: { 200: z.object({ due: isoTime, versionNumber: z.number().int() }) },
        "x-access": { auth: "any", scope: "relationship" },
      },
    },
    async (req) => {
      const r = await previewDue(req.ctx, req.params.relationshipId, req.body);
      return { due: iso(r.due), versionNumber: r.versionNumber };
    },
  );
  app.post(
    "/relationships/:relationshipId/protocol/preview-deadlines",
    {
      schema: {
        tags,
        summary: "What if: every deadline of a severity for a ticket raised at a given time",
        security,
        params: RelationshipParams,
        body: z.strictObject({
          severity: z.enum(severities, { error: `must be one of ${severities.join(", ")}` }),
          start: isoTime,
          versionId: uuidParam("versionId").optional(),
        }),
        response: {
          200: z.object({
            versionNumber: z.number().int(),
            severity: z.enum(severities),
            response: z.object({ due: isoTime.nullable(), clock: z.enum(["business", "24x7"]) }),
            resolution: z.object({ due: isoTime.nullable(), clock: z.enum(["business", "24x7"]) }),
            firstUpdate: z.object({ due: isoTime.nullable(), clock: z.enum(["business", "24x7"]) }),
          }),
        },
        "x-access": { auth: "any", scope: "relationship" },
      },
    },
    async (req) => {
      const r = await previewDeadlines(req.ctx, req.params.relationshipId, req.body);
      const d = (x: { due: Date | null; clock: "business" | "24x7" }) => ({
        due: isoOrNull(x.due),
        clock: x.clock,
      });
      return { ...r, response: d(r.response), resolution: d(r.resolution), firstUpdate: d(r.firstUpdate) };
    },
  );
}
