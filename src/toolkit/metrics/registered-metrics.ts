import { Counter, CounterConfiguration, Gauge, Registry } from 'prom-client';

/** One value of a gauge, under its labels. */
export interface GaugeReading<L extends string> {
  labels?: Partial<Record<L, string>>;
  value: number;
}

/** Reads a source's current values; called on every scrape. */
export type GaugeSource<L extends string> = () =>
  readonly GaugeReading<L>[] | Promise<readonly GaugeReading<L>[]>;

/**
 * A gauge whose values are read when Prometheus scrapes, from every source registered on it (each
 * plugin instance of an app registers one): nothing is updated on the hot path. Readings of
 * several sources under the same labels add up. A source that throws contributes nothing to
 * that scrape (its series are absent rather than stale) and does not fail the others.
 * @publicApi
 */
export class SourcedGauge<L extends string = string> extends Gauge<L> {
  private readonly sources = new Set<GaugeSource<L>>();

  constructor(name: string, help: string, labelNames: readonly L[], registry: Registry) {
    super({
      name,
      help,
      labelNames,
      registers: [registry],
      collect: async () => {
        const settled = await Promise.allSettled([...this.sources].map(async (read) => read()));
        // Written in one synchronous step after every read: concurrent scrapes cannot interleave.
        this.reset();
        for (const outcome of settled) {
          if (outcome.status !== 'fulfilled') continue;
          for (const { labels, value } of outcome.value) this.inc(labels ?? {}, value);
        }
      },
    });
  }

  /** Adds `source`; the returned function removes it again. */
  addSource(source: GaugeSource<L>): () => void {
    this.sources.add(source);
    return () => void this.sources.delete(source);
  }
}

/**
 * The counter `name` of `registry`, created on first use: instances of one plugin kind in one app
 * (two cache prefixes, say) share it and tell themselves apart by their labels.
 * @publicApi
 */
export function registeredCounter<L extends string>(
  registry: Registry,
  config: Omit<CounterConfiguration<L>, 'registers'>,
): Counter<L> {
  const existing = registry.getSingleMetric(config.name);
  if (existing instanceof Counter) return existing as Counter<L>;
  if (existing) throw new Error(`metric ${config.name} is already registered, not as a counter`);
  return new Counter({ ...config, registers: [registry] });
}

/** The scrape-time gauge `name` of `registry`, created on first use (see {@link SourcedGauge}). @publicApi */
export function sourcedGauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
): SourcedGauge<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof SourcedGauge) return existing as SourcedGauge<L>;
  if (existing) throw new Error(`metric ${name} is already registered, not as a sourced gauge`);
  return new SourcedGauge(name, help, labelNames, registry);
}
