import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { BrowserRouter, Route, Routes } from "react-router";
import { setUnauthorizedHandler } from "./api/client.ts";
import { createQueryClient } from "./api/query-client.ts";
import { CalendarPage } from "./changes/CalendarPage.tsx";
import { ChangePage } from "./changes/ChangePage.tsx";
import { ChangesPage } from "./changes/ChangesPage.tsx";
import { GroupsPage } from "./changes/GroupsPage.tsx";
import { NewChangePage } from "./changes/NewChangePage.tsx";
import { RecordChangePage } from "./changes/RecordChangePage.tsx";
import { emergencyRoutes } from "./emergencies/routes.tsx";
import { oncallRoutes } from "./oncall/routes.tsx";
import { touchpointRoutes } from "./touchpoints/routes.tsx";
import { OrganizationAuditPage } from "./audit/OrganizationAuditPage.tsx";
import { RelationshipAuditPage } from "./audit/RelationshipAuditPage.tsx";
import { AccountPage } from "./identity/AccountPage.tsx";
import { LoginPage } from "./identity/LoginPage.tsx";
import { ApiPathRedirect } from "./notifications/ApiPathRedirect.tsx";
import { PreferencesPage } from "./notifications/PreferencesPage.tsx";
import { WebhooksPage } from "./notifications/WebhooksPage.tsx";
import { PeoplePage } from "./identity/PeoplePage.tsx";
import { RequireAuth } from "./identity/RequireAuth.tsx";
import { SetupPage } from "./identity/SetupPage.tsx";
import { sessionKey } from "./identity/session.ts";
import { TokensPage } from "./identity/TokensPage.tsx";
import { ProtocolPage } from "./protocol/ProtocolPage.tsx";
import { OverviewPage } from "./relationships/OverviewPage.tsx";
import { AppLayout } from "./shell/AppLayout.tsx";
import { HomePage } from "./shell/HomePage.tsx";
import { NotFoundPage } from "./shell/NotFoundPage.tsx";
import { UpcomingModulePage } from "./shell/UpcomingModulePage.tsx";
import { theme } from "./theme.ts";
import { TicketPage } from "./tickets/TicketPage.tsx";
import { TicketsPage } from "./tickets/TicketsPage.tsx";

/** Providers and routes. Every page except sign-in and set-up sits behind RequireAuth. */
export function App() {
  const [queryClient] = useState(() => {
    const client = createQueryClient();
    // Any 401 means the session is gone (expired, revoked elsewhere): mark the user signed
    // out, and RequireAuth sends them to /login with the page they were on as `next`.
    setUnauthorizedHandler(() => client.setQueryData(sessionKey, null));
    return client;
  });
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/setup" element={<SetupPage />} />
            <Route
              element={
                <RequireAuth>
                  <AppLayout />
                </RequireAuth>
              }
            >
              <Route index element={<HomePage />} />
              <Route path="r/:relationshipId" element={<OverviewPage />} />
              <Route path="r/:relationshipId/audit" element={<RelationshipAuditPage />} />
              <Route path="r/:relationshipId/tokens" element={<TokensPage />} />
              <Route path="r/:relationshipId/protocol" element={<ProtocolPage />} />
              <Route path="r/:relationshipId/webhooks" element={<WebhooksPage />} />
              <Route path="r/:relationshipId/tickets" element={<TicketsPage />} />
              <Route path="r/:relationshipId/tickets/:ticketId" element={<TicketPage />} />
              <Route path="r/:relationshipId/changes" element={<ChangesPage />} />
              <Route path="r/:relationshipId/changes/new" element={<NewChangePage />} />
              <Route path="r/:relationshipId/changes/record" element={<RecordChangePage />} />
              <Route path="r/:relationshipId/changes/calendar" element={<CalendarPage />} />
              <Route path="r/:relationshipId/changes/groups" element={<GroupsPage />} />
              <Route path="r/:relationshipId/changes/:changeId" element={<ChangePage />} />
              {emergencyRoutes()}
              {oncallRoutes()}
              {touchpointRoutes()}
              <Route path="relationships/:relationshipId/*" element={<ApiPathRedirect />} />
              <Route path="r/:relationshipId/:module" element={<UpcomingModulePage />} />
              <Route path="org/:orgId/people" element={<PeoplePage />} />
              <Route path="org/:orgId/audit" element={<OrganizationAuditPage />} />
              <Route path="account" element={<AccountPage />} />
              <Route path="settings/notifications" element={<PreferencesPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
