/**
 * The modules of ARCHITECTURE.md that are not built yet. They are in the navigation so both
 * sides can see where the product is going, and each explains — for this relationship — what
 * it will do, without pretending to have data.
 */
export interface UpcomingModule {
  /** The URL segment under /r/:relationshipId and the server module it mirrors. */
  key: UpcomingModuleKey;
  label: string;
  /** One or two sentences, with the relationship's party names filled in. */
  describe: (parties: { client: string; provider: string }) => string;
}

export type UpcomingModuleKey = "changes" | "reports" | "scope" | "selection";

export const UPCOMING_MODULES: readonly UpcomingModule[] = [
  {
    key: "changes",
    label: "Changes",
    describe: ({ client, provider }) =>
      `Changes ${provider} plans to ${client}'s environment — what, why, impact and a proposed time — for ${client} to approve or reschedule, with advance, day-before, live and post-change notices sent on schedule. Routine patches can run under standing approval inside agreed maintenance windows.`,
  },
  {
    key: "reports",
    label: "Reports",
    describe: ({ client, provider }) =>
      `A one-page executive summary for ${client}'s leaders (was IT reliable, did anything disrupt the business, is ${provider} worth it) and technical reports for the IT contact — computed from recorded events, never typed in, with what each number means.`,
  },
  {
    key: "scope",
    label: "Scope",
    describe: ({ client, provider }) =>
      `What ${provider}'s managed services for ${client} include, what is billable extra work and what is out of scope, so every request is classified when it is made. Scope changes will be agreed and confirmed in writing by both sides.`,
  },
  {
    key: "selection",
    label: "Selection",
    describe: ({ client }) =>
      `For ${client}'s leaders and advisors: how well a provider fits the organization's size, way of working and maturity, and a review of major recommendations — including any vendor or reseller ties behind them — before they are accepted.`,
  },
];

export function findUpcomingModule(key: string | undefined): UpcomingModule | undefined {
  return UPCOMING_MODULES.find((m) => m.key === key);
}
