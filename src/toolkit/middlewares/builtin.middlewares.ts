import { ToolkitMiddleware } from './toolkit-middleware.decorator';

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

/** Marks the app as echoing request ids; the plumbing reads the mark, so the class has no body. @internal */
@ToolkitMiddleware({
  name: BUILTIN_MIDDLEWARES.requestId,
  description: 'echo the request id (x-request-id) in response headers and gRPC metadata',
})
export class RequestIdMiddleware {}

/** Marks the app as writing the access log; the plumbing reads the mark. @internal */
@ToolkitMiddleware({
  name: BUILTIN_MIDDLEWARES.logging,
  description: 'one structured log line per request',
})
export class LoggingMiddleware {}
