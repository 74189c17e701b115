import {
  ConfigurableModuleBuilder,
  ConfigurableModuleHost,
  DynamicModule,
  LoggerService,
  Provider,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { DependencyFailures } from '../../toolkit/errors';
import { PluginStatusRegistry, ShutdownSequence } from '../../toolkit/plugins';
import type { ToolkitMetrics } from '../../toolkit/runtime/toolkit-metrics';
import { TOOLKIT_METRICS } from '../../toolkit/runtime/tokens';
import type { PgsqlPlugin } from '../pgsql/pgsql.plugin';
import { getPgsqlToken } from '../pgsql/pgsql.tokens';
import { embeddedBroker } from './embedded/embedded-broker';
import { EmbeddedQueueClient } from './embedded/embedded-queue.client';
import { watchOutbox } from './outbox/outbox.metrics';
import { OutboxRelay } from './outbox/outbox.relay';
import { OutboxWriter } from './outbox/outbox.writer';
import { DEFAULT_OUTBOX_TABLE } from './outbox/outbox-table';
import { QueueBackend } from './queue-backend';
import { QueueLifecycle } from './queue.lifecycle';
import { DEFAULT_QUEUE_PREFIX } from './queue.constants';
import { QueueEventMetrics } from './queue.metrics';
import {
  OutboxConfig,
  QueueConfig,
  brokerUrl,
  redactedBrokerUrl,
  usesEmbeddedBroker,
} from './queue.config';
import { getOutboxWriterToken, getQueueToken } from './queue.tokens';
import { OutboxPluginOptions } from './queue.types';
import { RabbitQueueClient } from './rabbit/rabbit-queue.client';
import { RetryPolicy } from './retry-policy';

const OUTBOX_MAX_BACKOFF_MS = 30_000;

/** What `QueueModule.forRoot` takes besides the extras: the parsed `<ENV_PREFIX>_<PREFIX>_*`. @publicApi */
export interface QueueModuleOptions {
  serviceName: string;
  config: QueueConfig;
  /** The `OUTBOX_*` values; required when the `outbox` extra is set. */
  outboxConfig?: OutboxConfig;
  /** The app's logger (`PluginContext.logger`), with the instance as its context. */
  logger: LoggerService;
}

/**
 * Extras of `forRoot`: what shapes the module rather than configures it. The prefix keys every
 * exported token; `outbox` adds the writer and its relay (and the pgsql token they read).
 */
interface QueueModuleExtras {
  prefix: string;
  isGlobal: boolean;
  outbox?: OutboxPluginOptions;
}

export const {
  ConfigurableModuleClass: QueueConfigurableModule,
  MODULE_OPTIONS_TOKEN: QUEUE_MODULE_OPTIONS,
}: ConfigurableModuleHost<QueueModuleOptions, 'forRoot', 'create', QueueModuleExtras> =
  new ConfigurableModuleBuilder<QueueModuleOptions>()
    .setClassMethodName('forRoot')
    .setExtras<QueueModuleExtras>(
      { prefix: DEFAULT_QUEUE_PREFIX, isGlobal: true, outbox: undefined },
      (definition, extras): DynamicModule => {
        const providers = queueProviders(extras.prefix);
        const exports = [getQueueToken(extras.prefix)];
        if (extras.outbox) {
          providers.push(...outboxProviders(extras.prefix, extras.outbox));
          exports.push(getOutboxWriterToken(extras.prefix));
        }
        return {
          ...definition,
          global: extras.isGlobal,
          imports: [...(definition.imports ?? []), DiscoveryModule],
          providers: [...(definition.providers ?? []), ...providers],
          exports,
        };
      },
    )
    .build();

function queueProviders(prefix: string): Provider[] {
  const queueToken = getQueueToken(prefix);
  return [
    {
      provide: queueToken,
      inject: [QUEUE_MODULE_OPTIONS, { token: TOOLKIT_METRICS, optional: true }],
      useFactory: (
        options: QueueModuleOptions,
        metrics: ToolkitMetrics | undefined,
      ): QueueBackend =>
        createBackend(prefix, options, metrics && new QueueEventMetrics(metrics.registry)),
    },
    {
      provide: `${queueToken}:lifecycle`,
      useFactory: (
        options: QueueModuleOptions,
        backend: QueueBackend,
        discovery: DiscoveryService,
        scanner: MetadataScanner,
        reflector: Reflector,
        registry: PluginStatusRegistry | undefined,
        failures: DependencyFailures | undefined,
        shutdown: ShutdownSequence | undefined,
      ) => {
        const embedded = usesEmbeddedBroker(options.config);
        return new QueueLifecycle(backend, {
          prefix,
          serviceName: options.serviceName,
          backendDescription: embedded
            ? 'embedded in-process broker'
            : `rabbitmq ${redactedBrokerUrl(brokerUrl(options.config))} exchange ${options.config.EXCHANGE}`,
          embedded,
          discovery,
          scanner,
          reflector,
          registry,
          failures,
          shutdown,
          logger: options.logger,
        });
      },
      inject: [
        QUEUE_MODULE_OPTIONS,
        queueToken,
        DiscoveryService,
        MetadataScanner,
        Reflector,
        { token: PluginStatusRegistry, optional: true },
        { token: DependencyFailures, optional: true },
        { token: ShutdownSequence, optional: true },
      ],
    },
  ];
}

function createBackend(
  prefix: string,
  options: QueueModuleOptions,
  metrics: QueueEventMetrics | undefined,
): QueueBackend {
  const { config, logger } = options;
  const retry: RetryPolicy = {
    maxRetries: config.RETRY_COUNT,
    initialDelayMs: config.RETRY_BACKOFF,
    maxDelayMs: config.RETRY_BACKOFF_MAX,
  };
  if (usesEmbeddedBroker(config)) {
    return new EmbeddedQueueClient(
      embeddedBroker(config.EXCHANGE),
      retry,
      config.PREFETCH,
      logger,
      metrics,
    );
  }
  return new RabbitQueueClient(
    {
      url: brokerUrl(config),
      name: `${options.serviceName}/${prefix}`,
      exchange: config.EXCHANGE,
      prefetch: config.PREFETCH,
      retry,
      reconnectInitialMs: config.RECONNECT_INTERVAL,
      reconnectMaxMs: config.RECONNECT_INTERVAL_MAX,
      publishTimeoutMs: config.PUBLISH_TIMEOUT,
      heartbeatMs: config.HEARTBEAT,
      metrics,
    },
    logger,
  );
}

function outboxProviders(prefix: string, outbox: OutboxPluginOptions): Provider[] {
  const writerToken = getOutboxWriterToken(prefix);
  return [
    {
      provide: writerToken,
      useFactory: () => new OutboxWriter(outbox.table ?? DEFAULT_OUTBOX_TABLE),
    },
    {
      provide: `${writerToken}:relay`,
      useFactory: (
        options: QueueModuleOptions,
        queue: QueueBackend,
        pgsql: PgsqlPlugin,
        writer: OutboxWriter,
        shutdown: ShutdownSequence | undefined,
        metrics: ToolkitMetrics | undefined,
      ) => {
        const config = options.outboxConfig;
        if (!config) throw new Error(`queue ${prefix}: the outbox needs outboxConfig`);
        if (metrics) watchOutbox(metrics.registry, pgsql.dataSource, writer.table);
        return new OutboxRelayLifecycle(
          new OutboxRelay(
            queue,
            pgsql.dataSource,
            writer,
            {
              pollIntervalMs: config.OUTBOX_POLL_INTERVAL,
              batchSize: config.OUTBOX_BATCH_SIZE,
              maxBackoffMs: OUTBOX_MAX_BACKOFF_MS,
            },
            options.logger,
          ),
          shutdown,
        );
      },
      inject: [
        QUEUE_MODULE_OPTIONS,
        getQueueToken(prefix),
        getPgsqlToken(outbox.pgsqlPrefix),
        writerToken,
        { token: ShutdownSequence, optional: true },
        { token: TOOLKIT_METRICS, optional: true },
      ],
    },
  ];
}

/**
 * Starts the relay once every module (the pgsql data source included) is initialized; on
 * shutdown, once calls and handlers drained, publishes what they committed (the flush step).
 */
class OutboxRelayLifecycle {
  constructor(
    private readonly relay: OutboxRelay,
    shutdown: ShutdownSequence | undefined,
  ) {
    shutdown?.onFlush((remainingMs) => this.relay.flush(remainingMs));
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  /** Before the queue stops and the data source closes: finish the batch in flight. */
  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }
}
