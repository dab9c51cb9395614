import "./changes.css";
import {
  Button,
  Card,
  EmptyState,
  Group,
  Modal,
  MultiSelect,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconArchive, IconEdit, IconPlus, IconUsersGroup } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useParams } from "react-router";
import { ApiError } from "../api/problem.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import type { Person } from "../relationships/types.ts";
import { ConfirmModal } from "../ui/ConfirmModal.tsx";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { canManageGroups } from "./can.ts";
import { ChangesNav } from "./ChangesNav.tsx";
import { useArchiveGroup, useCreateGroup, useGroups, useUpdateGroup } from "./queries.ts";
import type { UserGroup } from "./types.ts";

/**
 * `/r/:relationshipId/changes/groups`: named groups of the client's people (Finance, Warehouse,
 * All staff). A change names the groups it affects, and their members get its plain-language
 * notices. Archiving a group stops it being offered; changes that named it keep its name.
 */
export function GroupsPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const groups = useGroups(relationshipId);
  const archive = useArchiveGroup(relationshipId);
  const [editing, setEditing] = useState<UserGroup | "new" | null>(null);
  const [archiving, setArchiving] = useState<UserGroup | null>(null);
  const name = relationship.data ? relationshipTitle(relationship.data) : undefined;
  const people = relationship.data?.people.client ?? [];
  const items = groups.data?.items ?? [];
  const manage = canManageGroups(relationship.data?.viewer);

  return (
    <Page
      title="User groups"
      documentTitle={name ? `User groups — ${name}` : "User groups"}
      eyebrow={name}
      description={`Groups of ${relationship.data?.client.name ?? "the client"}'s people that changes can affect. Their members get the plain-language notice of each change that names their group.`}
      actions={
        manage ? (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing("new")}>
            New group
          </Button>
        ) : undefined
      }
    >
      <ChangesNav relationshipId={relationshipId} current="groups" />

      {groups.isPending ? (
        <Loading label="Loading groups…" />
      ) : groups.isError ? (
        <ProblemAlert error={groups.error} title="Could not load the groups" />
      ) : items.length === 0 ? (
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconUsersGroup size={28} />}
            withIndicatorBackground
            title="No user groups yet"
            description={
              manage
                ? "Make a group for each set of people who use the same systems — Finance, Front desk, Everyone — so a change can tell exactly them."
                : "The client's IT contact or executive makes groups of people who use the same systems, so a change can tell exactly them."
            }
          >
            {manage ? (
              <EmptyState.Actions>
                <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing("new")}>
                  New group
                </Button>
              </EmptyState.Actions>
            ) : null}
          </EmptyState>
        </Card>
      ) : (
        <ul className="plain-list" aria-label="User groups">
          <Stack gap="sm">
            {items.map((g) => (
              <li key={g.id}>
                <Card withBorder padding="md" component="article" aria-labelledby={`group-${g.id}`}>
                  <Group justify="space-between" align="flex-start" gap="sm" wrap="wrap">
                    <Stack gap={4} style={{ minWidth: 0, flex: "1 1 18rem" }}>
                      <Title order={2} fz="h5" id={`group-${g.id}`} style={{ overflowWrap: "anywhere" }}>
                        {g.name}
                      </Title>
                      {g.description ? (
                        <Text size="sm" c="dimmed" style={{ overflowWrap: "anywhere" }}>
                          {g.description}
                        </Text>
                      ) : null}
                      <Text size="sm" style={{ overflowWrap: "anywhere" }}>
                        {g.members.length === 0
                          ? "No members yet."
                          : `${g.members.length === 1 ? "1 person" : `${g.members.length} people`}: ${g.members.map((m) => m.name).join(", ")}`}
                      </Text>
                    </Stack>
                    {manage ? (
                      <Group gap="xs">
                        <Button
                          variant="default"
                          size="compact-sm"
                          leftSection={<IconEdit size={14} aria-hidden />}
                          onClick={() => setEditing(g)}
                          aria-label={`Edit ${g.name}`}
                        >
                          Edit
                        </Button>
                        <Button
                          variant="subtle"
                          color="red"
                          size="compact-sm"
                          leftSection={<IconArchive size={14} aria-hidden />}
                          onClick={() => setArchiving(g)}
                          aria-label={`Archive ${g.name}`}
                        >
                          Archive
                        </Button>
                      </Group>
                    ) : null}
                  </Group>
                </Card>
              </li>
            ))}
          </Stack>
        </ul>
      )}

      <GroupModal
        key={editing === null ? "closed" : editing === "new" ? "new" : editing.id}
        relationshipId={relationshipId}
        group={editing}
        people={people}
        onClose={() => setEditing(null)}
      />
      <ConfirmModal
        opened={archiving !== null}
        title={`Archive ${archiving?.name ?? "the group"}?`}
        confirmLabel="Archive"
        pending={archive.isPending}
        error={archive.error}
        onClose={() => {
          setArchiving(null);
          archive.reset();
        }}
        onConfirm={() =>
          archiving &&
          archive.mutate(archiving.id, {
            onSuccess: () => {
              notifications.show({ color: "teal", message: `${archiving.name} archived.` });
              setArchiving(null);
            },
          })
        }
      >
        It is no longer offered for new changes. Changes that already name it keep it, and notices already
        planned still go to its members.
      </ConfirmModal>
    </Page>
  );
}

/** Create or edit a group: its name, a description, and which of the client's people are in it. */
function GroupModal({
  relationshipId,
  group,
  people,
  onClose,
}: {
  relationshipId: string;
  group: UserGroup | "new" | null;
  people: Person[];
  onClose: () => void;
}) {
  const phone = useMediaQuery("(max-width: 36em)");
  const existing = group && group !== "new" ? group : null;
  const create = useCreateGroup(relationshipId);
  const update = useUpdateGroup(relationshipId);
  const [name, setName] = useState(existing?.name ?? "");
  const [description, setDescription] = useState(existing?.description ?? "");
  const [memberIds, setMemberIds] = useState<string[]>(existing?.members.map((m) => m.id) ?? []);
  const [missing, setMissing] = useState(false);
  const mutation = existing ? update : create;
  const serverError = mutation.error instanceof ApiError ? mutation.error : null;

  // Members who have left the client organization still show (by name) until they are removed.
  const options = [
    ...people.map((p) => ({ value: p.userId, label: `${p.name} (${p.email})` })),
    ...(existing?.members ?? [])
      .filter((m) => !people.some((p) => p.userId === m.id))
      .map((m) => ({ value: m.id, label: `${m.name} (${m.email})` })),
  ];

  const close = () => {
    create.reset();
    update.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setMissing(true);
    const input = { name: name.trim(), description: description.trim(), memberIds };
    const onSuccess = (saved: UserGroup) => {
      notifications.show({
        color: "teal",
        message: existing ? `${saved.name} saved.` : `${saved.name} created.`,
      });
      close();
    };
    if (existing) update.mutate({ groupId: existing.id, ...input }, { onSuccess });
    else create.mutate(input, { onSuccess });
  };

  return (
    <Modal
      opened={group !== null}
      onClose={close}
      title={existing ? `Edit ${existing.name}` : "New user group"}
      size="lg"
      fullScreen={phone}
      closeButtonProps={{ "aria-label": "Close" }}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label="Name"
            description="e.g. Finance, Front desk, Everyone."
            required
            maxLength={120}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={
              (missing && !name.trim() ? "Give the group a name." : undefined) ??
              serverError?.fieldError("name")
            }
            data-autofocus
          />
          <Textarea
            label="Description"
            description="Optional: who they are, which systems they rely on."
            autosize
            minRows={2}
            maxLength={1000}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={serverError?.fieldError("description")}
          />
          <MultiSelect
            label="Members"
            description="People of the client organization."
            placeholder={memberIds.length ? undefined : "Choose people"}
            data={options}
            value={memberIds}
            onChange={setMemberIds}
            searchable
            clearable
            nothingFoundMessage="Nobody by that name"
            error={serverError?.fieldError("memberIds")}
          />
          {mutation.isError ? <ProblemAlert error={mutation.error} title="The group was not saved" /> : null}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={close} disabled={mutation.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              {existing ? "Save" : "Create the group"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
