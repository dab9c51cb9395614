import { useMemo } from "react";
import { useProtocolOverview, useProtocolVersion } from "../protocol/queries.ts";

/**
 * The names of the escalation levels of the protocol in effect, by id ("senior_technician" →
 * "Senior technician"), for lists that carry only the id. Empty until loaded; callers fall back
 * to the id in words.
 */
export function useLevelNames(relationshipId: string): Map<string, string> {
  const overview = useProtocolOverview(relationshipId);
  const version = useProtocolVersion(relationshipId, overview.data?.active?.id ?? null);
  const levels = version.data?.parsed?.escalation.levels;
  return useMemo(() => new Map((levels ?? []).map((l) => [l.id, l.name])), [levels]);
}
