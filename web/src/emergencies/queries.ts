import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { ApiError } from "../api/problem.ts";
import { useLiveConnected } from "../notifications/live.ts";
import { ticketsKey } from "../tickets/keys.ts";
import { emergencyFormKey, emergencyKey, emergencyListKey, reviewKey, reviewListKey } from "./keys.ts";
import type {
  DeclareInput,
  EmergencyDetail,
  EmergencyForm,
  EmergencyList,
  ReviewDetail,
  ReviewList,
} from "./types.ts";

const emergencies = (relationshipId: string) => `/relationships/${relationshipId}/emergencies`;
const reviews = (relationshipId: string) => `/relationships/${relationshipId}/reviews`;

/**
 * Without the live stream, emergencies and reviews are refetched this often. An emergency moves
 * by the minute, so its fallback is shorter than the other modules' 30 s.
 */
export const EMERGENCY_POLL_MS = 10_000;
export const REVIEW_POLL_MS = 30_000;

/** Emergencies of a relationship, latest first (the server keeps up to 200). */
export function useEmergencyList(relationshipId: string) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: emergencyListKey(relationshipId),
    queryFn: ({ signal }) => api<EmergencyList>(emergencies(relationshipId), { signal }),
    refetchInterval: live ? false : EMERGENCY_POLL_MS,
  });
}

/** One emergency in full: paging, register, running log, restoration plan and the viewer's abilities. */
export function useEmergency(relationshipId: string, emergencyId: string) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: emergencyKey(relationshipId, emergencyId),
    queryFn: ({ signal }) =>
      api<EmergencyDetail>(`${emergencies(relationshipId)}/${emergencyId}`, { signal }),
    refetchInterval: live ? false : EMERGENCY_POLL_MS,
  });
}

/** What declaring needs: the protocol's criteria, who would be paged now, open critical tickets. */
export function useEmergencyForm(relationshipId: string) {
  return useQuery({
    queryKey: emergencyFormKey(relationshipId),
    queryFn: ({ signal }) => api<EmergencyForm>(`${emergencies(relationshipId)}/form`, { signal }),
    // Who is on call changes at handoffs; the form is read again when the page is opened again.
    staleTime: 0,
  });
}

/** After an emergency changed: its answer replaces the cache; lists, its ticket and the bell refetch. */
function useAfterEmergency(relationshipId: string) {
  const queryClient = useQueryClient();
  return (detail: EmergencyDetail) => {
    queryClient.setQueryData(emergencyKey(relationshipId, detail.id), detail);
    return Promise.all([
      queryClient.invalidateQueries({ queryKey: emergencyListKey(relationshipId) }),
      queryClient.invalidateQueries({ queryKey: emergencyFormKey(relationshipId) }),
      queryClient.invalidateQueries({ queryKey: ticketsKey(relationshipId) }),
      queryClient.invalidateQueries({ queryKey: reviewListKey(relationshipId) }),
      queryClient.invalidateQueries({ queryKey: ["notifications"] }),
    ]);
  };
}

/** Declares an emergency from a critical ticket, or directly (the server opens the ticket). */
export function useDeclareEmergency(relationshipId: string) {
  const after = useAfterEmergency(relationshipId);
  return useMutation({
    mutationFn: (input: DeclareInput) =>
      api<EmergencyDetail>(emergencies(relationshipId), { method: "POST", body: input }),
    onSuccess: after,
  });
}

/** The action routes under `/emergencies/:emergencyId/…`, each answering with the emergency as it now is. */
export type EmergencyActionPath =
  | "acknowledge"
  | "actions"
  | `actions/${string}/decide`
  | `actions/${string}/complete`
  | `actions/${string}/withdraw`
  | "notes"
  | "updates"
  | "resolve";

/**
 * One step on an emergency. A 409 (someone else acknowledged first, the emergency resolved
 * meanwhile) or a 403 reloads it, so the page shows what happened and offers only what is still
 * allowed.
 */
export function useEmergencyAction(relationshipId: string, emergencyId: string) {
  const queryClient = useQueryClient();
  const after = useAfterEmergency(relationshipId);
  return useMutation({
    mutationFn: ({ path, body }: { path: EmergencyActionPath; body?: Record<string, unknown> }) =>
      api<EmergencyDetail>(`${emergencies(relationshipId)}/${emergencyId}/${path}`, {
        method: "POST",
        body: body ?? {},
      }),
    onSuccess: after,
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 409 || error.status === 403))
        return queryClient.invalidateQueries({ queryKey: emergencyKey(relationshipId, emergencyId) });
    },
  });
}

// --- Reviews -------------------------------------------------------------------------------------

/** Post-incident reviews, latest first, and every overdue prevention action of the relationship. */
export function useReviewList(relationshipId: string) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: reviewListKey(relationshipId),
    queryFn: ({ signal }) => api<ReviewList>(reviews(relationshipId), { signal }),
    refetchInterval: live ? false : REVIEW_POLL_MS,
  });
}

/** One review: timeline, texts, prevention actions, sign-offs and the viewer's abilities. */
export function useReview(relationshipId: string, reviewId: string) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: reviewKey(relationshipId, reviewId),
    queryFn: ({ signal }) => api<ReviewDetail>(`${reviews(relationshipId)}/${reviewId}`, { signal }),
    refetchInterval: live ? false : REVIEW_POLL_MS,
  });
}

/** What can be done to a review: edit its texts (PATCH), sign it, add or complete actions. */
export type ReviewChange =
  | { kind: "edit"; body: Record<string, unknown> }
  | { kind: "sign"; body: { revision: number } }
  | { kind: "addAction"; body: Record<string, unknown> }
  | { kind: "completeAction"; actionId: string; body: Record<string, unknown> };

function reviewRequest(relationshipId: string, reviewId: string, change: ReviewChange) {
  const url = `${reviews(relationshipId)}/${reviewId}`;
  switch (change.kind) {
    case "edit":
      return api<ReviewDetail>(url, { method: "PATCH", body: change.body });
    case "sign":
      return api<ReviewDetail>(`${url}/sign`, { method: "POST", body: change.body });
    case "addAction":
      return api<ReviewDetail>(`${url}/actions`, { method: "POST", body: change.body });
    case "completeAction":
      return api<ReviewDetail>(`${url}/actions/${change.actionId}/complete`, {
        method: "POST",
        body: change.body,
      });
  }
}

/**
 * One change to a review; the answer replaces the cached review and the list refetches. A 409
 * (someone edited or signed meanwhile) or a 403 reloads the review.
 */
export function useReviewChange(relationshipId: string, reviewId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: ReviewChange) => reviewRequest(relationshipId, reviewId, change),
    onSuccess: (detail) => {
      queryClient.setQueryData(reviewKey(relationshipId, reviewId), detail);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: reviewListKey(relationshipId) }),
        queryClient.invalidateQueries({ queryKey: ["notifications"] }),
      ]);
    },
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 409 || error.status === 403))
        return queryClient.invalidateQueries({ queryKey: reviewKey(relationshipId, reviewId) });
    },
  });
}
