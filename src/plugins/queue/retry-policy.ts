import { backoffDelay } from '../../toolkit/runtime/backoff';

/** Bounded exponential backoff between handler retries. */
export interface RetryPolicy {
  /** Retries after the first delivery; 0 sends a failed message to the DLQ at once. */
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/** Delay before retry number `retry` (1-based): initial, then doubled, capped. */
export function retryDelay(policy: RetryPolicy, retry: number): number {
  return backoffDelay(policy.initialDelayMs, policy.maxDelayMs, retry);
}

/** The queue names of one subscription: the main queue, its delayed-retry queue and its dead-letter queue. */
export interface SubscriptionQueues {
  main: string;
  retry: string;
  dlq: string;
}

/** `<service>.<event>`, its retry queue and its DLQ. */
export function subscriptionQueues(service: string, event: string): SubscriptionQueues {
  const main = `${service}.${event}`;
  return { main, retry: `${main}.retry`, dlq: `${main}.dlq` };
}
