import { Button, Center, Stack } from "@mantine/core";
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { Loading } from "../ui/Loading.tsx";
import { ProblemAlert } from "../ui/ProblemAlert.tsx";
import { useSession } from "./session.ts";

/** Lets signed-in people through; sends everyone else to /login, remembering where they were going. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) {
    return (
      <Center mih="100dvh">
        <Loading label="Opening Liaison…" />
      </Center>
    );
  }
  if (session.isError) {
    return (
      <Center mih="100dvh" p="md">
        <Stack maw={480} w="100%">
          <ProblemAlert error={session.error} title="Liaison is not reachable" />
          <Button variant="default" onClick={() => session.refetch()} loading={session.isFetching}>
            Try again
          </Button>
        </Stack>
      </Center>
    );
  }
  if (!session.data) {
    const here = location.pathname + location.search;
    const next = here === "/" ? "" : `?next=${encodeURIComponent(here)}`;
    return <Navigate to={`/login${next}`} replace />;
  }
  return children;
}
