/**
 * Thrown by a handler for a message that can never be handled (wrong shape, failed schema):
 * retrying cannot fix it, so the message goes to the DLQ on this delivery, with the reason in
 * its `x-death-reason` header. Any other error is treated as transient and retried.
 * @publicApi
 */
export class UnprocessableMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnprocessableMessageError';
  }
}

/** The "never retry" verdict on a handler's error. @internal */
export function isUnprocessable(error: unknown): boolean {
  return error instanceof UnprocessableMessageError;
}

/**
 * A publish the broker did not confirm because it cannot be reached (not connected, channel
 * closed, no confirm within PUBLISH_TIMEOUT). A call that published synchronously answers
 * UNAVAILABLE for it; the outbox relay keeps the row and tries again.
 * @publicApi
 */
export class BrokerUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerUnavailableError';
  }
}
