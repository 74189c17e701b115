import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { reasonPhrase } from '../errors/status-table';
import { ANY_ORIGIN, originAllowList } from '../transport/origin-allow-list';
import { CorsConfig } from './cors.config';

/**
 * Installs the `cors` middleware as a Fastify `onRequest` hook on `fastify` (the root instance, so
 * that it also sees preflights for which no route exists):
 * - an allowed origin is echoed in `Access-Control-Allow-Origin` (or `*` when `*` is configured),
 *   with `Vary: Origin` so caches keep one answer per origin;
 * - a preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin is answered
 *   here with 204 and the allowed methods, headers and max-age; it never reaches a route or guard;
 * - a refused origin gets no CORS header at all (the browser then blocks the answer), and its
 *   preflight is refused with 403.
 * @fastify/cors was not used: it answers allowed and refused preflights alike and cannot refuse one.
 * Throws when `*` is combined with credentials, which browsers reject.
 * @param options.skip requests that should get no CORS handling (routes that exclude `cors`).
 * @publicApi
 */
export function installCors(
  fastify: FastifyInstance,
  config: CorsConfig,
  options: { skip?: (request: FastifyRequest) => boolean } = {},
): void {
  const origins = originAllowList(config.ALLOWED_ORIGINS);
  const anyOrigin = origins.any;
  if (anyOrigin && config.ALLOW_CREDENTIALS) {
    throw new Error('CORS: ALLOW_CREDENTIALS cannot be combined with the * origin');
  }
  const preflightHeaders: Record<string, string> = {
    'Access-Control-Allow-Methods': config.ALLOWED_METHODS.join(', '),
    'Access-Control-Max-Age': String(Math.floor(config.MAX_AGE / 1000)),
  };
  if (config.ALLOWED_HEADERS.length > 0) {
    preflightHeaders['Access-Control-Allow-Headers'] = config.ALLOWED_HEADERS.join(', ');
  }
  const exposed = config.EXPOSED_HEADERS.join(', ');

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const origin = request.headers.origin;
    if (origin === undefined || options.skip?.(request) === true) return done();
    const preflight =
      request.method === 'OPTIONS' &&
      request.headers['access-control-request-method'] !== undefined;
    if (!anyOrigin) appendVary(reply, 'Origin');
    if (!origins.allows(origin)) {
      if (!preflight) return done();
      reply.code(403).send({ code: 403, status: reasonPhrase(403), message: 'origin not allowed' });
      return;
    }
    reply.header('Access-Control-Allow-Origin', anyOrigin ? ANY_ORIGIN : origin);
    if (config.ALLOW_CREDENTIALS) reply.header('Access-Control-Allow-Credentials', 'true');
    if (!preflight) {
      if (exposed.length > 0) reply.header('Access-Control-Expose-Headers', exposed);
      return done();
    }
    reply.headers(preflightHeaders).code(204).send();
  });
}

function appendVary(reply: FastifyReply, field: string): void {
  const current = reply.getHeader('vary');
  if (current === undefined) reply.header('Vary', field);
  else if (
    !String(current)
      .split(/\s*,\s*/)
      .includes(field)
  )
    reply.header('Vary', `${String(current)}, ${field}`);
}
