import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * prom-client's gauges that carry a `_total` suffix, which Prometheus reserves for counters
 * (`promtool check metrics` rejects them). Each has a per-type twin without the suffix
 * (`nodejs_active_handles{type}`...), whose sum is the same number.
 */
const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** Process and Node.js runtime metrics on `registry`, less the misnamed duplicates. @publicApi */
export function collectRuntimeMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
}
