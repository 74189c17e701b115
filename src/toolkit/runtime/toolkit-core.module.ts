import { DynamicModule, Module, Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { CallerTokenGuard } from '../auth/caller-token.guard';
import { CallerTokens } from '../auth/caller-tokens';
import { DescriptorRegistry } from '../descriptor/registry';
import { DependencyFailures } from '../errors';
import { RouteMiddlewaresGuard, SERVICE_MIDDLEWARES } from '../middlewares';
import { PluginStatusRegistry, ShutdownSequence } from '../plugins';
import { PlanCompiler } from '../pipeline/plan-compiler';
import { ServiceDefinition } from './define-service';
import { HealthState } from './health';
import { LoadedServiceConfig } from './service-config';
import { createServiceConfigService } from './service-config-service';
import { ToolkitLogger } from './toolkit-logger';
import { createPinoLogger } from './toolkit-logger';
import { ToolkitMetrics } from './toolkit-metrics';
import { TOOLKIT_MIDDLEWARE_PROVIDERS } from './toolkit-middlewares';
import { OpenStreams } from '../pipeline/open-streams';
import { WEBSOCKET_PLUMBING, WebSocketPlumbing, WebSocketRoutes } from './websocket-routes';
import {
  DEPLOYMENT_MODE,
  getMiddlewareConfigToken,
  HEALTH_STATE,
  RUNTIME_CONFIG,
  SERVICE_DEFINITION,
  SERVICE_SETTINGS,
  TOOLKIT_METRICS,
} from './tokens';

/** Inputs of `ToolkitCoreModule.forService`. @internal */
export interface ToolkitCoreOptions {
  definition: ServiceDefinition;
  config: LoadedServiceConfig;
  metrics: ToolkitMetrics;
  pluginStatus: PluginStatusRegistry;
  /** Where plugins register how their backends report being unreachable. */
  dependencyFailures: DependencyFailures;
  /** Where plugins register their drain and flush steps of the shutdown. */
  shutdown: ShutdownSequence;
  health: HealthState;
  /** The app's logger, injected as `ToolkitLogger` by everything that logs. */
  logger: ToolkitLogger;
  /** Request id, access log and metrics switches for WebSocket upgrades; default all off. */
  websocket?: WebSocketPlumbing;
}

/**
 * Global providers of one service app: its definition, descriptor registry, runtime config,
 * settings (also as @nestjs/config's `ConfigService`), plugin status,
 * health, metrics, the middleware chains and their guards.
 * @internal
 */
@Module({})
export class ToolkitCoreModule {
  static forService(options: ToolkitCoreOptions): DynamicModule {
    const { definition, config } = options;
    const middlewareProviders: Provider[] = [];
    for (const [middleware, values] of config.middlewareConfig) {
      middlewareProviders.push({
        provide: getMiddlewareConfigToken(middleware.name),
        useValue: values,
      });
    }
    // The toolkit's own middleware providers need what the service declares for them (the
    // security ones a redis plugin), so only those the service uses are instantiated; the
    // service's own are provided by the modules that list them.
    for (const middleware of config.middlewares.used.keys()) {
      if (TOOLKIT_MIDDLEWARE_PROVIDERS.includes(middleware.provider)) {
        middlewareProviders.push(middleware.provider);
      }
    }
    const providers: Provider[] = [
      { provide: SERVICE_DEFINITION, useValue: definition },
      // The app's own: its codec caches and the types it knows are nobody else's in the process.
      {
        provide: DescriptorRegistry,
        useValue: new DescriptorRegistry([definition.descriptor.types]),
      },
      { provide: RUNTIME_CONFIG, useValue: config.runtime },
      { provide: SERVICE_SETTINGS, useValue: config.settings },
      {
        provide: ConfigService,
        useValue: createServiceConfigService(config.runtime, config.settings),
      },
      { provide: DEPLOYMENT_MODE, useValue: config.deployment },
      { provide: SERVICE_MIDDLEWARES, useValue: config.middlewares },
      { provide: PluginStatusRegistry, useValue: options.pluginStatus },
      { provide: DependencyFailures, useValue: options.dependencyFailures },
      { provide: ShutdownSequence, useValue: options.shutdown },
      { provide: HEALTH_STATE, useValue: options.health },
      { provide: TOOLKIT_METRICS, useValue: options.metrics },
      { provide: ToolkitLogger, useValue: options.logger },
      {
        provide: CallerTokens,
        useValue: new CallerTokens(
          config.internalAuth.SECRET,
          config.internalAuth.AUDIENCE ?? definition.name,
        ),
      },
      CallerTokenGuard,
      RouteMiddlewaresGuard,
      ...middlewareProviders,
    ];
    const websocket: WebSocketPlumbing = options.websocket ?? {
      echoRequestId: false,
      requestTimeoutMs: config.runtime.REQUEST_TIMEOUT,
      streamTimeoutMs: config.runtime.STREAM_TIMEOUT,
      streams: new OpenStreams(),
      logger: createPinoLogger({ level: config.runtime.LOG_LEVEL, name: config.runtime.APP_NAME }),
    };
    return {
      module: ToolkitCoreModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        ...providers,
        { provide: WEBSOCKET_PLUMBING, useValue: websocket },
        WebSocketRoutes,
        PlanCompiler,
      ],
      exports: providers,
    };
  }
}
