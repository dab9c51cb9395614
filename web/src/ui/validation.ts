/**
 * Checks run in the browser when a form is submitted, before the server sees it. Submit
 * buttons stay enabled (a disabled button does not say what is missing); the messages do.
 * The server remains the authority: its field errors (`errors[].path`) are shown the same way.
 */
export type FieldErrors<K extends string> = Partial<Record<K, string | undefined>>;

export function hasErrors(errors: Record<string, string | undefined>): boolean {
  return Object.values(errors).some(Boolean);
}

/** The server's password rule (docs: 10 to 200 characters), checked early for a faster answer. */
export function passwordProblem(password: string): string | undefined {
  if (!password) return "Choose a password.";
  if (password.length < 10) return "Use at least 10 characters.";
  if (password.length > 200) return "Use at most 200 characters.";
  return undefined;
}
