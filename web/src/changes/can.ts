import type { Relationship } from "../relationships/types.ts";

/**
 * Which of the module's entry points to offer the viewer, from their side and role — the same
 * rules as the server's policy (src/modules/changes/changes.policy.ts), which stays the authority:
 * these only keep buttons away from people who would be refused. A change itself carries its
 * `abilities`.
 */
type Viewer = Relationship["viewer"] | undefined;

const CLIENT_LEADS = ["executive", "it_contact", "approver"];

/** The provider's staff plan and propose changes. */
export const canPlan = (v: Viewer): boolean => v?.side === "provider";

/** The provider's staff, or the client's executive, IT contact or approver, record a change after the fact. */
export const canRecord = (v: Viewer): boolean =>
  v?.side === "provider" || (v?.side === "client" && CLIENT_LEADS.includes(v.role));

/** User groups are kept by the client's IT contact or executive. */
export const canManageGroups = (v: Viewer): boolean =>
  v?.side === "client" && (v.role === "it_contact" || v.role === "executive");
