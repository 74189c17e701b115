import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { UserApp, startUserApp } from '../support/user-app';

/**
 * Hostile input on both transports of user-service: random and malformed JSON bodies, query
 * strings, path values, and raw bytes as gRPC request messages (1,000 in all). Every answer must be
 * a client error (or a legitimate success / NOT_FOUND / ALREADY_EXISTS), never a 5xx, INTERNAL or
 * UNKNOWN, and the process must stay healthy afterwards.
 */

const GRPC_METHODS = ['CreateUser', 'GetUser', 'UpdateUser', 'DeleteUser', 'ListUsers'] as const;
const ACCEPTED_GRPC_CODES = new Set([
  grpc.status.OK,
  grpc.status.INVALID_ARGUMENT,
  grpc.status.NOT_FOUND,
  grpc.status.ALREADY_EXISTS,
]);

/** JSON values of every kind, including numbers and strings a codec might mishandle. */
const nastyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '😀'.repeat(101),
    'x'.repeat(10000),
    1e308,
    -0,
    2 ** 53,
    '9223372036854775808',
    'NaN',
    'Infinity',
    '__proto__',
    { __proto__: { polluted: true } },
    [[[[[]]]]],
  ),
);

const userFieldNames = fc.constantFrom(
  'name',
  'email',
  'user_id',
  'userId',
  'limit',
  'offset',
  'search',
  '__proto__',
  'constructor',
  'unknown',
);

const jsonBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(userFieldNames, nastyJson),
  fc.record({ name: nastyJson, email: nastyJson, user_id: nastyJson }, { requiredKeys: [] }),
);

const malformedJson: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.json().map((text) => text.slice(0, Math.max(0, text.length - 1))),
  fc.json().map((text) => `${text}}`),
  fc.json().map((text) => `{"name": ${text}`),
  fc.constantFrom(
    '',
    '{',
    '{"name":',
    '{"name":"a",}',
    "{'name':'a'}",
    'null',
    '[]',
    '\u0000',
    '{"a":1e999999}',
  ),
);

const queryKey = fc.oneof(
  fc.constantFrom(
    'limit',
    'offset',
    'search',
    'limit[]',
    'offset.x',
    'search.deep',
    '__proto__',
    'constructor',
  ),
  fc.string(),
);
const queryValue = fc.oneof(
  fc.string(),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('', '1e2', '0x10', '-0', '99999999999999999999', 'true', '%', '%zz', '&', '='),
);
const queryString: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.tuple(queryKey, queryValue), { maxLength: 6 })
    .map((pairs) =>
      pairs
        .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
        .join('&'),
    ),
  fc.string({ unit: 'binary-ascii' }).map((text) => text.replace(/#/g, '')),
);

const pathValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme' }).map(encodeURIComponent),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.constantFrom(
    '%',
    '%zz',
    '%E0%A4%A',
    '%00',
    '..',
    '.',
    '%2F',
    'a%2Fb',
    '%F0%9F%98',
    ';',
    '%20',
  ),
);

describe('user-service under fuzzed input', () => {
  let app: UserApp;
  let grpcClient: grpc.Client;

  beforeAll(async () => {
    app = await startUserApp('fuzz');
    grpcClient = new grpc.Client(app.running.grpcTarget ?? '', grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    grpcClient?.close();
    await app?.close();
  });

  async function expectClientError(path: string, init?: RequestInit): Promise<void> {
    const response = await fetch(`${app.running.httpUrl}${path}`, init);
    const text = await response.text();
    const context = `${init?.method ?? 'GET'} ${path} ${String(init?.body ?? '')} -> ${response.status} ${text}`;
    expect({ context, serverError: response.status >= 500 }).toEqual({
      context,
      serverError: false,
    });
    if (response.status >= 400) {
      const body = JSON.parse(text) as { code?: unknown };
      expect({ context, code: body.code }).toEqual({ context, code: response.status });
    }
  }

  function jsonRequest(method: string, body: string): RequestInit {
    return { method, headers: { 'content-type': 'application/json' }, body };
  }

  it('answers random JSON bodies on POST /users and PUT /users/{id} with client errors', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, fc.boolean(), async (body, create) => {
        const path = create ? '/users' : `/users/${randomUUID()}`;
        await expectClientError(path, jsonRequest(create ? 'POST' : 'PUT', JSON.stringify(body)));
      }),
      { numRuns: 300 },
    );
  });

  it('answers malformed JSON with 400', async () => {
    await fc.assert(
      fc.asyncProperty(malformedJson, fc.boolean(), async (text, create) => {
        const path = create ? '/users' : `/users/${randomUUID()}`;
        await expectClientError(path, jsonRequest(create ? 'POST' : 'PUT', text));
      }),
      { numRuns: 150 },
    );
  });

  it('answers random query strings on GET /users', async () => {
    await fc.assert(
      fc.asyncProperty(queryString, async (query) => {
        await expectClientError(`/users?${query}`);
      }),
      { numRuns: 200 },
    );
  });

  it('answers random path values on GET, PUT and DELETE /users/{id}', async () => {
    await fc.assert(
      fc.asyncProperty(pathValue, fc.constantFrom('GET', 'PUT', 'DELETE'), async (id, method) => {
        const init = method === 'PUT' ? jsonRequest('PUT', '{"name":"fuzz"}') : { method };
        await expectClientError(`/users/${id}`, init);
      }),
      { numRuns: 150 },
    );
  });

  it('answers raw random bytes on every gRPC method without INTERNAL or UNKNOWN', async () => {
    const identity = (value: Buffer): Buffer => value;
    const call = (method: string, bytes: Uint8Array) =>
      new Promise<{ code: grpc.status; details: string }>((resolve) => {
        grpcClient.makeUnaryRequest(
          `/userservice.UserService/${method}`,
          identity,
          identity,
          Buffer.from(bytes),
          (error) =>
            resolve({ code: error?.code ?? grpc.status.OK, details: error?.details ?? '' }),
        );
      });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...GRPC_METHODS),
        fc.uint8Array({ maxLength: 256 }),
        async (method, bytes) => {
          const { code, details } = await call(method, bytes);
          const context = `${method} ${Buffer.from(bytes).toString('hex')} -> ${grpc.status[code]} ${details}`;
          expect({ context, accepted: ACCEPTED_GRPC_CODES.has(code) }).toEqual({
            context,
            accepted: true,
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is still healthy and serving afterwards', async () => {
    const liveness = await fetch(`${app.running.httpUrl}/_healthz/liveness`);
    expect(liveness.status).toBe(200);
    const listed = await app.grpc.call('ListUsers', { limit: 10, offset: 0 });
    expect(listed.ok).toBe(true);
  });
});
