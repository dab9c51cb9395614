import { Fragment } from "react";
import { Route } from "react-router";
import { DeclarePage } from "./DeclarePage.tsx";
import { EmergenciesPage } from "./EmergenciesPage.tsx";
import { EmergencyPage } from "./EmergencyPage.tsx";
import { ReviewPage } from "./ReviewPage.tsx";
import { ReviewsPage } from "./ReviewsPage.tsx";

/** Emergencies and post-incident reviews: their routes, mounted by App. */
export function emergencyRoutes() {
  return (
    <Fragment>
      <Route path="r/:relationshipId/emergencies" element={<EmergenciesPage />} />
      <Route path="r/:relationshipId/emergencies/new" element={<DeclarePage />} />
      <Route path="r/:relationshipId/emergencies/:emergencyId" element={<EmergencyPage />} />
      <Route path="r/:relationshipId/reviews" element={<ReviewsPage />} />
      <Route path="r/:relationshipId/reviews/:reviewId" element={<ReviewPage />} />
    </Fragment>
  );
}
