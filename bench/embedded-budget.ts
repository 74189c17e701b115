// `npm run bench:embedded [-- --runs N]`: the newcomer's budgets of `npm start` with no backend
// configured, on a scratch checkout (warm install, fresh dist/ and data/):
//   - `npm start` → all four services ready, first run (data directory created) and second run;
//   - resident memory of everything `npm start` runs (npm, nest, the app, every PostgreSQL
//     process: the sum of VmRSS over the process tree; PSS too, which splits shared pages)
//     after the embedded flow, and 5 s later;
//   - SIGTERM to the process group → every process gone.
// Budgets: ready ≤ 8 s first run, ≤ 5 s after; ≤ 400 MB; exit ≤ grace period + 2 s.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { freeSystemPorts } from '../test/deploy/system';
import {
  StartedTree,
  killGroup,
  scratchCheckout,
  startIn,
  waitForText,
} from '../test/embedded/support/checkout';
import {
  GRACE_MS,
  concurrentCreates,
  createFromClients,
  newcomerEnv,
  terminate,
  welcomeCounts,
} from '../test/embedded/support/newcomer';

const BUDGET = { firstReadyMs: 8000, nextReadyMs: 5000, rssMb: 400, exitMs: GRACE_MS + 2000 };

interface RunNumbers {
  readyMs: number;
  /** Right after the flow, and 5 s later (idle pool connections closed). */
  memory: Memory;
  memoryIdle: Memory;
  exitMs: number;
  exitedCleanly: boolean;
}

/** `root` and every process below it (PostgreSQL's server processes each have a session of their own). */
async function processTree(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (stat)
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index += 1) {
    for (const [pid, parent] of parents) if (parent === tree[index]) tree.push(pid);
  }
  return tree;
}

/** Sum of VmRSS (shared pages counted in every process) and of Pss (shared pages split). */
async function treeMemory(root: number): Promise<Memory> {
  const pids = await processTree(root);
  let rssKb = 0;
  let pssKb = 0;
  for (const pid of pids) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    rssKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    pssKb += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
  }
  const mb = (kb: number) => Math.round(kb / 102.4) / 10;
  return { rssMb: mb(rssKb), pssMb: mb(pssKb), processes: pids.length };
}

interface Memory {
  rssMb: number;
  pssMb: number;
  processes: number;
}

/** The embedded flow of the tests: concurrent creates of one e-mail, then 200 users' welcomes. */
async function embeddedFlow(gatewayUrl: string): Promise<void> {
  for (const count of [6, 50]) {
    const statuses = (await concurrentCreates(gatewayUrl, count)).map((answer) => answer.status);
    if (statuses.filter((status) => status === 200).length !== 1) {
      throw new Error(`${count} concurrent creates: ${statuses.join(',')}`);
    }
  }
  const answers = await createFromClients(gatewayUrl, 200, 10);
  const ids = answers.map((answer) => String(answer.body.user_id));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const counts = await welcomeCounts(gatewayUrl, ids);
    if ([...counts.values()].every((count) => count === 1)) return;
    if (Date.now() > deadline) throw new Error('welcome e-mails missing or doubled');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function oneStart(
  dir: string,
  env: Record<string, string>,
  gatewayUrl: string,
  flow: boolean,
) {
  const started = Date.now();
  const tree: StartedTree = startIn(dir, ['npm', 'start'], env);
  try {
    await waitForText(tree, 'api-gateway listening', 120_000);
    const readyMs = Date.now() - started;
    if (flow) await embeddedFlow(gatewayUrl);
    const memory = await treeMemory(tree.child.pid!);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const memoryIdle = await treeMemory(tree.child.pid!);
    const stopped = await terminate(tree, join(dir, 'data', 'postgres'));
    return {
      readyMs,
      memory,
      memoryIdle,
      exitMs: stopped.ms,
      exitedCleanly: stopped.left.length === 0 && stopped.postgresLeft.length === 0,
    };
  } finally {
    killGroup(tree);
  }
}

async function main(): Promise<void> {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 3;
  const results: { load: number[]; first: RunNumbers; second: RunNumbers }[] = [];
  for (let run = 1; run <= runs; run += 1) {
    const checkout = await scratchCheckout();
    try {
      const ports = await freeSystemPorts();
      const env = newcomerEnv(ports);
      const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
      const load = loadavg().map((value) => Math.round(value * 100) / 100);
      const first = await oneStart(checkout.dir, env, gatewayUrl, true);
      const second = await oneStart(checkout.dir, env, gatewayUrl, true);
      results.push({ load, first, second });
      process.stderr.write(`run ${run}: ${JSON.stringify({ load, first, second })}\n`);
    } finally {
      await checkout.remove();
    }
  }
  const within = (value: number, budget: number) => (value <= budget ? 'ok' : 'OVER');
  const lines = [
    `budgets: ready ≤ ${BUDGET.firstReadyMs} ms first run, ≤ ${BUDGET.nextReadyMs} ms after; ` +
      `RSS ≤ ${BUDGET.rssMb} MB; exit ≤ ${BUDGET.exitMs} ms`,
    'run | load 1m | ready 1st (ms) | ready 2nd (ms) | RSS sum after flow / +5 s, 1st; 2nd (MB) | PSS same (MB) | exit 1st / 2nd (ms)',
    ...results.map(
      ({ load, first, second }, index) =>
        `${index + 1} | ${load[0]} | ${first.readyMs} ${within(first.readyMs, BUDGET.firstReadyMs)} | ` +
        `${second.readyMs} ${within(second.readyMs, BUDGET.nextReadyMs)} | ` +
        `${first.memory.rssMb} / ${first.memoryIdle.rssMb}; ${second.memory.rssMb} / ${second.memoryIdle.rssMb} ` +
        `(${second.memory.processes} procs) ${within(Math.max(first.memory.rssMb, second.memory.rssMb), BUDGET.rssMb)} | ` +
        `${first.memory.pssMb} / ${first.memoryIdle.pssMb}; ${second.memory.pssMb} / ${second.memoryIdle.pssMb} | ` +
        `${first.exitMs} / ${second.exitMs} ` +
        `${within(Math.max(first.exitMs, second.exitMs), BUDGET.exitMs)}` +
        (first.exitedCleanly && second.exitedCleanly ? '' : ' (processes left!)'),
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await writeFile(
    join(__dirname, 'results', 'embedded-budget.json'),
    `${JSON.stringify({ budget: BUDGET, results }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
