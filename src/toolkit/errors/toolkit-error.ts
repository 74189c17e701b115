import { FieldViolation } from '../descriptor';
import { GrpcStatus } from './grpc-status';

/** A field violation as the error renders it (`rule` is optional for hand-made errors). @publicApi */
export type ErrorFieldViolation = Pick<FieldViolation, 'field' | 'description'> &
  Partial<Pick<FieldViolation, 'rule'>>;

/** Extra parts of a `ToolkitError`. @publicApi */
export interface ToolkitErrorOptions {
  violations?: readonly ErrorFieldViolation[];
  /** Sent as HTTP headers and as gRPC trailing metadata, e.g. `retry-after`. */
  headers?: Readonly<Record<string, string>>;
  /** Overrides the table's HTTP status where HTTP is more precise (413, 415, 405). */
  httpStatus?: number;
  cause?: unknown;
}

/**
 * The error handlers throw. The one exception filter renders it as a gRPC status (with
 * google.rpc.BadRequest details when it carries violations) or as the HTTP error body.
 * @publicApi
 */
export class ToolkitError extends Error {
  readonly violations: readonly ErrorFieldViolation[];
  readonly headers: Readonly<Record<string, string>>;
  readonly httpStatus?: number;

  constructor(
    readonly code: GrpcStatus,
    message: string,
    options: ToolkitErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ToolkitError';
    this.violations = options.violations ?? [];
    this.headers = options.headers ?? {};
    this.httpStatus = options.httpStatus;
  }

  static cancelled(message = 'request cancelled', options?: ToolkitErrorOptions): ToolkitError {
    return new ToolkitError(GrpcStatus.CANCELLED, message, options);
  }
  static invalidArgument(message: string, options?: ToolkitErrorOptions): ToolkitError {
    return new ToolkitError(GrpcStatus.INVALID_ARGUMENT, message, options);
  }
  static deadlineExceeded(
    message = 'deadline exceeded',
    options?: ToolkitErrorOptions,
  ): ToolkitError {
    return new ToolkitError(GrpcStatus.DEADLINE_EXCEEDED, message, options);
  }
  static notFound(message: string, options?: ToolkitErrorOptions): ToolkitError {
    return new ToolkitError(GrpcStatus.NOT_FOUND, message, options);
  }
  static alreadyExists(message: string, options?: ToolkitErrorOptions): ToolkitError {
    return new ToolkitError(GrpcStatus.ALREADY_EXISTS, message, options);
  }
  static permissionDenied(
    message = 'permission denied',
    options?: ToolkitErrorOptions,
  ): ToolkitError {
    return new ToolkitError(GrpcStatus.PERMISSION_DENIED, message, options);
  }
  static resourceExhausted(message: string, options?: ToolkitErrorOptions): ToolkitError {
    return new ToolkitError(GrpcStatus.RESOURCE_EXHAUSTED, message, options);
  }
  static failedPrecondition(message: string, options?: ToolkitErrorOptions): ToolkitError {
    return new ToolkitError(GrpcStatus.FAILED_PRECONDITION, message, options);
  }
  static aborted(message: string, options?: ToolkitErrorOptions): ToolkitError {
    return new ToolkitError(GrpcStatus.ABORTED, message, options);
  }
  static outOfRange(message: string, options?: ToolkitErrorOptions): ToolkitError {
    return new ToolkitError(GrpcStatus.OUT_OF_RANGE, message, options);
  }
  static unimplemented(message = 'not implemented', options?: ToolkitErrorOptions): ToolkitError {
    return new ToolkitError(GrpcStatus.UNIMPLEMENTED, message, options);
  }
  static internal(message = 'internal error', options?: ToolkitErrorOptions): ToolkitError {
    return new ToolkitError(GrpcStatus.INTERNAL, message, options);
  }
  static unavailable(message = 'service unavailable', options?: ToolkitErrorOptions): ToolkitError {
    return new ToolkitError(GrpcStatus.UNAVAILABLE, message, options);
  }
  static unauthenticated(message = 'unauthenticated', options?: ToolkitErrorOptions): ToolkitError {
    return new ToolkitError(GrpcStatus.UNAUTHENTICATED, message, options);
  }
}
