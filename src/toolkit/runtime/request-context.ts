import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Per-request state, available anywhere below a handler through `currentRequest()`. @publicApi */
export interface RequestContext {
  requestId: string;
  transport: 'http' | 'grpc';
  /** `GetUser` for toolkit routes; the URL pattern or gRPC path otherwise. */
  rpc: string;
  /** Epoch milliseconds after which the call answers DEADLINE_EXCEEDED; propagate it downstream. */
  deadline: number;
  /** Incoming headers / metadata values the caller sent, lower-case names. */
  headers: Readonly<Record<string, string>>;
  /**
   * Aborted once nobody waits for the answer any more: the request timed out (the caller already
   * got DEADLINE_EXCEEDED), or the client cancelled or went away. The handler is not stopped by
   * itself; pass the signal on (`fetch`, `setTimeout` from `node:timers/promises`, ...) or check
   * `signal.aborted` between steps to stop work nobody will see. Its `reason` is a `ToolkitError`
   * (DEADLINE_EXCEEDED or CANCELLED). Set for HTTP and gRPC requests served by the toolkit.
   */
  signal?: AbortSignal;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `context` as the current request. @internal */
export function runInRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The request being served, or undefined outside a request. @publicApi */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Header (HTTP) and metadata key (gRPC) of the request id. @publicApi */
export const REQUEST_ID_HEADER = 'x-request-id';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's request id when it is short and plain, else makes a new one. @publicApi */
export function acceptRequestId(incoming: unknown): string {
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

const GRPC_TIMEOUT = /^(\d{1,8})([HMSmun])$/;
const GRPC_TIMEOUT_UNIT_MS: Record<string, number> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000001,
};

/** Parses a `grpc-timeout` header value (`100m`, `5S`) into milliseconds. @publicApi */
export function parseGrpcTimeout(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = GRPC_TIMEOUT.exec(value);
  return match ? Number(match[1]) * GRPC_TIMEOUT_UNIT_MS[match[2]] : undefined;
}

/**
 * The cancellation of one request. Most handlers never look at `signal`, so the AbortController
 * is only built on first access; an abort that came earlier is applied to it then.
 * @internal
 */
export class RequestCancellation {
  private controller: AbortController | undefined;
  private reason: unknown;
  private aborted = false;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Aborts once; later calls keep the first reason, as AbortController does. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}
