import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';

/** The files of the repository that hold development values, relative to the app root. @publicApi */
export const REPOSITORY_ENV_FILES = ['.env', '.env.example'] as const;

/**
 * Problems for every secret variable whose value appears anywhere in the repository's env files
 * (under any name: a committed secret is public whichever variable it was committed as). Empty
 * values and files that do not exist are ignored. Messages name the variable and the file, never
 * the value.
 * @publicApi
 */
export function repositorySecretProblems(
  secrets: ReadonlyMap<string, string>,
  appRoot: string,
  files: readonly string[] = REPOSITORY_ENV_FILES,
): string[] {
  const committed = new Map<string, string>();
  for (const file of files) {
    for (const value of Object.values(readEnvFile(join(appRoot, file)))) {
      const trimmed = value.trim();
      if (trimmed.length > 0 && !committed.has(trimmed)) committed.set(trimmed, file);
    }
  }
  const problems: string[] = [];
  for (const [name, value] of secrets) {
    const file = committed.get(value.trim());
    if (file !== undefined) {
      problems.push(
        `${name} is a development secret committed in ${file}; NODE_ENV=production needs a secret of its own`,
      );
    }
  }
  return problems;
}

function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  return parse(text);
}
