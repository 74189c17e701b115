import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  MainProcess,
  bearerFor,
  eventually,
  freeSystemPorts,
  spawnMain,
  systemEnv,
  waitForOutput,
} from '../deploy/system';
import { OtlpReceiver, ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver';
import { TestDatabase, createTestDatabase } from '../support/pg';
import { TEST_RABBIT, uniqueName } from '../support/rabbit';
import { TEST_REDIS, deleteKeys, rawRedis, uniqueKeyPrefix } from '../support/redis';

const run = promisify(execFile);

const SPAN_KIND = { server: 2, client: 3, producer: 4, consumer: 5 };

/** The chain of spans from `span` up to its trace's root (or the first parent not received). */
function ancestry(span: ReceivedSpan, spans: readonly ReceivedSpan[]): ReceivedSpan[] {
  const chain = [span];
  for (;;) {
    const parentId = chain[chain.length - 1].parentSpanId;
    const parent = parentId ? spans.find((candidate) => candidate.spanId === parentId) : undefined;
    if (!parent) return chain;
    chain.push(parent);
  }
}

// Tracing on through the standard variables only (OTLP over HTTP/JSON to an in-test collector),
// with user-service, notification-service and the gateway in one process on the real backends:
// one request at the gateway must come back as ONE trace down to the welcome notification.
describe('tracing: one trace from POST /api/v1/users to the welcome notification', () => {
  const databases: TestDatabase[] = [];
  const keyPrefix = uniqueKeyPrefix('tracing');
  const vhost = uniqueName('tracing');
  // The client's own trace: the gateway must continue it, not start another.
  const traceId = randomBytes(16).toString('hex');
  const clientSpanId = randomBytes(8).toString('hex');
  let receiver: OtlpReceiver;
  let main: MainProcess;
  let gatewayUrl: string;
  let userId: string;
  let trace: ReceivedSpan[];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    await run('rabbitmqctl', ['add_vhost', vhost], { timeout: 60_000 });
    await run('rabbitmqctl', ['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*'], {
      timeout: 60_000,
    });
    const backendEnv: Record<string, string> = {};
    for (const prefix of ['USER_SERVICE', 'NOTIFICATION_SERVICE', 'API_GATEWAY']) {
      if (prefix !== 'API_GATEWAY') {
        const database = await createTestDatabase(`tracing_${prefix}`);
        databases.push(database);
        Object.assign(backendEnv, database.env(prefix), {
          [`${prefix}_QUEUE_HOST`]: TEST_RABBIT.host,
          [`${prefix}_QUEUE_PORT`]: String(TEST_RABBIT.port),
          [`${prefix}_QUEUE_VHOST`]: vhost,
        });
      }
      Object.assign(backendEnv, {
        [`${prefix}_CACHE_HOST`]: TEST_REDIS.host,
        [`${prefix}_CACHE_PORT`]: String(TEST_REDIS.port),
        [`${prefix}_CACHE_KEY_PREFIX`]: `${keyPrefix}${prefix}:`,
      });
    }
    const ports = await freeSystemPorts();
    gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
    main = spawnMain({
      NODE_ENV: 'development',
      SERVICES: 'user-service,notification-service,api-gateway',
      // chat-service keeps its (unserved) endpoint: no route of this test goes there.
      ...systemEnv(ports),
      ...backendEnv,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'tracing-e2e',
      // Export every 200 ms instead of every 5 s, so the test does not wait on the batch.
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    await waitForOutput(main, 'api-gateway listening', 120_000);
    // The services start in one process but notification-service declares and binds its queues
    // in the background once the broker connection is up. An event published to the exchange
    // before its queue is bound is unroutable and the broker drops it, so the request waits
    // for the readiness that reports every consumer set up, as Kubernetes would. Readiness
    // probes are not traced, so this adds no span.
    await eventually(
      async () =>
        (await fetch(`http://127.0.0.1:${ports.notificationHttp}/_healthz/readiness`)).status ===
        200
          ? true
          : undefined,
      'notification-service readiness',
      60_000,
    );

    const created = await fetch(`${gatewayUrl}/api/v1/users`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${clientSpanId}-01`,
      },
      body: JSON.stringify({
        name: 'Grace Hopper',
        email: `grace-${randomBytes(5).toString('hex')}@example.com`,
        password: 'correct horse battery',
      }),
    });
    expect(created.status).toBe(200);
    userId = String(((await created.json()) as { user_id: string }).user_id);
    // The trace is complete once the consumer's span (ended on ack, after the delivery was
    // recorded) has been exported. The wait is generous: on a loaded machine the relay, the broker
    // and the exporter's batching add up, and nothing here measures speed.
    trace = await eventually(
      async () => {
        const spans = receiver.spans.filter((span) => span.traceId === traceId);
        const consumed = spans.some(
          (span) => span.kind === SPAN_KIND.consumer && span.name === 'user.created process',
        );
        return consumed ? spans : undefined;
      },
      'the consumer span of user.created',
      60_000,
    );
  }, 180_000);

  afterAll(async () => {
    await main?.stop();
    await receiver?.close();
    await Promise.all(databases.map((database) => database.drop()));
    const redis = rawRedis();
    await deleteKeys(redis, keyPrefix);
    redis.disconnect();
    await run('rabbitmqctl', ['delete_vhost', vhost], { timeout: 60_000 }).catch(() => undefined);
  }, 120_000);

  it('the gateway continues the client traceparent: its HTTP server span is the child of the client span', () => {
    const server = trace.find(
      (span) => span.kind === SPAN_KIND.server && span.parentSpanId === clientSpanId,
    );
    expect(server).toMatchObject({ serviceName: 'tracing-e2e' });
    expect(server?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.path': '/api/v1/users',
      'http.response.status_code': 200,
    });
    // Every span of the request hangs below that one: one trace, no orphan.
    for (const span of trace) {
      expect(ancestry(span, trace).at(-1)?.parentSpanId).toBe(clientSpanId);
    }
  });

  it('gRPC client (gateway) and server (user-service) spans carry the rpc name', () => {
    const names = trace.map((span) => `${span.kind}:${span.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        `${SPAN_KIND.client}:grpc.userservice.UserService/CreateUser`,
        `${SPAN_KIND.server}:grpc.userservice.UserService/CreateUser`,
      ]),
    );
    const grpcServer = trace.find(
      (span) =>
        span.kind === SPAN_KIND.server && span.name === 'grpc.userservice.UserService/CreateUser',
    )!;
    expect(ancestry(grpcServer, trace)[1].name).toBe('grpc.userservice.UserService/CreateUser');
  });

  it('PostgreSQL spans of the user INSERT and its outbox row sit under the gRPC server span', () => {
    const grpcServer = trace.find(
      (span) =>
        span.kind === SPAN_KIND.server && span.name === 'grpc.userservice.UserService/CreateUser',
    )!;
    const queries = trace.filter((span) => span.attributes['db.system.name'] === 'postgresql');
    const inserts = queries
      .filter((span) => ancestry(span, trace).includes(grpcServer))
      .map((span) => String(span.attributes['db.query.text']));
    expect(inserts.some((statement) => /INSERT INTO "?users"?/i.test(statement))).toBe(true);
    expect(inserts.some((statement) => /INSERT INTO "?user_outbox"?/i.test(statement))).toBe(true);
  });

  it('the relay publishes user.created under the stored context; the consumer continues it', () => {
    const publish = trace.find(
      (span) => span.kind === SPAN_KIND.producer && span.name === 'user.created publish',
    );
    const consume = trace.find(
      (span) => span.kind === SPAN_KIND.consumer && span.name === 'user.created process',
    );
    const outboxInsert = trace.find((span) =>
      /^INSERT INTO "user_outbox"/.test(String(span.attributes['db.query.text'])),
    );
    // The relay runs on its own, outside any request: its publish has the parent the outbox
    // row stored (the span that wrote the row), and its own queries are in no request's trace.
    expect(publish?.parentSpanId).toBe(outboxInsert?.parentSpanId);
    expect(
      trace.filter((span) =>
        /FROM "user_outbox"[^]*FOR UPDATE SKIP LOCKED/.test(
          String(span.attributes['db.query.text']),
        ),
      ),
    ).toEqual([]);
    expect(consume?.parentSpanId).toBe(publish?.spanId);
    // The consumer's own work (recording the notification) is inside the consumer span.
    const consumed = trace
      .filter((span) => ancestry(span, trace).includes(consume!))
      .map((span) => String(span.attributes['db.query.text']));
    expect(consumed.some((statement) => statement.startsWith('INSERT INTO notifications'))).toBe(
      true,
    );
  });

  it('the delivery the consumer woke (the welcome e-mail marked sent) is in the same trace', async () => {
    const markedSent = await eventually(
      async () =>
        receiver.spans.find(
          (span) =>
            span.traceId === traceId &&
            /^UPDATE notifications SET status = 'sent'/.test(
              String(span.attributes['db.query.text']),
            ),
        ),
      'the delivery span',
    );
    const all = receiver.spans.filter((span) => span.traceId === traceId);
    const chain = ancestry(markedSent, all).map((span) => span.name);
    expect(chain).toContain('user.created process');
    expect(chain.at(-1)).toBe('POST');
  });

  it('the welcome notification that trace led to was sent', async () => {
    const token = await bearerFor(userId);
    const sent = await eventually(async () => {
      const response = await fetch(
        `${gatewayUrl}/api/v1/notifications/history/${userId}?limit=10`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      const { notifications } = (await response.json()) as {
        notifications: { status: string; subject: string }[];
      };
      return notifications.find((notification) => notification.status === 'sent');
    }, 'the welcome notification');
    expect(sent.subject).toMatch(/welcome/i);
  });

  it('log lines of every service the trace crossed carry its trace_id', () => {
    const lines = main
      .output()
      .split('\n')
      .filter((line) => line.includes(`"trace_id":"${traceId}"`));
    const services = new Set(lines.map((line) => (JSON.parse(line) as { name: string }).name));
    expect([...services].sort()).toEqual(['api-gateway', 'notification-service', 'user-service']);
  });

  it('probes are not traced', async () => {
    const before = receiver.spans.length;
    const probe = await fetch(`${gatewayUrl}/_healthz/liveness`);
    expect(probe.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const probeSpans = receiver.spans
      .slice(before)
      .filter((span) => String(span.attributes['url.path'] ?? '').startsWith('/_healthz'));
    expect(probeSpans).toEqual([]);
  });
});

describe('tracing off by default; the other OTLP encoding; --help', () => {
  /** Which OpenTelemetry SDK / instrumentation modules src/tracing.ts loads under `env`. */
  async function openTelemetryModulesLoaded(env: Record<string, string>): Promise<string[]> {
    const script = [
      "require('./src/tracing');",
      'const loaded = Object.keys(require.cache).filter((id) =>',
      '  /@opentelemetry[\\\\/](sdk-|instrumentation)/.test(id));',
      'process.stdout.write(JSON.stringify(loaded));',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['-r', 'ts-node/register', '-e', script], {
      cwd: join(__dirname, '..', '..'),
      env: { PATH: process.env.PATH ?? '', TS_NODE_TRANSPILE_ONLY: 'true', ...env },
      timeout: 60_000,
    });
    return JSON.parse(stdout) as string[];
  }

  it('without OTEL_TRACES_EXPORTER (or with none) no SDK or instrumentation module is loaded', async () => {
    await expect(openTelemetryModulesLoaded({})).resolves.toEqual([]);
    await expect(openTelemetryModulesLoaded({ OTEL_TRACES_EXPORTER: 'none' })).resolves.toEqual([]);
    const on = await openTelemetryModulesLoaded({
      OTEL_TRACES_EXPORTER: 'otlp',
      // Nothing listens there, and nothing is traced before the process exits.
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(on.some((id) => id.includes('sdk-node'))).toBe(true);
    expect(on.some((id) => id.includes('instrumentation-amqplib'))).toBe(true);
  }, 90_000);

  it('exports with OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf, a failed (503) request included', async () => {
    const receiver = await startOtlpReceiver();
    const ports = await freeSystemPorts();
    // The gateway alone: every backend is down, so the create is a 503, traced all the same.
    const gateway = spawnMain({
      NODE_ENV: 'development',
      SERVICES: 'api-gateway',
      ...systemEnv(ports),
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    try {
      await waitForOutput(gateway, 'api-gateway listening', 120_000);
      const created = await fetch(`http://127.0.0.1:${ports.gateway}/api/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Ada', email: 'ada@example.com', password: 'p4ssw0rd-long' }),
      });
      expect(created.status).toBe(503);
      await eventually(
        async () => (receiver.contentTypes.includes('application/x-protobuf') ? true : undefined),
        'a protobuf export',
      );
      expect(receiver.spans).toEqual([]);
    } finally {
      await gateway.stop();
      await receiver.close();
    }
  }, 150_000);

  it('--help lists the OpenTelemetry variables next to the services', async () => {
    const help = spawnMain({ SERVICES: 'api-gateway' }, ['--help']);
    await expect(help.exited).resolves.toBe(0);
    expect(help.output()).toContain('tracing (OpenTelemetry, whole process)');
    expect(help.output()).toMatch(/OTEL_TRACES_EXPORTER\s+enum\(otlp\|console\|zipkin\|none\)/);
    expect(help.output()).toContain('OTEL_EXPORTER_OTLP_PROTOCOL');
  }, 60_000);
});
