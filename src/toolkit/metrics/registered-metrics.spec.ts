import { Registry } from 'prom-client';
import { registeredCounter, sourcedCounter, sourcedGauge } from './registered-metrics';

async function exposition(registry: Registry): Promise<string> {
  return registry.metrics();
}

describe('sourcedGauge', () => {
  it('reads every source at scrape time; readings under the same labels add up', async () => {
    const registry = new Registry();
    let open = 2;
    const gauge = sourcedGauge(registry, 'test_connections', 'Open connections', ['socket']);
    gauge.addSource(() => [{ labels: { socket: 'a' }, value: open }]);
    gauge.addSource(() => [{ labels: { socket: 'a' }, value: 1 }]);
    expect(await exposition(registry)).toContain('test_connections{socket="a"} 3');
    open = 5;
    expect(await exposition(registry)).toContain('test_connections{socket="a"} 6');
  });

  it('leaves out a failing source (no stale value) without failing the scrape', async () => {
    const registry = new Registry();
    let failing = false;
    const gauge = sourcedGauge(registry, 'test_rows', 'Rows', ['table']);
    gauge.addSource(async () => {
      if (failing) throw new Error('database down');
      return [{ labels: { table: 'outbox' }, value: 4 }];
    });
    gauge.addSource(() => [{ labels: { table: 'other' }, value: 1 }]);
    expect(await exposition(registry)).toContain('test_rows{table="outbox"} 4');
    failing = true;
    const text = await exposition(registry);
    expect(text).not.toContain('table="outbox"');
    expect(text).toContain('test_rows{table="other"} 1');
  });

  it('forgets a removed source', async () => {
    const registry = new Registry();
    const remove = sourcedGauge(registry, 'test_open', 'Open', ['socket']).addSource(() => [
      { labels: { socket: 'hub' }, value: 1 },
    ]);
    expect(await exposition(registry)).toContain('test_open{socket="hub"} 1');
    remove();
    expect(await exposition(registry)).not.toContain('socket="hub"');
  });

  it('does not double count when two scrapes overlap', async () => {
    const registry = new Registry();
    sourcedGauge(registry, 'test_slow', 'Slow', ['table']).addSource(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return [{ labels: { table: 't' }, value: 7 }];
    });
    const [first, second] = await Promise.all([exposition(registry), exposition(registry)]);
    expect(first).toContain('test_slow{table="t"} 7');
    expect(second).toContain('test_slow{table="t"} 7');
  });

  it('gives the same gauge to every caller of one registry, and its own to another registry', () => {
    const registry = new Registry();
    const gauge = sourcedGauge(registry, 'test_shared', 'Shared');
    expect(sourcedGauge(registry, 'test_shared', 'Shared')).toBe(gauge);
    expect(sourcedGauge(new Registry(), 'test_shared', 'Shared')).not.toBe(gauge);
  });
});

describe('registeredCounter', () => {
  it('is created once per registry, so plugin instances share it through their labels', async () => {
    const registry = new Registry();
    const config = { name: 'test_hits_total', help: 'Hits', labelNames: ['prefix'] as const };
    registeredCounter(registry, config).inc({ prefix: 'a' });
    registeredCounter(registry, config).inc({ prefix: 'b' }, 2);
    const text = await exposition(registry);
    expect(text).toContain('test_hits_total{prefix="a"} 1');
    expect(text).toContain('test_hits_total{prefix="b"} 2');
  });

  it('refuses a name already taken by another kind of metric', () => {
    const registry = new Registry();
    sourcedGauge(registry, 'test_taken', 'Taken');
    expect(() => registeredCounter(registry, { name: 'test_taken', help: 'Taken' })).toThrow(
      /already registered, not as a counter/,
    );
  });
});

describe('sourcedCounter', () => {
  it("serves its sources' running totals as a counter, summed per labels", async () => {
    const registry = new Registry();
    let hub = 0;
    const counter = sourcedCounter(registry, 'test_frames_total', 'Frames', ['socket']);
    counter.addSource(() => [{ labels: { socket: 'hub' }, value: hub }]);
    counter.addSource(() => [{ labels: { socket: 'gateway' }, value: 2 }]);
    hub = 3;
    let text = await exposition(registry);
    expect(text).toContain('# TYPE test_frames_total counter');
    expect(text).toContain('test_frames_total{socket="hub"} 3');
    expect(text).toContain('test_frames_total{socket="gateway"} 2');
    hub = 10;
    text = await exposition(registry);
    expect(text).toContain('test_frames_total{socket="hub"} 10');
    expect(sourcedCounter(registry, 'test_frames_total', 'Frames')).toBe(counter);
  });
});
