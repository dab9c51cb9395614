import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { type LivePing, useLiveTopic } from "../notifications/live.ts";
import { restorationKey, restorationListKey, restorationPlanKey } from "./keys.ts";

/** The live topic the server pings when a restoration plan of a relationship changes or is tested. */
export const RESTORATION_TOPIC = "restoration";

/**
 * Keeps a relationship's restoration plans current through the live stream: a ping about a plan
 * refetches the list and that plan; a (re)opened stream refetches them all.
 */
export function useLiveRestoration(relationshipId: string): void {
  const queryClient = useQueryClient();
  const onPing = useCallback(
    (ping: LivePing) => {
      void queryClient.invalidateQueries({ queryKey: restorationListKey(relationshipId) });
      if (ping.id)
        void queryClient.invalidateQueries({ queryKey: restorationPlanKey(relationshipId, ping.id) });
    },
    [queryClient, relationshipId],
  );
  const onResync = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: restorationKey(relationshipId) }),
    [queryClient, relationshipId],
  );
  useLiveTopic(relationshipId, RESTORATION_TOPIC, onPing, onResync);
}
