import { randomUUID } from 'node:crypto';
import { credentials, ServiceError } from '@grpc/grpc-js';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { loadUserService } from '../baselines/proto-loading';
import { callerToken } from './caller-token';
import { GrpcFrameCounter, GrpcH2Session } from './grpc-h2';
import {
  GrpcGetJob,
  GrpcStreamFanOutJob,
  HttpCreateJob,
  HttpGetJob,
  LoadJob,
  LoadResult,
  MEASURE_END,
  MEASURE_START,
  WebSocketFanOutJob,
} from './jobs';

/**
 * The load generator: ONE process, separate from every server, runs one job (argv[2], JSON) and
 * prints its LoadResult as JSON on stdout, with MEASURE_START / MEASURE_END lines around the
 * measured part (the orchestrator samples the server's CPU then). Closed loop: each connection
 * sends its next request when the previous answer arrived.
 */

const announce = (line: string): void => void process.stdout.write(`${line}\n`);

/** Runs `measure` between the two announcements. */
async function measured<T>(measure: () => Promise<T>): Promise<T> {
  announce(MEASURE_START);
  const result = await measure();
  announce(MEASURE_END);
  return result;
}

function pick<T>(values: readonly T[]): T {
  return values[Math.floor(Math.random() * values.length)];
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

/**
 * autocannon's own histogram keeps whole milliseconds; the per-response event carries the
 * hrtime duration, so percentiles are computed from that (2xx answers only, like autocannon).
 */
function runAutocannon(options: autocannon.Options): Promise<LoadResult> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => {
      if (error) return reject(error);
      const sorted = Float64Array.from(latencies).sort();
      resolve({
        rps: result['2xx'] / result.duration,
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
        requests: result.requests.total,
        ok: result['2xx'],
        errors: result.errors + result.timeouts + result.non2xx,
      });
    });
    instance.on('response', (_client, statusCode: number, _bytes, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

function httpGetOptions(job: HttpGetJob, seconds: number): autocannon.Options {
  return {
    url: job.baseUrl,
    connections: job.connections,
    duration: seconds,
    headers: job.headers,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: `${job.pathPrefix}${pick(job.ids)}` }),
      },
    ],
  };
}

function httpCreateOptions(job: HttpCreateJob, seconds: number): autocannon.Options {
  return {
    url: job.baseUrl,
    connections: job.connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/users',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          const id = randomUUID();
          return {
            ...request,
            body: JSON.stringify({ name: `Bench ${id.slice(0, 8)}`, email: `${id}@bench.example` }),
          };
        },
      },
    ],
  };
}

async function runHttp(
  options: (seconds: number) => autocannon.Options,
  job: LoadJob,
): Promise<LoadResult> {
  if (job.warmupSeconds > 0) await runAutocannon(options(job.warmupSeconds));
  return measured(() => runAutocannon(options(job.durationSeconds)));
}

async function grpcLoop(job: GrpcGetJob, seconds: number): Promise<LoadResult> {
  const UserService = loadUserService();
  const client = new UserService(job.target, credentials.createInsecure());
  const latencies: number[] = [];
  let errors = 0;
  const endAt = Date.now() + seconds * 1000;
  const call = (userId: string): Promise<void> =>
    new Promise((resolve) => {
      const started = process.hrtime.bigint();
      client.GetUser({ user_id: userId }, (error: ServiceError | null) => {
        if (error) errors += 1;
        else latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        resolve();
      });
    });
  const worker = async (): Promise<void> => {
    while (Date.now() < endAt) await call(pick(job.ids));
  };
  const startedAt = Date.now();
  await Promise.all(Array.from({ length: job.connections }, worker));
  const elapsed = (Date.now() - startedAt) / 1000;
  client.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: latencies.length / elapsed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    requests: latencies.length + errors,
    ok: latencies.length,
    errors,
  };
}

/** The same closed loop over a raw HTTP/2 session: requests serialized once, answers not decoded. */
async function h2Loop(job: GrpcGetJob, seconds: number): Promise<LoadResult> {
  const method = loadUserService().service.GetUser;
  const frames = job.ids.map((id) => GrpcH2Session.frame(method.requestSerialize({ user_id: id })));
  const session = await GrpcH2Session.connect(job.target);
  const latencies: number[] = [];
  let errors = 0;
  const endAt = Date.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (Date.now() < endAt) {
      const started = process.hrtime.bigint();
      const code = await session.unary(method.path, pick(frames));
      if (code === 0) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      else errors += 1;
    }
  };
  const startedAt = Date.now();
  await Promise.all(Array.from({ length: job.connections }, worker));
  const elapsed = (Date.now() - startedAt) / 1000;
  session.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: latencies.length / elapsed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    requests: latencies.length + errors,
    ok: latencies.length,
    errors,
  };
}

async function runGrpc(job: GrpcGetJob): Promise<LoadResult> {
  const loop = job.client === 'grpc-js' ? grpcLoop : h2Loop;
  if (job.warmupSeconds > 0) await loop(job, job.warmupSeconds);
  return measured(() => loop(job, job.durationSeconds));
}

async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

async function runFanOut(job: WebSocketFanOutJob): Promise<LoadResult> {
  const members = Array.from({ length: job.sockets }, () => randomUUID());
  const room = await postJson(`${job.baseUrl}/chat/rooms`, {
    name: 'bench fan-out',
    creator_id: members[0],
    participant_ids: members.slice(1),
  });
  const roomId = String(room.room_id);
  const tokens = new Map(
    await Promise.all(
      members.map(async (member) => [member, await callerToken(job.callers, member)] as const),
    ),
  );
  const wsBase = job.baseUrl.replace(/^http/, 'ws');
  let received = 0;
  let counting = false;
  const sockets = await Promise.all(
    members.map(
      (member) =>
        new Promise<WebSocket>((resolve, reject) => {
          const socket = new WebSocket(`${wsBase}/chat/rooms/${roomId}/join?user_id=${member}`, {
            headers: { 'x-caller-token': tokens.get(member) ?? '' },
          });
          socket.once('open', () => resolve(socket));
          socket.once('error', reject);
          socket.on('message', () => {
            if (counting) received += 1;
          });
        }),
    ),
  );
  const send = (seconds: number): Promise<LoadResult> => {
    const url = `${job.baseUrl}/chat/rooms/${roomId}/messages`;
    return runAutocannon({
      url,
      connections: job.connections,
      duration: seconds,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-caller-token': tokens.get(members[0]) ?? '',
      },
      body: JSON.stringify({
        user_id: members[0],
        message: 'hello from the bench',
        message_type: 'text',
      }),
    });
  };
  if (job.warmupSeconds > 0) await send(job.warmupSeconds);
  announce(MEASURE_START);
  counting = true;
  const startedAt = Date.now();
  const sent = await send(job.durationSeconds);
  // Per second of sending; deliveries still in flight when the senders stop count too (drain).
  const elapsed = (Date.now() - startedAt) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 500));
  counting = false;
  announce(MEASURE_END);
  for (const socket of sockets) socket.terminate();
  return { ...sent, ok: received, deliveriesPerSecond: received / elapsed };
}

/**
 * Server-stream fan-out: every subscriber holds one gRPC stream on its own HTTP/2 connection (raw,
 * frames counted, not decoded, so 50 readers cost the generator little), senders POST to the
 * room meanwhile.
 * After the warm-up every stream must have delivered something, or the run fails saying how many
 * did not (and how their streams ended).
 */
async function runStreamFanOut(job: GrpcStreamFanOutJob): Promise<LoadResult> {
  let counting = false;
  let delivered = 0;
  let total = 0;
  let pump: (() => void) | undefined;
  const sessions: GrpcH2Session[] = [];
  const closeAll = (): void => sessions.forEach((session) => session.close());
  const counters = await Promise.all(
    job.subscriptions.map(async (subscription) => {
      // One connection per subscriber, as separate clients would hold them.
      const session = await GrpcH2Session.connect(job.grpcTarget);
      sessions.push(session);
      const token = await callerToken(job.callers, subscription.userId);
      const counter = new GrpcFrameCounter(() => {
        total += 1;
        if (counting) delivered += 1;
        pump?.();
      });
      session.serverStream(
        job.grpcPath,
        GrpcH2Session.frame(Buffer.from(subscription.request, 'base64')),
        { 'x-caller-token': token },
        counter,
      );
      return counter;
    }),
  );
  const senderToken = await callerToken(job.callers, job.sender);
  const { pushChannel } = job;
  const push = (channel: string, seconds: number): Promise<LoadResult> =>
    pushFrames(
      job,
      channel,
      seconds,
      () => total,
      (next) => (pump = next),
    );
  const post = (seconds: number): Promise<LoadResult> =>
    runAutocannon({
      url: `${job.httpBase}/chat/rooms/${job.roomId}/messages`,
      connections: job.connections,
      duration: seconds,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-caller-token': senderToken },
      body: JSON.stringify({
        user_id: job.sender,
        message: 'hello from the bench',
        message_type: 'text',
      }),
    });
  const send = (seconds: number): Promise<LoadResult> =>
    pushChannel === undefined ? post(seconds) : push(pushChannel, seconds);
  // Streams may attach to the room's channel a little after they open.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await send(Math.max(1, job.warmupSeconds));
  const silent = counters.filter((counter) => counter.messages === 0);
  if (silent.length > 0) {
    const endings = [...new Set(silent.map((counter) => counter.ending ?? 'still open'))];
    closeAll();
    throw new Error(
      `${silent.length} of ${counters.length} subscribers received nothing during the warm-up (${endings.join('; ')})`,
    );
  }
  announce(MEASURE_START);
  counting = true;
  const startedAt = Date.now();
  const sent = await send(job.durationSeconds);
  // Per second of sending; deliveries still in flight when the senders stop count too (drain).
  const elapsed = (Date.now() - startedAt) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 500));
  counting = false;
  announce(MEASURE_END);
  const ended = counters.filter((counter) => counter.ending !== undefined).length;
  closeAll();
  return {
    ...sent,
    ok: delivered,
    errors: sent.errors + ended,
    deliveriesPerSecond: delivered / elapsed,
  };
}

/**
 * PUBLISHes chat-service `message` frames on `channel` for `seconds`, closed loop on the
 * deliveries: at most `job.connections` messages per subscriber published and not yet delivered.
 * `setPump` receives the function to call on every delivery (it publishes what the window allows).
 */
function pushFrames(
  job: GrpcStreamFanOutJob,
  channel: string,
  seconds: number,
  deliveredSoFar: () => number,
  setPump: (pump: (() => void) | undefined) => void,
): Promise<LoadResult> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, enableAutoPipelining: true });
  const subscribers = job.subscriptions.length;
  const allowance = job.connections * subscribers;
  let published = 0;
  let errors = 0;
  // Deliveries of earlier phases (the warm-up) do not make room in this phase's window.
  const deliveredBefore = deliveredSoFar();
  const startedAt = Date.now();
  const endAt = startedAt + seconds * 1000;
  const frame = (): string =>
    JSON.stringify({
      type: 'message',
      payload: {
        message_id: randomUUID(),
        room_id: job.roomId,
        user_id: job.sender,
        message: 'hello from the bench',
        message_type: 'text',
        timestamp: new Date().toISOString(),
      },
    });
  return new Promise((resolve) => {
    let done = false;
    const pump = (): void => {
      if (done) return;
      if (Date.now() >= endAt) {
        done = true;
        setPump(undefined);
        clearInterval(ticker);
        const elapsed = (Date.now() - startedAt) / 1000;
        void redis.quit().catch(() => undefined);
        resolve({
          rps: published / elapsed,
          p50: 0,
          p99: 0,
          requests: published,
          ok: published,
          errors,
        });
        return;
      }
      while (published * subscribers - (deliveredSoFar() - deliveredBefore) < allowance) {
        published += 1;
        redis.publish(channel, frame()).catch(() => (errors += 1));
      }
    };
    // Also when nothing arrives (start, or a stalled server): the end still comes on time.
    const ticker = setInterval(pump, 10);
    setPump(pump);
    pump();
  });
}

async function run(job: LoadJob): Promise<LoadResult> {
  switch (job.kind) {
    case 'http-get':
      return runHttp((seconds) => httpGetOptions(job, seconds), job);
    case 'http-create':
      return runHttp((seconds) => httpCreateOptions(job, seconds), job);
    case 'grpc-get':
      return runGrpc(job);
    case 'ws-fanout':
      return runFanOut(job);
    case 'grpc-stream-fanout':
      return runStreamFanOut(job);
  }
}

run(JSON.parse(process.argv[2] ?? '{}') as LoadJob).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  },
);
