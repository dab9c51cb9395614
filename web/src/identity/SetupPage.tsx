import { Alert, Anchor, Button, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { IconLinkOff } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../api/problem.ts";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { AuthLayout } from "./AuthLayout.tsx";
import { useSetupPassword } from "./session.ts";

/** `/setup?token=…`: choose a password from an invitation or reset link, then go in. */
export function SetupPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const navigate = useNavigate();
  const setup = useSetupPassword();
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [mismatch, setMismatch] = useState(false);

  if (!token) {
    return (
      <AuthLayout title="Set up your account">
        <Stack gap="md">
          <Title order={1} fz="h3">
            This link is incomplete
          </Title>
          <Alert color="orange" variant="light" icon={<IconLinkOff size={20} aria-hidden />}>
            The set-up link has no token. Open the link from your invitation again, exactly as it was sent, or
            ask an admin of your organization for a new one.
          </Alert>
          <Anchor component={Link} to="/login" size="sm">
            Go to sign in
          </Anchor>
        </Stack>
      </AuthLayout>
    );
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setup.mutate({ token, password }, { onSuccess: () => navigate("/", { replace: true }) });
  };

  const error = setup.error;
  const passwordError = error instanceof ApiError ? error.fieldError("password") : undefined;
  const tokenProblem = error instanceof ApiError && !passwordError;

  return (
    <AuthLayout title="Choose a password">
      <form onSubmit={onSubmit} noValidate aria-labelledby="setup-title">
        <Stack gap="md">
          <Stack gap={4}>
            <Title order={1} fz="h3" id="setup-title">
              Choose a password
            </Title>
            <Text size="sm" c="dimmed">
              You were invited to Liaison, or asked to reset your password. Choose the password you will sign
              in with.
            </Text>
          </Stack>
          {tokenProblem ? (
            <ProblemAlert error={error} title="This link cannot be used">
              <Text size="sm" mt="xs">
                Set-up links work once and expire. Ask an admin of your organization for a new one.
              </Text>
            </ProblemAlert>
          ) : null}
          <PasswordInput
            label="New password"
            name="new-password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            description="At least 10 characters. A short sentence is easy to remember and hard to guess."
            error={passwordError}
          />
          <PasswordInput
            label="Confirm the password"
            name="confirm-password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={mismatch ? "The two passwords are not the same." : undefined}
          />
          <Button type="submit" loading={setup.isPending} disabled={!password || !confirm} fullWidth>
            Save password and sign in
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
