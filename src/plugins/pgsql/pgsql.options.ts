import { DataSourceOptions } from 'typeorm';
import type { ToolkitLogger } from '../../toolkit/runtime/toolkit-logger';
import type { EmbeddedPostgresClusters } from './embedded/embedded-postgres-clusters';
import { PgsqlConfig } from './pgsql.config';

/**
 * What a service passes for one pgsql prefix: `definition.plugins.pgsql = { entities, migrations }`.
 * @publicApi
 */
export interface PgsqlServiceOptions {
  /** Entity classes or schemas, as TypeORM's `entities` option accepts them. */
  entities: NonNullable<DataSourceOptions['entities']>;
  /** Migration classes, run in order at start. */
  migrations: NonNullable<DataSourceOptions['migrations']>;
  /**
   * Create the schema from the entities instead of running migrations. For throwaway test
   * databases only; services ship migrations.
   * @default false
   */
  synchronize?: boolean;
}

/** What `PgsqlModule.forRoot` takes besides the extras (`prefix`, `isGlobal`). @publicApi */
export interface PgsqlModuleOptions extends PgsqlServiceOptions {
  /** e.g. `user-service`: names the migrations table and the embedded data directory. */
  serviceName: string;
  config: PgsqlConfig;
  /** Env name of HOST, for messages (e.g. `USER_SERVICE_PGSQL_HOST`). */
  hostVariable?: string;
  /** Embedded only: who owns the servers; default the process's own (tests pass theirs). */
  embeddedClusters?: EmbeddedPostgresClusters;
  /** The app's logger (`PluginContext.logger`); TypeORM's lines go through it. */
  logger: ToolkitLogger;
}

/** Narrows the `options` a service passes for a pgsql prefix; throws a message naming the service. */
export function parsePgsqlServiceOptions(
  serviceName: string,
  prefix: string,
  options: unknown,
): PgsqlServiceOptions {
  const problem = `${serviceName}: plugins.${prefix} must be { entities: [...], migrations: [...] }`;
  if (typeof options !== 'object' || options === null) throw new Error(problem);
  const { entities, migrations, synchronize } = options as Record<string, unknown>;
  if (!Array.isArray(entities) || !Array.isArray(migrations)) throw new Error(problem);
  if (synchronize !== undefined && typeof synchronize !== 'boolean') throw new Error(problem);
  return { entities, migrations, synchronize };
}
