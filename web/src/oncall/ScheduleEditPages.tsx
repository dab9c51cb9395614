import { Anchor, Stack } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useOrganization } from "../identity/queries.ts";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { useCreateSchedule, useSchedule, useUpdateSchedule } from "./queries.ts";
import { ScheduleForm } from "./ScheduleForm.tsx";

/** `/org/:orgId/oncall/new`: a new schedule for the provider. */
export function NewSchedulePage() {
  const { orgId = "" } = useParams();
  const organization = useOrganization(orgId);
  const create = useCreateSchedule(orgId);
  const navigate = useNavigate();
  return (
    <Page
      title="New on-call schedule"
      eyebrow={
        <Anchor component={Link} to={`/org/${orgId}/oncall`} size="sm">
          On-call schedules{organization.data ? ` — ${organization.data.name}` : ""}
        </Anchor>
      }
      description="Who is paged when a client declares an emergency: rotations of people in layers, in one time zone."
    >
      <ScheduleForm
        orgId={orgId}
        submitLabel="Create the schedule"
        pending={create.isPending}
        error={create.error}
        onCancel={() => navigate(`/org/${orgId}/oncall`)}
        onSubmit={(input) =>
          create.mutate(input, {
            onSuccess: (detail) => {
              notifications.show({ color: "teal", message: `“${detail.schedule.name}” is in effect.` });
              navigate(`/org/${orgId}/oncall/${detail.schedule.id}`);
            },
          })
        }
      />
    </Page>
  );
}

/** `/org/:orgId/oncall/:scheduleId/edit`: change a schedule (its keepers only; the server checks). */
export function EditSchedulePage() {
  const { orgId = "", scheduleId = "" } = useParams();
  const detail = useSchedule(orgId, scheduleId, { weeks: 2 });
  const update = useUpdateSchedule(orgId, scheduleId);
  const navigate = useNavigate();
  // After a conflict, "start again" remounts the form on the schedule as it now is.
  const [generation, setGeneration] = useState(0);
  const back = `/org/${orgId}/oncall/${scheduleId}`;

  if (detail.isPending) return <Loading label="Loading the schedule…" />;
  if (detail.isError && !detail.data)
    return (
      <Page title="Edit the schedule">
        <ProblemAlert error={detail.error} title="Could not load the schedule" />
      </Page>
    );
  const { schedule, abilities } = detail.data;
  return (
    <Page
      title={`Edit ${schedule.name}`}
      eyebrow={
        <Anchor component={Link} to={back} size="sm">
          {schedule.name}
        </Anchor>
      }
      description="Changes apply at once: who is on call now and later is worked out again from the new rotations. Overrides stay."
    >
      <Stack gap="lg">
        {abilities.manage ? null : (
          <ProblemAlert
            error={
              new Error(
                "Only the provider's account managers, senior technicians and administrators change schedules.",
              )
            }
            title="You cannot change this schedule"
          />
        )}
        <ScheduleForm
          key={`${schedule.id}-${generation}`}
          orgId={orgId}
          schedule={schedule}
          submitLabel="Save the schedule"
          pending={update.isPending}
          error={update.error}
          onCancel={() => navigate(back)}
          onReload={() => {
            update.reset();
            setGeneration((g) => g + 1);
          }}
          onSubmit={(input, revision) =>
            update.mutate(
              { ...input, revision: revision ?? schedule.revision },
              {
                onSuccess: () => {
                  notifications.show({ color: "teal", message: "Schedule saved." });
                  navigate(back);
                },
              },
            )
          }
        />
      </Stack>
    </Page>
  );
}
