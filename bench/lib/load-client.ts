import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { LoadJob, LoadResult, MEASURE_END, MEASURE_START } from '../load/jobs';

const GENERATOR = join(__dirname, '..', 'load', 'generator.js');

/** One measured run, and the CPU the measured server used during its measured part. */
export interface MeasuredLoad {
  result: LoadResult;
  /** user + system seconds of the server under test between MEASURE_START and MEASURE_END. */
  serverCpuSeconds?: number;
}

/**
 * Runs one job in a fresh load-generator process (never more than one at a time). With
 * `serverCpu`, samples it when the generator announces the start and the end of the measured
 * part (after its warm-up), so warm-up and generator start-up are not billed to the server.
 */
export function runLoad(job: LoadJob, serverCpu?: () => number): Promise<MeasuredLoad> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GENERATOR, JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    let lastLine = '';
    let cpuAtStart: number | undefined;
    let cpuUsed: number | undefined;
    let stderr = '';
    const onLine = (line: string): void => {
      if (line === MEASURE_START) cpuAtStart = serverCpu?.();
      else if (line === MEASURE_END) {
        const now = serverCpu?.();
        if (now !== undefined && cpuAtStart !== undefined) cpuUsed = now - cpuAtStart;
      } else if (line.trim() !== '') lastLine = line;
    };
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.once('exit', (code) => {
      onLine(pending);
      if (code !== 0) return reject(new Error(`load generator failed (${code}): ${stderr}`));
      try {
        resolve({ result: JSON.parse(lastLine) as LoadResult, serverCpuSeconds: cpuUsed });
      } catch (error) {
        reject(new Error(`load generator printed no result: ${lastLine} ${String(error)}`));
      }
    });
  });
}
