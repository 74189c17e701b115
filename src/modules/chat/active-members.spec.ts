import { ToolkitLogger } from '../../toolkit/runtime/toolkit-logger';
import { quietLogger } from '../../../test/support/quiet-logger';
import type { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import { createChatServicePluginMocks } from '../../gen/chatservice/chat-service.toolkit.mocks';
import { createServiceConfigService } from '../../toolkit/runtime/service-config-service';
import type { RuntimeConfig } from '../../toolkit/runtime/runtime-config';
import { ActiveMembers, activeMembersKey } from './active-members';

const HOUR_MS = 3_600_000;

function setup(client: Redis) {
  const { cache } = createChatServicePluginMocks();
  const config = createServiceConfigService({} as RuntimeConfig, { ACTIVE_MEMBERS_TTL: HOUR_MS });
  const members = new ActiveMembers({ ...cache, client }, config, quietLogger());
  return { members };
}

afterEach(() => jest.restoreAllMocks());

describe('ActiveMembers (embedded Redis commands)', () => {
  it('counts every socket of a user and forgets the user when the last one leaves', async () => {
    const client = new RedisMock() as unknown as Redis;
    const { members } = setup(client);

    await members.joined('room-1', 'ann');
    await members.joined('room-1', 'ann');
    await members.joined('room-1', 'bob');
    expect(await members.list('room-1')).toEqual([
      { userId: 'ann', connections: 2 },
      { userId: 'bob', connections: 1 },
    ]);

    await members.left('room-1', 'ann');
    await members.left('room-1', 'bob');
    expect(await members.list('room-1')).toEqual([{ userId: 'ann', connections: 1 }]);
    await members.left('room-1', 'ann');
    expect(await members.list('room-1')).toEqual([]);
    expect(await members.list('room-2')).toEqual([]);
  });

  it('keeps the set for ACTIVE_MEMBERS_TTL after the last join', async () => {
    const client = new RedisMock() as unknown as Redis;
    const { members } = setup(client);

    await members.joined('room-ttl', 'ann');

    const ttl = await client.pttl(activeMembersKey('room-ttl'));
    expect(ttl).toBeGreaterThan(HOUR_MS - 5_000);
    expect(ttl).toBeLessThanOrEqual(HOUR_MS);
  });

  it('never fails a join or a leave when Redis does; it warns', async () => {
    jest.spyOn(ToolkitLogger.prototype, 'warn').mockImplementation(() => undefined);
    const broken = {
      multi: () => {
        throw new Error('Connection is closed.');
      },
      zrevrange: () => Promise.reject(new Error('Connection is closed.')),
    } as unknown as Redis;
    const { members } = setup(broken);

    await expect(members.joined('room-1', 'ann')).resolves.toBeUndefined();
    await expect(members.left('room-1', 'ann')).resolves.toBeUndefined();
    await expect(members.list('room-1')).resolves.toEqual([]);
    expect(ToolkitLogger.prototype.warn).toHaveBeenCalledTimes(3);
  });
});
