import {
  ConfigurableModuleBuilder,
  ConfigurableModuleHost,
  DynamicModule,
  LoggerService,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketMetrics } from '../../toolkit/metrics';
import { PluginStatusRegistry } from '../../toolkit/plugins';
import type { ToolkitLogger } from '../../toolkit/runtime/toolkit-logger';
import type { ToolkitMetrics } from '../../toolkit/runtime/toolkit-metrics';
import { TOOLKIT_METRICS } from '../../toolkit/runtime/tokens';
import { getUpgradeHostToken } from '../../toolkit/transport/websocket';
import { FanoutBus } from './fanout/fanout-bus';
import { LocalFanout } from './fanout/local-fanout';
import { RedisFanout } from './fanout/redis-fanout';
import { RealtimeHub } from './hub/realtime-hub';
import { RealtimeSettings } from './realtime.config';
import { DEFAULT_REALTIME_PREFIX, getRealtimeToken } from './realtime.tokens';

/** What `RealtimeModule.forRoot` takes: the parsed `<ENV_PREFIX>_<PREFIX>_*` settings. @publicApi */
export interface RealtimeModuleOptions {
  settings: RealtimeSettings;
  /** The app's logger (`PluginContext.logger`), with the instance as its context. */
  logger: ToolkitLogger;
}

/** Extras of `forRoot`: the instance prefix keys the exported token. */
interface RealtimeModuleExtras {
  prefix: string;
  isGlobal: boolean;
}

export const {
  ConfigurableModuleClass: RealtimeConfigurableModule,
  MODULE_OPTIONS_TOKEN: REALTIME_MODULE_OPTIONS,
}: ConfigurableModuleHost<RealtimeModuleOptions, 'forRoot', 'create', RealtimeModuleExtras> =
  new ConfigurableModuleBuilder<RealtimeModuleOptions>()
    .setClassMethodName('forRoot')
    .setExtras<RealtimeModuleExtras>(
      { prefix: DEFAULT_REALTIME_PREFIX, isGlobal: true },
      (definition, extras): DynamicModule => {
        const token = getRealtimeToken(extras.prefix);
        return {
          ...definition,
          global: extras.isGlobal,
          providers: [
            ...(definition.providers ?? []),
            {
              provide: token,
              inject: [
                REALTIME_MODULE_OPTIONS,
                PluginStatusRegistry,
                HttpAdapterHost,
                { token: TOOLKIT_METRICS, optional: true },
              ],
              useFactory: (
                options: RealtimeModuleOptions,
                registry: PluginStatusRegistry,
                httpAdapterHost: HttpAdapterHost,
                metrics: ToolkitMetrics | undefined,
              ) =>
                createRealtimeHub(
                  extras.prefix,
                  options,
                  registry,
                  httpAdapterHost,
                  metrics && new WebSocketMetrics(metrics.registry, extras.prefix),
                ),
            },
            // The hub is also the toolkit's upgrade host of its prefix (websocket methods).
            { provide: getUpgradeHostToken(extras.prefix), useExisting: token },
          ],
          exports: [token, getUpgradeHostToken(extras.prefix)],
        };
      },
    )
    .build();

function createRealtimeHub(
  prefix: string,
  { settings, logger }: RealtimeModuleOptions,
  registry: PluginStatusRegistry,
  httpAdapterHost: HttpAdapterHost,
  metrics: WebSocketMetrics | undefined,
): RealtimeHub {
  const hubSettings = {
    pingIntervalMs: settings.PING_INTERVAL,
    maxPayload: settings.MAX_PAYLOAD,
    sendBufferLimit: settings.SEND_BUFFER_LIMIT,
    closeTimeoutMs: settings.CLOSE_TIMEOUT,
    maxConnections: settings.MAX_CONNECTIONS,
    allowedOrigins: settings.ALLOWED_ORIGINS,
  };
  return new RealtimeHub(
    prefix,
    hubSettings,
    createFanoutBus(settings, logger),
    registry,
    httpAdapterHost,
    logger,
    metrics,
  );
}

function createFanoutBus(settings: RealtimeSettings, logger: LoggerService): FanoutBus {
  if (settings.HOST === undefined) return new LocalFanout();
  return new RedisFanout({
    host: settings.HOST,
    port: settings.PORT,
    password: settings.PASSWORD,
    database: settings.DATABASE,
    channelPrefix: settings.CHANNEL_PREFIX,
    timeoutMs: settings.CONNECT_TIMEOUT,
    log: (level, message) => (level === 'warn' ? logger.warn(message) : logger.log(message)),
  });
}
