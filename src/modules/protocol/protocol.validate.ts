import { createHash } from "node:crypto";
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { expandRecurrence, ruleProblem } from "../../core/time/recurrence.ts";
import { clientRoles, providerRoles, type Role } from "../../core/http/actor.ts";
import {
  type CompiledProtocol,
  compileProtocol,
  durationMs,
  recurrenceOf,
  ruleMatches,
  blackoutsBetween,
} from "./protocol.compile.ts";
import {
  peopleAffected,
  ProtocolDocument,
  type ProtocolDoc,
  quote,
  severities,
  type Severity,
} from "./protocol.document.ts";
import { formatMs, parseDuration, parseTarget, type Target } from "./protocol.durations.ts";

/**
 * Validation people can act on: every problem in a document at once, each with the YAML line
 * and column it is about and a plain sentence saying what to write instead. Shape errors come
 * from the zod schema; contradictions (a resolution target shorter than its response target, a
 * window that always falls in a blackout, …) are checked here on the parsed document.
 */
export interface Problem {
  /** Dotted path, e.g. `severities.critical.response.within`; empty for YAML syntax errors. */
  path: string;
  line: number;
  column: number;
  message: string;
  level: "error" | "warning";
}

export type ValidationResult =
  | { ok: true; doc: ProtocolDoc; compiled: CompiledProtocol; problems: Problem[] }
  /** `doc` and `compiled` are there when only contradictions or relationship checks failed. */
  | { ok: false; problems: Problem[]; doc?: ProtocolDoc; compiled?: CompiledProtocol };

type Path = ReadonlyArray<string | number>;

export const formatPath = (path: Path): string =>
  path.reduce<string>((s, k) => (typeof k === "number" ? `${s}[${k}]` : s ? `${s}.${k}` : String(k)), "");

type Locate = (path: Path, key?: string) => { line: number; column: number };

/** What a text says on its own: its problems, and the parsed document when its shape is valid. */
interface Analysis {
  problems: Problem[];
  doc?: ProtocolDoc;
  compiled?: CompiledProtocol;
  locate: Locate;
}

/**
 * Recent analyses by the text's SHA-256. The same text is validated often — each view of a
 * version, the editor's live checks, proposing, every clock that reads the active protocol — and
 * a result depends only on the text (relationship checks are added on top, and are cheap).
 */
const analyses = new Map<string, Analysis>();
const ANALYSES_KEPT = 64;

/** Validates a protocol document's YAML text; with `members`, also that the relationship's people can hold each level. */
export function validateProtocolText(text: string, context: { members?: Members } = {}): ValidationResult {
  const a = analyse(text);
  let problems = a.problems;
  if (a.doc && context.members) {
    const extra: Problem[] = [];
    checkAgainstMembers(a.doc, context.members, adder(extra, a.locate));
    if (extra.length) problems = dedupe(sortProblems([...problems, ...extra]));
  }
  const { doc, compiled } = a;
  if (doc && compiled && !problems.some((p) => p.level === "error"))
    return { ok: true, doc, compiled, problems };
  return { ok: false, problems, ...(doc ? { doc } : {}), ...(compiled ? { compiled } : {}) };
}

function analyse(text: string): Analysis {
  const key = createHash("sha256").update(text, "utf8").digest("hex");
  const hit = analyses.get(key);
  if (hit) {
    analyses.delete(key); // most recently used last
    analyses.set(key, hit);
    return hit;
  }
  const result = analyseUncached(text);
  analyses.set(key, result);
  if (analyses.size > ANALYSES_KEPT) analyses.delete(analyses.keys().next().value!);
  return result;
}

const sortProblems = (problems: Problem[]) => problems.sort((a, b) => a.line - b.line || a.column - b.column);

const adder =
  (problems: Problem[], locate: Locate): Add =>
  (path, message, level = "error", key) =>
    problems.push({ path: formatPath(key ? [...path, key] : path), ...locate(path, key), message, level });

function analyseUncached(text: string): Analysis {
  const lineCounter = new LineCounter();
  const yamlDoc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const locate: Locate = (path, key) => locateNode(yamlDoc.contents, lineCounter, path, key);
  const problems: Problem[] = [];
  for (const err of yamlDoc.errors) {
    const pos = err.linePos?.[0] ?? { line: 1, col: 1 };
    problems.push({
      path: "",
      line: pos.line,
      column: pos.col,
      message: `YAML syntax: ${err.message.split("\n")[0]}`,
      level: "error",
    });
  }
  if (problems.length) return { problems, locate };
  const add = adder(problems, locate);

  const data = yamlDoc.toJS({ maxAliasCount: 50 }) as unknown;
  if (data === null || data === undefined || typeof data !== "object" || Array.isArray(data)) {
    add([], "The document must be a YAML mapping; start from `liaison protocol template`.");
    return { problems, locate };
  }
  const parsed = ProtocolDocument.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) describeIssue(issue, [], add);
    return { problems: dedupe(sortProblems(problems)), locate };
  }
  const doc = parsed.data;
  checkContradictions(doc, add);
  let compiled: CompiledProtocol | undefined;
  try {
    compiled = compileProtocol(doc);
  } catch {
    compiled = undefined; // reported by checkContradictions
  }
  return { problems: dedupe(sortProblems(problems)), doc, ...(compiled ? { compiled } : {}), locate };
}

type Add = (path: Path, message: string, level?: Problem["level"], key?: string) => void;

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}|${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Line and column (1-based) of the node at `path` (or of `key` inside it); the nearest existing ancestor otherwise. */
function locateNode(
  root: unknown,
  lc: LineCounter,
  path: Path,
  key?: string,
): { line: number; column: number } {
  let node = root as Node | null;
  let found = node;
  for (const k of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === k);
      node = (pair?.value as Node | null) ?? null;
      if (!node && pair && isScalar(pair.key)) found = pair.key;
    } else if (isSeq(node) && typeof k === "number") node = (node.items[k] as Node | undefined) ?? null;
    else node = null;
    if (!node) break;
    found = node;
  }
  if (key && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.key)) found = pair.key;
  }
  const offset = found?.range?.[0] ?? 0;
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col };
}

const KNOWN_FORMS: Record<string, string> = {
  hours: "write 24x7, or days with time ranges, e.g. mon: [08:00-12:00, 13:00-17:00]",
  trigger: "write manual, or { clock: resolution, at: 75% }, or { clock: resolution, after_breach: 1h }",
};

function describeType(v: unknown): string {
  if (v === null) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${quote(v)}`;
}

/** Turns one zod issue into sentences at their YAML positions. */
function describeIssue(issue: z.core.$ZodIssue, prefix: Path, add: Add): void {
  const path = [...prefix, ...(issue.path as Array<string | number>)];
  const where = formatPath(path);
  const last = path[path.length - 1];
  switch (issue.code) {
    case "invalid_type": {
      const input = (issue as { input?: unknown }).input;
      if (input === undefined)
        add(path, `${where}: is required; add it (see \`liaison protocol template\`).`);
      else add(path, `${where}: expected ${article(issue.expected)}, found ${describeType(input)}.`);
      return;
    }
    case "unrecognized_keys":
      for (const key of issue.keys) {
        const input = (issue as { input?: unknown }).input;
        const present = input && typeof input === "object" ? Object.keys(input) : [];
        const suggestion = closest(
          key,
          knownKeys(path).filter((k) => !present.includes(k)),
        );
        add(
          path,
          `${formatPath([...path, key])}: ${quote(key)} is not a setting here${suggestion ? `; did you mean ${quote(suggestion)}?` : "; remove it."}`,
          "error",
          key,
        );
      }
      return;
    case "invalid_value":
      add(
        path,
        `${where}: ${quote((issue as { input?: unknown }).input)} is not allowed; use one of ${issue.values.map((v) => String(v)).join(", ")}.`,
      );
      return;
    case "invalid_union": {
      // Report the branch that got furthest (the one whose problems are inside the value).
      const branches = issue.errors.filter((b) => b.length && b.every((i) => i.path.length > 0));
      const best = branches.sort((a, b) => a.length - b.length)[0];
      if (best) for (const inner of best) describeIssue(inner, path, add);
      else
        add(
          path,
          `${where}: ${quote((issue as { input?: unknown }).input)} is not in a form this setting takes; ${KNOWN_FORMS[String(last)] ?? "see `liaison protocol template`"}.`,
        );
      return;
    }
    case "too_small":
      add(path, `${where}: ${issue.message.startsWith("needs") ? issue.message : smallMessage(issue)}.`);
      return;
    case "too_big":
      add(
        path,
        `${where}: must be at most ${String(issue.maximum)}${issue.origin === "string" ? " characters" : ""}.`,
      );
      return;
    default:
      add(path, `${where}: ${issue.message}.`.replace(/\.\.$/, "."));
  }
}

const article = (t: string) =>
  (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`).replace("a array", "a list").replace("an object", "a mapping");

function smallMessage(issue: { minimum: unknown; origin: string; message: string }): string {
  if (issue.origin === "string") return "must not be empty";
  if (issue.origin === "array")
    return `needs at least ${String(issue.minimum)} item${issue.minimum === 1 ? "" : "s"}`;
  return `must be at least ${String(issue.minimum)}`;
}

/** The keys the schema accepts at a path (for "did you mean"). */
function knownKeys(path: Path): string[] {
  let schema: unknown = ProtocolDocument;
  for (const k of path) {
    schema = unwrap(schema);
    const def = (schema as { def?: { type?: string; shape?: Record<string, unknown>; element?: unknown } })
      .def;
    if (def?.type === "object" && typeof k === "string") schema = def.shape?.[k];
    else if (def?.type === "array") schema = def.element;
    else return [];
  }
  const def = (unwrap(schema) as { def?: { type?: string; shape?: Record<string, unknown> } }).def;
  return def?.type === "object" ? Object.keys(def.shape ?? {}) : [];
}

function unwrap(schema: unknown): unknown {
  let s = schema as { def?: { type?: string; innerType?: unknown; options?: unknown[] } } | undefined;
  for (let i = 0; i < 10 && s?.def; i++) {
    if (s.def.innerType) s = s.def.innerType as typeof s;
    else if (s.def.type === "union")
      s = (s.def.options ?? []).find((o) => (o as typeof s)?.def?.type === "object") as typeof s;
    else break;
  }
  return s;
}

function closest(word: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

const YEAR = 366 * 86_400_000;
const sideRoles: Record<"client" | "provider", readonly Role[]> = {
  client: clientRoles,
  provider: providerRoles,
};

/** Cross-field checks on a document whose shape is valid. */
function checkContradictions(doc: ProtocolDoc, add: Add): void {
  let calendarCount = 0;
  const calendarProblemCount = () => calendarCount;
  const addCalendar: Add = (...args) => {
    calendarCount++;
    add(...args);
  };
  // The calendar: holiday and exception forms.
  doc.calendar.holidays.forEach((h, i) => {
    const p = ["calendar", "holidays", i];
    const forms = [
      h.date !== undefined,
      h.month !== undefined && h.day !== undefined,
      h.month !== undefined && h.weekday !== undefined && h.nth !== undefined,
      h.easter !== undefined,
    ].filter(Boolean).length;
    if (forms !== 1 || (h.day !== undefined && h.weekday !== undefined))
      addCalendar(
        p,
        `${formatPath(p)}: ${quote(h.name)} needs exactly one of: date; month and day; month, weekday and nth; easter.`,
      );
    if (
      h.month !== undefined &&
      h.day !== undefined &&
      h.day > [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][h.month - 1]!
    )
      addCalendar([...p, "day"], `${formatPath([...p, "day"])}: month ${h.month} has no day ${h.day}.`);
    if (h.observed && h.observed !== "none" && h.date === undefined && h.day === undefined)
      addCalendar(
        [...p, "observed"],
        `${formatPath([...p, "observed"])}: an observed rule only applies to holidays on a fixed date.`,
      );
  });
  doc.calendar.exceptions.forEach((e, i) => {
    const p = ["calendar", "exceptions", i];
    if (Boolean(e.closed) === Boolean(e.hours))
      addCalendar(
        p,
        `${formatPath(p)}: say either closed: true or the hours for ${e.date}, not ${e.closed ? "both" : "neither"}.`,
      );
  });

  let compiled: CompiledProtocol | null = null;
  const calendarProblems = calendarProblemCount;
  if (calendarProblems() === 0) {
    try {
      compiled = compileProtocol(doc);
    } catch (e) {
      add(["calendar"], `calendar: ${(e as Error).message}`);
    }
  }

  // Severities: clocks, order of targets, update interval.
  for (const s of severities) {
    const sev = doc.severities[s];
    const base = ["severities", s];
    const response = parseTarget(sev.response.within)!;
    const resolution = parseTarget(sev.resolution.within)!;
    const updates = parseDuration(sev.updates.every)!;
    for (const [which, target, clock] of [
      ["response", response, sev.response.clock],
      ["resolution", resolution, sev.resolution.clock],
      ["updates", updates, sev.updates.clock],
    ] as const) {
      const p = [...base, which, which === "updates" ? "every" : "within"];
      if (clock === "24x7" && (target.kind === "business_days" || target.kind === "next_business_day"))
        add(
          p,
          `${formatPath(p)}: ${quote(which === "updates" ? sev.updates.every : sev[which].within)} counts business days, which needs clock: business.`,
        );
      if (target.kind === "elapsed" && target.ms <= 0) add(p, `${formatPath(p)}: must be longer than zero.`);
    }
    if (!compiled) continue;
    const nominal = (t: Target, which: "response" | "resolution") =>
      t.kind === "as_available"
        ? Infinity
        : t.kind === "next_business_day"
          ? which === "response"
            ? 0.5 * compiled!.calendar.dayLength
            : compiled!.calendar.dayLength
          : durationMs(compiled!, t);
    const resp = nominal(response, "response");
    const reso = nominal(resolution, "resolution");
    const comparable = sev.response.clock === sev.resolution.clock || sev.response.clock === "business";
    if (response.kind === "as_available" && resolution.kind !== "as_available")
      add(
        [...base, "response", "within"],
        `severities.${s}.response.within: as_available cannot come with a resolution deadline; give the response a target.`,
      );
    else if (
      comparable &&
      reso < resp &&
      !(response.kind === "next_business_day" && resolution.kind === "next_business_day")
    )
      add(
        [...base, "resolution", "within"],
        `severities.${s}.resolution.within: ${quote(sev.resolution.within)} is shorter than the response target ${quote(sev.response.within)}; resolution cannot be due before response.`,
      );
    const every = durationMs(compiled, updates);
    if (
      reso !== Infinity &&
      every > reso &&
      (sev.updates.clock === sev.resolution.clock || sev.updates.clock === "business")
    )
      add(
        [...base, "updates", "every"],
        `severities.${s}.updates.every: updates every ${quote(sev.updates.every)} is longer than the resolution target ${quote(sev.resolution.within)} (${formatMs(reso)}); the ticket would be due before its first update.`,
      );
  }

  // Impact matrix: every combination of answers gets a severity; no rule is dead.
  const rules = doc.impact_matrix.rules;
  const combos = peopleAffected.flatMap((pa) =>
    [true, false].flatMap((w) =>
      [true, false].map((c) => ({ peopleAffected: pa, workaround: w, criticalFunctionStopped: c })),
    ),
  );
  const used = new Set<number>();
  const uncovered: string[] = [];
  for (const a of combos) {
    const i = rules.findIndex((r) => ruleMatches(r, a));
    if (i < 0)
      uncovered.push(
        `${a.peopleAffected}, workaround ${a.workaround ? "yes" : "no"}, critical function ${a.criticalFunctionStopped ? "stopped" : "working"}`,
      );
    else used.add(i);
  }
  if (uncovered.length)
    add(
      ["impact_matrix", "rules"],
      `impact_matrix.rules: no rule gives a severity for ${uncovered.length} combination${uncovered.length > 1 ? "s" : ""} of answers (e.g. ${uncovered[0]}); end with a catch-all rule such as { severity: low }.`,
    );
  rules.forEach((_, i) => {
    if (!used.has(i))
      add(
        ["impact_matrix", "rules", i],
        `impact_matrix.rules[${i}]: this rule can never apply, because earlier rules already match every case it covers; remove it or move it up.`,
      );
  });

  // Clock pauses.
  if (doc.clock_pauses.response.includes("new"))
    add(
      ["clock_pauses", "response"],
      "clock_pauses.response: pausing the response clock in 'new' would stop it from ever running; remove 'new'.",
    );
  for (const c of ["response", "resolution", "updates"] as const)
    if (doc.clock_pauses[c].includes("closed"))
      add(
        ["clock_pauses", c],
        `clock_pauses.${c}: clocks stop for good when a ticket closes; remove 'closed'.`,
        "warning",
      );

  // Escalation: unique ids, holders on the right side, a trigger in one form.
  const ids = new Set<string>();
  doc.escalation.levels.forEach((level, i) => {
    const p = ["escalation", "levels", i];
    if (ids.has(level.id))
      add(
        [...p, "id"],
        `${formatPath([...p, "id"])}: ${quote(level.id)} is used by an earlier level; ids must be unique.`,
      );
    ids.add(level.id);
    if (!level.roles.length && !level.people.length)
      add(p, `${formatPath(p)}: nobody can hold level ${quote(level.name)}; give it roles or people.`);
    level.roles.forEach((r, j) => {
      if (!sideRoles[level.side].includes(r))
        add(
          [...p, "roles", j],
          `${formatPath([...p, "roles", j])}: ${quote(r)} is not a ${level.side} role, and level ${quote(level.name)} is on the ${level.side} side; use one of ${sideRoles[level.side].join(", ")}.`,
        );
    });
    if (level.trigger !== "manual") {
      const t = level.trigger;
      if ((t.at === undefined) === (t.after_breach === undefined))
        add(
          [...p, "trigger"],
          `${formatPath([...p, "trigger"])}: give either at (a share of the target) or after_breach (a time after it), not ${t.at === undefined ? "neither" : "both"}.`,
        );
    }
    if (level.trigger === "manual" && !level.requested_by.length)
      add(
        [...p, "requested_by"],
        `${formatPath([...p, "requested_by"])}: a manual-only level nobody may request can never be reached; list the roles that may escalate to it.`,
      );
  });

  // Changes: approval modes, windows, blackouts.
  const classes = doc.changes.classes;
  for (const [name, cls] of Object.entries(classes)) {
    const p = ["changes", "classes", name, "approval"];
    if ((cls.approval.mode === "any_of" || cls.approval.mode === "all_of") && !cls.approval.roles.length)
      add(
        p,
        `${formatPath(p)}: mode ${cls.approval.mode} needs the roles that approve; add roles: [approver].`,
      );
    if (cls.approval.mode === "standing" && name !== "routine")
      add(p, `${formatPath(p)}: standing approval is only for routine changes.`);
    if (cls.approval.mode === "after_the_fact" && name !== "emergency")
      add(p, `${formatPath(p)}: only emergency changes may be approved after the fact.`);
  }
  if (classes.emergency.approval.mode === "after_the_fact" && !classes.emergency.review_within)
    add(
      ["changes", "classes", "emergency"],
      "changes.classes.emergency: say how soon an emergency change must be reviewed: review_within: 2 business days.",
    );
  if (classes.routine.approval.mode === "standing" && doc.changes.maintenance_windows.length === 0)
    add(
      ["changes", "classes", "routine", "approval"],
      "changes.classes.routine.approval: standing approval applies inside maintenance windows, and there are none; add one under changes.maintenance_windows.",
      "warning",
    );

  const recurring = [
    ...doc.changes.maintenance_windows.map((w, i) => ({
      entry: w,
      p: ["changes", "maintenance_windows", i] as Path,
    })),
    ...doc.changes.blackouts.flatMap((b, i) =>
      b.rule ? [{ entry: b as { rule: string }, p: ["changes", "blackouts", i] as Path }] : [],
    ),
    { entry: doc.touchpoints, p: ["touchpoints"] as Path },
    ...doc.reports.map((r, i) => ({ entry: r, p: ["reports", i] as Path })),
  ];
  let rulesOk = true;
  for (const { entry, p } of recurring) {
    const problem = ruleProblem(entry.rule);
    if (problem) {
      rulesOk = false;
      add(
        [...p, "rule"],
        `${formatPath([...p, "rule"])}: ${quote(entry.rule)} is not a valid recurrence rule (${problem}).`,
      );
    }
  }
  const blackoutIntervals: Array<[number, number]> = [];
  const horizonStart = Date.UTC(2026, 0, 1);
  const horizonEnd = horizonStart + 2 * YEAR;
  doc.changes.blackouts.forEach((b, i) => {
    const p = ["changes", "blackouts", i];
    const dated = b.from !== undefined || b.to !== undefined;
    const recurs = b.rule !== undefined;
    if (dated === recurs || (dated && (!b.from || !b.to)) || (recurs && (!b.at || !b.duration)))
      add(
        p,
        `${formatPath(p)}: a blackout is either dated (from and to, YYYY-MM-DD) or recurring (rule, at and duration).`,
      );
    else if (dated && b.from! > b.to!)
      add([...p, "to"], `${formatPath([...p, "to"])}: ends (${b.to}) before it starts (${b.from}).`);
  });
  if (!compiled || !rulesOk) return;
  const tz = doc.timezone;
  for (const b of blackoutsBetween(compiled, horizonStart, horizonEnd))
    blackoutIntervals.push([b.start, b.end]);
  doc.changes.maintenance_windows.forEach((w, i) => {
    const p = ["changes", "maintenance_windows", i];
    const d = parseDuration(w.duration)!;
    if (d.kind !== "elapsed" || d.ms <= 0) {
      add(
        [...p, "duration"],
        `${formatPath([...p, "duration"])}: a window lasts a positive time such as 4h.`,
      );
      return;
    }
    const occurrences = expandRecurrence(recurrenceOf(w), tz, horizonStart, horizonEnd, 2000);
    if (!occurrences.length) {
      add(
        [...p, "rule"],
        `${formatPath([...p, "rule"])}: the rule has no occurrences in 2026–2027.`,
        "warning",
      );
      return;
    }
    const blocked = occurrences.filter(([s, e]) => blackoutIntervals.some(([bs, be]) => s < be && e > bs));
    if (blocked.length === occurrences.length)
      add(
        p,
        `${formatPath(p)}: every occurrence of ${quote(w.name)} falls in a blackout period, so no change could ever use it.`,
      );
  });

  // Touchpoints: both sides and a business perspective (seed: technical and business views).
  const att = doc.touchpoints.attendees;
  if (!att.client.length || !att.provider.length)
    add(
      ["touchpoints", "attendees"],
      `touchpoints.attendees: the ${att.client.length ? "provider" : "client"} side has nobody at the meetings; both sides should attend.`,
      "warning",
    );
  else if (
    !att.client.some((r) => r === "executive" || r === "approver") &&
    !att.provider.includes("account_manager")
  )
    add(
      ["touchpoints", "attendees"],
      "touchpoints.attendees: no business role attends (executive, approver or account_manager); decisions may get stuck waiting for the right person.",
      "warning",
    );
  const ids2 = new Set<string>();
  for (const group of ["without_approval", "needs_approval"] as const)
    doc.emergencies.oncall_authority[group].forEach((a, i) => {
      const p = ["emergencies", "oncall_authority", group, i];
      if (ids2.has(a.action))
        add(
          [...p, "action"],
          `${formatPath([...p, "action"])}: ${quote(a.action)} is listed twice in the on-call authority register.`,
        );
      ids2.add(a.action);
      if (group === "needs_approval" && !a.approver_roles.length)
        add(
          [...p, "approver_roles"],
          `${formatPath([...p, "approver_roles"])}: say who approves ${quote(a.label)}.`,
        );
    });
}

/** The people of each side of a relationship, for checks that depend on who is there. */
export interface Members {
  client: Array<{ email: string; role: Role }>;
  provider: Array<{ email: string; role: Role }>;
}

/** Relationship-level checks: every escalation level has somebody on its side who can hold it. */
function checkAgainstMembers(doc: ProtocolDoc, members: Members, add: Add): void {
  doc.escalation.levels.forEach((level, i) => {
    const p = ["escalation", "levels", i];
    const emails = new Set(level.people.map((e) => e.toLowerCase()));
    const holders = members[level.side].filter(
      (m) => level.roles.includes(m.role) || emails.has(m.email.toLowerCase()),
    );
    if (!holders.length)
      add(
        p,
        `${formatPath(p)}: nobody at the ${level.side} organization can hold level ${quote(level.name)}: no member has the role ${level.roles.join(" or ") || "(none listed)"}${level.people.length ? `, and ${level.people.join(", ")} ${level.people.length > 1 ? "are" : "is"} not a member` : ""}. Add someone to that role or name a person who is.`,
      );
  });
}

export type { Severity };
