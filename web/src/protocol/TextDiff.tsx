import { Button, Table, Text, VisuallyHidden } from "@mantine/core";
import { diffLines } from "diff";
import { Fragment, useMemo, useState } from "react";

export interface TextDiffProps {
  before: string;
  after: string;
  beforeLabel: string;
  afterLabel: string;
}

interface Cell {
  number: number;
  text: string;
}

type Row =
  | { kind: "same"; left: Cell; right: Cell }
  | { kind: "change"; left: Cell | null; right: Cell | null }
  | { kind: "fold"; id: number; rows: Row[] };

/** Unchanged lines kept around each change; longer unchanged stretches fold away. */
const CONTEXT = 3;

/**
 * Two texts side by side, line against line: removed lines on the left, added lines on the
 * right, on the same row when one replaced the other; long unchanged stretches fold away.
 */
export function TextDiff({ before, after, beforeLabel, afterLabel }: TextDiffProps) {
  const rows = useMemo(() => foldUnchanged(alignLines(before, after)), [before, after]);
  const [unfolded, setUnfolded] = useState<ReadonlySet<number>>(new Set());
  const changed = rows.some((r) => r.kind === "change");

  if (!changed)
    return (
      <Text size="sm" c="dimmed">
        The two texts are identical.
      </Text>
    );

  return (
    <Table.ScrollContainer minWidth={720}>
      <table className="text-diff">
        <caption>
          <VisuallyHidden>
            Line by line: {beforeLabel} on the left, {afterLabel} on the right. Removed and added lines are
            marked.
          </VisuallyHidden>
        </caption>
        <colgroup>
          <col className="text-diff-number" />
          <col />
          <col className="text-diff-number" />
          <col />
        </colgroup>
        <thead>
          <tr>
            <th scope="col" colSpan={2}>
              {beforeLabel}
            </th>
            <th scope="col" colSpan={2}>
              {afterLabel}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) =>
            row.kind === "fold" && !unfolded.has(row.id) ? (
              <tr key={`fold-${row.id}`} className="text-diff-fold">
                <td colSpan={4}>
                  <Button
                    variant="subtle"
                    size="compact-xs"
                    onClick={() => setUnfolded((s) => new Set([...s, row.id]))}
                  >
                    Show {row.rows.length} unchanged lines
                  </Button>
                </td>
              </tr>
            ) : row.kind === "fold" ? (
              <Fragment key={`fold-${row.id}`}>
                {row.rows.map((r, i) => (
                  <DiffRow key={i} row={r} />
                ))}
              </Fragment>
            ) : (
              <DiffRow key={index} row={row} />
            ),
          )}
        </tbody>
      </table>
    </Table.ScrollContainer>
  );
}

function DiffRow({ row }: { row: Row }) {
  if (row.kind === "fold") return null;
  if (row.kind === "same")
    return (
      <tr>
        <LineCells cell={row.left} mark={null} />
        <LineCells cell={row.right} mark={null} />
      </tr>
    );
  return (
    <tr>
      <LineCells cell={row.left} mark="removed" />
      <LineCells cell={row.right} mark="added" />
    </tr>
  );
}

function LineCells({ cell, mark }: { cell: Cell | null; mark: "removed" | "added" | null }) {
  if (!cell)
    return (
      <>
        <td className="text-diff-number" />
        <td className="text-diff-empty" />
      </>
    );
  const className = mark ? `text-diff-line text-diff-${mark}` : "text-diff-line";
  return (
    <>
      <td className={`text-diff-number${mark ? ` text-diff-${mark}` : ""}`}>{cell.number}</td>
      <td className={className} data-mark={mark ?? undefined}>
        {mark ? <VisuallyHidden>{mark === "removed" ? "Removed: " : "Added: "}</VisuallyHidden> : null}
        <span aria-hidden className="text-diff-sign">
          {mark === "removed" ? "−" : mark === "added" ? "+" : " "}
        </span>
        {cell.text || " "}
      </td>
    </>
  );
}

/** jsdiff's line changes as rows: a removal followed by an addition is shown side by side. */
function alignLines(before: string, after: string): Row[] {
  const rows: Row[] = [];
  let left = 1;
  let right = 1;
  const parts = diffLines(before, after);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const lines = splitLines(part.value);
    if (!part.added && !part.removed) {
      for (const text of lines)
        rows.push({ kind: "same", left: { number: left++, text }, right: { number: right++, text } });
      continue;
    }
    if (part.removed) {
      const next = parts[i + 1];
      const added = next?.added ? splitLines(next.value) : [];
      if (next?.added) i++;
      const n = Math.max(lines.length, added.length);
      for (let k = 0; k < n; k++) {
        const l = lines[k];
        const r = added[k];
        rows.push({
          kind: "change",
          left: l === undefined ? null : { number: left++, text: l },
          right: r === undefined ? null : { number: right++, text: r },
        });
      }
      continue;
    }
    for (const text of lines) rows.push({ kind: "change", left: null, right: { number: right++, text } });
  }
  return rows;
}

function splitLines(value: string): string[] {
  const lines = value.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Keeps CONTEXT unchanged lines around changes and folds the rest. */
function foldUnchanged(rows: Row[]): Row[] {
  const near = rows.map((_, i) =>
    rows.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some((r) => r.kind === "change"),
  );
  const out: Row[] = [];
  let run: Row[] = [];
  let id = 0;
  const flush = () => {
    if (run.length > 1) out.push({ kind: "fold", id: id++, rows: run });
    else out.push(...run);
    run = [];
  };
  rows.forEach((row, i) => {
    if (near[i]) {
      flush();
      out.push(row);
    } else run.push(row);
  });
  flush();
  return out;
}
