import { ConfigService } from '@nestjs/config';
import type { RuntimeConfig } from './runtime-config';

/**
 * The app's validated configuration as @nestjs/config's `ConfigService`, for services that read
 * configuration the way Nest users expect: `config.get('MAX_RETRIES', { infer: true })`. Keys are
 * the field names of the runtime section and of the service's `settings` (without the env prefix);
 * values are the parsed ones (numbers, booleans, milliseconds). Type it with the settings:
 * `ServiceConfigService<ConfigValues<typeof settings.fields>>`.
 * @publicApi
 */
export type ServiceConfigService<Settings extends object = Record<string, unknown>> = ConfigService<
  RuntimeConfig & Settings,
  true
>;

/**
 * A `ConfigService` over one app's parsed values. It never falls back to `process.env`: raw
 * strings there would bypass the parsing and validation `defineConfig` did, and with several
 * apps in one process they would hand one service another's variables. Built directly rather than
 * through `ConfigModule.forRoot`, which copies values into `process.env` and keeps module-wide
 * state; the `skipProcessEnv` switch is set the way `forRoot({ skipProcessEnv: true })` sets it.
 * @internal
 */
export function createServiceConfigService<Settings extends object>(
  runtime: RuntimeConfig,
  settings: Settings,
): ServiceConfigService<Settings> {
  const service = new ConfigService<RuntimeConfig & Settings, true>({ ...runtime, ...settings });
  (service as unknown as { skipProcessEnv: boolean }).skipProcessEnv = true;
  return service;
}
