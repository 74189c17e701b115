import { dirname, join } from 'node:path';
import { GrpcObject, loadPackageDefinition, ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** The repository's proto/ directory (bench/.build/bench/baselines → repository root). */
export const PROTO_ROOT = join(__dirname, '..', '..', '..', '..', 'proto');

/**
 * The same proto-loader options as the project's servers and clients (docs/architecture.md
 * "Message shapes"), written out so that the baselines do not depend on the toolkit.
 */
export const BASELINE_LOADER_OPTIONS = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT, dirname(require.resolve('google-proto-files/package.json'))],
};

/** userservice.UserService as a grpc-js service constructor (definition in `.service`). */
export function loadUserService(): ServiceClientConstructor {
  const definition = loadSync(
    join(PROTO_ROOT, 'userservice', 'user-service.proto'),
    BASELINE_LOADER_OPTIONS,
  );
  const userservice = loadPackageDefinition(definition).userservice as GrpcObject;
  return userservice.UserService as ServiceClientConstructor;
}
