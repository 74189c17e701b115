import { LoggerService } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { DependencyFailures } from '../../toolkit/errors';
import { PluginStatusRegistry, ShutdownSequence } from '../../toolkit/plugins';
import { BrokerUnavailableError } from './queue.errors';
import { QueueBackend } from './queue-backend';
import { QUEUE_PLUGIN_KIND } from './queue.constants';
import { discoverSubscribers, subscribeDiscovered } from './queue-subscriber.explorer';
import { RabbitQueueClient } from './rabbit/rabbit-queue.client';

/** What the lifecycle of one queue instance needs besides its backend. */
export interface QueueLifecycleContext {
  prefix: string;
  serviceName: string;
  /** Start-up log and readiness line, without password. */
  backendDescription: string;
  embedded: boolean;
  discovery: DiscoveryService;
  scanner: MetadataScanner;
  reflector: Reflector;
  /** Absent when the plugin runs in an app without the toolkit runtime. */
  registry?: PluginStatusRegistry;
  /** Absent without the toolkit runtime, like `registry`. */
  failures?: DependencyFailures;
  shutdown?: ShutdownSequence;
  logger: LoggerService;
}

/**
 * Connects in the background at module init (never blocking start-up), subscribes the
 * `@QueueSubscribe` handlers at bootstrap, stops consuming and drains handlers with the calls on
 * shutdown (while databases are still open), and closes the connection last.
 */
export class QueueLifecycle {
  constructor(
    private readonly backend: QueueBackend,
    private readonly context: QueueLifecycleContext,
  ) {}

  async onModuleInit(): Promise<void> {
    const { prefix, serviceName, backendDescription, embedded, registry, logger } = this.context;
    if (this.backend instanceof RabbitQueueClient) await this.backend.start();
    this.context.failures?.register({
      dependency: `RabbitMQ ${serviceName}/${prefix}`,
      matches: (error) => error instanceof BrokerUnavailableError,
    });
    // Consumers stop with the HTTP and gRPC drain, while the database is still open.
    this.context.shutdown?.onDrain(() => this.backend.stopConsuming());
    if (registry) {
      registry.register({
        prefix,
        kind: QUEUE_PLUGIN_KIND,
        backend: backendDescription,
        embedded,
        check: () => this.backend.check(),
      });
    } else {
      logger.log(`queue "${prefix}": ${backendDescription}`);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    const { discovery, scanner, reflector, prefix, serviceName, logger } = this.context;
    const subscribers = discoverSubscribers(discovery, scanner, reflector, prefix);
    await subscribeDiscovered(this.backend, serviceName, subscribers, logger);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.backend.stopConsuming();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.backend.close();
  }
}
