import { DynamicModule, Logger, Provider } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { DATABASE_CONNECTIONS, envName } from '../../toolkit/config';
import { DependencyFailures } from '../../toolkit/errors';
import {
  PluginContext,
  PluginStatusRegistry,
  ShutdownSequence,
  ToolkitPluginKind,
} from '../../toolkit/plugins';
import type { ToolkitMetrics } from '../../toolkit/runtime/toolkit-metrics';
import { TOOLKIT_METRICS } from '../../toolkit/runtime/tokens';
import type { PgsqlPlugin } from '../pgsql/pgsql.plugin';
import { getPgsqlToken } from '../pgsql/pgsql.tokens';
import { assertEmbeddedAllowed } from '../shared/embedded-guard';
import { embeddedBroker } from './embedded/embedded-broker';
import { EmbeddedQueueClient } from './embedded/embedded-queue.client';
import { watchOutbox } from './outbox/outbox.metrics';
import { OutboxRelay } from './outbox/outbox.relay';
import { OutboxWriter } from './outbox/outbox.writer';
import { DEFAULT_OUTBOX_TABLE } from './outbox/outbox-table';
import { QueueBackend } from './queue-backend';
import { QueueLifecycle } from './queue.lifecycle';
import { QUEUE_PLUGIN_KIND } from './queue.constants';
import { QueueEventMetrics } from './queue.metrics';
import {
  OutboxConfig,
  QueueConfig,
  brokerUrl,
  outboxConfigSection,
  queueConfigSection,
  redactedBrokerUrl,
  usesEmbeddedBroker,
} from './queue.config';
import { getOutboxWriterToken, getQueueToken } from './queue.tokens';
import { OutboxPluginOptions, QueuePluginOptions } from './queue.types';
import { RabbitQueueClient } from './rabbit/rabbit-queue.client';
import { RetryPolicy } from './retry-policy';

const OUTBOX_MAX_BACKOFF_MS = 30_000;

/**
 * Builds the global module of one queue instance (one prefix of one service): the `QueuePlugin`
 * under `getQueueToken(prefix)`, `@QueueSubscribe` discovery, readiness, and with `outbox` in the
 * plugin options the `OutboxWriter` (under `getOutboxWriterToken(prefix)`) and its relay.
 * @publicApi
 */
export function createQueueModule(context: PluginContext): DynamicModule {
  const config = context.config.load(queueConfigSection(context.prefix));
  const options = queuePluginOptions(context.options);
  const outboxConfig = options.outbox
    ? context.config.load(outboxConfigSection(context.prefix))
    : undefined;
  const logger = new Logger(`Queue:${context.prefix}`);
  // Each delivery being handled runs in one transaction, and a consumer has PREFETCH of them at
  // once: a pool smaller than that makes handlers wait on each other until the pool times out.
  context.config.demand(
    DATABASE_CONNECTIONS,
    config.PREFETCH,
    envName(context.envPrefix, queueConfigSection(context.prefix).scope, 'PREFETCH'),
    'each delivery a consumer handles at once holds one database connection for its transaction',
  );
  const embedded = usesEmbeddedBroker(config);
  if (embedded) {
    const hostVariable = envName(
      context.envPrefix,
      queueConfigSection(context.prefix).scope,
      'HOST',
    );
    assertEmbeddedAllowed(context, 'in-process broker', hostVariable);
  }
  const queueToken = getQueueToken(context.prefix);
  const lifecycleToken = `${queueToken}:lifecycle`;
  const providers: Provider[] = [
    {
      provide: queueToken,
      inject: [{ token: TOOLKIT_METRICS, optional: true }],
      useFactory: (metrics: ToolkitMetrics | undefined): QueueBackend =>
        createBackend(
          context,
          config,
          embedded,
          logger,
          metrics && new QueueEventMetrics(metrics.registry),
        ),
    },
    {
      provide: lifecycleToken,
      useFactory: (
        backend: QueueBackend,
        discovery: DiscoveryService,
        scanner: MetadataScanner,
        reflector: Reflector,
        registry: PluginStatusRegistry | undefined,
        failures: DependencyFailures | undefined,
        shutdown: ShutdownSequence | undefined,
      ) =>
        new QueueLifecycle(backend, {
          prefix: context.prefix,
          serviceName: context.serviceName,
          backendDescription: embedded
            ? 'embedded in-process broker'
            : `rabbitmq ${redactedBrokerUrl(brokerUrl(config))} exchange ${config.EXCHANGE}`,
          embedded,
          discovery,
          scanner,
          reflector,
          registry,
          failures,
          shutdown,
          logger,
        }),
      inject: [
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
  const exports: string[] = [queueToken];
  if (options.outbox && outboxConfig) {
    providers.push(...outboxProviders(context.prefix, options.outbox, outboxConfig, logger));
    exports.push(getOutboxWriterToken(context.prefix));
  }
  return {
    module: class QueuePluginModule {},
    global: true,
    imports: [DiscoveryModule],
    providers,
    exports,
  };
}

/** The `rabbitmq` plugin kind for the toolkit's plugin registry. @publicApi */
export const queuePluginKind: ToolkitPluginKind = {
  kind: QUEUE_PLUGIN_KIND,
  module: createQueueModule,
};

function createBackend(
  context: PluginContext,
  config: QueueConfig,
  embedded: boolean,
  logger: Logger,
  metrics: QueueEventMetrics | undefined,
): QueueBackend {
  const retry: RetryPolicy = {
    maxRetries: config.RETRY_COUNT,
    initialDelayMs: config.RETRY_BACKOFF,
    maxDelayMs: config.RETRY_BACKOFF_MAX,
  };
  if (embedded) {
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
      name: `${context.serviceName}/${context.prefix}`,
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

function outboxProviders(
  prefix: string,
  outbox: OutboxPluginOptions,
  config: OutboxConfig,
  logger: Logger,
): Provider[] {
  const writerToken = getOutboxWriterToken(prefix);
  const pgsqlToken = getPgsqlToken(outbox.pgsqlPrefix);
  return [
    {
      provide: writerToken,
      useFactory: () => new OutboxWriter(outbox.table ?? DEFAULT_OUTBOX_TABLE),
    },
    {
      provide: `${writerToken}:relay`,
      useFactory: (
        queue: QueueBackend,
        pgsql: PgsqlPlugin,
        writer: OutboxWriter,
        shutdown: ShutdownSequence | undefined,
        metrics: ToolkitMetrics | undefined,
      ) => {
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
            logger,
          ),
          shutdown,
        );
      },
      inject: [
        getQueueToken(prefix),
        pgsqlToken,
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

function queuePluginOptions(options: unknown): QueuePluginOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') throw new Error('queue plugin options must be an object');
  const outbox: unknown = Reflect.get(options, 'outbox');
  if (outbox === undefined) return {};
  if (typeof outbox !== 'object' || outbox === null) {
    throw new Error('queue plugin option "outbox" must be an object');
  }
  const pgsqlPrefix: unknown = Reflect.get(outbox, 'pgsqlPrefix');
  const table: unknown = Reflect.get(outbox, 'table');
  if (pgsqlPrefix !== undefined && typeof pgsqlPrefix !== 'string') {
    throw new Error('queue plugin option "outbox.pgsqlPrefix" must be a string');
  }
  if (table !== undefined && typeof table !== 'string') {
    throw new Error('queue plugin option "outbox.table" must be a string');
  }
  return { outbox: { pgsqlPrefix, table } };
}
