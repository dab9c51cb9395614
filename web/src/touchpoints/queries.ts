import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { ApiError } from "../api/problem.ts";
import { useLiveConnected } from "../notifications/live.ts";
import { actionsKey, businessDatesKey, meetingDetailsKey, meetingKey, overviewKey } from "./keys.ts";
import type {
  ActionFilter,
  ActionItem,
  ActionList,
  BusinessDate,
  BusinessDateInput,
  BusinessDateList,
  MeetingDetail,
  TouchpointOverview,
} from "./types.ts";

const touchpoints = (relationshipId: string) => `/relationships/${relationshipId}/touchpoints`;
const meetingPath = (relationshipId: string, meetingId: string) =>
  `${touchpoints(relationshipId)}/meetings/${meetingId}`;
const businessDates = (relationshipId: string) => `/relationships/${relationshipId}/business-dates`;

/**
 * Without the live stream (live.ts), touchpoints are refetched this often. With it, a ping about a
 * meeting, an action item or a date refetches them; a live agenda also follows tickets and changes,
 * which ping their own topics, so the meeting page refetches on a slower beat in any case.
 */
const FALLBACK_POLL_MS = 30_000;
const AGENDA_REFRESH_MS = 120_000;

/** The series, its warnings, the next meeting, the upcoming and past ones, and the viewer's abilities. */
export function useTouchpoints(relationshipId: string) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: overviewKey(relationshipId),
    queryFn: ({ signal }) => api<TouchpointOverview>(touchpoints(relationshipId), { signal }),
    refetchInterval: live ? false : FALLBACK_POLL_MS,
  });
}

/** One meeting with its agenda (live until held), minutes, decisions and action items. */
export function useMeeting(relationshipId: string, meetingId: string) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: meetingKey(relationshipId, meetingId),
    queryFn: ({ signal }) => api<MeetingDetail>(meetingPath(relationshipId, meetingId), { signal }),
    refetchInterval: live ? AGENDA_REFRESH_MS : FALLBACK_POLL_MS,
  });
}

/** Action items of every meeting: open (overdue first, the default), overdue, done or all. */
export function useActions(relationshipId: string, state: ActionFilter) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: [...actionsKey(relationshipId), state],
    queryFn: ({ signal }) =>
      api<ActionList>(`${touchpoints(relationshipId)}/actions`, { query: { state }, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: live ? false : FALLBACK_POLL_MS,
  });
}

/** The client's business and compliance dates; `past` also lists those that have passed. */
export function useBusinessDates(relationshipId: string, past: boolean) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: [...businessDatesKey(relationshipId), past],
    queryFn: ({ signal }) =>
      api<BusinessDateList>(businessDates(relationshipId), {
        query: { past: past ? "true" : undefined },
        signal,
      }),
    placeholderData: keepPreviousData,
    refetchInterval: live ? false : FALLBACK_POLL_MS,
  });
}

/**
 * What can be done to one meeting; every answer is the meeting as it now is. The paths are the
 * API's (touchpoints.routes.ts).
 */
export type MeetingChange =
  | { kind: "move"; body: { start: string; reason: string; revision: number } }
  | { kind: "skip"; body: { reason: string; revision: number } }
  | { kind: "hold"; body: { revision: number } }
  | { kind: "sendAgenda" }
  | { kind: "addItem"; body: { title: string; detail?: string } }
  | { kind: "removeItem"; itemId: string }
  | { kind: "minutes"; body: { itemKey: string; text: string; revision?: number } }
  | { kind: "decision"; body: { itemKey: string; text: string } }
  | { kind: "withdrawDecision"; decisionId: string }
  | { kind: "addAction"; body: { itemKey: string; title: string; ownerUserId: string; dueOn: string } };

function meetingRequest(relationshipId: string, meetingId: string, change: MeetingChange) {
  const url = meetingPath(relationshipId, meetingId);
  switch (change.kind) {
    case "move":
      return api<MeetingDetail>(`${url}/move`, { method: "POST", body: change.body });
    case "skip":
      return api<MeetingDetail>(`${url}/skip`, { method: "POST", body: change.body });
    case "hold":
      return api<MeetingDetail>(`${url}/held`, { method: "POST", body: change.body });
    case "sendAgenda":
      return api<MeetingDetail>(`${url}/send-agenda`, { method: "POST" });
    case "addItem":
      return api<MeetingDetail>(`${url}/items`, { method: "POST", body: change.body });
    case "removeItem":
      return api<MeetingDetail>(`${url}/items/${change.itemId}`, { method: "DELETE" });
    case "minutes":
      return api<MeetingDetail>(`${url}/minutes`, { method: "PUT", body: change.body });
    case "decision":
      return api<MeetingDetail>(`${url}/decisions`, { method: "POST", body: change.body });
    case "withdrawDecision":
      return api<MeetingDetail>(`${url}/decisions/${change.decisionId}`, { method: "DELETE" });
    case "addAction":
      return api<MeetingDetail>(`${url}/actions`, { method: "POST", body: change.body });
  }
}

/** Refetches what a meeting's change shows elsewhere: the overview, the action items, the bell. */
function useAfterTouchpoints(relationshipId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: overviewKey(relationshipId) }),
      queryClient.invalidateQueries({ queryKey: actionsKey(relationshipId) }),
      queryClient.invalidateQueries({ queryKey: ["notifications"] }),
    ]);
}

/**
 * One change to a meeting; the answer replaces the cached meeting, and the overview and action
 * items refetch (a held meeting's open actions carry over to the next agenda, so the other
 * meetings refetch too). A 409 (someone moved, skipped or recorded it meanwhile, or saved the same
 * minutes) or a 403 reloads the meeting, so the page shows what happened.
 */
export function useMeetingChange(relationshipId: string, meetingId: string) {
  const queryClient = useQueryClient();
  const after = useAfterTouchpoints(relationshipId);
  return useMutation({
    mutationFn: (change: MeetingChange) => meetingRequest(relationshipId, meetingId, change),
    onSuccess: async (detail) => {
      queryClient.setQueryData(meetingKey(relationshipId, meetingId), detail);
      await Promise.all([
        after(),
        queryClient.invalidateQueries({
          queryKey: meetingDetailsKey(relationshipId),
          predicate: (q) => q.queryKey[3] !== meetingId,
        }),
      ]);
    },
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 409 || error.status === 403))
        return Promise.all([
          queryClient.invalidateQueries({ queryKey: meetingKey(relationshipId, meetingId) }),
          queryClient.invalidateQueries({ queryKey: overviewKey(relationshipId) }),
        ]);
    },
  });
}

/**
 * Marks an action item done (its owner or an organizer). Every meeting shows its open action
 * items, so they all refetch with the lists.
 */
export function useCompleteAction(relationshipId: string) {
  const queryClient = useQueryClient();
  const after = useAfterTouchpoints(relationshipId);
  const refresh = () =>
    Promise.all([after(), queryClient.invalidateQueries({ queryKey: meetingDetailsKey(relationshipId) })]);
  return useMutation({
    mutationFn: ({ actionId, body }: { actionId: string; body: { note?: string; revision: number } }) =>
      api<ActionItem>(`${touchpoints(relationshipId)}/actions/${actionId}/done`, { method: "POST", body }),
    onSuccess: refresh,
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 409 || error.status === 403)) return refresh();
    },
  });
}

/** What can be done to the business dates: add one, change one (with its revision), remove one. */
export type BusinessDateChange =
  | { kind: "create"; body: BusinessDateInput }
  | { kind: "update"; dateId: string; body: Partial<BusinessDateInput> & { revision: number } }
  | { kind: "remove"; dateId: string };

function businessDateRequest(relationshipId: string, change: BusinessDateChange) {
  const url = businessDates(relationshipId);
  switch (change.kind) {
    case "create":
      return api<BusinessDate>(url, { method: "POST", body: change.body });
    case "update":
      return api<BusinessDate>(`${url}/${change.dateId}`, { method: "PATCH", body: change.body });
    case "remove":
      return api<undefined>(`${url}/${change.dateId}`, { method: "DELETE" });
  }
}

/**
 * One change to the business dates. The list refetches, and so do the meetings, whose agendas
 * list the dates coming up. A 409 (someone changed the date meanwhile) reloads the list.
 */
export function useBusinessDateChange(relationshipId: string) {
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: businessDatesKey(relationshipId) }),
      queryClient.invalidateQueries({ queryKey: meetingDetailsKey(relationshipId) }),
    ]);
  return useMutation({
    mutationFn: (change: BusinessDateChange) => businessDateRequest(relationshipId, change),
    onSuccess: refresh,
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 409 || error.status === 404)) return refresh();
    },
  });
}
