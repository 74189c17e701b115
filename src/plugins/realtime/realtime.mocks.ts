import { RealtimePlugin } from './realtime.types';

/**
 * A strict jest mock of `RealtimePlugin` for unit tests (generated plugin mocks use it):
 * `publish` resolves, `stream` yields nothing, counts are 0, everything else records calls and does nothing.
 * @publicApi
 */
export function createRealtimePluginMock(): jest.Mocked<RealtimePlugin> {
  return {
    publish: jest.fn<Promise<void>, Parameters<RealtimePlugin['publish']>>().mockResolvedValue(),
    subscribe: jest.fn<void, Parameters<RealtimePlugin['subscribe']>>(),
    unsubscribe: jest.fn<void, Parameters<RealtimePlugin['unsubscribe']>>(),
    registerUpgradeRoute: jest.fn<void, Parameters<RealtimePlugin['registerUpgradeRoute']>>(),
    stream: jest.fn<ReturnType<RealtimePlugin['stream']>, Parameters<RealtimePlugin['stream']>>(
      async function* () {},
    ),
    connectionCount: jest.fn<number, []>().mockReturnValue(0),
    subscriberCount: jest.fn<number, [string]>().mockReturnValue(0),
  };
}
