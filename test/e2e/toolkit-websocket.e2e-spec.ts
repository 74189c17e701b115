import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { SignJWT } from 'jose';
import { createGrpcClient } from '../../src/toolkit/grpc';
import { RunningService } from '../../src/toolkit/runtime';
import { bootstrapService } from '../support/bootstrap';
import {
  JoinMessage,
  JoinReply,
  LOBBY_PROTO_ROOT,
  lobbyService,
  LobbyServiceDescriptor,
} from '../fixtures/toolkit-runtime/lobby.fixture';
import { TestSocket, UpgradeRefused } from '../support/ws-client';

const SECRET = `lobby-secret-${randomUUID()}`;

interface LobbyClient {
  join(request: JoinMessage, options?: { metadata?: Record<string, string> }): Promise<JoinReply>;
  close(): void;
}

function token(subject: string): Promise<string> {
  return new SignJWT({ sub: subject, jti: `${subject}-${Math.random()}` })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

describe('toolkit runtime: websocket methods', () => {
  let service: RunningService;
  let port: number;
  let bearer: string;

  beforeAll(async () => {
    service = await bootstrapService(lobbyService, {
      env: { LOBBY_SERVICE_LOG_LEVEL: 'silent', LOBBY_SERVICE_AUTH_JWT_SECRET: SECRET },
    });
    port = Number(new URL(service.httpUrl).port);
    bearer = await token('alice');
  });

  afterAll(async () => {
    await service?.close();
  });

  const joinPath = (room: string, nickname = 'al') =>
    `/lobby/rooms/${room}/join?nickname=${encodeURIComponent(nickname)}`;
  const authorized = (headers: Record<string, string> = {}) => ({
    headers: { authorization: `Bearer ${bearer}`, ...headers },
  });

  async function refusal(path: string, headers: Record<string, string> = {}) {
    const error: unknown = await TestSocket.open(port, path, { headers }).then(
      async (socket) => {
        await socket.close();
        throw new Error(`upgrade of ${path} was accepted`);
      },
      (refused: unknown) => refused,
    );
    expect(error).toBeInstanceOf(UpgradeRefused);
    return error as UpgradeRefused;
  }

  /** The raw refusal, for its headers (the ws client keeps only status and body). */
  function refusalHeaders(path: string, headers: Record<string, string>) {
    return new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      const request = httpRequest({
        host: '127.0.0.1',
        port,
        path,
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': Buffer.from(randomUUID()).toString('base64').slice(0, 24),
          ...headers,
        },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.headers);
      });
      request.on('upgrade', () => reject(new Error('upgraded')));
      request.on('error', reject);
      request.end();
    });
  }

  it('upgrades after validation and auth, then runs the onOpen handler on the connection', async () => {
    const socket = await TestSocket.open(
      port,
      joinPath('room-1'),
      authorized({ 'x-request-id': 'join-req-1' }),
    );
    const first = await socket.next();
    expect(first).toEqual({
      type: 'Join',
      payload: {
        status: 'joined',
        room_id: 'room-1',
        nickname: 'al',
        connection_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        request_id: 'join-req-1',
        caller: 'alice',
      },
    });

    socket.send({ type: 'Say', payload: { text: 'hello' } });
    expect(await socket.next()).toEqual({
      type: 'said',
      payload: { nickname: 'al', text: 'hello' },
    });
    socket.send({ type: 'Say', payload: { text: 42 } });
    expect(await socket.next()).toEqual({
      type: 'error',
      payload: { code: 'INVALID_ARGUMENT', message: 'text must be a string' },
    });

    const announced = await fetch(`${service.httpUrl}/lobby/rooms/room-1/announce`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'over http' }),
    });
    expect(await announced.json()).toEqual({ delivered: 1 });
    expect(await socket.next()).toEqual({
      type: 'said',
      payload: { nickname: 'announcer', text: 'over http' },
    });
    await socket.close();
  });

  it('accepts the bearer token as ?access_token= for browsers', async () => {
    const socket = await TestSocket.open(
      port,
      `${joinPath('room-2', 'bo')}&access_token=${await token('bob')}`,
    );
    expect(await socket.next()).toMatchObject({
      type: 'Join',
      payload: { room_id: 'room-2', nickname: 'bo', caller: 'bob' },
    });
    await socket.close();
  });

  it('refuses an invalid request message with 400 and field violations, before upgrading', async () => {
    const refused = await refusal(joinPath('NO', ''), authorized().headers);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      code: 400,
      status: 'Bad Request',
      message: expect.stringContaining('invalid toolkitfixture.JoinRequest'),
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.BadRequest',
          field_violations: [
            { field: 'room_id', description: expect.any(String) },
            { field: 'nickname', description: expect.any(String) },
          ],
        },
      ],
    });
  });

  it('refuses with the status of the error the handler throws, and hides unexpected ones', async () => {
    const missing = await refusal(joinPath('missing'), authorized().headers);
    expect({ status: missing.status, body: missing.body }).toEqual({
      status: 404,
      body: { code: 404, status: 'Not Found', message: 'room missing not found', details: [] },
    });
    const closed = await refusal(joinPath('closed'), authorized().headers);
    expect(closed.status).toBe(403);
    expect(closed.body).toMatchObject({ code: 403, status: 'Forbidden' });
    const boom = await refusal(joinPath('boom'), authorized().headers);
    expect(boom.status).toBe(500);
    expect(boom.body).toEqual({
      code: 500,
      status: 'Internal Server Error',
      message: 'internal error',
      details: [],
    });
  });

  it('runs the method middlewares at the upgrade: no or bad token is 401 with a challenge', async () => {
    const anonymous = await refusal(joinPath('room-3'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 401, status: 'Unauthorized' });
    const forged = await refusal(joinPath('room-3'), { authorization: 'Bearer not.a.jwt' });
    expect(forged.status).toBe(401);

    const headers = await refusalHeaders(joinPath('room-3'), { 'x-request-id': 'anon-1' });
    expect(headers['www-authenticate']).toBe('Bearer');
    expect(headers['x-request-id']).toBe('anon-1');
  });

  it('serves the same controller method as a gRPC unary call', async () => {
    const client = createGrpcClient<LobbyClient>(LobbyServiceDescriptor, service.grpcTarget!, {
      protoRoot: LOBBY_PROTO_ROOT,
    });
    try {
      const reply = await client.join(
        { room_id: 'room-4', nickname: 'cy' },
        { metadata: { authorization: `Bearer ${await token('cyd')}` } },
      );
      expect(reply).toMatchObject({
        status: 'joined',
        room_id: 'room-4',
        connection_id: '',
        caller: 'cyd',
      });
      await expect(client.join({ room_id: 'room-4', nickname: 'cy' })).rejects.toMatchObject({
        code: 16,
      });
      await expect(
        client.join(
          { room_id: 'x', nickname: 'cy' },
          { metadata: { authorization: `Bearer ${bearer}` } },
        ),
      ).rejects.toMatchObject({ code: 3 });
    } finally {
      client.close();
    }
  });

  it('serves no plain HTTP route for a websocket method, and counts upgrades in the metrics', async () => {
    const plain = await fetch(`${service.httpUrl}${joinPath('room-5')}`, authorized());
    expect(plain.status).toBe(404);
    const metrics = await (await fetch(`${service.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/toolkit_requests_total\{[^}]*rpc="Join"[^}]*code="101"/);
    expect(metrics).toMatch(/toolkit_request_errors_total\{[^}]*rpc="Join"[^}]*code="401"/);
  });
});
