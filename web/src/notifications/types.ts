/** An in-app notification (`GET /notifications`), newest first. */
export interface AppNotification {
  id: string;
  relationshipId: string | null;
  kind: string;
  subject: string;
  body: string;
  /** Where it leads inside the app, e.g. a protocol version; null when it leads nowhere. */
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationList {
  items: AppNotification[];
  unread: number;
}

/** One event kind's channels (`GET /notifications/preferences`). */
export interface KindPreference {
  kind: string;
  group: string;
  label: string;
  inApp: boolean;
  email: boolean;
}

export type DigestMode = "off" | "hourly" | "daily";

export interface Preferences {
  kinds: KindPreference[];
  timeZone: string;
  quietHours: { start: string; end: string } | null;
  digest: DigestMode;
  dailyDigestAt: string;
  /** Null until first saved. */
  updatedAt: string | null;
}

export interface PreferencesInput {
  kinds: { kind: string; inApp: boolean; email: boolean }[];
  timeZone: string;
  quietHours: { start: string; end: string } | null;
  digest: DigestMode;
  dailyDigestAt: string;
}

/** A webhook endpoint of the viewer's organization in a relationship. */
export interface WebhookEndpoint {
  id: string;
  relationshipId: string;
  url: string;
  description: string;
  /** Event types; empty means all. */
  events: string[];
  enabled: boolean;
  secretHint: string;
  previousSecretUntil: string | null;
  createdAt: string;
  updatedAt: string;
  createdBy: { id: string; name: string } | null;
}

export interface EndpointWithSecret {
  endpoint: WebhookEndpoint;
  secret: string;
}

export interface EndpointInput {
  url: string;
  description?: string;
  events?: string[];
  enabled?: boolean;
}

export interface DeliveryAttempt {
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  ok: boolean | null;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
  durationMs: number | null;
}

/** One message to an endpoint (its id is the `webhook-id` header) with every attempt, newest first. */
export interface Delivery {
  id: string;
  type: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  log: DeliveryAttempt[];
}

export interface DeliveryPage {
  items: Delivery[];
  nextBefore: string | null;
}
