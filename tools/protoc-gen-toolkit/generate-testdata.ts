import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateFromModule, TESTDATA_DIR } from '../codegen/jobs';

/** Where the goldens live; `src_root` for them is `../../../src`. */
export const GOLDEN_DIR = path.join(__dirname, '__golden__');
export const GOLDEN_SOURCES = ['everything.proto', 'everything_rules.proto'];

/** Runs buf with ts-proto and the plugin on testdata files into a fresh temp dir. */
export function generateTestdata(files: readonly string[]): string {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolkit-testdata-'));
  generateFromModule(
    TESTDATA_DIR,
    files,
    outDir,
    path.relative(GOLDEN_DIR, path.resolve(__dirname, '..', '..', 'src')),
  );
  return outDir;
}

/** The plugin's error output for a testdata file that must not generate. */
export function generationError(file: string): string {
  try {
    fs.rmSync(generateTestdata([file]), { recursive: true, force: true });
  } catch (error) {
    return error instanceof Error && 'stderr' in error ? String(error.stderr) : String(error);
  }
  throw new Error(`${file} generated without error`);
}
