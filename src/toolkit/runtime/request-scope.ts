import type { ToolkitLogger } from './toolkit-logger';

/**
 * What a service method needs of the call it serves, without its transport: the deadline its
 * database and downstream work must finish by, and a logger whose lines carry the request id. A
 * handler's `CallContext` is one; work that serves no call (a queue consumer, a worker) passes none.
 * @publicApi
 */
export interface RequestScope {
  /** Epoch milliseconds; retries of transient failures stop there. */
  readonly deadline?: number;
  /** The call's logger (`request_id`, `rpc` on its lines); the service's own when absent. */
  readonly log?: ToolkitLogger;
}

/** The scope's logger for `context`, or `fallback` when the work serves no call. @publicApi */
export function scopeLogger(
  scope: RequestScope,
  context: string,
  fallback: ToolkitLogger,
): ToolkitLogger {
  return scope.log?.forContext(context) ?? fallback;
}
