import { runtimeConfigSection } from './runtime-config';
import { ConfigLoader, defineConfig } from '../config';
import { createServiceConfigService } from './service-config-service';

const settingsSection = defineConfig('', {
  MAX_RETRIES: { type: 'int', default: 3, description: 'retries' },
  CACHE_TIMEOUT: { type: 'duration', default: '5m', description: 'cache ttl' },
});

function load(env: Record<string, string>) {
  const loader = new ConfigLoader('DEMO_SERVICE', env);
  const runtime = loader.load(runtimeConfigSection({ appName: 'demo', httpPort: 8099 }));
  const settings = loader.load(settingsSection);
  loader.assertValid();
  return createServiceConfigService(runtime, settings);
}

describe('the ConfigService a service app provides', () => {
  afterEach(() => {
    delete process.env.MAX_RETRIES;
    delete process.env.ONLY_IN_PROCESS_ENV;
  });

  it('gives the parsed runtime and settings values by field name', () => {
    const config = load({ DEMO_SERVICE_MAX_RETRIES: '7', DEMO_SERVICE_SERVER_PORT: '9000' });
    expect(config.get('MAX_RETRIES', { infer: true })).toBe(7);
    expect(config.get('CACHE_TIMEOUT', { infer: true })).toBe(300_000);
    expect(config.get('SERVER_PORT', { infer: true })).toBe(9000);
    expect(config.get('ENABLE_API_DOCS', { infer: true })).toBe(true);
  });

  it('never reads process.env: only the validated values of this app', () => {
    process.env.MAX_RETRIES = '99';
    process.env.ONLY_IN_PROCESS_ENV = 'leak';
    const config = load({});
    expect(config.get('MAX_RETRIES', { infer: true })).toBe(3);
    expect((config as { get(key: string): unknown }).get('ONLY_IN_PROCESS_ENV')).toBeUndefined();
    expect(() =>
      (config as { getOrThrow(key: string): unknown }).getOrThrow('ONLY_IN_PROCESS_ENV'),
    ).toThrow(/does not exist/);
  });
});
