import { METRICS_PATH, PROBE_PATHS } from '../runtime/http-endpoints';
import { UNTRACED_PATH_PREFIXES } from './start-tracing';
import { tracingRequested } from './tracing-variables';

describe('tracingRequested', () => {
  it.each([
    [{}, false],
    [{ OTEL_TRACES_EXPORTER: '' }, false],
    [{ OTEL_TRACES_EXPORTER: 'none' }, false],
    [{ OTEL_TRACES_EXPORTER: 'otlp,none' }, false],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }, false],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: ' console , otlp ' }, true],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'false' }, true],
  ])('%j → %s', (env, expected) => {
    expect(tracingRequested(env)).toBe(expected);
  });
});

describe('untraced paths', () => {
  it("are the runtime's probe and metrics paths", () => {
    for (const path of [...Object.values(PROBE_PATHS), METRICS_PATH]) {
      expect(UNTRACED_PATH_PREFIXES.some((prefix) => path.startsWith(prefix))).toBe(true);
    }
    expect(
      UNTRACED_PATH_PREFIXES.every((prefix) =>
        [...Object.values(PROBE_PATHS), METRICS_PATH].some((path) => path.startsWith(prefix)),
      ),
    ).toBe(true);
  });
});
