import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { SignJWT } from 'jose';
import { ApiGatewayDescriptor } from '../../src/gen/apigateway/api-gateway.toolkit';
import { apiGatewayDefinition } from '../../src/modules/gateway/gateway.definition';
import { StartupError } from '../../src/toolkit/config';
import { MethodDescriptor } from '../../src/toolkit/descriptor';
import { middlewareNames } from '../../src/toolkit/middlewares';
import { RunningService } from '../../src/toolkit/runtime';
import { bootstrapService } from '../support/bootstrap';
import { APP_ROOT } from '../../src/toolkit/runtime/proto-paths';
import { chatFixtureService } from '../fixtures/gateway/chat.fixture';
import { notificationFixtureService } from '../fixtures/gateway/notification.fixture';
import { deleteKeys, rawRedis, TEST_REDIS, uniqueKeyPrefix } from '../support/redis';
import { startUserApp, UserApp } from '../support/user-app';
import { TestSocket, UpgradeRefused } from '../support/ws-client';

/**
 * The gateway as an attacker meets it, through real backends (user-service on PostgreSQL and
 * Redis; chat and notification fixtures): each finding of the security review is one test here.
 */
const SECRET = 'security-e2e-secret-that-is-long-enough-for-hs256';
const ORIGIN = 'https://app.example.com';

function sign(claims: Record<string, unknown>, secret = SECRET): Promise<string> {
  return new SignJWT({ roles: ['user'], ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(secret));
}

const now = () => Math.floor(Date.now() / 1000);

/** A valid token of a fresh subject (or `sub`), with a jti, for five minutes unless told. */
function token(claims: Record<string, unknown> = {}): Promise<string> {
  return sign({ sub: randomUUID(), jti: randomUUID(), iat: now(), exp: now() + 300, ...claims });
}

const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

/** Every gateway method a token guards, from the generated descriptor (new routes join by themselves). */
const AUTHENTICATED = ApiGatewayDescriptor.methods.filter(
  (method) =>
    method.http !== undefined &&
    middlewareNames(ApiGatewayDescriptor, method).some((name) =>
      ['auth', 'validate_token', 'admin_only'].includes(name),
    ),
);

const fill = (method: MethodDescriptor) =>
  method.http!.path.replace(/\{([^}=]+)(=[^}]*)?\}/g, () => randomUUID());

describe('security of the api-gateway', () => {
  const keyPrefix = uniqueKeyPrefix('security_e2e');
  let user: UserApp;
  let notification: RunningService;
  let chat: RunningService;
  let gateway: RunningService;
  /** A second gateway on the same backends with tight socket limits and a small budget. */
  let strict: RunningService;
  /** A third one with short idle and ping timeouts. */
  let lively: RunningService;

  const gatewayEnv = (overrides: Record<string, string> = {}) => ({
    API_GATEWAY_LOG_LEVEL: 'silent',
    API_GATEWAY_CACHE_HOST: TEST_REDIS.host,
    API_GATEWAY_CACHE_PORT: String(TEST_REDIS.port),
    API_GATEWAY_CACHE_KEY_PREFIX: keyPrefix,
    API_GATEWAY_AUTH_JWT_SECRET: SECRET,
    API_GATEWAY_AUTH_JWT_CLOCK_TOLERANCE: '0s',
    API_GATEWAY_RATE_LIMIT_REQUESTS: '100000',
    API_GATEWAY_CORS_ALLOWED_ORIGINS: ORIGIN,
    API_GATEWAY_WEBSOCKET_ALLOWED_ORIGINS: ORIGIN,
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
    user = await startUserApp('security_e2e', { USER_SERVICE_LOG_LEVEL: 'silent' });
    notification = await bootstrapService(notificationFixtureService, {
      env: {
        NOTIFICATION_FIXTURE_LOG_LEVEL: 'silent',
        // The gateway signs caller tokens for the resolver name of the backend.
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
    strict = await bootstrapService(apiGatewayDefinition, {
      env: gatewayEnv({
        API_GATEWAY_RATE_LIMIT_REQUESTS: '5',
        API_GATEWAY_WEBSOCKET_MAX_CONNECTIONS: '3',
        API_GATEWAY_WEBSOCKET_MAX_BUFFERED: '65536',
        API_GATEWAY_WEBSOCKET_STALL_TIMEOUT: '1s',
      }),
      httpPort: 0,
    });
    lively = await bootstrapService(apiGatewayDefinition, {
      env: gatewayEnv({
        API_GATEWAY_WEBSOCKET_IDLE_TIMEOUT: '1s',
        API_GATEWAY_WEBSOCKET_PING_INTERVAL: '400ms',
      }),
      httpPort: 0,
    });
  });

  afterAll(async () => {
    await lively?.close();
    await strict?.close();
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

  const port = (target: RunningService = gateway) => Number(new URL(target.httpUrl).port);

  async function createUser(): Promise<string> {
    const response = await call('POST', '/api/v1/users', {
      body: { name: 'Ada', email: `ada-${randomUUID()}@example.com` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { user_id: string }).user_id;
  }

  async function createRoom(member: string, memberToken: string): Promise<string> {
    const response = await call('POST', '/api/v1/chat/rooms', {
      headers: bearer(memberToken),
      body: { name: 'general', creator_id: member, participant_ids: [] },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { room_id: string }).room_id;
  }

  /** What an authenticated route answers `headers`: an HTTP status, or the refused upgrade's. */
  async function answer(
    method: MethodDescriptor,
    headers: Record<string, string>,
    target: RunningService = gateway,
  ): Promise<number> {
    if (method.websocket || method.websocketProxy) {
      try {
        const socket = await TestSocket.open(port(target), fill(method), { headers });
        await socket.close();
        return 101;
      } catch (error) {
        if (error instanceof UpgradeRefused) return error.status;
        throw error;
      }
    }
    const verb = method.http!.method;
    const response = await call(verb, fill(method), {
      headers,
      body: verb === 'GET' || verb === 'DELETE' ? undefined : {},
    });
    await response.arrayBuffer();
    return response.status;
  }

  describe('Grpc-Metadata-* hygiene', () => {
    it('Grpc-Metadata-Connection on an anonymous CreateUser: answered at once, concurrent calls unaffected', async () => {
      const id = await createUser();
      const reader = await token({ sub: id });
      const reads = Array.from({ length: 60 }, () =>
        call('GET', `/api/v1/users/${id}`, { headers: bearer(reader) }),
      );
      const knockout = call('POST', '/api/v1/users', {
        headers: { 'Grpc-Metadata-Connection': 'x' },
        body: { name: 'Mallory', email: `mallory-${randomUUID()}@example.com` },
      });
      const [attack, ...others] = await Promise.all([knockout, ...reads]);
      expect(attack.status).toBe(200);
      expect(others.map((response) => response.status)).toEqual(others.map(() => 200));
      // And the channel still serves calls afterwards.
      expect((await call('GET', `/api/v1/users/${id}`, { headers: bearer(reader) })).status).toBe(
        200,
      );
    });

    /** Sends one raw HTTP/1.1 request (no client-side header validation) and returns the status. */
    function rawRequest(target: RunningService, head: string[]): Promise<number> {
      return new Promise((resolve, reject) => {
        const socket = connect(port(target), '127.0.0.1');
        const chunks: Buffer[] = [];
        socket.on('data', (chunk) => chunks.push(chunk));
        socket.on('error', reject);
        socket.on('close', () => {
          const status = /^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'));
          resolve(status ? Number(status[1]) : 0);
        });
        // Written, not ended: a half-closed client connection may be dropped before the answer.
        // `Connection: close` makes the gateway close it once it has answered.
        socket.write(Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'));
      });
    }

    // HTTP/1.1 hop-by-hop (RFC 9110 §7.6.1), HTTP/2 connection-specific (RFC 9113 §8.2.2), the
    // headers grpc-js and HTTP/2 set themselves, gRPC's reserved keys, credentials, identity.
    const NAMES = [
      'connection',
      'keep-alive',
      'proxy-connection',
      'transfer-encoding',
      'upgrade',
      'te',
      'trailer',
      'proxy-authenticate',
      'proxy-authorization',
      'http2-settings',
      'host',
      'content-length',
      'content-type',
      'content-encoding',
      'accept-encoding',
      'user-agent',
      'expect',
      'authorization',
      'cookie',
      'grpc-timeout',
      'grpc-encoding',
      'grpc-accept-encoding',
      'grpc-status',
      'grpc-message',
      'grpc-status-details-bin',
      'grpc-previous-rpc-attempts',
      'x-user-id',
      'x-user-roles',
      'x-user-anything',
      'x-request-id',
      'x-forwarded-for',
      'trace-bin',
      'Upper-Case',
      'with space',
      'with:colon',
      ':authority',
      ':path',
      'ünicode',
      '',
    ];
    const VALUES = [
      'x',
      '',
      'trailers',
      'chunked',
      'close, upgrade',
      'h2c',
      '-1',
      '1S',
      'a'.repeat(4000),
      '\t tabbed \t',
      'caf\xe9',
      'not base64 !!',
    ];

    it('every forbidden name and odd value, as Grpc-Metadata-* and X-*: never a 5xx, no collateral failure', async () => {
      const id = await createUser();
      const reader = await token({ sub: id });
      const fuzzer = await token({ sub: id });
      const collateral: number[] = [];
      let fuzzing = true;
      const background = (async () => {
        while (fuzzing) {
          const batch = await Promise.all(
            Array.from({ length: 10 }, () =>
              call('GET', `/api/v1/users/${id}`, { headers: bearer(reader) }),
            ),
          );
          collateral.push(...batch.map((response) => response.status));
        }
      })();
      const host = `127.0.0.1:${port()}`;
      const outcomes: { header: string; status: number }[] = [];
      for (const name of NAMES) {
        const requests = VALUES.flatMap((value) =>
          [`Grpc-Metadata-${name}`, `X-${name}`].map((header) => ({ header, value })),
        );
        const statuses = await Promise.all(
          requests.map(({ header, value }) =>
            rawRequest(gateway, [
              `GET /api/v1/users/${id} HTTP/1.1`,
              `Host: ${host}`,
              `Authorization: Bearer ${fuzzer}`,
              `${header}: ${value}`,
              'Connection: close',
            ]),
          ),
        );
        statuses.forEach((status, index) =>
          outcomes.push({ header: `${requests[index].header}: ${requests[index].value}`, status }),
        );
      }
      fuzzing = false;
      await background;
      const serverErrors = outcomes.filter(({ status }) => status >= 500 || status === 0);
      expect(serverErrors).toEqual([]);
      // Valid requests reach the backend and succeed; the rest are refused by HTTP parsing (400/431).
      expect(outcomes.filter(({ status }) => status === 200).length).toBeGreaterThan(
        NAMES.length * 4,
      );
      expect(collateral.length).toBeGreaterThan(0);
      expect(collateral.filter((status) => status !== 200)).toEqual([]);
    });
    it('metadata over the backend limit (many large X-* headers): no 5xx, concurrent calls unaffected', async () => {
      const id = await createUser();
      const reader = await token({ sub: id });
      const large = Object.fromEntries(
        Array.from({ length: 4 }, (_value, index) => [`x-large-${index}`, 'v'.repeat(3_500)]),
      );
      const reads = Array.from({ length: 20 }, () =>
        call('GET', `/api/v1/users/${id}`, { headers: bearer(reader) }),
      );
      const [oversized, ...others] = await Promise.all([
        call('GET', `/api/v1/users/${id}`, {
          headers: { ...bearer(await token({ sub: id })), ...large },
        }),
        ...reads,
      ]);
      expect(oversized.status).toBeLessThan(500);
      expect(others.map((response) => response.status)).toEqual(others.map(() => 200));
    });
  });

  describe('tokens on every authenticated route', () => {
    it('covers the routes the proto guards', () => {
      expect(AUTHENTICATED.map((method) => method.name)).toEqual(
        expect.arrayContaining([
          'GetUser',
          'ListUsers',
          'SendNotification',
          'GetNotificationHistory',
          'UpdateNotificationPreferences',
          'CreateRoom',
          'SendMessage',
          'GetMessageHistory',
          'JoinRoom',
          'Connect',
          'RevokeToken',
        ]),
      );
    });

    it('a revoked token is refused (401) on every one of them: send notification, list users...', async () => {
      const revoked = await token({ roles: ['user', 'admin'] });
      const revoke = await call('POST', '/api/v1/auth/revoke', {
        headers: bearer(revoked),
        body: {},
      });
      expect(revoke.status).toBe(200);
      for (const method of AUTHENTICATED) {
        const status = await answer(method, bearer(revoked));
        expect({ method: method.name, status }).toEqual({ method: method.name, status: 401 });
      }
      // The same token before revocation was fine on the two routes the review named.
      const fresh = await token({ roles: ['user', 'admin'] });
      expect((await call('GET', '/api/v1/users?limit=1', { headers: bearer(fresh) })).status).toBe(
        200,
      );
    });

    it('forged, expired, unsigned (alg none), wrong-key and jti-less tokens: 401 on every route', async () => {
      const sub = randomUUID();
      const valid = await token({ sub });
      const [header, payload] = valid.split('.');
      const claims = { sub, jti: randomUUID(), exp: now() + 300, roles: ['admin'] };
      const kinds: Record<string, string> = {
        forged: `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${valid.split('.')[2]}`,
        'tampered signature': `${header}.${payload}.${'A'.repeat(43)}`,
        expired: await token({ sub, iat: now() - 600, exp: now() - 60 }),
        'alg none': `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`,
        'wrong key': await sign(claims, 'another-secret-that-is-long-enough-for-hs256-too'),
        'no jti': await sign({ sub, exp: now() + 300 }),
        'empty jti': await sign({ sub, jti: '', exp: now() + 300 }),
      };
      for (const method of AUTHENTICATED) {
        for (const [kind, value] of Object.entries(kinds)) {
          const status = await answer(method, bearer(value));
          expect({ method: method.name, kind, status }).toEqual({
            method: method.name,
            kind,
            status: 401,
          });
        }
      }
    });
  });

  describe('open sockets and their tokens', () => {
    it('a revoked token closes its event socket and its chat relay with 1008 within 5 s', async () => {
      const member = randomUUID();
      const memberToken = await token({ sub: member });
      const roomId = await createRoom(member, memberToken);
      const events = await TestSocket.open(port(), '/api/v1/ws', {
        headers: bearer(memberToken),
      });
      const relay = await TestSocket.open(port(), `/api/v1/chat/rooms/${roomId}/join`, {
        headers: bearer(memberToken),
      });
      expect(await relay.next()).toMatchObject({ type: 'JoinRoom' });
      const revoke = await call('POST', '/api/v1/auth/revoke', {
        headers: bearer(memberToken),
        body: {},
      });
      expect(revoke.status).toBe(200);
      const revokedAt = Date.now();
      const closes = await Promise.all([events.closed, relay.closed]);
      expect(closes).toEqual([
        { code: 1008, reason: 'token revoked' },
        { code: 1008, reason: 'token revoked' },
      ]);
      expect(Date.now() - revokedAt).toBeLessThanOrEqual(6_000);
    });

    it('a socket is closed with 1008 when its token expires', async () => {
      const expiring = await token({ exp: now() + 2 });
      const socket = await TestSocket.open(port(), '/api/v1/ws', { headers: bearer(expiring) });
      expect(await socket.next()).toMatchObject({ type: 'Connect' });
      expect(await socket.closed).toEqual({ code: 1008, reason: 'token expired' });
    });
  });

  describe('WebSocket relays', () => {
    it('relayed frames count against the rate limit: over budget the socket closes with 1008', async () => {
      const member = randomUUID();
      const memberToken = await token({ sub: member });
      const roomId = await createRoom(member, memberToken);
      // Budget 5: the upgrade is one request, four frames pass, the fifth is refused.
      const socket = await TestSocket.open(port(strict), `/api/v1/chat/rooms/${roomId}/join`, {
        headers: bearer(memberToken),
      });
      for (let i = 0; i < 10; i += 1) socket.send(`frame ${i}`);
      expect(await socket.closed).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    });

    it('a paused reader does not grow the gateway: the backend is paused, then the socket closes 1013', async () => {
      const member = randomUUID();
      const memberToken = await token({ sub: member });
      const roomId = await createRoom(member, memberToken);
      const socket = await TestSocket.open(port(strict), `/api/v1/chat/rooms/${roomId}/join`, {
        headers: bearer(memberToken),
      });
      expect(await socket.next()).toMatchObject({ type: 'JoinRoom' });
      socket.ws.pause();
      // 300 frames of 64 KiB (~19 MiB) pushed by the backend at a client that reads nothing.
      socket.send('flood:300');
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      socket.ws.resume();
      expect(await socket.closed).toEqual({ code: 1013, reason: 'reader too slow' });
      const flooded = socket.frames.filter((frame) => frame.type === 'flood');
      // What reached the client is what the kernel buffers and the 64 KiB bound held, in order;
      // the rest was never buffered by the gateway.
      expect(flooded.length).toBeLessThan(300);
      expect(flooded.map((frame) => (frame.payload as { i: number }).i)).toEqual(
        flooded.map((_frame, index) => index),
      );
    });

    it('a slow reader that catches up gets every frame, in order', async () => {
      const member = randomUUID();
      const memberToken = await token({ sub: member });
      const roomId = await createRoom(member, memberToken);
      const socket = await TestSocket.open(port(), `/api/v1/chat/rooms/${roomId}/join`, {
        headers: bearer(memberToken),
      });
      expect(await socket.next()).toMatchObject({ type: 'JoinRoom' });
      socket.ws.pause();
      socket.send('flood:60');
      await new Promise((resolve) => setTimeout(resolve, 300));
      socket.ws.resume();
      const frames = await socket.received(61);
      expect(frames.slice(1).map((frame) => (frame.payload as { i: number }).i)).toEqual(
        Array.from({ length: 60 }, (_value, index) => index),
      );
      await socket.close();
    });

    it('connection cap: past it an upgrade gets 503', async () => {
      const open: TestSocket[] = [];
      for (let i = 0; i < 3; i += 1) {
        open.push(
          await TestSocket.open(port(strict), '/api/v1/ws', { headers: bearer(await token()) }),
        );
      }
      const refused = TestSocket.open(port(strict), '/api/v1/ws', {
        headers: bearer(await token()),
      });
      await expect(refused).rejects.toMatchObject({ status: 503 });
      await Promise.all(open.map((socket) => socket.close()));
      const again = await TestSocket.open(port(strict), '/api/v1/ws', {
        headers: bearer(await token()),
      });
      await again.close();
    });

    it('Origin allow-list: another origin gets 403, the allowed one and non-browsers pass', async () => {
      const headers = bearer(await token());
      await expect(
        TestSocket.open(port(), '/api/v1/ws', { headers, origin: 'https://evil.example.com' }),
      ).rejects.toMatchObject({ status: 403 });
      const allowed = await TestSocket.open(port(), '/api/v1/ws', { headers, origin: ORIGIN });
      await allowed.close();
      const native = await TestSocket.open(port(), '/api/v1/ws', { headers });
      await native.close();
    });

    it('idle sockets are closed with 1001; a client that stops answering pings is dropped', async () => {
      const idle = await TestSocket.open(port(lively), '/api/v1/ws', {
        headers: bearer(await token()),
      });
      expect(await idle.closed).toEqual({ code: 1001, reason: 'idle timeout' });
      const deaf = await TestSocket.open(port(lively), '/api/v1/ws', {
        headers: bearer(await token()),
        autoPong: false,
      });
      const pinged = new Promise((resolve) => deaf.ws.once('ping', resolve));
      await pinged;
      // Terminated without a close frame: the client sees 1006.
      expect((await deaf.closed).code).toBe(1006);
    });
  });

  describe('production start-up', () => {
    it("refuses the JWT secret committed in the repository's .env, naming the variable", async () => {
      const committed = parse(readFileSync(join(APP_ROOT, '.env'), 'utf8'));
      expect(committed.API_GATEWAY_AUTH_JWT_SECRET).toBeDefined();
      const start = bootstrapService(apiGatewayDefinition, {
        env: gatewayEnv({
          NODE_ENV: 'production',
          API_GATEWAY_AUTH_JWT_SECRET: committed.API_GATEWAY_AUTH_JWT_SECRET,
        }),
        httpPort: 0,
      });
      await expect(start).rejects.toBeInstanceOf(StartupError);
      await expect(start).rejects.toThrow(
        /API_GATEWAY_AUTH_JWT_SECRET is a development secret committed in \.env/,
      );
    });
  });
});
