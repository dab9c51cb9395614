import { createHash } from "node:crypto";
import fs from "node:fs";
import { and, asc, desc, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import type { Db } from "../../core/db/index.ts";
import { appendEvent } from "../../core/events/events.ts";
import type { Actor, Role } from "../../core/http/actor.ts";
import { eventActor, type ServiceContext, withTransaction } from "../../core/http/context.ts";
import { AppError, forbidden, notFound } from "../../core/http/errors.ts";
import { emitWebhookEvent, membersWithRoles, notifyUsers, publishLive } from "../../core/notify/notify.ts";
import { recomputeOpenTickets } from "../tickets/tickets.service.ts";
import { addBusinessTime, holidaysBetween } from "../../core/time/calendar.ts";
import type { RelationshipParties, RelationshipViewer } from "../identity/identity.policy.ts";
import { memberships, relationships, users } from "../identity/identity.tables.ts";
import { getRelationshipForViewer } from "../identity/relationships.service.ts";
import { type CompiledProtocol, calendarFor, computeDeadline, type ClockKind } from "./protocol.compile.ts";
import { diffProtocols } from "./protocol.diff.ts";
import type { Severity } from "./protocol.document.ts";
import { protocolSignatures, protocolVersions } from "./protocol.tables.ts";
import { type Members, type Problem, validateProtocolText } from "./protocol.validate.ts";
import { syncTouchpointSeries } from "../touchpoints/series.service.ts";

/**
 * Protocol versions: draft → proposed → signed by both sides → active (the previous active
 * version becomes superseded in the same transaction). Signed text is never edited: a proposed
 * version is immutable, and a change means a new version.
 */

const TEMPLATE_URL = new URL("./templates/default.yaml", import.meta.url);
let templateText: string | null = null;
/** The default protocol document: the figures of a typical agreement, ready to adapt. */
export function defaultProtocolTemplate(): string {
  templateText ??= fs.readFileSync(TEMPLATE_URL, "utf8");
  return templateText;
}

export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** Who may write and propose versions, and who signs for each side. */
const editorRoles: ReadonlySet<Role> = new Set<Role>([
  "executive",
  "approver",
  "it_contact",
  "account_manager",
]);
const signerRoles: Record<"client" | "provider", ReadonlySet<Role>> = {
  client: new Set<Role>(["executive", "approver"]),
  provider: new Set<Role>(["account_manager"]),
};
/** Who hears about proposals and activations on each side. */
const protocolAudience: Role[] = [
  "executive",
  "approver",
  "it_contact",
  "account_manager",
  "senior_technician",
];

export interface ProtocolAbilities {
  edit: boolean;
  sign: boolean;
}

export const protocolAbilities = (v: RelationshipViewer): ProtocolAbilities => ({
  edit: editorRoles.has(v.role),
  sign: v.via === "membership" && signerRoles[v.side].has(v.role),
});

type VersionRow = typeof protocolVersions.$inferSelect;
type SignatureRow = typeof protocolSignatures.$inferSelect;

const versionLabel = (v: Pick<VersionRow, "number">) => `Protocol v${v.number}`;

async function loadVersion(db: Db, relationshipId: string, versionId: string): Promise<VersionRow> {
  const [row] = await db
    .select()
    .from(protocolVersions)
    .where(and(eq(protocolVersions.relationshipId, relationshipId), eq(protocolVersions.id, versionId)));
  if (!row) throw notFound("protocol version");
  return row;
}

async function signaturesOf(db: Db, versionIds: string[]): Promise<SignatureRow[]> {
  if (!versionIds.length) return [];
  return db.select().from(protocolSignatures).where(inArray(protocolSignatures.versionId, versionIds));
}

/** Every column but the text: lists and summaries do not need the documents. */
const { document: _text, ...summaryColumns } = getTableColumns(protocolVersions);

function summarize(v: Omit<VersionRow, "document">, sigs: SignatureRow[]) {
  return {
    id: v.id,
    number: v.number,
    state: v.state,
    title: v.title,
    summary: v.summary,
    documentSha256: v.documentSha256,
    basedOnId: v.basedOnId,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    proposedAt: v.proposedAt,
    activatedAt: v.activatedAt,
    supersededAt: v.supersededAt,
    closedReason: v.closedReason,
    signatures: sigs
      .filter((s) => s.versionId === v.id)
      .map((s) => ({
        side: s.side,
        userId: s.userId,
        name: s.name,
        role: s.role,
        signedAt: s.signedAt,
        documentSha256: s.documentSha256,
      })),
  };
}

export type ProtocolVersionSummary = ReturnType<typeof summarize>;

/** The relationship's protocol: the active version, the open one (draft or proposed), and the history. */
export async function getProtocolOverview(ctx: ServiceContext, relationshipId: string) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  const rows = await ctx.db
    .select(summaryColumns)
    .from(protocolVersions)
    .where(eq(protocolVersions.relationshipId, relationshipId))
    .orderBy(desc(protocolVersions.number));
  const sigs = await signaturesOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  const versions = rows.map((r) => summarize(r, sigs));
  return {
    active: versions.find((v) => v.state === "active") ?? null,
    open: versions.find((v) => v.state === "draft" || v.state === "proposed") ?? null,
    versions,
    abilities: protocolAbilities(viewer),
    viewerSide: viewer.side,
  };
}

/** The people of both sides, for checks that depend on who is there. */
async function relationshipMembers(db: Db, rel: RelationshipParties): Promise<Members> {
  const rows = await db
    .select({ orgId: memberships.orgId, role: memberships.role, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(inArray(memberships.orgId, [rel.clientOrgId, rel.providerOrgId]));
  return {
    client: rows
      .filter((r) => r.orgId === rel.clientOrgId)
      .map((r) => ({ email: r.email, role: r.role as Role })),
    provider: rows
      .filter((r) => r.orgId === rel.providerOrgId)
      .map((r) => ({ email: r.email, role: r.role as Role })),
  };
}

/** One version in full: its text, signatures, validation problems and the next holidays. */
export async function getProtocolVersion(ctx: ServiceContext, relationshipId: string, versionId: string) {
  const { viewer, row: rel } = await getRelationshipForViewer(ctx, relationshipId);
  const row = await loadVersion(ctx.db, relationshipId, versionId);
  const sigs = await signaturesOf(ctx.db, [row.id]);
  const members = await relationshipMembers(ctx.db, rel);
  const result = validateProtocolText(row.document, { members });
  const now = ctx.clock.now();
  let upcomingHolidays: Array<{ date: string; name: string; observedFrom?: string }> = [];
  const compiled = result.compiled;
  if (compiled) {
    const from = new Date(now).toISOString().slice(0, 10);
    const to = new Date(now + 366 * 86_400_000).toISOString().slice(0, 10);
    upcomingHolidays = holidaysBetween(compiled.calendar, from, to);
  }
  return {
    ...summarize(row, sigs),
    document: row.document,
    problems: result.problems,
    valid: result.ok,
    // Readable whenever the document is well-formed, even if (say) nobody now holds a level.
    parsed: result.doc ?? null,
    businessDayMs: compiled ? compiled.calendar.dayLength : null,
    upcomingHolidays,
    abilities: protocolAbilities(viewer),
    viewerSide: viewer.side,
  };
}

/** Locks the relationship row so protocol changes of one relationship run one at a time. */
async function lockRelationship(db: Db, relationshipId: string): Promise<void> {
  await db.execute(
    sql`select id from ${relationships} where ${relationships.id} = ${relationshipId} for update`,
  );
}

function requireEditor(viewer: RelationshipViewer): void {
  if (!editorRoles.has(viewer.role))
    throw forbidden(
      "Only an executive, approver or IT contact of the client, or the provider's account manager, can write protocol versions.",
    );
}

const userId = (ctx: ServiceContext) => (ctx.actor?.type === "user" ? ctx.actor.userId : null);

/**
 * Starts a new draft: from given text, from the active version, or from the default template.
 * A relationship has at most one open (draft or proposed) version at a time.
 */
export async function createProtocolDraft(
  ctx: ServiceContext,
  relationshipId: string,
  input: { document?: string; from?: "template" | "active"; summary?: string },
) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  requireEditor(viewer);
  return withTransaction(ctx, async (tx) => {
    await lockRelationship(tx.db, relationshipId);
    const rows = await tx.db
      .select({ id: protocolVersions.id, number: protocolVersions.number, state: protocolVersions.state })
      .from(protocolVersions)
      .where(eq(protocolVersions.relationshipId, relationshipId))
      .orderBy(desc(protocolVersions.number));
    const open = rows.find((r) => r.state === "draft" || r.state === "proposed");
    if (open)
      throw new AppError(
        "conflict",
        `Version ${open.number} is still ${open.state}; ${open.state === "draft" ? "edit or discard it" : "sign or decline it"} before starting another.`,
      );
    const active = rows.find((r) => r.state === "active") ?? null;
    const text =
      input.document ??
      (input.from === "template" || !active
        ? defaultProtocolTemplate()
        : (await loadVersion(tx.db, relationshipId, active.id)).document);
    return insertDraft(tx, relationshipId, text, {
      number: (rows[0]?.number ?? 0) + 1,
      basedOnId: input.document === undefined && input.from !== "template" ? (active?.id ?? null) : null,
      summary: input.summary ?? (active ? "" : "First version, from the default template"),
    });
  });
}

async function insertDraft(
  tx: ServiceContext,
  relationshipId: string,
  text: string,
  opts: { number: number; basedOnId: string | null; summary: string },
) {
  const now = tx.clock.now();
  const [row] = await tx.db
    .insert(protocolVersions)
    .values({
      relationshipId,
      number: opts.number,
      state: "draft",
      title: titleOf(text),
      document: text,
      documentSha256: sha256(text),
      summary: opts.summary,
      basedOnId: opts.basedOnId,
      createdById: userId(tx),
      createdAt: new Date(now),
      updatedAt: new Date(now),
    })
    .returning();
  await recordStep(
    tx,
    row!,
    "protocol.draft_created",
    { after: { number: row!.number, sha256: row!.documentSha256, summary: row!.summary } },
    now,
  );
  return row!;
}

/** Appends a protocol step to the relationship's audit trail, in the caller's transaction. */
async function recordStep(
  tx: ServiceContext,
  row: Pick<VersionRow, "id" | "number" | "relationshipId">,
  action: string,
  change: { before?: Record<string, unknown> | null; after?: Record<string, unknown> | null },
  at: number,
  actor: Actor | null = tx.actor,
): Promise<void> {
  await appendEvent(tx.db, {
    scope: "relationship",
    chain: row.relationshipId,
    relationshipId: row.relationshipId,
    actor: eventActor(actor),
    action,
    subject: { type: "protocol_version", id: row.id, label: versionLabel(row) },
    ...change,
    requestId: tx.requestId,
    occurredAt: at,
  });
}

/**
 * Notifies both parties (their protocol audience) of a step on a version, in the caller's
 * transaction; the person who took the step is left out when `exceptActor` is set.
 */
async function tellParties(
  tx: ServiceContext,
  rel: { clientOrgId: string; providerOrgId: string; name: string },
  row: Pick<VersionRow, "id" | "number" | "relationshipId">,
  kind: string,
  message: { subject: string; body: string },
  options: { exceptActor?: boolean } = {},
): Promise<void> {
  const recipients = await membersWithRoles(tx.db, [rel.clientOrgId, rel.providerOrgId], protocolAudience);
  const actor = userId(tx);
  const data = { versionId: row.id, number: row.number };
  await notifyUsers(tx, options.exceptActor ? recipients.filter((id) => id !== actor) : recipients, {
    relationshipId: row.relationshipId,
    kind,
    ...message,
    link: `/r/${row.relationshipId}/protocol?version=${row.id}`,
    data,
    // One email conversation per version: proposed, then signed or declined.
    thread: { key: `protocol-version-${row.id}`, subject: `${rel.name}: protocol version ${row.number}` },
  });
  // Both organizations' systems hear of it too, and open protocol pages refresh.
  await emitWebhookEvent(tx, row.relationshipId, kind, data);
  await publishLive(tx, { relationshipId: row.relationshipId, topic: "protocol", id: row.id });
}

/** The document's title line, for lists; the text is validated separately. */
function titleOf(text: string): string {
  const m = /^title:\s*(.+)$/m.exec(text);
  return (
    (m?.[1] ?? "Protocol")
      .replace(/^["']|["']$/g, "")
      .trim()
      .slice(0, 200) || "Protocol"
  );
}

/** Saves a draft's text. Drafts may be invalid while people work on them; proposing checks. */
export async function updateProtocolDraft(
  ctx: ServiceContext,
  relationshipId: string,
  versionId: string,
  input: { document: string; summary?: string },
) {
  const { viewer } = await getRelationshipForViewer(ctx, relationshipId);
  requireEditor(viewer);
  return withTransaction(ctx, async (tx) => {
    await lockRelationship(tx.db, relationshipId);
    const row = await loadVersion(tx.db, relationshipId, versionId);
    if (row.state !== "draft")
      throw new AppError(
        "conflict",
        `Version ${row.number} is ${row.state}; its text can no longer change. Start a new draft.`,
      );
    const now = tx.clock.now();
    const [updated] = await tx.db
      .update(protocolVersions)
      .set({
        document: input.document,
        documentSha256: sha256(input.document),
        title: titleOf(input.document),
        summary: input.summary ?? row.summary,
        updatedAt: new Date(now),
      })
      .where(eq(protocolVersions.id, row.id))
      .returning();
    if (row.documentSha256 !== updated!.documentSha256 || row.summary !== updated!.summary)
      await recordStep(
        tx,
        row,
        "protocol.draft_updated",
        {
          before: { sha256: row.documentSha256, summary: row.summary },
          after: { sha256: updated!.documentSha256, summary: updated!.summary },
        },
        now,
      );
    return updated!;
  });
}

/** Throws a 422 listing every problem, so the caller can show them at their lines. */
function rejectProblems(number: number, problems: Problem[]): never {
  const errors = problems.filter((p) => p.level === "error");
  throw new AppError(
    "validation_failed",
    `Version ${number} has ${errors.length} problem${errors.length === 1 ? "" : "s"} to fix before it can be proposed.`,
    {
      errors: errors.map((p) => ({
        path: `document:${p.line}:${p.column}`,
        message: p.message,
        line: p.line,
        column: p.column,
      })),
    },
  );
}

/** Proposes a draft to the other side: the text is frozen and both sides are asked to sign. */
export async function proposeProtocolVersion(
  ctx: ServiceContext,
  relationshipId: string,
  versionId: string,
  input: { summary?: string },
) {
  const { viewer, row: rel } = await getRelationshipForViewer(ctx, relationshipId);
  requireEditor(viewer);
  return withTransaction(ctx, async (tx) => {
    await lockRelationship(tx.db, relationshipId);
    const row = await loadVersion(tx.db, relationshipId, versionId);
    if (row.state !== "draft")
      throw new AppError("conflict", `Version ${row.number} is ${row.state}, not a draft.`);
    const result = validateProtocolText(row.document, {
      members: await relationshipMembers(tx.db, rel),
    });
    if (!result.ok) rejectProblems(row.number, result.problems);
    const now = tx.clock.now();
    const summary = input.summary ?? row.summary;
    const [updated] = await tx.db
      .update(protocolVersions)
      .set({
        state: "proposed",
        proposedAt: new Date(now),
        proposedById: userId(tx),
        summary,
        updatedAt: new Date(now),
      })
      .where(eq(protocolVersions.id, row.id))
      .returning();
    await recordStep(
      tx,
      row,
      "protocol.proposed",
      { after: { number: row.number, sha256: row.documentSha256, summary } },
      now,
    );
    await tellParties(
      tx,
      rel,
      row,
      "protocol.proposed",
      {
        subject: `${rel.name}: protocol version ${row.number} proposed for signature`,
        body: `${eventActor(tx.actor).name} proposed version ${row.number} of the protocol${summary ? `: ${summary}` : ""}. It takes effect when the client (an executive or approver) and the provider (the account manager) have both signed it.`,
      },
      { exceptActor: true },
    );
    return updated!;
  });
}

/**
 * Signs a proposed version for the signer's side. The signer sends the SHA-256 of the text they
 * read; if the text is not exactly that, the signature is refused. When both sides have signed,
 * the version becomes active and the previous one superseded, in the same transaction.
 */
export async function signProtocolVersion(
  ctx: ServiceContext,
  relationshipId: string,
  versionId: string,
  input: { documentSha256: string },
) {
  const { viewer, row: rel } = await getRelationshipForViewer(ctx, relationshipId);
  if (ctx.actor?.type !== "user") throw forbidden("A protocol is signed by a person, not an API token.");
  if (!signerRoles[viewer.side].has(viewer.role))
    throw forbidden(
      viewer.side === "client"
        ? "The client signs through an executive or an approver."
        : "The provider signs through its account manager.",
    );
  const actor = ctx.actor;
  return withTransaction(ctx, async (tx) => {
    await lockRelationship(tx.db, relationshipId);
    const row = await loadVersion(tx.db, relationshipId, versionId);
    if (row.state !== "proposed")
      throw new AppError(
        "conflict",
        `Version ${row.number} is ${row.state}; only a proposed version can be signed.`,
      );
    if (input.documentSha256.toLowerCase() !== row.documentSha256)
      throw new AppError(
        "conflict",
        "The text you signed is not the text of this version (its SHA-256 differs). Reload the version and read it again before signing.",
      );
    const existing = await signaturesOf(tx.db, [row.id]);
    if (existing.some((s) => s.side === viewer.side))
      throw new AppError("conflict", `The ${viewer.side} side has already signed version ${row.number}.`);
    const now = tx.clock.now();
    await tx.db.insert(protocolSignatures).values({
      versionId: row.id,
      relationshipId,
      side: viewer.side,
      userId: actor.userId,
      name: actor.name,
      role: viewer.role,
      documentSha256: row.documentSha256,
      signedAt: new Date(now),
    });
    await recordStep(
      tx,
      row,
      "protocol.signed",
      { after: { side: viewer.side, role: viewer.role, sha256: row.documentSha256 } },
      now,
      actor,
    );
    if (existing.length === 0) return { activated: false };
    // Both sides have signed: activate, superseding the previous active version at this instant.
    const [previous] = await tx.db
      .update(protocolVersions)
      .set({ state: "superseded", supersededAt: new Date(now), updatedAt: new Date(now) })
      .where(and(eq(protocolVersions.relationshipId, relationshipId), eq(protocolVersions.state, "active")))
      .returning();
    await tx.db
      .update(protocolVersions)
      .set({ state: "active", activatedAt: new Date(now), updatedAt: new Date(now) })
      .where(eq(protocolVersions.id, row.id));
    await recordStep(
      tx,
      row,
      "protocol.activated",
      {
        before: previous ? { activeVersion: previous.number } : null,
        after: { activeVersion: row.number, sha256: row.documentSha256 },
      },
      now,
      actor,
    );
    // Open tickets now run on the new version: deadlines recomputed, pauses already accrued kept.
    await recomputeOpenTickets(tx, relationshipId);
    // The touchpoint meetings follow it too: started, or replaced when their terms changed.
    await syncTouchpointSeries(tx, relationshipId, now);
    await tellParties(tx, rel, row, "protocol.activated", {
      subject: `${rel.name}: protocol version ${row.number} is now in effect`,
      body: `Both sides have signed version ${row.number} of the protocol${previous ? `; it replaces version ${previous.number}` : ""}. Clocks, escalations and notices now follow it.`,
    });
    return { activated: true };
  });
}

/** Declines a proposal (either side) or discards a draft; the version is kept, closed, with the reason. */
export async function closeProtocolVersion(
  ctx: ServiceContext,
  relationshipId: string,
  versionId: string,
  input: { reason: string },
) {
  const { viewer, row: rel } = await getRelationshipForViewer(ctx, relationshipId);
  const abilities = protocolAbilities(viewer);
  if (!abilities.edit && !abilities.sign) throw forbidden("You cannot decline or discard protocol versions.");
  return withTransaction(ctx, async (tx) => {
    await lockRelationship(tx.db, relationshipId);
    const row = await loadVersion(tx.db, relationshipId, versionId);
    if (row.state !== "draft" && row.state !== "proposed")
      throw new AppError(
        "conflict",
        `Version ${row.number} is ${row.state}; only a draft or a proposal can be closed.`,
      );
    const state = row.state === "draft" ? "discarded" : "declined";
    const now = tx.clock.now();
    const [updated] = await tx.db
      .update(protocolVersions)
      .set({ state, closedById: userId(tx), closedReason: input.reason, updatedAt: new Date(now) })
      .where(eq(protocolVersions.id, row.id))
      .returning();
    await recordStep(
      tx,
      row,
      `protocol.${state}`,
      { before: { state: row.state }, after: { state, reason: input.reason } },
      now,
    );
    if (state === "declined")
      await tellParties(
        tx,
        rel,
        row,
        "protocol.declined",
        {
          subject: `${rel.name}: protocol version ${row.number} was declined`,
          body: `${eventActor(tx.actor).name} declined version ${row.number}: ${input.reason}`,
        },
        { exceptActor: true },
      );
    return updated!;
  });
}

/** The readable diff between two versions of a relationship's protocol, with both texts. */
export async function diffProtocolVersions(
  ctx: ServiceContext,
  relationshipId: string,
  fromId: string,
  toId: string,
) {
  await getRelationshipForViewer(ctx, relationshipId);
  const [from, to] = await Promise.all([
    loadVersion(ctx.db, relationshipId, fromId),
    loadVersion(ctx.db, relationshipId, toId),
  ]);
  const a = validateProtocolText(from.document);
  const b = validateProtocolText(to.document);
  return {
    from: { id: from.id, number: from.number, state: from.state, document: from.document, valid: a.ok },
    to: { id: to.id, number: to.number, state: to.state, document: to.document, valid: b.ok },
    changes: a.ok && b.ok ? diffProtocols(a.doc, b.doc) : null,
  };
}

/**
 * The active protocol of a relationship, compiled, or null when none is active yet. Later
 * modules read every figure through this; validation results are cached by text, so it is cheap.
 */
export async function loadActiveProtocol(
  db: Db,
  relationshipId: string,
): Promise<{ versionId: string; number: number; protocol: CompiledProtocol } | null> {
  const [row] = await db
    .select({ id: protocolVersions.id, number: protocolVersions.number })
    .from(protocolVersions)
    .where(and(eq(protocolVersions.relationshipId, relationshipId), eq(protocolVersions.state, "active")));
  if (!row) return null;
  const hit = activeCache.get(row.id);
  if (hit) return { versionId: row.id, number: row.number, protocol: hit };
  // A version's text is frozen once proposed (a database trigger refuses changes), so its compiled
  // form can be kept by id; only the id lookup above runs on every ticket read, action and timer.
  const [doc] = await db
    .select({ document: protocolVersions.document })
    .from(protocolVersions)
    .where(eq(protocolVersions.id, row.id));
  const result = validateProtocolText(doc!.document);
  if (!result.compiled) throw new AppError("conflict", `Protocol version ${row.number} no longer validates.`);
  if (activeCache.size >= 256) activeCache.delete(activeCache.keys().next().value!);
  activeCache.set(row.id, result.compiled);
  return { versionId: row.id, number: row.number, protocol: result.compiled };
}

/**
 * The active protocol, or 409 saying what it is needed for ("tickets can be raised"): modules
 * that run on the protocol call this before acting.
 */
export async function requireActiveProtocol(db: Db, relationshipId: string, neededFor: string) {
  const active = await loadActiveProtocol(db, relationshipId);
  if (!active)
    throw new AppError(
      "conflict",
      `This relationship has no protocol in effect yet; both sides sign one before ${neededFor}.`,
    );
  return active;
}

/** Compiled active versions by id (bounded; oldest entry evicted first). */
const activeCache = new Map<string, CompiledProtocol>();

/** The version a what-if question is asked of: the one named, else the active one, else the open one. */
async function protocolForPreview(ctx: ServiceContext, relationshipId: string, versionId?: string) {
  await getRelationshipForViewer(ctx, relationshipId);
  let row: VersionRow | undefined;
  if (versionId) row = await loadVersion(ctx.db, relationshipId, versionId);
  else
    [row] = await ctx.db
      .select()
      .from(protocolVersions)
      .where(
        and(
          eq(protocolVersions.relationshipId, relationshipId),
          inArray(protocolVersions.state, ["active", "proposed", "draft"]),
        ),
      )
      .orderBy(
        sql`case ${protocolVersions.state} when 'active' then 0 else 1 end`,
        asc(protocolVersions.number),
      );
  if (!row)
    throw new AppError(
      "conflict",
      "This relationship has no protocol yet; start one from the default template.",
    );
  const result = validateProtocolText(row.document);
  if (!result.ok)
    throw new AppError(
      "conflict",
      `Version ${row.number} has problems to fix before it can answer what-if questions.`,
    );
  return { row, protocol: result.compiled };
}

/** Validates a document for this relationship: the shape, contradictions, and who can hold each level. */
export async function validateForRelationship(ctx: ServiceContext, relationshipId: string, document: string) {
  const { row: rel } = await getRelationshipForViewer(ctx, relationshipId);
  const result = validateProtocolText(document, {
    members: await relationshipMembers(ctx.db, rel),
  });
  return { valid: result.ok, problems: result.problems };
}

/** When `seconds` of clock time from `start` run out, on the business or 24x7 calendar. */
export async function previewDue(
  ctx: ServiceContext,
  relationshipId: string,
  input: { start: string; seconds: number; clock: ClockKind; versionId?: string },
) {
  const { row, protocol } = await protocolForPreview(ctx, relationshipId, input.versionId);
  const due = addBusinessTime(
    calendarFor(protocol, input.clock),
    Date.parse(input.start),
    input.seconds * 1000,
  );
  return { due: new Date(due), versionNumber: row.number };
}

/** Every deadline of a severity for a ticket raised at `start` (no pauses). */
export async function previewDeadlines(
  ctx: ServiceContext,
  relationshipId: string,
  input: { severity: Severity; start: string; versionId?: string },
) {
  const { row, protocol } = await protocolForPreview(ctx, relationshipId, input.versionId);
  const start = Date.parse(input.start);
  const at = (which: "response" | "resolution" | "updates") => {
    const due = computeDeadline(protocol, input.severity, which, start);
    return due === null ? null : new Date(due);
  };
  const s = protocol.severities[input.severity];
  return {
    versionNumber: row.number,
    severity: input.severity,
    response: { due: at("response"), clock: s.response.clock },
    resolution: { due: at("resolution"), clock: s.resolution.clock },
    firstUpdate: { due: at("updates"), clock: s.updates.clock },
  };
}

/**
 * Offers the default template to a new relationship: draft version 1, for the two sides to adapt,
 * propose and sign. An operator action (CLI); the audit trail names the system.
 */
export async function startFromTemplate(ctx: ServiceContext, relationshipId: string) {
  return withTransaction(ctx, async (tx) => {
    await lockRelationship(tx.db, relationshipId);
    const [existing] = await tx.db
      .select({ id: protocolVersions.id })
      .from(protocolVersions)
      .where(eq(protocolVersions.relationshipId, relationshipId))
      .limit(1);
    if (existing) throw new AppError("conflict", "This relationship already has a protocol.");
    return insertDraft(tx, relationshipId, defaultProtocolTemplate(), {
      number: 1,
      basedOnId: null,
      summary: "First version, from the default template",
    });
  });
}
