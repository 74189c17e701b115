import { STATUS_CODES } from 'node:http';
import { GrpcStatus } from './grpc-status';

/** One row of the gRPC code → HTTP status table. @publicApi */
export interface StatusRow {
  code: GrpcStatus;
  /** `INVALID_ARGUMENT`, as google/rpc/code.proto spells it. */
  name: string;
  httpStatus: number;
}

/**
 * The single mapping from gRPC codes to HTTP statuses, as grpc-gateway's `HTTPStatusFromCode`
 * (a unit test checks it against shared/conformance/grpc-http-status.json).
 * @publicApi
 */
export const STATUS_TABLE: readonly StatusRow[] = [
  { code: GrpcStatus.OK, name: 'OK', httpStatus: 200 },
  { code: GrpcStatus.CANCELLED, name: 'CANCELLED', httpStatus: 499 },
  { code: GrpcStatus.UNKNOWN, name: 'UNKNOWN', httpStatus: 500 },
  { code: GrpcStatus.INVALID_ARGUMENT, name: 'INVALID_ARGUMENT', httpStatus: 400 },
  { code: GrpcStatus.DEADLINE_EXCEEDED, name: 'DEADLINE_EXCEEDED', httpStatus: 504 },
  { code: GrpcStatus.NOT_FOUND, name: 'NOT_FOUND', httpStatus: 404 },
  { code: GrpcStatus.ALREADY_EXISTS, name: 'ALREADY_EXISTS', httpStatus: 409 },
  { code: GrpcStatus.PERMISSION_DENIED, name: 'PERMISSION_DENIED', httpStatus: 403 },
  { code: GrpcStatus.RESOURCE_EXHAUSTED, name: 'RESOURCE_EXHAUSTED', httpStatus: 429 },
  { code: GrpcStatus.FAILED_PRECONDITION, name: 'FAILED_PRECONDITION', httpStatus: 400 },
  { code: GrpcStatus.ABORTED, name: 'ABORTED', httpStatus: 409 },
  { code: GrpcStatus.OUT_OF_RANGE, name: 'OUT_OF_RANGE', httpStatus: 400 },
  { code: GrpcStatus.UNIMPLEMENTED, name: 'UNIMPLEMENTED', httpStatus: 501 },
  { code: GrpcStatus.INTERNAL, name: 'INTERNAL', httpStatus: 500 },
  { code: GrpcStatus.UNAVAILABLE, name: 'UNAVAILABLE', httpStatus: 503 },
  { code: GrpcStatus.DATA_LOSS, name: 'DATA_LOSS', httpStatus: 500 },
  { code: GrpcStatus.UNAUTHENTICATED, name: 'UNAUTHENTICATED', httpStatus: 401 },
];

const BY_CODE: ReadonlyMap<GrpcStatus, StatusRow> = new Map(
  STATUS_TABLE.map((row) => [row.code, row]),
);

/** HTTP status for a gRPC code; unknown codes are 500. @publicApi */
export function httpStatusFromGrpc(code: GrpcStatus): number {
  return BY_CODE.get(code)?.httpStatus ?? 500;
}

/** `NOT_FOUND` for 5; `UNKNOWN` for codes outside the table. @publicApi */
export function grpcCodeName(code: GrpcStatus): string {
  return BY_CODE.get(code)?.name ?? 'UNKNOWN';
}

/**
 * The gRPC code an HTTP status stands for, for errors raised by Nest or Fastify as HTTP statuses.
 * Where several codes share a status the canonical one wins (400 → INVALID_ARGUMENT).
 * @publicApi
 */
export function grpcFromHttpStatus(httpStatus: number): GrpcStatus {
  switch (httpStatus) {
    case 400:
    case 411:
    case 414:
    case 415:
    case 422:
      return GrpcStatus.INVALID_ARGUMENT;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.NOT_FOUND;
    case 405:
    case 501:
      return GrpcStatus.UNIMPLEMENTED;
    case 408:
    case 504:
      return GrpcStatus.DEADLINE_EXCEEDED;
    case 409:
      return GrpcStatus.ALREADY_EXISTS;
    case 412:
      return GrpcStatus.FAILED_PRECONDITION;
    case 413:
    case 429:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case 499:
      return GrpcStatus.CANCELLED;
    case 503:
      return GrpcStatus.UNAVAILABLE;
    default:
      return httpStatus >= 400 && httpStatus < 500
        ? GrpcStatus.FAILED_PRECONDITION
        : GrpcStatus.INTERNAL;
  }
}

/** `Bad Request` for 400; grpc-gateway's `Client Closed Request` for 499. @publicApi */
export function reasonPhrase(httpStatus: number): string {
  if (httpStatus === 499) return 'Client Closed Request';
  return STATUS_CODES[httpStatus] ?? 'Unknown';
}
