import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DATABASE_CONNECTIONS, StartupError, envName } from '../../toolkit/config';
import { DependencyFailures } from '../../toolkit/errors';
import { PluginContext, PluginStatusRegistry } from '../../toolkit/plugins';
import type { ToolkitMetrics } from '../../toolkit/runtime/toolkit-metrics';
import { TOOLKIT_METRICS } from '../../toolkit/runtime/tokens';
import { isPgsqlUnavailable } from './pgsql.failures';
import { assertEmbeddedAllowed, withTimeout } from '../shared';
import { pgsqlConfigSection } from './pgsql.config';
import { watchPgsqlPool } from './pgsql.metrics';
import { createEmbeddedPgsqlDataSource } from './embedded/embedded-pgsql.data-source';
import { EmbeddedPostgresUnavailableError } from './embedded/embedded-postgres-binaries';
import { EmbeddedPostgresStartError } from './embedded/embedded-postgres-cluster';
import { EmbeddedPostgresClusters } from './embedded/embedded-postgres-clusters';
import { PgsqlBackend, buildPgsqlBackend } from './pgsql.data-source';
import { PgsqlModuleOptions, parsePgsqlServiceOptions } from './pgsql.options';
import { PgsqlPlugin, TypeOrmPgsqlPlugin } from './pgsql.plugin';
import { getPgsqlToken } from './pgsql.tokens';

/** Pause before the first retry (doubled for each further one, capped). */
const RETRY_INITIAL_DELAY_MS = 50;
const RETRY_MAX_DELAY_MS = 1000;

/**
 * One postgres_gorm instance: a named @nestjs/typeorm DataSource (migrations run at start), the
 * {@link PgsqlPlugin} under `getPgsqlToken(prefix)`, and a readiness check (`SELECT 1`).
 *
 * Not built with ConfigurableModuleBuilder: its single MODULE_OPTIONS_TOKEN cannot be keyed by
 * prefix, and everything here must be, so that two instances can live in one app.
 * @publicApi
 */
@Module({})
export class PgsqlModule {
  /** Builds the instance from `<ENV_PREFIX>_<PREFIX>_*` (the toolkit's plugin-kind entry point). */
  static forPlugin(context: PluginContext): DynamicModule {
    const config = context.config.load(pgsqlConfigSection(context.prefix));
    const service = parsePgsqlServiceOptions(context.serviceName, context.prefix, context.options);
    const scope = context.prefix.toUpperCase();
    const hostVariable = envName(context.envPrefix, scope, 'HOST');
    context.config.provide(
      DATABASE_CONNECTIONS,
      config.POOL_SIZE,
      envName(context.envPrefix, scope, 'POOL_SIZE'),
    );
    if (!config.HOST && !config.DSN) {
      assertEmbeddedAllowed(context, 'PostgreSQL', hostVariable);
    }
    return PgsqlModule.register({
      ...service,
      prefix: context.prefix,
      serviceName: context.serviceName,
      config,
      hostVariable,
    });
  }

  /** Builds the instance from already-parsed options (tests, custom wiring). */
  static register(options: PgsqlModuleOptions): DynamicModule {
    const backend = buildPgsqlBackend(options);
    const name = nextDataSourceName(options.prefix, options.serviceName);
    const token = getPgsqlToken(options.prefix);
    const dataSourceToken = getDataSourceToken(name);
    const pluginProvider: Provider = {
      provide: token,
      inject: [dataSourceToken, { token: TOOLKIT_METRICS, optional: true }],
      useFactory: (dataSource: DataSource, metrics: ToolkitMetrics | undefined): PgsqlPlugin => {
        if (metrics) watchPgsqlPool(metrics.registry, options.prefix, dataSource);
        return new TypeOrmPgsqlPlugin(dataSource, {
          retries: options.config.RETRIES,
          initialDelayMs: RETRY_INITIAL_DELAY_MS,
          maxDelayMs: RETRY_MAX_DELAY_MS,
          backend: `PostgreSQL ${options.serviceName}/${options.prefix}`,
        });
      },
    };
    const statusProvider: Provider = {
      provide: `${token}:status`,
      inject: [
        PluginStatusRegistry,
        dataSourceToken,
        { token: DependencyFailures, optional: true },
      ],
      useFactory: (
        registry: PluginStatusRegistry,
        dataSource: DataSource,
        failures: DependencyFailures | undefined,
      ): true => {
        failures?.register({
          dependency: `PostgreSQL ${options.serviceName}/${options.prefix}`,
          matches: isPgsqlUnavailable,
        });
        registry.register({
          prefix: options.prefix,
          kind: 'postgres_gorm',
          backend: backend.description,
          embedded: backend.embedded,
          check: async () => {
            await withTimeout(
              dataSource.query('SELECT 1'),
              options.config.CONNECT_TIMEOUT,
              `no answer to SELECT 1 within ${options.config.CONNECT_TIMEOUT}ms`,
            );
          },
        });
        return true;
      },
    };
    return {
      module: PgsqlModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          name,
          useFactory: () => ({
            ...backend.dataSourceOptions,
            name,
            // A database that is down at start fails the start quickly and clearly. Retrying
            // an embedded start would only repeat a server start that failed.
            retryAttempts: 2,
            retryDelay: 1000,
            toRetry: () => !backend.embedded,
          }),
          // Embedded: every instance of the process shares one PostgreSQL server (its own
          // database on it), reached through the same `postgres` driver as a real server.
          dataSourceFactory: backend.embedded
            ? () => startEmbedded(options, { ...backend.dataSourceOptions, name }, backend)
            : undefined,
        }),
      ],
      providers: [pluginProvider, statusProvider],
      exports: [token],
    };
  }
}

/**
 * The embedded PostgreSQL servers of this process, shared by every pgsql instance of every
 * service in it (see {@link EmbeddedPostgresClusters} for why a ref-counted owner per process).
 */
const EMBEDDED_CLUSTERS = new EmbeddedPostgresClusters();

/** Starts (or joins) the embedded server; platform problems name the variable to set instead. */
async function startEmbedded(
  options: PgsqlModuleOptions,
  dataSourceOptions: PgsqlBackend['dataSourceOptions'],
  backend: PgsqlBackend,
): Promise<DataSource> {
  const instead = `set ${options.hostVariable ?? 'the pgsql HOST variable'} to use a PostgreSQL server`;
  try {
    return await createEmbeddedPgsqlDataSource(dataSourceOptions, {
      clusters: options.embeddedClusters ?? EMBEDDED_CLUSTERS,
      dataDir: backend.embeddedDataDir,
      database: backend.embeddedDatabase ?? options.serviceName,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof EmbeddedPostgresUnavailableError) {
      throw new StartupError(
        `${options.serviceName}: no embedded PostgreSQL on this machine: ${message}; ${instead}`,
      );
    }
    if (error instanceof EmbeddedPostgresStartError) {
      throw new StartupError(
        `${options.serviceName}: the embedded PostgreSQL did not start: ${message}\n(or ${instead})`,
      );
    }
    throw error;
  }
}

let dataSourcesNamed = 0;

/**
 * A name for one module instance's @nestjs/typeorm DataSource, e.g. `toolkit_pgsql_user_service_3`.
 * @nestjs/typeorm keeps names in a process-wide registry and warns when one repeats, which a
 * process booting one service twice (tests, instances sharing a fan-out) would do; within an app
 * the name only keys the DataSource provider, which the plugin reaches as `PgsqlPlugin.dataSource`.
 */
function nextDataSourceName(prefix: string, serviceName: string): string {
  dataSourcesNamed += 1;
  return `toolkit_${prefix}_${serviceName.replace(/[^A-Za-z0-9]+/g, '_')}_${dataSourcesNamed}`;
}
