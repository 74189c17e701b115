import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { ToolkitError, toToolkitError } from '../errors';
import { INBOUND_LIMIT, serveWebSocketStream, WebSocketStreamOutcome } from './websocket-stream';

interface Note {
  text: string;
}

type Handle = (requests: AsyncIterable<unknown>) => unknown;

/** A WebSocket server serving every connection with `handle`; outcomes are collected. */
async function serve(serverStreaming: boolean, handle: Handle) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const outcomes: Promise<WebSocketStreamOutcome>[] = [];
  server.on('connection', (socket) => {
    outcomes.push(
      serveWebSocketStream({
        socket,
        serverStreaming,
        decode: (text) => {
          const message = JSON.parse(text) as Note;
          if (typeof message.text !== 'string' || message.text.length > 5)
            throw ToolkitError.invalidArgument('invalid Note: text: at most 5 characters');
          return message;
        },
        encode: (message) => JSON.stringify(message),
        handle,
        signal: new AbortController().signal,
        normalize: (error) => toToolkitError(error).error,
      }),
    );
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `ws://127.0.0.1:${port}`, outcomes };
}

/** Opens a client, sends `frames`, and collects what it receives until the close. */
async function converse(url: string, frames: string[]) {
  const socket = new WebSocket(url);
  const received: string[] = [];
  socket.on('message', (data) => received.push(data.toString()));
  await new Promise((resolve) => socket.once('open', resolve));
  for (const frame of frames) socket.send(frame);
  const code = await new Promise<number>((resolve) => socket.once('close', resolve));
  return { received, code };
}

describe('serveWebSocketStream', () => {
  let server: WebSocketServer | undefined;
  afterEach(() => {
    for (const client of server?.clients ?? []) client.terminate();
    server?.close();
  });

  it('client stream: frames until the empty one, then one response frame and close 1000', async () => {
    const served = await serve(false, async (requests) => {
      const texts: string[] = [];
      for await (const note of requests) texts.push((note as Note).text);
      return { texts };
    });
    server = served.server;
    const { received, code } = await converse(served.url, ['{"text":"a"}', '{"text":"b"}', '']);
    expect(received).toEqual(['{"texts":["a","b"]}']);
    expect(code).toBe(1000);
    expect(await served.outcomes[0]).toEqual({ messagesIn: 2, messagesOut: 1 });
  });

  it('bidi: each response as its own frame, close 1000 when the handler ends', async () => {
    const served = await serve(true, async function* (requests) {
      for await (const note of requests) yield { text: (note as Note).text.toUpperCase() };
    });
    server = served.server;
    const { received, code } = await converse(served.url, ['{"text":"a"}', '{"text":"b"}', '']);
    expect(received).toEqual(['{"text":"A"}', '{"text":"B"}']);
    expect(code).toBe(1000);
  });

  it('a bad message mid-stream ends it with INVALID_ARGUMENT: error frame, close 1011', async () => {
    const served = await serve(true, async function* (requests) {
      for await (const note of requests) yield note;
    });
    server = served.server;
    const socket = new WebSocket(served.url);
    const received: string[] = [];
    socket.on('message', (data) => received.push(data.toString()));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send('{"text":"ok"}');
    await new Promise((resolve) => socket.once('message', resolve));
    socket.send('{"text":"far too long"}');
    socket.send('{"text":"late"}');
    const code = await new Promise<number>((resolve) => socket.once('close', resolve));
    expect(received[0]).toBe('{"text":"ok"}');
    expect(received.slice(1).map((frame) => JSON.parse(frame))).toEqual([
      {
        error: {
          code: 400,
          status: 'Bad Request',
          message: 'invalid Note: text: at most 5 characters',
          details: [],
        },
      },
    ]);
    expect(code).toBe(1011);
    expect((await served.outcomes[0]).error?.code).toBe(ToolkitError.invalidArgument('').code);
  });

  it('stops reading a client that floods a handler which does not read', async () => {
    let queue: { received: number } | undefined;
    const served = await serve(false, (requests) => {
      queue = requests as unknown as { received: number };
      return new Promise(() => undefined);
    });
    server = served.server;
    const socket = new WebSocket(served.url);
    let closeCode: number | undefined;
    socket.once('close', (code) => (closeCode = code));
    await new Promise((resolve) => socket.once('open', resolve));
    for (let index = 0; index < 2000; index += 1) socket.send(`{"text":"${index % 10}"}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Paused at 16 unread; frames ws had already read may follow, up to the limit, past which
    // the stream ends with 1008 instead of queueing more.
    expect(queue!.received).toBeGreaterThanOrEqual(16);
    expect(queue!.received).toBeLessThanOrEqual(INBOUND_LIMIT);
    if (closeCode !== undefined) expect(closeCode).toBe(1008);
    socket.terminate();
  });

  it('the client closing aborts the handler', async () => {
    let aborted!: () => void;
    const ended = new Promise<void>((resolve) => (aborted = resolve));
    const served = await serve(true, async function* (requests) {
      try {
        for await (const note of requests) yield note;
      } finally {
        aborted();
      }
    });
    server = served.server;
    const socket = new WebSocket(served.url);
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send('{"text":"a"}');
    await new Promise((resolve) => socket.once('message', resolve));
    socket.terminate();
    await ended;
    expect((await served.outcomes[0]).error?.code).toBe(ToolkitError.cancelled().code);
  });
});
