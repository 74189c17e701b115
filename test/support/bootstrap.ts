import { PLUGIN_KINDS } from '../../src/plugins';
import {
  bootstrapService as bootstrapToolkitService,
  BootstrapOptions,
  RunningService,
  ServiceDefinition,
} from '../../src/toolkit/runtime';

/** `bootstrapService` with the plugin kinds this project ships, as src/main.ts boots services. */
export function bootstrapService(
  definition: ServiceDefinition,
  options: Omit<BootstrapOptions, 'pluginKinds'> = {},
): Promise<RunningService> {
  return bootstrapToolkitService(definition, { ...options, pluginKinds: PLUGIN_KINDS });
}
