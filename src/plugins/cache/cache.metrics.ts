import type { Registry } from 'prom-client';
import { registeredCounter } from '../../toolkit/metrics';

/** Counters of one cache instance, bound to its `prefix` label. */
interface BoundCounter {
  inc(): void;
}

/**
 * Lookups of one cache instance (label `prefix`): hits and misses of `get`, and commands of any
 * kind that failed (Redis unreachable, timed out), which callers usually absorb.
 * @internal
 */
export class CacheMetrics {
  readonly hit: () => void;
  readonly miss: () => void;
  readonly error: () => void;

  constructor(registry: Registry, prefix: string) {
    const bound = (name: string, help: string): BoundCounter =>
      registeredCounter(registry, { name, help, labelNames: ['prefix'] }).labels({ prefix });
    const hits = bound('toolkit_cache_hits_total', 'Cache lookups that found their key');
    const misses = bound('toolkit_cache_misses_total', 'Cache lookups that did not find their key');
    const errors = bound('toolkit_cache_errors_total', 'Cache commands that failed');
    this.hit = () => hits.inc();
    this.miss = () => misses.inc();
    this.error = () => errors.inc();
  }
}
