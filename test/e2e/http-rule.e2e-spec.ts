import { encodeJson } from '../../src/toolkit/protojson';
import { PROBE_PATHS, RunningService } from '../../src/toolkit/runtime';
import { DescriptorRegistry } from '../../src/toolkit/descriptor';
import { createLibraryClient, LibraryDescriptor } from '../gen/httprule/library.toolkit';
import { bootHttpRuleApp, HTTP_RULE_PROTO_ROOT } from '../support/http-rule-app';

const types = new DescriptorRegistry([LibraryDescriptor.types]);

/**
 * Every google.api.http form of test/proto/httprule/library.proto, served by the test app on
 * HTTP and on gRPC: the handler answers the message it received, so each HTTP request is checked
 * against what transcoding delivered, and the same message sent over gRPC must get the same answer.
 */

type Json = Record<string, unknown>;

interface FormCase {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  /** The rpc that must serve it, and the message it must have received (protojson subset). */
  rpc: string;
  received: Json;
  /** `response_body`: the HTTP body is this field of the response. */
  responseBody?: string;
}

const CASES: FormCase[] = [
  {
    name: 'a multi-segment variable',
    method: 'GET',
    path: '/v1/shelves/s1/books/b1',
    rpc: 'GetBook',
    received: { name: 'shelves/s1/books/b1', book_id: '' },
  },
  {
    name: 'an additional binding with a nested field path',
    method: 'GET',
    path: '/v1/shelf/s1/book/b1',
    rpc: 'GetBook',
    received: { name: '', shelf: { id: 's1', theme: '' }, book_id: 'b1' },
  },
  {
    name: 'the literal template that overlaps the multi-segment one',
    method: 'GET',
    path: '/v1/shelves/featured/books/b1',
    rpc: 'GetFeaturedBook',
    received: { name: '', book_id: 'b1' },
  },
  {
    name: 'a multi-segment variable keeping %2F, decoding the rest',
    method: 'GET',
    path: '/v1/shelves/s%201/books/b%2F1',
    rpc: 'GetBook',
    received: { name: 'shelves/s 1/books/b%2F1' },
  },
  {
    name: 'a single-segment variable decoding %2F',
    method: 'GET',
    path: '/v1/shelf/a%2Fb/book/c%3Ad',
    rpc: 'GetBook',
    received: { shelf: { id: 'a/b', theme: '' }, book_id: 'c:d' },
  },
  {
    name: 'body naming a field the path binds into, with response_body',
    method: 'PATCH',
    path: '/v1/shelves/s1/books/b1',
    body: { name: 'from-body', title: 'Dune', tags: ['sf'] },
    rpc: 'UpdateBook',
    received: { book: { name: 'shelves/s1/books/b1', title: 'Dune', tags: ['sf'] } },
    responseBody: 'book',
  },
  {
    name: 'an additional binding with body "*" and the whole response',
    method: 'PUT',
    path: '/v1/shelves/s1/books/b1',
    body: { book: { title: 'Dune' } },
    rpc: 'UpdateBook',
    received: { book: { name: 'shelves/s1/books/b1', title: 'Dune' } },
  },
  {
    name: 'query parameters: repeated, enums by name and number, nested, path-bound ignored',
    method: 'GET',
    path:
      '/v1/shelves/s1/books?tags=a&tags=b&genre=FICTION&genres=HISTORY&genres=1' +
      '&filter.title=x&filter.shelf.id=y&pageSize=5&ids=1&ids=-2&shelf_id=other&unknown=1',
    rpc: 'ListBooks',
    received: {
      shelf_id: 's1',
      tags: ['a', 'b'],
      genre: 'FICTION',
      genres: ['HISTORY', 'FICTION'],
      filter: { title: 'x', shelf: { id: 'y', theme: '' } },
      page_size: 5,
      ids: ['1', '-2'],
    },
  },
  {
    name: 'a custom verb',
    method: 'POST',
    path: '/v1/operations/42:cancel',
    body: {},
    rpc: 'CancelOperation',
    received: { name: 'operations/42' },
  },
  {
    name: 'the same resource without a verb',
    method: 'GET',
    path: '/v1/operations/42',
    rpc: 'GetOperation',
    received: { name: 'operations/42' },
  },
  {
    name: 'an additional binding with a verb',
    method: 'GET',
    path: '/v1/operations/42:wait',
    rpc: 'GetOperation',
    received: { name: 'operations/42' },
  },
  {
    name: '** at the end',
    method: 'GET',
    path: '/v1/buckets/b/objects/a/b/c.txt',
    rpc: 'GetObject',
    received: { bucket: 'b', object: 'a/b/c.txt', name: '' },
  },
  {
    name: '** inside a variable, before a verb',
    method: 'GET',
    path: '/v1/buckets/b/objects/dir/x.bin:download',
    rpc: 'GetObject',
    received: { name: 'buckets/b/objects/dir/x.bin', object: '' },
  },
  {
    name: '** followed by more segments',
    method: 'GET',
    path: '/v1/files/a/b/meta',
    rpc: 'GetObject',
    received: { path: 'a/b' },
  },
  {
    name: '** matching no segment',
    method: 'GET',
    path: '/v1/files/meta',
    rpc: 'GetObject',
    received: { path: '' },
  },
  {
    name: 'a body field that is a repeated scalar, a nested field in the path',
    method: 'POST',
    path: '/v1/books/b7/tags',
    body: ['x', 'y'],
    rpc: 'TagBook',
    received: { book: { book_id: 'b7' }, tags: ['x', 'y'] },
  },
];

const methodOf = (rpc: string) => LibraryDescriptor.methods.find((m) => m.name === rpc)!;

describe('google.api.http forms on HTTP and gRPC (httprule.Library)', () => {
  let service: RunningService;
  let client: ReturnType<typeof createLibraryClient>;

  beforeAll(async () => {
    service = await bootHttpRuleApp('httprule.Library');
    client = createLibraryClient(service.grpcTarget!, { protoRoot: HTTP_RULE_PROTO_ROOT });
  });

  afterAll(async () => {
    client?.close();
    await service?.close();
  });

  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${service.httpUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });

  it.each(CASES.map((c) => [`${c.name}: ${c.method} ${c.path}`, c] as const))(
    '%s',
    async (_name, c) => {
      const response = await send(c.method, c.path, c.body);
      expect(response.status).toBe(200);
      const body = (await response.json()) as Json;
      const answer = c.responseBody ? { [c.responseBody]: body } : body;
      if (!c.responseBody) expect(answer.rpc).toBe(c.rpc);
      expect(answer).toMatchObject(c.received);

      // The same message over gRPC gets the same answer (the whole response: no response_body).
      const method = methodOf(c.rpc);
      const call = (client as unknown as Record<string, (r: Json) => Promise<Json>>)[
        method.localName
      ].bind(client);
      const overGrpc = encodeJson(types, method.responseType, await call(c.received)) as Json;
      expect(overGrpc).toMatchObject(c.received);
      if (c.responseBody) expect(overGrpc[c.responseBody]).toEqual(body);
      else expect(overGrpc).toEqual(body);
    },
  );

  it('answers 404 with the toolkit body for a path no binding matches', async () => {
    for (const [method, path] of [
      ['GET', '/v1/nowhere'],
      ['POST', '/v1/operations/42'],
      ['DELETE', '/v1/shelves/s1/books/b1'],
      ['GET', '/v1/shelves//books/b1'],
    ]) {
      const response = await send(method, path);
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
      expect(await response.json()).toMatchObject({ code: 404, status: 'Not Found' });
    }
  });

  it('refuses a malformed percent-encoding in a variable with 400, never 500', async () => {
    const response = await send('GET', '/v1/shelf/a%ZZ/book/b');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 400 });
  });

  it('refuses an enum name that does not exist with 400 naming the parameter', async () => {
    const response = await send('GET', '/v1/shelves/s1/books?genre=POETRY');
    expect(response.status).toBe(400);
    const body = (await response.json()) as Json;
    expect(JSON.stringify(body)).toContain('genre');
  });

  it('refuses a second value for a singular query parameter with 400', async () => {
    const response = await send('GET', '/v1/shelves/s1/books?page_size=1&page_size=2');
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('page_size');
  });

  it('still serves the runtime endpoints (static routes) next to the toolkit routes', async () => {
    const response = await fetch(`${service.httpUrl}${PROBE_PATHS.liveness}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it("serves the Go toolkit's HTTP_PROXY server value as the HTTP server", () => {
    expect(LibraryDescriptor.servers).toEqual(['GRPC', 'HTTP']);
  });

  it('answers HEAD on a GET binding and serves long multi-segment values', async () => {
    const head = await send('HEAD', '/v1/operations/42');
    expect(head.status).toBe(200);
    const long = 'a'.repeat(300);
    const response = await send('GET', `/v1/buckets/b/objects/${long}/${long}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ object: `${long}/${long}` });
  });

  it("takes a verb-less template's whole last segment, colons included", async () => {
    const response = await send('GET', '/v1/operations/42:cancel');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      name: 'operations/42:cancel',
      rpc: 'GetOperation',
    });
  });
});
