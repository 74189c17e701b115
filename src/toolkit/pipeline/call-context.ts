import type { ExecutionContext } from '@nestjs/common';
import type { CallerIdentity } from '../auth/caller-identity';
import { ToolkitError } from '../errors/toolkit-error';
import type { ToolkitLogger } from '../runtime/toolkit-logger';

/**
 * One call being served (an HTTP request, a gRPC call, a WebSocket upgrade or stream), handed to
 * handlers through `@Call()` and to guards through `callContextOf()`. Pass it on (`GrpcClient`
 * calls, the pgsql plugin) so the request id and the deadline travel with the work.
 * @publicApi
 */
export interface CallContext {
  /** The caller's `x-request-id` when short and plain, else a new one. */
  readonly requestId: string;
  readonly transport: 'http' | 'grpc' | 'websocket';
  /** The proto method name, e.g. `GetUser`. */
  readonly rpc: string;
  /** Epoch milliseconds after which the call answers DEADLINE_EXCEEDED; propagate it downstream. */
  readonly deadline: number;
  /** Incoming headers (HTTP) or metadata values (gRPC), lower-case names; built on first read. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Aborted once nobody waits for the answer any more: the deadline passed (the caller already got
   * DEADLINE_EXCEEDED), or the client cancelled or went away. Its `reason` is a `ToolkitError`
   * (DEADLINE_EXCEEDED or CANCELLED). Built on first read: most handlers never look at it.
   */
  readonly signal: AbortSignal;
  /** The verified identity of the caller, once the caller token or a security middleware checked it. */
  readonly caller?: CallerIdentity;
  /** This app's logger, its lines carrying `request_id` and `rpc`; built on first read. */
  readonly log: ToolkitLogger;
}

/**
 * The `CallContext` a plan put among the arguments of a guard's execution context, or undefined
 * for a context the toolkit did not build (a queue handler's).
 * @publicApi
 */
export function callContextOf(context: ExecutionContext): CallContext | undefined {
  for (const argument of context.getArgs<unknown[]>()) {
    if (argument instanceof ServedCall) return argument;
  }
  return undefined;
}

/** What a transport tells a `ServedCall` about itself; read lazily, only when asked. @internal */
export interface CallOrigin {
  /** The headers or metadata, flattened. */
  readHeaders(): Record<string, string>;
  /** Starts watching for the client going away; called once, when `signal` is first read. */
  watchCancel(cancel: () => void): void;
  /** The object guards attach the verified caller identity to (Fastify request, grpc Metadata). */
  readonly identityCarrier: object;
  /** Reads the identity attached to `identityCarrier`. */
  identityOf(carrier: object): CallerIdentity | undefined;
  /** The app's logger with `request_id` and `rpc` bound. */
  childLogger(requestId: string, rpc: string): ToolkitLogger;
}

/** The longest delay `setTimeout` honours (longer ones fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The toolkit's `CallContext`: plain fields, and an AbortController, a header map and a child
 * logger only for the calls that read them.
 * @internal
 */
export class ServedCall implements CallContext {
  private headerMap?: Record<string, string>;
  private controller?: AbortController;
  private abortReason: unknown;
  private aborted = false;
  private logger?: ToolkitLogger;
  private timer?: NodeJS.Timeout;

  constructor(
    readonly requestId: string,
    readonly transport: CallContext['transport'],
    readonly rpc: string,
    readonly deadline: number,
    /** The transport's own request object (Fastify request, grpc-js call), for toolkit code. */
    readonly origin: CallOrigin,
  ) {}

  get headers(): Readonly<Record<string, string>> {
    return (this.headerMap ??= this.origin.readHeaders());
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortReason);
      else this.origin.watchCancel(() => this.cancelled());
    }
    return this.controller.signal;
  }

  get caller(): CallerIdentity | undefined {
    return this.origin.identityOf(this.origin.identityCarrier);
  }

  get log(): ToolkitLogger {
    return (this.logger ??= this.origin.childLogger(this.requestId, this.rpc));
  }

  /** Whether `abort` ran (deadline, cancel or finish). */
  get isAborted(): boolean {
    return this.aborted;
  }

  /**
   * The one deadline timer of the call (unref'd, cleared by `finish`). `onExpiry` answers
   * DEADLINE_EXCEEDED; the signal is aborted with that error after it.
   */
  startDeadline(onExpiry: (error: Error) => void, makeError: () => Error): void {
    const left = this.deadline - Date.now();
    // No deadline (a stream without one), or one past what a timer can hold (it would fire now).
    if (!(left <= MAX_TIMER_MS)) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const error = makeError();
        onExpiry(error);
        this.abort(error);
      },
      Math.max(0, left),
    );
    this.timer.unref();
  }

  /** Clears the deadline timer; the call is over. */
  finish(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Aborts once; later calls keep the first reason, as AbortController does. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.finish();
    this.controller?.abort(reason);
  }

  private cancelled(): void {
    this.abort(ToolkitError.cancelled('the client cancelled the call or went away'));
  }
}

/**
 * The Fastify request (or a WebSocket upgrade's stand-in) an HTTP call arrived as, for toolkit
 * code that forwards its headers and client address (the gateway's proxy).
 * @internal
 */
export function httpRequestOf(call: CallContext): unknown {
  return call instanceof ServedCall && call.transport !== 'grpc'
    ? call.origin.identityCarrier
    : undefined;
}
