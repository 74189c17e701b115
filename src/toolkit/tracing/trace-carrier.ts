import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';

/**
 * The active trace context as text headers (`traceparent`, `tracestate`), or null when there is
 * none: with tracing off no propagator is registered and this is always null. For work that
 * continues later under the same trace, such as an outbox row published after the commit.
 * @publicApi
 */
export function activeTraceCarrier(): Record<string, string> | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? carrier : null;
}

/** Runs `work` with the trace context stored in `carrier` as the active one. @publicApi */
export function withTraceCarrier<T>(
  carrier: Readonly<Record<string, string>> | null | undefined,
  work: () => T,
): T {
  if (!carrier) return work();
  return context.with(propagation.extract(ROOT_CONTEXT, carrier), work);
}

/**
 * Runs `work` outside any trace: for background work that a request merely woke up (its spans,
 * if any, must not be attributed to that request).
 * @publicApi
 */
export function outsideTrace<T>(work: () => T): T {
  return context.with(ROOT_CONTEXT, work);
}
