import { Module } from '@nestjs/common';
import { defineConfig } from '../config';
import { ServiceDescriptor } from '../descriptor';
import '../middlewares';
import { describeServices, renderHelpMarkdown, renderHelpText } from './config-help';
import { defineService } from './define-service';

@Module({})
class EmptyModule {}

const descriptor: ServiceDescriptor = {
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

  it('refuses plugin options for a prefix the proto does not declare', () => {
    expect(() => defineService({ ...definition, plugins: { pgsql: {} } })).toThrow(
      /does not declare/,
    );
  });
});
