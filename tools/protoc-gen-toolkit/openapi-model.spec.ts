import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import type { DescService } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { createBufWorkspace } from '../codegen/buf-workspace';
import { TESTDATA_DIR } from '../codegen/jobs';
import { repoPath } from '../codegen/paths';
import { buildOpenApiDocument } from './src/openapi/openapi-document';
import { buildServiceModel, ServiceModel } from './src/service/service-model';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The testdata service as the plugin sees it, from a descriptor set buf builds. */
function everythingService(): DescService {
  const workspace = createBufWorkspace({ testdata: TESTDATA_DIR });
  try {
    const out = path.join(workspace.dir, 'image.binpb');
    execFileSync(
      repoPath('node_modules', '.bin', 'buf'),
      ['build', '--as-file-descriptor-set', '-o', out, '--path', 'testdata/everything.proto'],
      { cwd: workspace.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, fs.readFileSync(out)));
    const service = registry.getService('everything.Everything');
    if (!service) throw new Error('everything.Everything not in the descriptor set');
    return service;
  } finally {
    workspace.dispose();
  }
}

describe('OpenAPI document builder on the service model', () => {
  let model: ServiceModel;

  beforeAll(() => {
    model = buildServiceModel(everythingService());
  }, 60000);

  it('is what the plugin committed as the golden document', () => {
    const golden = JSON.parse(
      fs.readFileSync(path.join(__dirname, '__golden__', 'Everything.openapi.json'), 'utf8'),
    );
    expect(JSON.parse(JSON.stringify(buildOpenApiDocument(model)))).toEqual(golden);
  });

  it('describes a server-streaming method as NDJSON result/error lines and server-sent events', () => {
    const document = buildOpenApiDocument(model) as Json;
    const ok = document.paths['/v1/things/{id}/watch'].get.responses['200'];
    expect(ok.description).toBe('A stream of Strings');
    expect(Object.keys(ok.content)).toEqual(['application/x-ndjson', 'text/event-stream']);
    expect(ok.content['application/x-ndjson'].schema.oneOf).toEqual([
      {
        type: 'object',
        required: ['result'],
        properties: { result: { $ref: '#/components/schemas/everything.Strings' } },
      },
      {
        type: 'object',
        required: ['error'],
        properties: { error: { $ref: '#/components/schemas/ToolkitError' } },
      },
    ]);
    expect(ok.content['text/event-stream'].schema.type).toBe('string');
  });

  it('describes client and bidi streams as a WebSocket upgrade, not a JSON response', () => {
    const document = buildOpenApiDocument(model) as Json;
    for (const path of ['/v1/uploads', '/v1/conversations']) {
      const responses = document.paths[path].get.responses;
      expect(responses['200']).toBeUndefined();
      expect(responses['101'].description).toContain('WebSocket');
    }
    expect(document.paths['/v1/conversations'].get.responses['101'].description).toContain(
      'JoinRequest frames',
    );
  });

  it('leaves out a service without an HTTP route, and secures nothing without auth', () => {
    const open: ServiceModel = { ...model, middlewares: [], methods: [] };
    const document = buildOpenApiDocument(open) as Json;
    expect(document.paths).toEqual({});
    expect(document.components.securitySchemes).toBeUndefined();
  });
});
