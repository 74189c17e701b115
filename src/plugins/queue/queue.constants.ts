/** Metadata key of `@QueueSubscribe` handlers. */
export const QUEUE_SUBSCRIBE_METADATA = Symbol('toolkit:queue:subscribe');

/** Header counting how many times a message went through the retry queue. */
export const RETRY_COUNT_HEADER = 'x-retry-count';

/** Header set on dead-lettered messages: why the message ended in the DLQ. */
export const DEATH_REASON_HEADER = 'x-death-reason';

/** Header set on dead-lettered messages: `unprocessable` (never retried) or `retries-exhausted`. */
export const DEATH_VERDICT_HEADER = 'x-death-verdict';

/** The default prefix of the queue plugin, the one the service protos declare. */
export const DEFAULT_QUEUE_PREFIX = 'queue';

export const QUEUE_PLUGIN_KIND = 'rabbitmq';
