import { useEffect } from "react";
import { useMatch } from "react-router";
import type { Relationship } from "../relationships/types.ts";

const STORAGE_KEY = "liaison.relationship";

/**
 * The relationship the user is looking at: the one in the URL, else the last one they opened
 * (so the navbar stays put on /account or a People page), else their first one.
 */
export function useCurrentRelationship(relationships: Relationship[] | undefined): Relationship | undefined {
  const match = useMatch("/r/:relationshipId/*");
  const fromUrl = match?.params.relationshipId;
  useEffect(() => {
    if (fromUrl) rememberRelationship(fromUrl);
  }, [fromUrl]);
  if (!relationships || relationships.length === 0) return undefined;
  if (fromUrl) return relationships.find((r) => r.id === fromUrl);
  const remembered = readRemembered();
  return relationships.find((r) => r.id === remembered) ?? relationships[0];
}

/**
 * Where to go when switching to `target` from `pathname`: the same section when the target
 * relationship has it (/r/A/audit → /r/B/audit, /r/A/oncall/restoration/… → /r/B/oncall/restoration),
 * its overview otherwise.
 */
export function switchPath(pathname: string, target: Relationship): string {
  const base = `/r/${target.id}`;
  const match = /^\/r\/[^/]+\/([^/]+)/.exec(pathname);
  const section = match?.[1];
  if (!section) return base;
  if (section === "tokens" && !target.abilities.manageTokens) return base;
  if (section === "webhooks" && !target.abilities.manageWebhooks) return base;
  if (section === "audit" && !target.abilities.readAudit) return base;
  // The on-call module's restoration plans are a section of their own (a plan is not).
  if (section === "oncall" && /^\/r\/[^/]+\/oncall\/restoration(\/|$)/.test(pathname))
    return `${base}/oncall/restoration`;
  return `${base}/${section}`;
}

function rememberRelationship(id: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, id);
  } catch {
    // Private browsing may refuse storage; remembering is only a convenience.
  }
}

function readRemembered(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
