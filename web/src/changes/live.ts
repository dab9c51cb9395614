import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { type LivePing, useLiveTopic } from "../notifications/live.ts";
import { changeDetailsKey, changeKey, changeOverviewKey } from "./keys.ts";

/** The live topic the server pings when a change of a relationship moves. */
export const CHANGE_TOPIC = "changes";

/**
 * Keeps a relationship's change queries current through the live stream (web/src/notifications/
 * live.ts). A ping about a change refetches the lists, the approver's queue, the calendar and that
 * change; a (re)subscribed stream refetches every change query, since pings may have been missed.
 * Without the stream, the queries poll instead (queries.ts).
 */
export function useLiveChanges(relationshipId: string): void {
  const queryClient = useQueryClient();
  const onPing = useCallback(
    (ping: LivePing) => {
      void queryClient.invalidateQueries({ queryKey: changeOverviewKey(relationshipId) });
      void queryClient.invalidateQueries({
        queryKey: ping.id ? changeKey(relationshipId, ping.id) : changeDetailsKey(relationshipId),
      });
    },
    [queryClient, relationshipId],
  );
  const onResync = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: changeOverviewKey(relationshipId) });
    void queryClient.invalidateQueries({ queryKey: changeDetailsKey(relationshipId) });
  }, [queryClient, relationshipId]);
  useLiveTopic(relationshipId, CHANGE_TOPIC, onPing, onResync);
}
