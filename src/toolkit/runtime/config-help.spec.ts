import { Module } from '@nestjs/common';
import { defineConfig } from '../config';
import { ServiceDescriptor } from '../descriptor';
import '../middlewares';
import { describeServices, renderHelpMarkdown, renderHelpText } from './config-help';
import { defineService } from './define-service';
import { defineDescriptorSet } from '../descriptor';
/** The specs' services transcode nothing. */
const NO_TYPES = defineDescriptorSet({
  file: 'pkg/svc.proto',
  messages: [],
  enums: [],
  dependencies: [],
});

@Module({})
class EmptyModule {}

const descriptor: ServiceDescriptor = {
  types: NO_TYPES,
  name: 'Svc',
  package: 'pkg',
  fullName: 'pkg.Svc',
  protoFile: 'pkg/svc.proto',
  servers: ['GRPC', 'HTTP'],
  middlewares: ['logging'],
  plugins: [],
  dependsOn: [],
  methods: [],
};

const definition = defineService({
  name: 'demo-service',
  envPrefix: 'DEMO_SERVICE',
  descriptor,
  module: EmptyModule,
  settings: defineConfig('', {
    CACHE_TIMEOUT: { type: 'duration', default: '1h', description: 'How long | cached users live' },
    API_KEY: { type: 'string', required: true, secret: true, description: 'Key for the upstream' },
    MODE: { type: 'enum', values: ['a', 'b'], default: 'a', description: 'Mode' },
  }),
  defaultHttpPort: 8085,
  defaultGrpcPort: 9085,
});

describe('--help rendering', () => {
  const services = describeServices([definition], []);

  it('lists runtime and service variables with types and defaults', () => {
    const text = renderHelpText(services);
    expect(text).toMatch(/^demo-service\nVariable\s+Type\s+Default\s+Required\s+Description/);
    expect(text).toMatch(/DEMO_SERVICE_SERVER_PORT\s+port\s+8085\s+no/);
    expect(text).toMatch(/DEMO_SERVICE_GRPC_SERVER_PORT\s+port\s+9085/);
    expect(text).toMatch(/DEMO_SERVICE_API_KEY\s+string\s+yes\s+Key for the upstream/);
  });

  it('renders Markdown with escaped cells', () => {
    const markdown = renderHelpMarkdown(services);
    expect(markdown).toContain('### demo-service');
    expect(markdown).toContain('| Variable | Type | Default | Required | Description |');
    expect(markdown).toContain(
      '| `DEMO_SERVICE_CACHE_TIMEOUT` | duration | `1h` | no | How long \\| cached users live |',
    );
  });

  it('escapes | in every Markdown cell, code spans included', () => {
    expect(renderHelpMarkdown(services)).toContain(
      '| `DEMO_SERVICE_MODE` | enum(a\\|b) | `a` | no | Mode |',
    );
  });

  it('declares the gRPC listener only for services with a GRPC server', () => {
    const httpOnly = defineService({
      ...definition,
      descriptor: { ...descriptor, servers: ['HTTP'] },
    });
    const names = describeServices([httpOnly], [])[0].rows.map((row) => row.name);
    expect(names).toContain('DEMO_SERVICE_SERVER_PORT');
    expect(names.filter((name) => name.includes('GRPC_SERVER'))).toEqual([]);
  });

  it('lists a section shared by several middlewares once', () => {
    const guarded = defineService({
      ...definition,
      descriptor: { ...descriptor, middlewares: ['auth', 'validate_token', 'admin_only'] },
    });
    const names = describeServices([guarded], [])[0].rows.map((row) => row.name);
    expect(names.some((name) => name.startsWith('DEMO_SERVICE_AUTH_'))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('refuses plugin options for a prefix the proto does not declare', () => {
    expect(() => defineService({ ...definition, plugins: { pgsql: {} } })).toThrow(
      /does not declare/,
    );
  });
});
