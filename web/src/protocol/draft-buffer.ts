/**
 * Unsaved edits of a draft, kept in the tab's sessionStorage while they differ from the saved
 * text, so moving to another page of the app and back does not lose them. They belong to one
 * saved text (its SHA-256): if the draft was saved since, by anyone, they are not restored.
 */
interface Buffered {
  base: string;
  text: string;
  summary: string;
}

const key = (versionId: string) => `liaison.protocol-draft.${versionId}`;

/** The edits kept for this version on top of the saved text `base`, if any. */
export function restoreDraft(versionId: string, base: string): { text: string; summary: string } | null {
  try {
    const raw = window.sessionStorage.getItem(key(versionId));
    if (!raw) return null;
    const buffered = JSON.parse(raw) as Buffered;
    return buffered.base === base ? { text: buffered.text, summary: buffered.summary } : null;
  } catch {
    return null;
  }
}

export function keepDraft(versionId: string, draft: Buffered): void {
  try {
    window.sessionStorage.setItem(key(versionId), JSON.stringify(draft));
  } catch {
    // Storage may be full or refused (private browsing); keeping edits is only a convenience.
  }
}

export function forgetDraft(versionId: string): void {
  try {
    window.sessionStorage.removeItem(key(versionId));
  } catch {
    // As above.
  }
}
