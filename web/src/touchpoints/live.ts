import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { useLiveTopic } from "../notifications/live.ts";
import { touchpointsKey } from "./keys.ts";

/** The live topic the server pings when a meeting, an action item or a business date of a relationship changes. */
export const TOUCHPOINTS_TOPIC = "touchpoints";

/**
 * Keeps a relationship's touchpoint queries current through the live stream. A ping names a
 * meeting, an action item or a date, and any of them shows on the others (an action item on every
 * later agenda, a date on the agendas before it): every touchpoint query of the relationship
 * refetches, the ones on screen at once. Without the stream, the queries poll instead (queries.ts).
 */
export function useLiveTouchpoints(relationshipId: string): void {
  const queryClient = useQueryClient();
  const refresh = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: touchpointsKey(relationshipId) }),
    [queryClient, relationshipId],
  );
  useLiveTopic(relationshipId, TOUCHPOINTS_TOPIC, refresh, refresh);
}
