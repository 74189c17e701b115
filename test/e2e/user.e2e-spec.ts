import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HEALTH_PROTO_PATH, LOADER_OPTIONS } from '../../src/toolkit/runtime/proto-paths';
import { UserApp, startUserApp } from '../support/user-app';

type Method = 'CreateUser' | 'GetUser' | 'UpdateUser' | 'DeleteUser' | 'ListUsers';

/** A call's outcome on either transport: `OK` or the gRPC code name, and the answer body. */
interface Outcome {
  status: string;
  body: Record<string, unknown>;
}

const HTTP_TO_CODE: Record<number, string> = {
  200: 'OK',
  400: 'INVALID_ARGUMENT',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  500: 'INTERNAL',
  504: 'DEADLINE_EXCEEDED',
};

async function httpCall(
  baseUrl: string,
  method: Method,
  request: Record<string, unknown>,
): Promise<Outcome> {
  const { user_id, ...rest } = request;
  const id = encodeURIComponent(String(user_id ?? ''));
  let response: Response;
  switch (method) {
    case 'CreateUser':
      response = await fetch(`${baseUrl}/users`, jsonBody('POST', request));
      break;
    case 'GetUser':
      response = await fetch(`${baseUrl}/users/${id}`);
      break;
    case 'UpdateUser':
      response = await fetch(`${baseUrl}/users/${id}`, jsonBody('PUT', rest));
      break;
    case 'DeleteUser':
      response = await fetch(`${baseUrl}/users/${id}`, { method: 'DELETE' });
      break;
    case 'ListUsers': {
      const query = new URLSearchParams(
        Object.entries(request).map(([key, value]): [string, string] => [key, String(value)]),
      );
      response = await fetch(`${baseUrl}/users?${query}`);
      break;
    }
  }
  return {
    status: HTTP_TO_CODE[response.status] ?? String(response.status),
    body: (await response.json()) as Record<string, unknown>,
  };
}

function jsonBody(method: string, body: unknown): RequestInit {
  return { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

async function grpcCall(
  app: UserApp,
  method: Method,
  request: Record<string, unknown>,
): Promise<Outcome> {
  const outcome = await app.grpc.call(method, request);
  if (outcome.ok) return { status: 'OK', body: outcome.response };
  return { status: grpc.status[outcome.code], body: { message: outcome.message } };
}

const uniqueEmail = (tag = 'u') => `${tag}-${randomBytes(6).toString('hex')}@example.com`;

describe.each(['http', 'grpc'] as const)('user-service over %s', (transport) => {
  let app: UserApp;
  const call = (method: Method, request: Record<string, unknown>) =>
    transport === 'http'
      ? httpCall(app.running.httpUrl, method, request)
      : grpcCall(app, method, request);
  const create = async (name = 'Jane Roe', email = uniqueEmail()) => {
    const outcome = await call('CreateUser', { name, email });
    expect(outcome.status).toBe('OK');
    return outcome.body.user_id as string;
  };

  beforeAll(async () => {
    app = await startUserApp(`user_${transport}`);
  });

  afterAll(() => app?.close());

  describe('CRUD', () => {
    it('creates, reads, updates, lists and deletes a user', async () => {
      const email = uniqueEmail('crud');
      const created = await call('CreateUser', { name: 'John Doe', email });
      expect(created).toEqual({
        status: 'OK',
        body: { user_id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'created' },
      });
      const id = created.body.user_id as string;

      const fetched = await call('GetUser', { user_id: id });
      expect(fetched.status).toBe('OK');
      expect(fetched.body.user).toMatchObject({ user_id: id, name: 'John Doe', email });
      const user = fetched.body.user as Record<string, unknown>;
      if (transport === 'http') {
        expect(user.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      } else {
        expect(user.created_at).toMatchObject({ seconds: expect.stringMatching(/^\d+$/) });
      }

      const renamed = await call('UpdateUser', { user_id: id, name: 'Johnny' });
      expect(renamed.status).toBe('OK');
      expect(renamed.body.user).toMatchObject({ user_id: id, name: 'Johnny', email });

      const untouched = await call('UpdateUser', { user_id: id });
      expect(untouched.body.user).toMatchObject({ name: 'Johnny', email });

      const listed = await call('ListUsers', { limit: 100, offset: 0, search: email });
      expect(listed.status).toBe('OK');
      expect(listed.body).toMatchObject({ total: 1, users: [{ user_id: id, name: 'Johnny' }] });

      expect(await call('DeleteUser', { user_id: id })).toEqual({
        status: 'OK',
        body: { status: 'deleted' },
      });
      expect((await call('GetUser', { user_id: id })).status).toBe('NOT_FOUND');
    });

    it('pages through users with limit and offset, with the total of all matches', async () => {
      const tag = `page${randomBytes(4).toString('hex')}`;
      const ids = [];
      for (let index = 0; index < 3; index += 1) ids.push(await create(`${tag} ${index}`));
      const first = await call('ListUsers', { limit: 2, offset: 0, search: tag });
      const second = await call('ListUsers', { limit: 2, offset: 2, search: tag });
      expect(first.body.total).toBe(3);
      expect(second.body.total).toBe(3);
      const seen = [
        ...(first.body.users as { user_id: string }[]),
        ...(second.body.users as { user_id: string }[]),
      ];
      expect(seen.map((user) => user.user_id)).toEqual(ids);
    });
  });

  describe('validation', () => {
    it.each([
      ['100 × "é"', 'é'.repeat(100), 'OK'],
      ['101 × "é"', 'é'.repeat(101), 'INVALID_ARGUMENT'],
      ['100 × emoji', '😀'.repeat(100), 'OK'],
      ['101 × emoji', '😀'.repeat(101), 'INVALID_ARGUMENT'],
      ['empty', '', 'INVALID_ARGUMENT'],
    ])('CreateUser name of %s → %s', async (_label, name, expected) => {
      expect((await call('CreateUser', { name, email: uniqueEmail() })).status).toBe(expected);
    });

    it.each([
      ['a@b.co', 'OK'],
      ['no-at-sign.example.com', 'INVALID_ARGUMENT'],
      ['a@nodot', 'INVALID_ARGUMENT'],
      ['a@@b.co', 'INVALID_ARGUMENT'],
      ['', 'INVALID_ARGUMENT'],
    ])('CreateUser email %j → %s', async (email, expected) => {
      const unique = email === 'a@b.co' ? `${randomBytes(4).toString('hex')}@b.co` : email;
      expect((await call('CreateUser', { name: 'N', email: unique })).status).toBe(expected);
    });

    it('UpdateUser checks name and email only when present', async () => {
      const id = await create();
      expect((await call('UpdateUser', { user_id: id, name: '' })).status).toBe('INVALID_ARGUMENT');
      expect((await call('UpdateUser', { user_id: id, name: 'é'.repeat(101) })).status).toBe(
        'INVALID_ARGUMENT',
      );
      expect((await call('UpdateUser', { user_id: id, email: 'bad' })).status).toBe(
        'INVALID_ARGUMENT',
      );
      expect((await call('UpdateUser', { user_id: id, name: '😀'.repeat(100) })).status).toBe('OK');
    });

    it.each(['GetUser', 'UpdateUser', 'DeleteUser'] as const)(
      '%s rejects a user_id that is not a UUID',
      async (method) => {
        expect((await call(method, { user_id: 'not-a-uuid' })).status).toBe('INVALID_ARGUMENT');
      },
    );

    it('accepts an upper-case UUID for the same user', async () => {
      const id = await create();
      const fetched = await call('GetUser', { user_id: id.toUpperCase() });
      expect(fetched.status).toBe('OK');
      expect(fetched.body.user).toMatchObject({ user_id: id });
    });

    it.each([
      [0, 0, 'INVALID_ARGUMENT'],
      [1, 0, 'OK'],
      [100, 0, 'OK'],
      [101, 0, 'INVALID_ARGUMENT'],
      [10, -1, 'INVALID_ARGUMENT'],
    ])('ListUsers limit %i offset %i → %s', async (limit, offset, expected) => {
      expect((await call('ListUsers', { limit, offset })).status).toBe(expected);
    });
  });

  describe('search', () => {
    it('matches name OR email, case-insensitively, with % and _ taken literally', async () => {
      const tag = randomBytes(4).toString('hex');
      const byName = await create(`Zelda ${tag}`, uniqueEmail('n'));
      const byEmail = await create('Link', `mail-${tag}@example.com`);
      await create('Other', uniqueEmail('o'));
      const found = await call('ListUsers', { limit: 10, offset: 0, search: tag.toUpperCase() });
      expect(found.body.total).toBe(2);
      expect(
        (found.body.users as { user_id: string }[]).map((user) => user.user_id).sort(),
      ).toEqual([byName, byEmail].sort());
      const zelda = await call('ListUsers', { limit: 10, offset: 0, search: `zELDA ${tag}` });
      expect(zelda.body.total).toBe(1);
      const wildcard = await call('ListUsers', {
        limit: 10,
        offset: 0,
        search: `%${tag.slice(0, 2)}_`,
      });
      expect(wildcard.body.total).toBe(0);
    });
  });

  describe('errors', () => {
    it('answers NOT_FOUND for unknown ids on get, update and delete', async () => {
      const id = randomUUID();
      expect((await call('GetUser', { user_id: id })).status).toBe('NOT_FOUND');
      expect((await call('UpdateUser', { user_id: id, name: 'x' })).status).toBe('NOT_FOUND');
      expect((await call('DeleteUser', { user_id: id })).status).toBe('NOT_FOUND');
    });

    it('answers ALREADY_EXISTS for a duplicate email on create and update', async () => {
      const email = uniqueEmail('dup');
      await create('First', email);
      expect((await call('CreateUser', { name: 'Second', email })).status).toBe('ALREADY_EXISTS');
      const other = await create();
      expect((await call('UpdateUser', { user_id: other, email })).status).toBe('ALREADY_EXISTS');
      // Keeping one's own email is not a conflict.
      const self = await call('UpdateUser', { user_id: other, name: 'Same' });
      expect(self.status).toBe('OK');
    });
  });

  describe('cache-aside user:<id>', () => {
    const cached = (id: string) => app.redis.get(`${app.keyPrefix}user:${id}`);

    it('caches a read user and invalidates it on update and delete', async () => {
      const id = await create('Cached');
      await app.redis.del(`${app.keyPrefix}user:${id}`);
      await call('GetUser', { user_id: id });
      expect(JSON.parse((await cached(id)) ?? 'null')).toMatchObject({ id, name: 'Cached' });
      const ttl = await app.redis.pttl(`${app.keyPrefix}user:${id}`);
      expect(ttl).toBeGreaterThan(3_500_000);
      expect(ttl).toBeLessThanOrEqual(3_600_000);

      await call('UpdateUser', { user_id: id, name: 'Renamed' });
      expect(await cached(id)).toBeNull();
      expect((await call('GetUser', { user_id: id })).body.user).toMatchObject({ name: 'Renamed' });
      expect(JSON.parse((await cached(id)) ?? 'null')).toMatchObject({ name: 'Renamed' });

      await call('DeleteUser', { user_id: id });
      expect(await cached(id)).toBeNull();
      expect((await call('GetUser', { user_id: id })).status).toBe('NOT_FOUND');
    });
  });
});

describe('user-service HTTP specifics', () => {
  let app: UserApp;

  beforeAll(async () => {
    app = await startUserApp('user_http_only');
  });

  afterAll(() => app?.close());

  it('answers malformed JSON with 400 and the error body shape', async () => {
    const response = await fetch(`${app.running.httpUrl}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": "x", ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 400,
      status: 'Bad Request',
      message: expect.any(String),
      details: [],
    });
  });

  it('renders validation failures with field violations', async () => {
    const response = await fetch(
      `${app.running.httpUrl}/users`,
      jsonBody('POST', { name: '', email: 'bad' }),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { details: unknown[] };
    expect(JSON.stringify(body.details)).toContain('name');
    expect(JSON.stringify(body.details)).toContain('email');
  });

  it('renders NOT_FOUND as 404 with the error body shape', async () => {
    const response = await fetch(`${app.running.httpUrl}/users/${randomUUID()}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      code: 404,
      status: 'Not Found',
      message: expect.stringContaining('not found'),
      details: [],
    });
  });

  it('serves probes and metrics', async () => {
    expect((await fetch(`${app.running.httpUrl}/_healthz/liveness`)).status).toBe(200);
    const readiness = await fetch(`${app.running.httpUrl}/_healthz/readiness`);
    expect(readiness.status).toBe(200);
    expect(JSON.stringify(await readiness.json())).toMatch(/pgsql[\s\S]*cache|cache[\s\S]*pgsql/);
    await fetch(`${app.running.httpUrl}/users/${randomUUID()}`);
    const metrics = await (await fetch(`${app.running.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/toolkit_requests_total\{[^}]*GetUser[^}]*\} \d+/);
  });
});

function healthClient(target: string): grpc.Client {
  const definition = protoLoader.loadSync(HEALTH_PROTO_PATH, LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  return new loaded.grpc.health.v1.Health(target, grpc.credentials.createInsecure());
}

/** One grpc.health.v1 Watch stream: the statuses it received, and how it ended. */
function watchHealth(client: grpc.Client, service: string) {
  const statuses: string[] = [];
  const waiters: Array<() => void> = [];
  const stream = (
    client as unknown as Record<string, (r: unknown) => grpc.ClientReadableStream<unknown>>
  ).Watch.call(client, { service });
  stream.on('data', (message: { status: string }) => {
    statuses.push(message.status);
    waiters.splice(0).forEach((wake) => wake());
  });
  stream.on('error', () => undefined);
  const ended = new Promise<number>((resolve) =>
    stream.on('status', (status: grpc.StatusObject) => resolve(status.code)),
  );
  return {
    statuses,
    ended,
    async received(count: number): Promise<string[]> {
      while (statuses.length < count) await new Promise<void>((wake) => waiters.push(wake));
      return statuses.slice(0, count);
    },
  };
}

describe('user-service gRPC health and reflection', () => {
  let app: UserApp;

  beforeAll(async () => {
    app = await startUserApp('user_grpc_health');
  });

  afterAll(() => app?.close());

  it('answers grpc.health.v1 SERVING for the server and for UserService', async () => {
    const client = healthClient(app.running.grpcTarget!);
    const check = (service: string) =>
      new Promise<unknown>((resolve) =>
        (
          client as unknown as Record<
            string,
            (r: unknown, cb: (e: grpc.ServiceError | null, v: unknown) => void) => void
          >
        ).Check.call(client, { service }, (error, value) =>
          resolve(error ? { code: error.code } : value),
        ),
      );
    try {
      expect(await check('')).toEqual({ status: 'SERVING' });
      expect(await check('userservice.UserService')).toEqual({ status: 'SERVING' });
      expect(await check('userservice.Other')).toEqual({ code: grpc.status.NOT_FOUND });
    } finally {
      client.close();
    }
  });

  it('lists UserService through server reflection', async () => {
    const reflectionProto = join(
      require.resolve('@grpc/reflection/package.json'),
      '..',
      'build/proto/grpc/reflection/v1alpha/reflection.proto',
    );
    const definition = protoLoader.loadSync(reflectionProto, { keepCase: true });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      grpc: { reflection: { v1alpha: { ServerReflection: grpc.ServiceClientConstructor } } };
    };
    const client = new loaded.grpc.reflection.v1alpha.ServerReflection(
      app.running.grpcTarget ?? '',
      grpc.credentials.createInsecure(),
    );
    try {
      const names = await new Promise<string[]>((resolve, reject) => {
        const stream = (
          client as unknown as Record<string, () => grpc.ClientDuplexStream<unknown, unknown>>
        ).ServerReflectionInfo.call(client);
        stream.on(
          'data',
          (message: { list_services_response?: { service: { name: string }[] } }) => {
            resolve((message.list_services_response?.service ?? []).map((service) => service.name));
            stream.end();
          },
        );
        stream.on('error', reject);
        stream.write({ list_services: '' });
      });
      expect(names).toEqual(
        expect.arrayContaining(['userservice.UserService', 'grpc.health.v1.Health']),
      );
    } finally {
      client.close();
    }
  });
});

describe('user-service grpc.health.v1 Watch', () => {
  it('streams SERVING, then NOT_SERVING as soon as shutdown begins, and ends the stream in the drain', async () => {
    const app = await startUserApp('user_grpc_watch');
    const client = healthClient(app.running.grpcTarget!);
    try {
      const server = watchHealth(client, '');
      const service = watchHealth(client, 'userservice.UserService');
      const unknown = watchHealth(client, 'userservice.Other');
      expect(await server.received(1)).toEqual(['SERVING']);
      expect(await service.received(1)).toEqual(['SERVING']);
      expect(await unknown.received(1)).toEqual(['SERVICE_UNKNOWN']);

      const closing = app.close();
      expect(await server.received(2)).toEqual(['SERVING', 'NOT_SERVING']);
      expect(await service.received(2)).toEqual(['SERVING', 'NOT_SERVING']);
      await closing;
      // Ended by the server with OK, not cut when the grace period ran out.
      expect(await server.ended).toBe(grpc.status.OK);
      expect(await service.ended).toBe(grpc.status.OK);
      expect(await unknown.ended).toBe(grpc.status.OK);
      expect(server.statuses).toEqual(['SERVING', 'NOT_SERVING']);
      expect(unknown.statuses).toEqual(['SERVICE_UNKNOWN']);
    } finally {
      client.close();
    }
  });
});
