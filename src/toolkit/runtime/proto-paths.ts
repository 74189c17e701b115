import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRepositoryRoot(): string {
  let directory = __dirname;
  while (dirname(directory) !== directory) {
    if (existsSync(join(directory, 'package.json')) && existsSync(join(directory, 'proto')))
      return directory;
    directory = dirname(directory);
  }
  return process.cwd();
}

/** The app's root directory: the one holding package.json and proto/ (from src/ and dist/ alike). @publicApi */
export const APP_ROOT = findRepositoryRoot();

/** The repository's `proto/` directory (found from this file, so it works from src/ and dist/). @publicApi */
export const PROTO_ROOT = join(APP_ROOT, 'proto');

/** google/api and google/protobuf protos, from the `google-proto-files` package. @publicApi */
export const GOOGLE_PROTOS_ROOT = dirname(require.resolve('google-proto-files/package.json'));

/** The vendored grpc.health.v1 proto. @publicApi */
export const HEALTH_PROTO_PATH = join(PROTO_ROOT, 'grpc', 'health', 'v1', 'health.proto');

/**
 * proto-loader options matching the ts-proto types (`snakeToCamel=false, forceLong=string,
 * stringEnums=true`): servers and clients must agree on them.
 * @publicApi
 */
export const LOADER_OPTIONS = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT, GOOGLE_PROTOS_ROOT],
};
