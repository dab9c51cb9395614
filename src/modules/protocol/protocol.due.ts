import { addBusinessTime, type Calendar } from "../../core/time/calendar.ts";

/**
 * `liaison calendar due`: JSON lines in, one `{"due": …}` line out per input line, in order. A
 * line that cannot be read gets an `{"error": …}` line in its place, so outputs stay aligned with
 * inputs. Built for millions of lines: input is split by hand from large chunks, and output is
 * written in large batches, honouring back-pressure.
 */
export async function streamDueDates(
  cal: Calendar,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<number> {
  let failures = 0;
  let lineNo = 0;
  let rest = "";
  let batch: string[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const chunk = batch.join("");
    batch = [];
    if (!output.write(chunk)) await new Promise<void>((resolve) => output.once("drain", () => resolve()));
  };
  const handle = (line: string) => {
    lineNo++;
    if (!line.trim()) {
      lineNo--;
      return;
    }
    try {
      const value = JSON.parse(line) as { start?: unknown; seconds?: unknown };
      const start = typeof value.start === "string" ? Date.parse(value.start) : NaN;
      if (Number.isNaN(start))
        throw new Error('"start" must be an ISO-8601 time such as 2026-11-20T16:30:00Z');
      if (typeof value.seconds !== "number" || !(value.seconds >= 0) || !Number.isFinite(value.seconds))
        throw new Error('"seconds" must be a number of seconds, zero or more');
      batch.push(`{"due":"${new Date(addBusinessTime(cal, start, value.seconds * 1000)).toISOString()}"}\n`);
    } catch (e) {
      failures++;
      const message = e instanceof SyntaxError ? "not JSON" : (e as Error).message;
      batch.push(`${JSON.stringify({ error: `line ${lineNo}: ${message}` })}\n`);
    }
  };
  input.setEncoding?.("utf8");
  for await (const chunk of input as AsyncIterable<string>) {
    const text = rest + chunk;
    let start = 0;
    for (let nl = text.indexOf("\n", start); nl !== -1; nl = text.indexOf("\n", start)) {
      handle(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
    if (batch.length >= 4096) await flush();
  }
  if (rest) handle(rest);
  await flush();
  return failures;
}
