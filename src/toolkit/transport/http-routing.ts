import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { FASTIFY_ROUTE_KEY } from '../constants';
import { HttpRouteMatch, HttpRouter } from './http-router';
import { RouteMetadata } from './route-metadata';

/** Name of the Fastify route constraint that toolkit routes are told apart by. @internal */
export const HTTP_ROUTE_CONSTRAINT = 'toolkitRoute';

const MATCH = Symbol('toolkit:http-route-match');
type MatchedRequest = IncomingMessage & { [MATCH]?: HttpRouteMatch<string> };

/**
 * Routes the app's google.api.http bindings with the toolkit's own matcher instead of Fastify's:
 * find-my-way cannot express custom verbs after a variable, multi-segment variables, `**`
 * followed by more segments, or http.proto's decoding of `%2F`. Each method is registered on
 * `/*` for the HTTP methods of its bindings, under a route constraint whose value the matcher
 * derives from the request (`addHttpRoute`): find-my-way still dispatches (static routes such as
 * `/health` keep winning), the matcher decides which method a request belongs to and remembers
 * the match for transcoding. Returns the router that `addHttpRoute` fills.
 * @internal
 */
export function installHttpRouting(fastify: FastifyInstance): HttpRouter<string> {
  const router = new HttpRouter<string>();
  fastify.addConstraintStrategy({
    name: HTTP_ROUTE_CONSTRAINT,
    mustMatchWhenDerived: true,
    storage() {
      const stores = new Map<string, unknown>();
      return {
        get: (value: string) => (stores.get(value) ?? null) as never,
        set: (value: string, store: unknown) => void stores.set(value, store),
      };
    },
    deriveConstraint(request: MatchedRequest) {
      const method = request.method === 'HEAD' ? 'GET' : (request.method ?? '');
      const match = router.match(method, request.url ?? '');
      if (!match) return undefined as unknown as string;
      request[MATCH] = match;
      return match.key;
    },
  });
  return router;
}

/**
 * Registers one method's bindings: on `/*`, for the HTTP methods of its bindings (GET also
 * answers HEAD), constrained to the requests the router matches to it. `route` is kept in the
 * route's config for hooks that skip methods (cors).
 * @internal
 */
export function addHttpRoute(
  fastify: FastifyInstance,
  router: HttpRouter<string>,
  route: RouteMetadata,
  options: Pick<RouteOptions, 'handler' | 'errorHandler'>,
): void {
  const key = route.method.grpcPath;
  router.add(key, route.bindings);
  fastify.route({
    ...options,
    method: [...new Set(route.bindings.map((binding) => binding.rule.method))],
    url: '/*',
    constraints: { [HTTP_ROUTE_CONSTRAINT]: key },
    config: { [FASTIFY_ROUTE_KEY]: route },
  });
}

/** The binding and raw variables the router matched for a request, if it is a toolkit route. @internal */
export function httpRouteMatch(request: FastifyRequest): HttpRouteMatch<string> | undefined {
  return (request.raw as MatchedRequest)[MATCH];
}
