/** Query keys of the changes pages: every one starts with ["changes", relationshipId]. */
export const changesKey = (relationshipId: string) => ["changes", relationshipId] as const;
/**
 * What any change's news makes stale besides the change itself: the lists, the approver's queue
 * and the calendar (prefix of their keys).
 */
export const changeOverviewKey = (relationshipId: string) =>
  [...changesKey(relationshipId), "overview"] as const;
export const changeListKey = (relationshipId: string) =>
  [...changeOverviewKey(relationshipId), "list"] as const;
export const awaitingKey = (relationshipId: string) =>
  [...changeOverviewKey(relationshipId), "awaiting"] as const;
export const calendarKey = (relationshipId: string) =>
  [...changeOverviewKey(relationshipId), "calendar"] as const;
/** Every change of a relationship (prefix of changeKey). */
export const changeDetailsKey = (relationshipId: string) =>
  [...changesKey(relationshipId), "change"] as const;
export const changeKey = (relationshipId: string, changeId: string) =>
  [...changeDetailsKey(relationshipId), changeId] as const;
export const changeFormKey = (relationshipId: string) => [...changesKey(relationshipId), "form"] as const;
export const groupsKey = (relationshipId: string) => [...changesKey(relationshipId), "groups"] as const;
export const feedsKey = (relationshipId: string) => [...changesKey(relationshipId), "feeds"] as const;
