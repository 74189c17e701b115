import { StartupError } from '../config/startup-error';

/**
 * Whether the process runs in production (`NODE_ENV=production`), where embedded backends (embedded PostgreSQL,
 * in-process cache and broker, log transports) are refused unless `TOOLKIT_ALLOW_EMBEDDED=true`.
 * Plugins get it in their context; services inject it with `InjectDeploymentMode()`.
 * @publicApi
 */
export interface DeploymentMode {
  production: boolean;
  allowEmbedded: boolean;
}

/** Reads `NODE_ENV` and `TOOLKIT_ALLOW_EMBEDDED` (true, 1 or yes). @publicApi */
export function readDeploymentMode(
  env: Readonly<Record<string, string | undefined>>,
): DeploymentMode {
  return {
    production: env.NODE_ENV === 'production',
    allowEmbedded: ['true', '1', 'yes'].includes((env.TOOLKIT_ALLOW_EMBEDDED ?? '').toLowerCase()),
  };
}

/**
 * Embedded backends are for development: with `NODE_ENV=production` they are refused unless
 * `TOOLKIT_ALLOW_EMBEDDED=true`, so a missing variable never silently turns into a local store.
 * `what` names the fallback, `hostVariable` the variable that would avoid it.
 * @throws StartupError in production without the allowance.
 * @publicApi
 */
export function assertEmbeddedAllowed(
  mode: DeploymentMode & { serviceName: string },
  what: string,
  hostVariable: string,
): void {
  if (mode.production && !mode.allowEmbedded) {
    throw new StartupError(
      `${mode.serviceName}: ${hostVariable} is not set, and the embedded ${what} is refused in ` +
        `production; set ${hostVariable} (or TOOLKIT_ALLOW_EMBEDDED=true to allow it)`,
    );
  }
}
