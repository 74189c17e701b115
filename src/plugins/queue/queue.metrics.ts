import type { LoggerService } from '@nestjs/common';
import type { Counter, Registry } from 'prom-client';
import { registeredCounter } from '../../toolkit/metrics';

/** Why a delivery went to the DLQ: not JSON, refused by its handler, or out of retries. */
export type DeadLetterReason = 'invalid_json' | 'unprocessable' | 'retries_exhausted';

/**
 * Reports an event that reached no queue: one warning and one count. Pub/sub semantics: the
 * exchange keeps nothing for a subscriber that has not bound its queue yet (a consumer deployed
 * after its publisher, or still connecting), so the loss is made loud instead of silent. The same
 * report for RabbitMQ (`broker`: its exchange) and the embedded broker.
 * @internal
 */
export function reportUnroutable(
  report: { logger: LoggerService; metrics?: QueueEventMetrics },
  event: { routingKey: string; messageId: string; broker: string },
): void {
  report.logger.warn(
    `event ${event.routingKey} (message ${event.messageId}) reached no queue: none is bound to it on ${event.broker}, so it was dropped; start its subscribers before its publishers`,
  );
  report.metrics?.unroutable(event.routingKey);
}

/**
 * What happened to the deliveries a service consumed, by routing key: handled (acked), sent to
 * the retry queue, dead-lettered (with the reason). The same counters for RabbitMQ and the
 * embedded broker.
 * @internal
 */
export class QueueEventMetrics {
  private readonly consumedTotal: Counter<'routing_key'>;
  private readonly retriedTotal: Counter<'routing_key'>;
  private readonly deadLetteredTotal: Counter<'routing_key' | 'reason'>;
  private readonly unroutableTotal: Counter<'routing_key'>;

  constructor(registry: Registry) {
    this.consumedTotal = registeredCounter(registry, {
      name: 'toolkit_queue_events_consumed_total',
      help: 'Events handled and acknowledged, by routing key',
      labelNames: ['routing_key'],
    });
    this.retriedTotal = registeredCounter(registry, {
      name: 'toolkit_queue_events_retried_total',
      help: 'Event deliveries that failed and were scheduled for a retry, by routing key',
      labelNames: ['routing_key'],
    });
    this.deadLetteredTotal = registeredCounter(registry, {
      name: 'toolkit_queue_events_dead_lettered_total',
      help: 'Events moved to their dead-letter queue, by routing key and reason',
      labelNames: ['routing_key', 'reason'],
    });
    this.unroutableTotal = registeredCounter(registry, {
      name: 'toolkit_queue_events_unroutable_total',
      help: 'Events this service published that no queue was bound to, so the broker dropped them, by routing key',
      labelNames: ['routing_key'],
    });
  }

  consumed(routingKey: string): void {
    this.consumedTotal.inc({ routing_key: routingKey });
  }

  retried(routingKey: string): void {
    this.retriedTotal.inc({ routing_key: routingKey });
  }

  deadLettered(routingKey: string, reason: DeadLetterReason): void {
    this.deadLetteredTotal.inc({ routing_key: routingKey, reason });
  }

  unroutable(routingKey: string): void {
    this.unroutableTotal.inc({ routing_key: routingKey });
  }
}
