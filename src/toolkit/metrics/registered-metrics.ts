import { Counter, CounterConfiguration, Gauge, Registry } from 'prom-client';

/** One value of a metric, under its labels. */
export interface MetricReading<L extends string> {
  labels?: Partial<Record<L, string>>;
  value: number;
}

/** Reads a source's current values; called on every scrape. */
export type MetricSource<L extends string> = () =>
  readonly MetricReading<L>[] | Promise<readonly MetricReading<L>[]>;

/** What a scrape-time metric needs of prom-client's Gauge and Counter alike. */
interface Writable<L extends string> {
  reset(): void;
  inc(labels: Partial<Record<L, string>>, value: number): void;
}

/**
 * Reads every source, then writes all readings in one synchronous step (so concurrent scrapes
 * cannot interleave): readings under the same labels add up, a source that throws is left out.
 */
async function collectFrom<L extends string>(
  metric: Writable<L>,
  sources: ReadonlySet<MetricSource<L>>,
): Promise<void> {
  const settled = await Promise.allSettled([...sources].map(async (read) => read()));
  metric.reset();
  for (const outcome of settled) {
    if (outcome.status !== 'fulfilled') continue;
    for (const { labels, value } of outcome.value) metric.inc(labels ?? {}, value);
  }
}

/**
 * A gauge whose values are read when Prometheus scrapes, from every source registered on it (each
 * plugin instance of an app registers one): nothing is updated on the hot path. Readings of
 * several sources under the same labels add up. A source that throws contributes nothing to
 * that scrape (its series are absent rather than stale) and does not fail the others.
 * @publicApi
 */
export class SourcedGauge<L extends string = string> extends Gauge<L> {
  private readonly sources = new Set<MetricSource<L>>();

  constructor(name: string, help: string, labelNames: readonly L[], registry: Registry) {
    super({
      name,
      help,
      labelNames,
      registers: [registry],
      collect: () => collectFrom<L>(this, this.sources),
    });
  }

  /** Adds `source`; the returned function removes it again. */
  addSource(source: MetricSource<L>): () => void {
    this.sources.add(source);
    return () => void this.sources.delete(source);
  }
}

/**
 * A counter read from its sources' running totals at scrape time, like {@link SourcedGauge}: for
 * counts on a path too hot for a label lookup per increment (a frame per socket of a fan-out),
 * where the owner keeps a plain number. A source's totals must only grow.
 * @publicApi
 */
export class SourcedCounter<L extends string = string> extends Counter<L> {
  private readonly sources = new Set<MetricSource<L>>();

  constructor(name: string, help: string, labelNames: readonly L[], registry: Registry) {
    super({
      name,
      help,
      labelNames,
      registers: [registry],
      collect: () => collectFrom<L>(this, this.sources),
    });
  }

  /** Adds `source`; the returned function removes it again. */
  addSource(source: MetricSource<L>): () => void {
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

/** The scrape-time counter `name` of `registry`, created on first use (see {@link SourcedCounter}). @publicApi */
export function sourcedCounter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
): SourcedCounter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof SourcedCounter) return existing as SourcedCounter<L>;
  if (existing) throw new Error(`metric ${name} is already registered, not as a sourced counter`);
  return new SourcedCounter(name, help, labelNames, registry);
}
