import { Module } from '@nestjs/common';
import { SignJWT } from 'jose';
import { Caller } from '../../src/toolkit/auth/caller.decorator';
import { CallerIdentity } from '../../src/toolkit/auth/caller-identity';
import { tokenRevocationProvider } from '../../src/toolkit/auth/security.middlewares';
import { TokenRevocationService } from '../../src/toolkit/auth/token-revocation.service';
import {
  defineDescriptorSet,
  MethodDescriptor,
  ServiceDescriptor,
} from '../../src/toolkit/descriptor';
import { defineService, RunningService } from '../../src/toolkit/runtime';
import { bootstrapService } from '../support/bootstrap';
import { ToolkitController, ToolkitRpc } from '../../src/toolkit/transport';
import { deleteKeys, rawRedis, TEST_REDIS, uniqueKeyPrefix } from '../support/redis';

/** A hand-written descriptor standing in for the gateway's generated one, with its middleware layout. */
const text = (name: string, number: number, cardinality: 'singular' | 'repeated' = 'singular') => ({
  name,
  jsonName: name,
  number,
  cardinality,
  type: { kind: 'scalar' as const, scalar: 'string' as const },
  optional: false,
});
const SECURED_TYPES = defineDescriptorSet({
  file: 'securityfixture/secured.proto',
  messages: [
    { fullName: 'securityfixture.Empty', fields: [] },
    {
      fullName: 'securityfixture.CallerReply',
      fields: [text('subject', 1), text('roles', 2, 'repeated'), text('status', 3)],
    },
  ],
  enums: [],
  dependencies: [],
});

function method(
  name: string,
  verb: 'GET' | 'POST',
  path: string,
  route: Partial<MethodDescriptor> = {},
): MethodDescriptor {
  return {
    name,
    localName: name.charAt(0).toLowerCase() + name.slice(1),
    grpcPath: `/securityfixture.SecuredService/${name}`,
    requestType: 'securityfixture.Empty',
    responseType: 'securityfixture.CallerReply',
    clientStreaming: false,
    serverStreaming: false,
    http: { method: verb, path, pathParams: [] },
    websocket: false,
    middlewares: [],
    excludeGlobalMiddlewares: [],
    ...route,
  };
}

const SecuredDescriptor: ServiceDescriptor = {
  types: SECURED_TYPES,
  name: 'SecuredService',
  package: 'securityfixture',
  fullName: 'securityfixture.SecuredService',
  protoFile: 'securityfixture/secured.proto',
  servers: ['HTTP'],
  middlewares: ['cors', 'rate_limit', 'auth'],
  plugins: [{ prefix: 'cache', kind: 'redis' }],
  dependsOn: [],
  methods: [
    method('Public', 'POST', '/public', { excludeGlobalMiddlewares: ['auth'] }),
    method('Me', 'GET', '/me'),
    method('Secure', 'GET', '/secure', { middlewares: ['validate_token'] }),
    method('Admin', 'GET', '/admin', { middlewares: ['admin_only'] }),
    method('Revoke', 'POST', '/revoke', { middlewares: ['validate_token'] }),
  ],
};

@ToolkitController(SecuredDescriptor)
class SecuredController {
  constructor(private readonly revocations: TokenRevocationService) {}

  @ToolkitRpc(SecuredDescriptor, 'Public')
  publicCall(@Caller() caller?: CallerIdentity) {
    return { subject: caller?.subject ?? '' };
  }

  @ToolkitRpc(SecuredDescriptor, 'Me')
  me(@Caller() caller: CallerIdentity) {
    return { subject: caller.subject, roles: caller.roles };
  }

  @ToolkitRpc(SecuredDescriptor, 'Secure')
  secure() {
    return { status: 'ok' };
  }

  @ToolkitRpc(SecuredDescriptor, 'Admin')
  admin() {
    return { status: 'ok' };
  }

  @ToolkitRpc(SecuredDescriptor, 'Revoke')
  async revoke(@Caller() caller: CallerIdentity) {
    await this.revocations.revoke(caller);
    return { status: 'revoked' };
  }
}

@Module({ controllers: [SecuredController], providers: [tokenRevocationProvider] })
class SecuredModule {}

const securedService = defineService({
  name: 'secured-service',
  envPrefix: 'SECURED',
  descriptor: SecuredDescriptor,
  module: SecuredModule,
  defaultHttpPort: 0,
  defaultGrpcPort: 0,
});

const SECRET = 'an-e2e-secret-that-is-long-enough-for-hs256';
const ORIGIN = 'https://app.example.com';
const keyPrefix = uniqueKeyPrefix('gateway_security');
const env = {
  SECURED_LOG_LEVEL: 'silent',
  SECURED_CACHE_HOST: TEST_REDIS.host,
  SECURED_CACHE_PORT: String(TEST_REDIS.port),
  SECURED_CACHE_KEY_PREFIX: keyPrefix,
  SECURED_AUTH_JWT_SECRET: SECRET,
  SECURED_RATE_LIMIT_REQUESTS: '5',
  SECURED_RATE_LIMIT_WINDOW: '1m',
  SECURED_CORS_ALLOWED_ORIGINS: ORIGIN,
};

let counter = 0;
function token(claims: Record<string, unknown> = {}): Promise<string> {
  counter += 1;
  return new SignJWT({
    sub: `user-${counter}-${keyPrefix}`,
    jti: `jti-${counter}-${keyPrefix}`,
    ...claims,
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

describe('security middlewares through the toolkit runtime', () => {
  let first: RunningService;
  let second: RunningService;

  beforeAll(async () => {
    first = await bootstrapService(securedService, { env, httpPort: 0 });
    second = await bootstrapService(securedService, { env, httpPort: 0 });
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    const redis = rawRedis();
    await deleteKeys(redis, keyPrefix);
    redis.disconnect();
  });

  const call = (
    service: RunningService,
    method: string,
    path: string,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${service.httpUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: method === 'POST' ? '{}' : undefined,
    });
  const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

  it('auth: 401 without or with a bad token, with the RFC 6750 challenge and the error body', async () => {
    const missing = await call(first, 'GET', '/me');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await missing.json()).toMatchObject({
      code: 401,
      status: 'Unauthorized',
      message: 'missing bearer token',
    });
    const forged = await call(first, 'GET', '/me', bearer((await token()).slice(0, -4) + 'AAAA'));
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('auth: a valid token reaches the handler with the caller identity', async () => {
    const response = await call(
      first,
      'GET',
      '/me',
      bearer(await token({ sub: 'alice', roles: ['user'] })),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ subject: 'alice', roles: ['user'] });
  });

  it('exclude_global_middlewares: the public route needs no token', async () => {
    const response = await call(first, 'POST', '/public');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ subject: '' });
  });

  it('admin_only: 403 for a non-admin, 200 for an admin', async () => {
    expect(
      (await call(first, 'GET', '/admin', bearer(await token({ roles: ['user'] })))).status,
    ).toBe(403);
    expect(
      (await call(first, 'GET', '/admin', bearer(await token({ roles: ['admin'] })))).status,
    ).toBe(200);
  });

  it('revocation: a revoked token is refused on every authenticated route, on every replica', async () => {
    const revoked = await token();
    expect((await call(first, 'GET', '/secure', bearer(revoked))).status).toBe(200);
    const revoke = await call(first, 'POST', '/revoke', bearer(revoked));
    expect(revoke.status).toBe(200);
    const refused = await call(second, 'GET', '/secure', bearer(revoked));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ message: 'token revoked' });
    for (const path of ['/me', '/admin']) {
      expect((await call(second, 'GET', path, bearer(revoked))).status).toBe(401);
    }
  });

  it('rate_limit: two replicas share one budget per subject; 429 with Retry-After and RateLimit-*', async () => {
    const headers = bearer(await token());
    const remaining: (string | null)[] = [];
    for (const service of [first, second, first, second, first]) {
      const response = await call(service, 'GET', '/me', headers);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBe('5');
      remaining.push(response.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const refused = await call(second, 'GET', '/me', headers);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(await refused.json()).toMatchObject({ code: 429, status: 'Too Many Requests' });
    expect((await call(first, 'GET', '/me', bearer(await token()))).status).toBe(200);
  });

  it('cors: preflight answered for an allowed origin, refused for another', async () => {
    const allowed = await call(first, 'OPTIONS', '/me', {
      origin: ORIGIN,
      'access-control-request-method': 'GET',
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const refused = await call(first, 'OPTIONS', '/me', {
      origin: 'https://evil.example.com',
      'access-control-request-method': 'GET',
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await call(first, 'GET', '/me', { origin: ORIGIN, ...bearer(await token()) });
    expect(simple.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(simple.headers.get('vary')).toContain('Origin');
  });
});
