import type { ServerWritableStream } from '@grpc/grpc-js';
import { grpcErrorStatus, ToolkitError } from '../errors';
import { nextOrAbort, stopIterator } from './next-or-abort';
import type { StreamSummary } from './stream-observation';

/** One server-streaming gRPC call, as the method's plan hands it over. @internal */
export interface GrpcServerStreamCall {
  grpcCall: ServerWritableStream<unknown, unknown>;
  /** What the handler returned. */
  messages: AsyncIterable<unknown>;
  /** The call's signal: its deadline, or the client cancelling. */
  signal: AbortSignal;
  normalize(error: unknown): ToolkitError;
}

/**
 * Writes the handler's messages on a grpc-js server stream, pulling the next one only when
 * `write()` accepted the previous (else after 'drain'): grpc-js buffers at most its
 * highWaterMark (16 messages) plus one for a slow client, and HTTP/2 flow control slows the
 * handler down instead. The end is status OK; an error (thrown by the handler, the deadline, a
 * cancel) ends the stream with its status in the trailers.
 * @internal
 */
export async function serveGrpcServerStream(stream: GrpcServerStreamCall): Promise<StreamSummary> {
  const { grpcCall, signal } = stream;
  const iterator = stream.messages[Symbol.asyncIterator]();
  let messagesOut = 0;
  try {
    for (;;) {
      const next = await nextOrAbort(iterator, signal);
      if (next.done) break;
      if (grpcCall.cancelled) throw ToolkitError.cancelled('the client cancelled the call');
      messagesOut += 1;
      if (!grpcCall.write(next.value)) await drained(grpcCall, signal);
    }
    grpcCall.end();
    return { messagesOut };
  } catch (thrown) {
    stopIterator(iterator);
    const error = stream.normalize(thrown);
    if (!grpcCall.cancelled) grpcCall.emit('error', grpcErrorStatus(error));
    return { messagesOut, error };
  }
}

function drained(
  grpcCall: ServerWritableStream<unknown, unknown>,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      grpcCall.off('drain', done);
      grpcCall.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    grpcCall.on('drain', done);
    grpcCall.on('close', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
