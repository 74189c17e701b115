import type { IncomingHttpHeaders } from 'node:http';
import { ACCESS_TOKEN_PARAM, withQueryBearer } from '../auth/bearer-token';
import { CallerIdentity, getRequestIdentity } from '../auth/caller-identity';
import { TOOLKIT_ROUTE } from '../constants';
import { MethodDescriptor, ServiceDescriptor } from '../descriptor';
import { RouteMiddlewaresGuard } from '../middlewares/route-middlewares.guard';
import { runHttpGuards } from '../middlewares/run-http-guards';
import { RouteMetadata } from '../transport/route-metadata';

export { ACCESS_TOKEN_PARAM };

/** The request a socket's middleware guards see: what Fastify would have given them. */
export interface SocketRequest {
  headers: IncomingHttpHeaders;
  ip: string;
}

/**
 * Runs a method's middleware chain (auth, validate_token, rate_limit...) for a WebSocket upgrade
 * or a frame, through the same guards as its HTTP routes, as an `http` context over a stand-in
 * request. Upgrades bypass Fastify, so this is where sockets get their security. A bearer token
 * may come as the `Authorization` header or, for browsers, as `?access_token=`; the header wins.
 * Guards throw the same `ToolkitError`s as on HTTP.
 * @internal
 */
export class SocketAuthorizer {
  private readonly handlers = new Map<string, () => void>();

  constructor(
    private readonly descriptor: ServiceDescriptor,
    private readonly guard: RouteMiddlewaresGuard,
  ) {}

  /** The stand-in request of one socket; reuse it for the socket's frames (one verification). */
  static request(headers: IncomingHttpHeaders, query: URLSearchParams, ip: string): SocketRequest {
    return { headers: withQueryBearer(headers, query.get(ACCESS_TOKEN_PARAM)), ip };
  }

  /** Resolves with the verified caller (undefined on a public method), rejects when refused. */
  async authorize(
    method: MethodDescriptor,
    request: SocketRequest,
  ): Promise<CallerIdentity | undefined> {
    const reply = { headers: () => reply, header: () => reply };
    await runHttpGuards([this.guard], {
      request,
      reply,
      controller: SocketAuthorizer,
      handler: this.handler(method),
    });
    return getRequestIdentity(request);
  }

  /** A function carrying the method's route metadata, as a `ToolkitRpc` handler would. */
  private handler(method: MethodDescriptor): () => void {
    let handler = this.handlers.get(method.name);
    if (!handler) {
      handler = () => undefined;
      const route: RouteMetadata = { service: this.descriptor, method, bindings: [] };
      Reflect.defineMetadata(TOOLKIT_ROUTE, route, handler);
      this.handlers.set(method.name, handler);
    }
    return handler;
  }
}
