import type { Socket } from 'node:net';
import { ArgumentsHost } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { httpErrorBody, ToolkitError, ToolkitExceptionFilter } from '../errors';

/**
 * Fastify options that give Fastify's own errors the toolkit's body: `frameworkErrors` for what
 * it finds before routing (a bad URL escape: 400, a too long parameter: 414), and the
 * `clientErrorHandler` for what Node's HTTP parser refuses before Fastify sees a request (431
 * headers too large, 400 malformed, 408 timeout), written on the socket. Errors after routing
 * (413 body too large, a broken JSON body) already reach the exception filter through the error
 * handler Nest installs.
 * @internal
 */
export function fastifyErrorOptions(
  filter: ToolkitExceptionFilter,
): Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> {
  return {
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      filter.catch(error, httpHost(request, reply)),
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => {
      // A reset connection has nobody to answer.
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorResponse(error));
      socket.destroy();
    },
  };
}

/** The raw HTTP/1.1 answer to a request Node's parser refused. */
export function clientErrorResponse(error: { code?: string; rawPacket?: unknown }): string {
  const rendered = httpErrorBody(clientError(error.code));
  const body = JSON.stringify(rendered);
  // A HEAD answer never carries a body, also when the request could not be parsed.
  const head =
    Buffer.isBuffer(error.rawPacket) &&
    error.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD ';
  return (
    `HTTP/1.1 ${rendered.code} ${rendered.status}\r\nconnection: close\r\n` +
    `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n` +
    (head ? '' : body)
  );
}

function clientError(code: string | undefined): ToolkitError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return ToolkitError.invalidArgument('request headers or URL too large', {
        httpStatus: 431,
      });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return ToolkitError.deadlineExceeded('request not received in time', { httpStatus: 408 });
    default:
      return ToolkitError.invalidArgument('malformed HTTP request');
  }
}

/** Enough of an `ArgumentsHost` for the filter's HTTP branch. */
function httpHost(request: FastifyRequest, reply: FastifyReply): ArgumentsHost {
  const http = { getRequest: () => request, getResponse: () => reply, getNext: () => undefined };
  return {
    getType: () => 'http',
    switchToHttp: () => http,
    getArgs: () => [request, reply],
    getArgByIndex: (index: number) => [request, reply][index],
  } as unknown as ArgumentsHost;
}
