import { DynamicModule, Module } from '@nestjs/common';
import { envName } from '../../toolkit/config';
import { PluginContext, ToolkitPluginKind } from '../../toolkit/plugins';
import { assertEmbeddedAllowed } from '../shared';
import { loadRealtimeSettings, realtimeConfigSection } from './realtime.config';
import { RealtimeConfigurableModule } from './realtime.module-definition';
import { REALTIME_PLUGIN_KIND } from './realtime.tokens';

/**
 * One realtime instance: `RealtimeModule.forRoot({ settings, prefix })` exports the hub under
 * `getRealtimeToken(prefix)`. Services get it through `realtimePluginKind`, not directly.
 * @publicApi
 */
@Module({})
export class RealtimeModule extends RealtimeConfigurableModule {}

/**
 * The `centrifuge` plugin kind: loads `<ENV_PREFIX>_<PREFIX>_*` and builds the instance's module.
 * Without `_HOST` fan-out stays in the process (embedded), which production refuses unless
 * embedded backends are allowed.
 * @publicApi
 */
export const realtimePluginKind: ToolkitPluginKind = {
  kind: REALTIME_PLUGIN_KIND,
  module(context: PluginContext): DynamicModule {
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
  },
};
