import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import type { Me } from "../relationships/types.ts";
import type {
  AddMemberResponse,
  CreateTokenResponse,
  ItemList,
  Member,
  Organization,
  SessionInfo,
  Token,
} from "./types.ts";

/** Who is signed in, their memberships and relationships (`GET /me`). */
export function useMe() {
  return useQuery({ queryKey: ["me"], queryFn: () => api<Me>("/me") });
}

export function useOrganization(orgId: string) {
  return useQuery({
    queryKey: ["organization", orgId],
    queryFn: () => api<Organization>(`/organizations/${orgId}`),
  });
}

export function useMembers(orgId: string) {
  return useQuery({
    queryKey: ["organization", orgId, "members"],
    queryFn: () => api<ItemList<Member>>(`/organizations/${orgId}/members`),
  });
}

/** After any change to people, the member list, /me (one's own role) and relationship pages are stale. */
function useInvalidatePeople(orgId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["organization", orgId] }),
      queryClient.invalidateQueries({ queryKey: ["me"] }),
      queryClient.invalidateQueries({ queryKey: ["relationship"] }),
      queryClient.invalidateQueries({ queryKey: ["events"] }),
    ]);
}

export function useAddMember(orgId: string) {
  const invalidate = useInvalidatePeople(orgId);
  return useMutation({
    mutationFn: (input: { email: string; name: string; role: string; admin: boolean }) =>
      api<AddMemberResponse>(`/organizations/${orgId}/members`, { method: "POST", body: input }),
    onSuccess: invalidate,
  });
}

export function useUpdateMember(orgId: string) {
  const invalidate = useInvalidatePeople(orgId);
  return useMutation({
    mutationFn: ({ userId, ...change }: { userId: string; role?: string; admin?: boolean }) =>
      api<Member>(`/organizations/${orgId}/members/${userId}`, { method: "PATCH", body: change }),
    onSuccess: invalidate,
  });
}

export function useRemoveMember(orgId: string) {
  const invalidate = useInvalidatePeople(orgId);
  return useMutation({
    mutationFn: (userId: string) =>
      api<void>(`/organizations/${orgId}/members/${userId}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
}

/** A fresh invitation link for a member who has not set a password; older links stop working. */
export function useReissueInvitation(orgId: string) {
  const invalidate = useInvalidatePeople(orgId);
  return useMutation({
    mutationFn: (userId: string) =>
      api<{ setupUrl: string }>(`/organizations/${orgId}/members/${userId}/invitation`, { method: "POST" }),
    onSuccess: invalidate,
  });
}

export function useTokens(relationshipId: string, enabled = true) {
  return useQuery({
    queryKey: ["relationship", relationshipId, "tokens"],
    queryFn: () => api<ItemList<Token>>(`/relationships/${relationshipId}/tokens`),
    enabled,
  });
}

function useInvalidateTokens(relationshipId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["relationship", relationshipId] }),
      queryClient.invalidateQueries({ queryKey: ["events"] }),
    ]);
}

export function useCreateToken(relationshipId: string) {
  const invalidate = useInvalidateTokens(relationshipId);
  return useMutation({
    mutationFn: (input: { name: string; role: string; expiresInDays?: number }) =>
      api<CreateTokenResponse>(`/relationships/${relationshipId}/tokens`, { method: "POST", body: input }),
    onSuccess: invalidate,
  });
}

export function useRevokeToken(relationshipId: string) {
  const invalidate = useInvalidateTokens(relationshipId);
  return useMutation({
    mutationFn: (tokenId: string) =>
      api<void>(`/relationships/${relationshipId}/tokens/${tokenId}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
}

export function useSessions() {
  return useQuery({
    queryKey: ["sessions"],
    queryFn: () => api<ItemList<SessionInfo>>("/auth/sessions"),
  });
}

export function useRevokeSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) => api<void>(`/auth/sessions/${sessionId}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["sessions"] }),
  });
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { currentPassword: string; newPassword: string }) =>
      api<void>("/auth/password", { method: "POST", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["sessions"] }),
  });
}
