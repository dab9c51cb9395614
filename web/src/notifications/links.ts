/**
 * Where a notification's link leads inside the web app. The server writes app paths (`/r/:id/…`);
 * links in the API's words (`/relationships/:id/…`) are mapped to the same pages. Links to another
 * site are not followed from the bell.
 */
export function appPathFor(link: string | null, origin = window.location.origin): string | null {
  if (!link) return null;
  let url: URL;
  try {
    url = new URL(link, origin);
  } catch {
    return null;
  }
  if (url.origin !== origin) return null;
  return toAppPath(url.pathname) + url.search + url.hash;
}

/** `/relationships/:id/protocol` → `/r/:id/protocol`; other paths unchanged. */
export function toAppPath(pathname: string): string {
  return pathname.replace(/^\/relationships\/([^/]+)/, "/r/$1");
}
