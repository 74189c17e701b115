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
