import { join } from 'node:path';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { PgsqlConfig } from './pgsql.config';
import { PgsqlTypeOrmLogger } from './pgsql.logger';
import { PgsqlModuleOptions } from './pgsql.options';
import { DEFAULT_PGSQL_PREFIX } from './pgsql.tokens';

/** Where one pgsql instance connects, as the plugin decided from its variables. */
export interface PgsqlBackend {
  /** `postgres` options for TypeORM (never with `synchronize` unless the service asked). */
  dataSourceOptions: PostgresConnectionOptions;
  /** One line for logs and probes; never contains the password. */
  description: string;
  /** The embedded PostgreSQL of the process serves the instance (see `createEmbeddedPgsqlDataSource`). */
  embedded: boolean;
  /** Embedded only: the cluster directory; undefined: a temporary one, removed when it stops. */
  embeddedDataDir?: string;
  /** Embedded only: the instance's own database on the shared cluster. */
  embeddedDatabase?: string;
}

/** No HOST and no DSN: the instance runs on the process's embedded PostgreSQL. @publicApi */
export function isEmbeddedPgsql(config: PgsqlConfig): boolean {
  return !config.HOST && !config.DSN;
}

/** `user-service` + `pgsql` → `user_service_pgsql_migrations`: services sharing a database never share it. */
export function pgsqlMigrationsTableName(serviceName: string, prefix: string): string {
  return `${serviceName}_${prefix}_migrations`.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

/**
 * The database of one instance on the shared embedded cluster: `user-service` → `user_service`,
 * a second prefix `audit` → `user_service_audit`.
 * @publicApi
 */
export function embeddedPgsqlDatabaseName(serviceName: string, prefix: string): string {
  const name = prefix === DEFAULT_PGSQL_PREFIX ? serviceName : `${serviceName}_${prefix}`;
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

/** node-postgres' `ssl` option, as far as sslmode needs it. */
export type PgsqlSslOption =
  false | { rejectUnauthorized: boolean; checkServerIdentity?: () => undefined };

/** Maps libpq `sslmode` onto node-postgres' `ssl` option. */
export function pgsqlSslOption(mode: string): PgsqlSslOption {
  switch (mode) {
    case 'disable':
      return false;
    case 'verify-full':
      return { rejectUnauthorized: true };
    case 'verify-ca':
      // verify-ca checks the chain but, unlike verify-full, not the host name.
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    default:
      // allow / prefer / require: encrypt without verifying, as libpq does.
      return { rejectUnauthorized: false };
  }
}

/** Decides the backend of one pgsql instance and builds its TypeORM options. */
export function buildPgsqlBackend(prefix: string, options: PgsqlModuleOptions): PgsqlBackend {
  const { config, serviceName } = options;
  const common = {
    type: 'postgres' as const,
    entities: options.entities,
    migrations: options.migrations,
    migrationsRun: options.synchronize !== true,
    migrationsTableName: pgsqlMigrationsTableName(serviceName, prefix),
    synchronize: options.synchronize === true,
    installExtensions: false,
    uuidExtension: 'pgcrypto' as const,
    applicationName: serviceName,
    logger: new PgsqlTypeOrmLogger(
      options.logger.forContext(`${serviceName}:${prefix}`),
      config.DEBUG,
    ),
  };
  const extra: Record<string, unknown> = {};
  if (config.STATEMENT_TIMEOUT > 0) extra.statement_timeout = config.STATEMENT_TIMEOUT;
  const connection = {
    ...common,
    ssl: pgsqlSslOption(config.SSL_MODE),
    poolSize: config.POOL_SIZE,
    connectTimeoutMS: config.CONNECT_TIMEOUT,
    extra,
  };
  if (isEmbeddedPgsql(config)) {
    const inMemory = config.DATABASE === ':memory:' || process.env.NODE_ENV === 'test';
    const dataDir = inMemory ? undefined : join(process.cwd(), 'data', 'postgres');
    const database = embeddedPgsqlDatabaseName(serviceName, prefix);
    return {
      embedded: true,
      embeddedDataDir: dataDir,
      embeddedDatabase: database,
      description: inMemory
        ? `embedded PostgreSQL (in memory: a temporary cluster), database ${database}`
        : `embedded PostgreSQL ${dataDir}, database ${database}`,
      // The connection target is filled in once the embedded server has a port. Idle
      // connections close after 2 s (pg's default is 10 s): each holds a server process of its
      // own (10-20 MB), and on a developer's machine reopening one on loopback is cheap.
      dataSourceOptions: { ...connection, extra: { ...extra, idleTimeoutMillis: 2000 } },
    };
  }
  if (config.DSN) {
    return {
      embedded: false,
      description: `postgres ${describeDsn(config.DSN)}`,
      dataSourceOptions: { ...connection, url: config.DSN },
    };
  }
  return {
    embedded: false,
    description: `postgres ${config.USERNAME}@${config.HOST}:${config.PORT}/${config.DATABASE}`,
    dataSourceOptions: {
      ...connection,
      host: config.HOST,
      port: config.PORT,
      username: config.USERNAME,
      password: config.PASSWORD,
      database: config.DATABASE,
    },
  };
}

function describeDsn(dsn: string): string {
  try {
    const url = new URL(dsn);
    const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
    return `${user}${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return '(DSN)';
  }
}
