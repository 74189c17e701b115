import { StartupError } from '../../toolkit/config';
import { PluginContext } from '../../toolkit/plugins';

/**
 * Embedded backends are for development: with `NODE_ENV=production` they are refused unless
 * `TOOLKIT_ALLOW_EMBEDDED=true`, so a missing variable never silently turns into a local store.
 */
export function assertEmbeddedAllowed(
  context: Pick<PluginContext, 'serviceName' | 'production' | 'allowEmbedded'>,
  what: string,
  hostVariable: string,
): void {
  if (context.production && !context.allowEmbedded) {
    throw new StartupError(
      `${context.serviceName}: ${hostVariable} is not set, and the embedded ${what} is refused in ` +
        `production; set ${hostVariable} (or TOOLKIT_ALLOW_EMBEDDED=true to allow it)`,
    );
  }
}
