import { Inject } from '@nestjs/common';
import { getPluginToken } from '../../toolkit/plugins';

/** The prefix the service protos declare for their postgres_gorm plugin. @publicApi */
export const DEFAULT_PGSQL_PREFIX = 'pgsql';

/** Injection token of the {@link PgsqlPlugin} for `prefix` (`toolkit:postgres_gorm:<prefix>`). @publicApi */
export function getPgsqlToken(prefix: string = DEFAULT_PGSQL_PREFIX): string {
  return getPluginToken('postgres_gorm', prefix);
}

/** Injects the {@link PgsqlPlugin} declared under `prefix` in the service's proto. @publicApi */
export function InjectPgsql(
  prefix: string = DEFAULT_PGSQL_PREFIX,
): ParameterDecorator & PropertyDecorator {
  return Inject(getPgsqlToken(prefix));
}
