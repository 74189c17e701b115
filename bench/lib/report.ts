import { LoadResult } from '../load/jobs';

/** Which server a run measured: `project`, or the id of one of the scenario's baselines. */
export type Variant = string;

/** One measured run of the interleaved sequence. */
export interface RunRecord {
  scenario: string;
  variant: Variant;
  connections: number;
  round: number;
  result: LoadResult;
  /** CPU (user + system) the measured server used during the measured part, seconds. */
  serverCpuSeconds?: number;
}

/** Mean over the rounds of one scenario, variant and connection count. */
export interface Stats {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  deliveriesPerSecond?: number;
  /** Server CPU per successful answer (per delivered message for fan-outs), microseconds. */
  cpuMicrosPerOk?: number;
}

/** What a scenario's throughput is: answers per second, or messages delivered per second. */
export type Throughput = 'rps' | 'deliveries';

/** One row of the table: the project against one baseline at one connection count. */
export interface ScenarioRow {
  /** The scenario's `BENCH_SCENARIOS` key. */
  key: string;
  scenario: string;
  /** Label of the baseline this row compares with ('–' when there is none). */
  baseline: string;
  baselineId?: string;
  connections: number;
  throughput: Throughput;
  baselineStats?: Stats;
  project?: Stats;
  /** project / baseline throughput. */
  throughputRatio?: number;
  /** project / baseline p99 latency. */
  p99Ratio?: number;
  /** project / baseline server CPU per successful answer. */
  cpuRatio?: number;
  skipped?: string;
}

/** A line of the Bar: what was checked against which threshold, and whether this run met it. */
export interface GoalCheck {
  goal: string;
  connections?: number;
  measured: string;
  /** undefined: not checked in this run (scenario not selected or skipped). */
  met: boolean | undefined;
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
}

export function statsOf(records: RunRecord[]): Stats | undefined {
  if (records.length === 0) return undefined;
  const results = records.map((record) => record.result);
  const deliveries = results.flatMap((result) =>
    result.deliveriesPerSecond === undefined ? [] : [result.deliveriesPerSecond],
  );
  const withCpu = records.filter((record) => record.serverCpuSeconds !== undefined);
  const cpuSeconds = withCpu.reduce((sum, record) => sum + (record.serverCpuSeconds ?? 0), 0);
  const oks = withCpu.reduce((sum, record) => sum + record.result.ok, 0);
  return {
    rps: mean(results.map((result) => result.rps)),
    p50: mean(results.map((result) => result.p50)),
    p99: mean(results.map((result) => result.p99)),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    deliveriesPerSecond: deliveries.length > 0 ? mean(deliveries) : undefined,
    cpuMicrosPerOk: withCpu.length > 0 && oks > 0 ? (cpuSeconds / oks) * 1e6 : undefined,
  };
}

const throughputOf = (stats: Stats | undefined, throughput: Throughput): number | undefined =>
  throughput === 'deliveries' ? stats?.deliveriesPerSecond : stats?.rps;
const ratio = (project: number | undefined, baseline: number | undefined): number | undefined =>
  project !== undefined && baseline !== undefined && baseline > 0 ? project / baseline : undefined;

/** Rows for one scenario from its runs: one per baseline and connection count. */
export function rowsOf(
  key: string,
  scenario: string,
  baselines: { id: string; label: string }[],
  throughput: Throughput,
  records: RunRecord[],
  connectionCounts: number[],
): ScenarioRow[] {
  const contenders = baselines.length > 0 ? baselines : [{ id: '', label: '–' }];
  return connectionCounts.flatMap((connections) => {
    const mine = records.filter(
      (record) => record.scenario === scenario && record.connections === connections,
    );
    const project = statsOf(mine.filter((record) => record.variant === 'project'));
    return contenders.map((baseline) => {
      const baselineStats = statsOf(mine.filter((record) => record.variant === baseline.id));
      return {
        key,
        scenario,
        baseline: baseline.label,
        baselineId: baseline.id || undefined,
        connections,
        throughput,
        baselineStats,
        project,
        throughputRatio: ratio(
          throughputOf(project, throughput),
          throughputOf(baselineStats, throughput),
        ),
        p99Ratio: ratio(project?.p99, baselineStats?.p99),
        cpuRatio: ratio(project?.cpuMicrosPerOk, baselineStats?.cpuMicrosPerOk),
      };
    });
  });
}

const number = (value: number | undefined, digits = 0): string =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

function throughputCell(stats: Stats | undefined, throughput: Throughput): string {
  if (throughput === 'rps' || stats === undefined) return number(stats?.rps);
  return `${number(stats.deliveriesPerSecond)} delivered/s (${number(stats.rps)} sent/s)`;
}

/** The markdown table of every scenario row. */
export function renderTable(rows: ScenarioRow[]): string {
  const lines = [
    '| scenario | vs baseline | conns | baseline rps | project rps | ratio | baseline p50 / p99 ms | project p50 / p99 ms | p99 ratio | CPU µs/ok b / p | CPU ratio | errors b/p |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    if (row.skipped) {
      lines.push(
        `| ${row.scenario} | ${row.baseline} | – | skipped: ${row.skipped} | | | | | | | | |`,
      );
      continue;
    }
    const { baselineStats: baseline, project } = row;
    lines.push(
      `| ${row.scenario} | ${row.baseline} | ${row.connections} | ${throughputCell(baseline, row.throughput)} | ` +
        `${throughputCell(project, row.throughput)} | ${number(row.throughputRatio, 2)} | ` +
        `${number(baseline?.p50, 2)} / ${number(baseline?.p99, 2)} | ${number(project?.p50, 2)} / ${number(project?.p99, 2)} | ` +
        `${number(row.p99Ratio, 2)} | ${number(baseline?.cpuMicrosPerOk)} / ${number(project?.cpuMicrosPerOk)} | ` +
        `${number(row.cpuRatio, 2)} | ${baseline ? baseline.errors : '–'} / ${project ? project.errors : '–'} |`,
    );
  }
  return lines.join('\n');
}

export function renderGoals(goals: GoalCheck[]): string {
  const lines = [
    '| bar (checked against) | conns | measured | verdict |',
    '| --- | ---: | --- | --- |',
  ];
  for (const goal of goals) {
    lines.push(
      `| ${goal.goal} | ${goal.connections ?? '–'} | ${goal.measured} | ${goal.met === undefined ? 'not checked' : goal.met ? 'PASS' : 'FAIL'} |`,
    );
  }
  return lines.join('\n');
}

/** Start-up time and memory of each server process. */
export interface ProcessFacts {
  name: string;
  startupMs: number;
  rssAfterLoadMiB: number;
  logLines: number;
}

export function renderProcesses(facts: ProcessFacts[]): string {
  const lines = [
    '| server | start-up ms (spawn → ready) | RSS after load MiB | log lines written |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const fact of facts) {
    lines.push(
      `| ${fact.name} | ${number(fact.startupMs)} | ${number(fact.rssAfterLoadMiB, 1)} | ${fact.logLines} |`,
    );
  }
  return lines.join('\n');
}
