import { toolkitParamDecorator } from '../pipeline/handler-arguments';
import { getCallerIdentity } from './caller-identity';

/**
 * Handler parameter: the verified `CallerIdentity` of the call, or undefined on a route no
 * security middleware authenticated. Works on every transport.
 * @publicApi
 */
export const Caller = toolkitParamDecorator('caller', (_data, context) =>
  getCallerIdentity(context),
);
