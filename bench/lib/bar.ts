import { GoalCheck, ScenarioRow } from './report';

/** One ratio the Bar names: scenario × baseline, which ratio, and its threshold. */
interface BarLine {
  /** Which bar, in words, with the baseline it is checked against. */
  bar: string;
  scenario: string;
  baselineId: string;
  ratio: 'throughput' | 'cpu';
  /** throughput: ratio ≥ threshold; cpu: ratio ≤ threshold. */
  threshold: number;
}

/** Scenario keys (also the names `BENCH_SCENARIOS` takes). */
export const SCENARIO_KEYS = [
  'get',
  'grpc',
  'post',
  'gateway',
  'ws',
  'stream',
  'stream-push',
] as const;
export type ScenarioKey = (typeof SCENARIO_KEYS)[number];

/** Baseline ids, shared by the orchestrator (which starts them) and the Bar (which reads them). */
export const BASELINE = {
  nest: 'nest-stock',
  fastifyObserved: 'fastify-observed',
  fastifyBare: 'fastify-bare',
  grpcObserved: 'grpc-js-observed',
  grpcBare: 'grpc-js-bare',
  /** The project itself with its access log and metrics off: what the toolkit costs without them. */
  projectQuiet: 'project-quiet',
  gatewayObserved: 'gateway-checks-observed',
  gatewayBare: 'gateway-bare',
  streamObserved: 'grpc-js-stream-observed',
} as const;

const BAR: BarLine[] = [
  {
    bar: 'Runtime v2: cached GET rps ≥ 0.85× stock Nest',
    scenario: 'get',
    baselineId: BASELINE.nest,
    ratio: 'throughput',
    threshold: 0.85,
  },
  {
    bar: 'Runtime v2: cached GET rps ≥ 0.75× plain Fastify (bare)',
    scenario: 'get',
    baselineId: BASELINE.fastifyBare,
    ratio: 'throughput',
    threshold: 0.75,
  },
  {
    bar: 'Runtime v2: cached GET rps ≥ 0.75× plain Fastify (logs + metrics)',
    scenario: 'get',
    baselineId: BASELINE.fastifyObserved,
    ratio: 'throughput',
    threshold: 0.75,
  },
  {
    bar: 'Runtime v2: cached GET CPU/request ≤ 1.4× plain Fastify (bare)',
    scenario: 'get',
    baselineId: BASELINE.fastifyBare,
    ratio: 'cpu',
    threshold: 1.4,
  },
  {
    bar: 'Runtime v2: cached GET CPU/request ≤ 1.4× plain Fastify (logs + metrics)',
    scenario: 'get',
    baselineId: BASELINE.fastifyObserved,
    ratio: 'cpu',
    threshold: 1.4,
  },
  {
    bar: 'Runtime v2: gRPC GetUser CPU/call ≤ 1.25× plain grpc-js (bare)',
    scenario: 'grpc',
    baselineId: BASELINE.grpcBare,
    ratio: 'cpu',
    threshold: 1.25,
  },
  {
    bar: 'Runtime v2: gRPC GetUser CPU/call ≤ 1.25× plain grpc-js (logs + metrics)',
    scenario: 'grpc',
    baselineId: BASELINE.grpcObserved,
    ratio: 'cpu',
    threshold: 1.25,
  },
  {
    bar: 'Runtime v2: gRPC GetUser rps ≥ 0.85× plain grpc-js (bare)',
    scenario: 'grpc',
    baselineId: BASELINE.grpcBare,
    ratio: 'throughput',
    threshold: 0.85,
  },
  {
    bar: 'Runtime v2: gRPC GetUser rps ≥ 0.85× plain grpc-js (logs + metrics)',
    scenario: 'grpc',
    baselineId: BASELINE.grpcObserved,
    ratio: 'throughput',
    threshold: 0.85,
  },
  {
    bar: 'Runtime v2: gateway rps ≥ 1.0× plain gateway with rate limit + deny-list (logs + metrics)',
    scenario: 'gateway',
    baselineId: BASELINE.gatewayObserved,
    ratio: 'throughput',
    threshold: 1.0,
  },
  {
    bar: 'Runtime v2: gateway rps ≥ 0.9× plain gateway without rate limit + deny-list (bare)',
    scenario: 'gateway',
    baselineId: BASELINE.gatewayBare,
    ratio: 'throughput',
    threshold: 0.9,
  },
  {
    bar: 'Streaming: server-stream deliveries/s ≥ 0.8× plain grpc-js server stream (messages POSTed)',
    scenario: 'stream',
    baselineId: BASELINE.streamObserved,
    ratio: 'throughput',
    threshold: 0.8,
  },
  {
    bar: 'Streaming: server-stream deliveries/s ≥ 0.8× plain grpc-js server stream (frames pushed to Redis)',
    scenario: 'stream-push',
    baselineId: BASELINE.streamObserved,
    ratio: 'throughput',
    threshold: 0.8,
  },
];

/** Every Bar line whose scenario ran, one per connection count; skipped ones say so. */
export function checkBar(rows: ScenarioRow[]): GoalCheck[] {
  const checks: GoalCheck[] = [];
  for (const line of BAR) {
    const matching = rows.filter(
      (row) => row.key === line.scenario && row.baselineId === line.baselineId && !row.skipped,
    );
    const skipped = rows.find((row) => row.key === line.scenario && row.skipped);
    if (matching.length === 0) {
      checks.push({
        goal: line.bar,
        measured: skipped ? `skipped: ${skipped.skipped}` : 'not run (BENCH_SCENARIOS)',
        met: undefined,
      });
      continue;
    }
    for (const row of matching) {
      const value = line.ratio === 'cpu' ? row.cpuRatio : row.throughputRatio;
      checks.push({
        goal: line.bar,
        connections: row.connections,
        measured: value === undefined ? '–' : `${value.toFixed(2)}×`,
        met:
          value !== undefined &&
          (line.ratio === 'cpu' ? value <= line.threshold : value >= line.threshold),
      });
    }
  }
  return checks;
}
