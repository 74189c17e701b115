import { DynamicModule } from '@nestjs/common';
import { ConfigLoader } from '../config';
import { PluginKind } from '../descriptor';
import type { ToolkitLogger } from '../runtime/toolkit-logger';

/**
 * What a plugin kind receives to build the module of one instance (one prefix of one service).
 * The module is built before the Nest app exists so that every service's and plugin's variables
 * are validated together, and `--help` can list them without connecting to anything.
 * @publicApi
 */
export interface PluginContext {
  /** Service name, e.g. `user-service`. */
  serviceName: string;
  /** `USER_SERVICE`. */
  envPrefix: string;
  /** The prefix declared in the proto, e.g. `pgsql`; the config scope is its upper-case form. */
  prefix: string;
  /** Load the plugin's config section through this (problems are reported all at once). */
  config: ConfigLoader;
  /** `NODE_ENV=production`: embedded backends are refused unless `TOOLKIT_ALLOW_EMBEDDED=true`. */
  production: boolean;
  allowEmbedded: boolean;
  /** Options the service passes for this prefix (e.g. entities and migrations for pgsql). */
  options: unknown;
  /** The app's logger (also injectable as `ToolkitLogger`): lines name the service. */
  logger: ToolkitLogger;
}

/** A plugin kind: builds one global dynamic module per instance. @publicApi */
export interface ToolkitPluginKind {
  kind: PluginKind;
  /** Must export the instance under `getPluginToken(kind, prefix)` and be `global: true`. */
  module(context: PluginContext): DynamicModule;
}

/** Injection token of a plugin instance. @publicApi */
export function getPluginToken(kind: PluginKind, prefix: string): string {
  return `toolkit:${kind}:${prefix}`;
}
