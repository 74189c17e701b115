import { ConfigLoader, ConfigValidationError } from '../../toolkit/config';
import { PluginContext } from '../../toolkit/plugins';
import { getUpgradeHostToken } from '../../toolkit/transport/websocket';
import { getRealtimeToken } from './realtime.tokens';
import { realtimePluginKind } from './realtime.plugin-kind';
import { quietLogger } from '../../../test/support/quiet-logger';

function context(env: Record<string, string>, production = false, allowEmbedded = false) {
  const config = new ConfigLoader('CHAT_SERVICE', env);
  const plugin: PluginContext = {
    serviceName: 'chat-service',
    envPrefix: 'CHAT_SERVICE',
    prefix: 'realtime',
    config,
    production,
    allowEmbedded,
    options: undefined,
    logger: quietLogger(),
  };
  return { plugin, config };
}

describe('realtimePluginKind', () => {
  it("exports the hub globally under toolkit:centrifuge:<prefix> and as the toolkit's upgrade host", () => {
    const { plugin } = context({ CHAT_SERVICE_REALTIME_HOST: 'redis' });
    const module = realtimePluginKind.module(plugin);
    expect(realtimePluginKind.kind).toBe('centrifuge');
    expect(module.global).toBe(true);
    expect(module.exports).toEqual([getRealtimeToken('realtime'), getUpgradeHostToken('realtime')]);
    expect(getRealtimeToken('realtime')).toBe('toolkit:centrifuge:realtime');
  });

  it('refuses the embedded fan-out in production, naming the variable to set', () => {
    const { plugin } = context({}, true);
    expect(() => realtimePluginKind.module(plugin)).toThrow(
      /CHAT_SERVICE_REALTIME_HOST is not set/,
    );
  });

  it('allows the embedded fan-out in production when embedded backends are allowed', () => {
    const { plugin } = context({}, true, true);
    expect(() => realtimePluginKind.module(plugin)).not.toThrow();
  });

  it('declares its variables with defaults and reports bad values with the others', () => {
    const { plugin, config } = context({
      CHAT_SERVICE_REALTIME_HOST: 'redis',
      CHAT_SERVICE_REALTIME_PING_INTERVAL: 'often',
      CHAT_SERVICE_REALTIME_MAX_CONNECTIONS: '0',
    });
    realtimePluginKind.module(plugin);
    const rows = Object.fromEntries(config.describe().map((row) => [row.name, row]));
    expect(rows.CHAT_SERVICE_REALTIME_CHANNEL_PREFIX.default).toBe('chat-service:realtime:');
    expect(rows.CHAT_SERVICE_REALTIME_PASSWORD.default).toBe('');
    expect(rows.CHAT_SERVICE_REALTIME_SEND_BUFFER_LIMIT.default).toBe('1048576');
    expect(() => config.assertValid()).toThrow(ConfigValidationError);
    expect(() => config.assertValid()).toThrow(/CHAT_SERVICE_REALTIME_PING_INTERVAL/);
    expect(() => config.assertValid()).toThrow(/CHAT_SERVICE_REALTIME_MAX_CONNECTIONS/);
  });
});
