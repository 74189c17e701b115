import * as fs from 'node:fs';
import * as path from 'node:path';

/** Relative posix paths of every file under `dir` (empty when it does not exist). */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const files: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else files.push(child);
    }
  };
  walk('');
  return files.sort();
}

/** Files that differ between two trees: changed, missing from `actual`, or extra in it. */
export function diffTrees(expected: string, actual: string): string[] {
  const expectedFiles = listFiles(expected);
  const actualFiles = listFiles(actual);
  const all = [...new Set([...expectedFiles, ...actualFiles])].sort();
  return all.filter((file) => {
    const a = path.join(expected, file);
    const b = path.join(actual, file);
    if (!fs.existsSync(a) || !fs.existsSync(b)) return true;
    return !fs.readFileSync(a).equals(fs.readFileSync(b));
  });
}

/** Replaces `target` with a copy of `source` (clean generation: stale files disappear). */
export function replaceTree(source: string, target: string): void {
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  fs.cpSync(source, target, { recursive: true });
}
