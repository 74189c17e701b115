import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { httpRequestMessage } from './request-validation.guard';

/**
 * The request message of a `ToolkitRpc` method, on both transports: the gRPC request as the
 * loader decoded it, or the message transcoded from the HTTP request. Validated before the
 * handler runs.
 * @publicApi
 */
export const RequestMessage = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  if (context.getType() === 'rpc') return context.switchToRpc().getData<unknown>();
  return httpRequestMessage(context.switchToHttp().getRequest<FastifyRequest>());
});
