import { ChatServiceTypes } from '../../gen/chatservice/chat-service.toolkit';
import { createChatServicePluginMocks } from '../../gen/chatservice/chat-service.toolkit.mocks';
import { DescriptorRegistry } from '../../toolkit/descriptor';
import { FrameHandler, RealtimeConnection, RealtimeFrame } from '../../plugins/realtime';
import { GrpcStatus, ToolkitError } from '../../toolkit/errors';
import { ActiveMembers } from './active-members';
import { ChatSockets } from './chat-socket';
import { ChatService } from './chat.service';
import { MessageEntity } from './message.entity';

const ROOM = '7b1e6c2a-1f7e-4c41-9d3c-2a9a6f0b5e11';
const USER = '0c9f3b8e-5d4a-4b1c-8e7f-6a5b4c3d2e1f';

/** A connection as the hub hands it over, recording what the session does with it. */
function fakeConnection() {
  const handlers = new Map<string, FrameHandler>();
  const closeListeners: (() => void)[] = [];
  const sent: RealtimeFrame[] = [];
  const connection = {
    id: 'connection-1',
    open: true,
    channels: new Set<string>(),
    send: jest.fn((frame: RealtimeFrame) => sent.push(frame) > 0),
    onFrame: jest.fn((type: string, handler: FrameHandler) => handlers.set(type, handler)),
    onClosed: jest.fn((listener: () => void) => closeListeners.push(listener)),
    close: jest.fn(),
  } as unknown as RealtimeConnection;
  return {
    connection,
    sent,
    frame: (type: string, payload: unknown) => {
      const handler = handlers.get(type);
      if (!handler) throw new Error(`no handler for ${type}`);
      return handler(payload, connection);
    },
    closeSocket: () => closeListeners.forEach((listener) => listener()),
  };
}

function setup() {
  const { realtime } = createChatServicePluginMocks();
  const chat = { sendMessage: jest.fn() } as unknown as jest.Mocked<ChatService>;
  const activeMembers = {
    joined: jest.fn().mockResolvedValue(undefined),
    left: jest.fn().mockResolvedValue(undefined),
  } as unknown as jest.Mocked<ActiveMembers>;
  const sockets = new ChatSockets(
    chat,
    activeMembers,
    realtime,
    new DescriptorRegistry([ChatServiceTypes]),
  );
  return { sockets, chat, activeMembers, realtime };
}

async function rejection(promise: Promise<unknown> | void): Promise<ToolkitError> {
  const error = await Promise.resolve(promise).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ToolkitError);
  return error as ToolkitError;
}

describe('ChatSockets.open', () => {
  it('subscribes to the room channel, counts the member, then sends the JoinRoom frame', async () => {
    const { sockets, realtime, activeMembers } = setup();
    const socket = fakeConnection();

    await sockets.open(socket.connection, { room_id: ROOM.toUpperCase(), user_id: USER });

    expect(realtime.subscribe).toHaveBeenCalledWith(socket.connection, `room:${ROOM}`);
    expect(activeMembers.joined).toHaveBeenCalledWith(ROOM, USER);
    expect(socket.sent).toEqual([
      { type: 'JoinRoom', payload: { status: 'joined', connection_id: 'connection-1' } },
    ]);
    expect(realtime.subscribe.mock.invocationCallOrder[0]).toBeLessThan(
      (socket.connection.send as jest.Mock).mock.invocationCallOrder[0],
    );
  });

  it('removes the member once the socket closes', async () => {
    const { sockets, activeMembers } = setup();
    const socket = fakeConnection();
    await sockets.open(socket.connection, { room_id: ROOM, user_id: USER });
    expect(activeMembers.left).not.toHaveBeenCalled();

    socket.closeSocket();

    expect(activeMembers.left).toHaveBeenCalledWith(ROOM, USER);
  });
});

describe('SendMessage frames', () => {
  async function joined() {
    const context = setup();
    const socket = fakeConnection();
    await context.sockets.open(socket.connection, { room_id: ROOM, user_id: USER });
    socket.sent.length = 0;
    return { ...context, socket };
  }

  it('posts as the user of the connection, in its room, and answers with SendMessageResponse', async () => {
    const { chat, socket } = await joined();
    chat.sendMessage.mockResolvedValue(
      Object.assign(new MessageEntity(), {
        id: 'message-1',
        roomId: ROOM,
        userId: USER,
        message: 'hello',
        messageType: 'text',
        createdAt: new Date('2025-01-02T03:04:05Z'),
      }),
    );

    await socket.frame('SendMessage', {
      message: 'hello',
      message_type: 'text',
      room_id: '11111111-1111-4111-8111-111111111111',
      user_id: '22222222-2222-4222-8222-222222222222',
      unknown_field: true,
    });

    expect(chat.sendMessage).toHaveBeenCalledWith({
      roomId: ROOM,
      userId: USER,
      message: 'hello',
      messageType: 'text',
    });
    expect(socket.sent).toEqual([
      {
        type: 'SendMessage',
        payload: { message_id: 'message-1', timestamp: '2025-01-02T03:04:05Z' },
      },
    ]);
  });

  it.each([
    ['an empty message', { message: '', message_type: 'text' }, 'message'],
    ['1001 code points', { message: '😀'.repeat(1001), message_type: 'text' }, 'message'],
    ['an unknown message_type', { message: 'x', message_type: 'video' }, 'message_type'],
    ['no fields', {}, 'message'],
  ])('refuses %s with INVALID_ARGUMENT naming the field', async (_case, payload, field) => {
    const { chat, socket } = await joined();

    const error = await rejection(socket.frame('SendMessage', payload));

    expect(error.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(error.violations.map((violation) => violation.field)).toContain(field);
    expect(chat.sendMessage).not.toHaveBeenCalled();
  });

  it.each([
    ['a string payload', 'hello'],
    ['a number as message', { message: 5, message_type: 'text' }],
    ['null payload', null],
  ])('refuses %s with INVALID_ARGUMENT', async (_case, payload) => {
    const { chat, socket } = await joined();

    expect((await rejection(socket.frame('SendMessage', payload))).code).toBe(
      GrpcStatus.INVALID_ARGUMENT,
    );
    expect(chat.sendMessage).not.toHaveBeenCalled();
  });
});
