import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import type {
  DeadlinePreview,
  HolidayImport,
  ProtocolDiff,
  ProtocolOverview,
  SeverityKey,
  ValidationAnswer,
  VersionDetail,
} from "./types.ts";

/** Every protocol query of a relationship starts with this key, so one invalidation refreshes them all. */
const protocolKey = (relationshipId: string) => ["protocol", relationshipId] as const;
const versionKey = (relationshipId: string, versionId: string) =>
  [...protocolKey(relationshipId), "version", versionId] as const;

const base = (relationshipId: string) => `/relationships/${relationshipId}/protocol`;

/** The active version, the open one and the history. */
export function useProtocolOverview(relationshipId: string) {
  return useQuery({
    queryKey: protocolKey(relationshipId),
    queryFn: ({ signal }) => api<ProtocolOverview>(base(relationshipId), { signal }),
  });
}

/** One version in full: text, problems, parsed document, next holidays. */
export function useProtocolVersion(relationshipId: string, versionId: string | null) {
  return useQuery({
    queryKey: versionKey(relationshipId, versionId ?? ""),
    queryFn: ({ signal }) => api<VersionDetail>(`${base(relationshipId)}/versions/${versionId}`, { signal }),
    enabled: Boolean(versionId),
  });
}

export function useProtocolDiff(relationshipId: string, from: string | null, to: string | null) {
  return useQuery({
    queryKey: [...protocolKey(relationshipId), "diff", from, to],
    queryFn: ({ signal }) =>
      api<ProtocolDiff>(`${base(relationshipId)}/diff`, { query: { from, to }, signal }),
    enabled: Boolean(from && to && from !== to),
  });
}

/**
 * Live validation of the text being edited (the caller debounces). A read, even though it is a
 * POST: the text does not fit in a URL.
 */
export function useValidation(relationshipId: string, document: string, enabled: boolean) {
  return useQuery({
    queryKey: ["protocol-validate", relationshipId, document],
    // The relationship's own check, as proposing would run it: also whether its people can hold each level.
    queryFn: ({ signal }) =>
      api<ValidationAnswer>(`${base(relationshipId)}/validate`, {
        method: "POST",
        body: { document },
        signal,
      }),
    enabled: enabled && document.trim().length > 0,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 60_000,
  });
}

/** What if a ticket of `severity` were raised at `start`: its deadlines on this version's calendar. */
export function useDeadlinePreview(
  relationshipId: string,
  input: { severity: SeverityKey; start: string | null; versionId: string },
) {
  return useQuery({
    queryKey: [...protocolKey(relationshipId), "deadlines", input.versionId, input.severity, input.start],
    queryFn: ({ signal }) =>
      api<DeadlinePreview>(`${base(relationshipId)}/preview-deadlines`, {
        method: "POST",
        body: { severity: input.severity, start: input.start, versionId: input.versionId },
        signal,
      }),
    enabled: Boolean(input.start),
    placeholderData: keepPreviousData,
  });
}

/**
 * After a write, everything about the protocol may have changed (states, signatures, the active
 * version), and so may notifications and the audit trail.
 */
function useRefreshAfterWrite(relationshipId: string) {
  const queryClient = useQueryClient();
  return (detail?: VersionDetail) => {
    if (detail) queryClient.setQueryData(versionKey(relationshipId, detail.id), detail);
    return Promise.all([
      queryClient.invalidateQueries({ queryKey: protocolKey(relationshipId) }),
      queryClient.invalidateQueries({ queryKey: ["notifications"] }),
      queryClient.invalidateQueries({ queryKey: ["events"] }),
      queryClient.invalidateQueries({ queryKey: ["relationship", relationshipId] }),
    ]);
  };
}

export function useCreateDraft(relationshipId: string) {
  const refresh = useRefreshAfterWrite(relationshipId);
  return useMutation({
    mutationFn: (input: { from: "template" | "active" }) =>
      api<VersionDetail>(`${base(relationshipId)}/versions`, { method: "POST", body: input }),
    onSuccess: refresh,
  });
}

export function useSaveDraft(relationshipId: string, versionId: string) {
  const refresh = useRefreshAfterWrite(relationshipId);
  return useMutation({
    mutationFn: (input: { document: string; summary?: string }) =>
      api<VersionDetail>(`${base(relationshipId)}/versions/${versionId}`, { method: "PUT", body: input }),
    onSuccess: refresh,
  });
}

export function usePropose(relationshipId: string, versionId: string) {
  const refresh = useRefreshAfterWrite(relationshipId);
  return useMutation({
    mutationFn: (input: { summary?: string }) =>
      api<VersionDetail>(`${base(relationshipId)}/versions/${versionId}/propose`, {
        method: "POST",
        body: input,
      }),
    onSuccess: refresh,
  });
}

export function useSign(relationshipId: string, versionId: string) {
  const refresh = useRefreshAfterWrite(relationshipId);
  return useMutation({
    mutationFn: (documentSha256: string) =>
      api<VersionDetail & { activated: boolean }>(`${base(relationshipId)}/versions/${versionId}/sign`, {
        method: "POST",
        body: { documentSha256 },
      }),
    onSuccess: refresh,
  });
}

/** Declines a proposal or discards a draft. */
export function useCloseVersion(relationshipId: string, versionId: string) {
  const refresh = useRefreshAfterWrite(relationshipId);
  return useMutation({
    mutationFn: (reason: string) =>
      api<VersionDetail>(`${base(relationshipId)}/versions/${versionId}/close`, {
        method: "POST",
        body: { reason },
      }),
    onSuccess: refresh,
  });
}

export function useImportHolidays() {
  return useMutation({
    mutationFn: (input: { document: string; ics: string }) =>
      api<HolidayImport>("/protocol/import-holidays", { method: "POST", body: input }),
  });
}
