import type { Counter, Registry } from 'prom-client';
import { registeredCounter } from '../../toolkit/metrics';

/** Why a delivery went to the DLQ: not JSON, refused by its handler, or out of retries. */
export type DeadLetterReason = 'invalid_json' | 'unprocessable' | 'retries_exhausted';

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
}
