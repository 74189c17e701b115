import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Labels of the request metrics. @publicApi */
export interface RequestObservation {
  transport: 'http' | 'grpc';
  rpc: string;
  /** HTTP status for http, gRPC code name for grpc. */
  code: string;
  failed: boolean;
  seconds: number;
}

/**
 * Prometheus metrics of one app, on its own registry so that several apps in one process do not
 * collide: request count and latency per rpc and transport, errors by code, process defaults.
 * @publicApi
 */
export class ToolkitMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'transport' | 'rpc' | 'code'>;
  private readonly errors: Counter<'transport' | 'rpc' | 'code'>;
  private readonly duration: Histogram<'transport' | 'rpc'>;
  private readonly streamMessages: Counter<'transport' | 'rpc' | 'direction'>;

  constructor(serviceName: string) {
    this.registry.setDefaultLabels({ service: serviceName });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const labelNames = ['transport', 'rpc', 'code'] as const;
    this.requests = new Counter({
      name: 'toolkit_requests_total',
      help: 'Requests served, by transport, rpc and status code',
      labelNames,
      registers,
    });
    this.errors = new Counter({
      name: 'toolkit_request_errors_total',
      help: 'Failed requests, by transport, rpc and status code',
      labelNames,
      registers,
    });
    this.duration = new Histogram({
      name: 'toolkit_request_duration_seconds',
      help: 'Request latency, by transport and rpc',
      labelNames: ['transport', 'rpc'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.streamMessages = new Counter({
      name: 'toolkit_stream_messages_total',
      help: 'Messages of streaming rpcs, by transport, rpc and direction (received, sent)',
      labelNames: ['transport', 'rpc', 'direction'],
      registers,
    });
  }

  /** The messages one finished stream received and sent (the stream itself counts in `observe`). */
  observeStreamMessages(transport: string, rpc: string, received: number, sent: number): void {
    if (received > 0) this.streamMessages.inc({ transport, rpc, direction: 'received' }, received);
    if (sent > 0) this.streamMessages.inc({ transport, rpc, direction: 'sent' }, sent);
  }

  observe({ transport, rpc, code, failed, seconds }: RequestObservation): void {
    this.requests.inc({ transport, rpc, code });
    if (failed) this.errors.inc({ transport, rpc, code });
    this.duration.observe({ transport, rpc }, seconds);
  }
}
