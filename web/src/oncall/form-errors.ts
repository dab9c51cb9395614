import { ApiError } from "../api/problem.ts";

/**
 * The message for a field, from the browser's own checks first, then from the server's 400
 * (`errors[].path` such as `body.rotations.0.participants.1`). Paths are matched exactly, so a
 * rotation's `name` is not mistaken for the schedule's; with `within`, problems of the field's
 * parts (`…days.2`) count too.
 */
export function fieldMessage(
  local: Record<string, string | undefined>,
  error: unknown,
  path: string,
  within = false,
): string | undefined {
  if (local[path]) return local[path];
  if (!(error instanceof ApiError)) return undefined;
  const full = `body.${path}`;
  return error.errors.find((e) => e.path === full || (within && e.path.startsWith(`${full}.`)))?.message;
}
