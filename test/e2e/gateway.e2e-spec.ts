import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { apiGatewayDefinition } from '../../src/modules/gateway/gateway.definition';
import { RunningService } from '../../src/toolkit/runtime';
import { bootstrapService } from '../support/bootstrap';
import { chatFixtureService } from '../fixtures/gateway/chat.fixture';
import {
  notificationFixtureService,
  seenNotificationCalls,
  UNKNOWN_USER,
} from '../fixtures/gateway/notification.fixture';
import { deleteKeys, rawRedis, TEST_REDIS, uniqueKeyPrefix } from '../support/redis';
import { startUserApp, UserApp } from '../support/user-app';
import { TestSocket, UpgradeRefused } from '../support/ws-client';

const SECRET = 'gateway-e2e-secret-that-is-long-enough-for-hs256';
const ORIGIN = 'https://app.example.com';

async function token(claims: Record<string, unknown> = {}, expiresIn = '5m'): Promise<string> {
  return new SignJWT({ sub: randomUUID(), jti: randomUUID(), roles: ['user'], ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(SECRET));
}

const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

describe('api-gateway through real backends', () => {
  const keyPrefix = uniqueKeyPrefix('gateway_e2e');
  let user: UserApp;
  let notification: RunningService;
  let chat: RunningService;
  let gateway: RunningService;
  let userToken: string;
  let adminToken: string;

  const gatewayEnv = (overrides: Record<string, string> = {}) => ({
    API_GATEWAY_LOG_LEVEL: 'silent',
    API_GATEWAY_CACHE_HOST: TEST_REDIS.host,
    API_GATEWAY_CACHE_PORT: String(TEST_REDIS.port),
    API_GATEWAY_CACHE_KEY_PREFIX: keyPrefix,
    API_GATEWAY_AUTH_JWT_SECRET: SECRET,
    API_GATEWAY_RATE_LIMIT_REQUESTS: '10000',
    API_GATEWAY_CORS_ALLOWED_ORIGINS: ORIGIN,
    API_GATEWAY_REQUEST_TIMEOUT: '3s',
    API_GATEWAY_RESOLVER_ENDPOINTS: [
      `user-service=${user.running.grpcTarget}`,
      `notification-service=${notification.grpcTarget}`,
      `chat-service=${chat.grpcTarget}`,
    ].join(','),
    API_GATEWAY_RESOLVER_HTTP_ENDPOINTS: `chat-service=${chat.httpUrl.replace('http://', '')}`,
    ...overrides,
  });

  beforeAll(async () => {
    user = await startUserApp('gateway_e2e', { USER_SERVICE_LOG_LEVEL: 'silent' });
    notification = await bootstrapService(notificationFixtureService, {
      env: {
        NOTIFICATION_FIXTURE_LOG_LEVEL: 'silent',
        NOTIFICATION_FIXTURE_INTERNAL_AUTH_AUDIENCE: 'notification-service',
      },
      httpPort: 0,
      grpcPort: 0,
    });
    chat = await bootstrapService(chatFixtureService, {
      env: {
        CHAT_FIXTURE_LOG_LEVEL: 'silent',
        CHAT_FIXTURE_INTERNAL_AUTH_AUDIENCE: 'chat-service',
      },
      httpPort: 0,
      grpcPort: 0,
    });
    gateway = await bootstrapService(apiGatewayDefinition, { env: gatewayEnv(), httpPort: 0 });
    userToken = await token();
    adminToken = await token({ roles: ['admin'] });
  });

  afterAll(async () => {
    await gateway?.close();
    await chat?.close();
    await notification?.close();
    await user?.close();
    const redis = rawRedis();
    await deleteKeys(redis, keyPrefix);
    redis.disconnect();
  });

  const call = (
    method: string,
    path: string,
    options: { headers?: Record<string, string>; body?: unknown; target?: RunningService } = {},
  ) =>
    fetch(`${(options.target ?? gateway).httpUrl}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });

  const violations = async (response: Response) =>
    (
      (await response.json()) as { details: { field_violations: { field: string }[] }[] }
    ).details[0]?.field_violations.map((violation) => violation.field);

  async function createUser(): Promise<string> {
    const response = await call('POST', '/api/v1/users', {
      body: { name: 'Ada', email: `ada-${randomUUID()}@example.com` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { user_id: string }).user_id;
  }

  describe('user-service proxies', () => {
    it('CreateUser is public: no token needed, backend answer as protojson', async () => {
      const response = await call('POST', '/api/v1/users', {
        body: { name: 'Grace', email: `grace-${randomUUID()}@example.com` },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ user_id: expect.any(String), status: 'created' });
    });

    it('CreateUser: invalid body 400 with violations; duplicate email is the backend 409', async () => {
      const invalid = await call('POST', '/api/v1/users', { body: { name: '', email: 'nope' } });
      expect(invalid.status).toBe(400);
      expect(await violations(invalid)).toEqual(expect.arrayContaining(['name', 'email']));
      const email = `dup-${randomUUID()}@example.com`;
      expect((await call('POST', '/api/v1/users', { body: { name: 'A', email } })).status).toBe(
        200,
      );
      const duplicate = await call('POST', '/api/v1/users', { body: { name: 'B', email } });
      expect(duplicate.status).toBe(409);
      expect(await duplicate.json()).toMatchObject({ code: 409, status: 'Conflict' });
    });

    it('GetUser: the user with a valid token; 400 bad id; 404 unknown id', async () => {
      const id = await createUser();
      const found = await call('GET', `/api/v1/users/${id}`, {
        headers: bearer(await token({ sub: id })),
      });
      expect(found.status).toBe(200);
      expect(await found.json()).toMatchObject({
        user: { user_id: id, name: 'Ada', created_at: expect.stringMatching(/Z$/) },
      });
      const bad = await call('GET', '/api/v1/users/not-a-uuid', { headers: bearer(userToken) });
      expect(bad.status).toBe(400);
      expect(await violations(bad)).toEqual(['user_id']);
      const missing = await call('GET', `/api/v1/users/${randomUUID()}`, {
        headers: bearer(adminToken),
      });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ code: 404, status: 'Not Found' });
    });

    it('GetUser: every kind of bad token is 401', async () => {
      const id = await createUser();
      const path = `/api/v1/users/${id}`;
      const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({ sub: 'x', jti: 'y', exp: Math.floor(Date.now() / 1000) + 60 }),
      ).toString('base64url')}.`;
      const wrongKey = await new SignJWT({ sub: 'x', jti: 'y' })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode('another-secret-that-is-long-enough-too'));
      const kinds: Record<string, Record<string, string>> = {
        missing: {},
        'not bearer': { authorization: 'Basic dXNlcjpwYXNz' },
        malformed: bearer('not.a.jwt'),
        forged: bearer(userToken.slice(0, -4) + (userToken.endsWith('AAAA') ? 'BBBB' : 'AAAA')),
        'alg none': bearer(unsigned),
        'wrong key': bearer(wrongKey),
        expired: bearer(await token({}, '-10m')),
        'no jti': bearer(await token({ jti: undefined })),
      };
      for (const [kind, headers] of Object.entries(kinds)) {
        const response = await call('GET', path, { headers });
        expect({ kind, status: response.status }).toEqual({ kind, status: 401 });
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    });

    it('ListUsers: 403 for a non-admin, the page for an admin, 400 on a bad limit', async () => {
      await createUser();
      const denied = await call('GET', '/api/v1/users?limit=10', { headers: bearer(userToken) });
      expect(denied.status).toBe(403);
      const page = await call('GET', '/api/v1/users?limit=10&offset=0', {
        headers: bearer(adminToken),
      });
      expect(page.status).toBe(200);
      const body = (await page.json()) as { users: unknown[]; total: number };
      expect(body.users.length).toBeGreaterThan(0);
      expect(body.total).toBeGreaterThanOrEqual(body.users.length);
      const bad = await call('GET', '/api/v1/users?limit=0', { headers: bearer(adminToken) });
      expect(bad.status).toBe(400);
      expect(await violations(bad)).toEqual(['limit']);
      expect((await call('GET', '/api/v1/users?limit=5')).status).toBe(401);
    });
  });

  describe('notification-service proxies', () => {
    const notice = (overrides: Record<string, unknown> = {}) => ({
      user_id: randomUUID(),
      type: 'email',
      subject: 'Hi',
      message: 'Hello',
      ...overrides,
    });

    it('SendNotification: sent; 400 from the gateway rules; backend violations kept; 401 without token', async () => {
      const sent = await call('POST', '/api/v1/notifications', {
        headers: bearer(adminToken),
        body: notice(),
      });
      expect(sent.status).toBe(200);
      expect(await sent.json()).toEqual({ notification_id: expect.any(String), status: 'sent' });
      const invalid = await call('POST', '/api/v1/notifications', {
        headers: bearer(adminToken),
        body: notice({ type: 'fax' }),
      });
      expect(invalid.status).toBe(400);
      expect(await violations(invalid)).toEqual(['type']);
      const refused = await call('POST', '/api/v1/notifications', {
        headers: bearer(adminToken),
        body: notice({ subject: 'rejected' }),
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        message: 'subject refused',
        details: [
          { field_violations: [{ field: 'subject', description: 'subject is on the deny list' }] },
        ],
      });
      expect((await call('POST', '/api/v1/notifications', { body: notice() })).status).toBe(401);
    });

    it('GetNotificationHistory: history, 400 bad limit, 404 unknown user', async () => {
      const id = randomUUID();
      const history = await call('GET', `/api/v1/notifications/history/${id}?limit=10`, {
        headers: bearer(await token({ sub: id })),
      });
      expect(history.status).toBe(200);
      expect(await history.json()).toMatchObject({
        notifications: [{ user_id: id, created_at: '2023-11-14T22:13:20Z' }],
        total: 1,
      });
      const bad = await call('GET', `/api/v1/notifications/history/${id}?limit=500`, {
        headers: bearer(adminToken),
      });
      expect(bad.status).toBe(400);
      const missing = await call('GET', `/api/v1/notifications/history/${UNKNOWN_USER}?limit=1`, {
        headers: bearer(adminToken),
      });
      expect(missing.status).toBe(404);
    });

    it('UpdateNotificationPreferences: updated, 400 bad id, 404 unknown user', async () => {
      const body = { preferences: { email_enabled: false, muted_types: ['marketing'] } };
      const updated = await call('PUT', `/api/v1/notifications/preferences/${randomUUID()}`, {
        headers: bearer(adminToken),
        body,
      });
      expect(updated.status).toBe(200);
      expect(await updated.json()).toEqual({ status: 'updated' });
      const bad = await call('PUT', '/api/v1/notifications/preferences/nope', {
        headers: bearer(adminToken),
        body,
      });
      expect(bad.status).toBe(400);
      const missing = await call('PUT', `/api/v1/notifications/preferences/${UNKNOWN_USER}`, {
        headers: bearer(adminToken),
        body,
      });
      expect(missing.status).toBe(404);
    });

    it('propagates request id, identity and x-* headers; drops spoofed identity and authorization', async () => {
      const subject = randomUUID();
      const response = await call('POST', '/api/v1/notifications', {
        headers: {
          ...bearer(await token({ sub: subject, roles: ['user', 'ops'] })),
          'x-request-id': 'gw-e2e-request-1',
          'x-tenant': 'acme',
          'x-user-id': 'someone-else',
          'grpc-metadata-trace-flags': '01',
          cookie: 'session=secret',
        },
        body: notice({ user_id: subject }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe('gw-e2e-request-1');
      const seen = seenNotificationCalls.find((entry) => entry.requestId === 'gw-e2e-request-1');
      expect(seen?.headers).toMatchObject({
        'x-user-id': subject,
        'x-user-roles': 'user,ops',
        'x-tenant': 'acme',
        'trace-flags': '01',
      });
      expect(seen?.headers).not.toHaveProperty('authorization');
      expect(seen?.headers).not.toHaveProperty('cookie');

      const generated = await call('POST', '/api/v1/notifications', {
        headers: bearer(adminToken),
        body: notice(),
      });
      const id = generated.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(seenNotificationCalls.some((entry) => entry.requestId === id)).toBe(true);
    });

    it('a client grpc-timeout shorter than the backend work is 504', async () => {
      const started = Date.now();
      const response = await call('POST', '/api/v1/notifications', {
        headers: { ...bearer(adminToken), 'grpc-timeout': '200m' },
        body: notice({ metadata: { delay_ms: '1500' } }),
      });
      expect(response.status).toBe(504);
      expect(Date.now() - started).toBeLessThan(1500);
    });
  });

  describe('chat-service proxies and sockets', () => {
    let member: string;
    let memberToken: string;
    let roomId: string;

    beforeAll(async () => {
      member = randomUUID();
      memberToken = await token({ sub: member });
      const response = await call('POST', '/api/v1/chat/rooms', {
        headers: bearer(memberToken),
        body: { name: 'general', creator_id: member, participant_ids: [] },
      });
      expect(response.status).toBe(200);
      roomId = ((await response.json()) as { room_id: string }).room_id;
    });

    it('CreateRoom: created; 400 bad creator; 401 without token', async () => {
      const bad = await call('POST', '/api/v1/chat/rooms', {
        headers: bearer(memberToken),
        body: { name: 'x', creator_id: 'nope' },
      });
      expect(bad.status).toBe(400);
      expect(await violations(bad)).toEqual(['creator_id']);
      const anonymous = await call('POST', '/api/v1/chat/rooms', {
        body: { name: 'x', creator_id: member },
      });
      expect(anonymous.status).toBe(401);
    });

    it('SendMessage and GetMessageHistory: success, 400, 403 non-member, 404 unknown room', async () => {
      const sent = await call('POST', `/api/v1/chat/rooms/${roomId}/messages`, {
        headers: bearer(memberToken),
        body: { user_id: member, message: 'hello', message_type: 'text' },
      });
      expect(sent.status).toBe(200);
      expect(await sent.json()).toEqual({
        message_id: expect.any(String),
        timestamp: expect.stringMatching(/Z$/),
      });
      const invalid = await call('POST', `/api/v1/chat/rooms/${roomId}/messages`, {
        headers: bearer(memberToken),
        body: { user_id: member, message: '', message_type: 'video' },
      });
      expect(invalid.status).toBe(400);
      expect(await violations(invalid)).toEqual(
        expect.arrayContaining(['message', 'message_type']),
      );
      const outsider = await call('POST', `/api/v1/chat/rooms/${roomId}/messages`, {
        headers: bearer(memberToken),
        body: { user_id: randomUUID(), message: 'hi', message_type: 'text' },
      });
      expect(outsider.status).toBe(403);
      const history = await call('GET', `/api/v1/chat/rooms/${roomId}/messages?limit=10`, {
        headers: bearer(memberToken),
      });
      expect(history.status).toBe(200);
      expect(await history.json()).toMatchObject({ messages: [{ message: 'hello' }], total: 1 });
      const unknown = await call('GET', `/api/v1/chat/rooms/${randomUUID()}/messages?limit=10`, {
        headers: bearer(memberToken),
      });
      expect(unknown.status).toBe(404);
    });

    const gatewayPort = () => Number(new URL(gateway.httpUrl).port);

    it('JoinRoom socket: joins as the token subject and receives messages posted to chat', async () => {
      const socket = await TestSocket.open(
        gatewayPort(),
        `/api/v1/chat/rooms/${roomId}/join?user_id=${randomUUID()}`,
        { headers: bearer(memberToken) },
      );
      const joined = await socket.next();
      expect(joined).toMatchObject({
        type: 'JoinRoom',
        payload: { status: 'joined', user_id: member },
      });
      const posted = await fetch(`${chat.httpUrl}/chat/rooms/${roomId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: member, message: 'direct to chat', message_type: 'text' }),
      });
      expect(posted.status).toBe(200);
      expect(await socket.next()).toMatchObject({
        type: 'message',
        payload: { room_id: roomId, message: 'direct to chat' },
      });
      socket.send('bye');
      expect(await socket.closed).toEqual({ code: 4001, reason: 'bye from chat' });
    });

    it('JoinRoom socket: browsers may send the token as ?access_token=', async () => {
      const socket = await TestSocket.open(
        gatewayPort(),
        `/api/v1/chat/rooms/${roomId}/join?access_token=${memberToken}`,
      );
      expect(await socket.next()).toMatchObject({ type: 'JoinRoom' });
      await socket.close();
    });

    it('JoinRoom socket: 401 without a token, backend 403 and 404 passed through', async () => {
      await expect(
        TestSocket.open(gatewayPort(), `/api/v1/chat/rooms/${roomId}/join`),
      ).rejects.toMatchObject({ status: 401 });
      const stranger = await token();
      await expect(
        TestSocket.open(gatewayPort(), `/api/v1/chat/rooms/${roomId}/join`, {
          headers: bearer(stranger),
        }),
      ).rejects.toMatchObject({ status: 403 });
      const refusal = TestSocket.open(gatewayPort(), `/api/v1/chat/rooms/${randomUUID()}/join`, {
        headers: bearer(memberToken),
      });
      await expect(refusal).rejects.toBeInstanceOf(UpgradeRefused);
      await expect(refusal).rejects.toMatchObject({ status: 404 });
    });

    it('event socket: a frame whose envelope is invalid is an INVALID_ARGUMENT frame; the socket stays open', async () => {
      const socket = await TestSocket.open(gatewayPort(), '/api/v1/ws', {
        headers: bearer(memberToken),
      });
      await socket.next(); // Connect
      const refusals: [string, string][] = [
        ['{not json', 'frame is not valid JSON'],
        ['[1]', 'frame must be a JSON object {"type": ..., "payload": ...}'],
        ['{"type":""}', 'frame "type" must be a non-empty string'],
        ['{"type":42,"payload":{}}', 'frame "type" must be a non-empty string'],
      ];
      for (const [text, message] of refusals) {
        socket.send(text);
        expect(await socket.next()).toEqual({
          type: 'error',
          payload: { code: 'INVALID_ARGUMENT', message, type: '' },
        });
      }
      socket.send({ type: 'DropTables', payload: {} });
      expect(await socket.next()).toMatchObject({
        type: 'error',
        payload: { code: 'UNIMPLEMENTED' },
      });
      await socket.close();
    });

    it('event socket: a PostChatMessage frame becomes a SendMessage call; errors come back as frames', async () => {
      const socket = await TestSocket.open(gatewayPort(), '/api/v1/ws', {
        headers: bearer(memberToken),
      });
      expect(await socket.next()).toMatchObject({
        type: 'Connect',
        payload: { status: 'connected' },
      });
      socket.send({
        type: 'PostChatMessage',
        payload: {
          room_id: roomId,
          user_id: randomUUID(),
          message: 'via frame',
          message_type: 'text',
        },
      });
      expect(await socket.next()).toMatchObject({
        type: 'PostChatMessage',
        payload: { message_id: expect.any(String) },
      });
      socket.send({ type: 'PostChatMessage', payload: { room_id: 'x', message: '' } });
      expect(await socket.next()).toMatchObject({
        type: 'error',
        payload: { code: 'INVALID_ARGUMENT', type: 'PostChatMessage' },
      });
      socket.send({ type: 'DropTables', payload: {} });
      expect(await socket.next()).toMatchObject({
        type: 'error',
        payload: { code: 'UNIMPLEMENTED' },
      });
      await socket.close();
      const history = await call('GET', `/api/v1/chat/rooms/${roomId}/messages?limit=10`, {
        headers: bearer(memberToken),
      });
      expect(await history.json()).toMatchObject({
        messages: expect.arrayContaining([
          expect.objectContaining({ message: 'via frame', user_id: member }),
        ]),
      });
    });
  });

  describe('local rpcs and middlewares', () => {
    it('GET /health: ok with every backend SERVING, without a token', async () => {
      const response = await call('GET', '/health');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: 'ok',
        services: {
          'user-service': 'SERVING',
          'notification-service': 'SERVING',
          'chat-service': 'SERVING',
        },
      });
    });

    it('RevokeToken: the token then fails every authenticated route', async () => {
      const id = await createUser();
      const revoked = await token({ roles: ['admin'] });
      const response = await call('POST', '/api/v1/auth/revoke', {
        headers: bearer(revoked),
        body: {},
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'revoked' });
      const getUser = await call('GET', `/api/v1/users/${id}`, { headers: bearer(revoked) });
      expect(getUser.status).toBe(401);
      expect(await getUser.json()).toMatchObject({ message: 'token revoked' });
      const listUsers = await call('GET', '/api/v1/users?limit=1', { headers: bearer(revoked) });
      expect(listUsers.status).toBe(401);
      expect(await listUsers.json()).toMatchObject({ message: 'token revoked' });
      expect((await call('POST', '/api/v1/auth/revoke', { body: {} })).status).toBe(401);
    });

    it('CORS: preflight answered for an allowed origin, refused for another', async () => {
      const preflight = (origin: string) =>
        fetch(`${gateway.httpUrl}/api/v1/users`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        });
      const allowed = await preflight(ORIGIN);
      expect(allowed.status).toBeLessThan(300);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      const refused = await preflight('https://evil.example.com');
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('rate limit: two gateway instances share one budget; 429 with Retry-After and RateLimit-*', async () => {
      const limitedEnv = gatewayEnv({
        API_GATEWAY_RATE_LIMIT_REQUESTS: '3',
        API_GATEWAY_CACHE_KEY_PREFIX: `${keyPrefix}rl:`,
      });
      const first = await bootstrapService(apiGatewayDefinition, { env: limitedEnv, httpPort: 0 });
      const second = await bootstrapService(apiGatewayDefinition, { env: limitedEnv, httpPort: 0 });
      try {
        const id = await createUser();
        const caller = bearer(await token({ sub: id }));
        const statuses: number[] = [];
        let last: Response | undefined;
        for (const target of [first, second, first, second]) {
          last = await call('GET', `/api/v1/users/${id}`, { headers: caller, target });
          statuses.push(last.status);
        }
        expect(statuses).toEqual([200, 200, 200, 429]);
        expect(last?.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(last?.headers.get('ratelimit-limit')).toBe('3');
        expect(last?.headers.get('ratelimit-remaining')).toBe('0');
        expect((await call('GET', '/health', { target: second })).status).toBe(200);
      } finally {
        await first.close();
        await second.close();
      }
    });
  });

  describe('backend down', () => {
    it('a stopped backend answers 503 at once and /health turns degraded naming it', async () => {
      await notification.close();
      const started = Date.now();
      const response = await call('POST', '/api/v1/notifications', {
        headers: bearer(adminToken),
        body: { user_id: randomUUID(), type: 'email', subject: 'Hi', message: 'Hello' },
      });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        code: 503,
        message: 'notification-service unavailable',
      });
      expect(Date.now() - started).toBeLessThan(3000);
      const health = await call('GET', '/health');
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({
        status: 'degraded',
        services: {
          'user-service': 'SERVING',
          'notification-service': 'UNAVAILABLE',
          'chat-service': 'SERVING',
        },
      });
    });
  });
});
