/** Query keys of the touchpoints pages: every one starts with ["touchpoints", relationshipId]. */
export const touchpointsKey = (relationshipId: string) => ["touchpoints", relationshipId] as const;
/** The series, its warnings, the next, upcoming and past meetings. */
export const overviewKey = (relationshipId: string) =>
  [...touchpointsKey(relationshipId), "overview"] as const;
/** Every meeting of a relationship (prefix of meetingKey). */
export const meetingDetailsKey = (relationshipId: string) =>
  [...touchpointsKey(relationshipId), "meeting"] as const;
export const meetingKey = (relationshipId: string, meetingId: string) =>
  [...meetingDetailsKey(relationshipId), meetingId] as const;
/** Action items of every meeting, under any filter (the filter is appended). */
export const actionsKey = (relationshipId: string) => [...touchpointsKey(relationshipId), "actions"] as const;
/** Business and compliance dates, with or without past ones (appended). */
export const businessDatesKey = (relationshipId: string) =>
  [...touchpointsKey(relationshipId), "dates"] as const;
