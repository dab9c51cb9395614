import { Anchor, Group } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError } from "../api/problem.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { ChangeForm } from "./ChangeForm.tsx";
import { useChangeForm } from "./queries.ts";

/** A link back to the list of changes, for the pages under it. */
export function BackToChanges({ relationshipId }: { relationshipId: string }) {
  const relationship = useRelationship(relationshipId);
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;
  return (
    <Anchor component={Link} to={`/r/${relationshipId}/changes`} size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden />
        Changes{name ? ` — ${name}` : ""}
      </Group>
    </Anchor>
  );
}

/** `/r/:relationshipId/changes/new`: the provider plans a change, as a draft or proposed at once. */
export function NewChangePage() {
  const { relationshipId = "" } = useParams();
  const navigate = useNavigate();
  const form = useChangeForm(relationshipId);
  const back = <BackToChanges relationshipId={relationshipId} />;
  return (
    <Page
      title="Propose a change"
      eyebrow={back}
      description="Say what changes, why, what people will notice and when. Liaison checks the window against the protocol as you go; proposing sends it to the people who approve it."
    >
      {form.isPending ? (
        <Loading label="Loading the protocol's change rules…" />
      ) : form.isError ? (
        <ProblemAlert
          error={form.error}
          title={
            form.error instanceof ApiError && form.error.status === 409
              ? "No protocol in effect yet"
              : "Could not load the change form"
          }
        />
      ) : (
        <ChangeForm
          relationshipId={relationshipId}
          form={form.data}
          onSaved={(change) => navigate(`/r/${relationshipId}/changes/${change.id}`)}
          onCancel={() => navigate(`/r/${relationshipId}/changes`)}
        />
      )}
    </Page>
  );
}
