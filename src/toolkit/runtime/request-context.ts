import { randomUUID } from 'node:crypto';

/** Header (HTTP) and metadata key (gRPC) of the request id. @publicApi */
export const REQUEST_ID_HEADER = 'x-request-id';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's request id when it is short and plain, else makes a new one. @publicApi */
export function acceptRequestId(incoming: unknown): string {
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

const GRPC_TIMEOUT = /^(\d{1,8})([HMSmun])$/;
const GRPC_TIMEOUT_UNIT_MS: Record<string, number> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000001,
};

/** Parses a `grpc-timeout` header value (`100m`, `5S`) into milliseconds. @publicApi */
export function parseGrpcTimeout(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = GRPC_TIMEOUT.exec(value);
  return match ? Number(match[1]) * GRPC_TIMEOUT_UNIT_MS[match[2]] : undefined;
}
