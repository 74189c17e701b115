import {
  Metadata,
  sendUnaryData,
  ServerUnaryCall,
  status as GrpcStatusCode,
  UntypedHandleCall,
} from '@grpc/grpc-js';
import { getRequestIdentity } from '../auth/caller-identity';
import { grpcCodeName, grpcErrorStatus, ToolkitError, ToolkitExceptionFilter } from '../errors';
import { acceptRequestId, REQUEST_ID_HEADER } from '../runtime/request-context';
import { ToolkitLogger } from '../runtime/toolkit-logger';
import { CallOrigin, ServedCall } from './call-context';
import { callTimeoutMs, durationMs, PipelineOptions, secondsSince } from './call-observer';
import { clientStreamHandler, StreamMount, writingStreamHandler } from './grpc-streams';
import { executePlan, MethodPlan } from './method-plan';

/** The events of a grpc-js server call a `ServedCall` listens to. */
interface GrpcCallLike {
  readonly metadata: Metadata;
  readonly cancelled: boolean;
  getDeadline(): Date | number;
  once(event: 'cancelled', listener: () => void): unknown;
}

/**
 * The grpc-js handler of one method plan, for its shape (streams: see `grpc-streams.ts`). Unary: the call's context (request id, deadline as
 * the earlier of the client's and the app's timeout, one timer), the plan, the response or the
 * error as a gRPC status (through the one error model), then metrics and the access log once.
 * @internal
 */
export function grpcHandler(
  plan: MethodPlan,
  options: PipelineOptions,
  filter: ToolkitExceptionFilter,
): UntypedHandleCall {
  const { method } = plan;
  if (method.clientStreaming || method.serverStreaming) {
    const mount: StreamMount = {
      options,
      filter,
      servedCall: (grpcCall) => grpcServedCall(plan, grpcCall, options),
      observe: (call, code, startedAt, counts) => {
        options.metrics?.observeStreamMessages(
          'grpc',
          method.name,
          counts.messagesIn,
          counts.messagesOut,
        );
        observeGrpc(plan, call, code, startedAt, options, {
          messages_in: counts.messagesIn,
          messages_out: counts.messagesOut,
          status: grpcCodeName(code),
        });
      },
    };
    return (
      method.serverStreaming ? writingStreamHandler(plan, mount) : clientStreamHandler(plan, mount)
    ) as UntypedHandleCall;
  }
  return (grpcCall: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) =>
    serveUnary(plan, grpcCall, callback, options, filter);
}

/** The app's context of one gRPC call: ids, deadline, origin. @internal */
export function grpcServedCall(
  plan: MethodPlan,
  grpcCall: GrpcCallLike,
  options: PipelineOptions,
): { call: ServedCall; timeoutMs: number } {
  const { metadata } = grpcCall;
  const requestId = acceptRequestId(metadata.get(REQUEST_ID_HEADER)[0]);
  const clientDeadline = grpcCall.getDeadline();
  const clientMs = clientDeadline instanceof Date ? clientDeadline.getTime() : clientDeadline;
  const now = Date.now();
  const deadline = Math.min(now + callTimeoutMs(plan.method, options), clientMs);
  const call = new ServedCall(
    requestId,
    'grpc',
    plan.method.name,
    deadline,
    new GrpcOrigin(grpcCall, options),
  );
  return { call, timeoutMs: Math.max(0, deadline - now) };
}

function serveUnary(
  plan: MethodPlan,
  grpcCall: ServerUnaryCall<unknown, unknown>,
  callback: sendUnaryData<unknown>,
  options: PipelineOptions,
  filter: ToolkitExceptionFilter,
): void {
  const startedAt = process.hrtime.bigint();
  const { call, timeoutMs } = grpcServedCall(plan, grpcCall, options);
  let finished = false;
  const fail = (thrown: unknown) => {
    if (finished) return;
    finished = true;
    call.finish();
    const error = filter.normalize(thrown, call.log);
    const status = grpcErrorStatus(error);
    // Nothing went out before a failure: the echo rides with the status, as on HTTP.
    if (options.echoRequestId) status.metadata.set(REQUEST_ID_HEADER, call.requestId);
    callback(status);
    observeGrpc(plan, call, error.code, startedAt, options);
  };
  const succeed = (response: unknown) => {
    if (finished) return;
    finished = true;
    call.finish();
    if (options.echoRequestId) grpcCall.sendMetadata(requestIdMetadata(call.requestId));
    callback(null, response);
    observeGrpc(plan, call, GrpcStatusCode.OK, startedAt, options);
  };
  call.startDeadline(fail, () =>
    ToolkitError.deadlineExceeded(`request timed out after ${timeoutMs}ms`),
  );
  let result: unknown;
  try {
    result = executePlan(plan, {
      call,
      type: 'rpc',
      args: [grpcCall.request, grpcCall.metadata, grpcCall, call],
      readMessage: () => grpcCall.request,
    });
  } catch (error) {
    return fail(error);
  }
  if (result instanceof Promise) result.then(succeed, fail);
  else succeed(result);
}

/** Response metadata carrying the request id. @internal */
export function requestIdMetadata(requestId: string): Metadata {
  const metadata = new Metadata();
  metadata.set(REQUEST_ID_HEADER, requestId);
  return metadata;
}

/** Metrics and the access line of one finished gRPC call. @internal */
export function observeGrpc(
  plan: MethodPlan,
  call: ServedCall,
  code: number,
  startedAt: bigint,
  options: PipelineOptions,
  extra?: Record<string, unknown>,
): void {
  const seconds = secondsSince(startedAt);
  const name = grpcCodeName(code);
  options.metrics?.observe({
    transport: 'grpc',
    rpc: plan.method.name,
    code: name,
    failed: code !== GrpcStatusCode.OK,
    seconds,
  });
  options.accessLog?.info(
    {
      request_id: call.requestId,
      transport: 'grpc',
      rpc: plan.method.grpcPath,
      code: name,
      duration_ms: durationMs(seconds),
      ...extra,
    },
    'request completed',
  );
}

/** What a `ServedCall` reads of a grpc-js call, when asked. */
class GrpcOrigin implements CallOrigin {
  constructor(
    private readonly grpcCall: GrpcCallLike,
    private readonly options: PipelineOptions,
  ) {}

  get identityCarrier(): object {
    return this.grpcCall.metadata;
  }

  readHeaders(): Record<string, string> {
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.grpcCall.metadata.getMap())) {
      if (typeof value === 'string') flat[key] = value;
    }
    return flat;
  }

  watchCancel(cancel: () => void): void {
    if (this.grpcCall.cancelled) return cancel();
    this.grpcCall.once('cancelled', cancel);
  }

  identityOf(carrier: object) {
    return getRequestIdentity(carrier);
  }

  childLogger(requestId: string, rpc: string): ToolkitLogger {
    return new ToolkitLogger(this.options.logger.child({ request_id: requestId, rpc }));
  }
}
