/**
 * Checking PDFs Liaison writes with independent parsers: qpdf (structure) and poppler's pdfinfo
 * and pdftotext (text and word boxes). On CI the tools are required, so the tests run and fail if
 * a tool is missing; elsewhere tests that need them are skipped with a note saying why.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";

const run = promisify(execFile);
const onPath = (cmd: string) =>
  (process.env.PATH ?? "").split(delimiter).some((dir) => existsSync(join(dir, cmd)));
const missingTools = ["qpdf", "pdfinfo", "pdftotext"].filter((t) => !onPath(t));

export const skipPdfChecks = missingTools.length > 0 && !process.env.CI;
export const skipNote = skipPdfChecks
  ? ` [skipped: ${missingTools.join(", ")} not on PATH; CI requires them]`
  : "";

/** Writes the PDF to `file` and reads it back: qpdf's check (rejects when it fails), info, text, word boxes, pages. */
export async function inspectPdf(buf: Buffer, file: string) {
  await writeFile(file, buf);
  const qpdf = await run("qpdf", ["--check", file]); // rejects on a non-zero exit
  const info = (await run("pdfinfo", [file])).stdout;
  const text = (await run("pdftotext", ["-layout", file, "-"], { maxBuffer: 64 << 20 })).stdout;
  const bbox = (await run("pdftotext", ["-bbox", file, "-"], { maxBuffer: 64 << 20 })).stdout;
  const pages = Number(/^Pages:\s+(\d+)$/m.exec(info)?.[1]);
  return { qpdf: qpdf.stdout, info, text, bbox, pages };
}

/** Every word of `pdftotext -bbox` output lies on its page, and no two words on a page overlap. */
export function expectWordsApart(bbox: string, pages: number) {
  const pageBlocks = bbox.split("<page ").slice(1);
  expect(pageBlocks).toHaveLength(pages);
  for (const [index, block] of pageBlocks.entries()) {
    const [width, height] = [/width="([\d.]+)"/, /height="([\d.]+)"/].map((r) => Number(r.exec(block)?.[1]));
    const words = [
      ...block.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</g),
    ].map((m) => ({ x0: +m[1]!, y0: +m[2]!, x1: +m[3]!, y1: +m[4]!, text: m[5]! }));
    expect(words.length).toBeGreaterThan(0);
    words.sort((a, b) => a.y0 - b.y0);
    const eps = 0.1;
    for (const [i, a] of words.entries()) {
      expect(
        a.x0 >= 0 && a.y0 >= 0 && a.x1 <= width! && a.y1 <= height!,
        `page ${index + 1}: ${a.text} off the page`,
      ).toBe(true);
      for (let j = i + 1; j < words.length && words[j]!.y0 < a.y1 - eps; j++) {
        const b = words[j]!;
        const overlap = a.x0 < b.x1 - eps && b.x0 < a.x1 - eps;
        expect(overlap, `page ${index + 1}: "${a.text}" overlaps "${b.text}"`).toBe(false);
      }
    }
  }
}
