import { PluginStatusRegistry } from '../plugins';
import { HealthState } from './health';

/** A registry with one plugin whose check passes while `up` is true. */
function healthWith(required: boolean) {
  const backend = { up: true, checks: 0 };
  const plugins = new PluginStatusRegistry();
  plugins.register({
    prefix: 'store',
    kind: 'fake',
    backend: 'fake store',
    embedded: false,
    required,
    check: async () => {
      backend.checks += 1;
      if (!backend.up) throw new Error('store is down');
    },
  });
  return { health: new HealthState(plugins), backend };
}

/** Collects the verdicts `watchReadiness` reports; `next(n)` waits for the n-th. */
function collect() {
  const seen: boolean[] = [];
  const waiters: Array<() => void> = [];
  return {
    seen,
    listener: (ready: boolean) => {
      seen.push(ready);
      waiters.splice(0).forEach((wake) => wake());
    },
    async next(count: number): Promise<boolean[]> {
      while (seen.length < count) await new Promise<void>((wake) => waiters.push(wake));
      return seen.slice(0, count);
    },
  };
}

describe('HealthState.watchReadiness', () => {
  it('reports the first verdict, then only changes, then not-ready at once on shutdown', async () => {
    const { health, backend } = healthWith(true);
    const verdicts = collect();
    const stop = health.watchReadiness(verdicts.listener, 5);
    expect(await verdicts.next(1)).toEqual([true]);
    backend.up = false;
    expect(await verdicts.next(2)).toEqual([true, false]);
    backend.up = true;
    expect(await verdicts.next(3)).toEqual([true, false, true]);
    health.markShuttingDown();
    expect(verdicts.seen).toEqual([true, false, true, false]);
    // Shutdown ends the polling: no check runs any more.
    const checks = backend.checks;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(backend.checks).toBe(checks);
    stop();
  });

  it('stays ready while only an optional plugin fails', async () => {
    const { health, backend } = healthWith(false);
    backend.up = false;
    const verdicts = collect();
    const stop = health.watchReadiness(verdicts.listener, 5);
    expect(await verdicts.next(1)).toEqual([true]);
    const checks = backend.checks;
    while (backend.checks < checks + 3) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(verdicts.seen).toEqual([true]);
    stop();
  });

  it('reports not-ready without a check when watched after shutdown began', () => {
    const { health, backend } = healthWith(true);
    health.markShuttingDown();
    const verdicts = collect();
    health.watchReadiness(verdicts.listener, 5);
    expect(verdicts.seen).toEqual([false]);
    expect(backend.checks).toBe(0);
  });

  it('reports nothing more once stopped', async () => {
    const { health, backend } = healthWith(true);
    const verdicts = collect();
    const stop = health.watchReadiness(verdicts.listener, 5);
    await verdicts.next(1);
    stop();
    backend.up = false;
    health.markShuttingDown();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(verdicts.seen).toEqual([true]);
  });
});
