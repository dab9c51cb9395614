import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { ApiError } from "../api/problem.ts";
import { useLiveConnected } from "../notifications/live.ts";
import {
  awaitingKey,
  calendarKey,
  changeFormKey,
  changeKey,
  changeListKey,
  changeOverviewKey,
  changesKey,
  feedsKey,
  groupsKey,
} from "./keys.ts";
import type {
  CalendarView,
  ChangeDetail,
  ChangeFilters,
  ChangeForm,
  ChangeList,
  CheckChangeInput,
  CheckResult,
  CreateChangeInput,
  FeedCreated,
  FeedList,
  GroupInput,
  GroupList,
  RecordChangeInput,
  UpdateChangeInput,
  UserGroup,
} from "./types.ts";

const base = (relationshipId: string) => `/relationships/${relationshipId}/changes`;

/**
 * Without the live stream, lists and changes are refetched this often, so both sides still see
 * each other's decisions (later). With it, a ping refetches at once and polling stops.
 */
export const FALLBACK_POLL_MS = 30_000;

/** The list has no paging: one filter's worth, newest plans first, up to this many. */
export const LIST_LIMIT = 200;

/** Changes of a relationship with the filters in the query string. */
export function useChangeList(relationshipId: string, filters: ChangeFilters) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: [...changeListKey(relationshipId), filters],
    queryFn: ({ signal }) =>
      api<ChangeList>(base(relationshipId), {
        query: {
          state: filters.state?.join(","),
          class: filters.class?.join(","),
          unannounced: filters.unannounced === undefined ? undefined : String(filters.unannounced),
          q: filters.q,
          limit: LIST_LIMIT,
        },
        signal,
      }),
    placeholderData: keepPreviousData,
    refetchInterval: live ? false : FALLBACK_POLL_MS,
  });
}

/** The approver's queue: changes waiting for the viewer's decision. */
export function useAwaitingMe(relationshipId: string) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: awaitingKey(relationshipId),
    queryFn: ({ signal }) => api<ChangeList>(`${base(relationshipId)}/awaiting-me`, { signal }),
    refetchInterval: live ? false : FALLBACK_POLL_MS,
  });
}

/** One change in full: approval rounds, notice plan, conflicts, history and the viewer's abilities. */
export function useChange(relationshipId: string, changeId: string) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: changeKey(relationshipId, changeId),
    queryFn: ({ signal }) => api<ChangeDetail>(`${base(relationshipId)}/${changeId}`, { signal }),
    refetchInterval: live ? false : FALLBACK_POLL_MS,
  });
}

/** The protocol's classes (approval rule, notice), user groups, known systems and time zone. */
export function useChangeForm(relationshipId: string) {
  return useQuery({
    queryKey: changeFormKey(relationshipId),
    queryFn: ({ signal }) => api<ChangeForm>(`${base(relationshipId)}/form`, { signal }),
    staleTime: 5 * 60_000,
  });
}

/**
 * What the server says of a planned window while the form is filled in: conflicts, the approval
 * rule, the notice plan and the default user notice. A read, even though it is a POST. The caller
 * debounces; null waits until the window is complete. The last answer stays shown while the next
 * one is on its way.
 */
export function useChangeCheck(relationshipId: string, input: CheckChangeInput | null) {
  return useQuery({
    queryKey: [...changesKey(relationshipId), "check", input],
    queryFn: ({ signal }) =>
      api<CheckResult>(`${base(relationshipId)}/check`, { method: "POST", body: input, signal }),
    enabled: input !== null,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

/** The calendar of [from, to): changes, maintenance windows and blackouts. */
export function useCalendar(relationshipId: string, from: string, to: string) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: [...calendarKey(relationshipId), from, to],
    queryFn: ({ signal }) =>
      api<CalendarView>(`${base(relationshipId)}/calendar`, { query: { from, to }, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: live ? false : FALLBACK_POLL_MS,
  });
}

function useAfterChange(relationshipId: string) {
  const queryClient = useQueryClient();
  return (detail: ChangeDetail) => {
    queryClient.setQueryData(changeKey(relationshipId, detail.id), detail);
    return Promise.all([
      queryClient.invalidateQueries({ queryKey: changeOverviewKey(relationshipId) }),
      queryClient.invalidateQueries({ queryKey: ["notifications"] }),
    ]);
  };
}

/** A new change request: a draft, or proposed at once (`propose: true`). */
export function useCreateChange(relationshipId: string) {
  const after = useAfterChange(relationshipId);
  return useMutation({
    mutationFn: (input: CreateChangeInput) =>
      api<ChangeDetail>(base(relationshipId), { method: "POST", body: input }),
    onSuccess: after,
  });
}

/** A change recorded after it happened ("things changed", or an emergency logged afterwards). */
export function useRecordChange(relationshipId: string) {
  const after = useAfterChange(relationshipId);
  return useMutation({
    mutationFn: (input: RecordChangeInput) =>
      api<ChangeDetail>(`${base(relationshipId)}/record`, { method: "POST", body: input }),
    onSuccess: after,
  });
}

/** Edits a change; a different current revision answers 409 and the change is reloaded. */
export function useUpdateChange(relationshipId: string, changeId: string) {
  const queryClient = useQueryClient();
  const after = useAfterChange(relationshipId);
  return useMutation({
    mutationFn: (input: UpdateChangeInput) =>
      api<ChangeDetail>(`${base(relationshipId)}/${changeId}`, { method: "PATCH", body: input }),
    onSuccess: after,
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 409 || error.status === 403))
        return queryClient.invalidateQueries({ queryKey: changeKey(relationshipId, changeId) });
    },
  });
}

/** The action routes under `/changes/:changeId/…`, each answering with the change as it now is. */
export type ChangeActionPath =
  | "propose"
  | "approve"
  | "reject"
  | "request-reschedule"
  | "reschedule"
  | "schedule"
  | "start"
  | "finish"
  | "review"
  | "cancel";

/**
 * One action on a change. The answer replaces the cached change; lists and the calendar are
 * refetched. A 409 (someone else acted first, or the change is no longer in a state that allows
 * this) reloads the change, so the page shows what happened and offers only what is still allowed.
 */
export function useChangeAction(relationshipId: string, changeId: string) {
  const queryClient = useQueryClient();
  const after = useAfterChange(relationshipId);
  return useMutation({
    mutationFn: ({ path, body }: { path: ChangeActionPath; body: Record<string, unknown> }) =>
      api<ChangeDetail>(`${base(relationshipId)}/${changeId}/${path}`, { method: "POST", body }),
    onSuccess: after,
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 409 || error.status === 403))
        return queryClient.invalidateQueries({ queryKey: changeKey(relationshipId, changeId) });
    },
  });
}

// --- User groups ---------------------------------------------------------------------------------

const groupsBase = (relationshipId: string) => `/relationships/${relationshipId}/groups`;

export function useGroups(relationshipId: string) {
  return useQuery({
    queryKey: groupsKey(relationshipId),
    queryFn: ({ signal }) => api<GroupList>(groupsBase(relationshipId), { signal }),
  });
}

/** After a group changes, the form's group list is stale too. */
function useInvalidateGroups(relationshipId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: groupsKey(relationshipId) }),
      queryClient.invalidateQueries({ queryKey: changeFormKey(relationshipId) }),
    ]);
}

export function useCreateGroup(relationshipId: string) {
  const invalidate = useInvalidateGroups(relationshipId);
  return useMutation({
    mutationFn: (input: GroupInput) =>
      api<UserGroup>(groupsBase(relationshipId), { method: "POST", body: input }),
    onSuccess: invalidate,
  });
}

export function useUpdateGroup(relationshipId: string) {
  const invalidate = useInvalidateGroups(relationshipId);
  return useMutation({
    mutationFn: ({ groupId, ...input }: GroupInput & { groupId: string }) =>
      api<UserGroup>(`${groupsBase(relationshipId)}/${groupId}`, { method: "PATCH", body: input }),
    onSuccess: invalidate,
  });
}

/** Archives a group: it is no longer offered, and changes that named it keep its name. */
export function useArchiveGroup(relationshipId: string) {
  const invalidate = useInvalidateGroups(relationshipId);
  return useMutation({
    mutationFn: (groupId: string) =>
      api<void>(`${groupsBase(relationshipId)}/${groupId}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
}

// --- Calendar feeds ------------------------------------------------------------------------------

const feedsBase = (relationshipId: string) => `/relationships/${relationshipId}/calendar-feeds`;

export function useFeeds(relationshipId: string) {
  return useQuery({
    queryKey: feedsKey(relationshipId),
    queryFn: ({ signal }) => api<FeedList>(feedsBase(relationshipId), { signal }),
  });
}

/** A new secret subscription URL; the answer is the only time it is shown. */
export function useCreateFeed(relationshipId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { label: string }) =>
      api<FeedCreated>(feedsBase(relationshipId), { method: "POST", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: feedsKey(relationshipId) }),
  });
}

/** Revokes a feed: its URL answers 404 from now on. */
export function useRevokeFeed(relationshipId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (feedId: string) => api<void>(`${feedsBase(relationshipId)}/${feedId}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: feedsKey(relationshipId) }),
  });
}
