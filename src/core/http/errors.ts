/**
 * Stable error codes. Clients branch on `code`, never on message text; adding a code is fine,
 * renaming or re-purposing one is a breaking change. docs/errors.md lists them for humans.
 */
export const errorCodes = {
  validation_failed: { status: 400, title: "The request is not valid" },
  bad_json: { status: 400, title: "The body is not valid JSON" },
  unauthenticated: { status: 401, title: "Sign in required" },
  invalid_credentials: { status: 401, title: "Email or password is wrong" },
  invalid_token: { status: 401, title: "The token is not valid" },
  csrf_failed: { status: 403, title: "Missing or wrong CSRF token" },
  forbidden: { status: 403, title: "Not allowed" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "Conflict" },
  last_admin: { status: 409, title: "An organization needs at least one admin" },
  payload_too_large: { status: 413, title: "The body is too large" },
  unsupported_media_type: { status: 415, title: "Unsupported content type" },
  email_refused: { status: 422, title: "The email was not imported" },
  too_many_attempts: { status: 429, title: "Too many attempts" },
  internal: { status: 500, title: "Something went wrong on our side" },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `body.email` or `params.relationshipId`. */
  path: string;
  message: string;
  /** For problems inside a submitted document (e.g. a protocol's YAML): where, 1-based. */
  line?: number;
  column?: number;
}

/** The one error type services throw; the HTTP layer turns it into problem+json. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details: { errors?: FieldProblem[]; headers?: Record<string, string> } = {},
  ) {
    super(message ?? errorCodes[code].title);
    this.status = errorCodes[code].status;
  }
}

/** 404 for a record that is missing or belongs to another tenant: the two must look the same. */
export const notFound = (what: string) => new AppError("not_found", `No ${what} with that id.`);
export const forbidden = (why: string) => new AppError("forbidden", why);
