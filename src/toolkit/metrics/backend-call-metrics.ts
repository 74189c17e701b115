import { Counter, Histogram, Registry } from 'prom-client';
import { registeredCounter } from './registered-metrics';

/** Latency buckets of a gateway → backend call, seconds. */
const BACKEND_CALL_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The gateway's calls to its backends: count by target (the backend's resolver name), method
 * and gRPC code name, and latency by target. What a backend answered, not what the client of
 * the gateway saw (a DEADLINE_EXCEEDED here is the backend's).
 * @publicApi
 */
export class BackendCallMetrics {
  private readonly calls: Counter<'target' | 'method' | 'code'>;
  private readonly duration: Histogram<'target'>;

  constructor(registry: Registry) {
    this.calls = registeredCounter(registry, {
      name: 'toolkit_gateway_backend_calls_total',
      help: 'Gateway calls to backends, by target service, method and gRPC code',
      labelNames: ['target', 'method', 'code'],
    });
    const existing = registry.getSingleMetric('toolkit_gateway_backend_call_duration_seconds');
    this.duration =
      existing instanceof Histogram
        ? (existing as Histogram<'target'>)
        : new Histogram({
            name: 'toolkit_gateway_backend_call_duration_seconds',
            help: 'Latency of gateway calls to backends, by target service',
            labelNames: ['target'],
            buckets: BACKEND_CALL_BUCKETS,
            registers: [registry],
          });
  }

  observe(target: string, method: string, code: string, seconds: number): void {
    this.calls.inc({ target, method, code });
    this.duration.observe({ target }, seconds);
  }
}
