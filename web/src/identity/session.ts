import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, setCsrfToken } from "../api/client.ts";
import { ApiError } from "../api/problem.ts";
import type { SessionResponse } from "./types.ts";

/** Query key of the signed-in session; `null` data means "signed out". */
export const sessionKey = ["session"] as const;

async function fetchSession(): Promise<SessionResponse | null> {
  try {
    const session = await api<SessionResponse>("/auth/session", { expectUnauthorized: true });
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

/** The current session, or null when nobody is signed in. Loaded once, then kept in sync by login/logout. */
export function useSession() {
  return useQuery({ queryKey: sessionKey, queryFn: fetchSession, staleTime: Number.POSITIVE_INFINITY });
}

/**
 * Stores a fresh session after login or setup. Everything cached belonged to whoever was
 * signed in before, so it is dropped first.
 */
function useAdoptSession() {
  const queryClient = useQueryClient();
  return (session: SessionResponse) => {
    setCsrfToken(session.csrfToken);
    queryClient.clear();
    queryClient.setQueryData(sessionKey, session);
  };
}

export function useSignIn() {
  const adopt = useAdoptSession();
  return useMutation({
    mutationFn: (input: { email: string; password: string }) =>
      api<SessionResponse>("/auth/login", { method: "POST", body: input, expectUnauthorized: true }),
    onSuccess: adopt,
  });
}

/** Chooses a password from an invitation or reset link; the answer signs the person in. */
export function useSetupPassword() {
  const adopt = useAdoptSession();
  return useMutation({
    mutationFn: (input: { token: string; password: string }) =>
      api<SessionResponse>("/auth/setup", { method: "POST", body: input, expectUnauthorized: true }),
    onSuccess: adopt,
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  const forget = () => {
    setCsrfToken(null);
    queryClient.clear();
    queryClient.setQueryData(sessionKey, null);
  };
  return useMutation({
    mutationFn: () => api<void>("/auth/logout", { method: "POST", expectUnauthorized: true }),
    // Signing out must always leave the browser signed out, even if the server call failed.
    onSettled: forget,
  });
}

/** Only same-site paths are accepted as a place to return to after sign-in (no open redirect). */
export function safeNextPath(next: string | null): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/login")) return "/";
  return next;
}
