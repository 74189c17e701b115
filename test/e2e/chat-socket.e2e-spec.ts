import { randomUUID } from 'node:crypto';
import { ChatApp, ChatBackends, createChatBackends, startChatApp } from '../support/chat-app';
import { TestFrame, TestSocket, UpgradeRefused } from '../support/ws-client';

// The chat join socket (src/modules/chat/README.md) on one chat-service instance with real PostgreSQL and Redis:
// checks before the upgrade, the JoinRoom frame, `message` pushes from every transport, the
// SendMessage frame, error frames, the frame size limit and the active members in Redis.

const MAX_PAYLOAD = 4096;

interface Room {
  roomId: string;
  creator: string;
  participant: string;
}

describe('chat-service join socket', () => {
  let backends: ChatBackends;
  let app: ChatApp;
  // An admin caller (as the gateway signs it) may act for any member.
  let admin: { metadata: Record<string, string> };
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    backends = await createChatBackends('chat_socket');
    app = await startChatApp(backends, { CHAT_SERVICE_REALTIME_MAX_PAYLOAD: String(MAX_PAYLOAD) });
    admin = await app.as('chat-e2e-admin', ['admin']);
  });

  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  });

  afterAll(async () => {
    await app?.close();
    await backends?.release();
  });

  async function createRoom(): Promise<Room> {
    const creator = randomUUID();
    const participant = randomUUID();
    const created = await app.grpc.createRoom({
      name: 'room',
      creator_id: creator,
      participant_ids: [participant],
    });
    return { roomId: created.room_id, creator, participant };
  }

  function joinPath(roomId: string, userId: string): string {
    return `/chat/rooms/${roomId}/join?user_id=${encodeURIComponent(userId)}`;
  }

  /** Opens a socket and reads its JoinRoom frame. */
  async function join(roomId: string, userId: string): Promise<{ socket: TestSocket; id: string }> {
    const socket = await TestSocket.open(app.httpPort, joinPath(roomId, userId), {
      headers: admin.metadata,
    });
    sockets.push(socket);
    const first = await socket.next();
    expect(first).toEqual({
      type: 'JoinRoom',
      payload: { status: 'joined', connection_id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    return { socket, id: (first.payload as { connection_id: string }).connection_id };
  }

  async function refusal(path: string): Promise<UpgradeRefused> {
    const error = await TestSocket.open(app.httpPort, path, { headers: admin.metadata }).then(
      (socket) => {
        sockets.push(socket);
        return undefined;
      },
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(UpgradeRefused);
    return error as UpgradeRefused;
  }

  function messageFrame(room: Room, userId: string, text: string, type = 'text'): TestFrame {
    return {
      type: 'message',
      payload: {
        message_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        room_id: room.roomId,
        user_id: userId,
        message: text,
        message_type: type,
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      },
    };
  }

  describe('before the upgrade (plain HTTP, no socket opened)', () => {
    it('answers 400 naming the field for a room id or user id that is not a uuid', async () => {
      const room = await createRoom();
      for (const [path, field] of [
        [joinPath('not-a-uuid', room.creator), 'room_id'],
        [joinPath(room.roomId, 'not-a-uuid'), 'user_id'],
        [`/chat/rooms/${room.roomId}/join`, 'user_id'],
      ]) {
        const refused = await refusal(path);
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({ code: 400, status: 'Bad Request' });
        const details = (refused.body as { details: { field_violations?: { field: string }[] }[] })
          .details;
        expect(details.flatMap((detail) => detail.field_violations ?? [])).toEqual([
          expect.objectContaining({ field }),
        ]);
      }
    });

    it('answers 404 for an unknown room', async () => {
      const refused = await refusal(joinPath(randomUUID(), randomUUID()));
      expect(refused.status).toBe(404);
      expect(refused.body).toMatchObject({ code: 404, message: expect.stringContaining('room') });
    });

    it('answers 403 for a user who is neither creator nor participant', async () => {
      const room = await createRoom();
      const refused = await refusal(joinPath(room.roomId, randomUUID()));
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 403 });
    });
  });

  it('pushes messages posted over HTTP, over gRPC and by another socket, in order', async () => {
    const room = await createRoom();
    const creator = await join(room.roomId, room.creator);
    const participant = await join(room.roomId, room.participant);
    expect(creator.id).not.toBe(participant.id);

    const byHttp = await app.http(
      'POST',
      `/chat/rooms/${room.roomId}/messages`,
      {
        user_id: room.creator,
        message: 'over http',
        message_type: 'text',
      },
      admin.metadata,
    );
    expect(byHttp.status).toBe(200);
    await app.grpc.sendMessage(
      {
        room_id: room.roomId,
        user_id: room.participant,
        message: 'over grpc',
        message_type: 'image',
      },
      admin,
    );
    participant.socket.send({
      type: 'SendMessage',
      payload: { message: 'over the socket 😀', message_type: 'file' },
    });

    const expected = [
      messageFrame(room, room.creator, 'over http'),
      messageFrame(room, room.participant, 'over grpc', 'image'),
      messageFrame(room, room.participant, 'over the socket 😀', 'file'),
    ];
    expect(await creator.socket.received(4)).toEqual([expect.anything(), ...expected]);
    const participantFrames = await participant.socket.received(5);
    const pushes = participantFrames.filter((frame) => frame.type === 'message');
    expect(pushes).toEqual(expected);
    const reply = participantFrames.find((frame) => frame.type === 'SendMessage');
    expect(reply).toEqual({
      type: 'SendMessage',
      payload: {
        message_id: (pushes[2].payload as { message_id: string }).message_id,
        timestamp: (pushes[2].payload as { timestamp: string }).timestamp,
      },
    });
    const history = await app.grpc.getMessageHistory(
      {
        room_id: room.roomId,
        limit: 10,
        offset: 0,
      },
      admin,
    );
    expect(history.messages.map((message) => message.message)).toEqual([
      'over the socket 😀',
      'over grpc',
      'over http',
    ]);
  });

  it('delivers to both sockets of a room and nothing to a socket of another room', async () => {
    const room = await createRoom();
    const other = await createRoom();
    const first = await join(room.roomId, room.creator);
    const second = await join(room.roomId, room.creator);
    const elsewhere = await join(other.roomId, other.creator);

    await app.grpc.sendMessage(
      {
        room_id: room.roomId,
        user_id: room.participant,
        message: 'for this room',
        message_type: 'text',
      },
      admin,
    );
    await app.grpc.sendMessage(
      {
        room_id: other.roomId,
        user_id: other.creator,
        message: 'marker for the other room',
        message_type: 'text',
      },
      admin,
    );

    for (const socket of [first.socket, second.socket]) {
      expect(await socket.next()).toEqual(messageFrame(room, room.participant, 'for this room'));
    }
    // Channel order is publish order: had the first message leaked, it would come before this one.
    expect(await elsewhere.socket.next()).toEqual(
      messageFrame(other, other.creator, 'marker for the other room'),
    );
    expect(elsewhere.socket.frames).toHaveLength(2);
  });

  it('answers a frame that is not JSON with an error frame and keeps the connection', async () => {
    const room = await createRoom();
    const { socket } = await join(room.roomId, room.creator);

    socket.send('{not json');
    expect(await socket.next()).toEqual({
      type: 'error',
      payload: { code: 'INVALID_ARGUMENT', message: expect.any(String) },
    });
    socket.send({ type: 'SendMessage', payload: { message: 'still here', message_type: 'text' } });
    const frames = [await socket.next(), await socket.next()];
    expect(frames).toContainEqual(messageFrame(room, room.creator, 'still here'));
  });

  it.each([
    ['an array', '[]', 'frame must be a JSON object {"type": ..., "payload": ...}'],
    ['a string', '"SendMessage"', 'frame must be a JSON object {"type": ..., "payload": ...}'],
    ['no type', '{"payload":{}}', 'frame "type" must be a non-empty string'],
    ['an empty type', '{"type":""}', 'frame "type" must be a non-empty string'],
    ['a number as type', '{"type":7,"payload":{}}', 'frame "type" must be a non-empty string'],
    [
      'an object as type',
      '{"type":{"name":"SendMessage"}}',
      'frame "type" must be a non-empty string',
    ],
  ])(
    'answers a frame with %s with the INVALID_ARGUMENT frame and stays open',
    async (_case, text, message) => {
      const room = await createRoom();
      const { socket } = await join(room.roomId, room.creator);

      socket.send(text);
      expect(await socket.next()).toEqual({
        type: 'error',
        payload: { code: 'INVALID_ARGUMENT', message },
      });
      socket.send({ type: 'SendMessage', payload: { message: 'after', message_type: 'text' } });
      const frames = [await socket.next(), await socket.next()];
      expect(frames).toContainEqual(messageFrame(room, room.creator, 'after'));
    },
  );

  it.each([
    ['an empty message', { message: '', message_type: 'text' }],
    ['1001 code points', { message: '😀'.repeat(1001), message_type: 'text' }],
    ['an unknown message_type', { message: 'x', message_type: 'video' }],
    ['a number as message', { message: 7, message_type: 'text' }],
  ])('answers a SendMessage with %s with an INVALID_ARGUMENT frame', async (_case, payload) => {
    const room = await createRoom();
    const { socket } = await join(room.roomId, room.participant);

    socket.send({ type: 'SendMessage', payload });

    expect(await socket.next()).toEqual({
      type: 'error',
      payload: { code: 'INVALID_ARGUMENT', message: expect.any(String) },
    });
    const history = await app.grpc.getMessageHistory(
      { room_id: room.roomId, limit: 1, offset: 0 },
      admin,
    );
    expect(history.total).toBe(0);
  });

  it('accepts a SendMessage of exactly 1000 emoji', async () => {
    const room = await createRoom();
    const { socket } = await join(room.roomId, room.participant);

    socket.send({
      type: 'SendMessage',
      payload: { message: '😀'.repeat(1000), message_type: 'text' },
    });

    const frames = [await socket.next(), await socket.next()];
    expect(frames.map((frame) => frame.type).sort()).toEqual(['SendMessage', 'message']);
  });

  it('closes a connection that sends a frame over MAX_PAYLOAD with 1009', async () => {
    const room = await createRoom();
    const { socket } = await join(room.roomId, room.creator);

    socket.send({ type: 'SendMessage', payload: { message: 'x'.repeat(MAX_PAYLOAD) } });

    expect((await socket.closed).code).toBe(1009);
  });

  it('keeps the active members of the room in Redis, counted per socket', async () => {
    const room = await createRoom();
    const key = `${backends.keyPrefix}room:${room.roomId}:active`;
    const first = await join(room.roomId, room.creator);
    await join(room.roomId, room.creator);
    const participant = await join(room.roomId, room.participant);

    expect(await backends.redis.zscore(key, room.creator)).toBe('2');
    expect(await backends.redis.zscore(key, room.participant)).toBe('1');

    await participant.socket.close();
    await first.socket.close();
    await eventually(async () => {
      expect(await backends.redis.zrange(key, 0, -1, 'WITHSCORES')).toEqual([room.creator, '1']);
    });
  });
});

/** Retries `check` until it passes (close handling runs after the client saw the close). */
async function eventually(check: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
