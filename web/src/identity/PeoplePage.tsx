import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  EmptyState,
  Group,
  Modal,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconHistory, IconShieldLock, IconUserPlus, IconUsers } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { Link, useParams } from "react-router";
import { ApiError } from "../api/problem.ts";
import { ConfirmModal } from "../ui/ConfirmModal.tsx";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { SecretReveal } from "../ui/SecretReveal.tsx";
import { TimeStamp } from "../ui/time.tsx";
import { type FieldErrors, hasErrors } from "../ui/validation.ts";
import {
  useAddMember,
  useMembers,
  useOrganization,
  useReissueInvitation,
  useRemoveMember,
  useUpdateMember,
} from "./queries.ts";
import { roleLabel, roleOptions } from "./roles.ts";
import { useSession } from "./session.ts";
import type { AddMemberResponse, Member, Organization } from "./types.ts";

/** `/org/:orgId/people`: an organization's members; admins add, change and remove them. */
export function PeoplePage() {
  const { orgId = "" } = useParams();
  const organization = useOrganization(orgId);
  const members = useMembers(orgId);
  const [adding, setAdding] = useState(false);

  if (organization.isPending) return <Loading label="Loading the organization…" />;
  if (organization.isError) {
    return (
      <Page title="People">
        <ProblemAlert error={organization.error} title="Could not load this organization" />
      </Page>
    );
  }
  const org = organization.data;
  const canManage = org.abilities.manageMembers;

  return (
    <Page
      title={`People — ${org.name}`}
      eyebrow={org.kind === "client" ? "Client organization" : "Managed service provider"}
      description={
        canManage
          ? "Everyone in your organization who uses Liaison, with their role. Admins manage people and API tokens."
          : "Everyone in your organization who uses Liaison. Only admins can change this list."
      }
      actions={
        <>
          <Button
            component={Link}
            to={`/org/${orgId}/audit`}
            variant="default"
            leftSection={<IconHistory size={16} aria-hidden />}
          >
            Audit trail
          </Button>
          {canManage ? (
            <Button leftSection={<IconUserPlus size={16} aria-hidden />} onClick={() => setAdding(true)}>
              Add person
            </Button>
          ) : null}
        </>
      }
    >
      {members.isPending ? (
        <Loading label="Loading people…" />
      ) : members.isError ? (
        <ProblemAlert error={members.error} title="Could not load the people of this organization" />
      ) : members.data.items.length === 0 ? (
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconUsers size={28} />}
            withIndicatorBackground
            title="Nobody here yet"
            description={
              canManage
                ? "Add the people who will use Liaison. Each new person gets a one-time link to choose a password."
                : "An admin of this organization can add people."
            }
          />
        </Card>
      ) : (
        <Stack gap="xs" component="ul" className="plain-list" aria-label={`People of ${org.name}`}>
          {sortMembers(members.data.items).map((member) => (
            <MemberRow key={member.userId} member={member} org={org} canManage={canManage} />
          ))}
        </Stack>
      )}
      {canManage ? <AddMemberModal opened={adding} onClose={() => setAdding(false)} org={org} /> : null}
    </Page>
  );
}

function MemberRow({ member, org, canManage }: { member: Member; org: Organization; canManage: boolean }) {
  const update = useUpdateMember(org.id);
  const remove = useRemoveMember(org.id);
  const reissue = useReissueInvitation(org.id);
  const session = useSession();
  const [confirming, setConfirming] = useState(false);
  const isYou = session.data?.user.id === member.userId;

  const change = (patch: { role?: string; admin?: boolean }) => {
    update.mutate(
      { userId: member.userId, ...patch },
      {
        onSuccess: (m) =>
          notifications.show({
            color: "teal",
            message:
              patch.role !== undefined
                ? `${m.name} is now ${roleLabel(m.role)}.`
                : m.admin
                  ? `${m.name} is now an admin.`
                  : `${m.name} is no longer an admin.`,
          }),
      },
    );
  };

  return (
    <Card withBorder padding="md" radius="md" component="li">
      <Stack gap="sm">
        <Group justify="space-between" align="center" wrap="wrap" gap="sm">
          <Stack gap={2} style={{ minWidth: 0, flex: "1 1 240px" }}>
            <Group gap={6} wrap="wrap">
              <Text fw={600} size="sm">
                {member.name}
              </Text>
              {isYou ? (
                <Text size="sm" c="dimmed">
                  (you)
                </Text>
              ) : null}
              {member.status === "invited" ? (
                <Badge size="sm" color="yellow" variant="light">
                  Invited — has not set a password
                </Badge>
              ) : (
                <Badge size="sm" color="teal" variant="dot">
                  Active
                </Badge>
              )}
              {member.admin && !canManage ? (
                <Badge size="sm" variant="light" leftSection={<IconShieldLock size={12} aria-hidden />}>
                  Admin
                </Badge>
              ) : null}
            </Group>
            <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
              {member.email} · added <TimeStamp iso={member.createdAt} mode="relative" size="xs" />
            </Text>
          </Stack>
          {canManage ? (
            <Group gap="sm" wrap="wrap" align="center">
              <Select
                aria-label={`Role of ${member.name}`}
                data={roleOptions(org.kind)}
                value={member.role}
                allowDeselect={false}
                w={200}
                size="xs"
                disabled={update.isPending}
                onChange={(role) => role && role !== member.role && change({ role })}
              />
              <Switch
                label="Admin"
                checked={member.admin}
                disabled={update.isPending}
                onChange={(e) => change({ admin: e.currentTarget.checked })}
                aria-label={`${member.name} is an admin`}
              />
              {member.status === "invited" ? (
                <Button
                  size="xs"
                  variant="subtle"
                  loading={reissue.isPending}
                  onClick={() => reissue.mutate(member.userId)}
                >
                  New invitation link
                </Button>
              ) : null}
              <Button size="xs" variant="subtle" color="red" onClick={() => setConfirming(true)}>
                Remove
              </Button>
            </Group>
          ) : (
            <Badge variant="default" radius="sm" tt="none" fw={500}>
              {roleLabel(member.role)}
            </Badge>
          )}
        </Group>
        {update.error ? <MemberProblem error={update.error} onDismiss={() => update.reset()} /> : null}
        {reissue.error ? <ProblemAlert error={reissue.error} title="Could not issue a new link" /> : null}
        {reissue.data ? (
          <SecretReveal
            label={`New set-up link for ${member.name}`}
            value={reissue.data.setupUrl}
            warning="Shown only once. Earlier links for this person no longer work; send this one only to them."
          />
        ) : null}
      </Stack>
      <ConfirmModal
        opened={confirming}
        onClose={() => {
          setConfirming(false);
          remove.reset();
        }}
        title={`Remove ${member.name}?`}
        confirmLabel="Remove from organization"
        pending={remove.isPending}
        error={remove.error}
        errorTitle={isLastAdmin(remove.error) ? LAST_ADMIN_TITLE : undefined}
        onConfirm={() =>
          remove.mutate(member.userId, {
            onSuccess: () => {
              setConfirming(false);
              notifications.show({ color: "teal", message: `${member.name} was removed from ${org.name}.` });
            },
          })
        }
      >
        {member.name} ({member.email}) will lose access to {org.name} and every relationship it is part of.
        {isYou ? " This is you: you will lose access yourself." : ""} Their past actions stay in the audit
        trail.
      </ConfirmModal>
    </Card>
  );
}

/** The last-admin rule gets its own explanation: it is the one refusal people run into here. */
function MemberProblem({ error, onDismiss }: { error: unknown; onDismiss: () => void }) {
  if (isLastAdmin(error)) {
    return (
      <Alert
        color="orange"
        variant="light"
        title={LAST_ADMIN_TITLE}
        withCloseButton
        onClose={onDismiss}
        closeButtonLabel="Dismiss"
        role="alert"
      >
        <Text size="sm">{error.detail}</Text>
      </Alert>
    );
  }
  return <ProblemAlert error={error} title="That change was not saved" />;
}

function AddMemberModal({
  opened,
  onClose,
  org,
}: {
  opened: boolean;
  onClose: () => void;
  org: Organization;
}) {
  const add = useAddMember(org.id);
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<string | null>(null);
  const [admin, setAdmin] = useState(false);
  const [result, setResult] = useState<AddMemberResponse | null>(null);
  const [errors, setErrors] = useState<FieldErrors<"name" | "email" | "role">>({});

  const close = () => {
    setEmail("");
    setName("");
    setRole(null);
    setAdmin(false);
    setResult(null);
    setErrors({});
    add.reset();
    onClose();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const problems = {
      name: name.trim() ? undefined : "Enter the person's name.",
      email: /^[^\s@]+@[^\s@]+$/.test(email.trim())
        ? undefined
        : "Enter an email address such as name@example.com.",
      role: role ? undefined : "Choose a role.",
    };
    setErrors(problems);
    if (hasErrors(problems) || !role) return;
    add.mutate(
      { email: email.trim(), name: name.trim(), role, admin },
      {
        onSuccess: (response) => {
          if (response.setupUrl) {
            setResult(response);
          } else {
            notifications.show({
              color: "teal",
              title: `${response.member.name} was added`,
              message: "They already had a Liaison account and can sign in with it now.",
            });
            close();
          }
        },
      },
    );
  };

  const error = add.error instanceof ApiError ? add.error : null;
  const fieldProblem = (field: string) => error?.fieldError(field);
  const general = add.error && !fieldProblem("email") && !fieldProblem("name") && !fieldProblem("role");

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={result ? `Send ${result.member.name} their set-up link` : `Add a person to ${org.name}`}
      size="lg"
      closeOnClickOutside={!result}
    >
      {result?.setupUrl ? (
        <Stack gap="md">
          <Text size="sm">
            {result.member.name} has been added as {roleLabel(result.member.role)}
            {result.member.admin ? " and admin" : ""}. Send them this link — by email or chat — so they can
            choose a password and sign in.
          </Text>
          <SecretReveal
            label="Set-up link"
            value={result.setupUrl}
            warning="This link is shown only once. Anyone who has it can set the password for this account, so send it only to the person it is for."
          />
          <Group justify="flex-end">
            <Button onClick={close}>I have sent it — done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <Stack gap="md">
            {general ? <ProblemAlert error={add.error} title="Could not add this person" /> : null}
            <TextInput
              label="Name"
              required
              autoComplete="off"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={errors.name ?? fieldProblem("name")}
              data-autofocus
            />
            <TextInput
              label="Email"
              type="email"
              required
              autoComplete="off"
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={errors.email ?? fieldProblem("email")}
              description="If this person already has a Liaison account, they are added to it."
            />
            <Select
              label="Role"
              required
              placeholder="Choose a role"
              data={roleOptions(org.kind)}
              value={role}
              onChange={setRole}
              allowDeselect={false}
              error={errors.role ?? fieldProblem("role")}
              comboboxProps={{ withinPortal: true }}
            />
            <Checkbox
              label="Admin of this organization"
              description="Admins add and remove people and manage API tokens."
              checked={admin}
              onChange={(e) => setAdmin(e.currentTarget.checked)}
            />
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={add.isPending}>
                Add person
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

const LAST_ADMIN_TITLE = "An organization needs at least one admin";

function isLastAdmin(error: unknown): error is ApiError {
  return error instanceof ApiError && error.code === "last_admin";
}

function sortMembers(items: Member[]): Member[] {
  return [...items].sort((a, b) => Number(b.admin) - Number(a.admin) || a.name.localeCompare(b.name));
}
