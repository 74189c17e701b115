import { Delivery, NotificationTransport, PermanentDeliveryError } from './notification-transport';

/** Statuses a retry may fix although they are 4xx. */
const RETRYABLE_CLIENT_ERRORS = new Set([408, 425, 429]);

/**
 * sms and push: the notification POSTed as JSON to a webhook (an SMS gateway or push relay), body
 * `{notification_id, user_id, type, subject, message, metadata}`. A 2xx answer is delivered; other
 * 4xx answers are permanent; 5xx, timeouts and network errors are retried.
 */
export class WebhookTransport implements NotificationTransport {
  readonly description: string;

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {
    this.description = `webhook ${new URL(url).origin}`;
  }

  async deliver(delivery: Delivery): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        notification_id: delivery.notificationId,
        user_id: delivery.userId,
        type: delivery.channel,
        subject: delivery.subject,
        message: delivery.message,
        metadata: delivery.metadata,
      }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // Drain the body so the keep-alive connection is reused.
    await response.arrayBuffer();
    if (response.ok) return;
    const problem = `webhook answered ${response.status}`;
    if (response.status < 500 && !RETRYABLE_CLIENT_ERRORS.has(response.status)) {
      throw new PermanentDeliveryError(problem);
    }
    throw new Error(problem);
  }
}
