import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { FastifyInstance } from 'fastify';
import { ToolkitError, toToolkitError } from '../errors';
import { HttpServerStreamOutcome, serveHttpServerStream } from './http-server-stream';

type Handler = (signal: AbortSignal) => AsyncIterable<unknown>;

/** A Fastify app whose one route serves `handler` as the plan does; outcomes are collected. */
async function serve(handler: Handler): Promise<{
  app: FastifyInstance;
  url: string;
  outcomes: HttpServerStreamOutcome[];
  responses: http.ServerResponse[];
}> {
  const app = Fastify({ forceCloseConnections: true });
  const outcomes: HttpServerStreamOutcome[] = [];
  const responses: http.ServerResponse[] = [];
  app.get('/stream', async (request, reply) => {
    const controller = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort(ToolkitError.cancelled('client went away'));
    });
    responses.push(reply.raw);
    const outcome = await serveHttpServerStream({
      accept: request.headers.accept,
      reply,
      messages: handler(controller.signal),
      encode: (message) => JSON.stringify(message),
      signal: controller.signal,
      normalize: (error) => toToolkitError(error).error,
    });
    outcomes.push(outcome);
    if (!outcome.started) return reply.code(400).send({ failed: outcome.error.message });
    return reply;
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}/stream`, outcomes, responses };
}

async function* count(to: number, failAfter?: number): AsyncGenerator<unknown> {
  for (let index = 1; index <= to; index += 1) {
    if (index === failAfter) throw ToolkitError.aborted(`failed after ${index - 1}`);
    yield { index };
  }
}

describe('serveHttpServerStream', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('writes NDJSON result lines by default and SSE data events for text/event-stream', async () => {
    const served = await serve(() => count(3));
    app = served.app;
    const ndjson = await fetch(served.url);
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(await ndjson.text()).toBe(
      '{"result":{"index":1}}\n{"result":{"index":2}}\n{"result":{"index":3}}\n',
    );
    const sse = await fetch(served.url, { headers: { accept: 'text/event-stream' } });
    expect(sse.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await sse.text()).toBe(
      'data: {"index":1}\n\ndata: {"index":2}\n\ndata: {"index":3}\n\n',
    );
    expect(served.outcomes).toEqual([
      { started: true, messagesOut: 3 },
      { started: true, messagesOut: 3 },
    ]);
  });

  it('hands an error before the first message back for a plain error response', async () => {
    const served = await serve(() => count(3, 1));
    app = served.app;
    const response = await fetch(served.url);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ failed: 'failed after 0' });
    expect(served.outcomes[0]).toMatchObject({ started: false });
  });

  it('ends with an error line / error event after the first message', async () => {
    const served = await serve(() => count(5, 3));
    app = served.app;
    const ndjson = await (await fetch(served.url)).text();
    expect(
      ndjson
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { result: { index: 1 } },
      { result: { index: 2 } },
      {
        error: { code: 409, status: 'Conflict', message: 'failed after 2', details: [] },
      },
    ]);
    const sse = await (
      await fetch(served.url, { headers: { accept: 'text/event-stream' } })
    ).text();
    expect(sse).toMatch(
      /data: \{"index":2\}\n\nevent: error\ndata: \{"code":409,"status":"Conflict","message":"failed after 2","details":\[\]\}\n\n$/,
    );
    expect(served.outcomes[0]).toMatchObject({ started: true, messagesOut: 2 });
  });

  it('ends the handler when the client goes away, even while it waits', async () => {
    let finished: (() => void) | undefined;
    const ended = new Promise<void>((resolve) => (finished = resolve));
    let abortedSignal: AbortSignal | undefined;
    const served = await serve(async function* (signal) {
      abortedSignal = signal;
      try {
        yield { index: 1 };
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
      } finally {
        finished!();
      }
    });
    app = served.app;
    const controller = new AbortController();
    const response = await fetch(served.url, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await ended;
    expect(abortedSignal!.aborted).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(served.outcomes[0]).toMatchObject({ started: true, messagesOut: 1 });
    expect((served.outcomes[0] as { error: ToolkitError }).error.code).toBe(
      ToolkitError.cancelled().code,
    );
  });

  it('buffers at most the high-water mark plus one message for a reader that does not read', async () => {
    const text = 'x'.repeat(4096);
    let pulled = 0;
    const served = await serve(async function* () {
      for (;;) {
        pulled += 1;
        yield { text };
      }
    });
    app = served.app;
    // A raw client that never reads: the kernel buffers fill, then Node's.
    const request = http.get(served.url);
    const response = await new Promise<http.IncomingMessage>((resolve) =>
      request.once('response', resolve),
    );
    response.pause();
    let previous = -1;
    while (pulled !== previous) {
      previous = pulled;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const server = served.responses[0];
    const message = Buffer.byteLength(`{"result":${JSON.stringify({ text })}}\n`);
    expect(server.writableLength).toBeGreaterThan(0);
    expect(server.writableLength).toBeLessThanOrEqual(server.writableHighWaterMark + message);
    const before = pulled;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pulled).toBe(before);
    request.destroy();
  });
});
