import { ToolkitLogger } from '../../toolkit/runtime/toolkit-logger';
import { quietLogger } from '../../../test/support/quiet-logger';
import { ChatServiceTypes } from '../../gen/chatservice/chat-service.toolkit';
import { createChatServicePluginMocks } from '../../gen/chatservice/chat-service.toolkit.mocks';
import { DescriptorRegistry } from '../../toolkit/descriptor';
import { RealtimeUnavailableError } from '../../plugins/realtime';
import { GrpcStatus, ToolkitError } from '../../toolkit/errors';
import { ChatRepository, NewMessage } from './chat.repository';
import { ChatService } from './chat.service';
import { MessageEntity } from './message.entity';
import { RoomEntity } from './room.entity';

const ROOM = '7b1e6c2a-1f7e-4c41-9d3c-2a9a6f0b5e11';
const USER = '0c9f3b8e-5d4a-4b1c-8e7f-6a5b4c3d2e1f';
const MEMBER = { subject: USER, roles: ['user'] };
const ADMIN = { subject: 'root', roles: ['admin'] };

function setup() {
  const plugins = createChatServicePluginMocks();
  const repository = {
    createRoom: jest.fn(),
    roomExists: jest.fn(),
    membership: jest.fn(),
    addMessage: jest.fn(),
    history: jest.fn(),
  } satisfies Record<keyof ChatRepository, jest.Mock>;
  const service = new ChatService(
    repository as unknown as ChatRepository,
    plugins.realtime,
    quietLogger(),
    new DescriptorRegistry([ChatServiceTypes]),
  );
  return { service, repository, realtime: plugins.realtime };
}

function stored(message: NewMessage): MessageEntity {
  return Object.assign(new MessageEntity(), {
    ...message,
    id: 'f3a1c2d4-0000-4000-8000-000000000001',
    createdAt: new Date('2025-01-02T03:04:05.678Z'),
  });
}

async function rejection(promise: Promise<unknown>): Promise<ToolkitError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ToolkitError);
  return error as ToolkitError;
}

beforeEach(() => {
  jest.spyOn(ToolkitLogger.prototype, 'log').mockImplementation(() => undefined);
  jest.spyOn(ToolkitLogger.prototype, 'warn').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

/** The call a request runs in: its deadline must reach every database call. */
const SCOPE = { deadline: Date.now() + 60_000 };

describe('ChatService.assertMember', () => {
  it('lets members through, with ids looked up in lower case', async () => {
    const { service, repository } = setup();
    repository.membership.mockResolvedValue('member');

    await expect(service.assertMember(ROOM.toUpperCase(), USER.toUpperCase(), SCOPE)).resolves.toBe(
      undefined,
    );
    expect(repository.membership).toHaveBeenCalledWith(ROOM, USER, SCOPE);
  });

  it('answers NOT_FOUND for an unknown room and PERMISSION_DENIED for a non-member', async () => {
    const { service, repository } = setup();
    repository.membership.mockResolvedValueOnce('no-room').mockResolvedValueOnce('not-member');

    const unknown = await rejection(service.assertMember(ROOM, USER));
    expect(unknown.code).toBe(GrpcStatus.NOT_FOUND);
    expect(unknown.message).toBe(`room ${ROOM} not found`);
    const outsider = await rejection(service.assertMember(ROOM, USER));
    expect(outsider.code).toBe(GrpcStatus.PERMISSION_DENIED);
  });
});

describe('ChatService.sendMessage', () => {
  const message: NewMessage = { roomId: ROOM, userId: USER, message: 'hi 😀', messageType: 'text' };

  it('stores the message, then publishes it to the room channel as protojson', async () => {
    const { service, repository, realtime } = setup();
    repository.membership.mockResolvedValue('member');
    repository.addMessage.mockImplementation(async (fields: NewMessage) => stored(fields));

    const result = await service.sendMessage({ ...message, roomId: ROOM.toUpperCase() });

    expect(result.id).toBe('f3a1c2d4-0000-4000-8000-000000000001');
    expect(repository.addMessage).toHaveBeenCalledWith(message);
    expect(realtime.publish).toHaveBeenCalledWith(`room:${ROOM}`, {
      type: 'message',
      payload: {
        message_id: 'f3a1c2d4-0000-4000-8000-000000000001',
        room_id: ROOM,
        user_id: USER,
        message: 'hi 😀',
        message_type: 'text',
        timestamp: '2025-01-02T03:04:05.678Z',
      },
    });
    expect(repository.addMessage.mock.invocationCallOrder[0]).toBeLessThan(
      realtime.publish.mock.invocationCallOrder[0],
    );
  });

  it('neither stores nor publishes for a non-member', async () => {
    const { service, repository, realtime } = setup();
    repository.membership.mockResolvedValue('not-member');

    expect((await rejection(service.sendMessage(message))).code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(repository.addMessage).not.toHaveBeenCalled();
    expect(realtime.publish).not.toHaveBeenCalled();
  });

  it('still answers with the stored message when the fan-out is unavailable, and warns', async () => {
    const { service, repository, realtime } = setup();
    repository.membership.mockResolvedValue('member');
    repository.addMessage.mockImplementation(async (fields: NewMessage) => stored(fields));
    realtime.publish.mockRejectedValue(new RealtimeUnavailableError('redis', 'ECONNREFUSED'));

    await expect(service.sendMessage(message)).resolves.toMatchObject({ roomId: ROOM });
    expect(ToolkitLogger.prototype.warn).toHaveBeenCalledWith(
      expect.stringContaining('stored but not broadcast'),
    );
  });

  it('lets a database failure through (the message was not stored)', async () => {
    const { service, repository, realtime } = setup();
    repository.membership.mockResolvedValue('member');
    repository.addMessage.mockRejectedValue(new Error('connection terminated'));

    await expect(service.sendMessage(message)).rejects.toThrow('connection terminated');
    expect(realtime.publish).not.toHaveBeenCalled();
  });
});

describe('ChatService.assertActsFor', () => {
  it('lets the caller act for itself (either case) and an admin for anyone', () => {
    const { service } = setup();
    expect(() => service.assertActsFor(MEMBER, USER.toUpperCase())).not.toThrow();
    expect(() => service.assertActsFor(ADMIN, USER)).not.toThrow();
  });

  it('refuses another user (PERMISSION_DENIED) and a call without caller (UNAUTHENTICATED)', () => {
    const { service } = setup();
    const other = { subject: ROOM, roles: ['user'] };
    expect(() => service.assertActsFor(other, USER)).toThrow(
      expect.objectContaining({ code: GrpcStatus.PERMISSION_DENIED }),
    );
    expect(() => service.assertActsFor(undefined, USER)).toThrow(
      expect.objectContaining({ code: GrpcStatus.UNAUTHENTICATED }),
    );
  });
});

describe('ChatService.history / createRoom', () => {
  it('answers NOT_FOUND for the history of an unknown room', async () => {
    const { service, repository } = setup();
    repository.membership.mockResolvedValue('no-room');
    repository.roomExists.mockResolvedValue(false);

    expect((await rejection(service.history(ROOM, 10, 0, MEMBER))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await rejection(service.history(ROOM, 10, 0, ADMIN))).code).toBe(GrpcStatus.NOT_FOUND);
    expect(repository.history).not.toHaveBeenCalled();
  });

  it('reads the page of a known room for a member', async () => {
    const { service, repository } = setup();
    repository.membership.mockResolvedValue('member');
    repository.history.mockResolvedValue({ messages: [], total: 0 });

    await expect(service.history(ROOM.toUpperCase(), 10, 20, MEMBER, SCOPE)).resolves.toEqual({
      messages: [],
      total: 0,
    });
    expect(repository.membership).toHaveBeenCalledWith(ROOM, USER, SCOPE);
    expect(repository.history).toHaveBeenCalledWith(ROOM, 10, 20, SCOPE);
  });

  it('refuses the history to a non-member and to a call without a verified caller', async () => {
    const { service, repository } = setup();
    repository.membership.mockResolvedValue('not-member');

    expect((await rejection(service.history(ROOM, 10, 0, MEMBER))).code).toBe(
      GrpcStatus.PERMISSION_DENIED,
    );
    expect((await rejection(service.history(ROOM, 10, 0, undefined))).code).toBe(
      GrpcStatus.UNAUTHENTICATED,
    );
    expect(repository.history).not.toHaveBeenCalled();
  });

  it('lets an admin read any known room', async () => {
    const { service, repository } = setup();
    repository.roomExists.mockResolvedValue(true);
    repository.history.mockResolvedValue({ messages: [], total: 0 });
    await expect(service.history(ROOM, 10, 0, ADMIN)).resolves.toEqual({ messages: [], total: 0 });
    expect(repository.membership).not.toHaveBeenCalled();
  });

  it('creates rooms with ids in lower case', async () => {
    const { service, repository } = setup();
    repository.createRoom.mockResolvedValue(
      Object.assign(new RoomEntity(), { id: ROOM, name: 'r', creatorId: USER }),
    );

    await service.createRoom('r', USER.toUpperCase(), [ROOM.toUpperCase()], SCOPE);

    expect(repository.createRoom).toHaveBeenCalledWith('r', USER, [ROOM], SCOPE);
  });
});

describe('ChatService.streamMessages', () => {
  const payload = {
    message_id: 'f3a1c2d4-0000-4000-8000-000000000001',
    room_id: ROOM,
    user_id: USER,
    message: 'hi',
    message_type: 'text',
    timestamp: '2025-01-02T03:04:05.678Z',
  };

  it('hands every subscriber of the instance the same frozen message, skipping other frames', async () => {
    const { service, repository, realtime } = setup();
    repository.membership.mockResolvedValue('member');
    // The hub shares one frame object between all streams of the channel.
    const frames = [
      { type: 'presence', payload: {} },
      { type: 'message', payload },
    ];
    realtime.stream.mockImplementation(async function* () {
      yield* frames;
    });
    const firstOf = async () => {
      for await (const message of service.streamMessages(ROOM, USER, new AbortController().signal))
        return message;
      return undefined;
    };
    const [a, b] = await Promise.all([firstOf(), firstOf()]);
    expect(a).toEqual({
      ...payload,
      timestamp: { seconds: '1735787045', nanos: 678_000_000 },
    });
    expect(b).toBe(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a?.timestamp)).toBe(true);
    expect(realtime.stream).toHaveBeenCalledWith(`room:${ROOM}`, expect.anything());
  });

  it('checks membership before it subscribes', async () => {
    const { service, repository, realtime } = setup();
    repository.membership.mockResolvedValue('not-member');
    const iterator = service.streamMessages(ROOM, USER, new AbortController().signal);
    const error = await rejection(iterator.next());
    expect(error.code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(realtime.stream).not.toHaveBeenCalled();
  });
});
