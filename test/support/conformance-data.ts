import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Path of a file of the shared conformance data (`shared/conformance/<file>`), which lives next to
 * the repository (a sibling `shared/` of the clone), never inside it. CONFORMANCE_DATA_DIR
 * overrides the folder; otherwise the nearest `shared/conformance` beside the repository or one
 * of its parent directories is used (so a git worktree nested deeper finds it too). Returns the
 * default sibling path when nothing exists, for the "not found" message.
 */
export function conformanceDataFile(file: string): string {
  const override = process.env.CONFORMANCE_DATA_DIR;
  if (override) return join(override, file);
  const repoRoot = join(__dirname, '..', '..');
  for (let dir = dirname(repoRoot); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'conformance', file);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  return join(dirname(repoRoot), 'shared', 'conformance', file);
}
