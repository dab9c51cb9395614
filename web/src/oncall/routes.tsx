import { Fragment } from "react";
import { Navigate, Route, useParams } from "react-router";
import { EditRestorationPlanPage, NewRestorationPlanPage } from "./RestorationPlanForm.tsx";
import { RestorationPlanPage } from "./RestorationPlanPage.tsx";
import { RestorationPlansPage } from "./RestorationPlansPage.tsx";
import { EditSchedulePage, NewSchedulePage } from "./ScheduleEditPages.tsx";
import { SchedulePage } from "./SchedulePage.tsx";
import { SchedulesPage } from "./SchedulesPage.tsx";
import { WhoIsOnCallPage } from "./WhoIsOnCallPage.tsx";

/**
 * On-call schedules and restoration plans: their routes, mounted by App. The relationship's
 * pages sit under /r/:relationshipId/oncall; a provider's schedules under /org/:orgId/oncall.
 */
export function oncallRoutes() {
  return (
    <Fragment>
      <Route path="r/:relationshipId/oncall" element={<WhoIsOnCallPage />} />
      <Route path="r/:relationshipId/oncall/restoration" element={<RestorationPlansPage />} />
      <Route path="r/:relationshipId/oncall/restoration/new" element={<NewRestorationPlanPage />} />
      <Route path="r/:relationshipId/oncall/restoration/:planId" element={<RestorationPlanPage />} />
      <Route path="r/:relationshipId/oncall/restoration/:planId/edit" element={<EditRestorationPlanPage />} />
      {/* Notifications link plans as /r/:id/restoration-plans/:planId (the API's word). */}
      <Route path="r/:relationshipId/restoration-plans" element={<PlansRedirect />} />
      <Route path="r/:relationshipId/restoration-plans/:planId" element={<PlansRedirect />} />
      <Route path="org/:orgId/oncall" element={<SchedulesPage />} />
      <Route path="org/:orgId/oncall/new" element={<NewSchedulePage />} />
      <Route path="org/:orgId/oncall/:scheduleId" element={<SchedulePage />} />
      <Route path="org/:orgId/oncall/:scheduleId/edit" element={<EditSchedulePage />} />
      {/* The code sent to a new pager address links to /settings/account. */}
      <Route path="settings/account" element={<Navigate to="/account" replace />} />
    </Fragment>
  );
}

function PlansRedirect() {
  const { relationshipId = "", planId } = useParams();
  return <Navigate to={`/r/${relationshipId}/oncall/restoration${planId ? `/${planId}` : ""}`} replace />;
}
