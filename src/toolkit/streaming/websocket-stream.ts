import type WebSocket from 'ws';
import { httpErrorBody, ToolkitError } from '../errors';
import { InboundMessages } from './inbound-messages';
import { nextOrAbort, stopIterator } from './next-or-abort';

/** Unread request messages at which the socket stops being read. @internal */
export const INBOUND_HIGH_WATER_MARK = 16;
/**
 * Unread request messages at which the stream is ended (RESOURCE_EXHAUSTED, close 1008): what a
 * paused socket can still deliver from data already read stays far below it.
 * @internal
 */
export const INBOUND_LIMIT = 64;
/** Bytes queued on the socket at which sending waits for them to be flushed. @internal */
export const OUTBOUND_HIGH_WATER_MARK = 16 * 1024;

const CLOSE_NORMAL = 1000;
const CLOSE_POLICY_VIOLATION = 1008;
const CLOSE_INTERNAL_ERROR = 1011;

/** One client- or bidi-streaming call on an open WebSocket. @internal */
export interface WebSocketStreamCall {
  socket: WebSocket;
  /** Bidi: the handler returns an async iterable; client stream: a promise of one response. */
  serverStreaming: boolean;
  /** One text frame → the validated request message; throws the toolkit error to answer. */
  decode(text: string): unknown;
  /** One response message as protojson text. */
  encode(message: unknown): string;
  /** Calls the handler with the request stream. */
  handle(requests: AsyncIterable<unknown>): unknown;
  /** The call's signal (deadline, shutdown). */
  signal: AbortSignal;
  /** Any thrown value as the toolkit's error. */
  normalize(error: unknown): ToolkitError;
}

/** How a WebSocket stream ended. @internal */
export interface WebSocketStreamOutcome {
  messagesIn: number;
  messagesOut: number;
  /** Undefined when it closed 1000. */
  error?: ToolkitError;
}

/**
 * Serves a client- or bidi-streaming call on a WebSocket: each text frame is one protojson
 * request, decoded and validated as it arrives (a bad one ends the stream with its error); an
 * EMPTY text frame ends the client's requests (an empty string is never protojson). Each response
 * is one text frame; the end is close 1000; an error is one `{"error": <toolkit error body>}`
 * frame then close 1011 (1008 when the client overran the inbound bound). Bounds: reading stops
 * at `INBOUND_HIGH_WATER_MARK` unread requests, the stream ends at `INBOUND_LIMIT`; sending waits
 * for the socket once `OUTBOUND_HIGH_WATER_MARK` bytes are queued, so at most that plus one
 * message is buffered for a slow client. The client closing aborts the handler's iteration.
 * @internal
 */
export async function serveWebSocketStream(
  call: WebSocketStreamCall,
): Promise<WebSocketStreamOutcome> {
  const { socket } = call;
  const stop = new AbortController();
  const signal = AbortSignal.any([call.signal, stop.signal]);
  let closeCode = CLOSE_INTERNAL_ERROR;
  const requests = new InboundMessages<unknown>(socket, INBOUND_HIGH_WATER_MARK, INBOUND_LIMIT);
  const end = (error: ToolkitError, code = CLOSE_INTERNAL_ERROR) => {
    if (stop.signal.aborted) return;
    closeCode = code;
    requests.fail(error);
    stop.abort(error);
  };
  socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
    if (stop.signal.aborted) return;
    if (isBinary)
      return end(ToolkitError.invalidArgument('request frames must be text (protojson)'));
    const text = data.toString();
    if (text === '') return requests.end();
    let message: unknown;
    try {
      message = call.decode(text);
    } catch (error) {
      return end(call.normalize(error));
    }
    if (!requests.push(message))
      end(
        ToolkitError.resourceExhausted(
          `more than ${INBOUND_LIMIT} request messages wait unread; send slower`,
        ),
        CLOSE_POLICY_VIOLATION,
      );
  });
  const gone = ToolkitError.cancelled('client went away');
  socket.once('close', () => end(gone));

  let messagesOut = 0;
  const send = async (message: unknown): Promise<void> => {
    const text = call.encode(message);
    if (socket.readyState !== socket.OPEN) throw gone;
    messagesOut += 1;
    await new Promise<void>((resolve) => {
      socket.send(text, () => resolve());
      // Small backlogs do not wait for the flush; the callback still runs (and is ignored).
      if (socket.bufferedAmount <= OUTBOUND_HIGH_WATER_MARK) resolve();
    });
  };
  try {
    const result = await untilAborted(Promise.resolve(call.handle(requests)), signal);
    if (call.serverStreaming) {
      const iterator = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      try {
        for (;;) {
          const next = await nextOrAbort(iterator, signal);
          if (next.done) break;
          await send(next.value);
        }
      } finally {
        stopIterator(iterator);
      }
    } else {
      await send(result);
    }
    if (socket.readyState === socket.OPEN) socket.close(CLOSE_NORMAL);
    stop.abort(gone);
    return { messagesIn: requests.received, messagesOut };
  } catch (thrown) {
    const error = stop.signal.aborted
      ? (stop.signal.reason as ToolkitError)
      : call.normalize(thrown);
    stop.abort(error);
    if (socket.readyState === socket.OPEN) {
      socket.send(JSON.stringify({ error: httpErrorBody(error) }));
      socket.close(closeCode);
    }
    return { messagesIn: requests.received, messagesOut, error };
  }
}

/** The promise's value, or a rejection with `signal.reason` once the signal aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
