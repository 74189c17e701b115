import { randomUUID } from 'node:crypto';
import { ChatApp, ChatBackends, createChatBackends, startChatApp } from '../support/chat-app';
import { TestFrame, TestSocket } from '../support/ws-client';

// Two chat-service instances (two ports) on one database and one realtime channel prefix: what
// either receives, over either transport, reaches the sockets joined on both. Then the burst:
// 200 sockets, 1,000 messages, every socket gets every message in the same order.

const SOCKETS = 200;
const MESSAGES = 1_000;
/** Senders posting one after the other; their messages interleave, each sender's stay in order. */
const LANES = 10;

interface ChatMessagePayload {
  message_id: string;
  user_id: string;
  message: string;
}

describe('chat-service fan-out across instances', () => {
  let backends: ChatBackends;
  let instances: ChatApp[];
  // An admin caller (as the gateway signs it) may act for any member.
  let admin: { metadata: Record<string, string> };
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    backends = await createChatBackends('chat_fanout');
    instances = [await startChatApp(backends), await startChatApp(backends)];
    admin = await instances[0].as('chat-e2e-admin', ['admin']);
  });

  afterAll(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
    await Promise.all((instances ?? []).map((instance) => instance.close()));
    await backends?.release();
  });

  async function join(instance: ChatApp, roomId: string, userId: string): Promise<TestSocket> {
    const socket = await TestSocket.open(
      instance.httpPort,
      `/chat/rooms/${roomId}/join?user_id=${userId}`,
      { headers: admin.metadata },
    );
    sockets.push(socket);
    expect((await socket.next()).type).toBe('JoinRoom');
    return socket;
  }

  it('delivers a message posted on one instance to sockets joined on the other', async () => {
    const [a, b] = instances;
    expect(a.httpPort).not.toBe(b.httpPort);
    const creator = randomUUID();
    const participant = randomUUID();
    const { room_id: roomId } = await a.grpc.createRoom({
      name: 'two instances',
      creator_id: creator,
      participant_ids: [participant],
    });
    const onA = await join(a, roomId, creator);
    const onB = await join(b, roomId, participant);

    await a.http(
      'POST',
      `/chat/rooms/${roomId}/messages`,
      {
        user_id: creator,
        message: 'posted on A over HTTP',
        message_type: 'text',
      },
      admin.metadata,
    );
    await b.grpc.sendMessage(
      {
        room_id: roomId,
        user_id: participant,
        message: 'posted on B over gRPC',
        message_type: 'text',
      },
      admin,
    );
    onB.send({
      type: 'SendMessage',
      payload: { message: 'sent on a B socket', message_type: 'text' },
    });

    const texts = (frames: TestFrame[]) =>
      frames
        .filter((frame) => frame.type === 'message')
        .map((frame) => (frame.payload as ChatMessagePayload).message);
    const expected = ['posted on A over HTTP', 'posted on B over gRPC', 'sent on a B socket'];
    expect(texts(await onA.received(1 + 3))).toEqual(expected);
    expect(texts(await onB.received(1 + 3 + 1))).toEqual(expected);
  });

  it(`delivers a burst of ${MESSAGES} messages to ${SOCKETS} sockets, every one in order`, async () => {
    const [a, b] = instances;
    const creator = randomUUID();
    const participants = Array.from({ length: SOCKETS - 1 }, () => randomUUID());
    const members = [creator, ...participants];
    const { room_id: roomId } = await a.grpc.createRoom({
      name: 'burst',
      creator_id: creator,
      participant_ids: participants,
    });

    const joining = Date.now();
    const joined: TestSocket[] = [];
    for (let start = 0; start < SOCKETS; start += 20) {
      const batch = members.slice(start, start + 20);
      joined.push(
        ...(await Promise.all(
          batch.map((userId, index) => join((start + index) % 2 === 0 ? a : b, roomId, userId)),
        )),
      );
    }

    const started = Date.now();
    await Promise.all(
      Array.from({ length: LANES }, async (_unused, lane) => {
        for (let index = 0; index < MESSAGES / LANES; index += 1) {
          const instance = (lane + index) % 2 === 0 ? a : b;
          const message = `${lane}:${index}`;
          if (index % 2 === 0) {
            const answer = await instance.http(
              'POST',
              `/chat/rooms/${roomId}/messages`,
              {
                user_id: members[lane],
                message,
                message_type: 'text',
              },
              admin.metadata,
            );
            expect(answer.status).toBe(200);
          } else {
            await instance.grpc.sendMessage(
              {
                room_id: roomId,
                user_id: members[lane],
                message,
                message_type: 'text',
              },
              admin,
            );
          }
        }
      }),
    );
    const posted = Date.now();
    await Promise.all(joined.map((socket) => socket.received(1 + MESSAGES)));
    const delivered = Date.now();

    const sequences = joined.map((socket) => {
      const pushes = socket.frames.slice(1);
      expect(pushes.filter((frame) => frame.type !== 'message')).toEqual([]);
      return pushes.map((frame) => (frame.payload as ChatMessagePayload).message);
    });
    for (const sequence of sequences) {
      expect(sequence).toHaveLength(MESSAGES);
      expect(sequence).toEqual(sequences[0]);
    }
    for (let lane = 0; lane < LANES; lane += 1) {
      const ofLane = sequences[0].filter((message) => message.startsWith(`${lane}:`));
      expect(ofLane).toEqual(Array.from({ length: MESSAGES / LANES }, (_u, i) => `${lane}:${i}`));
    }
    const history = await b.grpc.getMessageHistory({ room_id: roomId, limit: 1, offset: 0 }, admin);
    expect(history.total).toBe(MESSAGES);

    const frames = sequences.reduce((sum, sequence) => sum + sequence.length, 0);
    // Figures for the closing note; nothing is asserted on time.
    console.info(
      `chat fan-out: ${SOCKETS} sockets joined on 2 instances in ${started - joining} ms, ` +
        `${MESSAGES} messages (${LANES} senders, HTTP and gRPC alternating), ` +
        `${frames} frames delivered (${frames / (SOCKETS * MESSAGES)} of expected); ` +
        `posting took ${posted - started} ms, last delivery ${delivered - started} ms after the first post`,
    );
  }, 120_000);
});
