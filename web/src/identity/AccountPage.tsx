import { Badge, Button, Card, Group, PasswordInput, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDeviceDesktop, IconDeviceMobile } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { ApiError } from "../api/problem.ts";
import { ContactMethodsCard } from "../oncall/ContactMethodsCard.tsx";
import { Loading } from "../ui/Loading.tsx";
import { Page } from "../ui/Page.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { TimeStamp } from "../ui/time.tsx";
import { type FieldErrors, hasErrors, passwordProblem } from "../ui/validation.ts";
import { useChangePassword, useMe, useRevokeSession, useSessions } from "./queries.ts";
import { roleLabel } from "./roles.ts";
import { useSignOut } from "./session.ts";
import type { SessionInfo } from "./types.ts";

/** `/account`: who you are, where you are paged, where you are signed in, and your password. */
export function AccountPage() {
  const me = useMe();
  return (
    <Page
      title="Your account"
      description="Your memberships, where you are paged when on call, the browsers you are signed in on, and your password."
    >
      {me.data ? (
        <Card withBorder padding="lg" component="section" aria-labelledby="profile-title">
          <Stack gap="sm">
            <Title order={2} fz="h4" id="profile-title">
              {me.data.user.name}
            </Title>
            <Text size="sm" c="dimmed">
              {me.data.user.email}
            </Text>
            <Stack gap={6}>
              {me.data.memberships.map((m) => (
                <Group key={m.orgId} gap="xs" wrap="wrap">
                  <Text size="sm" fw={500}>
                    {m.orgName}
                  </Text>
                  <Badge variant="default" radius="sm" tt="none" fw={500}>
                    {roleLabel(m.role)}
                  </Badge>
                  {m.admin ? (
                    <Badge variant="light" color="teal" radius="sm">
                      Admin
                    </Badge>
                  ) : null}
                  <Text size="xs" c="dimmed">
                    {m.orgKind === "client" ? "client organization" : "service provider"}
                  </Text>
                </Group>
              ))}
            </Stack>
          </Stack>
        </Card>
      ) : null}
      {/* Only the provider's staff are on call; a client's people are never paged. */}
      {me.data?.memberships.some((m) => m.orgKind === "provider") ? <ContactMethodsCard /> : null}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <SessionsCard />
        <ChangePasswordCard />
      </SimpleGrid>
    </Page>
  );
}

function SessionsCard() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="sessions-title">
      <Stack gap="md">
        <div>
          <Title order={2} fz="h4" id="sessions-title">
            Where you are signed in
          </Title>
          <Text size="sm" c="dimmed">
            Sign out of any browser you do not recognise or no longer use.
          </Text>
        </div>
        {revoke.error ? <ProblemAlert error={revoke.error} title="Could not sign that session out" /> : null}
        {sessions.isPending ? (
          <Loading label="Loading your sessions…" />
        ) : sessions.isError ? (
          <ProblemAlert error={sessions.error} title="Could not load your sessions" />
        ) : (
          <Stack gap="xs" component="ul" className="plain-list">
            {sortSessions(sessions.data.items).map((s) => (
              <Card key={s.id} withBorder padding="sm" component="li" radius="md">
                <Group justify="space-between" wrap="wrap" gap="sm">
                  <Group gap="sm" wrap="nowrap" style={{ minWidth: 0, flex: "1 1 220px" }}>
                    {isMobile(s.userAgent) ? (
                      <IconDeviceMobile size={22} aria-hidden stroke={1.5} />
                    ) : (
                      <IconDeviceDesktop size={22} aria-hidden stroke={1.5} />
                    )}
                    <Stack gap={0} style={{ minWidth: 0 }}>
                      <Group gap={6}>
                        <Text size="sm" fw={500}>
                          {describeDevice(s.userAgent)}
                        </Text>
                        {s.current ? (
                          <Badge size="sm" color="teal" variant="light">
                            This browser
                          </Badge>
                        ) : null}
                      </Group>
                      <Text size="xs" c="dimmed" component="div">
                        Signed in <TimeStamp iso={s.createdAt} mode="relative" size="xs" />
                        {s.lastSeenAt ? (
                          <>
                            {" · last active "}
                            <TimeStamp iso={s.lastSeenAt} mode="relative" size="xs" />
                          </>
                        ) : null}
                        {" · expires "}
                        <TimeStamp iso={s.expiresAt} mode="relative" size="xs" />
                      </Text>
                    </Stack>
                  </Group>
                  {s.current ? (
                    <Button
                      size="xs"
                      variant="default"
                      loading={signOut.isPending}
                      onClick={() =>
                        signOut.mutate(undefined, { onSettled: () => navigate("/login", { replace: true }) })
                      }
                    >
                      Sign out
                    </Button>
                  ) : (
                    <Button
                      size="xs"
                      variant="light"
                      color="red"
                      loading={revoke.isPending && revoke.variables === s.id}
                      onClick={() =>
                        revoke.mutate(s.id, {
                          onSuccess: () =>
                            notifications.show({
                              color: "teal",
                              message: "That browser has been signed out.",
                            }),
                        })
                      }
                      aria-label={`Sign out ${describeDevice(s.userAgent)}, signed in ${new Date(s.createdAt).toLocaleString()}`}
                    >
                      Sign out
                    </Button>
                  )}
                </Group>
              </Card>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

function ChangePasswordCard() {
  const change = useChangePassword();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<FieldErrors<"current" | "next" | "confirm">>({});

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const problems = {
      current: current ? undefined : "Enter your current password.",
      next: passwordProblem(next),
      confirm: confirm === next ? undefined : "The two new passwords are not the same.",
    };
    setErrors(problems);
    if (hasErrors(problems)) return;
    change.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: () => {
          setCurrent("");
          setNext("");
          setConfirm("");
          notifications.show({
            color: "teal",
            title: "Password changed",
            message: "Your other sessions have been signed out.",
          });
        },
      },
    );
  };

  const error = change.error instanceof ApiError ? change.error : null;
  const currentError =
    error?.fieldError("currentPassword") ??
    (error?.code === "invalid_credentials" ? error.detail : undefined);
  const newError = error?.fieldError("newPassword");
  const otherError = change.error && !currentError && !newError ? change.error : null;

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="password-title">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="md">
          <div>
            <Title order={2} fz="h4" id="password-title">
              Change password
            </Title>
            <Text size="sm" c="dimmed">
              Changing it signs you out everywhere else.
            </Text>
          </div>
          {otherError ? <ProblemAlert error={otherError} title="Could not change your password" /> : null}
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            error={errors.current ?? currentError}
          />
          <PasswordInput
            label="New password"
            autoComplete="new-password"
            required
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            description="At least 10 characters."
            error={errors.next ?? newError}
          />
          <PasswordInput
            label="Confirm the new password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={errors.confirm}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function sortSessions(items: SessionInfo[]): SessionInfo[] {
  return [...items].sort((a, b) => {
    if (a.current !== b.current) return a.current ? -1 : 1;
    return (b.lastSeenAt ?? b.createdAt).localeCompare(a.lastSeenAt ?? a.createdAt);
  });
}

function isMobile(userAgent: string | null): boolean {
  return !!userAgent && /Mobile|Android|iPhone|iPad/i.test(userAgent);
}

/** "Chrome on Linux" from a user agent string; good enough to recognise one's own devices. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown browser";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
      ? "Firefox"
      : /Chrome\/|Chromium\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : /curl|node|undici/i.test(userAgent)
            ? "Command line"
            : "Browser";
  const os = /Windows/.test(userAgent)
    ? "Windows"
    : /iPhone|iPad/.test(userAgent)
      ? "iOS"
      : /Mac OS X/.test(userAgent)
        ? "macOS"
        : /Android/.test(userAgent)
          ? "Android"
          : /Linux/.test(userAgent)
            ? "Linux"
            : "";
  return os ? `${browser} on ${os}` : browser;
}
