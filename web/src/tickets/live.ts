import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { type LivePing, useLiveTopic } from "../notifications/live.ts";
import { ticketDetailsKey, ticketKey, ticketListKey } from "./keys.ts";

/**
 * Keeps a relationship's ticket queries current through the live stream (one per tab, shared with
 * the bell: web/src/notifications/live.ts). A ping about a ticket refetches the lists and that
 * ticket; a (re)subscribed stream refetches every ticket query of the relationship, since pings
 * may have been missed. Without the stream, the queries poll instead (queries.ts).
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
