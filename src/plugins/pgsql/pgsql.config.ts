import { ConfigValues, defineConfig } from '../../toolkit/config';

/** libpq `sslmode` values, as PostgreSQL documents them. @publicApi */
export const PGSQL_SSL_MODES = [
  'disable',
  'allow',
  'prefer',
  'require',
  'verify-ca',
  'verify-full',
] as const;

/**
 * The variables of one pgsql instance: `<ENV_PREFIX>_<PREFIX>_*`, e.g. `USER_SERVICE_PGSQL_HOST`.
 * Neither HOST nor DSN set → the process's embedded PostgreSQL (a database of its own on it).
 * @publicApi
 */
export function pgsqlConfigSection(prefix: string) {
  return defineConfig(prefix, {
    HOST: {
      type: 'string',
      description:
        'PostgreSQL host; with neither HOST nor DSN set, an embedded PostgreSQL server is started',
    },
    PORT: { type: 'port', default: 5432, description: 'PostgreSQL port' },
    USERNAME: { type: 'string', default: 'postgres', description: 'PostgreSQL user' },
    PASSWORD: { type: 'string', secret: true, description: 'PostgreSQL password' },
    DATABASE: {
      type: 'string',
      default: 'postgres',
      description:
        'Database name; `:memory:` makes the embedded PostgreSQL a temporary cluster, removed at exit',
    },
    SSL_MODE: {
      type: 'enum',
      values: PGSQL_SSL_MODES,
      default: 'disable',
      description: 'libpq sslmode: disable, allow, prefer, require, verify-ca, verify-full',
    },
    DEBUG: { type: 'bool', default: false, description: 'Log every SQL statement' },
    DSN: {
      type: 'string',
      secret: true,
      description:
        'postgres://user:password@host:port/db URL; overrides HOST, PORT, USERNAME, PASSWORD, DATABASE',
    },
    POOL_SIZE: { type: 'int', default: 10, min: 1, max: 1000, description: 'Connection pool size' },
    CONNECT_TIMEOUT: {
      type: 'duration',
      default: '5s',
      description: 'Time allowed to open a connection (also bounds the readiness check)',
    },
    RETRIES: {
      type: 'int',
      default: 3,
      min: 0,
      max: 10,
      description:
        'Retries of a read after a lost connection and of a transaction PostgreSQL rolled back (serialization failure, deadlock), within the call deadline',
    },
    STATEMENT_TIMEOUT: {
      type: 'duration',
      default: '30s',
      description: 'PostgreSQL statement_timeout for every connection; 0 disables it',
    },
  });
}

/** Parsed values of {@link pgsqlConfigSection}. @publicApi */
export type PgsqlConfig = ConfigValues<ReturnType<typeof pgsqlConfigSection>['fields']>;
