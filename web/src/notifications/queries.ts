import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { api } from "../api/client.ts";
import { useLiveConnected, useLiveNotifications } from "./live.ts";
import type { NotificationList } from "./types.ts";

const notificationsKey = ["notifications"] as const;

/** How often the bell asks for news while the live stream is not open. */
const POLL_MS = 30_000;

/**
 * The signed-in person's recent notifications and unread count: refetched when the live stream
 * says one arrived (or reopens), and every 30 s while the stream is down.
 */
export function useNotifications() {
  const queryClient = useQueryClient();
  const refetch = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: notificationsKey }),
    [queryClient],
  );
  useLiveNotifications(refetch, refetch);
  const live = useLiveConnected();
  return useQuery({
    queryKey: notificationsKey,
    queryFn: ({ signal }) => api<NotificationList>("/notifications", { query: { limit: 20 }, signal }),
    refetchInterval: live ? false : POLL_MS,
    staleTime: 10_000,
  });
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<{ marked: number }>(`/notifications/${id}/read`, { method: "POST" }),
    // The bell answers at once; the refetch after it confirms.
    onMutate: (id) => {
      queryClient.setQueryData<NotificationList>(notificationsKey, (list) =>
        list
          ? {
              unread: Math.max(0, list.unread - (list.items.some((n) => n.id === id && !n.readAt) ? 1 : 0)),
              items: list.items.map((n) =>
                n.id === id && !n.readAt ? { ...n, readAt: new Date().toISOString() } : n,
              ),
            }
          : list,
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: notificationsKey }),
  });
}

export function useMarkAllRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ marked: number }>("/notifications/read-all", { method: "POST" }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: notificationsKey }),
  });
}
