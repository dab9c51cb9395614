/** Query keys of the tickets pages: every one starts with ["tickets", relationshipId]. */
export const ticketsKey = (relationshipId: string) => ["tickets", relationshipId] as const;
export const ticketListKey = (relationshipId: string) => [...ticketsKey(relationshipId), "list"] as const;
/** Every ticket of a relationship (prefix of ticketKey). */
export const ticketDetailsKey = (relationshipId: string) =>
  [...ticketsKey(relationshipId), "ticket"] as const;
export const ticketKey = (relationshipId: string, ticketId: string) =>
  [...ticketDetailsKey(relationshipId), ticketId] as const;
