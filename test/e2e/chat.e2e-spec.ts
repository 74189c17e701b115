import { randomUUID } from 'node:crypto';
import { status as GrpcCode } from '@grpc/grpc-js';
import { ChatApp, ChatBackends, createChatBackends, startChatApp } from '../support/chat-app';

// chat-service rpcs on both transports against real PostgreSQL and Redis: rooms, membership,
// messages, history, and the validation boundaries of every request message. Calls come as an
// admin caller (as the gateway signs it), who may act for any user, so membership is what is
// tested here; acting for others and the caller checks are in security-authorization.

const EMOJI = '😀'; // one code point, two UTF-16 units
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

interface Room {
  roomId: string;
  creator: string;
  participant: string;
}

describe('chat-service rpcs (HTTP and gRPC)', () => {
  let backends: ChatBackends;
  let app: ChatApp;
  let admin: { metadata: Record<string, string> };

  beforeAll(async () => {
    backends = await createChatBackends('chat_rpc');
    app = await startChatApp(backends);
    admin = await app.as('chat-e2e-admin', ['admin']);
  });

  afterAll(async () => {
    await app?.close();
    await backends?.release();
  });

  async function createRoom(): Promise<Room> {
    const creator = randomUUID();
    const participant = randomUUID();
    const created = await app.http('POST', '/chat/rooms', {
      name: 'general',
      creator_id: creator,
      participant_ids: [participant],
    });
    expect(created).toEqual({
      status: 200,
      body: { room_id: expect.any(String), status: 'created' },
    });
    return { roomId: (created.body as { room_id: string }).room_id, creator, participant };
  }

  function post(roomId: string, body: Record<string, unknown>) {
    return app.http('POST', `/chat/rooms/${roomId}/messages`, body, admin.metadata);
  }

  function violations(body: unknown): string[] {
    const details = (body as { details: { field_violations?: { field: string }[] }[] }).details;
    return details.flatMap((detail) => detail.field_violations ?? []).map((v) => v.field);
  }

  describe('CreateRoom', () => {
    it('stores the room, its creator and its participants', async () => {
      const room = await createRoom();
      const rows = await backends.database.query<{ creator_id: string; participants: string[] }>(
        `SELECT r.creator_id, array_agg(p.user_id::text) AS participants
           FROM chat_rooms r JOIN chat_room_participants p ON p.room_id = r.id
          WHERE r.id = $1 GROUP BY r.creator_id`,
        [room.roomId],
      );
      expect(rows).toEqual([{ creator_id: room.creator, participants: [room.participant] }]);
    });

    it('creates over gRPC too, with duplicate participants and the creator listed once', async () => {
      const creator = randomUUID();
      const other = randomUUID();
      const created = await app.grpc.createRoom({
        name: 'grpc room',
        creator_id: creator,
        participant_ids: [other, other.toUpperCase(), creator],
      });
      expect(created).toEqual({ room_id: expect.any(String), status: 'created' });
      const rows = await backends.database.query(
        'SELECT user_id FROM chat_room_participants WHERE room_id = $1',
        [created.room_id],
      );
      expect(rows).toEqual([{ user_id: other }]);
    });

    it.each([
      ['name of 1 code point', 200, { name: 'a' }],
      ['name of 100 emoji (100 code points)', 200, { name: EMOJI.repeat(100) }],
      ['empty name', 400, { name: '' }],
      ['name of 101 code points', 400, { name: `${EMOJI.repeat(100)}a` }],
      ['creator_id not a uuid', 400, { creator_id: 'not-a-uuid' }],
      ['missing creator_id', 400, { creator_id: undefined }],
      ['participant that is not a uuid', 400, { participant_ids: [randomUUID(), 'x'] }],
    ])('HTTP: %s → %d', async (_case, status, change) => {
      const body = { name: 'room', creator_id: randomUUID(), participant_ids: [], ...change };
      expect((await app.http('POST', '/chat/rooms', body)).status).toBe(status);
    });

    it('names every violated field in the 400 body', async () => {
      const answer = await app.http('POST', '/chat/rooms', {
        name: '',
        creator_id: 'x',
        participant_ids: [randomUUID(), 'bad'],
      });
      expect(answer.status).toBe(400);
      expect(violations(answer.body).sort()).toEqual(['creator_id', 'name', 'participant_ids[1]']);
    });

    it('gRPC: refuses the same requests with INVALID_ARGUMENT', async () => {
      await expect(
        app.grpc.createRoom({ name: '', creator_id: randomUUID(), participant_ids: [] }),
      ).rejects.toMatchObject({ code: GrpcCode.INVALID_ARGUMENT });
      await expect(
        app.grpc.createRoom({ name: 'r', creator_id: randomUUID(), participant_ids: ['nope'] }),
      ).rejects.toMatchObject({ code: GrpcCode.INVALID_ARGUMENT });
    });
  });

  describe('SendMessage', () => {
    let room: Room;
    beforeAll(async () => {
      room = await createRoom();
    });

    it('accepts the creator and a participant, over HTTP and gRPC', async () => {
      const byCreator = await post(room.roomId, {
        user_id: room.creator,
        message: 'hello',
        message_type: 'text',
      });
      expect(byCreator.status).toBe(200);
      const body = byCreator.body as { message_id: string; timestamp: string };
      expect(body.message_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.timestamp).toMatch(RFC3339);

      const byParticipant = await app.grpc.sendMessage(
        {
          room_id: room.roomId,
          user_id: room.participant,
          message: 'hi',
          message_type: 'image',
        },
        admin,
      );
      expect(byParticipant.message_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number(byParticipant.timestamp?.seconds)).toBeGreaterThan(0);
    });

    it('refuses a non-member with PERMISSION_DENIED (403) and stores nothing', async () => {
      const outsider = randomUUID();
      const answer = await post(room.roomId, {
        user_id: outsider,
        message: 'let me in',
        message_type: 'text',
      });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ code: 403, status: 'Forbidden' });
      await expect(
        app.grpc.sendMessage(
          {
            room_id: room.roomId,
            user_id: outsider,
            message: 'x',
            message_type: 'text',
          },
          admin,
        ),
      ).rejects.toMatchObject({ code: GrpcCode.PERMISSION_DENIED });
      const stored = await backends.database.query(
        'SELECT 1 FROM chat_messages WHERE user_id = $1',
        [outsider],
      );
      expect(stored).toEqual([]);
    });

    it('answers NOT_FOUND (404) for an unknown room', async () => {
      const unknown = randomUUID();
      const answer = await post(unknown, {
        user_id: room.creator,
        message: 'x',
        message_type: 'text',
      });
      expect(answer.status).toBe(404);
      await expect(
        app.grpc.sendMessage(
          {
            room_id: unknown,
            user_id: room.creator,
            message: 'x',
            message_type: 'text',
          },
          admin,
        ),
      ).rejects.toMatchObject({ code: GrpcCode.NOT_FOUND });
    });

    it.each([
      ['1 code point', 200, { message: 'a' }],
      ['1 emoji', 200, { message: EMOJI }],
      ['1000 emoji (2000 UTF-16 units)', 200, { message: EMOJI.repeat(1000) }],
      ['1000 ASCII characters', 200, { message: 'a'.repeat(1000) }],
      ['empty message', 400, { message: '' }],
      ['1001 code points', 400, { message: `${EMOJI.repeat(1000)}a` }],
      ['message_type image', 200, { message_type: 'image' }],
      ['message_type file', 200, { message_type: 'file' }],
      ['message_type video', 400, { message_type: 'video' }],
      ['message_type TEXT (case matters)', 400, { message_type: 'TEXT' }],
      ['empty message_type', 400, { message_type: '' }],
      ['user_id not a uuid', 400, { user_id: 'abc' }],
      ['message not a string', 400, { message: 5 }],
    ])('HTTP: %s → %d', async (_case, status, change) => {
      const body = { user_id: room.creator, message: 'ok', message_type: 'text', ...change };
      expect((await post(room.roomId, body)).status).toBe(status);
    });

    it('refuses a room id that is not a uuid with 400 before looking it up', async () => {
      const answer = await post('not-a-uuid', {
        user_id: room.creator,
        message: 'x',
        message_type: 'text',
      });
      expect(answer.status).toBe(400);
      expect(violations(answer.body)).toEqual(['room_id']);
    });

    it.each([
      ['1001 code points', { message: 'a'.repeat(1001) }],
      ['empty message', { message: '' }],
      ['message_type audio', { message_type: 'audio' }],
      ['room_id not a uuid', { room_id: 'r' }],
      ['user_id empty', { user_id: '' }],
    ])('gRPC: %s → INVALID_ARGUMENT', async (_case, change) => {
      const request = {
        room_id: room.roomId,
        user_id: room.creator,
        message: 'ok',
        message_type: 'text',
        ...change,
      };
      await expect(app.grpc.sendMessage(request, admin)).rejects.toMatchObject({
        code: GrpcCode.INVALID_ARGUMENT,
      });
    });

    it('gRPC: 1000 emoji are accepted', async () => {
      await expect(
        app.grpc.sendMessage(
          {
            room_id: room.roomId,
            user_id: room.creator,
            message: EMOJI.repeat(1000),
            message_type: 'file',
          },
          admin,
        ),
      ).resolves.toMatchObject({ message_id: expect.any(String) });
    });
  });

  describe('GetMessageHistory', () => {
    let room: Room;
    const sent: string[] = [];
    beforeAll(async () => {
      room = await createRoom();
      for (let index = 0; index < 5; index += 1) {
        const answer = await post(room.roomId, {
          user_id: index % 2 === 0 ? room.creator : room.participant,
          message: `message ${index}`,
          message_type: 'text',
        });
        sent.push((answer.body as { message_id: string }).message_id);
      }
    });

    it('answers newest first with the total, as protojson', async () => {
      const answer = await app.http(
        'GET',
        `/chat/rooms/${room.roomId}/messages?limit=3&offset=0`,
        undefined,
        admin.metadata,
      );
      expect(answer.status).toBe(200);
      const body = answer.body as { messages: Record<string, unknown>[]; total: number };
      expect(body.total).toBe(5);
      expect(body.messages.map((message) => message.message)).toEqual([
        'message 4',
        'message 3',
        'message 2',
      ]);
      expect(body.messages[0]).toEqual({
        message_id: sent[4],
        room_id: room.roomId,
        user_id: room.creator,
        message: 'message 4',
        message_type: 'text',
        timestamp: expect.stringMatching(RFC3339),
      });
    });

    it('pages with offset, over gRPC too', async () => {
      const page = await app.grpc.getMessageHistory(
        { room_id: room.roomId, limit: 2, offset: 3 },
        admin,
      );
      expect(page.total).toBe(5);
      expect(page.messages.map((message) => message.message_id)).toEqual([sent[1], sent[0]]);
      const beyond = await app.grpc.getMessageHistory(
        {
          room_id: room.roomId,
          limit: 10,
          offset: 5,
        },
        admin,
      );
      expect(beyond).toEqual({ messages: [], total: 5 });
    });

    it('answers an empty room with no messages and total 0', async () => {
      const empty = await createRoom();
      const answer = await app.http(
        'GET',
        `/chat/rooms/${empty.roomId}/messages?limit=1`,
        undefined,
        admin.metadata,
      );
      expect(answer).toEqual({ status: 200, body: { messages: [], total: 0 } });
    });

    it('answers NOT_FOUND (404) for an unknown room, on both transports', async () => {
      const unknown = randomUUID();
      expect(
        (
          await app.http(
            'GET',
            `/chat/rooms/${unknown}/messages?limit=1`,
            undefined,
            admin.metadata,
          )
        ).status,
      ).toBe(404);
      await expect(
        app.grpc.getMessageHistory({ room_id: unknown, limit: 1, offset: 0 }, admin),
      ).rejects.toMatchObject({ code: GrpcCode.NOT_FOUND });
    });

    it.each([
      ['limit=1', 200],
      ['limit=100', 200],
      ['limit=100&offset=1000000', 200],
      ['limit=0', 400],
      ['', 400],
      ['limit=101', 400],
      ['limit=-1', 400],
      ['limit=1&offset=-1', 400],
      ['limit=abc', 400],
      ['limit=1.5', 400],
    ])('HTTP: ?%s → %d', async (query, status) => {
      const answer = await app.http(
        'GET',
        `/chat/rooms/${room.roomId}/messages?${query}`,
        undefined,
        admin.metadata,
      );
      expect(answer.status).toBe(status);
    });

    it.each([
      ['limit 0', { limit: 0 }],
      ['limit 101', { limit: 101 }],
      ['offset -1', { offset: -1 }],
      ['room_id not a uuid', { room_id: 'x' }],
    ])('gRPC: %s → INVALID_ARGUMENT', async (_case, change) => {
      await expect(
        app.grpc.getMessageHistory(
          { room_id: room.roomId, limit: 10, offset: 0, ...change },
          admin,
        ),
      ).rejects.toMatchObject({ code: GrpcCode.INVALID_ARGUMENT });
    });
  });

  describe('JoinRoom over gRPC (unary: a membership check)', () => {
    let room: Room;
    beforeAll(async () => {
      room = await createRoom();
    });

    it('answers joined with an empty connection id for the creator and a participant', async () => {
      for (const user of [room.creator, room.participant.toUpperCase()]) {
        await expect(
          app.grpc.joinRoom({ room_id: room.roomId, user_id: user }, admin),
        ).resolves.toEqual({
          status: 'joined',
          connection_id: '',
        });
      }
    });

    it('refuses a non-member, an unknown room and bad ids', async () => {
      await expect(
        app.grpc.joinRoom({ room_id: room.roomId, user_id: randomUUID() }, admin),
      ).rejects.toMatchObject({ code: GrpcCode.PERMISSION_DENIED });
      await expect(
        app.grpc.joinRoom({ room_id: randomUUID(), user_id: room.creator }, admin),
      ).rejects.toMatchObject({ code: GrpcCode.NOT_FOUND });
      await expect(
        app.grpc.joinRoom({ room_id: room.roomId, user_id: 'nope' }, admin),
      ).rejects.toMatchObject({ code: GrpcCode.INVALID_ARGUMENT });
      await expect(
        app.grpc.joinRoom({ room_id: '', user_id: room.creator }, admin),
      ).rejects.toMatchObject({ code: GrpcCode.INVALID_ARGUMENT });
    });
  });
});
