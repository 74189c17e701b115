import { registerMiddleware } from './middleware.registry';

/**
 * Names of the middlewares whose behaviour lives in the toolkit's own request plumbing (one
 * Fastify hook pair and one grpc-js interceptor per app, which also carry metrics and the
 * request context); declaring them switches that behaviour on for the service.
 * @publicApi
 */
export const BUILTIN_MIDDLEWARES = {
  /** Echoes the request id as `x-request-id` in HTTP response headers and gRPC response metadata. */
  requestId: 'request_id',
  /** One JSON log line per request: transport, route or rpc, status or code, duration. */
  logging: 'logging',
} as const;

registerMiddleware({
  name: BUILTIN_MIDDLEWARES.requestId,
  description: 'echo the request id (x-request-id) in response headers and gRPC metadata',
});
registerMiddleware({
  name: BUILTIN_MIDDLEWARES.logging,
  description: 'one structured log line per request',
});
