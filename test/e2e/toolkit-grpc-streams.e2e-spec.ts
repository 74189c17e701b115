import { join } from 'node:path';
import {
  ClientDuplexStream,
  ClientReadableStream,
  ClientWritableStream,
  credentials,
  loadPackageDefinition,
  Metadata,
  ServiceError,
  status,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { bootstrapService, RunningService } from '../../src/toolkit/runtime';
import { ECHO_PROTO_ROOT } from '../fixtures/toolkit-runtime/echo.fixture';
import { streamProbe, streamService } from '../fixtures/toolkit-runtime/stream.fixture';

interface NumberMessage {
  value: number;
  text: string;
}

interface StreamClient {
  count(
    request: object,
    metadata?: Metadata,
    options?: object,
  ): ClientReadableStream<NumberMessage>;
  sum(
    callback: (error: ServiceError | null, total?: { sum: number; count: number }) => void,
  ): ClientWritableStream<NumberMessage>;
  double(): ClientDuplexStream<NumberMessage, NumberMessage>;
  close(): void;
}

function streamClient(target: string): StreamClient {
  const loaded = loadPackageDefinition(
    loadSync(join(ECHO_PROTO_ROOT, 'toolkitfixture', 'stream.proto'), { keepCase: true }),
  ) as unknown as {
    toolkitfixture: {
      StreamService: new (
        target: string,
        creds: ReturnType<typeof credentials.createInsecure>,
      ) => StreamClient;
    };
  };
  return new loaded.toolkitfixture.StreamService(target, credentials.createInsecure());
}

/** Every message of a server stream, then its end status (OK or the error). */
function collect(stream: ClientReadableStream<NumberMessage>) {
  return new Promise<{ values: number[]; error?: ServiceError; metadata?: Metadata }>((resolve) => {
    const values: number[] = [];
    let metadata: Metadata | undefined;
    stream.on('metadata', (received: Metadata) => (metadata = received));
    stream.on('data', (message: NumberMessage) => values.push(message.value));
    stream.on('error', (error: ServiceError) => resolve({ values, error, metadata }));
    stream.on('end', () => resolve({ values, metadata }));
  });
}

const waitFor = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('toolkit runtime: gRPC streaming rpcs', () => {
  let service: RunningService;
  let client: StreamClient;

  beforeAll(async () => {
    service = await bootstrapService(streamService, {
      env: { STREAM_SERVICE_LOG_LEVEL: 'silent', STREAM_SERVICE_REQUEST_TIMEOUT: '5s' },
    });
    client = streamClient(service.grpcTarget!);
  });

  afterAll(async () => {
    client?.close();
    await service?.close();
  });

  it('streams every message of a server stream, echoing the request id', async () => {
    const metadata = new Metadata();
    metadata.set('x-request-id', 'stream-1');
    const outcome = await collect(client.count({ to: 5 }, metadata));
    expect(outcome.error).toBeUndefined();
    expect(outcome.values).toEqual([1, 2, 3, 4, 5]);
    expect(outcome.metadata?.get('x-request-id')).toEqual(['stream-1']);
  });

  it('ends a server stream that fails mid-way with its status in the trailers', async () => {
    const outcome = await collect(client.count({ to: 10, fail_at: 4 }));
    expect(outcome.values).toEqual([1, 2, 3]);
    expect(outcome.error).toMatchObject({
      code: status.FAILED_PRECONDITION,
      details: 'failed at 4',
    });
  });

  it('validates the request of a server stream before the handler runs', async () => {
    streamProbe.produced = -1;
    const outcome = await collect(client.count({ to: -1 }));
    expect(outcome.values).toEqual([]);
    expect(outcome.error).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(outcome.error?.details).toMatch(/to: must not be negative/);
    expect(streamProbe.produced).toBe(-1);
  });

  it('stops pulling from the handler while the client does not read (backpressure)', async () => {
    const stream = client.count({ to: 1_000_000, padding: 'x'.repeat(1024) });
    stream.on('error', () => undefined);
    stream.pause();
    await waitFor(() => streamProbe.produced > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Bounded by the stream's buffers and the HTTP/2 window, far below the million asked for.
    expect(streamProbe.produced).toBeLessThan(20_000);
    const stopped = streamProbe.stopped.length;
    stream.cancel();
    await waitFor(() => streamProbe.stopped.length > stopped);
    expect(streamProbe.stopped.at(-1)?.reason).toMatchObject({ code: status.CANCELLED });
  });

  it('aborts the handler signal and ends its iteration when the client cancels', async () => {
    const stopped = streamProbe.stopped.length;
    const stream = client.count({ to: 1000, delay_ms: 20 });
    const first = new Promise((resolve) => stream.once('data', resolve));
    stream.on('error', () => undefined);
    await first;
    stream.cancel();
    await waitFor(() => streamProbe.stopped.length > stopped);
    expect(streamProbe.stopped.at(-1)).toMatchObject({ reason: { code: status.CANCELLED } });
  });

  it('ends the stream with DEADLINE_EXCEEDED at the deadline, stopping the handler', async () => {
    const stopped = streamProbe.stopped.length;
    const outcome = await collect(
      client.count({ to: 1000, delay_ms: 20 }, new Metadata(), { deadline: Date.now() + 200 }),
    );
    expect(outcome.error?.code).toBe(status.DEADLINE_EXCEEDED);
    expect(outcome.values.length).toBeGreaterThan(0);
    await waitFor(() => streamProbe.stopped.length > stopped);
    expect(streamProbe.stopped.at(-1)?.produced).toBeLessThan(1000);
  });

  it('sums a client stream', async () => {
    const total = await new Promise<{ sum: number; count: number }>((resolve, reject) => {
      const stream = client.sum((error, response) => (error ? reject(error) : resolve(response!)));
      for (const value of [1, 2, 3, 4]) stream.write({ value, text: 'ok' });
      stream.end();
    });
    expect(total).toEqual({ sum: 10, count: 4 });
  });

  it('ends a client stream with INVALID_ARGUMENT at the first invalid message', async () => {
    const error = await new Promise<ServiceError | null>((resolve) => {
      const stream = client.sum((failure) => resolve(failure));
      stream.write({ value: 1, text: 'ok' });
      stream.write({ value: 2, text: 'far too long' });
      stream.write({ value: 3, text: 'ok' });
      stream.end();
    });
    expect(error).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(error?.details).toMatch(/text: at most 5 characters/);
  });

  it('answers each message of a bidi stream as it comes', async () => {
    const stream = client.double();
    const received: number[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      stream.on('data', (message: NumberMessage) => {
        received.push(message.value);
        if (received.length === 1) {
          stream.write({ value: 5, text: '' });
          stream.end();
        }
      });
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    stream.write({ value: 2, text: '' });
    await ended;
    expect(received).toEqual([4, 10]);
  });

  it('ends a bidi stream with INVALID_ARGUMENT on an invalid message', async () => {
    const stream = client.double();
    const outcome = await new Promise<{ values: number[]; error?: ServiceError }>((resolve) => {
      const values: number[] = [];
      stream.on('data', (message: NumberMessage) => values.push(message.value));
      stream.on('error', (error: ServiceError) => resolve({ values, error }));
      stream.on('end', () => resolve({ values }));
      stream.write({ value: 1, text: '' });
      stream.write({ value: 2, text: 'too long' });
    });
    expect(outcome.error?.code).toBe(status.INVALID_ARGUMENT);
  });

  it('counts each stream and its messages per rpc in the metrics', async () => {
    const metrics = await (await fetch(`${service.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /toolkit_stream_messages_total\{[^}]*rpc="Sum"[^}]*direction="received"[^}]*\} [5-9]/,
    );
    expect(metrics).toMatch(
      /toolkit_requests_total\{[^}]*transport="grpc"[^}]*rpc="Double"[^}]*code="INVALID_ARGUMENT"/,
    );
  });
});
