import Fastify, { FastifyInstance } from 'fastify';
import { ConfigLoader } from '../config';
import { corsConfig } from './cors.config';
import { installCors } from './install-cors';

function corsValues(env: Record<string, string>) {
  const loader = new ConfigLoader('GW', env);
  const values = loader.load(corsConfig);
  loader.assertValid();
  return values;
}

async function app(env: Record<string, string>): Promise<FastifyInstance> {
  const fastify = Fastify();
  installCors(fastify, corsValues(env));
  fastify.get('/api/v1/users', async () => ({ users: [] }));
  await fastify.ready();
  return fastify;
}

const ALLOWED = 'https://app.example.com';

describe('installCors with an allow-list', () => {
  let fastify: FastifyInstance;
  beforeAll(async () => {
    fastify = await app({
      GW_CORS_ALLOWED_ORIGINS: `${ALLOWED}/, https://admin.example.com`,
      GW_CORS_MAX_AGE: '5m',
    });
  });
  afterAll(() => fastify.close());

  it('echoes an allowed origin with Vary: Origin and the exposed headers', async () => {
    const response = await fastify.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: { origin: ALLOWED },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(response.headers.vary).toBe('Origin');
    expect(response.headers['access-control-expose-headers']).toContain('RateLimit-Remaining');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('sends no CORS header to a refused origin, but still serves the request', async () => {
    const response = await fastify.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: { origin: 'https://evil.example.com' },
    });
    expect(response.statusCode).toBe(200);
    expect(
      Object.keys(response.headers).filter((name) => name.startsWith('access-control-')),
    ).toEqual([]);
    expect(response.headers.vary).toBe('Origin');
  });

  it('answers a preflight from an allowed origin with 204, methods, headers and max-age', async () => {
    const response = await fastify.inject({
      method: 'OPTIONS',
      url: '/api/v1/users',
      headers: {
        origin: 'https://admin.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': 'https://admin.example.com',
      'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
      'access-control-allow-headers': 'Authorization, Content-Type, X-Request-Id, Grpc-Timeout',
      'access-control-max-age': '300',
      vary: 'Origin',
    });
  });

  it('answers a preflight for a path without any route', async () => {
    const response = await fastify.inject({
      method: 'OPTIONS',
      url: '/no/such/route',
      headers: { origin: ALLOWED, 'access-control-request-method': 'GET' },
    });
    expect(response.statusCode).toBe(204);
  });

  it('refuses a preflight from a refused origin with 403 and no CORS header', async () => {
    const response = await fastify.inject({
      method: 'OPTIONS',
      url: '/api/v1/users',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      code: 403,
      status: 'Forbidden',
      message: 'origin not allowed',
    });
    expect(
      Object.keys(response.headers).filter((name) => name.startsWith('access-control-')),
    ).toEqual([]);
  });

  it('leaves requests without Origin alone', async () => {
    const response = await fastify.inject({ method: 'GET', url: '/api/v1/users' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers.vary).toBeUndefined();
  });
});

describe('installCors with other settings', () => {
  it('allows any origin with * (without echoing it)', async () => {
    const fastify = await app({ GW_CORS_ALLOWED_ORIGINS: '*' });
    const response = await fastify.inject({
      method: 'OPTIONS',
      url: '/api/v1/users',
      headers: { origin: 'https://anyone.example.com', 'access-control-request-method': 'GET' },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    await fastify.close();
  });

  it('allows no origin by default', async () => {
    const fastify = await app({});
    const response = await fastify.inject({
      method: 'OPTIONS',
      url: '/api/v1/users',
      headers: { origin: ALLOWED, 'access-control-request-method': 'GET' },
    });
    expect(response.statusCode).toBe(403);
    await fastify.close();
  });

  it('sends Allow-Credentials when configured', async () => {
    const fastify = await app({
      GW_CORS_ALLOWED_ORIGINS: ALLOWED,
      GW_CORS_ALLOW_CREDENTIALS: 'true',
    });
    const response = await fastify.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: { origin: ALLOWED },
    });
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    await fastify.close();
  });

  it('refuses * together with credentials at start-up', () => {
    expect(() =>
      installCors(
        Fastify(),
        corsValues({ GW_CORS_ALLOWED_ORIGINS: '*', GW_CORS_ALLOW_CREDENTIALS: 'true' }),
      ),
    ).toThrow('CORS: ALLOW_CREDENTIALS cannot be combined with the * origin');
  });
});
