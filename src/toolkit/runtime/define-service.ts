import { DynamicModule, Type } from '@nestjs/common';
import { ConfigSection } from '../config';
import { ServiceDescriptor } from '../descriptor';

/** Everything the runtime needs to boot one service. @publicApi */
export interface ServiceDefinition {
  /** `user-service`: names the app in `SERVICES`, logs, metrics and plugin contexts. */
  name: string;
  /** `USER_SERVICE`: prefix of every variable of the service. */
  envPrefix: string;
  /** The generated `XDescriptor`. */
  descriptor: ServiceDescriptor;
  /** The service's Nest module (controllers, providers). */
  module: Type<unknown> | DynamicModule;
  /** The service's own variables (scope ''), injectable with `InjectServiceSettings()`. */
  settings?: ConfigSection;
  /** Options per plugin prefix, passed to the plugin kind as `PluginContext.options`. */
  plugins?: Readonly<Record<string, unknown>>;
  defaultHttpPort: number;
  defaultGrpcPort: number;
  /** Directory the descriptor's `protoFile` is relative to; default the repository's `proto/`. */
  protoRoot?: string;
}

/**
 * Declares a service for `bootstrapService` and `main.ts`.
 * @throws Error when `plugins` names a prefix the proto does not declare.
 * @publicApi
 */
export function defineService<D extends ServiceDefinition>(definition: D): D {
  const declared = new Set(definition.descriptor.plugins.map((plugin) => plugin.prefix));
  for (const prefix of Object.keys(definition.plugins ?? {})) {
    if (!declared.has(prefix)) {
      throw new Error(
        `${definition.name}: plugin options for "${prefix}", which ${definition.descriptor.fullName} does not declare`,
      );
    }
  }
  if (!/^[A-Z][A-Z0-9_]*$/.test(definition.envPrefix)) {
    throw new Error(`${definition.name}: envPrefix ${definition.envPrefix} must be UPPER_SNAKE`);
  }
  return definition;
}
