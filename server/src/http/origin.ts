/**
 * Whether a browser request's Origin may act on this server: our own origin (same host as the
 * request), or one listed in ALLOWED_ORIGINS. A request without Origin is not from a browser
 * page (scripts, the stock Node client) and cannot ride on someone else's cookie cross-site.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowList: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowList.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false; // "null" and other opaque origins
  }
}
