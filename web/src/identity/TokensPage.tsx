import {
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconKey, IconPlus } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useParams } from "react-router";
import { ApiError } from "../api/problem.ts";
import { relationshipTitle } from "../relationships/format.ts";
import { useRelationship } from "../relationships/queries.ts";
import type { RelationshipDetail } from "../relationships/types.ts";
import { ConfirmModal } from "../ui/ConfirmModal.tsx";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { SecretReveal } from "../ui/SecretReveal.tsx";
import { TimeStamp } from "../ui/time.tsx";
import { type FieldErrors, hasErrors } from "../ui/validation.ts";
import { useCreateToken, useRevokeToken, useTokens } from "./queries.ts";
import { roleLabel, roleOptions } from "./roles.ts";
import type { CreateTokenResponse, Token } from "./types.ts";

/** `/r/:relationshipId/tokens`: API tokens for scripts and integrations, scoped to this relationship. */
export function TokensPage() {
  const { relationshipId = "" } = useParams();
  const relationship = useRelationship(relationshipId);
  const allowed = relationship.data?.abilities.manageTokens ?? false;
  const tokens = useTokens(relationshipId, allowed);
  const [creating, setCreating] = useState(false);

  if (relationship.isPending) return <Loading label="Loading the relationship…" />;
  if (relationship.isError) {
    return (
      <Page title="API tokens">
        <ProblemAlert error={relationship.error} title="Could not load this relationship" />
      </Page>
    );
  }
  const r = relationship.data;
  const description = (
    <>
      A token lets a script or another system use the{" "}
      <Anchor href="/api/docs" target="_blank" rel="noreferrer" size="sm">
        Liaison API
      </Anchor>{" "}
      for this relationship only, with the permissions of the role you give it on the {r.viewer.side} side.
    </>
  );

  if (!allowed) {
    return (
      <Page title="API tokens" eyebrow={relationshipTitle(r)} description={description}>
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconKey size={28} />}
            withIndicatorBackground
            title="Only admins manage API tokens"
            description="Ask an admin of your organization if you need a token for this relationship."
          />
        </Card>
      </Page>
    );
  }

  return (
    <Page
      title="API tokens"
      eyebrow={relationshipTitle(r)}
      documentTitle={`API tokens — ${relationshipTitle(r)}`}
      description={description}
      actions={
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
          Create token
        </Button>
      }
    >
      {tokens.isPending ? (
        <Loading label="Loading tokens…" />
      ) : tokens.isError ? (
        <ProblemAlert error={tokens.error} title="Could not load the tokens" />
      ) : tokens.data.items.length === 0 ? (
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconKey size={28} />}
            withIndicatorBackground
            title="No API tokens yet"
            description="Create one when a script or another system (monitoring, your PSA, a report job) needs to read or act on this relationship."
          >
            <EmptyState.Actions>
              <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
                Create the first token
              </Button>
            </EmptyState.Actions>
          </EmptyState>
        </Card>
      ) : (
        <Stack gap="xs" component="ul" className="plain-list" aria-label="API tokens">
          {sortTokens(tokens.data.items).map((token) => (
            <TokenRow key={token.id} token={token} relationshipId={r.id} />
          ))}
        </Stack>
      )}
      <CreateTokenModal opened={creating} onClose={() => setCreating(false)} relationship={r} />
    </Page>
  );
}

function tokenState(token: Token, now = Date.now()): { label: string; color: string } {
  if (token.revokedAt) return { label: "Revoked", color: "gray" };
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= now)
    return { label: "Expired", color: "gray" };
  return { label: "Active", color: "teal" };
}

function TokenRow({ token, relationshipId }: { token: Token; relationshipId: string }) {
  const revoke = useRevokeToken(relationshipId);
  const [confirming, setConfirming] = useState(false);
  const state = tokenState(token);
  const usable = state.label === "Active";
  return (
    <Card withBorder padding="md" radius="md" component="li" opacity={usable ? 1 : 0.75}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Group gap={8} wrap="wrap" style={{ minWidth: 0 }}>
            <Text fw={600} size="sm">
              {token.name}
            </Text>
            <Badge size="sm" variant="light" color={state.color}>
              {state.label}
            </Badge>
            <Badge size="sm" variant="default" radius="sm" tt="none" fw={500}>
              {roleLabel(token.role)}
            </Badge>
            <Text size="xs" ff="monospace" c="dimmed">
              {token.prefix}…
            </Text>
          </Group>
          {usable ? (
            <Button size="xs" variant="subtle" color="red" onClick={() => setConfirming(true)}>
              Revoke
            </Button>
          ) : null}
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs" verticalSpacing={4}>
          <Fact label="Created by">
            {token.createdBy?.name ?? "—"} · <TimeStamp iso={token.createdAt} mode="relative" size="xs" />
          </Fact>
          <Fact label="Last used">
            {token.lastUsedAt ? <TimeStamp iso={token.lastUsedAt} mode="relative" size="xs" /> : "Never"}
          </Fact>
          <Fact label="Expires">
            {token.expiresAt ? (
              <TimeStamp iso={token.expiresAt} mode="date" size="xs" c="inherit" />
            ) : (
              "Never"
            )}
          </Fact>
          <Fact label="Revoked">
            {token.revokedAt ? <TimeStamp iso={token.revokedAt} mode="date" size="xs" c="inherit" /> : "No"}
          </Fact>
        </SimpleGrid>
      </Stack>
      <ConfirmModal
        opened={confirming}
        onClose={() => {
          setConfirming(false);
          revoke.reset();
        }}
        title={`Revoke “${token.name}”?`}
        confirmLabel="Revoke token"
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={() =>
          revoke.mutate(token.id, {
            onSuccess: () => {
              setConfirming(false);
              notifications.show({ color: "teal", message: `“${token.name}” was revoked.` });
            },
          })
        }
      >
        Anything using this token will stop working immediately and cannot be given access again with it. The
        token stays listed as revoked, and the revocation is recorded in the audit trail.
      </ConfirmModal>
    </Card>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xs" component="div">
        {children}
      </Text>
    </div>
  );
}

function CreateTokenModal({
  opened,
  onClose,
  relationship,
}: {
  opened: boolean;
  onClose: () => void;
  relationship: RelationshipDetail;
}) {
  const create = useCreateToken(relationship.id);
  const [name, setName] = useState("");
  const [role, setRole] = useState<string | null>(null);
  const [days, setDays] = useState<string | number>("");
  const [created, setCreated] = useState<CreateTokenResponse | null>(null);
  const [errors, setErrors] = useState<FieldErrors<"name" | "role">>({});

  const close = () => {
    setName("");
    setRole(null);
    setDays("");
    setCreated(null);
    setErrors({});
    create.reset();
    onClose();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const problems = {
      name: name.trim() ? undefined : "Give the token a name you will recognise.",
      role: role ? undefined : "Choose the role the token acts as.",
    };
    setErrors(problems);
    if (hasErrors(problems) || !role) return;
    const expiresInDays = typeof days === "number" && days > 0 ? days : undefined;
    create.mutate({ name: name.trim(), role, expiresInDays }, { onSuccess: setCreated });
  };

  const error = create.error instanceof ApiError ? create.error : null;
  const fieldProblem = (field: string) => error?.fieldError(field);
  const general =
    create.error && !fieldProblem("name") && !fieldProblem("role") && !fieldProblem("expiresInDays");

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? `Token “${created.token.name}” created` : "Create an API token"}
      size="lg"
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack gap="md">
          <SecretReveal
            label="API token secret"
            value={created.secret}
            warning="This is the only time the secret is shown. Store it in your password manager or the system that will use it; if it is lost, revoke this token and create a new one."
          />
          <Text size="sm" c="dimmed">
            Send it as <code>Authorization: Bearer &lt;secret&gt;</code>. It acts as{" "}
            {roleLabel(created.token.role)} on the {relationship.viewer.side} side of this relationship, and
            nothing else.
          </Text>
          <Group justify="flex-end">
            <Button onClick={close}>I have stored it — done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <Stack gap="md">
            {general ? <ProblemAlert error={create.error} title="Could not create the token" /> : null}
            <TextInput
              label="Name"
              description="What will use it, so you recognise it later — e.g. “Monitoring ingest”."
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={errors.name ?? fieldProblem("name")}
              data-autofocus
            />
            <Select
              label="Role"
              description={`The token can do what a ${relationship.viewer.side}-side member with this role can do.`}
              required
              placeholder="Choose a role"
              data={roleOptions(relationship.viewer.side)}
              value={role}
              onChange={setRole}
              allowDeselect={false}
              error={errors.role ?? fieldProblem("role")}
            />
            <NumberInput
              label="Expires after (days)"
              description="1 to 730 days. Leave empty for a token that does not expire."
              min={1}
              max={730}
              allowDecimal={false}
              allowNegative={false}
              value={days}
              onChange={setDays}
              error={fieldProblem("expiresInDays")}
            />
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function sortTokens(items: Token[]): Token[] {
  const now = Date.now();
  return [...items].sort((a, b) => {
    const aActive = tokenState(a, now).label === "Active";
    const bActive = tokenState(b, now).label === "Active";
    if (aActive !== bActive) return aActive ? -1 : 1;
    return b.createdAt.localeCompare(a.createdAt);
  });
}
