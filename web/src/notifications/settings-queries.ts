import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { useLiveConnected, useLiveInvalidate } from "./live.ts";
import type {
  DeliveryPage,
  EndpointInput,
  EndpointWithSecret,
  Preferences,
  PreferencesInput,
  WebhookEndpoint,
} from "./types.ts";

const preferencesKey = ["notification-preferences"] as const;

/** The signed-in person's channels per event kind, quiet hours, time zone and digest. */
export function usePreferences() {
  return useQuery({
    queryKey: preferencesKey,
    queryFn: ({ signal }) => api<Preferences>("/notifications/preferences", { signal }),
  });
}

export function useSavePreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: PreferencesInput) =>
      api<Preferences>("/notifications/preferences", { method: "PUT", body: input }),
    onSuccess: (saved) => queryClient.setQueryData(preferencesKey, saved),
  });
}

const webhooksKey = (relationshipId: string) => ["relationship", relationshipId, "webhooks"] as const;
const deliveriesKey = (relationshipId: string, endpointId: string) =>
  [...webhooksKey(relationshipId), endpointId, "deliveries"] as const;
const base = (relationshipId: string) => `/relationships/${relationshipId}/webhooks`;

export function useWebhookEndpoints(relationshipId: string, enabled = true) {
  return useQuery({
    queryKey: webhooksKey(relationshipId),
    queryFn: ({ signal }) => api<{ items: WebhookEndpoint[] }>(base(relationshipId), { signal }),
    enabled,
  });
}

function useInvalidateWebhooks(relationshipId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: webhooksKey(relationshipId) }),
      queryClient.invalidateQueries({ queryKey: ["events"] }),
    ]);
}

export function useCreateEndpoint(relationshipId: string) {
  const invalidate = useInvalidateWebhooks(relationshipId);
  return useMutation({
    mutationFn: (input: EndpointInput) =>
      api<EndpointWithSecret>(base(relationshipId), { method: "POST", body: input }),
    onSuccess: invalidate,
  });
}

export function useUpdateEndpoint(relationshipId: string, endpointId: string) {
  const invalidate = useInvalidateWebhooks(relationshipId);
  return useMutation({
    mutationFn: (change: Partial<EndpointInput>) =>
      api<WebhookEndpoint>(`${base(relationshipId)}/${endpointId}`, { method: "PATCH", body: change }),
    onSuccess: invalidate,
  });
}

export function useDeleteEndpoint(relationshipId: string, endpointId: string) {
  const invalidate = useInvalidateWebhooks(relationshipId);
  return useMutation({
    mutationFn: () => api<void>(`${base(relationshipId)}/${endpointId}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
}

export function useRotateSecret(relationshipId: string, endpointId: string) {
  const invalidate = useInvalidateWebhooks(relationshipId);
  return useMutation({
    mutationFn: () =>
      api<EndpointWithSecret>(`${base(relationshipId)}/${endpointId}/rotate-secret`, { method: "POST" }),
    onSuccess: invalidate,
  });
}

export function useSendTest(relationshipId: string, endpointId: string) {
  const invalidate = useInvalidateWebhooks(relationshipId);
  return useMutation({
    mutationFn: () =>
      api<{ outboxId: string }>(`${base(relationshipId)}/${endpointId}/test`, { method: "POST" }),
    onSuccess: invalidate,
  });
}

/** While deliveries wait for a retry and the live stream is down, the log is refetched this often. */
const DELIVERIES_POLL_MS = 10_000;

/**
 * An endpoint's deliveries, newest first. The worker pings `webhook-deliveries` after every
 * attempt, so the table follows along live; without the stream it polls while anything is pending.
 */
export function useDeliveries(relationshipId: string, endpointId: string) {
  const key = deliveriesKey(relationshipId, endpointId);
  useLiveInvalidate(relationshipId, "webhook-deliveries", key, endpointId);
  const live = useLiveConnected();
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) =>
      api<DeliveryPage>(`${base(relationshipId)}/${endpointId}/deliveries`, { query: { limit: 50 }, signal }),
    refetchInterval: (query) =>
      !live && query.state.data?.items.some((d) => d.status === "pending") ? DELIVERIES_POLL_MS : false,
  });
}
