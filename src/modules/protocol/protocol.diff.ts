import type { ProtocolDoc } from "./protocol.document.ts";

/**
 * A readable diff between two protocol documents, by section and in the terms people agreed on
 * ("critical response 15m → 10m", "added blackout Year-end close 2026-12-20..2027-01-02"),
 * rather than a text diff. Lists are matched by their natural key (a holiday by name, an
 * escalation level by id, an exception by date), so reordering is not reported as a change.
 */
export interface ProtocolChange {
  section: string;
  kind: "added" | "removed" | "changed";
  /** What changed, e.g. "critical response". */
  label: string;
  before: string | null;
  after: string | null;
  /** One line for people: "critical response 15m → 10m". */
  text: string;
}

const SECTIONS: Record<string, string> = {
  liaison_protocol: "Document",
  title: "Document",
  timezone: "Business calendar",
  calendar: "Business calendar",
  severities: "Severities",
  impact_matrix: "Impact matrix",
  clock_pauses: "Clock pauses",
  tickets: "Tickets",
  escalation: "Escalation",
  changes: "Changes",
  emergencies: "Emergencies",
  touchpoints: "Touchpoints",
  reports: "Reports",
  scope: "Scope",
};

const DAYS: Record<string, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

type Path = string[];
type Keyed = {
  key: (item: Record<string, unknown>) => string;
  noun: string;
  describe: (item: Record<string, unknown>) => string;
};

const s = (v: unknown) => (v === undefined || v === null ? "" : String(v));

/** How items of each keyed list are identified and described. */
function keyedList(path: Path): Keyed | null {
  const p = path.join(".");
  if (p === "calendar.holidays")
    return {
      key: (h) => s(h.name),
      noun: "holiday",
      describe: (h) =>
        `${s(h.name)} (${
          h.date
            ? s(h.date)
            : h.easter !== undefined
              ? `Easter ${Number(h.easter) >= 0 ? "+" : ""}${s(h.easter)} days`
              : h.weekday
                ? `${ordinal(Number(h.nth))} ${DAYS[s(h.weekday)]} of month ${s(h.month)}`
                : `every ${s(h.month)}/${s(h.day)}`
        }${h.observed && h.observed !== "none" ? `, observed ${s(h.observed).replace("_", " ")}` : ""})`,
    };
  if (p === "calendar.exceptions")
    return {
      key: (e) => s(e.date),
      noun: "calendar exception",
      describe: (e) =>
        `${s(e.date)}${e.name ? ` ${s(e.name)}` : ""}: ${e.closed ? "closed" : `open ${(e.hours as string[] | undefined)?.join(", ")}`}`,
    };
  if (p === "escalation.levels")
    return { key: (l) => s(l.id), noun: "escalation level", describe: (l) => `${s(l.name)} (${s(l.side)})` };
  if (p === "changes.maintenance_windows")
    return {
      key: (w) => s(w.name),
      noun: "maintenance window",
      describe: (w) => `${s(w.name)} (${s(w.rule)} at ${s(w.at)} for ${s(w.duration)})`,
    };
  if (p === "changes.blackouts")
    return {
      key: (b) => s(b.name),
      noun: "blackout",
      describe: (b) =>
        `${s(b.name)} ${b.from ? `${s(b.from)}..${s(b.to)}` : `${s(b.rule)} at ${s(b.at)} for ${s(b.duration)}`}`,
    };
  if (p === "reports")
    return { key: (r) => s(r.name), noun: "report", describe: (r) => `${s(r.name)} (${s(r.audience)})` };
  if (/^scope\.(included|billable|out_of_scope)$/.test(p))
    return { key: (i) => s(i.item), noun: `${path[1]!.replace(/_/g, " ")} item`, describe: (i) => s(i.item) };
  if (/^emergencies\.oncall_authority\.(without_approval|needs_approval)$/.test(p))
    return {
      key: (a) => s(a.action),
      noun: `on-call action ${path[2] === "needs_approval" ? "needing approval" : "without approval"}`,
      describe: (a) => s(a.label),
    };
  return null;
}

const ordinal = (n: number) =>
  n === -1 ? "last" : (["", "first", "second", "third", "fourth", "fifth"][n] ?? String(n));

/** A short human label for a path: ["severities","critical","response","within"] → "critical response". */
function label(path: Path): string {
  const [top, ...rest] = path;
  if (top === "calendar" && rest[0] === "hours") return rest[1] ? `${DAYS[rest[1]]} hours` : "business hours";
  const words = rest
    .filter((k) => (k !== "within" && k !== "every") || rest.length === 1)
    .map((k) => (/^\d+$/.test(k) ? `#${Number(k) + 1}` : k.replace(/_/g, " ")));
  if (top === "severities" && rest[1] === "updates")
    return `${rest[0]} update interval${rest[2] === "clock" ? " clock" : ""}`;
  if (top === "changes" && rest[0] === "classes")
    return `${rest[1]} change ${words.slice(2).join(" ")}`.trim();
  if (top === "impact_matrix" && rest[0] === "rules") return `impact rule ${words.slice(1).join(" ")}`.trim();
  if (!rest.length) return top!.replace(/_/g, " ");
  if (
    top === "severities" ||
    top === "escalation" ||
    top === "emergencies" ||
    top === "touchpoints" ||
    top === "tickets"
  )
    return words.join(" ");
  return `${top!.replace(/_/g, " ")} ${words.join(" ")}`;
}

function show(v: unknown): string {
  if (v === undefined || v === null) return "—";
  if (Array.isArray(v))
    return v.length
      ? v.map((x) => (typeof x === "object" ? JSON.stringify(x) : String(x))).join(", ")
      : "none";
  if (typeof v === "object")
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}: ${show(x)}`)
      .join("; ");
  return String(v);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function diffProtocols(before: ProtocolDoc, after: ProtocolDoc): ProtocolChange[] {
  const out: ProtocolChange[] = [];
  /** Inside a keyed list item, labels read "escalation level client_executive authority decisions". */
  let prefix: { base: string; depth: number } | null = null;
  const labelOf = (path: Path) =>
    prefix
      ? `${prefix.base} ${path
          .slice(prefix.depth)
          .map((k) => k.replace(/_/g, " "))
          .join(" ")}`
      : label(path);
  const push = (
    path: Path,
    kind: ProtocolChange["kind"],
    b: string | null,
    a: string | null,
    text?: string,
  ) => {
    const l = labelOf(path);
    const long = (b?.length ?? 0) > 120 || (a?.length ?? 0) > 120;
    out.push({
      section: SECTIONS[path[0]!] ?? path[0]!,
      kind,
      label: l,
      before: b,
      after: a,
      text:
        text ??
        (kind === "changed" ? (long ? `${l} changed` : `${l} ${b} → ${a}`) : `${kind} ${l} ${a ?? b}`),
    });
  };
  const walk = (a: unknown, b: unknown, path: Path) => {
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    const keyed = Array.isArray(a) && Array.isArray(b) ? keyedList(path) : null;
    if (keyed) {
      const before = new Map((a as Array<Record<string, unknown>>).map((x) => [keyed.key(x), x]));
      const after = new Map((b as Array<Record<string, unknown>>).map((x) => [keyed.key(x), x]));
      for (const [k, x] of before)
        if (!after.has(k))
          push(path, "removed", keyed.describe(x), null, `removed ${keyed.noun} ${keyed.describe(x)}`);
      for (const [k, x] of after) {
        const old = before.get(k);
        if (!old) push(path, "added", null, keyed.describe(x), `added ${keyed.noun} ${keyed.describe(x)}`);
        else if (JSON.stringify(old) !== JSON.stringify(x)) {
          if (keyed.describe(old) !== keyed.describe(x) && Object.keys({ ...old, ...x }).length <= 6)
            push(
              path,
              "changed",
              keyed.describe(old),
              keyed.describe(x),
              `${keyed.noun} ${keyed.describe(old)} → ${keyed.describe(x)}`,
            );
          else {
            const outer = prefix;
            prefix = { base: `${keyed.noun} ${keyed.key(x)}`, depth: path.length + 1 };
            for (const field of new Set([...Object.keys(old), ...Object.keys(x)]))
              walk(old[field], x[field], [...path, k, field]);
            prefix = outer;
          }
        }
      }
      return;
    }
    if (path.join(".") === "impact_matrix.rules" && Array.isArray(a) && Array.isArray(b)) {
      const n = Math.max(a.length, b.length);
      for (let i = 0; i < n; i++) {
        if (JSON.stringify(a[i]) === JSON.stringify(b[i])) continue;
        const p = [...path, String(i)];
        if (a[i] === undefined)
          push(p, "added", null, show(b[i]), `added impact rule #${i + 1}: ${show(b[i])}`);
        else if (b[i] === undefined)
          push(p, "removed", show(a[i]), null, `removed impact rule #${i + 1}: ${show(a[i])}`);
        else
          push(p, "changed", show(a[i]), show(b[i]), `impact rule #${i + 1}: ${show(a[i])} → ${show(b[i])}`);
      }
      return;
    }
    if (isObject(a) && isObject(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[k], b[k], [...path, k]);
      return;
    }
    if (a === undefined) push(path, "added", null, show(b));
    else if (b === undefined) push(path, "removed", show(a), null);
    else push(path, "changed", show(a), show(b));
  };
  walk(before, after, []);
  return out;
}
