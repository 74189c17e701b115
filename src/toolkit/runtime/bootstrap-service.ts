import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import { internalAuthProblem } from '../auth/internal-auth.config';
import { StartupError } from '../config';
import { DependencyFailures, ToolkitError, ToolkitExceptionFilter } from '../errors';
import { BUILTIN_MIDDLEWARES, MiddlewareContext } from '../middlewares';
import { PluginStatusRegistry, ShutdownSequence } from '../plugins';
import { PipelineOptions } from '../pipeline/call-observer';
import { mountHttpPlans } from '../pipeline/http-mount';
import { OpenStreams } from '../pipeline/open-streams';
import { PlanCompiler } from '../pipeline/plan-compiler';
import { ServiceDefinition } from './define-service';
import { HealthState } from './health';
import { installApiDocs } from './api-docs';
import { installHttpEndpoints } from './http-endpoints';
import { closeConnectionsWhile, trackHttpConnections } from './http-drain';
import { fastifyErrorOptions } from './fastify-errors';
import { LOADER_OPTIONS, PROTO_ROOT } from './proto-paths';
import { LoadedServiceConfig, loadServiceConfig } from './service-config';
import { ToolkitCoreModule } from './toolkit-core.module';
import { ToolkitGrpcServer } from './toolkit-grpc-server';
import { ToolkitLogger } from './toolkit-logger';
import { ToolkitMetrics } from './toolkit-metrics';
import { PluginKindsSource } from './plugin-kinds';
import { WebSocketRoutes } from './websocket-routes';

/** What `bootstrapService` builds the app from, and overrides (tests pass `env` and port 0). @publicApi */
export interface BootstrapOptions {
  /**
   * The plugin kinds the proto's plugins are built from (src/main.ts passes `PLUGIN_KINDS` of
   * src/plugins): the toolkit knows plugins only through this list, never by importing them.
   */
  pluginKinds: PluginKindsSource;
  /** Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Overrides `<PREFIX>_SERVER_PORT`. */
  httpPort?: number;
  /** Overrides `<PREFIX>_GRPC_SERVER_PORT`. */
  grpcPort?: number;
  /** Where the app's logger (pino JSON lines named `<PREFIX>_APP_NAME`) writes; default stdout. */
  logDestination?: DestinationStream;
}

/** A running service app. @publicApi */
export interface RunningService {
  app: NestFastifyApplication;
  /** `http://127.0.0.1:<bound port>` (the listen host when it is not a wildcard). */
  httpUrl: string;
  /** `127.0.0.1:<bound port>`; undefined when the proto declares no GRPC server. */
  grpcTarget?: string;
  /**
   * Readiness turns 503, listeners stop accepting, in-flight HTTP and gRPC calls and queue
   * handlers drain, the outbox publishes what they committed (all within the grace period), then
   * plugins close.
   */
  close(): Promise<void>;
}

/**
 * Boots one service as a Nest app whose rpcs the toolkit serves itself, on Fastify and grpc-js: validates every variable at once
 * (throws `ConfigValidationError`), builds plugin modules, installs request plumbing, probes,
 * metrics, gRPC health and reflection, then listens (plugins connect during init, before that).
 * @publicApi
 */
export async function bootstrapService(
  definition: ServiceDefinition,
  options: BootstrapOptions,
): Promise<RunningService> {
  const env = options.env ?? process.env;
  const config = loadServiceConfig(
    definition,
    env,
    options.pluginKinds,
    undefined,
    options.logDestination,
  );
  config.loader.assertValid();
  const internalAuthProblemFound = internalAuthProblem(
    definition.envPrefix,
    config.internalAuth,
    config.deployment.production,
  );
  if (internalAuthProblemFound) throw new StartupError(internalAuthProblemFound);
  return startService(definition, options, config, config.logger.pino, config.logger);
}

async function startService(
  definition: ServiceDefinition,
  options: BootstrapOptions,
  config: LoadedServiceConfig,
  pino: PinoLogger,
  logger: ToolkitLogger,
): Promise<RunningService> {
  const { runtime, middlewares } = config;
  const metrics = new ToolkitMetrics(runtime.APP_NAME);
  const pluginStatus = new PluginStatusRegistry();
  const dependencyFailures = new DependencyFailures();
  const shutdown = new ShutdownSequence();
  const filter = new ToolkitExceptionFilter(dependencyFailures, logger);
  const health = new HealthState(pluginStatus);
  const used = new Set([...middlewares.used.keys()].map((middleware) => middleware.name));
  const plumbing: PipelineOptions = {
    metrics: runtime.ENABLE_METRICS ? metrics : undefined,
    accessLog: used.has(BUILTIN_MIDDLEWARES.logging) ? pino : undefined,
    echoRequestId: used.has(BUILTIN_MIDDLEWARES.requestId),
    requestTimeoutMs: runtime.REQUEST_TIMEOUT,
    streamTimeoutMs: runtime.STREAM_TIMEOUT,
    streams: new OpenStreams(),
    logger: pino,
  };

  @Module({
    imports: [
      ToolkitCoreModule.forService({
        definition,
        config,
        metrics,
        pluginStatus,
        dependencyFailures,
        shutdown,
        health,
        logger,
        websocket: plumbing,
      }),
      ...config.pluginModules,
      definition.module,
    ],
  })
  class ToolkitAppModule {}

  const adapter = new FastifyAdapter({
    bodyLimit: runtime.SERVER_BODY_LIMIT,
    logger: false,
    ...fastifyErrorOptions(filter),
  });
  // Nest's own lines go through its static Logger, which this sets to this app's logger: apps
  // start one after another, so each app's start-up lines carry its name.
  const app = await NestFactory.create<NestFastifyApplication>(ToolkitAppModule, adapter, {
    logger,
    abortOnError: false,
  });
  app.useGlobalFilters(filter);

  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  const httpDrain = trackHttpConnections(app.getHttpServer());
  closeConnectionsWhile(fastify, () => health.isShuttingDown());
  installHttpEndpoints(fastify, health, plumbing.metrics);
  const openApi = definition.descriptor.openApi;
  if (runtime.ENABLE_API_DOCS && openApi) installApiDocs(fastify, openApi);
  const contexts = new Map<string, MiddlewareContext>();
  for (const [middleware, methods] of middlewares.used) {
    const context: MiddlewareContext = {
      serviceName: definition.name,
      envPrefix: definition.envPrefix,
      descriptor: definition.descriptor,
      methods,
      config: config.middlewareConfig.get(middleware) ?? {},
      logger,
    };
    contexts.set(middleware.name, context);
    middleware.installHttp?.(fastify, context);
  }

  // Plans need the controllers and guards DI built; they are mounted before anything listens.
  await app.init();
  const plans = app.get(PlanCompiler).compile();
  mountHttpPlans(fastify, plans, plumbing, filter);
  app.get(WebSocketRoutes).install(plans);

  let grpcServer: ToolkitGrpcServer | undefined;
  const grpcConfig = config.grpcServer;
  if (grpcConfig) {
    const grpcPort = options.grpcPort ?? grpcConfig.GRPC_SERVER_PORT;
    const protoRoot = definition.protoRoot ?? PROTO_ROOT;
    const interceptors = [...middlewares.used.keys()].flatMap((middleware) =>
      middleware.grpcInterceptor
        ? [middleware.grpcInterceptor(contexts.get(middleware.name)!)]
        : [],
    );
    grpcServer = new ToolkitGrpcServer(
      {
        url: `${grpcConfig.GRPC_SERVER_HOST}:${grpcPort}`,
        protoPath: join(protoRoot, definition.descriptor.protoFile),
        loader: { ...LOADER_OPTIONS, includeDirs: [protoRoot, ...LOADER_OPTIONS.includeDirs] },
        descriptor: definition.descriptor,
        health,
        serverOptions: { interceptors },
      },
      plans,
      plumbing,
      filter,
    );
  }

  await grpcServer?.listen();
  await app.listen({ port: options.httpPort ?? runtime.SERVER_PORT, host: runtime.SERVER_HOST });

  const httpPort = (app.getHttpServer().address() as AddressInfo).port;
  const httpUrl = `http://${loopbackFor(runtime.SERVER_HOST)}:${httpPort}`;
  const boundGrpcPort = grpcServer?.boundPort();
  const grpcHost = grpcConfig?.GRPC_SERVER_HOST ?? '';
  const grpcTarget =
    boundGrpcPort === undefined ? undefined : `${loopbackFor(grpcHost)}:${boundGrpcPort}`;
  for (const plugin of pluginStatus.list()) {
    logger.log(`plugin ${plugin.prefix} (${plugin.kind}): ${plugin.backend}`, definition.name);
  }
  logger.log(
    `${definition.name} listening: http ${runtime.SERVER_HOST}:${httpPort}` +
      (boundGrpcPort === undefined ? '' : `, grpc ${grpcHost}:${boundGrpcPort}`),
    definition.name,
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Not ready first, so that load balancers stop routing here; every answer from now on
      // carries `connection: close`, so keep-alive clients leave cleanly instead of being reset.
      health.markShuttingDown();
      const endsAt = Date.now() + runtime.SHUTDOWN_GRACE_PERIOD;
      const remainingMs = () => Math.max(0, endsAt - Date.now());
      const grace = setTimeout(() => {
        logger.warn(
          `${definition.name}: grace period over, cutting remaining calls`,
          definition.name,
        );
        grpcServer?.forceShutdown();
        app.getHttpServer().closeAllConnections();
      }, runtime.SHUTDOWN_GRACE_PERIOD);
      try {
        if (runtime.SHUTDOWN_DELAY > 0) {
          await sleep(Math.min(runtime.SHUTDOWN_DELAY, remainingMs()));
        }
        // Streams would hold the drain until the grace period: end them now, so their clients
        // reconnect elsewhere; unary calls in flight still finish.
        plumbing.streams.endAll(ToolkitError.unavailable('server shutting down'));
        // Stop accepting and drain: HTTP (busy keep-alive sockets end after their answer, idle
        // ones between requests), gRPC, and the plugins' consumers, all at once.
        await Promise.all([httpDrain.drain(), grpcServer?.close(), shutdown.drain(remainingMs)]);
        // Everything committed during the drain is handed over (the outbox) before plugins close.
        await shutdown.flush(remainingMs);
        await app.close();
      } finally {
        clearTimeout(grace);
      }
    })();
    return closing;
  };
  return { app, httpUrl, grpcTarget, close };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function loopbackFor(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
}
