import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useSyncExternalStore } from "react";
import { ticketDetailsKey, ticketKey, ticketListKey } from "./keys.ts";

/**
 * Live pings from the server (`GET /api/v1/notifications/stream`, server-sent events, the session
 * cookie): "topic T of relationship R changed". A ping carries no content; whoever shows that
 * topic refetches it through the API, which applies the usual access rules.
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
/** Called when the stream (re)opens: pings sent while it was down are lost, so refetch. */
type ResyncListener = () => void;

const STREAM_URL = "/api/v1/notifications/stream";
/** Event names a ping may arrive under: the default one, and the names a server is likely to use. */
const EVENT_NAMES = ["message", "live", "ping"];
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

/** Reads a ping in the shapes a server may send: `{relationshipId, topic, id}` or `{r, topic, id}`. */
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
  const relationshipId = typeof v.relationshipId === "string" ? v.relationshipId : v.r;
  if (typeof relationshipId !== "string" || typeof v.topic !== "string") return null;
  return { relationshipId, topic: v.topic, id: typeof v.id === "string" ? v.id : null };
}

function open(): void {
  if (source || typeof EventSource === "undefined") return;
  const es = new EventSource(STREAM_URL, { withCredentials: true });
  source = es;
  es.addEventListener("open", () => {
    failures = 0;
    setConnected(true);
    for (const listener of resyncListeners) listener();
  });
  const onMessage = (event: MessageEvent) => {
    const ping = parsePing(event.data);
    if (ping) for (const listener of pingListeners) listener(ping);
  };
  for (const name of EVENT_NAMES) es.addEventListener(name, onMessage as EventListener);
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
