import { Anchor } from "@mantine/core";
import { Link, useParams } from "react-router";
import { useOrganization } from "../identity/queries.ts";
import { Page } from "../ui/Page.tsx";
import { AuditTrail } from "./AuditTrail.tsx";

/** `/org/:orgId/audit`: the organization's own timeline (people joining, roles changing…). */
export function OrganizationAuditPage() {
  const { orgId = "" } = useParams();
  const organization = useOrganization(orgId);
  const name = organization.data?.name;
  return (
    <Page
      title="Organization audit trail"
      documentTitle={name ? `Audit trail — ${name}` : "Organization audit trail"}
      eyebrow={
        name ? (
          <Anchor component={Link} to={`/org/${orgId}/people`} size="sm">
            ← People — {name}
          </Anchor>
        ) : undefined
      }
      description="Changes to this organization's people and settings, newest first."
    >
      <AuditTrail key={orgId} scope={{ kind: "organization", id: orgId }} />
    </Page>
  );
}
