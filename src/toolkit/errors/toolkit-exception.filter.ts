import { Metadata } from '@grpc/grpc-js';
import { ArgumentsHost, Catch, ExceptionFilter, Logger, LoggerService } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Observable, throwError } from 'rxjs';
import { sendHttpError } from './render-http-error';
import { encodeStatusDetails, STATUS_DETAILS_KEY } from './status-details';
import { ThrottledWarnings } from '../logging/throttled-warnings';
import { DependencyFailures } from './dependency-failures';
import { toToolkitError } from './to-toolkit-error';
import { ToolkitError } from './toolkit-error';

/** What grpc-js turns into a status: code, details and trailing metadata. @publicApi */
export interface GrpcErrorStatus {
  code: number;
  message: string;
  details: string;
  metadata: Metadata;
}

/** The gRPC status object for a `ToolkitError`, with BadRequest details when it has violations. @publicApi */
export function grpcErrorStatus(error: ToolkitError): GrpcErrorStatus {
  const metadata = new Metadata();
  for (const [name, value] of Object.entries(error.headers))
    metadata.set(name.toLowerCase(), value);
  if (error.violations.length > 0) {
    metadata.set(
      STATUS_DETAILS_KEY,
      Buffer.from(encodeStatusDetails(error.code, error.message, error.violations)),
    );
  }
  return { code: error.code, message: error.message, details: error.message, metadata };
}

/**
 * The one exception filter of every toolkit app: an HTTP error body on `http`, a gRPC status on
 * `rpc`. Unexpected errors are logged with their stack (the request id comes from the log
 * context) and reach clients as INTERNAL with a generic message. An unreachable dependency
 * (see {@link DependencyFailures}) is UNAVAILABLE and one throttled warning, without a stack.
 * @publicApi
 */
@Catch()
export class ToolkitExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ToolkitExceptionFilter');
  private readonly warnings = new ThrottledWarnings(this.logger);

  constructor(private readonly failures?: DependencyFailures) {}

  catch(thrown: unknown, host: ArgumentsHost): Observable<never> | void {
    const error = this.normalize(thrown);
    if (host.getType() === 'rpc') return throwError(() => grpcErrorStatus(error));
    if (host.getType() === 'http')
      sendHttpError(host.switchToHttp().getResponse<FastifyReply>(), error);
  }

  /**
   * The `ToolkitError` to answer for `thrown`, logging what needs it: an unexpected error with
   * its stack (on `logger` when given: the call's, carrying its request id), an unreachable
   * dependency as one throttled warning.
   */
  normalize(thrown: unknown, logger?: LoggerService): ToolkitError {
    const { error, unexpected, dependencyFailure } = toToolkitError(thrown, this.failures);
    if (dependencyFailure) {
      const { dependency, reason } = dependencyFailure;
      this.warnings.warn(
        `unavailable:${dependency}`,
        `${dependency} unavailable, answered UNAVAILABLE: ${reason}`,
      );
    }
    if (unexpected) {
      const stack = thrown instanceof Error ? thrown.stack : String(thrown);
      (logger ?? this.logger).error(
        `unhandled error: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
        stack,
        'ToolkitExceptionFilter',
      );
    }
    return error;
  }
}
