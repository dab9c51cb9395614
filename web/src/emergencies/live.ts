import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { type LivePing, useLiveTopic } from "../notifications/live.ts";
import {
  emergencyDetailsKey,
  emergencyFormKey,
  emergencyKey,
  emergencyListKey,
  reviewDetailsKey,
  reviewKey,
  reviewListKey,
} from "./keys.ts";

/** The live topics the server pings when an emergency or a review of a relationship moves. */
export const EMERGENCY_TOPIC = "emergencies";
export const REVIEW_TOPIC = "reviews";

/**
 * Keeps a relationship's emergency queries current through the live stream (web/src/notifications/
 * live.ts). A ping about an emergency refetches the list and that emergency; a (re)subscribed
 * stream refetches every emergency query, since pings may have been missed. Without the stream,
 * the queries poll instead (queries.ts).
 */
export function useLiveEmergencies(relationshipId: string): void {
  const queryClient = useQueryClient();
  const onPing = useCallback(
    (ping: LivePing) => {
      void queryClient.invalidateQueries({ queryKey: emergencyListKey(relationshipId) });
      void queryClient.invalidateQueries({
        queryKey: ping.id ? emergencyKey(relationshipId, ping.id) : emergencyDetailsKey(relationshipId),
      });
      // A resolved emergency opens a review (the review's own ping may come first or not at all
      // for a reader of the emergency page).
      void queryClient.invalidateQueries({ queryKey: reviewListKey(relationshipId) });
    },
    [queryClient, relationshipId],
  );
  const onResync = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: emergencyListKey(relationshipId) });
    void queryClient.invalidateQueries({ queryKey: emergencyDetailsKey(relationshipId) });
    void queryClient.invalidateQueries({ queryKey: emergencyFormKey(relationshipId) });
  }, [queryClient, relationshipId]);
  useLiveTopic(relationshipId, EMERGENCY_TOPIC, onPing, onResync);
}

/** The same for post-incident reviews (topic "reviews"). */
export function useLiveReviews(relationshipId: string): void {
  const queryClient = useQueryClient();
  const onPing = useCallback(
    (ping: LivePing) => {
      void queryClient.invalidateQueries({ queryKey: reviewListKey(relationshipId) });
      void queryClient.invalidateQueries({
        queryKey: ping.id ? reviewKey(relationshipId, ping.id) : reviewDetailsKey(relationshipId),
      });
    },
    [queryClient, relationshipId],
  );
  const onResync = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: reviewListKey(relationshipId) });
    void queryClient.invalidateQueries({ queryKey: reviewDetailsKey(relationshipId) });
  }, [queryClient, relationshipId]);
  useLiveTopic(relationshipId, REVIEW_TOPIC, onPing, onResync);
}
