import { QueuePlugin } from './queue.types';

/** A strict jest mock of `QueuePlugin` whose methods resolve; used by generated plugin mocks. @publicApi */
export function createQueuePluginMock(): jest.Mocked<QueuePlugin> {
  return {
    publish: jest
      .fn<Promise<void>, Parameters<QueuePlugin['publish']>>()
      .mockResolvedValue(undefined),
    subscribe: jest
      .fn<Promise<void>, Parameters<QueuePlugin['subscribe']>>()
      .mockResolvedValue(undefined),
  };
}
