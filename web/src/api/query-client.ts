import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./problem.ts";

/**
 * Shared react-query client. Client errors (4xx) are answers, not glitches: they are never
 * retried. Network failures and 5xx are retried twice.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (failureCount, error) => {
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
          return failureCount < 2;
        },
      },
      mutations: { retry: false },
    },
  });
}
