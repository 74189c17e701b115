import { DynamicModule, Module } from '@nestjs/common';
import { DATABASE_CONNECTIONS, envName } from '../../toolkit/config';
import { PluginContext } from '../../toolkit/plugins';
import { assertEmbeddedAllowed } from '../../toolkit/runtime/deployment-mode';
import { outboxConfigSection, queueConfigSection, usesEmbeddedBroker } from './queue.config';
import { QueueConfigurableModule } from './queue.module-definition';
import { QueuePluginOptions } from './queue.types';

/**
 * One queue instance (one prefix of one service): `QueueModule.forRoot({ serviceName, config,
 * logger, prefix, outbox? })` exports the `QueuePlugin` under `getQueueToken(prefix)`, discovers
 * `@QueueSubscribe` handlers, reports readiness, and with the `outbox` extra provides the
 * `OutboxWriter` (under `getOutboxWriterToken(prefix)`) and its relay.
 * @publicApi
 */
@Module({})
export class QueueModule extends QueueConfigurableModule {
  /** Builds the instance from `<ENV_PREFIX>_<PREFIX>_*` (the toolkit's plugin-kind entry point). */
  static forPlugin(context: PluginContext): DynamicModule {
    const section = queueConfigSection(context.prefix);
    const config = context.config.load(section);
    const { outbox } = queuePluginOptions(context.options);
    const outboxConfig = outbox
      ? context.config.load(outboxConfigSection(context.prefix))
      : undefined;
    // Each delivery being handled runs in one transaction, and a consumer has PREFETCH of them at
    // once: a pool smaller than that makes handlers wait on each other until the pool times out.
    context.config.demand(
      DATABASE_CONNECTIONS,
      config.PREFETCH,
      envName(context.envPrefix, section.scope, 'PREFETCH'),
      'each delivery a consumer handles at once holds one database connection for its transaction',
    );
    if (usesEmbeddedBroker(config)) {
      const hostVariable = envName(context.envPrefix, section.scope, 'HOST');
      assertEmbeddedAllowed(context, 'in-process broker', hostVariable);
    }
    return QueueModule.forRoot({
      serviceName: context.serviceName,
      config,
      outboxConfig,
      logger: context.logger.forContext(`Queue:${context.prefix}`),
      prefix: context.prefix,
      isGlobal: true,
      outbox,
    });
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
