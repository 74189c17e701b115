import { DynamicModule, Module } from '@nestjs/common';
import { DATABASE_CONNECTIONS, envName } from '../../toolkit/config';
import { PluginContext } from '../../toolkit/plugins';
import { assertEmbeddedAllowed } from '../../toolkit/runtime/deployment-mode';
import { pgsqlConfigSection } from './pgsql.config';
import { isEmbeddedPgsql } from './pgsql.data-source';
import { PgsqlConfigurableModule } from './pgsql.module-definition';
import { parsePgsqlServiceOptions } from './pgsql.options';

/**
 * One postgres_gorm instance: `PgsqlModule.forRoot({ serviceName, config, entities, migrations,
 * prefix })` opens a TypeORM DataSource at start (migrations run), exports the
 * {@link PgsqlPlugin} under `getPgsqlToken(prefix)`, and registers a readiness check
 * (`SELECT 1`). Everything it provides is keyed by prefix, so two instances live in one app.
 * @publicApi
 */
@Module({})
export class PgsqlModule extends PgsqlConfigurableModule {
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
    if (isEmbeddedPgsql(config)) assertEmbeddedAllowed(context, 'PostgreSQL', hostVariable);
    return PgsqlModule.forRoot({
      ...service,
      serviceName: context.serviceName,
      config,
      hostVariable,
      logger: context.logger,
      prefix: context.prefix,
      isGlobal: true,
    });
  }
}
