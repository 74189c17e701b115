import { randomUUID } from 'node:crypto';
import { Metadata, status as GrpcCode } from '@grpc/grpc-js';
import { SignJWT } from 'jose';
import { createChatServiceClient } from '../../src/gen/chatservice/chat-service.toolkit';
import { chatServiceDefinition } from '../../src/modules/chat/chat.definition';
import { apiGatewayDefinition } from '../../src/modules/gateway/gateway.definition';
import { CallerTokens } from '../../src/toolkit/auth/caller-tokens';
import { RunningService } from '../../src/toolkit/runtime';
import { bootstrapService } from '../support/bootstrap';
import { callerHeaders } from '../support/caller';
import { ChatApp, ChatBackends, createChatBackends, startChatApp } from '../support/chat-app';
import {
  NotificationApp,
  SmtpReceiver,
  startNotificationApp,
  startSmtpReceiver,
} from '../support/notification-app';
import { uniqueName, waitFor } from '../support/rabbit';
import { deleteKeys, rawRedis, TEST_REDIS, uniqueKeyPrefix } from '../support/redis';
import { startUserApp, UserApp } from '../support/user-app';

// Authorization through the gateway against the real services: a route acts only for its caller
// (the proto's caller binding), chat rooms are for members, backends trust only a caller identity
// the gateway signed, e-mail goes only to the address the service knows, and input PostgreSQL
// would refuse never gets that far.

const SECRET = 'security-authorization-e2e-secret-long-enough';
const SMTP_FROM = 'notifications@security.example';

async function token(sub: string, roles: string[] = ['user']): Promise<string> {
  return new SignJWT({ sub, jti: randomUUID(), roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

/** Answer bodies are read field by field in assertions; their exact shapes are what is tested. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('security: authorization, caller identity, recipients and input', () => {
  const keyPrefix = uniqueKeyPrefix('sec_authz');
  let user: UserApp;
  let notification: NotificationApp;
  let chatBackends: ChatBackends;
  let chat: ChatApp;
  let gateway: RunningService;
  let smtp: SmtpReceiver;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  let adminToken: string;

  const call = async (
    method: string,
    path: string,
    options: { headers?: Record<string, string>; body?: unknown } = {},
  ) => {
    const response = await fetch(`${gateway.httpUrl}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as Json };
  };

  async function createUser(email = `u-${randomUUID()}@example.com`): Promise<string> {
    const created = await call('POST', '/api/v1/users', { body: { name: 'U', email } });
    expect(created.status).toBe(200);
    return created.body.user_id as string;
  }

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    user = await startUserApp('sec_authz', { USER_SERVICE_LOG_LEVEL: 'silent' });
    notification = await startNotificationApp('sec_authz', {
      exchange: uniqueName('sec_authz'),
      serviceName: uniqueName('sec-authz-notification'),
      env: {
        NOTIFICATION_SERVICE_LOG_LEVEL: 'silent',
        // The app runs under a suite-specific name; the gateway addresses it as notification-service.
        NOTIFICATION_SERVICE_INTERNAL_AUTH_AUDIENCE: 'notification-service',
        NOTIFICATION_SERVICE_SMTP_HOST: '127.0.0.1',
        NOTIFICATION_SERVICE_SMTP_PORT: String(smtp.port),
        NOTIFICATION_SERVICE_SMTP_FROM: SMTP_FROM,
      },
    });
    chatBackends = await createChatBackends('sec_authz');
    chat = await startChatApp(chatBackends, { CHAT_SERVICE_LOG_LEVEL: 'silent' });
    gateway = await bootstrapService(apiGatewayDefinition, {
      env: {
        API_GATEWAY_LOG_LEVEL: 'silent',
        API_GATEWAY_CACHE_HOST: TEST_REDIS.host,
        API_GATEWAY_CACHE_PORT: String(TEST_REDIS.port),
        API_GATEWAY_CACHE_KEY_PREFIX: keyPrefix,
        API_GATEWAY_AUTH_JWT_SECRET: SECRET,
        API_GATEWAY_RATE_LIMIT_REQUESTS: '100000',
        API_GATEWAY_RESOLVER_ENDPOINTS: [
          `user-service=${user.running.grpcTarget}`,
          `notification-service=${notification.running.grpcTarget}`,
          `chat-service=${chat.running.grpcTarget}`,
        ].join(','),
        API_GATEWAY_RESOLVER_HTTP_ENDPOINTS: `chat-service=127.0.0.1:${chat.httpPort}`,
      },
      httpPort: 0,
    });
    const aliceId = await createUser();
    const bobId = await createUser();
    alice = { id: aliceId, token: await token(aliceId) };
    bob = { id: bobId, token: await token(bobId) };
    adminToken = await token(randomUUID(), ['admin']);
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await chat?.close();
    await chatBackends?.release();
    await notification?.close();
    await user?.close();
    await smtp?.close();
    const redis = rawRedis();
    await deleteKeys(redis, keyPrefix);
    redis.disconnect();
  });

  function expectForbidden(answer: { status: number; body: Json }): void {
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({
      code: 403,
      status: 'Forbidden',
      message: expect.stringContaining('must be the caller'),
      details: expect.any(Array),
    });
  }

  describe('caller binding: each user-scoped route acts only for its caller (admin may act for others)', () => {
    it('GetUser: A reading B is 403; A reading A and an admin reading B are 200', async () => {
      expectForbidden(
        await call('GET', `/api/v1/users/${bob.id}`, { headers: bearer(alice.token) }),
      );
      expect(
        (await call('GET', `/api/v1/users/${alice.id}`, { headers: bearer(alice.token) })).status,
      ).toBe(200);
      expect(
        (await call('GET', `/api/v1/users/${bob.id}`, { headers: bearer(adminToken) })).status,
      ).toBe(200);
    });

    it('SendNotification as B is 403 and records nothing for B; an admin may', async () => {
      const body = { user_id: bob.id, type: 'sms', subject: 'hi', message: 'from alice' };
      expectForbidden(
        await call('POST', '/api/v1/notifications', { headers: bearer(alice.token), body }),
      );
      const rows = await notification.database.query(
        'SELECT 1 FROM notifications WHERE user_id = $1',
        [bob.id],
      );
      expect(rows).toEqual([]);
      expect(
        (await call('POST', '/api/v1/notifications', { headers: bearer(adminToken), body })).status,
      ).toBe(200);
    });

    it('GetNotificationHistory of B is 403 for A, 200 for B and for an admin', async () => {
      const path = `/api/v1/notifications/history/${bob.id}?limit=10`;
      expectForbidden(await call('GET', path, { headers: bearer(alice.token) }));
      expect((await call('GET', path, { headers: bearer(bob.token) })).status).toBe(200);
      expect((await call('GET', path, { headers: bearer(adminToken) })).status).toBe(200);
    });

    it("UpdateNotificationPreferences of B is 403 for A and leaves B's preferences alone", async () => {
      const path = `/api/v1/notifications/preferences/${bob.id}`;
      const body = {
        preferences: { email_enabled: false, sms_enabled: false, push_enabled: false },
      };
      expectForbidden(await call('PUT', path, { headers: bearer(alice.token), body }));
      const rows = await notification.database.query(
        'SELECT 1 FROM notification_preferences WHERE user_id = $1',
        [bob.id],
      );
      expect(rows).toEqual([]);
      expect((await call('PUT', path, { headers: bearer(adminToken), body })).status).toBe(200);
    });

    it('CreateRoom with B as creator is 403 for A; A may create its own room', async () => {
      expectForbidden(
        await call('POST', '/api/v1/chat/rooms', {
          headers: bearer(alice.token),
          body: { name: 'as bob', creator_id: bob.id, participant_ids: [alice.id] },
        }),
      );
      expect(
        (
          await call('POST', '/api/v1/chat/rooms', {
            headers: bearer(alice.token),
            body: { name: 'mine', creator_id: alice.id, participant_ids: [] },
          })
        ).status,
      ).toBe(200);
    });

    it('SendMessage as B is 403 for A even in a room both are members of', async () => {
      const room = await call('POST', '/api/v1/chat/rooms', {
        headers: bearer(alice.token),
        body: { name: 'both', creator_id: alice.id, participant_ids: [bob.id] },
      });
      const roomId = room.body.room_id as string;
      expectForbidden(
        await call('POST', `/api/v1/chat/rooms/${roomId}/messages`, {
          headers: bearer(alice.token),
          body: { user_id: bob.id, message: 'I am bob', message_type: 'text' },
        }),
      );
      const history = await call('GET', `/api/v1/chat/rooms/${roomId}/messages?limit=10`, {
        headers: bearer(bob.token),
      });
      expect(history.body).toEqual({ messages: [], total: 0 });
    });

    it('a route with a binding and no verified caller is 401 before anything else', async () => {
      expect((await call('GET', `/api/v1/users/${bob.id}`)).status).toBe(401);
    });
  });

  describe('chat membership, decided by chat-service from the identity the gateway forwards', () => {
    let roomId: string;

    beforeAll(async () => {
      const room = await call('POST', '/api/v1/chat/rooms', {
        headers: bearer(bob.token),
        body: { name: 'bob only', creator_id: bob.id, participant_ids: [] },
      });
      roomId = room.body.room_id as string;
      const posted = await call('POST', `/api/v1/chat/rooms/${roomId}/messages`, {
        headers: bearer(bob.token),
        body: { user_id: bob.id, message: 'secret', message_type: 'text' },
      });
      expect(posted.status).toBe(200);
    });

    it('a non-member reading the history gets 403; the member reads it', async () => {
      const path = `/api/v1/chat/rooms/${roomId}/messages?limit=10`;
      const denied = await call('GET', path, { headers: bearer(alice.token) });
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({ code: 403, status: 'Forbidden' });
      expect(JSON.stringify(denied.body)).not.toContain('secret');
      const allowed = await call('GET', path, { headers: bearer(bob.token) });
      expect(allowed.body).toMatchObject({ messages: [{ message: 'secret' }], total: 1 });
    });

    it('a non-member posting as itself gets 403 and nothing is stored', async () => {
      const denied = await call('POST', `/api/v1/chat/rooms/${roomId}/messages`, {
        headers: bearer(alice.token),
        body: { user_id: alice.id, message: 'let me in', message_type: 'text' },
      });
      expect(denied.status).toBe(403);
      const history = await call('GET', `/api/v1/chat/rooms/${roomId}/messages?limit=10`, {
        headers: bearer(bob.token),
      });
      expect(history.body.total).toBe(1);
    });

    it('chat-service itself refuses history and posts without a verified caller', async () => {
      const anonymous = await chat.http('GET', `/chat/rooms/${roomId}/messages?limit=10`);
      expect(anonymous.status).toBe(401);
      const spoofed = await chat.http('GET', `/chat/rooms/${roomId}/messages?limit=10`, undefined, {
        'x-user-id': bob.id,
      });
      expect(spoofed.status).toBe(401);
      const posted = await chat.http('POST', `/chat/rooms/${roomId}/messages`, {
        user_id: bob.id,
        message: 'anonymous as bob',
        message_type: 'text',
      });
      expect(posted.status).toBe(401);
    });
  });

  describe('backends trust a caller identity only from an authenticated peer (production mode)', () => {
    const DEPLOYMENT_SECRET = 'a-deployment-internal-auth-secret-for-this-test';
    let production: RunningService;
    let client: ReturnType<typeof createChatServiceClient>;
    let roomId: string;
    const member = randomUUID();
    const productionEnv = (extra: Record<string, string> = {}) => ({
      ...process.env,
      ...chatBackends.database.env('CHAT_SERVICE'),
      NODE_ENV: 'production',
      CHAT_SERVICE_LOG_LEVEL: 'silent',
      CHAT_SERVICE_CACHE_HOST: TEST_REDIS.host,
      CHAT_SERVICE_CACHE_PORT: String(TEST_REDIS.port),
      CHAT_SERVICE_CACHE_KEY_PREFIX: chatBackends.keyPrefix,
      CHAT_SERVICE_REALTIME_HOST: TEST_REDIS.host,
      CHAT_SERVICE_REALTIME_PORT: String(TEST_REDIS.port),
      CHAT_SERVICE_REALTIME_CHANNEL_PREFIX: chatBackends.channelPrefix,
      ...extra,
    });

    beforeAll(async () => {
      production = await bootstrapService(chatServiceDefinition, {
        env: productionEnv({ CHAT_SERVICE_INTERNAL_AUTH_SECRET: DEPLOYMENT_SECRET }),
        httpPort: 0,
        grpcPort: 0,
      });
      client = createChatServiceClient(production.grpcTarget ?? '');
      const room = await client.createRoom({
        name: 'prod',
        creator_id: member,
        participant_ids: [],
      });
      roomId = room.room_id;
    });

    afterAll(async () => {
      client?.close();
      await production?.close();
    });

    const history = (metadata: Record<string, string>) =>
      client.getMessageHistory({ room_id: roomId, limit: 10, offset: 0 }, { metadata });

    it('refuses identity metadata without a caller token with UNAUTHENTICATED', async () => {
      await expect(history({ 'x-user-id': member, 'x-user-roles': 'admin' })).rejects.toMatchObject(
        {
          code: GrpcCode.UNAUTHENTICATED,
        },
      );
      const metadata = new Metadata();
      metadata.set('x-user-id', member);
      await expect(
        client.createRoom({ name: 'x', creator_id: member, participant_ids: [] }, { metadata }),
      ).rejects.toMatchObject({ code: GrpcCode.UNAUTHENTICATED });
    });

    it('refuses caller tokens signed with another key (the development one too), for another service, or too long-lived', async () => {
      for (const headers of [
        await callerHeaders('chat-service', member),
        await callerHeaders(
          'chat-service',
          member,
          [],
          'some-other-key-that-is-also-32-bytes-long',
        ),
        await callerHeaders('user-service', member, [], DEPLOYMENT_SECRET),
      ]) {
        await expect(history(headers)).rejects.toMatchObject({ code: GrpcCode.UNAUTHENTICATED });
      }
      const longLived = await new SignJWT({ roles: [] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(member)
        .setAudience('chat-service')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(DEPLOYMENT_SECRET));
      const future = Math.floor(Date.now() / 1000) + 3600;
      const backdated = await new SignJWT({ roles: [] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(member)
        .setAudience('chat-service')
        .setIssuedAt(future - 7200)
        .setExpirationTime(future)
        .sign(new TextEncoder().encode(DEPLOYMENT_SECRET));
      for (const forged of [longLived, backdated]) {
        await expect(history({ 'x-caller-token': forged })).rejects.toMatchObject({
          code: GrpcCode.UNAUTHENTICATED,
        });
      }
    });

    it('serves a caller token signed with the deployment key for this service', async () => {
      const headers = await callerHeaders('chat-service', member, [], DEPLOYMENT_SECRET);
      await expect(history(headers)).resolves.toEqual({ messages: [], total: 0 });
      const outsider = await callerHeaders('chat-service', randomUUID(), [], DEPLOYMENT_SECRET);
      await expect(history(outsider)).rejects.toMatchObject({ code: GrpcCode.PERMISSION_DENIED });
    });

    it('refuses to start in production with the embedded development key', async () => {
      await expect(
        bootstrapService(chatServiceDefinition, {
          env: productionEnv(),
          httpPort: 0,
          grpcPort: 0,
        }),
      ).rejects.toThrow(/CHAT_SERVICE_INTERNAL_AUTH_SECRET is the embedded development key/);
    });

    it('the signer refuses nothing it should not: tokens are per audience', async () => {
      const tokens = new CallerTokens(DEPLOYMENT_SECRET, 'api-gateway');
      const forChat = await tokens.sign({ subject: member, roles: [] }, 'chat-service');
      await expect(
        new CallerTokens(DEPLOYMENT_SECRET, 'chat-service').verify(forChat),
      ).resolves.toMatchObject({ subject: member });
      await expect(
        new CallerTokens(DEPLOYMENT_SECRET, 'user-service').verify(forChat),
      ).rejects.toThrow(/aud/);
    });
  });

  describe('recipients: e-mail goes only to the address notification-service knows for the user', () => {
    async function knownAddress(userId: string, email: string): Promise<void> {
      await notification.database.query(
        `INSERT INTO notification_contacts (user_id, name, email, updated_at)
         VALUES ($1, 'Carol', $2, now())`,
        [userId, email],
      );
    }

    async function settledStatus(userId: string, id: string, bearerToken: string) {
      let entry: { status: string } | undefined;
      await waitFor(async () => {
        const history = await call('GET', `/api/v1/notifications/history/${userId}?limit=10`, {
          headers: bearer(bearerToken),
        });
        entry = (history.body.notifications as { notification_id: string; status: string }[]).find(
          (candidate) => candidate.notification_id === id,
        );
        return entry !== undefined && entry.status !== 'queued';
      }, `notification ${id} to settle`);
      return entry!.status;
    }

    it('metadata.email does not relay: the message goes to the known address only', async () => {
      const carol = randomUUID();
      await knownAddress(carol, 'carol@known.example');
      const sent = await call('POST', '/api/v1/notifications', {
        headers: bearer(await token(carol)),
        body: {
          user_id: carol,
          type: 'email',
          subject: 'relay attempt',
          message: 'spam',
          metadata: { email: 'x@a.org, y@b.org' },
        },
      });
      expect(sent.status).toBe(200);
      const id = sent.body.notification_id as string;
      expect(await settledStatus(carol, id, await token(carol))).toBe('sent');
      const mails = smtp.emails.filter((mail) => mail.subject === 'relay attempt');
      expect(mails.map((mail) => mail.to)).toEqual([['carol@known.example']]);
      expect(JSON.stringify(smtp.emails)).not.toMatch(/x@a\.org|y@b\.org/);
    });

    it('a user with no known address: failed with a clear reason, no retries, no mail', async () => {
      const dave = randomUUID();
      const before = smtp.emails.length;
      const sent = await call('POST', '/api/v1/notifications', {
        headers: bearer(await token(dave)),
        body: {
          user_id: dave,
          type: 'email',
          subject: 'nobody',
          message: 'm',
          metadata: { email: 'attacker@evil.example' },
        },
      });
      const id = sent.body.notification_id as string;
      expect(await settledStatus(dave, id, await token(dave))).toBe('failed');
      const [row] = await notification.database.query<{ failure_reason: string; attempts: number }>(
        'SELECT failure_reason, attempts FROM notifications WHERE id = $1',
        [id],
      );
      expect(row).toEqual({
        failure_reason: `no e-mail address known for user ${dave} (no user.created or user.updated seen)`,
        attempts: 1,
      });
      expect(smtp.emails.length).toBe(before);
    });
  });

  describe('input', () => {
    it('an e-mail over 254 characters is 400 (a 10,000-character one included), 254 is accepted', async () => {
      const at = (length: number) => `${'a'.repeat(length - '@example.com'.length)}@example.com`;
      for (const length of [255, 10_000]) {
        const answer = await call('POST', '/api/v1/users', {
          body: { name: 'Long', email: at(length) },
        });
        expect({ length, status: answer.status }).toEqual({ length, status: 400 });
        expect(answer.body.details[0].field_violations).toEqual([
          expect.objectContaining({ field: 'email' }),
        ]);
      }
      const direct = await user.grpc.call('CreateUser', { name: 'Long', email: at(10_000) });
      expect(direct).toMatchObject({ ok: false, code: GrpcCode.INVALID_ARGUMENT });
      expect(
        (await call('POST', '/api/v1/users', { body: { name: 'Max', email: at(254) } })).status,
      ).toBe(200);
    });

    it('e-mail addresses are unique whatever their case: Vic@x.org then vic@x.org is 409', async () => {
      const local = `vic-${randomUUID()}`;
      const first = await call('POST', '/api/v1/users', {
        body: { name: 'Vic', email: `${local[0].toUpperCase()}${local.slice(1)}@X.org` },
      });
      expect(first.status).toBe(200);
      const second = await call('POST', '/api/v1/users', {
        body: { name: 'vic', email: `${local}@x.org` },
      });
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({ code: 409, status: 'Conflict' });
      // An update to another spelling of a taken address conflicts too; one's own is fine.
      const other = await user.grpc.call('CreateUser', {
        name: 'O',
        email: `o-${randomUUID()}@x.org`,
      });
      const otherId = (other as Json).response.user_id as string;
      expect(
        await user.grpc.call('UpdateUser', {
          user_id: otherId,
          email: `${local.toUpperCase()}@x.ORG`,
        }),
      ).toMatchObject({ ok: false, code: GrpcCode.ALREADY_EXISTS });
      const firstId = first.body.user_id as string;
      expect(
        await user.grpc.call('UpdateUser', { user_id: firstId, email: `${local}@x.org` }),
      ).toMatchObject({ ok: true });
    });

    it('NUL in a string field is 400 through the gateway and INVALID_ARGUMENT on gRPC', async () => {
      const viaGateway = await call('POST', '/api/v1/users', {
        body: { name: 'Nul\u0000Name', email: `nul-${randomUUID()}@example.com` },
      });
      expect(viaGateway.status).toBe(400);
      expect(viaGateway.body.details[0].field_violations).toEqual([
        expect.objectContaining({ field: 'name', description: expect.stringContaining('NUL') }),
      ]);
      const inMetadata = await call('POST', '/api/v1/notifications', {
        headers: bearer(alice.token),
        body: {
          user_id: alice.id,
          type: 'sms',
          subject: 's',
          message: 'm',
          metadata: { 'k\u0000': 'v' },
        },
      });
      expect(inMetadata.status).toBe(400);

      expect(
        await user.grpc.call('CreateUser', { name: 'Nul\u0000', email: `g-${randomUUID()}@x.org` }),
      ).toMatchObject({ ok: false, code: GrpcCode.INVALID_ARGUMENT });
      const room = await chat.grpc.createRoom(
        { name: 'nul', creator_id: alice.id, participant_ids: [] },
        await chat.as(alice.id),
      );
      await expect(
        chat.grpc.sendMessage(
          { room_id: room.room_id, user_id: alice.id, message: 'a\u0000b', message_type: 'text' },
          await chat.as(alice.id),
        ),
      ).rejects.toMatchObject({ code: GrpcCode.INVALID_ARGUMENT });
      const direct = await chat.http(
        'POST',
        `/chat/rooms/${room.room_id}/messages`,
        { user_id: alice.id, message: 'a\u0000b', message_type: 'text' },
        (await chat.as(alice.id)).metadata,
      );
      expect(direct.status).toBe(400);
    });
  });
});
