import { Navigate, useLocation } from "react-router";
import { toAppPath } from "./links.ts";

/**
 * `/relationships/:id/…` — the address notifications carry (the API's words) — opened directly,
 * e.g. from a bookmark or a future email: the same page at `/r/:id/…`, query string kept.
 */
export function ApiPathRedirect() {
  const { pathname, search, hash } = useLocation();
  return <Navigate to={toAppPath(pathname) + search + hash} replace />;
}
