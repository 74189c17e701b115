import { Inject } from '@nestjs/common';
import { getPluginToken } from '../../toolkit/plugins';

/** The prefix the seed's protos declare for their postgres_gorm plugin. @publicApi */
export const DEFAULT_PGSQL_PREFIX = 'pgsql';

/** Injection token of the {@link PgsqlPlugin} for `prefix` (`toolkit:postgres_gorm:<prefix>`). @publicApi */
export function getPgsqlToken(prefix: string = DEFAULT_PGSQL_PREFIX): string {
  return getPluginToken('postgres_gorm', prefix);
}

/**
 * Name of the @nestjs/typeorm DataSource behind `prefix` of `serviceName` (for
 * `getDataSourceToken`). @nestjs/typeorm keeps names in one process-wide registry, so services
 * started in one process need distinct names.
 * @publicApi
 */
export function getPgsqlDataSourceName(
  prefix: string = DEFAULT_PGSQL_PREFIX,
  serviceName?: string,
): string {
  const service = serviceName ? `_${serviceName.replace(/[^A-Za-z0-9]+/g, '_')}` : '';
  return `toolkit_${prefix}${service}`;
}

/** Injects the {@link PgsqlPlugin} declared under `prefix` in the service's proto. @publicApi */
export function InjectPgsql(
  prefix: string = DEFAULT_PGSQL_PREFIX,
): ParameterDecorator & PropertyDecorator {
  return Inject(getPgsqlToken(prefix));
}
