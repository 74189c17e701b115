import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '../../src/gen/chatservice/chat-service';
import { getRealtimeToken, RealtimePlugin } from '../../src/plugins/realtime';
import { ChatApp, ChatBackends, createChatBackends, startChatApp } from '../support/chat-app';

// chat-service StreamMessages against real PostgreSQL and Redis, on two instances sharing the
// realtime fan-out: NDJSON and SSE over HTTP, the gRPC server stream, membership refused before
// the first message, and every message posted after the subscription, from either instance, in
// order, on every subscriber.

const MESSAGES = 40;

describe('chat-service StreamMessages (two instances)', () => {
  let backends: ChatBackends;
  let a: ChatApp;
  let b: ChatApp;
  let roomId: string;
  let member: string;
  /** Ends whatever a failed test left streaming, so the apps can shut down. */
  const stop = new AbortController();

  beforeAll(async () => {
    backends = await createChatBackends('chat_stream');
    // A subscription lives as long as its test; the default 30 s request timeout would end it
    // on a loaded machine before 1,000 posts went through.
    a = await startChatApp(backends, { CHAT_SERVICE_REQUEST_TIMEOUT: '120s' });
    b = await startChatApp(backends, { CHAT_SERVICE_REQUEST_TIMEOUT: '120s' });
    member = randomUUID();
    const created = await a.http('POST', '/chat/rooms', {
      name: 'streamed',
      creator_id: member,
      participant_ids: [],
    });
    roomId = (created.body as { room_id: string }).room_id;
  });

  afterAll(async () => {
    stop.abort();
    await a?.close();
    await b?.close();
    await backends?.release();
  });

  const subscribers = (app: ChatApp) =>
    app.running.app
      .get<string, RealtimePlugin>(getRealtimeToken('realtime'))
      .subscriberCount(`room:${roomId}`);

  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Reads an HTTP stream's body line by line into `lines` until `count` arrived. */
  async function read(response: Response, count: number, separator: string): Promise<string[]> {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    const items: string[] = [];
    while (items.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffered.indexOf(separator)) >= 0) {
        items.push(buffered.slice(0, end));
        buffered = buffered.slice(end + separator.length);
      }
    }
    await reader.cancel();
    return items;
  }

  it('refuses a non-member (403) and an unknown room (404) before the first message', async () => {
    const stranger = randomUUID();
    const headers = (await b.as(stranger)).metadata;
    const refused = await fetch(
      `${b.running.httpUrl}/chat/rooms/${roomId}/stream?user_id=${stranger}`,
      { headers },
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/json');
    const body = (await refused.json()) as { message?: string };
    expect(body.message).toContain('is not a member');
    const unknownRoom = await fetch(
      `${b.running.httpUrl}/chat/rooms/${randomUUID()}/stream?user_id=${stranger}`,
      { headers },
    );
    expect(unknownRoom.status).toBe(404);
  });

  it('delivers every message posted after the subscription, from both instances, in order, on NDJSON, SSE and gRPC', async () => {
    const caller = await a.as(member);
    const abort = new AbortController();
    stop.signal.addEventListener('abort', () => abort.abort());
    // A stream answers its headers with its first message: the responses settle after the posts.
    const ndjsonResponse = fetch(
      `${b.running.httpUrl}/chat/rooms/${roomId}/stream?user_id=${member}`,
      { headers: caller.metadata, signal: abort.signal },
    );
    const sseResponse = fetch(
      `${a.running.httpUrl}/chat/rooms/${roomId}/stream?user_id=${member}`,
      {
        headers: { ...caller.metadata, accept: 'text/event-stream' },
        signal: abort.signal,
      },
    );
    const grpcReceived: ChatMessage[] = [];
    const grpcDone = (async () => {
      try {
        for await (const message of a.grpc.streamMessages(
          { room_id: roomId, user_id: member },
          { metadata: caller.metadata, signal: abort.signal },
        )) {
          grpcReceived.push(message);
          if (grpcReceived.length === MESSAGES) break;
        }
      } catch {
        // cancelled below if short
      }
    })();
    await until(() => subscribers(a) === 2 && subscribers(b) === 1);

    const sent: string[] = [];
    for (let index = 0; index < MESSAGES; index += 1) {
      const via = index % 2 === 0 ? a : b;
      const text = `message ${index}`;
      const posted = await via.http(
        'POST',
        `/chat/rooms/${roomId}/messages`,
        { user_id: member, message: text, message_type: 'text' },
        caller.metadata,
      );
      expect(posted.status).toBe(200);
      sent.push(text);
    }
    const ndjson = await ndjsonResponse;
    const sse = await sseResponse;
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = (await read(ndjson, MESSAGES, '\n')).map(
      (line) => JSON.parse(line) as { result: { message: string; room_id: string } },
    );
    expect(lines.map((line) => line.result.message)).toEqual(sent);
    expect(lines[0].result.room_id).toBe(roomId);
    expect(sse.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = await read(sse, MESSAGES, '\n\n');
    expect(events.map((event) => JSON.parse(event.replace(/^data: /, '')).message)).toEqual(sent);
    await grpcDone;
    expect(grpcReceived.map((message) => message.message)).toEqual(sent);
    abort.abort();
    // Every subscriber gone: the readers cancelled, the gRPC call ended.
    await until(() => subscribers(a) === 0 && subscribers(b) === 0);
  });

  it('200 gRPC subscribers across both instances each receive 1,000 messages in order', async () => {
    const SUBSCRIBERS = 200;
    const POSTS = 1000;
    const caller = await a.as(member);
    const abort = new AbortController();
    stop.signal.addEventListener('abort', () => abort.abort());
    const received: string[][] = Array.from({ length: SUBSCRIBERS }, () => []);
    const done = received.map(async (messages, index) => {
      const via = index % 2 === 0 ? a : b;
      for await (const message of via.grpc.streamMessages(
        { room_id: roomId, user_id: member },
        { metadata: caller.metadata, signal: abort.signal },
      )) {
        messages.push(message.message);
        if (messages.length === POSTS) break;
      }
    });
    await until(() => subscribers(a) === SUBSCRIBERS / 2 && subscribers(b) === SUBSCRIBERS / 2);
    const sent: string[] = [];
    for (let index = 0; index < POSTS; index += 1) {
      const text = `bulk ${index}`;
      const posted = await (index % 2 === 0 ? a : b).grpc.sendMessage(
        { room_id: roomId, user_id: member, message: text, message_type: 'text' },
        { metadata: caller.metadata },
      );
      expect(posted.message_id).toEqual(expect.any(String));
      sent.push(text);
    }
    await Promise.all(done);
    for (const messages of received) expect(messages).toEqual(sent);
    await until(() => subscribers(a) === 0 && subscribers(b) === 0);
  }, 120_000);
});
