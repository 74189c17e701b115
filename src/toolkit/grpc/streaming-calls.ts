import { once } from 'node:events';
import type {
  ClientDuplexStream,
  ClientReadableStream,
  ClientWritableStream,
  Metadata,
  ServiceError,
} from '@grpc/grpc-js';
import { fromGrpcServiceError } from '../errors';

/** What every call of a generated client starts with: its metadata, deadline and abort signal. */
export interface StreamCallSetup {
  metadata: Metadata;
  deadline?: number;
  /** Aborting cancels the call (CANCELLED on both sides). */
  signal?: AbortSignal;
}

type CallOptions = { deadline?: number };
type ResponseCallback = (error: ServiceError | null, response?: unknown) => void;
type ServerStreamMethod = (
  request: unknown,
  metadata: Metadata,
  options: CallOptions,
) => ClientReadableStream<unknown>;
type ClientStreamMethod = (
  metadata: Metadata,
  options: CallOptions,
  callback: ResponseCallback,
) => ClientWritableStream<unknown>;
type BidiStreamMethod = (
  metadata: Metadata,
  options: CallOptions,
) => ClientDuplexStream<unknown, unknown>;

/** A grpc-js call failure as the toolkit's error; anything else unchanged. */
function clientError(error: unknown): unknown {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number'
    ? fromGrpcServiceError(error as ServiceError)
    : error;
}

/**
 * The responses of a started call, pulled one at a time (grpc-js stops reading from the network
 * while its buffer is full, so a slow consumer slows the server down instead of growing memory).
 * Stopping early (`break`, `return()`) or aborting `signal` cancels the call.
 */
async function* responses(
  call: ClientReadableStream<unknown> | ClientDuplexStream<unknown, unknown>,
  signal: AbortSignal | undefined,
  pumpFailure: () => unknown,
): AsyncGenerator<unknown, void, undefined> {
  const cancel = () => call.cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    for await (const message of call) yield message;
  } catch (error) {
    throw pumpFailure() ?? clientError(error);
  } finally {
    signal?.removeEventListener('abort', cancel);
    // A call cancelled here reports CANCELLED to nobody: keep that from being an unhandled error.
    call.on('error', () => undefined);
    call.cancel();
  }
  const failure = pumpFailure();
  if (failure !== undefined) throw failure;
}

/**
 * Writes `requests` to the call, waiting for 'drain' whenever grpc-js's buffer is full, then
 * half-closes. Stops when the call ends first. Resolves with the requests' own failure, if any
 * (the call is cancelled then).
 */
async function pump(
  requests: AsyncIterable<unknown>,
  call: ClientWritableStream<unknown> | ClientDuplexStream<unknown, unknown>,
  ended: AbortSignal,
): Promise<unknown> {
  try {
    for await (const request of requests) {
      if (ended.aborted) return undefined;
      if (!call.write(request)) await once(call, 'drain', { signal: ended });
    }
    if (!ended.aborted) call.end();
    return undefined;
  } catch (error) {
    if (ended.aborted) return undefined;
    call.cancel();
    return error;
  }
}

/** Server streaming: `(request) => AsyncIterable<response>`; the call starts on the first pull. */
export function serverStreamCall(
  method: ServerStreamMethod,
  request: unknown,
  setup: () => StreamCallSetup,
): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]() {
      const { metadata, deadline, signal } = setup();
      return responses(method(request, metadata, { deadline }), signal, () => undefined);
    },
  };
}

/** Client streaming: writes every request, resolves with the one response. */
export function clientStreamCall(
  method: ClientStreamMethod,
  requests: AsyncIterable<unknown>,
  setup: StreamCallSetup,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ended = new AbortController();
    const call = method(setup.metadata, { deadline: setup.deadline }, (error, response) => {
      ended.abort();
      setup.signal?.removeEventListener('abort', cancel);
      if (error) reject(clientError(error));
      else resolve(response);
    });
    const cancel = () => call.cancel();
    setup.signal?.addEventListener('abort', cancel, { once: true });
    void pump(requests, call, ended.signal).then((failure) => {
      if (failure !== undefined) reject(failure);
    });
  });
}

/** Bidi streaming: writes `requests` while the responses are read; both end with the call. */
export function bidiStreamCall(
  method: BidiStreamMethod,
  requests: AsyncIterable<unknown>,
  setup: () => StreamCallSetup,
): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]() {
      const { metadata, deadline, signal } = setup();
      const call = method(metadata, { deadline });
      const ended = new AbortController();
      let failure: unknown;
      call.on('close', () => ended.abort());
      void pump(requests, call, ended.signal).then((error) => (failure = error));
      return responses(call, signal, () => failure);
    },
  };
}
