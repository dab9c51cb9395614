import { type QueryKey, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useSyncExternalStore } from "react";

/**
 * The live stream (`GET /api/v1/notifications/stream`, server-sent events, the session cookie),
 * one EventSource for the whole tab, open while at least one component listens — the bell does
 * for as long as someone is signed in. Events (src/core/notify/notify.routes.ts):
 * `ready` once subscribed; `notification` `{ relationshipId, kind }` when the person gets one;
 * `ping` `{ relationshipId, topic, id }` when something in a relationship of theirs changed;
 * `resync` when pings may have been missed; `ended` when the session ends. Events carry no
 * content: listeners refetch through the API, which applies the usual access rules. After
 * `ready` and `resync`, listeners refetch everything they show.
 *
 * The browser reconnects after a drop by itself; a refused connection (a 401, a server without
 * the stream) is retried here with a growing delay. While the stream is not open, pages fall
 * back to polling (useLiveConnected).
 */
export interface LivePing {
  relationshipId: string;
  topic: string;
  id: string | null;
}

export interface LiveNotification {
  relationshipId: string | null;
  kind: string;
}

type PingListener = (ping: LivePing) => void;
type NotificationListener = (n: LiveNotification) => void;
type ResyncListener = () => void;

const STREAM_URL = "/api/v1/notifications/stream";
const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 60_000;
/** Moving between pages unmounts one listener just before the next mounts: keep the stream. */
const CLOSE_AFTER_MS = 5_000;

const pingListeners = new Set<PingListener>();
const notificationListeners = new Set<NotificationListener>();
const resyncListeners = new Set<ResyncListener>();
const connectedListeners = new Set<() => void>();
let source: EventSource | null = null;
let connected = false;
let failures = 0;
let retryTimer: number | undefined;
let closeTimer: number | undefined;

const listenerCount = () => pingListeners.size + notificationListeners.size + resyncListeners.size;

function setConnected(value: boolean): void {
  if (connected === value) return;
  connected = value;
  for (const listener of connectedListeners) listener();
}

function parseObject(data: unknown): Record<string, unknown> | null {
  let value: unknown = data;
  if (typeof data === "string") {
    try {
      value = JSON.parse(data);
    } catch {
      return null;
    }
  }
  return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
}

/** Reads a ping's data, `{ relationshipId, topic, id }`; null for anything else. */
export function parsePing(data: unknown): LivePing | null {
  const v = parseObject(data);
  if (!v || typeof v.relationshipId !== "string" || typeof v.topic !== "string") return null;
  return { relationshipId: v.relationshipId, topic: v.topic, id: typeof v.id === "string" ? v.id : null };
}

function parseNotification(data: unknown): LiveNotification | null {
  const v = parseObject(data);
  if (!v || typeof v.kind !== "string") return null;
  return { relationshipId: typeof v.relationshipId === "string" ? v.relationshipId : null, kind: v.kind };
}

function open(): void {
  if (source || typeof EventSource === "undefined") return;
  const es = new EventSource(STREAM_URL, { withCredentials: true });
  source = es;
  const resync = () => {
    for (const listener of resyncListeners) listener();
  };
  // Subscribed: everything committed from now on arrives; what happened before is refetched.
  es.addEventListener("ready", () => {
    failures = 0;
    setConnected(true);
    resync();
  });
  es.addEventListener("resync", resync);
  es.addEventListener("ping", (event: MessageEvent) => {
    const ping = parsePing(event.data);
    if (ping) for (const listener of pingListeners) listener(ping);
  });
  es.addEventListener("notification", (event: MessageEvent) => {
    const n = parseNotification(event.data);
    if (n) for (const listener of notificationListeners) listener(n);
  });
  // The session ended (signed out elsewhere): the next API call answers 401 and the app signs
  // out; reconnecting now would only be refused.
  es.addEventListener("ended", () => {
    es.close();
    if (source === es) source = null;
    setConnected(false);
  });
  es.addEventListener("error", () => {
    setConnected(false);
    // CONNECTING: the browser is already reconnecting after a drop. CLOSED: it gave up (the
    // endpoint answered 401, 404, 5xx or not an event stream): try again later, less and less often.
    if (es.readyState !== EventSource.CLOSED) return;
    es.close();
    if (source === es) source = null;
    failures++;
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (failures - 1));
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(() => {
      if (listenerCount() > 0) open();
    }, delay);
  });
}

function close(): void {
  window.clearTimeout(retryTimer);
  source?.close();
  source = null;
  setConnected(false);
}

function retain(): () => void {
  window.clearTimeout(closeTimer);
  open();
  return () => {
    window.clearTimeout(closeTimer);
    closeTimer = window.setTimeout(() => {
      if (listenerCount() === 0) close();
    }, CLOSE_AFTER_MS);
  };
}

/**
 * Calls `onPing` for every ping about `topic` in `relationshipId`, and `onResync` whenever the
 * stream (re)opens. Keep both stable (useCallback), or the subscription is renewed every render.
 */
export function useLiveTopic(
  relationshipId: string,
  topic: string,
  onPing: (ping: LivePing) => void,
  onResync?: () => void,
): void {
  useEffect(() => {
    if (!relationshipId) return;
    const ping: PingListener = (p) => {
      if (p.relationshipId === relationshipId && p.topic === topic) onPing(p);
    };
    pingListeners.add(ping);
    if (onResync) resyncListeners.add(onResync);
    const release = retain();
    return () => {
      pingListeners.delete(ping);
      if (onResync) resyncListeners.delete(onResync);
      release();
    };
  }, [relationshipId, topic, onPing, onResync]);
}

/**
 * Refetches `queryKey` whenever `topic` of the relationship changes (or the stream reopens).
 * With `matchId`, only pings about that record do (a ping without an id matches too).
 */
export function useLiveInvalidate(
  relationshipId: string,
  topic: string,
  queryKey: QueryKey,
  matchId?: string,
): void {
  const queryClient = useQueryClient();
  const keyText = JSON.stringify(queryKey);
  const refetch = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: JSON.parse(keyText) as QueryKey }),
    [queryClient, keyText],
  );
  const onPing = useCallback(
    (ping: LivePing) => {
      if (!matchId || !ping.id || ping.id === matchId) refetch();
    },
    [refetch, matchId],
  );
  useLiveTopic(relationshipId, topic, onPing, refetch);
}

/** Calls `onNotification` when the signed-in person gets a notification, and `onResync` on (re)open. */
export function useLiveNotifications(
  onNotification: (n: LiveNotification) => void,
  onResync?: () => void,
): void {
  useEffect(() => {
    notificationListeners.add(onNotification);
    if (onResync) resyncListeners.add(onResync);
    const release = retain();
    return () => {
      notificationListeners.delete(onNotification);
      if (onResync) resyncListeners.delete(onResync);
      release();
    };
  }, [onNotification, onResync]);
}

/** Whether the live stream is open right now (pages poll when it is not). */
export function useLiveConnected(): boolean {
  return useSyncExternalStore(
    (listener) => {
      connectedListeners.add(listener);
      return () => connectedListeners.delete(listener);
    },
    () => connected,
    () => false,
  );
}
