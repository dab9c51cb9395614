import { Alert, Anchor, Button, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { IconLinkOff } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../api/problem.ts";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { type FieldErrors, hasErrors, passwordProblem } from "../ui/validation.ts";
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
  const [errors, setErrors] = useState<FieldErrors<"password" | "confirm">>({});

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
    const problems = {
      password: passwordProblem(password),
      confirm: confirm === password ? undefined : "The two passwords are not the same.",
    };
    setErrors(problems);
    if (hasErrors(problems)) return;
    setup.mutate({ token, password }, { onSuccess: () => navigate("/", { replace: true }) });
  };

  const error = setup.error;
  const passwordError = error instanceof ApiError ? error.fieldError("password") : undefined;
  const otherProblem = error && !passwordError ? error : null;

  if (error instanceof ApiError && error.code === "invalid_token") {
    // Used, expired or unknown: no password will make this link work, so offer no form.
    return (
      <AuthLayout title="Link not valid">
        <Stack gap="md">
          <Title order={1} fz="h3">
            This link cannot be used
          </Title>
          <Alert color="orange" variant="light" icon={<IconLinkOff size={20} aria-hidden />} role="alert">
            <Text size="sm">{error.detail}</Text>
          </Alert>
          <Text size="sm" c="dimmed">
            Set-up links work once and expire. If you already chose a password, sign in with it.
          </Text>
          <Anchor component={Link} to="/login" size="sm">
            Go to sign in
          </Anchor>
        </Stack>
      </AuthLayout>
    );
  }

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
          {otherProblem ? <ProblemAlert error={otherProblem} title="Your password was not saved" /> : null}
          <PasswordInput
            label="New password"
            name="new-password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            description="At least 10 characters. A short sentence is easy to remember and hard to guess."
            error={errors.password ?? passwordError}
          />
          <PasswordInput
            label="Confirm the password"
            name="confirm-password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={errors.confirm}
          />
          <Button type="submit" loading={setup.isPending} fullWidth>
            Save password and sign in
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
