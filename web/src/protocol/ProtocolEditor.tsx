import { yaml } from "@codemirror/lang-yaml";
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import type { Text as DocText } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { Badge, Group, Loader, Stack, Text, UnstyledButton, useComputedColorScheme } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconAlertTriangle, IconCircleCheck, IconCircleX } from "@tabler/icons-react";
import CodeMirror, { type ReactCodeMirrorRef } from "@uiw/react-codemirror";
import { useEffect, useMemo, useRef } from "react";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { useValidation } from "./queries.ts";
import type { DocumentProblem } from "./types.ts";

export interface ProtocolEditorProps {
  /** The relationship whose people the document is checked against. */
  relationshipId: string;
  value: string;
  onChange?: (text: string) => void;
  /** Read-only: shows the text of a version that can no longer change; no live validation. */
  readOnly?: boolean;
  /** Problems the server reported for the current text on another occasion (a refused proposal). */
  extraProblems?: DocumentProblem[];
  /** Accessible name of the text area. */
  label: string;
}

const NO_PROBLEMS: DocumentProblem[] = [];

/** How long typing must pause before the text is checked. */
const VALIDATE_AFTER_MS = 400;

/**
 * The protocol document as YAML in CodeMirror: syntax highlighting, and — while editing — the
 * server's validation as people type, each problem marked at its line (gutter and underline) and
 * listed under the editor, where choosing one moves the cursor there.
 */
export function ProtocolEditor({
  relationshipId,
  value,
  onChange,
  readOnly = false,
  extraProblems = NO_PROBLEMS,
  label,
}: ProtocolEditorProps) {
  const ref = useRef<ReactCodeMirrorRef>(null);
  const scheme = useComputedColorScheme("light");
  const [checkedText] = useDebouncedValue(value, VALIDATE_AFTER_MS);
  const validation = useValidation(relationshipId, checkedText, !readOnly);
  const empty = value.trim().length === 0;

  // The answer belongs to the text that was checked; once the text moves on, CodeMirror keeps
  // the previous markers mapped through the edits until the next answer.
  const answerIsCurrent = !readOnly && validation.isSuccess && checkedText === value;
  const answered = answerIsCurrent ? validation.data : null;
  const problems = useMemo(
    () => mergeProblems(answered?.problems ?? [], extraProblems),
    [answered, extraProblems],
  );

  useEffect(() => {
    const view = ref.current?.view;
    if (!view || readOnly) return;
    if (!answerIsCurrent && extraProblems.length === 0) return;
    if (view.state.doc.toString() !== value) return;
    view.dispatch(setDiagnostics(view.state, toDiagnostics(view.state.doc, problems)));
  }, [problems, answerIsCurrent, extraProblems.length, readOnly, value]);

  const extensions = useMemo(
    () => [
      yaml(),
      lintGutter(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ "aria-label": label }),
    ],
    [label],
  );

  const jumpTo = (problem: DocumentProblem) => {
    const view = ref.current?.view;
    if (!view) return;
    const doc = view.state.doc;
    const line = doc.line(Math.min(Math.max(problem.line, 1), doc.lines));
    const pos = Math.min(line.from + Math.max(problem.column - 1, 0), line.to);
    view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: "center" }) });
    view.focus();
  };

  const checking = !readOnly && (validation.isFetching || checkedText !== value);
  const errors = problems.filter((p) => p.level === "error").length;
  const warnings = problems.length - errors;

  return (
    <Stack gap="xs">
      <div className="protocol-editor">
        <CodeMirror
          ref={ref}
          value={value}
          onChange={onChange}
          readOnly={readOnly}
          editable={!readOnly}
          extensions={extensions}
          theme={scheme === "dark" ? "dark" : "light"}
          height="min(65vh, 720px)"
          // Tab moves focus out of the editor, so keyboard users are never trapped; YAML is
          // indented with spaces anyway.
          indentWithTab={false}
          basicSetup={{ autocompletion: false, foldGutter: true, highlightActiveLine: !readOnly }}
        />
      </div>
      <Text size="xs" c="dimmed">
        Keyboard: Tab leaves the editor · Ctrl+Alt+G (⌘⌥G) goes to a line · Ctrl+F (⌘F) finds text
        {readOnly ? "" : " · indent with spaces"}
      </Text>
      {readOnly ? null : (
        <Stack gap={6}>
          <Group gap="xs" aria-live="polite" role="status">
            {empty ? (
              <Text size="sm" c="red">
                The document is empty.
              </Text>
            ) : checking && !answerIsCurrent ? (
              <>
                <Loader size="xs" />
                <Text size="sm" c="dimmed">
                  Checking…
                </Text>
              </>
            ) : validation.isError ? null : problems.length === 0 ? (
              <>
                <IconCircleCheck size={18} color="var(--mantine-color-teal-filled)" aria-hidden />
                <Text size="sm">No problems found.</Text>
              </>
            ) : (
              <>
                <IconCircleX size={18} color="var(--mantine-color-red-filled)" aria-hidden />
                <Text size="sm">{countSentence(errors, warnings)}</Text>
              </>
            )}
          </Group>
          {validation.isError ? (
            <ProblemAlert error={validation.error} title="Could not check the document" />
          ) : null}
          {problems.length > 0 ? (
            <Stack gap={4} component="ul" className="plain-list" aria-label="Problems in the document">
              {problems.map((p) => (
                <li key={`${p.line}:${p.column}:${p.message}`}>
                  <UnstyledButton
                    onClick={() => jumpTo(p)}
                    className="problem-item"
                    data-level={p.level}
                    aria-label={`Line ${p.line}, column ${p.column}: ${p.message} (go to the line)`}
                  >
                    <Group gap="xs" wrap="nowrap" align="flex-start">
                      <IconAlertTriangle
                        size={16}
                        aria-hidden
                        color={`var(--mantine-color-${p.level === "error" ? "red" : "yellow"}-filled)`}
                        style={{ flexShrink: 0, marginTop: 2 }}
                      />
                      <Badge
                        size="sm"
                        variant="light"
                        color={p.level === "error" ? "red" : "yellow"}
                        tt="none"
                        style={{ flexShrink: 0 }}
                      >
                        Line {p.line}
                      </Badge>
                      <Text size="sm" style={{ overflowWrap: "anywhere" }}>
                        {p.message}
                      </Text>
                    </Group>
                  </UnstyledButton>
                </li>
              ))}
            </Stack>
          ) : null}
        </Stack>
      )}
    </Stack>
  );
}

/** Live problems first, then the server's other findings that are not already listed. */
function mergeProblems(live: DocumentProblem[], extra: DocumentProblem[]): DocumentProblem[] {
  const seen = new Set(live.map((p) => `${p.line}|${p.message}`));
  const merged = [...live, ...extra.filter((p) => !seen.has(`${p.line}|${p.message}`))];
  return merged.sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * A problem at a line and column becomes a CodeMirror diagnostic over the value found there
 * (up to the next `,`, `}`, `]` or comment), so the underline covers what has to change.
 */
function toDiagnostics(doc: DocText, problems: DocumentProblem[]): Diagnostic[] {
  return problems.map((p) => {
    const line = doc.line(Math.min(Math.max(p.line, 1), doc.lines));
    const from = Math.min(line.from + Math.max(p.column - 1, 0), line.to);
    const token = /^[^,}\]#]*/.exec(doc.sliceString(from, line.to))?.[0].trimEnd() ?? "";
    const to = token.length > 0 ? from + token.length : Math.min(from + 1, line.to);
    return { from, to, severity: p.level, message: p.message, source: "Liaison" };
  });
}

/** "1 problem to look at.", "2 problems and 1 warning to look at.", "1 warning to look at." */
function countSentence(errors: number, warnings: number): string {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const parts = [errors ? count(errors, "problem") : "", warnings ? count(warnings, "warning") : ""];
  return `${parts.filter(Boolean).join(" and ")} to look at.`;
}
