import { ConfigLoader, ConfigValidationError } from '../../toolkit/config';
import { PluginContext } from '../../toolkit/plugins';
import { pgsqlPluginKind } from '../pgsql';
import { queuePluginKind } from './queue.plugin-kind';
import { quietLogger } from '../../../test/support/quiet-logger';

function context(config: ConfigLoader, prefix: string): PluginContext {
  return {
    serviceName: 'spec-service',
    envPrefix: 'SPEC',
    prefix,
    config,
    production: false,
    allowEmbedded: true,
    options: prefix === 'pgsql' ? { entities: [], migrations: [] } : undefined,
    logger: quietLogger(),
  };
}

function load(env: Record<string, string>): ConfigLoader {
  const loader = new ConfigLoader('SPEC', { SPEC_PGSQL_HOST: '127.0.0.1', ...env });
  pgsqlPluginKind.module(context(loader, 'pgsql'));
  queuePluginKind.module(context(loader, 'queue'));
  return loader;
}

describe('queue PREFETCH against the pgsql pool (checked at start)', () => {
  it('refuses a prefetch above the pool size, naming both variables', () => {
    const loader = load({ SPEC_QUEUE_PREFETCH: '20', SPEC_PGSQL_POOL_SIZE: '5' });
    expect(() => loader.assertValid()).toThrow(ConfigValidationError);
    expect(() => loader.assertValid()).toThrow(
      /SPEC_QUEUE_PREFETCH=20 exceeds SPEC_PGSQL_POOL_SIZE=5/,
    );
  });

  it('accepts the defaults and a prefetch up to the pool size', () => {
    expect(() => load({}).assertValid()).not.toThrow();
    expect(() =>
      load({ SPEC_QUEUE_PREFETCH: '10', SPEC_PGSQL_POOL_SIZE: '10' }).assertValid(),
    ).not.toThrow();
  });
});
