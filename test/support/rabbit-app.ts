import { DynamicModule, Global, INestApplicationContext, Module, Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigLoader } from '../../src/toolkit/config';
import { PluginContext, PluginStatusRegistry } from '../../src/toolkit/plugins';
import type { ToolkitLogger } from '../../src/toolkit/runtime/toolkit-logger';
import { quietLogger } from './quiet-logger';

@Global()
@Module({ providers: [PluginStatusRegistry], exports: [PluginStatusRegistry] })
class PluginStatusModule {}

/** What one test app is made of: plugin modules built from contexts, plus the test's providers. */
export interface PluginAppSpec {
  serviceName: string;
  envPrefix: string;
  env: Record<string, string>;
  /** prefix → [plugin module builder, options the service passes for it]. */
  plugins: Record<string, [(context: PluginContext) => DynamicModule, unknown]>;
  providers?: Provider[];
  /** The app's logger (default: silent unless TEST_LOGS=true). */
  logger?: ToolkitLogger;
}

/**
 * Boots a Nest application context holding the given plugin instances the way the toolkit
 * runtime builds them (one context per prefix, variables validated together).
 */
export async function bootPluginApp(spec: PluginAppSpec): Promise<INestApplicationContext> {
  const config = new ConfigLoader(spec.envPrefix, spec.env);
  const modules = Object.entries(spec.plugins).map(([prefix, [build, options]]) =>
    build({
      serviceName: spec.serviceName,
      envPrefix: spec.envPrefix,
      prefix,
      config,
      production: false,
      allowEmbedded: true,
      options,
      logger: spec.logger ?? quietLogger(),
    }),
  );
  config.assertValid();
  const moduleRef = await Test.createTestingModule({
    imports: [PluginStatusModule, ...modules],
    providers: spec.providers ?? [],
  }).compile();
  moduleRef.useLogger(process.env.TEST_LOGS === 'true' ? ['log', 'warn', 'error'] : false);
  await moduleRef.init();
  return moduleRef;
}
