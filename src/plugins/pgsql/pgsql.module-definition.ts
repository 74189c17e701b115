import {
  ConfigurableModuleBuilder,
  ConfigurableModuleHost,
  DynamicModule,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StartupError } from '../../toolkit/config';
import { DependencyFailures } from '../../toolkit/errors';
import { PluginStatusRegistry } from '../../toolkit/plugins';
import { withTimeout } from '../../toolkit/runtime/settle-within';
import type { ToolkitMetrics } from '../../toolkit/runtime/toolkit-metrics';
import { TOOLKIT_METRICS } from '../../toolkit/runtime/tokens';
import { createEmbeddedPgsqlDataSource } from './embedded/embedded-pgsql.data-source';
import { EmbeddedPostgresUnavailableError } from './embedded/embedded-postgres-binaries';
import { EmbeddedPostgresStartError } from './embedded/embedded-postgres-cluster';
import { EmbeddedPostgresClusters } from './embedded/embedded-postgres-clusters';
import { PgsqlBackend, buildPgsqlBackend } from './pgsql.data-source';
import { isPgsqlUnavailable } from './pgsql.failures';
import { watchPgsqlPool } from './pgsql.metrics';
import { PgsqlModuleOptions } from './pgsql.options';
import { PgsqlPlugin, TypeOrmPgsqlPlugin } from './pgsql.plugin';
import { DEFAULT_PGSQL_PREFIX, getPgsqlToken } from './pgsql.tokens';

/** Pause before the first retry (doubled for each further one, capped). */
const RETRY_INITIAL_DELAY_MS = 50;
const RETRY_MAX_DELAY_MS = 1000;
/** A database that is down at start fails the start quickly and clearly: two more tries. */
const CONNECT_RETRIES = 2;
const CONNECT_RETRY_DELAY_MS = 1000;

/** Extras of `forRoot`: the instance prefix keys every exported token. */
interface PgsqlModuleExtras {
  prefix: string;
  isGlobal: boolean;
}

export const {
  ConfigurableModuleClass: PgsqlConfigurableModule,
  MODULE_OPTIONS_TOKEN: PGSQL_MODULE_OPTIONS,
}: ConfigurableModuleHost<PgsqlModuleOptions, 'forRoot', 'create', PgsqlModuleExtras> =
  new ConfigurableModuleBuilder<PgsqlModuleOptions>()
    .setClassMethodName('forRoot')
    .setExtras<PgsqlModuleExtras>(
      { prefix: DEFAULT_PGSQL_PREFIX, isGlobal: true },
      (definition, extras): DynamicModule => {
        const token = getPgsqlToken(extras.prefix);
        return {
          ...definition,
          global: extras.isGlobal,
          providers: [...(definition.providers ?? []), ...pgsqlProviders(extras.prefix)],
          exports: [token],
        };
      },
    )
    .build();

/**
 * The process's embedded PostgreSQL servers, shared by every pgsql instance of every service in
 * it (see {@link EmbeddedPostgresClusters} for why a ref-counted owner per process).
 */
const EMBEDDED_CLUSTERS = new EmbeddedPostgresClusters();

/** The instance's DataSource as opened at start, and what its readiness and logs call it. */
interface OpenedDataSource {
  dataSource: DataSource;
  backend: PgsqlBackend;
}

function pgsqlProviders(prefix: string): Provider[] {
  const token = getPgsqlToken(prefix);
  const dataSourceToken = `${token}:data-source`;
  const name = (options: PgsqlModuleOptions) => `PostgreSQL ${options.serviceName}/${prefix}`;
  return [
    {
      provide: dataSourceToken,
      inject: [PGSQL_MODULE_OPTIONS],
      useFactory: (options: PgsqlModuleOptions) => openDataSource(prefix, options),
    },
    {
      provide: token,
      inject: [PGSQL_MODULE_OPTIONS, dataSourceToken, { token: TOOLKIT_METRICS, optional: true }],
      useFactory: (
        options: PgsqlModuleOptions,
        opened: OpenedDataSource,
        metrics: ToolkitMetrics | undefined,
      ): PgsqlPlugin => {
        if (metrics) watchPgsqlPool(metrics.registry, prefix, opened.dataSource);
        return new TypeOrmPgsqlPlugin(opened.dataSource, {
          retries: options.config.RETRIES,
          initialDelayMs: RETRY_INITIAL_DELAY_MS,
          maxDelayMs: RETRY_MAX_DELAY_MS,
          backend: name(options),
        });
      },
    },
    {
      provide: `${token}:closer`,
      inject: [dataSourceToken],
      useFactory: (opened: OpenedDataSource) => new DataSourceCloser(opened.dataSource),
    },
    {
      provide: `${token}:status`,
      inject: [
        PGSQL_MODULE_OPTIONS,
        PluginStatusRegistry,
        dataSourceToken,
        { token: DependencyFailures, optional: true },
      ],
      useFactory: (
        options: PgsqlModuleOptions,
        registry: PluginStatusRegistry,
        { dataSource, backend }: OpenedDataSource,
        failures: DependencyFailures | undefined,
      ): true => {
        failures?.register({ dependency: name(options), matches: isPgsqlUnavailable });
        registry.register({
          prefix,
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
    },
  ];
}

/** Closes the pool once the app's calls, handlers and relays are done (the last shutdown step). */
class DataSourceCloser implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Connects (migrations run); embedded, every instance of the process shares one server. */
async function openDataSource(
  prefix: string,
  options: PgsqlModuleOptions,
): Promise<OpenedDataSource> {
  const backend = buildPgsqlBackend(prefix, options);
  if (backend.embedded) return { dataSource: await startEmbedded(options, backend), backend };
  const logger = options.logger.forContext(`${options.serviceName}:${prefix}`);
  for (let attempt = 0; ; attempt++) {
    try {
      return { dataSource: await new DataSource(backend.dataSourceOptions).initialize(), backend };
    } catch (error) {
      if (attempt >= CONNECT_RETRIES) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn(`${backend.description}: ${reason}; retrying (${attempt + 1})`);
      await new Promise((resolve) => setTimeout(resolve, CONNECT_RETRY_DELAY_MS));
    }
  }
}

/** Starts (or joins) the embedded server; platform problems name the variable to set instead. */
async function startEmbedded(
  options: PgsqlModuleOptions,
  backend: PgsqlBackend,
): Promise<DataSource> {
  const instead = `set ${options.hostVariable ?? 'the pgsql HOST variable'} to use a PostgreSQL server`;
  try {
    return await createEmbeddedPgsqlDataSource(backend.dataSourceOptions, {
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
