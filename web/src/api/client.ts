import { ApiError, type ProblemBody, parseRetryAfter } from "./problem.ts";

/**
 * The one way the web app talks to the server. Cookie-authenticated (`credentials:
 * "same-origin"`); the CSRF token from login/session is kept here and sent as `x-csrf-token`
 * on every request that is not GET/HEAD, because the server refuses those without it.
 */
const BASE = "/api/v1";

let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | null = null;

/** Remember the CSRF token returned by login, setup or the session probe (null on sign-out). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called whenever an authenticated request answers 401: the session is gone. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  body?: unknown;
  query?: Record<string, QueryValue>;
  /**
   * Login, setup and the session probe answer 401 as part of their normal flow; they must not
   * bounce the user to /login.
   */
  expectUnauthorized?: boolean;
  signal?: AbortSignal;
}

/** Performs one API call and returns the parsed JSON body (undefined for 204). */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 403 && options.method && options.method !== "GET") {
    // A stale CSRF token (another tab signed in again, the server rotated it): refresh it from
    // the session once and replay the request, instead of showing an error for a token the
    // user never sees.
    const problem = await readProblem(response.clone());
    if (problem.code === "csrf_failed" && (await refreshCsrfToken())) {
      return finish<T>(await send(path, options), options);
    }
  }
  return finish<T>(response, options);
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  try {
    return await fetch(BASE + path + queryString(options.query), {
      method,
      headers,
      credentials: "same-origin",
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, {});
  }
}

async function finish<T>(response: Response, options: RequestOptions): Promise<T> {
  if (response.ok) {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  const problem = await readProblem(response);
  const error = new ApiError(response.status, problem, parseRetryAfter(response.headers.get("retry-after")));
  if (response.status === 401 && !options.expectUnauthorized) unauthorizedHandler?.();
  throw error;
}

async function readProblem(response: Response): Promise<ProblemBody> {
  try {
    const body: unknown = await response.json();
    return body && typeof body === "object" ? (body as ProblemBody) : {};
  } catch {
    return {};
  }
}

async function refreshCsrfToken(): Promise<boolean> {
  const response = await send("/auth/session", {});
  if (!response.ok) return false;
  const body = (await response.json()) as { csrfToken?: string };
  if (!body.csrfToken || body.csrfToken === csrfToken) return false;
  csrfToken = body.csrfToken;
  return true;
}

function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
