import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { apiGatewayDefinition } from '../../src/modules/gateway/gateway.definition';
import { getRealtimeToken, RealtimePlugin } from '../../src/plugins/realtime';
import { RunningService } from '../../src/toolkit/runtime/bootstrap-service';
import { bootstrapService } from '../support/bootstrap';
import { ChatApp, ChatBackends, createChatBackends, startChatApp } from '../support/chat-app';
import { deleteKeys, rawRedis, TEST_REDIS, uniqueKeyPrefix } from '../support/redis';

// The gateway's http_proxy route to chat-service's server stream: auth and the caller binding
// before any backend call, the backend's gRPC stream streamed through as NDJSON, and the backend
// call cancelled (its room subscription released) when the client goes away.

const SECRET = 'streaming-gateway-e2e-secret-long-enough';

async function token(sub: string): Promise<string> {
  return new SignJWT({ sub, jti: randomUUID(), roles: ['user'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

describe('gateway: GET /api/v1/chat/rooms/{room_id}/stream', () => {
  const keyPrefix = uniqueKeyPrefix('stream_gw');
  let backends: ChatBackends;
  let chat: ChatApp;
  let gateway: RunningService;
  let roomId: string;
  let member: string;

  beforeAll(async () => {
    backends = await createChatBackends('stream_gw');
    chat = await startChatApp(backends, { CHAT_SERVICE_LOG_LEVEL: 'silent' });
    gateway = await bootstrapService(apiGatewayDefinition, {
      env: {
        API_GATEWAY_LOG_LEVEL: 'silent',
        API_GATEWAY_CACHE_HOST: TEST_REDIS.host,
        API_GATEWAY_CACHE_PORT: String(TEST_REDIS.port),
        API_GATEWAY_CACHE_KEY_PREFIX: keyPrefix,
        API_GATEWAY_AUTH_JWT_SECRET: SECRET,
        API_GATEWAY_RESOLVER_ENDPOINTS: [
          'user-service=127.0.0.1:9',
          'notification-service=127.0.0.1:9',
          `chat-service=${chat.running.grpcTarget}`,
        ].join(','),
        API_GATEWAY_RESOLVER_HTTP_ENDPOINTS: `chat-service=127.0.0.1:${chat.httpPort}`,
      },
      httpPort: 0,
    });
    member = randomUUID();
    const created = await chat.http('POST', '/chat/rooms', {
      name: 'via gateway',
      creator_id: member,
      participant_ids: [],
    });
    roomId = (created.body as { room_id: string }).room_id;
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await chat?.close();
    await backends?.release();
    const redis = rawRedis();
    await deleteKeys(redis, keyPrefix);
    redis.disconnect();
  });

  const subscribers = () =>
    chat.running.app
      .get<string, RealtimePlugin>(getRealtimeToken('realtime'))
      .subscriberCount(`room:${roomId}`);
  const streamUrl = (userId: string) =>
    `${gateway.httpUrl}/api/v1/chat/rooms/${roomId}/stream?user_id=${userId}`;

  it('refuses without a token (401) and for another user (403) before calling the backend', async () => {
    expect((await fetch(streamUrl(member))).status).toBe(401);
    const stranger = await token(randomUUID());
    const refused = await fetch(streamUrl(member), {
      headers: { authorization: `Bearer ${stranger}` },
    });
    expect(refused.status).toBe(403);
    expect(subscribers()).toBe(0);
  });

  it('streams the backend messages through, then cancels the backend call when the client leaves', async () => {
    const abort = new AbortController();
    const bearer = { authorization: `Bearer ${await token(member)}` };
    const pending = fetch(streamUrl(member), { headers: bearer, signal: abort.signal });
    while (subscribers() === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const caller = await chat.as(member);
    const sent: string[] = [];
    for (let index = 0; index < 20; index += 1) {
      const text = `via gateway ${index}`;
      const posted = await chat.http(
        'POST',
        `/chat/rooms/${roomId}/messages`,
        { user_id: member, message: text, message_type: 'text' },
        caller.metadata,
      );
      expect(posted.status).toBe(200);
      sent.push(text);
    }
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (text.split('\n').length <= sent.length) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const lines = text.trim().split('\n').slice(0, sent.length);
    expect(lines.map((line) => JSON.parse(line).result.message)).toEqual(sent);
    abort.abort();
    while (subscribers() !== 0) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(subscribers()).toBe(0);
  });
});
