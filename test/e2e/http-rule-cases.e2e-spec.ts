import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryTypes } from '../gen/httprule/query.toolkit';
import { DescriptorRegistry, HttpRule } from '../../src/toolkit/descriptor';
import { applyQueryParameters, decodeJson, encodeJson } from '../../src/toolkit/protojson';
import { RunningService } from '../../src/toolkit/runtime';
import {
  decodeVariable,
  HttpRouter,
  matchPathTemplate,
  parsePathTemplate,
} from '../../src/toolkit/transport';
import {
  bootHttpRuleApp,
  HTTP_RULE_PROTO_ROOT,
  HTTP_RULE_SERVICES,
} from '../support/http-rule-app';
import { createGrpcClient } from '../../src/toolkit/grpc';

/**
 * test/fixtures/http-rule/cases.json: google.api.http cases transcribed from grpc-gateway's own
 * tests and from google/api/http.proto's examples (sources named per case). Templates, matching
 * and routing run against the toolkit's parser and router; the query cases run against the
 * query decoder and, through a live app, over HTTP; the http.proto examples run through live
 * apps on HTTP and on gRPC, whose answers must agree.
 */

type Json = Record<string, unknown>;
interface Cases {
  templates: {
    source: string;
    template: string;
    shape?: string;
    verb?: string;
    variables?: [string, boolean][];
    error?: string;
  }[];
  matches: { source: string; template: string; path: string; bindings: Json | null }[];
  routing: {
    source: string;
    routes: [HttpRule['method'], string][];
    request: [string, string];
    expect: number | null;
  }[];
  query: {
    source: string;
    message: string;
    query: Record<string, string | string[]>;
    excluded?: string[];
    expect?: Json;
    error?: string;
  }[];
  httpProto: {
    source: string;
    service: string;
    rpc: string;
    rule: Json;
    request: { method: string; path: string; body?: unknown };
    grpc: Json;
  }[];
}

const CASES = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'http-rule', 'cases.json'), 'utf8'),
) as Cases;

const label = (source: string, detail: string) => `${detail} (${source})`;

describe('google.api.http case table: templates', () => {
  it.each(CASES.templates.map((c) => [label(c.source, c.template), c] as const))(
    '%s',
    (_name, c) => {
      if (c.error !== undefined) {
        expect(() => parsePathTemplate(c.template)).toThrow(c.error);
        return;
      }
      const parsed = parsePathTemplate(c.template);
      expect(parsed.shape).toBe(c.shape);
      expect(parsed.verb).toBe(c.verb);
      expect(parsed.variables.map((v) => [v.fieldPath, v.multiSegment])).toEqual(c.variables);
    },
  );
});

describe('google.api.http case table: matching', () => {
  it.each(CASES.matches.map((c) => [label(c.source, `${c.template} ← ${c.path}`), c] as const))(
    '%s',
    (_name, c) => {
      const raw = matchPathTemplate(parsePathTemplate(c.template), c.path);
      if (c.bindings === null) {
        expect(raw).toBeUndefined();
        return;
      }
      expect(raw).toBeDefined();
      const decoded = Object.fromEntries(
        raw!.map(([field, text, multi]) => [field, decodeVariable(text, multi)]),
      );
      // A case written as {} asserts the match only (the template's variables are unnamed there).
      if (Object.keys(c.bindings).length > 0) expect(decoded).toEqual(c.bindings);
    },
  );
});

describe('google.api.http case table: routing', () => {
  it.each(
    CASES.routing.map(
      (c) =>
        [label(c.source, `${c.request.join(' ')} among ${JSON.stringify(c.routes)}`), c] as const,
    ),
  )('%s', (_name, c) => {
    const router = new HttpRouter<number>();
    c.routes.forEach(([method, path], index) =>
      router.add(index, [
        { rule: { method, path, pathParams: [] }, template: parsePathTemplate(path) },
      ]),
    );
    const match = router.match(c.request[0], c.request[1]);
    expect(match?.key ?? null).toBe(c.expect);
  });
});

/** The query proto's types and those of every http.proto example service. */
const types = new DescriptorRegistry([
  QueryTypes,
  ...Object.values(HTTP_RULE_SERVICES).map((service) => service.types),
]);

const normalized = (type: string, message: Json) =>
  encodeJson(types, type, decodeJson(types, type, message)) as Json;

describe('google.api.http case table: query parameters', () => {
  it.each(CASES.query.map((c) => [label(c.source, JSON.stringify(c.query)), c] as const))(
    '%s',
    (_name, c) => {
      const target = decodeJson(types, c.message, {});
      const act = () => applyQueryParameters(types, c.message, target, c.query, c.excluded);
      if (c.error !== undefined) {
        expect(act).toThrow(c.error);
        return;
      }
      act();
      expect(encodeJson(types, c.message, target)).toEqual(normalized(c.message, c.expect!));
    },
  );

  describe('over HTTP (GET /v1/query of test/proto/httprule/library.proto)', () => {
    let service: RunningService;
    beforeAll(async () => {
      service = await bootHttpRuleApp('httprule.Library');
    });
    afterAll(async () => {
      await service?.close();
    });

    const overHttp = CASES.query.filter(
      (c) => c.message === 'httprule.Proto3Message' && c.excluded === undefined,
    );
    it.each(overHttp.map((c) => [label(c.source, JSON.stringify(c.query)), c] as const))(
      '%s',
      async (_name, c) => {
        const search = new URLSearchParams();
        for (const [name, value] of Object.entries(c.query))
          for (const item of Array.isArray(value) ? value : [value]) search.append(name, item);
        const response = await fetch(`${service.httpUrl}/v1/query?${search.toString()}`);
        const body = (await response.json()) as Json;
        if (c.error !== undefined) {
          expect(response.status).toBe(400);
          expect(body).toMatchObject({ code: 400, status: 'Bad Request' });
          expect(String(body.message)).toContain(c.error);
          return;
        }
        expect(response.status).toBe(200);
        expect(body).toEqual(normalized(c.message, c.expect!));
      },
    );
  });
});

describe('google.api.http case table: the examples of http.proto, on HTTP and gRPC', () => {
  const services = new Map<string, RunningService>();
  beforeAll(async () => {
    for (const name of new Set(CASES.httpProto.map((c) => c.service)))
      services.set(name, await bootHttpRuleApp(name));
  });
  afterAll(async () => {
    for (const service of services.values()) await service.close();
  });

  it.each(
    CASES.httpProto.map(
      (c) => [label(c.source, `${c.request.method} ${c.request.path}`), c] as const,
    ),
  )('%s', async (_name, c) => {
    const descriptor = HTTP_RULE_SERVICES[c.service];
    const method = descriptor.methods.find((candidate) => candidate.name === c.rpc)!;
    // The test proto declares the example's rule exactly.
    expect(method.http).toMatchObject(c.rule);
    const service = services.get(c.service)!;
    const response = await fetch(`${service.httpUrl}${c.request.path}`, {
      method: c.request.method,
      ...(c.request.body === undefined
        ? {}
        : {
            body: JSON.stringify(c.request.body),
            headers: { 'content-type': 'application/json' },
          }),
    });
    expect(response.status).toBe(200);
    const overHttp = (await response.json()) as Json;
    // The handler answers the message it received: the transcoded message is the example's.
    expect(overHttp).toEqual(normalized(method.responseType, c.grpc));
    const client = createGrpcClient<Record<string, (request: Json) => Promise<Json>>>(
      descriptor,
      service.grpcTarget!,
      { protoRoot: HTTP_RULE_PROTO_ROOT },
    );
    try {
      const overGrpc = await client[method.localName](
        decodeJson(types, method.requestType, c.grpc),
      );
      expect(encodeJson(types, method.responseType, overGrpc)).toEqual(overHttp);
    } finally {
      client.close();
    }
  });
});
