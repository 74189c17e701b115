import type { FastifyReply } from 'fastify';
import { BAD_REQUEST_TYPE_URL } from './status-details';
import { httpStatusFromGrpc, reasonPhrase } from './status-table';
import { ToolkitError } from './toolkit-error';
import { GrpcStatus } from './grpc-status';

/** The HTTP error body, grpc-gateway's shape with proto field names. @publicApi */
export interface HttpErrorBody {
  code: number;
  status: string;
  message: string;
  details: { '@type': string; field_violations: { field: string; description: string }[] }[];
}

/** Status and body of a `ToolkitError` on HTTP. @publicApi */
export function httpErrorBody(error: ToolkitError): HttpErrorBody {
  const status = error.httpStatus ?? httpStatusFromGrpc(error.code);
  return {
    code: status,
    status: reasonPhrase(status),
    message: error.message,
    details:
      error.violations.length === 0
        ? []
        : [
            {
              '@type': BAD_REQUEST_TYPE_URL,
              field_violations: error.violations.map(({ field, description }) => ({
                field,
                description,
              })),
            },
          ],
  };
}

/**
 * Sends the error on a Fastify reply. The body is serialized here, as a string, so that the
 * success-path protojson serializer never sees it.
 * @publicApi
 */
export function sendHttpError(reply: FastifyReply, error: ToolkitError): void {
  if (reply.sent) return;
  const body = httpErrorBody(error);
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  if (error.code === GrpcStatus.UNAUTHENTICATED && !reply.hasHeader('www-authenticate')) {
    reply.header('www-authenticate', 'Bearer');
  }
  reply.code(body.code).type('application/json; charset=utf-8').send(JSON.stringify(body));
}
