import { Module } from '@nestjs/common';
import { Req } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { StartupError } from '../../src/toolkit/config';
import { bootstrapService, defineService } from '../../src/toolkit/runtime';
import { RequestMessage, ToolkitController, ToolkitRpc } from '../../src/toolkit/transport';
import { createGrpcClient } from '../../src/toolkit/grpc';
import {
  ECHO_PROTO_ROOT,
  echoService,
  EchoServiceDescriptor,
  slowCallsStopped,
} from '../fixtures/toolkit-runtime/echo.fixture';
import { startUserApp, UserApp } from '../support/user-app';

/**
 * The toolkit mounts every rpc itself: its own Fastify routes (matched by the toolkit's router,
 * static routes first) and its own grpc-js server. These run against user-service with its real
 * PostgreSQL and Redis.
 */
describe('toolkit pipeline mount (user-service, real backends)', () => {
  let app: UserApp;
  let base: string;

  beforeAll(async () => {
    app = await startUserApp('pipeline_mount', { USER_SERVICE_LOG_LEVEL: 'silent' });
    base = app.running.httpUrl;
  });

  afterAll(async () => {
    await app?.close();
  });

  const createUser = async (name: string) => {
    const response = await fetch(`${base}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, email: `${name}@example.com` }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { user_id: string }).user_id;
  };

  it('serves the same user on HTTP (protojson) and gRPC', async () => {
    const id = await createUser('mounted');
    const http = await fetch(`${base}/users/${id}`);
    expect(http.status).toBe(200);
    expect(http.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await http.json()).toMatchObject({ user: { user_id: id, name: 'mounted' } });
    const viaGrpc = await app.grpc.call('GetUser', { user_id: id });
    expect(viaGrpc).toMatchObject({ ok: true, response: { user: { user_id: id } } });
  });

  it('answers HEAD on a GET binding without a body', async () => {
    const id = await createUser('headed');
    const response = await fetch(`${base}/users/${id}`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('keeps static routes ahead of the toolkit routes', async () => {
    const response = await fetch(`${base}/_healthz/liveness`);
    expect(response.status).toBe(200);
  });

  it('answers an unmatched path 404 with the toolkit error body', async () => {
    const response = await fetch(`${base}/no/such/route`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 404, status: 'Not Found' });
  });

  it('answers a body that is not JSON 400 with the toolkit error body, not 500', async () => {
    const response = await fetch(`${base}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 400, status: 'Bad Request' });
  });

  it('answers an invalid message 400 on HTTP and INVALID_ARGUMENT on gRPC', async () => {
    const http = await fetch(`${base}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '', email: 'not-an-email' }),
    });
    expect(http.status).toBe(400);
    const body = (await http.json()) as { details: { field_violations: unknown[] }[] };
    expect(body.details[0].field_violations.length).toBeGreaterThan(0);
    const viaGrpc = await app.grpc.call('CreateUser', { name: '', email: 'not-an-email' });
    expect(viaGrpc).toMatchObject({ ok: false, code: grpc.status.INVALID_ARGUMENT });
  });

  it('answers request bytes that do not decode INVALID_ARGUMENT, not INTERNAL', async () => {
    const client = app.grpc.raw;
    const outcome = await new Promise<grpc.ServiceError | null>((resolve) => {
      client.makeUnaryRequest(
        '/userservice.UserService/GetUser',
        (value: Buffer) => value,
        (bytes: Buffer) => bytes,
        Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        (error) => resolve(error),
      );
    });
    expect(outcome?.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('answers a missing user NOT_FOUND on both transports', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await fetch(`${base}/users/${missing}`)).status).toBe(404);
    expect(await app.grpc.call('GetUser', { user_id: missing })).toMatchObject({
      ok: false,
      code: grpc.status.NOT_FOUND,
    });
  });
});

describe('toolkit pipeline start-up', () => {
  it('refuses a handler parameter the toolkit does not supply, naming controller, method and index', async () => {
    @ToolkitController(EchoServiceDescriptor)
    class RawRequestController {
      @ToolkitRpc(EchoServiceDescriptor, 'Echo')
      echo(@RequestMessage() message: unknown, @Req() request: unknown) {
        return { message, request };
      }
    }
    @Module({ controllers: [RawRequestController] })
    class RawRequestModule {}
    const definition = defineService({
      name: 'raw-request-service',
      envPrefix: 'RAW_REQUEST_SERVICE',
      descriptor: EchoServiceDescriptor,
      module: RawRequestModule,
      defaultHttpPort: 0,
      defaultGrpcPort: 0,
      protoRoot: ECHO_PROTO_ROOT,
    });
    const started = bootstrapService(definition, {
      env: { RAW_REQUEST_SERVICE_LOG_LEVEL: 'silent' },
    });
    await expect(started).rejects.toThrow(StartupError);
    await expect(started).rejects.toThrow(/RawRequestController\.echo: parameter 1/);
  });
});

describe('toolkit pipeline: a client that goes away', () => {
  const waitForStop = async (count: number) => {
    while (slowCallsStopped.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('aborts the call signal when the HTTP client disconnects or the gRPC deadline passes, and still shuts down', async () => {
    const running = await bootstrapService(echoService, {
      env: { ECHO_SERVICE_LOG_LEVEL: 'silent' },
    });
    const client = createGrpcClient<{
      slow(request: { delay_ms: number }, options?: { timeoutMs?: number }): Promise<unknown>;
    }>(EchoServiceDescriptor, running.grpcTarget!, { protoRoot: ECHO_PROTO_ROOT });
    try {
      slowCallsStopped.length = 0;
      const aborter = new AbortController();
      const request = fetch(`${running.httpUrl}/slow?delay_ms=10000`, { signal: aborter.signal });
      setTimeout(() => aborter.abort(), 100);
      await expect(request).rejects.toThrow();
      await waitForStop(1);
      expect(slowCallsStopped[0]).toMatchObject({ code: grpc.status.CANCELLED });
      // The client's deadline passing cancels the call on the server too.
      await expect(client.slow({ delay_ms: 10000 }, { timeoutMs: 100 })).rejects.toMatchObject({
        code: grpc.status.DEADLINE_EXCEEDED,
      });
      await waitForStop(2);
      expect([grpc.status.CANCELLED, grpc.status.DEADLINE_EXCEEDED]).toContain(
        (slowCallsStopped[1] as { code: number }).code,
      );
    } finally {
      client.close();
      await running.close();
    }
  });
});
