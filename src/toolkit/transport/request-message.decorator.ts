import { toolkitParamDecorator } from '../pipeline/handler-arguments';

/**
 * The request message of a `ToolkitRpc` method, on every transport: the gRPC request as the
 * loader decoded it, or the message transcoded from the HTTP request. Validated before the
 * handler runs.
 * @publicApi
 */
export const RequestMessage = toolkitParamDecorator('message', (_data, context) =>
  context.getType() === 'rpc' ? context.switchToRpc().getData<unknown>() : undefined,
);
