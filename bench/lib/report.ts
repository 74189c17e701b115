import { LoadResult } from '../load/jobs';

/** Which server a run measured. */
export type Variant = 'baseline' | 'project';

/** One measured run of the interleaved sequence. */
export interface RunRecord {
  scenario: string;
  variant: Variant;
  connections: number;
  round: number;
  result: LoadResult;
}

/** Mean over the rounds of one scenario, variant and connection count. */
export interface Stats {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  deliveriesPerSecond?: number;
}

/** One row of the table. */
export interface ScenarioRow {
  scenario: string;
  connections: number;
  baseline?: Stats;
  project?: Stats;
  /** project / baseline rps. */
  rpsRatio?: number;
  /** project / baseline p99 latency. */
  p99Ratio?: number;
  skipped?: string;
}

/** A goal of issue 8 and whether this run met it. */
export interface GoalCheck {
  goal: string;
  connections?: number;
  measured: string;
  met: boolean;
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
  return {
    rps: mean(results.map((result) => result.rps)),
    p50: mean(results.map((result) => result.p50)),
    p99: mean(results.map((result) => result.p99)),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    deliveriesPerSecond: deliveries.length > 0 ? mean(deliveries) : undefined,
  };
}

/** Rows for one scenario from its runs: one per connection count. */
export function rowsOf(
  scenario: string,
  records: RunRecord[],
  connectionCounts: number[],
): ScenarioRow[] {
  return connectionCounts.map((connections) => {
    const mine = records.filter(
      (record) => record.scenario === scenario && record.connections === connections,
    );
    const baseline = statsOf(mine.filter((record) => record.variant === 'baseline'));
    const project = statsOf(mine.filter((record) => record.variant === 'project'));
    return {
      scenario,
      connections,
      baseline,
      project,
      rpsRatio: baseline && project ? project.rps / baseline.rps : undefined,
      p99Ratio: baseline && project ? project.p99 / baseline.p99 : undefined,
    };
  });
}

const number = (value: number | undefined, digits = 0): string =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

/** The markdown table of every scenario row. */
export function renderTable(rows: ScenarioRow[]): string {
  const lines = [
    '| scenario | conns | baseline rps | project rps | rps ratio | baseline p50 / p99 ms | project p50 / p99 ms | p99 ratio | errors b/p |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    if (row.skipped) {
      lines.push(`| ${row.scenario} | – | skipped: ${row.skipped} | | | | | | |`);
      continue;
    }
    const { baseline, project } = row;
    const projectRps =
      project?.deliveriesPerSecond === undefined
        ? number(project?.rps)
        : `${number(project.rps)} sent, ${number(project.deliveriesPerSecond)} delivered/s`;
    lines.push(
      `| ${row.scenario} | ${row.connections} | ${number(baseline?.rps)} | ${projectRps} | ${number(row.rpsRatio, 2)} | ` +
        `${number(baseline?.p50, 2)} / ${number(baseline?.p99, 2)} | ${number(project?.p50, 2)} / ${number(project?.p99, 2)} | ` +
        `${number(row.p99Ratio, 2)} | ${baseline ? baseline.errors : '–'} / ${project ? project.errors : '–'} |`,
    );
  }
  return lines.join('\n');
}

export function renderGoals(goals: GoalCheck[]): string {
  const lines = ['| goal | conns | measured | met |', '| --- | ---: | --- | --- |'];
  for (const goal of goals) {
    lines.push(
      `| ${goal.goal} | ${goal.connections ?? '–'} | ${goal.measured} | ${goal.met ? 'met' : 'NOT met'} |`,
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
