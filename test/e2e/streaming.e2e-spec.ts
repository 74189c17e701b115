import * as http from 'node:http';
import type { Socket } from 'node:net';
import { status as GrpcCode } from '@grpc/grpc-js';
import WebSocket from 'ws';
import { ToolkitError } from '../../src/toolkit/errors';
import { RunningService } from '../../src/toolkit/runtime';
import type { Note } from '../gen/streaming/streaming';
import { createStreamingClient } from '../gen/streaming/streaming.toolkit';
import { bootStreamingApp, StreamingProbe } from '../support/streaming-app';

// The four rpc shapes of test/proto/streaming/streaming.proto on a booted service: gRPC (the
// generated client's async iterables), HTTP server streams as NDJSON and SSE with errors before
// and after the first message, client and bidi streams over WebSocket, cancellation reaching the
// handler, the deadline, streams outliving the request timeout, the shutdown ending open streams
// with UNAVAILABLE, and a paused reader against the server's buffering bound.

async function* notes(...texts: string[]): AsyncGenerator<Note> {
  for (const [index, text] of texts.entries()) yield { text, index };
}

/** A WebSocket stream to `url`: what it received, and its close code once closed. */
async function openStream(url: string) {
  const socket = new WebSocket(url);
  const received: unknown[] = [];
  socket.on('message', (data: WebSocket.RawData) => received.push(JSON.parse(data.toString())));
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { socket, received, closed };
}

/** Held Count stream over gRPC: resolves with the error that ended it. */
function heldGrpcStream(client: ReturnType<typeof createStreamingClient>, received: number[]) {
  return (async () => {
    try {
      for await (const note of client.count({
        to: 1,
        fail_before: 0,
        fail_after: 0,
        text: '',
        hold: true,
      }))
        received.push(note.index);
    } catch (error) {
      return error as ToolkitError;
    }
    return undefined;
  })();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('streaming rpcs', () => {
  const probe: StreamingProbe = { aborts: [] };
  let running: RunningService;
  let client: ReturnType<typeof createStreamingClient>;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    running = await bootStreamingApp(probe, { STREAMING_REQUEST_TIMEOUT: '3s' });
    running.app.getHttpServer().on('connection', (socket: Socket) => sockets.push(socket));
    client = createStreamingClient(running.grpcTarget!, {
      protoRoot: `${__dirname}/../proto`,
    });
  });

  afterAll(async () => {
    client?.close();
    await running?.close();
  });

  describe('gRPC', () => {
    it('unary, server, client and bidi streams', async () => {
      expect(await client.echo({ text: 'hi', index: 7 })).toEqual({ text: 'hi', index: 7 });
      const counted: number[] = [];
      for await (const note of client.count({
        to: 5,
        fail_before: 0,
        fail_after: 0,
        text: 'n',
        hold: false,
      }))
        counted.push(note.index);
      expect(counted).toEqual([1, 2, 3, 4, 5]);
      expect(await client.collect(notes('a', 'b', 'c'))).toEqual({
        texts: ['a', 'b', 'c'],
        count: 3,
      });
      const echoed: string[] = [];
      for await (const note of client.converse(notes('x', 'y'))) echoed.push(note.text);
      expect(echoed).toEqual(['X', 'Y']);
    });

    it('an error mid-stream ends it with its status after the messages sent', async () => {
      const received: number[] = [];
      const failure = await (async () => {
        try {
          for await (const note of client.count({
            to: 5,
            fail_before: 0,
            fail_after: 2,
            text: '',
            hold: false,
          }))
            received.push(note.index);
        } catch (error) {
          return error as ToolkitError;
        }
        return undefined;
      })();
      expect(received).toEqual([1, 2]);
      expect(failure?.code).toBe(GrpcCode.ABORTED);
    });

    it('a bad message mid-stream ends a client stream with INVALID_ARGUMENT', async () => {
      await expect(client.collect(notes('ok', 'x'.repeat(101)))).rejects.toMatchObject({
        code: GrpcCode.INVALID_ARGUMENT,
      });
    });

    it('a client cancel reaches the handler as an abort within 100 ms', async () => {
      const abort = new AbortController();
      const before = probe.aborts.length;
      const iterator = client
        .count(
          { to: 1, fail_before: 0, fail_after: 0, text: '', hold: true },
          { signal: abort.signal },
        )
        [Symbol.asyncIterator]();
      await iterator.next();
      const cancelledAt = Date.now();
      abort.abort();
      await expect(iterator.next()).rejects.toMatchObject({ code: GrpcCode.CANCELLED });
      while (probe.aborts.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
      const seen = probe.aborts[probe.aborts.length - 1];
      expect(seen.code).toBe(GrpcCode.CANCELLED);
      expect(seen.at - cancelledAt).toBeLessThan(100);
    });

    it('the deadline ends a held stream with DEADLINE_EXCEEDED', async () => {
      const received: number[] = [];
      await expect(
        (async () => {
          for await (const note of client.count(
            { to: 1, fail_before: 0, fail_after: 0, text: '', hold: true },
            { timeoutMs: 300 },
          ))
            received.push(note.index);
        })(),
      ).rejects.toMatchObject({ code: GrpcCode.DEADLINE_EXCEEDED });
      expect(received).toEqual([1]);
    });
  });

  describe('WebSocket client and bidi streams', () => {
    const url = (path: string) => `${running.httpUrl.replace(/^http/, 'ws')}${path}`;
    const note = (text: string, index: number) => JSON.stringify({ text, index });

    it('a client stream answers its one message after the empty half-close frame, then 1000', async () => {
      const stream = await openStream(url('/v1/collect'));
      stream.socket.send(note('a', 0));
      stream.socket.send(note('b', 1));
      stream.socket.send('');
      expect(await stream.closed).toBe(1000);
      expect(stream.received).toEqual([{ texts: ['a', 'b'], count: 2 }]);
    });

    it('a bidi stream answers each message, and the rest after the half-close', async () => {
      const stream = await openStream(url('/v1/converse'));
      stream.socket.send(note('x', 1));
      stream.socket.send(note('y', 2));
      stream.socket.send('');
      expect(await stream.closed).toBe(1000);
      expect(stream.received).toEqual([
        { text: 'X', index: 1 },
        { text: 'Y', index: 2 },
      ]);
    });

    it('a bad message mid-stream ends it with an INVALID_ARGUMENT error frame and 1011', async () => {
      for (const path of ['/v1/collect', '/v1/converse']) {
        const stream = await openStream(url(path));
        stream.socket.send(note('ok', 0));
        // The bidi stream answers the good message before the bad one is sent.
        if (path === '/v1/converse') while (stream.received.length === 0) await sleep(5);
        stream.socket.send(note('x'.repeat(101), 1));
        expect(await stream.closed).toBe(1011);
        const failure = stream.received[stream.received.length - 1] as {
          error: { code: number; details: { fieldViolations?: { field: string }[] }[] };
        };
        expect(failure.error.code).toBe(400);
        expect(JSON.stringify(failure.error.details)).toContain('text');
        if (path === '/v1/converse') expect(stream.received[0]).toEqual({ text: 'OK', index: 0 });
      }
      const garbage = await openStream(url('/v1/converse'));
      garbage.socket.send('{not json');
      expect(await garbage.closed).toBe(1011);
      expect(garbage.received).toMatchObject([{ error: { code: 400 } }]);
    });

    it('the client closing the socket aborts the handler', async () => {
      const stream = await openStream(url('/v1/converse'));
      stream.socket.send(note('hi', 0));
      while (stream.received.length === 0) await sleep(5);
      const before = probe.aborts.length;
      stream.socket.close();
      while (probe.aborts.length === before) await sleep(5);
      expect(probe.aborts[probe.aborts.length - 1].code).toBe(GrpcCode.CANCELLED);
    });
  });

  describe('HTTP server streams', () => {
    const url = (query: string) => `${running.httpUrl}/v1/count/3?${query}`;

    it('NDJSON {"result"} lines by default, SSE data events for text/event-stream', async () => {
      const ndjson = await fetch(url('text=a'));
      expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      expect(
        (await ndjson.text())
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line)),
      ).toEqual([
        { result: { text: 'a', index: 1 } },
        { result: { text: 'a', index: 2 } },
        { result: { text: 'a', index: 3 } },
      ]);
      const sse = await fetch(url('text=a'), { headers: { accept: 'text/event-stream' } });
      expect(sse.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(await sse.text()).toBe(
        'data: {"text":"a","index":1}\n\ndata: {"text":"a","index":2}\n\ndata: {"text":"a","index":3}\n\n',
      );
    });

    it('an error before the first message is a plain error response with its status', async () => {
      const refused = await fetch(url(`fail_before=${GrpcCode.PERMISSION_DENIED}`), {
        headers: { accept: 'text/event-stream' },
      });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({
        code: 403,
        message: 'refused before the first note',
      });
      const invalid = await fetch(`${running.httpUrl}/v1/count/-1`);
      expect(invalid.status).toBe(400);
    });

    it('an error after the first message is the last line / event', async () => {
      const ndjson = (await (await fetch(url('fail_after=1'))).text()).trim().split('\n');
      expect(ndjson.map((line) => JSON.parse(line))).toEqual([
        { result: { text: '', index: 1 } },
        { error: { code: 409, status: 'Conflict', message: 'failed after 1 notes', details: [] } },
      ]);
      const sse = await (
        await fetch(url('fail_after=1'), { headers: { accept: 'text/event-stream' } })
      ).text();
      expect(sse).toBe(
        'data: {"text":"","index":1}\n\nevent: error\ndata: {"code":409,"status":"Conflict","message":"failed after 1 notes","details":[]}\n\n',
      );
    });

    it('a paused reader keeps what the server buffers under the high-water mark plus one message', async () => {
      const text = 'x'.repeat(60000);
      const request = http.get(`${running.httpUrl}/v1/count/1000000?text=${text}`);
      const response = await new Promise<http.IncomingMessage>((resolve) =>
        request.once('response', resolve),
      );
      response.pause();
      const socket = sockets[sockets.length - 1];
      // Let the kernel buffers fill: then only Node's writable buffer grows, if anything.
      let previous = -1;
      while (socket.bytesWritten !== previous) {
        previous = socket.bytesWritten;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const message = Buffer.byteLength(`{"result":{"text":"${text}","index":1000000}}\n`) + 16;
      expect(socket.writableLength).toBeLessThanOrEqual(socket.writableHighWaterMark + message);
      request.destroy();
    });
  });
});

describe('streams and the request timeout', () => {
  const probe: StreamingProbe = { aborts: [] };
  const apps: RunningService[] = [];
  const clients: ReturnType<typeof createStreamingClient>[] = [];

  async function boot(env: Record<string, string>) {
    const running = await bootStreamingApp(probe, env);
    apps.push(running);
    const client = createStreamingClient(running.grpcTarget!, {
      protoRoot: `${__dirname}/../proto`,
    });
    clients.push(client);
    return { running, client };
  }

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(apps.map((running) => running.close()));
  });

  it('a stream is not ended by the request timeout', async () => {
    const { running, client } = await boot({ STREAMING_REQUEST_TIMEOUT: '200ms' });
    const received: number[] = [];
    const ended = heldGrpcStream(client, received);
    const ndjson = await fetch(`${running.httpUrl}/v1/count/1?hold=true`);
    const reader = ndjson.body!.getReader();
    await reader.read();
    const outcome = await Promise.race([ended, sleep(800).then(() => 'still open')]);
    expect(outcome).toBe('still open');
    expect(received).toEqual([1]);
    await reader.cancel();
  });

  it('STREAM_TIMEOUT bounds streams with DEADLINE_EXCEEDED', async () => {
    const { running, client } = await boot({ STREAMING_STREAM_TIMEOUT: '300ms' });
    const received: number[] = [];
    expect((await heldGrpcStream(client, received))?.code).toBe(GrpcCode.DEADLINE_EXCEEDED);
    expect(received).toEqual([1]);
    const lines = (await (await fetch(`${running.httpUrl}/v1/count/1?hold=true`)).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[1]).toMatchObject({ error: { code: 504 } });
    expect(await client.echo({ text: 'unary', index: 1 })).toEqual({ text: 'unary', index: 1 });
  });
});

describe('shutdown with open streams', () => {
  it('ends open HTTP, gRPC and WebSocket streams with UNAVAILABLE and closes promptly', async () => {
    const probe: StreamingProbe = { aborts: [] };
    const running = await bootStreamingApp(probe, { STREAMING_SHUTDOWN_GRACE_PERIOD: '20s' });
    const client = createStreamingClient(running.grpcTarget!, {
      protoRoot: `${__dirname}/../proto`,
    });
    try {
      const received: number[] = [];
      const grpcEnded = heldGrpcStream(client, received);
      const ndjson = await fetch(`${running.httpUrl}/v1/count/1?hold=true`);
      const ndjsonText = ndjson.text();
      const sse = await fetch(`${running.httpUrl}/v1/count/1?hold=true`, {
        headers: { accept: 'text/event-stream' },
      });
      const sseText = sse.text();
      const socket = await openStream(`${running.httpUrl.replace(/^http/, 'ws')}/v1/converse`);
      while (received.length === 0) await sleep(5);

      await running.close();

      expect((await grpcEnded)?.code).toBe(GrpcCode.UNAVAILABLE);
      const lines = (await ndjsonText).trim().split('\n');
      expect(JSON.parse(lines[lines.length - 1])).toMatchObject({
        error: { code: 503, message: 'server shutting down' },
      });
      expect(await sseText).toContain('event: error\ndata: {"code":503');
      expect(await socket.closed).toBe(1011);
      expect(socket.received).toMatchObject([{ error: { code: 503 } }]);
    } finally {
      client.close();
      await running.close();
    }
  }, 10_000);
});
