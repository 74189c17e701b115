import { Metadata } from '@grpc/grpc-js';
import { HttpException } from '@nestjs/common';
import { databaseInputError } from './database-input-error';
import { decodeStatusDetails, STATUS_DETAILS_KEY } from './status-details';
import { grpcFromHttpStatus } from './status-table';
import { ToolkitError } from './toolkit-error';
import { GrpcStatus } from './grpc-status';
import { DependencyFailure, DependencyFailures } from './dependency-failures';

/** The message clients see for anything the toolkit did not expect. */
export const GENERIC_INTERNAL_MESSAGE = 'internal error';
/** The message clients see when a dependency of the call is unreachable (which one is logged). */
export const DEPENDENCY_UNAVAILABLE_MESSAGE = 'service unavailable: a dependency did not answer';

/** Result of normalizing a thrown value: the error to render, and whether it was unexpected. */
export interface NormalizedError {
  error: ToolkitError;
  /** True when the original must be logged with its stack (the client sees a generic message). */
  unexpected: boolean;
  /** Set when the error means a dependency is unreachable (rendered as UNAVAILABLE). */
  dependencyFailure?: DependencyFailure;
}

/**
 * Turns anything thrown in a handler, guard, Fastify or a gRPC client into a `ToolkitError`:
 * HTTP exceptions and Fastify errors keep their status, errors from backends keep their gRPC code
 * and violations, a database error caused by the input becomes INVALID_ARGUMENT, an unreachable
 * dependency (as `failures` and the network error codes tell) becomes UNAVAILABLE, everything else
 * INTERNAL with a generic message.
 * @publicApi
 */
export function toToolkitError(thrown: unknown, failures?: DependencyFailures): NormalizedError {
  if (thrown instanceof ToolkitError) return { error: thrown, unexpected: false };
  if (thrown instanceof HttpException)
    return fromHttpStatus(thrown.getStatus(), httpMessage(thrown), thrown);
  if (isFastifyError(thrown)) return fromHttpStatus(thrown.statusCode, thrown.message, thrown);
  if (isGrpcServiceError(thrown)) return { error: fromGrpcServiceError(thrown), unexpected: false };
  // A value PostgreSQL refuses (too long, NUL, index row too large) is the client's error.
  const inputError = databaseInputError(thrown);
  if (inputError) return { error: inputError, unexpected: false };
  const dependencyFailure = (failures ?? NETWORK_ONLY).classify(thrown);
  if (dependencyFailure) {
    return {
      error: ToolkitError.unavailable(DEPENDENCY_UNAVAILABLE_MESSAGE, { cause: thrown }),
      unexpected: false,
      dependencyFailure,
    };
  }
  return {
    error: ToolkitError.internal(GENERIC_INTERNAL_MESSAGE, { cause: thrown }),
    unexpected: true,
  };
}

/** A grpc-js client error (`ServiceError`) as a `ToolkitError`, details decoded. @publicApi */
export function fromGrpcServiceError(error: {
  code: number;
  details?: string;
  message: string;
  metadata: Metadata;
}): ToolkitError {
  const [details] = error.metadata.get(STATUS_DETAILS_KEY);
  const violations = Buffer.isBuffer(details) ? decodeStatusDetails(details).violations : [];
  return new ToolkitError(error.code, error.details ?? error.message, { violations, cause: error });
}

/** Without an app's registry, only network error codes are recognized. */
const NETWORK_ONLY = new DependencyFailures();

function fromHttpStatus(status: number, message: string, cause: unknown): NormalizedError {
  const code = grpcFromHttpStatus(status);
  if (status >= 500 && code === GrpcStatus.INTERNAL) {
    return { error: ToolkitError.internal(GENERIC_INTERNAL_MESSAGE, { cause }), unexpected: true };
  }
  return {
    error: new ToolkitError(code, message, { httpStatus: status, cause }),
    unexpected: false,
  };
}

function httpMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const { message } = response;
    if (Array.isArray(message)) return message.join('; ');
    if (typeof message === 'string') return message;
  }
  return exception.message;
}

function isFastifyError(value: unknown): value is Error & { statusCode: number; code: string } {
  if (!(value instanceof Error)) return false;
  const { statusCode, code } = value as { statusCode?: unknown; code?: unknown };
  return typeof statusCode === 'number' && typeof code === 'string' && code.startsWith('FST_');
}

function isGrpcServiceError(
  value: unknown,
): value is Error & { code: number; details?: string; metadata: Metadata } {
  if (!(value instanceof Error)) return false;
  const { code, metadata } = value as { code?: unknown; metadata?: unknown };
  return typeof code === 'number' && code >= 0 && code <= 16 && metadata instanceof Metadata;
}
