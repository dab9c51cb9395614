/**
 * The server answers every error with RFC 9457 problem+json
 * (`{ type, title, status, code, detail, errors?, requestId }`, see docs/api.md). `ApiError`
 * carries that body to the UI so pages can show the server's own `detail` instead of a
 * generic "something went wrong".
 */
export interface FieldProblem {
  /** Dotted field path such as `body.email`. */
  path: string;
  message: string;
}

export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  errors?: FieldProblem[];
  requestId?: string;
}

/** An HTTP failure (or a network failure, with `status` 0) described the way the server described it. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldProblem[];
  readonly requestId: string | undefined;
  /** Seconds until a retry may succeed, from `Retry-After` (429 and 503 answers). */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, body: ProblemBody, retryAfterSeconds?: number) {
    const detail = body.detail ?? body.title ?? defaultDetail(status);
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = body.code ?? (status === 0 ? "network_error" : `http_${status}`);
    this.title = body.title ?? defaultTitle(status);
    this.detail = detail;
    this.errors = Array.isArray(body.errors) ? body.errors : [];
    this.requestId = body.requestId;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The message for one field, matched on the end of its path (`body.email` ← `email`). */
  fieldError(field: string): string | undefined {
    return this.errors.find((e) => e.path === field || e.path.endsWith(`.${field}`))?.message;
  }
}

/** Turns anything thrown into words a person can act on. */
export function problemMessage(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong. Try again in a moment.";
}

/** `Retry-After` is either a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function defaultTitle(status: number): string {
  if (status === 0) return "Cannot reach Liaison";
  if (status === 401) return "Signed out";
  if (status === 403) return "Not allowed";
  if (status === 404) return "Not found";
  if (status === 429) return "Too many attempts";
  if (status >= 500) return "Server error";
  return "Request failed";
}

function defaultDetail(status: number): string {
  if (status === 0) return "Could not reach the Liaison server. Check your connection and try again.";
  if (status === 401) return "Your session has ended. Sign in again.";
  if (status === 403) return "You are not allowed to do this.";
  if (status === 404) return "This does not exist, or you do not have access to it.";
  if (status >= 500) return "The server ran into a problem. Try again in a moment.";
  return `The server answered with status ${status}.`;
}
