import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { ApiError } from "../api/problem.ts";
import { useLiveConnected } from "../notifications/live.ts";
import {
  contactMethodsKey,
  relationshipOncallKey,
  restorationKey,
  restorationListKey,
  restorationPlanKey,
  scheduleKey,
  scheduleListKey,
  schedulesKey,
} from "./keys.ts";
import type {
  ContactMethod,
  ContactMethodList,
  Override,
  OverrideInput,
  RelationshipOncall,
  RestorationPlanDetail,
  RestorationPlanInput,
  RestorationPlanList,
  RestorationTestInput,
  ScheduleDetail,
  ScheduleInput,
  ScheduleList,
  TimelineRange,
} from "./types.ts";

/**
 * Who is on call moves by itself (a handoff, an override someone adds), and schedules have no live
 * topic: on-call views refetch this often while open.
 */
const ONCALL_REFRESH_MS = 60_000;
/** Without the live stream, restoration plans are refetched this often. */
const FALLBACK_POLL_MS = 30_000;

const rangeQuery = (range: TimelineRange) => ({ from: range.from, weeks: range.weeks });

// --- Who is on call --------------------------------------------------------------------------------

/** Who is on call for a relationship now and over the range, with gaps and unreachable people. */
export function useRelationshipOncall(relationshipId: string, range: TimelineRange) {
  return useQuery({
    queryKey: [...relationshipOncallKey(relationshipId), range],
    queryFn: ({ signal }) =>
      api<RelationshipOncall>(`/relationships/${relationshipId}/oncall`, {
        query: rangeQuery(range),
        signal,
      }),
    placeholderData: keepPreviousData,
    refetchInterval: ONCALL_REFRESH_MS,
  });
}

// --- Schedules of a provider ----------------------------------------------------------------------

const schedulesBase = (orgId: string) => `/organizations/${orgId}/oncall-schedules`;

/** The provider's schedules with who is on call in each now (`enabled` false for a client). */
export function useSchedules(orgId: string, enabled = true) {
  return useQuery({
    queryKey: scheduleListKey(orgId),
    queryFn: ({ signal }) => api<ScheduleList>(schedulesBase(orgId), { signal }),
    refetchInterval: ONCALL_REFRESH_MS,
    enabled,
  });
}

/** One schedule and its timeline over the range. */
export function useSchedule(orgId: string, scheduleId: string, range: TimelineRange) {
  return useQuery({
    queryKey: [...scheduleKey(orgId, scheduleId), range],
    queryFn: ({ signal }) =>
      api<ScheduleDetail>(`${schedulesBase(orgId)}/${scheduleId}`, { query: rangeQuery(range), signal }),
    placeholderData: keepPreviousData,
    refetchInterval: ONCALL_REFRESH_MS,
  });
}

/**
 * After a schedule or an override changes: the provider's schedules and every relationship's
 * view of who is on call (a shared schedule covers many).
 */
function useInvalidateSchedules(orgId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: schedulesKey(orgId) }),
      queryClient.invalidateQueries({ queryKey: ["oncall"] }),
    ]);
}

export function useCreateSchedule(orgId: string) {
  const invalidate = useInvalidateSchedules(orgId);
  return useMutation({
    mutationFn: (input: ScheduleInput) =>
      api<ScheduleDetail>(schedulesBase(orgId), { method: "POST", body: input }),
    onSuccess: invalidate,
  });
}

/** Saves a schedule; a different current revision answers 409 and the schedule is reloaded. */
export function useUpdateSchedule(orgId: string, scheduleId: string) {
  const invalidate = useInvalidateSchedules(orgId);
  return useMutation({
    mutationFn: (input: ScheduleInput & { revision: number }) =>
      api<ScheduleDetail>(`${schedulesBase(orgId)}/${scheduleId}`, { method: "PATCH", body: input }),
    onSuccess: invalidate,
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) return invalidate();
    },
  });
}

export function useArchiveSchedule(orgId: string) {
  const invalidate = useInvalidateSchedules(orgId);
  return useMutation({
    mutationFn: (scheduleId: string) =>
      api<void>(`${schedulesBase(orgId)}/${scheduleId}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
}

export function useCreateOverride(orgId: string, scheduleId: string) {
  const invalidate = useInvalidateSchedules(orgId);
  return useMutation({
    mutationFn: (input: OverrideInput) =>
      api<Override>(`${schedulesBase(orgId)}/${scheduleId}/overrides`, { method: "POST", body: input }),
    onSuccess: invalidate,
  });
}

export function useCancelOverride(orgId: string, scheduleId: string) {
  const invalidate = useInvalidateSchedules(orgId);
  return useMutation({
    mutationFn: (overrideId: string) =>
      api<void>(`${schedulesBase(orgId)}/${scheduleId}/overrides/${overrideId}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
}

/** The address of a person's shifts as an iCalendar file (a plain link: the browser downloads it). */
export const shiftsCalendarUrl = (orgId: string, userId: string) =>
  `/api/v1/organizations/${orgId}/people/${userId}/oncall.ics`;

// --- Contact methods --------------------------------------------------------------------------------

export function useContactMethods() {
  return useQuery({
    queryKey: contactMethodsKey,
    queryFn: ({ signal }) => api<ContactMethodList>("/me/contact-methods", { signal }),
  });
}

/** After one's addresses change, whether one can be paged changes on every on-call view too. */
function useInvalidateContactMethods() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: contactMethodsKey }),
      queryClient.invalidateQueries({ queryKey: ["oncall"] }),
      queryClient.invalidateQueries({ queryKey: ["oncall-schedules"] }),
    ]);
}

export function useAddContactMethod() {
  const invalidate = useInvalidateContactMethods();
  return useMutation({
    mutationFn: (input: { address: string; label?: string }) =>
      api<ContactMethod>("/me/contact-methods", { method: "POST", body: input }),
    onSuccess: invalidate,
  });
}

export function useVerifyContactMethod() {
  const invalidate = useInvalidateContactMethods();
  return useMutation({
    mutationFn: ({ methodId, code }: { methodId: string; code: string }) =>
      api<ContactMethod>(`/me/contact-methods/${methodId}/verify`, { method: "POST", body: { code } }),
    onSuccess: invalidate,
  });
}

export function useResendContactCode() {
  const invalidate = useInvalidateContactMethods();
  return useMutation({
    mutationFn: (methodId: string) =>
      api<ContactMethod>(`/me/contact-methods/${methodId}/resend`, { method: "POST" }),
    onSuccess: invalidate,
  });
}

export function useRemoveContactMethod() {
  const invalidate = useInvalidateContactMethods();
  return useMutation({
    mutationFn: (methodId: string) => api<void>(`/me/contact-methods/${methodId}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
}

// --- Restoration plans --------------------------------------------------------------------------------

const plansBase = (relationshipId: string) => `/relationships/${relationshipId}/restoration-plans`;

export function useRestorationPlans(relationshipId: string) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: restorationListKey(relationshipId),
    queryFn: ({ signal }) => api<RestorationPlanList>(plansBase(relationshipId), { signal }),
    refetchInterval: live ? false : FALLBACK_POLL_MS,
  });
}

export function useRestorationPlan(relationshipId: string, planId: string) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: restorationPlanKey(relationshipId, planId),
    queryFn: ({ signal }) => api<RestorationPlanDetail>(`${plansBase(relationshipId)}/${planId}`, { signal }),
    refetchInterval: live ? false : FALLBACK_POLL_MS,
  });
}

function useAfterPlan(relationshipId: string) {
  const queryClient = useQueryClient();
  return (detail: RestorationPlanDetail) => {
    queryClient.setQueryData(restorationPlanKey(relationshipId, detail.id), detail);
    return queryClient.invalidateQueries({ queryKey: restorationListKey(relationshipId) });
  };
}

export function useCreateRestorationPlan(relationshipId: string) {
  const after = useAfterPlan(relationshipId);
  return useMutation({
    mutationFn: (input: RestorationPlanInput) =>
      api<RestorationPlanDetail>(plansBase(relationshipId), { method: "POST", body: input }),
    onSuccess: after,
  });
}

/** Edits a plan; a different current revision answers 409 and the plan is reloaded. */
export function useUpdateRestorationPlan(relationshipId: string, planId: string) {
  const queryClient = useQueryClient();
  const after = useAfterPlan(relationshipId);
  return useMutation({
    mutationFn: (input: Partial<RestorationPlanInput> & { revision: number }) =>
      api<RestorationPlanDetail>(`${plansBase(relationshipId)}/${planId}`, { method: "PATCH", body: input }),
    onSuccess: after,
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 409 || error.status === 403))
        return queryClient.invalidateQueries({ queryKey: restorationPlanKey(relationshipId, planId) });
    },
  });
}

export function useRecordRestorationTest(relationshipId: string, planId: string) {
  const after = useAfterPlan(relationshipId);
  return useMutation({
    mutationFn: (input: RestorationTestInput) =>
      api<RestorationPlanDetail>(`${plansBase(relationshipId)}/${planId}/tests`, {
        method: "POST",
        body: input,
      }),
    onSuccess: after,
  });
}

export function useArchiveRestorationPlan(relationshipId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (planId: string) => api<void>(`${plansBase(relationshipId)}/${planId}`, { method: "DELETE" }),
    onSuccess: (_, planId) => {
      queryClient.removeQueries({ queryKey: restorationPlanKey(relationshipId, planId) });
      return queryClient.invalidateQueries({ queryKey: restorationKey(relationshipId) });
    },
  });
}
