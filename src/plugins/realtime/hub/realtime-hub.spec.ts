import { HttpAdapterHost } from '@nestjs/core';
import { ToolkitError } from '../../../toolkit/errors';
import { PluginStatusRegistry } from '../../../toolkit/plugins';
import { quietLogger } from '../../../../test/support/quiet-logger';
import { LocalFanout } from '../fanout/local-fanout';
import type { RealtimeFrame } from '../realtime.types';
import { RealtimeHub } from './realtime-hub';

const SETTINGS = {
  pingIntervalMs: 60_000,
  maxPayload: 65_536,
  sendBufferLimit: 1_048_576,
  closeTimeoutMs: 1_000,
  maxConnections: 10,
  allowedOrigins: [],
};

async function startedHub() {
  const bus = new LocalFanout();
  const logger = quietLogger();
  const warn = jest.spyOn(logger, 'warn');
  const hub = new RealtimeHub(
    'realtime',
    SETTINGS,
    bus,
    new PluginStatusRegistry(),
    new HttpAdapterHost(),
    logger,
  );
  await hub.onModuleInit();
  return { hub, bus, warn };
}

async function firstFrames(
  stream: AsyncIterable<Readonly<RealtimeFrame>>,
  count: number,
): Promise<Readonly<RealtimeFrame>[]> {
  const frames: Readonly<RealtimeFrame>[] = [];
  for await (const frame of stream) {
    frames.push(frame);
    if (frames.length === count) break;
  }
  return frames;
}

describe('RealtimeHub.stream', () => {
  it('hands every stream of the channel the same frozen frame, in publish order', async () => {
    const { hub } = await startedHub();
    const first = firstFrames(hub.stream('room:a'), 2);
    const second = firstFrames(hub.stream('room:a'), 2);
    await hub.publish('room:a', { type: 'message', payload: { n: 1 } });
    await hub.publish('room:a', { type: 'message', payload: { n: 2 } });
    const [a, b] = await Promise.all([first, second]);
    expect(a.map((frame) => frame.payload)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(b[0]).toBe(a[0]);
    expect(Object.isFrozen(a[0])).toBe(true);
    expect(Object.isFrozen(a[0].payload)).toBe(true);
    expect(hub.subscriberCount('room:a')).toBe(0);
    await hub.onApplicationShutdown();
  });

  it('skips (and logs) text on the bus that is not JSON, and streams the frames after it', async () => {
    const { hub, bus, warn } = await startedHub();
    const frames = firstFrames(hub.stream('room:a'), 1);
    await bus.publish('room:a', 'not json');
    await hub.publish('room:a', { type: 'message', payload: 'after' });
    expect((await frames).map((frame) => frame.payload)).toEqual(['after']);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('room:a is not JSON'));
    await hub.onApplicationShutdown();
  });

  it('ends a reader more than `limit` frames behind with RESOURCE_EXHAUSTED', async () => {
    const { hub } = await startedHub();
    const stream = hub.stream('room:a', { limit: 2 });
    for (const n of [1, 2, 3]) await hub.publish('room:a', { type: 'message', payload: n });
    const iterator = stream[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toEqual(
      ToolkitError.resourceExhausted('subscriber of room:a fell more than 2 messages behind'),
    );
    expect(hub.subscriberCount('room:a')).toBe(0);
    await hub.onApplicationShutdown();
  });
});
