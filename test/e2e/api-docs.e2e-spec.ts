import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { SignJWT } from 'jose';
import {
  GATEWAY_TEST_SECRET,
  GatewayWithUsers,
  startGatewayWithUsers,
} from '../support/gateway-app';

const GEN = path.join(__dirname, '..', '..', 'src', 'gen');
const committed = (file: string) => JSON.parse(fs.readFileSync(path.join(GEN, file), 'utf8'));

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Validates values against one component schema of an OpenAPI 3.1 document (JSON Schema 2020-12). */
function schemaValidator(document: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: 'doc' });
  return (schema: Json, value: unknown): string[] => {
    const check = ajv.compile(rebase(schema) as Json);
    return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

/** A schema taken out of the document: its `#/components/...` references point into `doc`. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#')
        ? `doc${value}`
        : rebase(value),
    ]),
  );
}

describe('OpenAPI document and docs page on a booted gateway', () => {
  let system: GatewayWithUsers;
  let base: string;
  let document: Json;

  beforeAll(async () => {
    // A budget of 3 requests per caller: the docs must not count against it.
    system = await startGatewayWithUsers('api_docs_e2e', { API_GATEWAY_RATE_LIMIT_REQUESTS: '3' });
    base = system.gateway.httpUrl;
    document = committed('apigateway/ApiGateway.openapi.json');
  }, 60000);

  afterAll(async () => {
    await system?.close();
  });

  it('serves the committed document at /openapi.json without a token', async () => {
    const response = await fetch(`${base}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(document);
  });

  it('serves a Swagger UI page whose every asset is local', async () => {
    const page = await fetch(`${base}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(assets).toEqual(
      expect.arrayContaining(['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js']),
    );
    for (const asset of assets) {
      const response = await fetch(`${base}${asset}`);
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    const initializer = await (await fetch(`${base}/docs/swagger-initializer.js`)).text();
    expect(initializer).toContain('"/openapi.json"');
    expect(initializer).toContain('validatorUrl: null');
  });

  it('keeps the docs outside the rate limit that guards the API', async () => {
    for (let i = 0; i < 6; i++) {
      expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
      expect((await fetch(`${base}/docs`)).status).toBe(200);
    }
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await fetch(`${base}/api/v1/users/${randomUUID()}`)).status);
    expect(statuses).toContain(429);
  });

  it('describes what the gateway really answers (bodies match the schemas)', async () => {
    const validate = schemaValidator(document);
    // The rate-limit test above spent this caller's small budget: this gateway allows more.
    const gateway = await system.startGateway({ API_GATEWAY_RATE_LIMIT_REQUESTS: '10000' });
    const url = gateway.httpUrl;
    const create = document.paths['/api/v1/users'].post;
    const email = `docs-${randomUUID()}@example.com`;
    const created = await fetch(`${url}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Docs', email }),
    });
    const createdBody = (await created.json()) as Json;
    expect(created.status).toBe(200);
    expect(
      validate(create.responses['200'].content['application/json'].schema, createdBody),
    ).toEqual([]);

    const invalid = await fetch(`${url}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '', email: 'not-an-email' }),
    });
    expect(invalid.status).toBe(400);
    const errorSchema = { $ref: 'doc#/components/schemas/ToolkitError' };
    const invalidBody = (await invalid.json()) as Json;
    expect(validate(errorSchema, invalidBody)).toEqual([]);
    // The request the document calls invalid is the one the server refused.
    const requestSchema = create.requestBody.content['application/json'].schema;
    expect(validate(requestSchema, { name: '', email: 'not-an-email' }).length).toBeGreaterThan(0);
    expect(validate(requestSchema, { name: 'Docs', email })).toEqual([]);

    const token = await new SignJWT({
      sub: createdBody.user_id,
      jti: randomUUID(),
      roles: ['user'],
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(GATEWAY_TEST_SECRET));
    const fetched = await fetch(`${url}/api/v1/users/${createdBody.user_id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(fetched.status).toBe(200);
    const getUser = document.paths['/api/v1/users/{user_id}'].get;
    const fetchedBody = (await fetched.json()) as Json;
    expect(fetchedBody.user.created_at).toEqual(expect.any(String));
    expect(
      validate(getUser.responses['200'].content['application/json'].schema, fetchedBody),
    ).toEqual([]);

    const unauthenticated = await fetch(`${url}/api/v1/users/${createdBody.user_id}`);
    expect(unauthenticated.status).toBe(401);
    expect(getUser.security).toEqual([{ bearer: [] }]);
    expect(validate(errorSchema, await unauthenticated.json())).toEqual([]);
  });

  it('serves each backend its own document', async () => {
    const response = await fetch(`${system.user.running.httpUrl}/openapi.json`);
    expect(response.status).toBe(200);
    const served = (await response.json()) as Json;
    expect(served).toEqual(committed('userservice/UserService.openapi.json'));
    expect(served.info.title).toBe('userservice.UserService');
  });

  it('serves neither with <PREFIX>_ENABLE_API_DOCS=false', async () => {
    const gateway = await system.startGateway({ API_GATEWAY_ENABLE_API_DOCS: 'false' });
    for (const route of ['/openapi.json', '/docs', '/docs/swagger-ui-bundle.js']) {
      const response = await fetch(`${gateway.httpUrl}${route}`);
      expect({ route, status: response.status }).toEqual({ route, status: 404 });
      expect(await response.json()).toMatchObject({ code: 404, status: 'Not Found' });
    }
  });
});
