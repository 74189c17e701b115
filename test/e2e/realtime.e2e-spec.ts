import { Global, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import {
  InjectRealtime,
  RealtimePlugin,
  RealtimeUnavailableError,
  realtimePluginKind,
} from '../../src/plugins/realtime';
import { ConfigLoader } from '../../src/toolkit/config';
import { PluginStatusRegistry } from '../../src/toolkit/plugins';
import { TOOLKIT_METRICS } from '../../src/toolkit/runtime/tokens';
import { ToolkitMetrics } from '../../src/toolkit/runtime/toolkit-metrics';
import { TEST_REDIS, closedPort, uniqueKeyPrefix } from '../support/redis';
import { TestSocket, UpgradeRefused } from '../support/ws-client';
import { quietLogger } from '../support/quiet-logger';

/**
 * The realtime plugin in a minimal Nest + Fastify app: one upgrade route `/rooms/{room}/join`
 * that subscribes the socket to `room:<room>`, answers a `JoinRoom` frame, and turns `Say` frames
 * into a publish, much like the chat service will.
 */
@Global()
@Module({
  providers: [
    PluginStatusRegistry,
    { provide: TOOLKIT_METRICS, useFactory: () => new ToolkitMetrics('rt-test') },
  ],
  exports: [PluginStatusRegistry, TOOLKIT_METRICS],
})
class StatusModule {}

@Injectable()
class RoomRoutes implements OnModuleInit {
  constructor(@InjectRealtime() private readonly realtime: RealtimePlugin) {}

  onModuleInit(): void {
    this.realtime.registerUpgradeRoute('/rooms/{room}/join', async (request) => {
      const room = request.params.room;
      if (room === 'explode') throw new Error('database exploded');
      if (room === 'forbidden') {
        return { accept: false, status: 403, body: { code: 7, message: 'not a member' } };
      }
      return {
        accept: true,
        context: { room },
        onConnection: (connection) => {
          this.realtime.subscribe(connection, `room:${room}`);
          connection.onFrame('Say', (payload) =>
            this.realtime.publish(`room:${room}`, { type: 'message', payload }),
          );
          connection.onFrame('Fail', () => {
            throw Object.assign(new Error('room is archived'), { code: 9 });
          });
          connection.send({ type: 'JoinRoom', payload: { status: 'joined', id: connection.id } });
        },
      };
    });
  }
}

interface TestApp {
  app: NestFastifyApplication;
  port: number;
  realtime: RealtimePlugin;
  registry: PluginStatusRegistry;
  metrics: ToolkitMetrics;
}

async function startApp(env: Record<string, string>): Promise<TestApp> {
  const config = new ConfigLoader('RT_TEST', env);
  const realtimeModule = realtimePluginKind.module({
    serviceName: 'rt-test',
    envPrefix: 'RT_TEST',
    prefix: 'realtime',
    config,
    production: false,
    allowEmbedded: true,
    options: undefined,
    logger: quietLogger(),
  });
  config.assertValid();

  @Module({ imports: [StatusModule, realtimeModule], providers: [RoomRoutes] })
  class AppModule {}

  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), {
    logger: ['error'],
  });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return {
    app,
    port,
    realtime: app.get<RealtimePlugin>('toolkit:centrifuge:realtime'),
    registry: app.get(PluginStatusRegistry),
    metrics: app.get<ToolkitMetrics>(TOOLKIT_METRICS),
  };
}

function redisEnv(channelPrefix: string, extra: Record<string, string> = {}) {
  return {
    RT_TEST_REALTIME_HOST: TEST_REDIS.host,
    RT_TEST_REALTIME_PORT: String(TEST_REDIS.port),
    RT_TEST_REALTIME_CHANNEL_PREFIX: channelPrefix,
    ...extra,
  };
}

async function join(port: number, room: string, options = {}): Promise<TestSocket> {
  const socket = await TestSocket.open(port, `/rooms/${room}/join`, options);
  const first = await socket.next();
  expect(first).toMatchObject({ type: 'JoinRoom', payload: { status: 'joined' } });
  return socket;
}

async function refusal(port: number, path: string, headers: Record<string, string> = {}) {
  const error = await TestSocket.open(port, path, { headers }).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(UpgradeRefused);
  return error as UpgradeRefused;
}

async function eventually(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('realtime plugin over Redis: two instances sharing fan-out', () => {
  const channelPrefix = uniqueKeyPrefix('realtime_e2e');
  let first: TestApp;
  let second: TestApp;
  const sockets: TestSocket[] = [];

  async function tracked(socket: Promise<TestSocket>): Promise<TestSocket> {
    const opened = await socket;
    sockets.push(opened);
    return opened;
  }

  beforeAll(async () => {
    first = await startApp(redisEnv(channelPrefix, { RT_TEST_REALTIME_MAX_PAYLOAD: '4096' }));
    second = await startApp(redisEnv(channelPrefix));
  });

  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  });

  afterAll(async () => {
    await first?.app.close();
    await second?.app.close();
  });

  it('delivers a publish to both sockets of the channel and to no other channel', async () => {
    const alice = await tracked(join(first.port, 'lobby'));
    const bob = await tracked(join(first.port, 'lobby'));
    const other = await tracked(join(first.port, 'attic'));

    await first.realtime.publish('room:lobby', { type: 'message', payload: { text: 'hi' } });
    await first.realtime.publish('room:attic', { type: 'message', payload: { text: 'marker' } });

    expect(await alice.next()).toEqual({ type: 'message', payload: { text: 'hi' } });
    expect(await bob.next()).toEqual({ type: 'message', payload: { text: 'hi' } });
    // The attic's marker was published after the lobby message: had the lobby message leaked
    // into the attic, it would have arrived first.
    expect(await other.next()).toEqual({ type: 'message', payload: { text: 'marker' } });
    expect(first.realtime.subscriberCount('room:lobby')).toBe(2);
  });

  it('fans out across instances, both for publish and for frames sent by a socket', async () => {
    const here = await tracked(join(first.port, 'shared'));
    const there = await tracked(join(second.port, 'shared'));

    await first.realtime.publish('room:shared', { type: 'message', payload: { n: 1 } });
    expect(await there.next()).toEqual({ type: 'message', payload: { n: 1 } });
    expect(await here.next()).toEqual({ type: 'message', payload: { n: 1 } });

    there.send({ type: 'Say', payload: { text: 'from the second instance' } });
    expect(await here.next()).toEqual({
      type: 'message',
      payload: { text: 'from the second instance' },
    });
    expect(await there.next()).toEqual({
      type: 'message',
      payload: { text: 'from the second instance' },
    });
  });

  it('answers an invalid JSON frame with an error frame and keeps the connection', async () => {
    const socket = await tracked(join(first.port, 'json'));

    socket.send('{not json');
    expect(await socket.next()).toEqual({
      type: 'error',
      payload: { code: 'INVALID_ARGUMENT', message: 'frame is not valid JSON' },
    });
    socket.send({ payload: {} });
    expect(await socket.next()).toMatchObject({
      type: 'error',
      payload: { code: 'INVALID_ARGUMENT' },
    });
    socket.send({ type: 'Dance', payload: {} });
    expect(await socket.next()).toEqual({
      type: 'error',
      payload: { code: 'UNIMPLEMENTED', message: 'unknown frame type "Dance"' },
    });
    socket.send({ type: 'Fail', payload: {} });
    expect(await socket.next()).toEqual({
      type: 'error',
      payload: { code: 'FAILED_PRECONDITION', message: 'room is archived' },
    });

    socket.send({ type: 'Say', payload: { text: 'still here' } });
    expect(await socket.next()).toEqual({ type: 'message', payload: { text: 'still here' } });
  });

  it('closes a connection that sends a frame over MAX_PAYLOAD with 1009', async () => {
    const socket = await tracked(join(first.port, 'big'));
    socket.send({ type: 'Say', payload: { text: 'x'.repeat(5000) } });
    expect((await socket.closed).code).toBe(1009);
    await eventually(() => first.realtime.subscriberCount('room:big') === 0, 'the unsubscribe');
  });

  it('answers refusals as plain HTTP before any upgrade', async () => {
    const denied = await refusal(first.port, '/rooms/forbidden/join');
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ code: 7, message: 'not a member' });

    const unknown = await refusal(first.port, '/nowhere');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      code: 404,
      status: 'Not Found',
      message: 'no WebSocket route for /nowhere',
      details: [],
    });

    const failed = await refusal(first.port, '/rooms/explode/join');
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({
      code: 500,
      status: 'Internal Server Error',
      message: 'internal error',
      details: [],
    });

    const badEncoding = await refusal(first.port, '/rooms/%E0%A4%A/join');
    expect(badEncoding.status).toBe(400);
    expect(badEncoding.body).toMatchObject({ code: 400, status: 'Bad Request', details: [] });
    expect(first.realtime.connectionCount()).toBe(0);
  });

  it('delivers a burst of 1,000 messages to 200 sockets on two instances, in order', async () => {
    const count = 1000;
    const joined = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        tracked(join(index % 2 === 0 ? first.port : second.port, 'burst')),
      ),
    );
    const started = Date.now();
    await Promise.all(
      Array.from({ length: count }, (_, seq) =>
        first.realtime.publish('room:burst', { type: 'message', payload: { seq } }),
      ),
    );
    await Promise.all(joined.map((socket) => socket.received(count + 1)));
    const elapsed = Date.now() - started;

    const expected = Array.from({ length: count }, (_, seq) => seq);
    for (const socket of joined) {
      const seqs = socket.frames.slice(1).map((frame) => (frame.payload as { seq: number }).seq);
      expect(seqs).toEqual(expected);
    }
    console.log(
      `realtime fan-out: ${joined.length} sockets on 2 instances, ${count} messages, ` +
        `${joined.length * count} delivered in ${elapsed} ms`,
    );
  });

  it('reports readiness with a Redis PING', async () => {
    const [status] = first.registry.list();
    expect(status).toMatchObject({ prefix: 'realtime', kind: 'centrifuge', embedded: false });
    expect(status.backend).toContain(`${TEST_REDIS.host}:${TEST_REDIS.port}`);
    await expect(status.check()).resolves.toBeUndefined();
  });
});

describe('realtime plugin: connection management (embedded fan-out)', () => {
  let hub: TestApp;

  beforeAll(async () => {
    hub = await startApp({
      RT_TEST_REALTIME_PING_INTERVAL: '200ms',
      RT_TEST_REALTIME_SEND_BUFFER_LIMIT: '65536',
      RT_TEST_REALTIME_CLOSE_TIMEOUT: '300ms',
      RT_TEST_REALTIME_ALLOWED_ORIGINS: 'https://app.example.com',
    });
  });

  afterAll(async () => {
    await hub?.app.close();
  });

  it('states the embedded backend and delivers in process', async () => {
    const [status] = hub.registry.list();
    expect(status).toMatchObject({ kind: 'centrifuge', embedded: true });
    const socket = await join(hub.port, 'local');
    await hub.realtime.publish('room:local', { type: 'message', payload: 'ping' });
    expect(await socket.next()).toEqual({ type: 'message', payload: 'ping' });
    await socket.close();
  });

  it('refuses a foreign origin with 403 before the upgrade and accepts an allowed one', async () => {
    const refused = await refusal(hub.port, '/rooms/lobby/join', {
      Origin: 'https://evil.example.com',
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      code: 403,
      status: 'Forbidden',
      message: 'origin https://evil.example.com is not allowed',
      details: [],
    });

    const allowed = await join(hub.port, 'lobby', {
      headers: { Origin: 'https://APP.example.com/' },
    });
    await allowed.close();
  });

  it('disconnects a client that stops reading instead of buffering for it', async () => {
    const slow = await join(hub.port, 'slow');
    slow.ws.pause();
    const chunk = 'x'.repeat(16 * 1024);
    let published = 0;
    while (hub.realtime.subscriberCount('room:slow') > 0) {
      if (published >= 4000) throw new Error('slow client still subscribed after 64 MiB');
      await hub.realtime.publish('room:slow', { type: 'message', payload: chunk });
      published++;
      // Let the socket flush what it can, so only what the client does not read piles up.
      await new Promise((resolve) => setImmediate(resolve));
    }
    slow.ws.resume();
    const closed = await slow.closed;
    // 1013 when the close frame got through, 1006 when the socket was destroyed first.
    expect([1013, 1006]).toContain(closed.code);
    await eventually(() => hub.realtime.connectionCount() === 0, 'the server side to close');
    const drops = await hub.metrics.registry
      .getSingleMetric('toolkit_websocket_slow_consumer_drops_total')!
      .get();
    expect(drops.values).toEqual([
      expect.objectContaining({
        labels: expect.objectContaining({ socket: 'realtime' }),
        value: 1,
      }),
    ]);
    console.log(`realtime slow client: disconnected after ${published} frames of 16 KiB`);
  });

  it('reaps a connection that stops answering pings and keeps one that answers', async () => {
    const silent = await join(hub.port, 'heartbeat', { autoPong: false });
    const healthy = await join(hub.port, 'heartbeat');

    expect((await silent.closed).code).toBe(1006);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    expect(hub.realtime.subscriberCount('room:heartbeat')).toBe(1);
    await healthy.close();
  });

  it('answers 503 beyond MAX_CONNECTIONS, and accepts again once a connection left', async () => {
    const small = await startApp({ RT_TEST_REALTIME_MAX_CONNECTIONS: '1' });
    try {
      const only = await join(small.port, 'full');
      const refused = await refusal(small.port, '/rooms/full/join');
      expect(refused.status).toBe(503);
      expect(refused.body).toEqual({
        code: 503,
        status: 'Service Unavailable',
        message: 'connection limit reached',
        details: [],
      });
      await only.close();
      await eventually(() => small.realtime.connectionCount() === 0, 'the close');
      await (await join(small.port, 'full')).close();
    } finally {
      await small.app.close();
    }
  });

  it('closes every connection with 1001 on shutdown and stops accepting', async () => {
    const app = await startApp({});
    const socket = await join(app.port, 'bye');
    await app.app.close();
    expect((await socket.closed).code).toBe(1001);
    await expect(TestSocket.open(app.port, '/rooms/bye/join')).rejects.toBeDefined();
  });
});

describe('realtime plugin with Redis unreachable', () => {
  let app: TestApp;

  beforeAll(async () => {
    const port = await closedPort();
    app = await startApp(
      redisEnv(uniqueKeyPrefix('realtime_down'), {
        RT_TEST_REALTIME_PORT: String(port),
        RT_TEST_REALTIME_CONNECT_TIMEOUT: '300ms',
      }),
    );
  });

  afterAll(async () => {
    await app?.app.close();
  });

  it('starts, reports unready, and fails publish with a clear error', async () => {
    const [status] = app.registry.list();
    await expect(status.check()).rejects.toThrow(/subscriber connection is/);
    const publish = app.realtime.publish('room:x', { type: 'message', payload: {} });
    await expect(publish).rejects.toBeInstanceOf(RealtimeUnavailableError);
    await expect(publish).rejects.toThrow(/realtime fan-out unavailable \(redis 127\.0\.0\.1:\d+/);
  });

  it('still accepts sockets, which then get no fan-out until Redis is back', async () => {
    const socket = await join(app.port, 'offline');
    expect(app.realtime.subscriberCount('room:offline')).toBe(1);
    await socket.close();
  });
});
