/** Query keys of the emergency pages: every one starts with ["emergencies", relationshipId]. */
export const emergenciesKey = (relationshipId: string) => ["emergencies", relationshipId] as const;
export const emergencyListKey = (relationshipId: string) =>
  [...emergenciesKey(relationshipId), "list"] as const;
/** Every emergency of a relationship (prefix of emergencyKey). */
export const emergencyDetailsKey = (relationshipId: string) =>
  [...emergenciesKey(relationshipId), "emergency"] as const;
export const emergencyKey = (relationshipId: string, emergencyId: string) =>
  [...emergencyDetailsKey(relationshipId), emergencyId] as const;
/** The declare form: criteria and who is on call now, so it follows the schedule. */
export const emergencyFormKey = (relationshipId: string) =>
  [...emergenciesKey(relationshipId), "form"] as const;

/** Query keys of the review pages: every one starts with ["reviews", relationshipId]. */
export const reviewsKey = (relationshipId: string) => ["reviews", relationshipId] as const;
export const reviewListKey = (relationshipId: string) => [...reviewsKey(relationshipId), "list"] as const;
/** Every review of a relationship (prefix of reviewKey). */
export const reviewDetailsKey = (relationshipId: string) =>
  [...reviewsKey(relationshipId), "review"] as const;
export const reviewKey = (relationshipId: string, reviewId: string) =>
  [...reviewDetailsKey(relationshipId), reviewId] as const;
