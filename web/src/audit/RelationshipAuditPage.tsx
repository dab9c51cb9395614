import { useParams } from "react-router";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Page } from "../ui/Page.tsx";
import { AuditTrail } from "./AuditTrail.tsx";

/** `/r/:relationshipId/audit`: the relationship's hash-chained record of every change. */
export function RelationshipAuditPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;
  return (
    <Page
      title="Audit trail"
      documentTitle={name ? `Audit trail — ${name}` : "Audit trail"}
      eyebrow={name}
      description="Every change in this relationship, newest first. Each event is chained to the one before it by its hash, so the record cannot be rewritten without it showing."
    >
      <AuditTrail key={relationshipId} scope={{ kind: "relationship", id: relationshipId }} />
    </Page>
  );
}
