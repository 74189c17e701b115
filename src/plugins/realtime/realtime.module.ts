import { DynamicModule, Module } from '@nestjs/common';
import { envName } from '../../toolkit/config';
import { PluginContext } from '../../toolkit/plugins';
import { assertEmbeddedAllowed } from '../../toolkit/runtime/deployment-mode';
import { loadRealtimeSettings, realtimeConfigSection } from './realtime.config';
import { RealtimeConfigurableModule } from './realtime.module-definition';

/**
 * One realtime instance: `RealtimeModule.forRoot({ settings, logger, prefix })` exports the hub under
 * `getRealtimeToken(prefix)` (and as the toolkit's upgrade host under `getUpgradeHostToken`).
 * @publicApi
 */
@Module({})
export class RealtimeModule extends RealtimeConfigurableModule {
  /**
   * Builds the instance from `<ENV_PREFIX>_<PREFIX>_*` (the toolkit's plugin-kind entry point).
   * Without `_HOST` fan-out stays in the process (embedded), which production refuses unless
   * embedded backends are allowed.
   */
  static forPlugin(context: PluginContext): DynamicModule {
    const settings = loadRealtimeSettings(context.config, context.prefix, context.serviceName);
    if (settings.HOST === undefined) {
      const scope = realtimeConfigSection(context.prefix, context.serviceName).scope;
      assertEmbeddedAllowed(
        context,
        'realtime fan-out (in-process, one instance only)',
        envName(context.envPrefix, scope, 'HOST'),
      );
    }
    return RealtimeModule.forRoot({
      settings,
      logger: context.logger.forContext(`Realtime(${context.prefix})`),
      prefix: context.prefix,
      isGlobal: true,
    });
  }
}
