import { randomUUID } from 'node:crypto';
import { credentials, Metadata, ServiceError, status } from '@grpc/grpc-js';
import Fastify, { FastifyReply } from 'fastify';
import Redis from 'ioredis';
import { jwtVerify } from 'jose';
import {
  BaselineMetrics,
  createAccessLogger,
  intEnv,
  observabilityOn,
  observeRequests,
  requiredEnv,
  rfc3339,
  stopOnSignal,
  TimedRequest,
  UserMessage,
  UUID_PATTERN,
} from './common';
import { loadUserService } from './proto-loading';

/**
 * Plain baseline of the gateway hop: Fastify, bearer JWT checked with jose (HS256 pinned, exp
 * and sub required, 30 s tolerance), user_id bound to the caller (or an admin), the same Redis
 * fixed-window rate-limit script and token deny-list lookup as the project, then GetUser forwarded over one grpc-js channel to the
 * project's user-service, the reply written as protojson by hand. Access log and metrics as the
 * other baselines (`BENCH_OBSERVABILITY=off`: none). `BENCH_GATEWAY_CHECKS=off` leaves out the
 * rate-limit script and the deny-list read (JWT verification and the forward stay): the cheapest
 * gateway one would write by hand.
 */
const RATE_LIMIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;
const RATE_LIMIT_WINDOW_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

const rateLimit = intEnv('BENCH_RATE_LIMIT', 1_000_000_000);
const secret = new TextEncoder().encode(requiredEnv('BENCH_JWT_SECRET'));
const redisChecks = process.env.BENCH_GATEWAY_CHECKS !== 'off';
const redis = new Redis({
  host: '127.0.0.1',
  port: 6379,
  keyPrefix: requiredEnv('BENCH_REDIS_PREFIX'),
});
const UserService = loadUserService();
const users = new UserService(requiredEnv('BENCH_BACKEND_TARGET'), credentials.createInsecure());

const HTTP_STATUS: Partial<Record<number, number>> = {
  [status.INVALID_ARGUMENT]: 400,
  [status.NOT_FOUND]: 404,
  [status.UNAUTHENTICATED]: 401,
  [status.DEADLINE_EXCEEDED]: 504,
  [status.UNAVAILABLE]: 503,
};

function errorBody(code: string, message: string): string {
  return JSON.stringify({ code, message, details: [] });
}

function callGetUser(userId: string, requestId: string): Promise<{ user: UserMessage }> {
  const metadata = new Metadata();
  metadata.set('x-request-id', requestId);
  return new Promise((resolve, reject) => {
    users.GetUser(
      { user_id: userId },
      metadata,
      { deadline: Date.now() + REQUEST_TIMEOUT_MS },
      (error: ServiceError | null, response: { user: UserMessage }) =>
        error ? reject(error) : resolve(response),
    );
  });
}

const app = Fastify({ logger: false });

observeRequests(
  app,
  observabilityOn()
    ? {
        metrics: new BaselineMetrics('baseline-gateway'),
        logger: createAccessLogger('baseline-gateway'),
      }
    : undefined,
);

app.get('/_healthz/readiness', async () => ({ status: 'ok' }));

app.get<{ Params: { user_id: string } }>(
  '/api/v1/users/:user_id',
  async (request, reply: FastifyReply) => {
    reply.type('application/json');
    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Bearer '))
      return reply.code(401).send(errorBody('UNAUTHENTICATED', 'missing bearer token'));
    let subject: string;
    let tokenId: string;
    let admin: boolean;
    try {
      const { payload } = await jwtVerify(header.slice(7), secret, {
        algorithms: ['HS256'],
        clockTolerance: 30,
        requiredClaims: ['exp', 'sub'],
      });
      subject = String(payload.sub);
      tokenId = String(payload.jti ?? '');
      admin = Array.isArray(payload.roles) && payload.roles.includes('admin');
    } catch {
      return reply.code(401).send(errorBody('UNAUTHENTICATED', 'token rejected'));
    }
    if (redisChecks) {
      const [count] = (await redis.eval(
        RATE_LIMIT_SCRIPT,
        1,
        `rate-limit:${subject}`,
        RATE_LIMIT_WINDOW_MS,
      )) as [number, number];
      if (count > rateLimit)
        return reply.code(429).send(errorBody('RESOURCE_EXHAUSTED', 'rate limit exceeded'));
      if ((await redis.get(`auth:revoked:${tokenId}`)) !== null) {
        return reply.code(401).send(errorBody('UNAUTHENTICATED', 'token revoked'));
      }
    }
    const id = request.params.user_id;
    if (!UUID_PATTERN.test(id))
      return reply.code(400).send(errorBody('INVALID_ARGUMENT', 'user_id: must be a UUID'));
    // The route acts only for its caller, unless the caller is an admin (as the project's binding).
    if (!admin && id.toLowerCase() !== subject.toLowerCase())
      return reply.code(403).send(errorBody('PERMISSION_DENIED', 'user_id must be the caller'));
    try {
      const { user } = await callGetUser(id, (request as TimedRequest).requestId ?? randomUUID());
      return reply.send(
        JSON.stringify({
          user: {
            user_id: user.user_id,
            name: user.name,
            email: user.email,
            created_at: rfc3339(user.created_at),
            updated_at: rfc3339(user.updated_at),
          },
        }),
      );
    } catch (error) {
      const code = (error as ServiceError).code;
      return reply
        .code(HTTP_STATUS[code] ?? 500)
        .send(errorBody(status[code] ?? 'UNKNOWN', (error as ServiceError).details));
    }
  },
);

stopOnSignal(async () => {
  await app.close();
  users.close();
  redis.disconnect();
});

app.listen({ host: '127.0.0.1', port: intEnv('BENCH_PORT', 0) }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
