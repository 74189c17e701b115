import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoPath } from './paths';

/** google/api protos come from the google-proto-files package and are staged, never committed. */
const GOOGLE_API_PROTOS = ['google/api/annotations.proto', 'google/api/http.proto'];
const GOOGLE_PROTOS_ROOT = repoPath('node_modules', 'google-proto-files');
const THIRD_PARTY = 'third_party';

/** One plugin entry of a buf.gen.yaml. */
export interface BufPlugin {
  /** Executable run as a buf `local` plugin. */
  executable: string;
  /** Output directory, relative to the run's output root. */
  out: string;
  options: readonly string[];
  /** buf's invocation strategy: `directory` (buf's default, one run per directory) or `all`. */
  strategy?: 'directory' | 'all';
}

/** A temporary buf workspace: `proto` plus staged google protos, plus any extra module roots. */
export interface BufWorkspace {
  readonly dir: string;
  /** Workspace-relative path of a file in a module, e.g. `proto/userservice/user-service.proto`. */
  modulePath(module: string, file: string): string;
  /**
   * Runs `buf generate` for the given workspace-relative proto paths, writing under `outRoot`.
   * Well-known types imported by those protos are staged and generated too when `withWkt` is set.
   */
  generate(
    plugins: readonly BufPlugin[],
    paths: readonly string[],
    outRoot: string,
    withWkt: boolean,
  ): void;
  dispose(): void;
}

/**
 * Creates a workspace whose modules are `proto` (the repository's API) and `third_party`
 * (google protos copied from node_modules), plus `extraModules` (name → absolute directory),
 * each linked in rather than copied so that paths in error messages stay recognisable.
 */
export function createBufWorkspace(
  extraModules: Readonly<Record<string, string>> = {},
): BufWorkspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolkit-buf-'));
  const modules: Record<string, string> = { proto: repoPath('proto'), ...extraModules };
  for (const [name, target] of Object.entries(modules))
    fs.symlinkSync(target, path.join(dir, name), 'dir');
  for (const file of GOOGLE_API_PROTOS) stageThirdParty(dir, file);
  const moduleList = [...Object.keys(modules), THIRD_PARTY]
    .map((name) => `  - path: ${name}`)
    .join('\n');
  fs.writeFileSync(path.join(dir, 'buf.yaml'), `version: v2\nmodules:\n${moduleList}\n`);

  return {
    dir,
    modulePath: (module, file) => path.posix.join(module, file),
    generate(plugins, paths, outRoot, withWkt) {
      const wktPaths = withWkt ? stageImportedWellKnownTypes(dir, paths) : [];
      const template = {
        version: 'v2',
        plugins: plugins.map((plugin) => ({
          local: plugin.executable,
          out: path.join(outRoot, plugin.out),
          opt: [...plugin.options],
          ...(plugin.strategy ? { strategy: plugin.strategy } : {}),
        })),
      };
      const templateFile = path.join(dir, 'buf.gen.json');
      fs.writeFileSync(templateFile, JSON.stringify(template, null, 2));
      const args = ['generate', '--template', templateFile];
      for (const file of [...paths, ...wktPaths]) args.push('--path', file);
      execFileSync(repoPath('node_modules', '.bin', 'buf'), args, {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    },
    dispose() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function stageThirdParty(dir: string, file: string): string {
  const target = path.join(dir, THIRD_PARTY, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(GOOGLE_PROTOS_ROOT, file), target);
  return path.posix.join(THIRD_PARTY, file);
}

/**
 * ts-proto only emits the files it is asked for (emitImportedFiles=false), so the well-known types
 * the targets import (google/protobuf/timestamp.proto...) are staged as targets of their own.
 * descriptor.proto is only ever imported by option definitions, which need no TypeScript.
 */
function stageImportedWellKnownTypes(dir: string, paths: readonly string[]): string[] {
  const imports = new Set<string>();
  for (const file of paths) {
    const source = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const match of source.matchAll(
      /^\s*import\s+(?:public\s+)?"(google\/protobuf\/[^"]+)";/gm,
    )) {
      if (match[1] !== 'google/protobuf/descriptor.proto') imports.add(match[1]);
    }
  }
  return [...imports].sort().map((file) => stageThirdParty(dir, file));
}
