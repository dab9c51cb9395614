/** An audit event (docs/api.md): one append-only, hash-chained record of a state change. */
export interface AuditEvent {
  id: string;
  seq: number | string;
  action: string;
  actor: { type: "user" | "token" | "system"; id: string | null; name: string | null };
  subject: { type: string; id: string | null; label: string | null };
  before: unknown;
  after: unknown;
  occurredAt: string;
  requestId: string | null;
  hash: string;
  prevHash: string | null;
}

export interface EventPage {
  items: AuditEvent[];
  nextBefore: number | string | null;
}
