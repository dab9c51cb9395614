import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import type { RelationshipDetail } from "./types.ts";

/** One relationship with its people and recent activity. */
export function useRelationship(relationshipId: string) {
  return useQuery({
    queryKey: ["relationship", relationshipId],
    queryFn: () => api<RelationshipDetail>(`/relationships/${relationshipId}`),
  });
}
