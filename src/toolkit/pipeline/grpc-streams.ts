import type { Readable } from 'node:stream';
import {
  Metadata,
  sendUnaryData,
  ServerDuplexStream,
  ServerReadableStream,
  ServerWritableStream,
  status as GrpcStatusCode,
} from '@grpc/grpc-js';
import { grpcErrorStatus, ToolkitError, ToolkitExceptionFilter } from '../errors';
import { REQUEST_ID_HEADER } from '../runtime/request-context';
import { ServedCall } from './call-context';
import { PipelineOptions } from './call-observer';
import { executePlan, MethodPlan } from './method-plan';

type Inbound = ServerReadableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>;
type Outbound = ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>;

/** What a stream's handlers need from the unary side of the gRPC mount. @internal */
export interface StreamMount {
  options: PipelineOptions;
  filter: ToolkitExceptionFilter;
  servedCall(grpcCall: Inbound | Outbound): { call: ServedCall; timeoutMs: number };
  /** Metrics and the one access line of a finished stream. */
  observe(call: ServedCall, code: number, startedAt: bigint, counts: StreamCounts): void;
}

/** Counts of one stream, for the access log and metrics. @internal */
export interface StreamCounts {
  messagesIn: number;
  messagesOut: number;
}

/**
 * The client's messages as the handler pulls them, each checked (undecodable bytes, NUL walk,
 * validator, caller binding) before it is handed over: a bad one ends the stream with
 * INVALID_ARGUMENT. The grpc-js readable buffers at most its high-water mark (16 messages) ahead
 * of the handler; it stops pulling from the socket beyond that.
 * @internal
 */
export async function* checkedMessages(
  plan: MethodPlan,
  inbound: Readable,
  call: ServedCall,
  counts: StreamCounts,
): AsyncGenerator<unknown> {
  // Not destroyed when the handler stops reading: a bidi call's writable side still has to send
  // the rest and the status.
  for await (const message of inbound.iterator({ destroyOnReturn: false })) {
    plan.check(message, call.caller);
    counts.messagesIn += 1;
    yield message;
  }
}

/** grpc-js handler of a client-streaming plan: messages in, one response. @internal */
export function clientStreamHandler(plan: MethodPlan, mount: StreamMount) {
  return (grpcCall: ServerReadableStream<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    const startedAt = process.hrtime.bigint();
    const { call, timeoutMs } = mount.servedCall(grpcCall);
    const counts: StreamCounts = { messagesIn: 0, messagesOut: 0 };
    let finished = false;
    // Shutdown ends it with UNAVAILABLE, as it would a deadline.
    const closeStream = mount.options.streams.open((error) => done(error));
    const done = (error: unknown, response?: unknown) => {
      if (finished) return;
      finished = true;
      closeStream();
      call.finish();
      if (error !== undefined) {
        const failure = mount.filter.normalize(error, call.log);
        const status = grpcErrorStatus(failure);
        if (mount.options.echoRequestId) status.metadata.set(REQUEST_ID_HEADER, call.requestId);
        callback(status);
        // Nobody reads the rest: stop pulling it.
        call.abort(failure);
        mount.observe(call, failure.code, startedAt, counts);
        return;
      }
      if (mount.options.echoRequestId) grpcCall.sendMetadata(requestIdOnly(call.requestId));
      counts.messagesOut = 1;
      callback(null, response);
      mount.observe(call, GrpcStatusCode.OK, startedAt, counts);
    };
    watchStreamEnd(grpcCall, call, () => finished);
    call.startDeadline(
      (error) => done(error),
      () => ToolkitError.deadlineExceeded(`request timed out after ${timeoutMs}ms`),
    );
    let result: unknown;
    try {
      result = executePlan(plan, {
        call,
        type: 'rpc',
        args: [grpcCall, grpcCall.metadata, grpcCall, call],
        readMessage: () => checkedMessages(plan, grpcCall as unknown as Readable, call, counts),
      });
    } catch (error) {
      return done(error);
    }
    Promise.resolve(result).then(
      (response) => done(undefined, response),
      (error: unknown) => done(error ?? new Error('stream handler rejected')),
    );
  };
}

/**
 * grpc-js handler of a server-streaming or bidi plan: the handler's async iterable is pulled one
 * message at a time, and the next one only once grpc-js accepted the previous (`write()` false:
 * wait for 'drain'). Cancel or deadline abort the call's signal and end the iteration
 * (`iterator.return()`); an error mid-stream ends the call with its status in the trailers.
 * @internal
 */
export function writingStreamHandler(plan: MethodPlan, mount: StreamMount) {
  return (grpcCall: Outbound) => {
    const startedAt = process.hrtime.bigint();
    const { call, timeoutMs } = mount.servedCall(grpcCall);
    const counts: StreamCounts = {
      messagesIn: plan.method.clientStreaming ? 0 : 1,
      messagesOut: 0,
    };
    let iterator: AsyncIterator<unknown> | undefined;
    let finished = false;
    let metadataSent = false;
    const sendMetadataOnce = () => {
      if (metadataSent || !mount.options.echoRequestId) return;
      metadataSent = true;
      grpcCall.sendMetadata(requestIdOnly(call.requestId));
    };
    const stop = () => {
      const pending = iterator;
      iterator = undefined;
      // The handler's `finally` blocks run; what it throws then has nobody to go to.
      pending?.return?.().catch(() => undefined);
    };
    const closeStream = mount.options.streams.open((error) => done(error));
    const done = (error?: unknown) => {
      if (finished) return;
      finished = true;
      closeStream();
      call.finish();
      if (error === undefined) {
        sendMetadataOnce();
        grpcCall.end();
        mount.observe(call, GrpcStatusCode.OK, startedAt, counts);
        return;
      }
      const failure = mount.filter.normalize(error, call.log);
      const status = grpcErrorStatus(failure);
      if (mount.options.echoRequestId && !metadataSent)
        status.metadata.set(REQUEST_ID_HEADER, call.requestId);
      grpcCall.emit('error', Object.assign(new Error(status.details), status));
      call.abort(failure);
      stop();
      mount.observe(call, failure.code, startedAt, counts);
    };
    watchStreamEnd(
      grpcCall,
      call,
      () => finished,
      () => {
        if (finished) return;
        finished = true;
        closeStream();
        stop();
        const code = GrpcStatusCode.CANCELLED;
        mount.observe(call, code, startedAt, counts);
      },
    );
    call.startDeadline(
      (error) => done(error),
      () => ToolkitError.deadlineExceeded(`request timed out after ${timeoutMs}ms`),
    );
    const pump = async () => {
      const result = await executePlan(plan, {
        call,
        type: 'rpc',
        args: plan.method.clientStreaming
          ? [grpcCall, grpcCall.metadata, grpcCall, call]
          : [
              (grpcCall as ServerWritableStream<unknown, unknown>).request,
              grpcCall.metadata,
              grpcCall,
              call,
            ],
        readMessage: () =>
          plan.method.clientStreaming
            ? checkedMessages(plan, grpcCall as unknown as Readable, call, counts)
            : (grpcCall as ServerWritableStream<unknown, unknown>).request,
      });
      if (finished) return;
      iterator = asyncIteratorOf(result, plan);
      sendMetadataOnce();
      for (;;) {
        const current = iterator;
        if (current === undefined) return;
        const next = await current.next();
        if (finished || next.done) return;
        counts.messagesOut += 1;
        if (!grpcCall.write(next.value)) await drained(grpcCall, call);
        if (finished) return;
      }
    };
    pump().then(
      () => done(),
      (error: unknown) => done(error ?? new Error('stream handler failed')),
    );
  };
}

/** The iterator of what a streaming handler returned. @throws when it is not an async iterable. */
function asyncIteratorOf(result: unknown, plan: MethodPlan): AsyncIterator<unknown> {
  const iterable = result as Partial<AsyncIterable<unknown>> | null | undefined;
  const factory = iterable?.[Symbol.asyncIterator];
  if (typeof factory !== 'function') {
    throw new Error(
      `${plan.controller.name}.${plan.method.localName} must return an AsyncIterable for the streaming rpc ${plan.method.name}`,
    );
  }
  return factory.call(iterable);
}

/** Resolves once the stream accepts writes again, or the call ended (cancel, deadline). */
function drained(grpcCall: Outbound, call: ServedCall): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      grpcCall.off('drain', finish);
      grpcCall.off('close', finish);
      resolve();
    };
    if (call.isAborted) return resolve();
    grpcCall.once('drain', finish);
    grpcCall.once('close', finish);
  });
}

/** Aborts the call's signal when the client cancels (or its deadline passes, grpc-js's side). */
function watchStreamEnd(
  grpcCall: Inbound | Outbound,
  call: ServedCall,
  isFinished: () => boolean,
  onCancelled?: () => void,
): void {
  grpcCall.once('cancelled', () => {
    if (isFinished()) return;
    call.abort(ToolkitError.cancelled('the client cancelled the call or its deadline passed'));
    onCancelled?.();
  });
}

function requestIdOnly(requestId: string): Metadata {
  const metadata = new Metadata();
  metadata.set(REQUEST_ID_HEADER, requestId);
  return metadata;
}
