import { createHash } from 'node:crypto';
import { LoggerService } from '@nestjs/common';
import { ConfirmChannel, ConsumeMessage, MessagePropertyHeaders, Options } from 'amqplib';
import { DEATH_REASON_HEADER, DEATH_VERDICT_HEADER, RETRY_COUNT_HEADER } from '../queue.constants';
import { isUnprocessable } from '../queue.errors';
import type { DeadLetterReason, QueueEventMetrics } from '../queue.metrics';
import { QueueHandler } from '../queue.types';
import { RetryPolicy, SubscriptionQueues, retryDelay } from '../retry-policy';
import { publishConfirmed } from './confirm-publish';

/** One consumed subscription as the delivery handler needs it. */
export interface DeliveryTarget {
  event: string;
  queues: SubscriptionQueues;
  handler: QueueHandler;
  retry: RetryPolicy;
  logger: LoggerService;
  /** Counts each delivery's outcome once the broker has it (ack, retry copy, DLQ copy). */
  metrics?: QueueEventMetrics;
}

/**
 * Runs the handler for one delivery and settles it: ack on success; on failure a copy goes to the
 * retry queue (per-message TTL, dead-lettered back to the main queue) or, after the last retry,
 * to the DLQ, and only once the broker confirmed that copy is the original acked. A body that is
 * not JSON, or a handler's `UnprocessableMessageError` (retrying cannot fix it), goes straight to
 * the DLQ. If the copy cannot be published the delivery stays unacked,
 * so the broker redelivers it: a message is never dropped.
 */
export async function handleDelivery(
  channel: ConfirmChannel,
  message: ConsumeMessage,
  target: DeliveryTarget,
): Promise<void> {
  const retries = retryCount(message.properties.headers);
  const messageId = messageIdOf(message);
  let payload: unknown;
  try {
    payload = JSON.parse(message.content.toString('utf8'));
  } catch {
    target.logger.error(
      `${target.queues.main}: message ${messageId} is not valid JSON, dead-lettered`,
    );
    await deadLetter(channel, message, target, 'invalid_json', {
      [DEATH_REASON_HEADER]: 'invalid JSON',
      [DEATH_VERDICT_HEADER]: 'unprocessable',
    });
    return;
  }
  try {
    await target.handler(payload, {
      messageId,
      event: target.event,
      redelivered: message.fields.redelivered,
      attempt: retries + 1,
    });
    channel.ack(message);
    target.metrics?.consumed(target.event);
    return;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (isUnprocessable(error)) {
      target.logger.warn(
        `${target.queues.main}: message ${messageId} cannot be handled: ${reason}; dead-lettered without retries`,
      );
      await deadLetter(channel, message, target, 'unprocessable', {
        [RETRY_COUNT_HEADER]: retries,
        [DEATH_REASON_HEADER]: reason.slice(0, 500),
        [DEATH_VERDICT_HEADER]: 'unprocessable',
      });
      return;
    }
    if (retries < target.retry.maxRetries) {
      const delay = retryDelay(target.retry, retries + 1);
      target.logger.warn(
        `${target.queues.main}: message ${messageId} failed (attempt ${retries + 1}): ${reason}; retrying in ${delay}ms`,
      );
      await settle(
        channel,
        message,
        () =>
          republish(
            channel,
            message,
            target.queues.retry,
            { [RETRY_COUNT_HEADER]: retries + 1 },
            delay,
          ),
        () => target.metrics?.retried(target.event),
      );
    } else {
      target.logger.error(
        `${target.queues.main}: message ${messageId} failed after ${retries + 1} attempts: ${reason}; dead-lettered`,
      );
      await deadLetter(channel, message, target, 'retries_exhausted', {
        [RETRY_COUNT_HEADER]: retries,
        [DEATH_REASON_HEADER]: reason.slice(0, 500),
        [DEATH_VERDICT_HEADER]: 'retries-exhausted',
      });
    }
  }
}

/** Moves the message to its DLQ with `headers` (acked once confirmed) and counts it under `reason`. */
function deadLetter(
  channel: ConfirmChannel,
  message: ConsumeMessage,
  target: DeliveryTarget,
  reason: DeadLetterReason,
  headers: MessagePropertyHeaders,
): Promise<void> {
  return settle(
    channel,
    message,
    () => republish(channel, message, target.queues.dlq, headers),
    () => target.metrics?.deadLettered(target.event, reason),
  );
}

/**
 * Acks once `forward` is confirmed, then reports it (`forwarded`); otherwise leaves the message
 * to the broker (requeue), which counts nothing: the redelivery will be counted.
 */
async function settle(
  channel: ConfirmChannel,
  message: ConsumeMessage,
  forward: () => Promise<void>,
  forwarded: () => void,
): Promise<void> {
  try {
    await forward();
    channel.ack(message);
    forwarded();
  } catch {
    try {
      channel.nack(message, false, true);
    } catch {
      // The channel is gone: the broker requeues every unacked delivery of a closed channel.
    }
  }
}

function republish(
  channel: ConfirmChannel,
  message: ConsumeMessage,
  queue: string,
  headers: MessagePropertyHeaders,
  delayMs?: number,
): Promise<void> {
  const { properties } = message;
  const options: Options.Publish = {
    contentType: properties.contentType as string | undefined,
    contentEncoding: properties.contentEncoding as string | undefined,
    messageId: messageIdOf(message),
    type: (properties.type as string | undefined) ?? message.fields.routingKey,
    timestamp: properties.timestamp as number | undefined,
    appId: properties.appId as string | undefined,
    persistent: true,
    headers: { ...withoutBrokerHeaders(properties.headers), ...headers },
    expiration: delayMs === undefined ? undefined : String(delayMs),
  };
  return publishConfirmed(channel, '', queue, message.content, options);
}

/** `x-death` grows on every pass through the retry queue; our own counter replaces it. */
function withoutBrokerHeaders(headers: MessagePropertyHeaders | undefined): MessagePropertyHeaders {
  const rest: MessagePropertyHeaders = { ...(headers ?? {}) };
  delete rest['x-death'];
  delete rest['x-first-death-exchange'];
  delete rest['x-first-death-queue'];
  delete rest['x-first-death-reason'];
  delete rest['x-last-death-exchange'];
  delete rest['x-last-death-queue'];
  delete rest['x-last-death-reason'];
  return rest;
}

function retryCount(headers: MessagePropertyHeaders | undefined): number {
  const raw: unknown = headers?.[RETRY_COUNT_HEADER];
  const count = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : 0;
  return Number.isInteger(count) && count > 0 ? count : 0;
}

/**
 * The AMQP `message_id`; a message published without one gets a digest of its routing key and
 * body, so that redeliveries of it still carry the same id.
 */
function messageIdOf(message: ConsumeMessage): string {
  const id: unknown = message.properties.messageId;
  if (typeof id === 'string' && id.length > 0) return id;
  const digest = createHash('sha256')
    .update(message.fields.routingKey)
    .update('\0')
    .update(message.content)
    .digest('hex');
  return `sha256:${digest}`;
}
