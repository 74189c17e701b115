import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { httpErrorBody, ToolkitError } from '../errors';
import { NDJSON_FRAMING } from './ndjson';
import { nextOrAbort, stopIterator } from './next-or-abort';
import { SSE_FRAMING } from './sse';
import type { ServerStreamFraming } from './stream-framing';

/** One server-streaming call on HTTP, as the method's plan hands it over. @internal */
export interface HttpServerStreamCall {
  /** The request's `Accept` header: SSE for `text/event-stream`, NDJSON otherwise. */
  accept: string | undefined;
  reply: FastifyReply;
  /** What the handler returned. */
  messages: AsyncIterable<unknown>;
  /** One response message as protojson text. */
  encode(message: unknown): string;
  /** The call's signal: aborted by its deadline or when the client goes away. */
  signal: AbortSignal;
  /** Any thrown value as the toolkit's error. */
  normalize(error: unknown): ToolkitError;
}

/** How a server stream ended. @internal */
export type HttpServerStreamOutcome =
  /** Failed before its first message: nothing was sent, answer with a plain HTTP error. */
  | { started: false; error: ToolkitError }
  /** 200 sent with `messagesOut` messages; `error` was framed at the end, if any. */
  | { started: true; messagesOut: number; error?: ToolkitError };

/** The framing a request asks for through its Accept header. @internal */
export function serverStreamFraming(accept: string | undefined): ServerStreamFraming {
  return accept !== undefined && /(^|,)\s*text\/event-stream\b/i.test(accept)
    ? SSE_FRAMING
    : NDJSON_FRAMING;
}

/**
 * Writes a server stream on an HTTP response, pulling the handler's next message only once the
 * socket took the previous one: when `write()` returns false it waits for 'drain'. So the server
 * buffers at most the response's `writableHighWaterMark` (16 KiB by default) plus one framed
 * message, however slowly the client reads. An error before the first message is returned for
 * a plain error response (its own status); after it, it is framed as the stream's last item.
 * The deadline or the client going away (the signal) ends the handler's iteration.
 * @internal
 */
export async function serveHttpServerStream(
  stream: HttpServerStreamCall,
): Promise<HttpServerStreamOutcome> {
  const { reply, signal } = stream;
  const iterator = stream.messages[Symbol.asyncIterator]();
  let result: IteratorResult<unknown>;
  try {
    result = await nextOrAbort(iterator, signal);
  } catch (error) {
    stopIterator(iterator);
    return { started: false, error: stream.normalize(error) };
  }
  const framing = serverStreamFraming(stream.accept);
  const response = reply.raw;
  reply.hijack();
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders()))
    if (value !== undefined) headers[name] = value;
  response.writeHead(200, {
    ...headers,
    'content-type': framing.contentType,
    'cache-control': 'no-cache',
    // Proxies such as nginx would otherwise hold the events back.
    'x-accel-buffering': 'no',
  });
  let messagesOut = 0;
  try {
    while (!result.done) {
      const chunk = framing.message(stream.encode(result.value));
      if (response.destroyed) throw ToolkitError.cancelled('client went away');
      messagesOut += 1;
      if (!response.write(chunk)) await drained(response, signal);
      result = await nextOrAbort(iterator, signal);
    }
    response.end();
    return { started: true, messagesOut };
  } catch (thrown) {
    stopIterator(iterator);
    const error = response.destroyed
      ? ToolkitError.cancelled('client went away')
      : stream.normalize(thrown);
    if (!response.destroyed) response.end(framing.error(httpErrorBody(error)));
    return { started: true, messagesOut, error };
  }
}

/** Resolves once the response can take more, is closed, or the call is aborted. */
function drained(response: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
