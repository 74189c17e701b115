import { join } from 'node:path';
import { Client, credentials, loadPackageDefinition, Metadata, ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ToolkitError } from '../../src/toolkit/errors';
import { createGrpcClient } from '../../src/toolkit/grpc';
import { HEALTH_PROTO_PATH, RunningService } from '../../src/toolkit/runtime';
import { bootstrapService } from '../support/bootstrap';
import {
  ECHO_PROTO_ROOT,
  EchoMessage,
  echoService,
  EchoServiceDescriptor,
  slowCallsStopped,
} from '../fixtures/toolkit-runtime/echo.fixture';

interface EchoClient {
  echo(
    request: Partial<EchoMessage>,
    options?: { metadata?: Record<string, string> },
  ): Promise<EchoMessage>;
  slow(request: { delay_ms: number }): Promise<EchoMessage>;
  close(): void;
}

type GrpcCtor = new (
  target: string,
  creds: ReturnType<typeof credentials.createInsecure>,
) => Record<string, unknown> & {
  close(): void;
};

function grpcConstructor(
  protoPath: string,
  fullName: string,
  includeDirs: string[] = [],
): GrpcCtor {
  const loaded = loadPackageDefinition(
    loadSync(protoPath, { keepCase: true, enums: String, includeDirs }),
  );
  let node: unknown = loaded;
  for (const part of fullName.split('.')) node = (node as Record<string, unknown>)[part];
  return node as GrpcCtor;
}

describe('toolkit runtime (hybrid app)', () => {
  let service: RunningService;
  let client: EchoClient;

  beforeAll(async () => {
    service = await bootstrapService(echoService, { env: { ECHO_SERVICE_LOG_LEVEL: 'silent' } });
    client = createGrpcClient<EchoClient>(EchoServiceDescriptor, service.grpcTarget!, {
      protoRoot: ECHO_PROTO_ROOT,
    });
  });

  afterAll(async () => {
    client?.close();
    await service?.close();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${service.httpUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('serves one method on HTTP (path + body, protojson) and echoes the request id', async () => {
    const response = await post(
      '/echo/abc',
      JSON.stringify({ text: 'hi', count: 2, unknown_field: 1 }),
      {
        'x-request-id': 'req-123',
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-123');
    expect(await response.json()).toEqual({
      id: 'abc',
      text: 'hi',
      count: 2,
      request_id: 'req-123',
    });
  });

  it('serves the same method on gRPC, carrying the request id', async () => {
    const reply = await client.echo(
      { id: 'g1', text: 'hello', count: 3 },
      { metadata: { 'x-request-id': 'grpc-1' } },
    );
    expect(reply).toEqual({ id: 'g1', text: 'hello', count: 3, request_id: 'grpc-1' });
  });

  it('validates before the handler on HTTP, with BadRequest details', async () => {
    const response = await post('/echo/abc', JSON.stringify({ text: '' }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 400,
      status: 'Bad Request',
      message: expect.stringContaining('text'),
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.BadRequest',
          field_violations: [
            { field: 'text', description: 'value length must be between 1 and 10 characters' },
          ],
        },
      ],
    });
  });

  it('validates before the handler on gRPC, with BadRequest details in the status', async () => {
    const failure = await client
      .echo({ id: 'x', text: 'far too long text' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ToolkitError);
    expect(failure).toMatchObject({
      code: 3,
      violations: [
        { field: 'text', description: 'value length must be between 1 and 10 characters' },
      ],
    });
  });

  it('answers request bytes that do not decode with INVALID_ARGUMENT on gRPC', async () => {
    const raw = new Client(service.grpcTarget!, credentials.createInsecure());
    const identity = (value: Buffer): Buffer => value;
    const failure = await new Promise<ServiceError | null>((resolve) =>
      raw.makeUnaryRequest(
        '/toolkitfixture.EchoService/Echo',
        identity,
        identity,
        Buffer.from([0x0f]),
        (error) => resolve(error),
      ),
    );
    raw.close();
    expect(failure).toMatchObject({
      code: 3,
      details: expect.stringMatching(/^request is not a valid toolkitfixture\.EchoRequest: /),
    });
  });

  it('answers malformed JSON and wrong JSON types with 400', async () => {
    const malformed = await post('/echo/abc', '{"text": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 400, status: 'Bad Request', details: [] });
    const wrongType = await post('/echo/abc', JSON.stringify({ text: 'hi', count: 'many' }));
    expect(wrongType.status).toBe(400);
    const wrongTypeBody = (await wrongType.json()) as {
      details: { field_violations: { field: string }[] }[];
    };
    expect(wrongTypeBody.details[0].field_violations[0].field).toBe('count');
  });

  it('renders typed errors with their code, and hides unexpected ones', async () => {
    const missing = await post('/echo/missing', JSON.stringify({ text: 'hi' }));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      code: 404,
      status: 'Not Found',
      message: 'echo missing not found',
      details: [],
    });
    await expect(client.echo({ id: 'missing', text: 'hi' })).rejects.toMatchObject({ code: 5 });

    const boom = await post('/echo/boom', JSON.stringify({ text: 'hi' }));
    expect(boom.status).toBe(500);
    const body = await boom.text();
    expect(JSON.parse(body)).toMatchObject({
      code: 500,
      status: 'Internal Server Error',
      message: 'internal error',
    });
    expect(body).not.toContain('secret_table');
    await expect(client.echo({ id: 'boom', text: 'hi' })).rejects.toMatchObject({
      code: 13,
      message: 'internal error',
    });
  });

  it('answers an unknown route with the error body', async () => {
    const response = await fetch(`${service.httpUrl}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 404, status: 'Not Found' });
  });

  it('renders every error Fastify raises itself with the toolkit body', async () => {
    const errorBody = {
      code: expect.any(Number),
      status: expect.any(String),
      message: expect.any(String),
      details: [],
    };
    const cases: [string, RequestInit, number][] = [
      ['/echo/%', { method: 'POST', body: '{}' }, 400],
      ['/echo/abc', { method: 'POST', headers: { 'content-type': 'application/json' } }, 400],
      [
        '/echo/abc',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' },
        400,
      ],
      ['/echo/abc', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' }, 415],
      [
        '/echo/abc',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: 'x'.repeat(2_000_000) }),
        },
        413,
      ],
      ['/echo/abc', { method: 'GET' }, 404],
      ['/echo/abc', { method: 'PROPFIND' }, 404],
    ];
    for (const [path, init, status] of cases) {
      const response = await fetch(`${service.httpUrl}${path}`, init);
      const context = `${init.method ?? 'GET'} ${path} ${String(init.headers ?? '')}`;
      const body: unknown = JSON.parse(await response.text());
      expect({ context, status: response.status, body }).toEqual({
        context,
        status,
        body: { ...errorBody, code: status },
      });
    }
  });

  it('exposes per-rpc metrics and the probes', async () => {
    const metrics = await (await fetch(`${service.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /toolkit_requests_total\{[^}]*transport="http"[^}]*rpc="Echo"[^}]*code="200"/,
    );
    expect(metrics).toMatch(
      /toolkit_requests_total\{[^}]*transport="grpc"[^}]*rpc="Echo"[^}]*code="OK"/,
    );
    expect(metrics).toMatch(/toolkit_request_errors_total\{[^}]*code="INVALID_ARGUMENT"/);
    expect((await fetch(`${service.httpUrl}/_healthz/liveness`)).status).toBe(200);
    const readiness = await fetch(`${service.httpUrl}/_healthz/readiness`);
    expect(readiness.status).toBe(200);
  });

  it('answers grpc.health.v1 Check and lists services through reflection', async () => {
    const Health = grpcConstructor(HEALTH_PROTO_PATH, 'grpc.health.v1.Health');
    const health = new Health(service.grpcTarget!, credentials.createInsecure());
    const check = (name: string) =>
      new Promise<{ status: string } | ServiceError>((resolve) =>
        (
          health.Check as (
            r: unknown,
            cb: (e: ServiceError | null, v: { status: string }) => void,
          ) => void
        ).call(health, { service: name }, (error, value) => resolve(error ?? value)),
      );
    expect(await check('')).toEqual({ status: 'SERVING' });
    expect(await check('toolkitfixture.EchoService')).toEqual({ status: 'SERVING' });
    expect(await check('other.Service')).toMatchObject({ code: 5 });
    health.close();

    const reflectionProto = join(
      require.resolve('@grpc/reflection/package.json'),
      '..',
      'build/proto/grpc/reflection/v1/reflection.proto',
    );
    const Reflection = grpcConstructor(reflectionProto, 'grpc.reflection.v1.ServerReflection');
    const reflection = new Reflection(service.grpcTarget!, credentials.createInsecure());
    const names = await new Promise<string[]>((resolve, reject) => {
      const stream = (
        reflection.ServerReflectionInfo as (m: Metadata) => NodeJS.ReadWriteStream & {
          write(message: unknown): void;
        }
      ).call(reflection, new Metadata());
      stream.on('data', (message: { list_services_response?: { service: { name: string }[] } }) => {
        resolve((message.list_services_response?.service ?? []).map((entry) => entry.name));
        stream.end();
      });
      stream.on('error', reject);
      stream.write({ list_services: '' });
    });
    reflection.close();
    expect(names).toEqual(
      expect.arrayContaining(['toolkitfixture.EchoService', 'grpc.health.v1.Health']),
    );
  });

  it('aborts the request signal when the request times out, on both transports', async () => {
    const hurried = await bootstrapService(echoService, {
      env: { ECHO_SERVICE_LOG_LEVEL: 'silent', ECHO_SERVICE_REQUEST_TIMEOUT: '150ms' },
    });
    const hurriedClient = createGrpcClient<EchoClient>(EchoServiceDescriptor, hurried.grpcTarget!, {
      protoRoot: ECHO_PROTO_ROOT,
    });
    try {
      slowCallsStopped.length = 0;
      const response = await fetch(`${hurried.httpUrl}/slow?delay_ms=10000`);
      expect(response.status).toBe(504);
      await expect(hurriedClient.slow({ delay_ms: 10000 })).rejects.toMatchObject({ code: 4 });
      while (slowCallsStopped.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(slowCallsStopped).toEqual([
        expect.objectContaining({ code: 4, message: 'request timed out after 150ms' }),
        expect.objectContaining({ code: 4, message: 'request timed out after 150ms' }),
      ]);
    } finally {
      hurriedClient.close();
      await hurried.close();
    }
  });

  it('drains an in-flight call on shutdown, turning readiness off', async () => {
    const other = await bootstrapService(echoService, {
      env: { ECHO_SERVICE_LOG_LEVEL: 'silent' },
    });
    const slow = fetch(`${other.httpUrl}/slow?delay_ms=600`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const closed = other.close();
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: 'slow', text: 'done', count: 600 });
    await closed;
    await expect(fetch(`${other.httpUrl}/_healthz/liveness`)).rejects.toThrow();
  });
});
