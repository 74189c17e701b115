import { DynamicModule } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { InternalAuthConfig, internalAuthConfig } from '../auth/internal-auth.config';
import { ConfigLoader, repositorySecretProblems } from '../config';
import {
  MiddlewareDefinition,
  MiddlewareRegistry,
  resolveServiceMiddlewares,
  ServiceMiddlewares,
} from '../middlewares';
import { ToolkitPluginKind } from '../plugins';
import { ServiceDefinition } from './define-service';
import { DeploymentMode, readDeploymentMode } from './deployment-mode';
import { APP_ROOT } from './proto-paths';
import {
  GrpcServerConfig,
  grpcServerConfigSection,
  RuntimeConfig,
  runtimeConfigSection,
} from './runtime-config';
import { createPinoLogger, ToolkitLogger } from './toolkit-logger';
import { TOOLKIT_MIDDLEWARES_MODULE } from './toolkit-middlewares';

/** Everything loaded from the environment for one service, before any Nest app exists. @internal */
export interface LoadedServiceConfig {
  loader: ConfigLoader;
  runtime: RuntimeConfig;
  /** Absent when the proto declares no GRPC server. */
  grpcServer?: GrpcServerConfig;
  settings: Readonly<Record<string, unknown>>;
  /** The key of internal caller tokens (signed by gateways, verified by backends). */
  internalAuth: InternalAuthConfig;
  deployment: DeploymentMode;
  /** The app's logger: pino JSON lines named `<PREFIX>_APP_NAME`, at `<PREFIX>_LOG_LEVEL`. */
  logger: ToolkitLogger;
  /** Every `@ToolkitMiddleware` provider of the app's module tree, the toolkit's included. */
  middlewareRegistry: MiddlewareRegistry;
  middlewares: ServiceMiddlewares;
  /**
   * Config values of every registered middleware: validated (and listed by `--help`) for the
   * used ones; for the others, read without validation, since their providers are still
   * instantiated by the modules that list them.
   */
  middlewareConfig: ReadonlyMap<MiddlewareDefinition, Readonly<Record<string, unknown>>>;
  pluginModules: DynamicModule[];
}

/**
 * Loads the runtime section, the service's settings, each plugin's module (the plugin kind loads
 * its own section) and each used middleware's section, in that order. With
 * `NODE_ENV=production`, a secret variable set to a value found in the app's `.env` or
 * `.env.example` is a problem too. Does not throw on bad
 * values: call `loader.assertValid()` (bootstrap) or `loader.describe()` (`--help`).
 * @throws Error for an unknown plugin kind or middleware name (a programming error, not config).
 * @internal
 */
export function loadServiceConfig(
  definition: ServiceDefinition,
  env: Readonly<Record<string, string | undefined>>,
  pluginKinds: readonly ToolkitPluginKind[],
  /** Where `.env` and `.env.example` are looked for (production secret check). */
  appRoot: string = APP_ROOT,
  /** Where the app's logger writes; default stdout. */
  logDestination?: DestinationStream,
): LoadedServiceConfig {
  const loader = new ConfigLoader(definition.envPrefix, env);
  const runtime = loader.load(
    runtimeConfigSection({ appName: definition.name, httpPort: definition.defaultHttpPort }),
  );
  const grpcServer = definition.descriptor.servers.includes('GRPC')
    ? loader.load(grpcServerConfigSection(definition.defaultGrpcPort))
    : undefined;
  // Built before the plugins, which log through it; an invalid level is reported, and logs at info.
  const logger = new ToolkitLogger(
    createPinoLogger({
      level: runtime.LOG_LEVEL ?? 'info',
      name: runtime.APP_NAME,
      destination: logDestination,
    }),
  );
  const settings = definition.settings ? loader.load(definition.settings) : {};
  const internalAuth = loader.load(internalAuthConfig);
  const deployment = readDeploymentMode(env);
  const pluginModules = definition.descriptor.plugins.map((plugin) => {
    const kind = pluginKinds.find((candidate) => candidate.kind === plugin.kind);
    if (!kind) {
      const known = pluginKinds.map((candidate) => candidate.kind).join(', ') || 'none';
      throw new Error(
        `${definition.name}: plugin "${plugin.prefix}" has kind ${plugin.kind}, which no plugin implements (known: ${known})`,
      );
    }
    return kind.module({
      serviceName: definition.name,
      envPrefix: definition.envPrefix,
      prefix: plugin.prefix,
      config: loader,
      production: deployment.production,
      allowEmbedded: deployment.allowEmbedded,
      options: definition.plugins?.[plugin.prefix],
      logger,
    });
  });
  const middlewareRegistry = MiddlewareRegistry.scan([
    TOOLKIT_MIDDLEWARES_MODULE,
    ...pluginModules,
    definition.module,
  ]);
  const middlewares = resolveServiceMiddlewares(
    definition.name,
    definition.descriptor,
    middlewareRegistry,
  );
  const middlewareConfig = new Map<MiddlewareDefinition, Readonly<Record<string, unknown>>>();
  const unvalidated = new ConfigLoader(definition.envPrefix, env);
  for (const middleware of middlewareRegistry.definitions()) {
    const used = middlewares.used.has(middleware);
    const values = middleware.config ? (used ? loader : unvalidated).load(middleware.config) : {};
    middlewareConfig.set(middleware, values);
  }
  // A secret committed to the repository is known to everyone: production refuses to run on one.
  if (deployment.production) {
    for (const problem of repositorySecretProblems(loader.secretValues(), appRoot)) {
      loader.report(problem);
    }
  }
  return {
    loader,
    runtime,
    grpcServer,
    settings,
    internalAuth,
    deployment,
    logger,
    middlewareRegistry,
    middlewares,
    middlewareConfig,
    pluginModules,
  };
}
