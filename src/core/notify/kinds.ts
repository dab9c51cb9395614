/**
 * The event kinds people can choose channels for, as the preferences page lists them. A module
 * that notifies about a new kind adds it here; a kind that is not listed still notifies (on
 * every channel by default) and appears on the page once someone has received it.
 */
export interface NotificationKindInfo {
  kind: string;
  /** The module it belongs to, for grouping on the preferences page. */
  group: string;
  label: string;
}

export const notificationKinds: readonly NotificationKindInfo[] = [
  { kind: "protocol.proposed", group: "Protocol", label: "A protocol version is proposed for signature" },
  { kind: "protocol.activated", group: "Protocol", label: "A protocol version takes effect" },
  { kind: "protocol.declined", group: "Protocol", label: "A proposed protocol version is declined" },
];

/** Dotted lower-case event kinds: `ticket.breached`, `protocol.proposed`. */
export const KIND_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

/**
 * Whether a webhook endpoint subscribed to `patterns` receives `type`: an empty list or `*`
 * means every type, `ticket.*` every type under `ticket.`, anything else an exact match.
 */
export function matchesEventTypes(patterns: readonly string[], type: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((p) =>
    p === "*" ? true : p.endsWith(".*") ? type.startsWith(p.slice(0, -1)) : p === type,
  );
}

/** Severities of the notification core, most urgent first. */
export const severities = ["emergency", "critical", "high", "medium", "low"] as const;
