import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GENERATION_JOBS } from './jobs';
import { repoPath } from './paths';
import { diffTrees, replaceTree } from './tree';

/**
 * `generate.sh` regenerates every generated directory (clean: stale files disappear);
 * `generate.sh --check` regenerates into a temp dir and exits 1 naming every stale file.
 */
function main(args: readonly string[]): number {
  const unknown = args.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    console.error(
      `generate: unknown argument(s) ${unknown.join(' ')}; usage: generate.sh [--check]`,
    );
    return 2;
  }
  const check = args.includes('--check');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'toolkit-generate-'));
  try {
    const stale: string[] = [];
    for (const job of GENERATION_JOBS) {
      const outDir = path.join(scratch, job.target);
      fs.mkdirSync(outDir, { recursive: true });
      job.run(outDir);
      if (check)
        stale.push(
          ...diffTrees(outDir, repoPath(job.target)).map((file) => `${job.target}/${file}`),
        );
      else replaceTree(outDir, repoPath(job.target));
    }
    if (stale.length > 0) {
      console.error(
        `generated code is stale; run \`npm run generate\`. Stale files:\n  ${stale.join('\n  ')}`,
      );
      return 1;
    }
    console.log(
      check
        ? 'generated code is up to date'
        : `generated ${GENERATION_JOBS.map((job) => job.target).join(', ')}`,
    );
    return 0;
  } catch (error) {
    console.error(describeFailure(error));
    return 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** buf's own stderr says which file and plugin failed; surface it rather than a stack trace. */
function describeFailure(error: unknown): string {
  if (error instanceof Error && 'stderr' in error) {
    const stderr = String((error as Error & { stderr: unknown }).stderr).trim();
    if (stderr) return `generation failed:\n${stderr}`;
  }
  return `generation failed: ${error instanceof Error ? error.message : String(error)}`;
}

process.exitCode = main(process.argv.slice(2));
