import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useSyncExternalStore } from "react";
import { ticketDetailsKey, ticketKey, ticketListKey } from "./keys.ts";

/**
 * Live pings from the server (`GET /api/v1/notifications/stream`, server-sent events, the session
 * cookie): "topic T of relationship R changed". A ping carries no content; whoever shows that
 * topic refetches it through the API, which applies the usual access rules.
 *
 * The stream's events (src/core/notify/notify.routes.ts): `ready` once subscribed, `ping`
 * `{ relationshipId, topic, id }`, `resync` when pings may have been missed, `ended` when the
 * session ends. After `ready` and `resync`, whoever listens refetches everything it shows.
 *
 * One EventSource serves the whole tab, opened while at least one component listens. The stream
 * may be missing (an older server) or drop (a restart, a proxy timeout): the browser's own
 * reconnection handles drops; a refused connection is retried here with a growing delay, and
 * while the stream is not open, pages fall back to refetching every 30 s (useLiveConnected).
 */
export interface LivePing {
  relationshipId: string;
  topic: string;
  id: string | null;
}

type PingListener = (ping: LivePing) => void;
/** Called when the stream is subscribed again (`ready`, `resync`): pings may have been missed, so refetch. */
type ResyncListener = () => void;

const STREAM_URL = "/api/v1/notifications/stream";
const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 60_000;
/** Navigating from the list to a ticket unmounts one listener just before the next mounts. */
const CLOSE_AFTER_MS = 5_000;

const pingListeners = new Set<PingListener>();
const resyncListeners = new Set<ResyncListener>();
const connectedListeners = new Set<() => void>();
let source: EventSource | null = null;
let connected = false;
let failures = 0;
let retryTimer: number | undefined;
let closeTimer: number | undefined;

function setConnected(value: boolean): void {
  if (connected === value) return;
  connected = value;
  for (const listener of connectedListeners) listener();
}

/** Reads a ping's data, `{ relationshipId, topic, id }`; null for anything else. */
export function parsePing(data: unknown): LivePing | null {
  let value: unknown = data;
  if (typeof data === "string") {
    try {
      value = JSON.parse(data);
    } catch {
      return null;
    }
  }
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (typeof v.relationshipId !== "string" || typeof v.topic !== "string") return null;
  return { relationshipId: v.relationshipId, topic: v.topic, id: typeof v.id === "string" ? v.id : null };
}

function open(): void {
  if (source || typeof EventSource === "undefined") return;
  const es = new EventSource(STREAM_URL, { withCredentials: true });
  source = es;
  es.addEventListener("open", () => {
    failures = 0;
    setConnected(true);
  });
  const resync = () => {
    for (const listener of resyncListeners) listener();
  };
  // Subscribed: anything committed from now on arrives as a ping; what happened before is refetched.
  es.addEventListener("ready", resync);
  es.addEventListener("resync", resync);
  es.addEventListener("ping", (event: MessageEvent) => {
    const ping = parsePing(event.data);
    if (ping) for (const listener of pingListeners) listener(ping);
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
    // endpoint answered 404, 401, 5xx or not an event stream): try again later, less and less often.
    if (es.readyState !== EventSource.CLOSED) return;
    es.close();
    if (source === es) source = null;
    failures++;
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (failures - 1));
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(() => {
      if (pingListeners.size + resyncListeners.size > 0) open();
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
      if (pingListeners.size + resyncListeners.size === 0) close();
    }, CLOSE_AFTER_MS);
  };
}

/**
 * Calls `onPing` for every ping about `topic` in `relationshipId`, and `onResync` whenever the
 * stream (re)opens. Keep both stable (useCallback) or accept a resubscription per render.
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

/**
 * Keeps a relationship's ticket queries current: a ping about a ticket refetches the lists and
 * that ticket; a (re)opened stream refetches everything of the relationship's tickets.
 */
export function useLiveTickets(relationshipId: string): void {
  const queryClient = useQueryClient();
  const onPing = useCallback(
    (ping: LivePing) => {
      void queryClient.invalidateQueries({ queryKey: ticketListKey(relationshipId) });
      void queryClient.invalidateQueries({
        queryKey: ping.id ? ticketKey(relationshipId, ping.id) : ticketDetailsKey(relationshipId),
      });
    },
    [queryClient, relationshipId],
  );
  const onResync = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: ticketListKey(relationshipId) });
    void queryClient.invalidateQueries({ queryKey: ticketDetailsKey(relationshipId) });
  }, [queryClient, relationshipId]);
  useLiveTopic(relationshipId, "tickets", onPing, onResync);
}
