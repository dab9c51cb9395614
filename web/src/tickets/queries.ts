import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { ApiError } from "../api/problem.ts";
import { ticketKey, ticketListKey, ticketsKey } from "./keys.ts";
import { useLiveConnected } from "../notifications/live.ts";
import type {
  CreateTicketInput,
  Impact,
  IntakeForm,
  Severity,
  TicketDetail,
  TicketFilters,
  TicketList,
  TicketSummary,
} from "./types.ts";

const base = (relationshipId: string) => `/relationships/${relationshipId}/tickets`;

/**
 * Without the live stream, lists and tickets are refetched this often, so both sides still see
 * each other's changes (later). With it, a ping refetches at once and polling stops.
 */
export const FALLBACK_POLL_MS = 30_000;

/** Tickets of a relationship, newest first, with the filters in the query string; 50 a page. */
export function useTicketList(relationshipId: string, filters: TicketFilters, enabled = true) {
  const live = useLiveConnected();
  return useInfiniteQuery({
    queryKey: [...ticketListKey(relationshipId), filters],
    queryFn: ({ signal, pageParam }) =>
      api<TicketList>(base(relationshipId), {
        query: {
          state: filters.state?.join(","),
          severity: filters.severity?.join(","),
          clock: filters.clock,
          assignee: filters.assignee,
          q: filters.q,
          before: pageParam,
          limit: 50,
        },
        signal,
      }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    enabled,
    placeholderData: keepPreviousData,
    refetchInterval: live ? false : FALLBACK_POLL_MS,
  });
}

/** One ticket in full: impact, clocks, escalation, timeline, and what the viewer may do. */
export function useTicket(relationshipId: string, ticketId: string) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: ticketKey(relationshipId, ticketId),
    queryFn: ({ signal }) => api<TicketDetail>(`${base(relationshipId)}/${ticketId}`, { signal }),
    refetchInterval: live ? false : FALLBACK_POLL_MS,
  });
}

/** The protocol's intake questions, severities and suggestion rules (409 without a protocol in effect). */
export function useIntakeForm(relationshipId: string) {
  return useQuery({
    queryKey: [...ticketsKey(relationshipId), "intake-form"],
    queryFn: ({ signal }) => api<IntakeForm>(`${base(relationshipId)}/intake-form`, { signal }),
    staleTime: 5 * 60_000,
  });
}

/**
 * The server's suggestion for these answers: the authority, in case the protocol changed since
 * the form was loaded (the page computes the same locally for an instant answer).
 */
export function useSuggestedSeverity(relationshipId: string, impact: Impact | null) {
  return useQuery({
    queryKey: [...ticketsKey(relationshipId), "suggest", impact],
    queryFn: ({ signal }) =>
      api<{ severity: Severity }>(`${base(relationshipId)}/suggest-severity`, {
        method: "POST",
        body: impact,
        signal,
      }),
    enabled: impact !== null,
    staleTime: 5 * 60_000,
  });
}

export function useCreateTicket(relationshipId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateTicketInput) =>
      api<TicketSummary>(base(relationshipId), { method: "POST", body: input }),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ticketListKey(relationshipId) }),
        queryClient.invalidateQueries({ queryKey: ["notifications"] }),
      ]),
  });
}

/** The action routes under `/tickets/:ticketId/…`, each answering with the ticket as it now is. */
export type TicketActionPath =
  | "acknowledge"
  | "assign"
  | "updates"
  | "comments"
  | "wait-on-client"
  | "resume"
  | "severity"
  | "escalate"
  | "deescalate"
  | "resolve"
  | "confirm"
  | "reopen";

/**
 * One action on a ticket. The answer replaces the cached ticket; lists are refetched. A 409
 * (someone else changed the ticket first, or it is no longer in a state that allows this) reloads
 * the ticket, so the page shows what changed and offers only what is still allowed.
 */
export function useTicketAction(relationshipId: string, ticketId: string) {
  const queryClient = useQueryClient();
  const key = ticketKey(relationshipId, ticketId);
  return useMutation({
    mutationFn: ({ path, body }: { path: TicketActionPath; body: Record<string, unknown> }) =>
      api<TicketDetail>(`${base(relationshipId)}/${ticketId}/${path}`, { method: "POST", body }),
    onSuccess: (detail) => {
      queryClient.setQueryData(key, detail);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: ticketListKey(relationshipId) }),
        queryClient.invalidateQueries({ queryKey: ["notifications"] }),
      ]);
    },
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 409 || error.status === 403))
        return queryClient.invalidateQueries({ queryKey: key });
    },
  });
}

/** The relationship's email intake address: mail to it raises tickets, replies thread onto them. */
export interface IntakeAddress {
  address: string;
  createdAt: string;
  rotatedAt: string | null;
  canRotate: boolean;
}

export function useIntakeAddress(relationshipId: string) {
  return useQuery({
    queryKey: [...ticketsKey(relationshipId), "intake-address"],
    queryFn: ({ signal }) => api<IntakeAddress>(`${base(relationshipId)}/intake-address`, { signal }),
    staleTime: 5 * 60_000,
  });
}

/** Replaces the intake address; the old one is refused from then on. */
export function useRotateIntakeAddress(relationshipId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api<IntakeAddress>(`${base(relationshipId)}/intake-address/rotate`, { method: "POST", body: {} }),
    onSuccess: (next) => queryClient.setQueryData([...ticketsKey(relationshipId), "intake-address"], next),
  });
}
