import { Module } from '@nestjs/common';
import { MethodDescriptor, ServiceDescriptor } from '../descriptor';
import { UnknownMiddlewareError } from '../middlewares';
import { defineService } from './define-service';
import { loadServiceConfig } from './service-config';
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

const method = (name: string, middlewares: string[]): MethodDescriptor => ({
  name,
  localName: name.toLowerCase(),
  grpcPath: `/pkg.Svc/${name}`,
  requestType: 'pkg.Req',
  responseType: 'pkg.Res',
  clientStreaming: false,
  serverStreaming: false,
  websocket: false,
  middlewares,
  excludeGlobalMiddlewares: [],
});

function definitionWith(globals: string[], methods: MethodDescriptor[]) {
  const descriptor: ServiceDescriptor = {
    types: NO_TYPES,
    name: 'Svc',
    package: 'pkg',
    fullName: 'pkg.Svc',
    protoFile: 'pkg/svc.proto',
    servers: ['HTTP'],
    middlewares: globals,
    plugins: [],
    dependsOn: [],
    methods,
  };
  return defineService({
    name: 'demo-service',
    envPrefix: 'DEMO_SERVICE',
    descriptor,
    module: EmptyModule,
    defaultHttpPort: 0,
    defaultGrpcPort: 0,
  });
}

describe('loadServiceConfig middlewares', () => {
  it('resolves the security middlewares without the service importing them', () => {
    const definition = definitionWith(
      ['request_id', 'logging', 'cors', 'rate_limit'],
      [method('Get', ['auth']), method('Revoke', ['validate_token', 'admin_only'])],
    );
    const { middlewares, loader } = loadServiceConfig(definition, {}, []);
    expect(middlewares.byMethod.get('Get')!.map((middleware) => middleware.name)).toEqual([
      'request_id',
      'logging',
      'cors',
      'rate_limit',
      'auth',
    ]);
    expect(middlewares.byMethod.get('Revoke')!.map((middleware) => middleware.name)).toEqual([
      'request_id',
      'logging',
      'cors',
      'rate_limit',
      'validate_token',
      'admin_only',
    ]);
    expect(middlewares.byMethod.get('Get')![4].guard).toBeDefined();
    const variables = loader.describe().map((row) => row.name);
    expect(variables).toEqual(
      expect.arrayContaining(['DEMO_SERVICE_AUTH_JWT_SECRET', 'DEMO_SERVICE_CORS_ALLOWED_ORIGINS']),
    );
  });

  it('still fails start-up for a name nobody registered, listing the registered ones', () => {
    const definition = definitionWith([], [method('Get', ['authz'])]);
    const act = () => loadServiceConfig(definition, {}, []);
    expect(act).toThrow(UnknownMiddlewareError);
    expect(act).toThrow(/"authz".*registered: admin_only, auth, cors, logging, rate_limit/);
  });
});
