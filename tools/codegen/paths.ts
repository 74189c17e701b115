import * as path from 'node:path';

/** Root of the repository (tools/codegen/../..). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Resolves a repository-relative path. */
export function repoPath(...segments: string[]): string {
  return path.join(REPO_ROOT, ...segments);
}
