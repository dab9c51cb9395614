import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { AppError, type ErrorCode, errorCodes, type FieldProblem } from "./errors.ts";

/** RFC 9457 problem details, as every error response is shaped. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  errors?: FieldProblem[];
  requestId: string;
}

export function sendProblem(req: FastifyRequest, reply: FastifyReply, err: AppError): FastifyReply {
  const body: Problem = {
    type: `https://liaison.dev/problems/${err.code}`,
    title: errorCodes[err.code].title,
    status: err.status,
    code: err.code,
    detail: err.message,
    ...(err.details.errors ? { errors: err.details.errors } : {}),
    requestId: String(req.id),
  };
  for (const [k, v] of Object.entries(err.details.headers ?? {})) reply.header(k, v);
  return reply.status(err.status).type("application/problem+json").send(body);
}

/** `instancePath` `/a/0/b` → `a.0.b`. */
const dotted = (p: string) => p.replace(/^\//, "").replaceAll("/", ".");

/** Turns anything thrown while handling a request into an AppError; unknown errors become `internal`. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as FastifyError & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(e)) {
    const where = e.validationContext ?? "body";
    const errors: FieldProblem[] = e.validation.map((v) => {
      const issue = v.params.issue as { code?: string; keys?: string[]; path?: PropertyKey[] } | undefined;
      const base = [where, dotted(v.instancePath)].filter(Boolean).join(".");
      if (issue?.code === "unrecognized_keys" && issue.keys?.length) {
        return { path: base, message: `unknown field(s) ${issue.keys.join(", ")}: remove them` };
      }
      return { path: base, message: v.message ?? "is not valid" };
    });
    const detail = errors.map((x) => `${x.path}: ${x.message}`).join("; ");
    return new AppError("validation_failed", detail || "The request is not valid.", { errors });
  }
  if (isResponseSerializationError(e)) return new AppError("internal");
  switch (e.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new AppError(
        "bad_json",
        e.code === "FST_ERR_CTP_EMPTY_JSON_BODY"
          ? "The body is empty but the content type says JSON. Send a JSON object, or no content-type."
          : "The body is not valid JSON. Check quotes, commas and brackets.",
      );
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new AppError("payload_too_large", "The body is larger than this server accepts.");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new AppError("unsupported_media_type", "Send the body as application/json.");
    default:
      break;
  }
  // Errors with a client status that Fastify or a plugin raised itself (e.g. a malformed URL).
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    const byStatus: Partial<Record<number, ErrorCode>> = {
      403: "forbidden",
      404: "not_found",
      405: "method_not_allowed",
      413: "payload_too_large",
      415: "unsupported_media_type",
      429: "too_many_attempts",
    };
    return new AppError(byStatus[e.statusCode] ?? "validation_failed", e.message);
  }
  return new AppError("internal");
}
