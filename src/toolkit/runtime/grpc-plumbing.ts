import {
  Metadata,
  ServerInterceptingCall,
  ServerInterceptor,
  status as GrpcStatusCode,
} from '@grpc/grpc-js';
import type { Logger as PinoLogger } from 'pino';
import { grpcCodeName, ToolkitError } from '../errors';
import {
  acceptRequestId,
  REQUEST_ID_HEADER,
  RequestCancellation,
  RequestContext,
  runInRequestContext,
} from './request-context';
import { ToolkitMetrics } from './toolkit-metrics';

/** Switches of the per-call gRPC plumbing. @internal */
export interface GrpcPlumbingOptions {
  metrics?: ToolkitMetrics;
  accessLog?: PinoLogger;
  echoRequestId: boolean;
  requestTimeoutMs: number;
}

/**
 * grpc-js server interceptor for every call: request id and request context around the handler,
 * the request timeout (the client's own deadline is enforced by grpc-js; the shorter wins),
 * metrics and the access log.
 * @internal
 */
export function grpcPlumbingInterceptor(options: GrpcPlumbingOptions): ServerInterceptor {
  return (methodDescriptor, call) => {
    const rpc = methodDescriptor.path.slice(methodDescriptor.path.lastIndexOf('/') + 1);
    const startedAt = process.hrtime.bigint();
    let context: RequestContext | undefined;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    let metadataSent = false;
    const abort = new RequestCancellation();
    const intercepted: ServerInterceptingCall = new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, nextMetadata) {
            const clientDeadline = call.getDeadline();
            const deadlineMs =
              clientDeadline instanceof Date ? clientDeadline.getTime() : clientDeadline;
            const deadline = Math.min(Date.now() + options.requestTimeoutMs, deadlineMs);
            let headers: Record<string, string> | undefined;
            // headers and signal are built on first use: most handlers read neither.
            context = {
              requestId: acceptRequestId(metadata.get(REQUEST_ID_HEADER)[0]),
              transport: 'grpc',
              rpc,
              deadline,
              get headers() {
                return (headers ??= flatMetadata(metadata));
              },
              get signal() {
                return abort.signal;
              },
            };
            timer = setTimeout(() => {
              const details = `request timed out after ${options.requestTimeoutMs}ms`;
              intercepted.sendStatus({ code: GrpcStatusCode.DEADLINE_EXCEEDED, details });
              abort.abort(ToolkitError.deadlineExceeded(details));
            }, options.requestTimeoutMs);
            nextMetadata(metadata);
          },
          onReceiveMessage(message, nextMessage) {
            if (context) runInRequestContext(context, () => nextMessage(message));
            else nextMessage(message);
          },
          onReceiveHalfClose(nextHalfClose) {
            if (context) runInRequestContext(context, nextHalfClose);
            else nextHalfClose();
          },
          onCancel() {
            clearTimeout(timer);
            // grpc-js cancels when the client cancels or its own deadline passes, and also when
            // the stream closes after the status went out: then nobody waits, and building the
            // error (a stack trace per call) would be pure cost.
            if (finished) return;
            abort.abort(ToolkitError.cancelled('the call was cancelled or its deadline passed'));
          },
        });
      },
      sendMetadata(metadata, next) {
        metadataSent = true;
        if (options.echoRequestId && context) metadata.set(REQUEST_ID_HEADER, context.requestId);
        next(metadata);
      },
      sendStatus(status, next) {
        clearTimeout(timer);
        if (finished) return;
        finished = true;
        // A failure before any response goes out as trailers only, without sendMetadata: the echo
        // then rides with the status, so callers see their id on errors too (as on HTTP).
        if (options.echoRequestId && context && !metadataSent) {
          const metadata = status.metadata?.clone() ?? new Metadata();
          metadata.set(REQUEST_ID_HEADER, context.requestId);
          status = { ...status, metadata };
        }
        const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
        const code = grpcCodeName(status.code);
        options.metrics?.observe({
          transport: 'grpc',
          rpc,
          code,
          failed: status.code !== GrpcStatusCode.OK,
          seconds,
        });
        options.accessLog?.info(
          {
            request_id: context?.requestId,
            transport: 'grpc',
            rpc: methodDescriptor.path,
            code,
            duration_ms: Math.round(seconds * 1e6) / 1e3,
          },
          'request completed',
        );
        next(status);
      },
    });
    return intercepted;
  };
}

function flatMetadata(metadata: Metadata): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.getMap())) {
    if (typeof value === 'string') flat[key] = value;
  }
  return flat;
}
