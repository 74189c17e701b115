import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { getCallerIdentity } from './caller-identity';

/**
 * Handler parameter: the verified `CallerIdentity` of the call, or undefined on a route no
 * security middleware authenticated. Works on both transports.
 * @publicApi
 */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  getCallerIdentity(context),
);
