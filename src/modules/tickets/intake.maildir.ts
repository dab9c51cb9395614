import fs from "node:fs";
import path from "node:path";
import type { ServiceContext } from "../../core/http/context.ts";
import { type IntakeResult, MAX_EMAIL_BYTES, receiveEmail } from "./intake.service.ts";

/**
 * Email intake from a Maildir (as Postfix, Dovecot, fetchmail or getmail deliver into), for
 * installs without a gateway that can POST. Each message in `new/` is processed once and moved:
 * - imported (created, commented, duplicate) → `cur/<name>:2,S` (seen), as a mail client would;
 * - refused → the Maildir++ folder `.liaison-refused/new/<name>`, unread, so an administrator
 *   opening the mailbox over IMAP sees them in a folder of their own;
 * - a fault (database unreachable) → left in `new/`, to be tried again on the next run.
 * A crash between importing and moving is harmless: the rerun finds the Message-ID imported
 * ("duplicate") and moves the file then.
 */

export const REFUSED_FOLDER = ".liaison-refused";

export type MaildirOutcome =
  { file: string; result: IntakeResult } | { file: string; result: { outcome: "error"; detail: string } };

/** The folder's new/ and cur/, or an error naming what is missing. */
function checkMaildir(dir: string): { newDir: string; curDir: string } {
  const newDir = path.join(dir, "new");
  const curDir = path.join(dir, "cur");
  for (const d of [newDir, curDir])
    if (!fs.existsSync(d) || !fs.statSync(d).isDirectory())
      throw new Error(`${dir} is not a Maildir: ${d} is missing.`);
  return { newDir, curDir };
}

/** Moves a refused message into the refused folder's new/, creating the folder as Maildir++ lays it out. */
function moveRefused(dir: string, from: string, name: string): void {
  const folder = path.join(dir, REFUSED_FOLDER);
  for (const sub of ["cur", "new", "tmp"]) fs.mkdirSync(path.join(folder, sub), { recursive: true });
  // Dovecot marks a folder with this file; other servers ignore it.
  const marker = path.join(folder, "maildirfolder");
  if (!fs.existsSync(marker)) fs.writeFileSync(marker, "");
  fs.renameSync(from, path.join(folder, "new", name));
}

/**
 * Processes every message now in `<dir>/new`, oldest name first (Maildir names start with the
 * delivery time, so an original is imported before the replies to it), reporting each outcome.
 */
export async function processMaildir(
  ctx: ServiceContext,
  dir: string,
  report: (o: MaildirOutcome) => void,
  signal?: AbortSignal,
): Promise<{ imported: number; refused: number; errors: number }> {
  const { newDir, curDir } = checkMaildir(dir);
  const names = fs
    .readdirSync(newDir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
  const counts = { imported: 0, refused: 0, errors: 0 };
  for (const name of names) {
    // Stopping waits for the message in hand, never abandons one half-done.
    if (signal?.aborted) break;
    const file = path.join(newDir, name);
    let outcome: MaildirOutcome;
    try {
      const result: IntakeResult =
        fs.statSync(file).size > MAX_EMAIL_BYTES
          ? {
              outcome: "refused",
              reason: "too_large",
              detail: `The message is larger than ${MAX_EMAIL_BYTES / 1024 / 1024} MiB.`,
              messageId: null,
              relationshipId: null,
            }
          : await receiveEmail({ ...ctx, requestId: `maildir:${name}`.slice(0, 200) }, fs.readFileSync(file));
      // A message in new/ carries no info suffix; anything after ":" is not part of its name.
      const base = name.split(":")[0]!;
      if (result.outcome === "refused") {
        moveRefused(dir, file, base);
        counts.refused++;
      } else {
        fs.renameSync(file, path.join(curDir, `${base}:2,S`));
        counts.imported++;
      }
      outcome = { file: name, result };
    } catch (err) {
      // Another run took the file meanwhile: it is that run's to report.
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      counts.errors++;
      outcome = { file: name, result: { outcome: "error", detail: (err as Error).message } };
    }
    report(outcome);
  }
  return counts;
}

/** One line for an outcome: `<file>: created #12`, `<file>: refused (unknown_sender): …`. */
export function describeOutcome(o: MaildirOutcome): string {
  const r = o.result;
  switch (r.outcome) {
    case "created":
      return `${o.file}: created ticket #${r.ticketNumber}`;
    case "commented":
      return `${o.file}: commented on ticket #${r.ticketNumber}`;
    case "duplicate":
      return `${o.file}: duplicate, already imported on ticket #${r.ticketNumber}`;
    case "refused":
      return `${o.file}: refused (${r.reason}): ${r.detail}`;
    case "error":
      return `${o.file}: error, left in new/ to retry: ${r.detail}`;
  }
}

/**
 * Processes the folder, then keeps watching `new/` until `signal` aborts: a change notification
 * starts a run at once, and a sweep every `intervalMs` catches what notifications miss (network
 * file systems do not send them).
 */
export async function watchMaildir(
  ctx: ServiceContext,
  dir: string,
  report: (o: MaildirOutcome) => void,
  signal: AbortSignal,
  intervalMs = 10_000,
): Promise<void> {
  const { newDir } = checkMaildir(dir);
  let wake: (() => void) | null = null;
  const watcher = fs.watch(newDir, () => wake?.());
  const onAbort = () => wake?.();
  signal.addEventListener("abort", onAbort);
  try {
    while (!signal.aborted) {
      await processMaildir(ctx, dir, report, signal);
      if (signal.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    watcher.close();
  }
}
