import type { OrgKind } from "./types.ts";

/** Roles a client organization's members can hold, in the order forms offer them. */
export const CLIENT_ROLES = ["it_contact", "executive", "approver", "member", "advisor"] as const;
/** Roles a provider organization's members can hold. */
export const PROVIDER_ROLES = ["account_manager", "senior_technician", "technician"] as const;

const LABELS: Record<string, string> = {
  executive: "Executive",
  it_contact: "IT point of contact",
  approver: "Approver",
  member: "End user",
  advisor: "Advisor",
  account_manager: "Account manager",
  technician: "Technician",
  senior_technician: "Senior technician",
};

/** The words people use for a role; an unknown role still reads well ("on_call" → "On call"). */
export function roleLabel(role: string): string {
  return LABELS[role] ?? humanize(role);
}

/** The roles valid for an organization of this kind (or this side of a relationship). */
export function rolesFor(kind: OrgKind): readonly string[] {
  return kind === "client" ? CLIENT_ROLES : PROVIDER_ROLES;
}

/** Select options `{ value, label }` for the roles of one kind of organization. */
export function roleOptions(kind: OrgKind): { value: string; label: string }[] {
  return rolesFor(kind).map((role) => ({ value: role, label: roleLabel(role) }));
}

/** "client" → "Client side". */
export function sideLabel(side: OrgKind): string {
  return side === "client" ? "Client side" : "Provider side";
}

function humanize(value: string): string {
  const words = value.replace(/[_.-]+/g, " ").trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : value;
}
