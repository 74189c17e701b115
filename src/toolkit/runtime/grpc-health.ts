import {
  GrpcObject,
  loadPackageDefinition,
  Server,
  ServiceDefinition,
  status,
} from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { HealthState } from './health';

/** Full name of the gRPC health service. @publicApi */
export const GRPC_HEALTH_SERVICE = 'grpc.health.v1.Health';

/**
 * grpc.health.v1.Health/Check for `""` (the whole server) and the service's full name: SERVING
 * when every plugin check passes, NOT_SERVING otherwise or while shutting down; other names are
 * NOT_FOUND. Watch answers UNIMPLEMENTED (grpc-js's default for a missing method).
 * @internal
 */
export function addGrpcHealthService(
  server: Pick<Server, 'addService'>,
  packageDefinition: PackageDefinition,
  serviceFullName: string,
  health: HealthState,
): void {
  const grpcObject = loadPackageDefinition(packageDefinition);
  const healthService = lookup(grpcObject, GRPC_HEALTH_SERVICE);
  server.addService(healthService, {
    Check(
      call: { request: { service?: string } },
      callback: (
        error: { code: number; details: string } | null,
        response?: { status: string },
      ) => void,
    ) {
      const requested = call.request.service ?? '';
      if (requested !== '' && requested !== serviceFullName) {
        callback({ code: status.NOT_FOUND, details: `unknown service ${requested}` });
        return;
      }
      health.readiness().then(
        (readiness) => callback(null, { status: readiness.ready ? 'SERVING' : 'NOT_SERVING' }),
        () => callback(null, { status: 'NOT_SERVING' }),
      );
    },
  });
}

function lookup(root: GrpcObject, fullName: string): ServiceDefinition {
  let node: unknown = root;
  for (const part of fullName.split('.')) node = (node as Record<string, unknown>)[part];
  const service = (node as { service?: ServiceDefinition } | undefined)?.service;
  if (!service) throw new Error(`${fullName} is not in the loaded protos`);
  return service;
}
