import type { Relationship } from "./types.ts";

/** "Client ↔ Provider", the way both sides name a relationship. */
export function relationshipTitle(relationship: Pick<Relationship, "client" | "provider">): string {
  return `${relationship.client.name} ↔ ${relationship.provider.name}`;
}

/** The other party, from where the viewer stands. */
export function counterparty(relationship: Relationship): { id: string; name: string } {
  return relationship.viewer.side === "client" ? relationship.provider : relationship.client;
}
