import { Card, EmptyState } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import { useParams } from "react-router";
import { roleLabel } from "../identity/roles.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { AuditTrail } from "./AuditTrail.tsx";

/** `/r/:relationshipId/audit`: the relationship's hash-chained record of every change. */
export function RelationshipAuditPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const r = relationship.data;
  const name = r ? relationshipTitle(r) : undefined;
  return (
    <Page
      title="Audit trail"
      documentTitle={name ? `Audit trail — ${name}` : "Audit trail"}
      eyebrow={name}
      description="Every change in this relationship, newest first. Each event is chained to the one before it by its hash, so the record cannot be rewritten without it showing."
    >
      {relationship.isPending ? (
        <Loading label="Loading the audit trail…" />
      ) : r && !r.abilities.readAudit ? (
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconLock size={28} />}
            withIndicatorBackground
            title="The audit trail is not part of your role"
            description={`As ${roleLabel(r.viewer.role)} you see this relationship's overview. Your IT point of contact or an admin of your organization can look something up in the audit trail for you.`}
          />
        </Card>
      ) : (
        // When the relationship itself failed to load, the trail's own request shows why.
        <AuditTrail key={relationshipId} scope={{ kind: "relationship", id: relationshipId }} />
      )}
    </Page>
  );
}
