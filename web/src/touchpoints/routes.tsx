import { Fragment } from "react";
import { Route } from "react-router";
import { ActionsPage } from "./ActionsPage.tsx";
import { BusinessDatesPage } from "./BusinessDatesPage.tsx";
import { MeetingPage } from "./MeetingPage.tsx";
import { MeetingsPage } from "./MeetingsPage.tsx";

/** Touchpoints: the meetings, one meeting's agenda, the action items and the business dates, mounted by App. */
export function touchpointRoutes() {
  return (
    <Fragment>
      <Route path="r/:relationshipId/touchpoints" element={<MeetingsPage />} />
      <Route path="r/:relationshipId/touchpoints/meetings/:meetingId" element={<MeetingPage />} />
      <Route path="r/:relationshipId/touchpoints/actions" element={<ActionsPage />} />
      <Route path="r/:relationshipId/touchpoints/dates" element={<BusinessDatesPage />} />
    </Fragment>
  );
}
