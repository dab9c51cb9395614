import { Alert, Button, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconAlertTriangle, IconClockPause } from "@tabler/icons-react";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../api/problem.ts";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { formatMoment } from "../ui/time.tsx";
import { AuthLayout } from "./AuthLayout.tsx";
import { safeNextPath, useSession, useSignIn } from "./session.ts";

/** `/login`: email and password; on success, back to where the person was headed. */
export function LoginPage() {
  const [params] = useSearchParams();
  const next = safeNextPath(params.get("next"));
  const navigate = useNavigate();
  const session = useSession();
  const signIn = useSignIn();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const [missing, setMissing] = useState<{ email?: string; password?: string }>({});
  const now = useSecondTicker(retryAt !== null);
  const emailRef = useRef<HTMLInputElement>(null);

  // The page has one job; put the cursor where it starts.
  useEffect(() => emailRef.current?.focus(), []);

  const locked = retryAt !== null && now < retryAt;
  const error = signIn.error;

  if (session.data && !signIn.isPending) return <Navigate to={next} replace />;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (locked) return;
    const problems = {
      email: email.trim() ? undefined : "Enter the email address you were invited with.",
      password: password ? undefined : "Enter your password.",
    };
    setMissing(problems);
    if (problems.email || problems.password) return;
    signIn.mutate(
      { email: email.trim(), password },
      {
        onSuccess: () => navigate(next, { replace: true }),
        onError: (failure) => {
          if (failure instanceof ApiError && failure.status === 429) {
            setRetryAt(Date.now() + (failure.retryAfterSeconds ?? 60) * 1000);
          }
        },
      },
    );
  };

  return (
    <AuthLayout title="Sign in">
      <form onSubmit={onSubmit} noValidate aria-labelledby="login-title">
        <Stack gap="md">
          <Title order={1} fz="h3" id="login-title">
            Sign in
          </Title>
          {error ? <LoginProblem error={error} retryAt={retryAt} now={now} /> : null}
          <TextInput
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            inputMode="email"
            required
            withAsterisk={false}
            value={email}
            onChange={(e) => {
              setEmail(e.currentTarget.value);
              // The limit may be for this account only: another email can be tried at once.
              setRetryAt(null);
            }}
            error={missing.email}
            ref={emailRef}
          />
          <PasswordInput
            label="Password"
            name="password"
            autoComplete="current-password"
            required
            withAsterisk={false}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={missing.password}
          />
          <Button type="submit" loading={signIn.isPending} disabled={locked} fullWidth>
            Sign in
          </Button>
          <Text size="xs" c="dimmed" ta="center">
            New here or forgot your password? Ask an admin of your organization for a set-up link.
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}

function LoginProblem({ error, retryAt, now }: { error: unknown; retryAt: number | null; now: number }) {
  if (error instanceof ApiError && error.status === 429) {
    const seconds = retryAt ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : 0;
    return (
      <Alert
        color="orange"
        variant="light"
        icon={<IconClockPause size={20} aria-hidden />}
        title="Too many attempts"
        role="alert"
      >
        <Text size="sm">{error.detail}</Text>
        <Text size="sm" mt={4} fw={500}>
          {seconds > 0 && retryAt
            ? `You can try again at ${formatMoment(new Date(retryAt))} (${waitWords(seconds)}).`
            : "You can try again now."}
        </Text>
      </Alert>
    );
  }
  if (error instanceof ApiError && error.status === 401) {
    return (
      <Alert
        color="red"
        variant="light"
        icon={<IconAlertTriangle size={20} aria-hidden />}
        title="Could not sign you in"
        role="alert"
      >
        <Text size="sm">{error.detail}</Text>
      </Alert>
    );
  }
  return <ProblemAlert error={error} title="Could not sign you in" />;
}

function waitWords(seconds: number): string {
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** Date.now(), re-read every second while `active` (for the "try again in…" countdown). */
function useSecondTicker(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const tick = () => setNow(Date.now());
    const first = window.setTimeout(tick, 0);
    const id = window.setInterval(tick, 1000);
    return () => {
      window.clearTimeout(first);
      window.clearInterval(id);
    };
  }, [active]);
  return now;
}
