/**
 * Query keys of the on-call pages. A relationship's keys start with ["oncall", relationshipId];
 * a provider's schedules with ["oncall-schedules", orgId]; one's own pager addresses are
 * ["contact-methods"].
 */
export const oncallKey = (relationshipId: string) => ["oncall", relationshipId] as const;
/** Who is on call for a relationship, over a range (the range is appended). */
export const relationshipOncallKey = (relationshipId: string) =>
  [...oncallKey(relationshipId), "who"] as const;
/** Every restoration query of a relationship (prefix of the list and the plans). */
export const restorationKey = (relationshipId: string) =>
  [...oncallKey(relationshipId), "restoration"] as const;
export const restorationListKey = (relationshipId: string) =>
  [...restorationKey(relationshipId), "list"] as const;
export const restorationPlanKey = (relationshipId: string, planId: string) =>
  [...restorationKey(relationshipId), "plan", planId] as const;

export const schedulesKey = (orgId: string) => ["oncall-schedules", orgId] as const;
export const scheduleListKey = (orgId: string) => [...schedulesKey(orgId), "list"] as const;
/** One schedule over any range (prefix: the range is appended). */
export const scheduleKey = (orgId: string, scheduleId: string) =>
  [...schedulesKey(orgId), "schedule", scheduleId] as const;

export const contactMethodsKey = ["contact-methods"] as const;
