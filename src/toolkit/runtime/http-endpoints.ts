import type { FastifyInstance } from 'fastify';
import { HealthState } from './health';
import { ToolkitMetrics } from './toolkit-metrics';

/** Paths of the probes, on every HTTP port. @publicApi */
export const PROBE_PATHS = {
  liveness: '/_healthz/liveness',
  readiness: '/_healthz/readiness',
} as const;
/** @publicApi */
export const METRICS_PATH = '/metrics';

/**
 * Probes and metrics as plain Fastify routes: outside Nest's guards, so that the gateway's global
 * `auth` or `rate_limit` never applies to them.
 * @internal
 */
export function installHttpEndpoints(
  fastify: FastifyInstance,
  health: HealthState,
  metrics: ToolkitMetrics | undefined,
): void {
  fastify.get(PROBE_PATHS.liveness, async () => ({ status: 'ok' }));
  fastify.get(PROBE_PATHS.readiness, async (_request, reply) => {
    const readiness = await health.readiness();
    reply.code(readiness.ready ? 200 : 503);
    return {
      status: readiness.status,
      shutting_down: readiness.shuttingDown,
      plugins: readiness.plugins,
    };
  });
  if (metrics) {
    fastify.get(METRICS_PATH, async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    });
  }
}
