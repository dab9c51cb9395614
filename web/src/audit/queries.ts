import { useInfiniteQuery } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import type { EventPage } from "./types.ts";

const PAGE_SIZE = 50;

/** Where an audit timeline comes from: a relationship or an organization. */
export type AuditScope = { kind: "relationship"; id: string } | { kind: "organization"; id: string };

function eventsPath(scope: AuditScope): string {
  return scope.kind === "relationship"
    ? `/relationships/${scope.id}/events`
    : `/organizations/${scope.id}/events`;
}

/** Pages of events, newest first; the next page starts before the `nextBefore` cursor. */
export function useEvents(scope: AuditScope) {
  return useInfiniteQuery({
    queryKey: ["events", scope.kind, scope.id],
    queryFn: ({ pageParam, signal }) =>
      api<EventPage>(eventsPath(scope), { query: { before: pageParam, limit: PAGE_SIZE }, signal }),
    initialPageParam: undefined as string | number | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
}
