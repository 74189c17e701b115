/** The wildcard entry of an allow-list: any origin. @publicApi */
export const ANY_ORIGIN = '*';

/** Browsers send origins lower-case without a trailing slash; configured ones may have either. */
function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

/**
 * The `Origin`s a service accepts (CORS, WebSocket upgrades of realtime hubs and the gateway's
 * sockets), compared the way browsers send them. `*` allows any.
 * @publicApi
 */
export interface OriginAllowList {
  /** Every origin is allowed. */
  readonly any: boolean;
  /** The configured origins, normalized (for logs). */
  readonly origins: readonly string[];
  allows(origin: string): boolean;
}

/**
 * Compiles a configured list. `emptyAllowsAny`: an empty list allows every origin (the realtime
 * hub's default); otherwise an empty list allows none.
 * @publicApi
 */
export function originAllowList(
  configured: readonly string[],
  { emptyAllowsAny = false }: { emptyAllowsAny?: boolean } = {},
): OriginAllowList {
  const origins = new Set(configured.map(normalizeOrigin));
  const any = origins.has(ANY_ORIGIN) || (emptyAllowsAny && origins.size === 0);
  return {
    any,
    origins: [...origins],
    allows: (origin) => any || origins.has(normalizeOrigin(origin)),
  };
}
