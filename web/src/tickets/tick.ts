import { useSyncExternalStore } from "react";

/**
 * The current time, moving every second: one timer for the whole page however many countdowns
 * it shows, running only while one is on screen. Countdowns tick locally; the server's deadlines
 * change only when the ticket does (and then the query refetches).
 */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: number | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    // The first render read a time from before anything was on screen: correct it at once.
    now = Date.now();
    queueMicrotask(listener);
    timer = window.setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}

/** Milliseconds since the epoch, updated every second while mounted. */
export function useSecondTick(): number {
  return useSyncExternalStore(
    subscribe,
    () => now,
    () => now,
  );
}
