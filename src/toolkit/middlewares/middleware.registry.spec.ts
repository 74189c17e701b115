import { MethodDescriptor, ServiceDescriptor } from '../descriptor';
import './builtin.middlewares';
import {
  registerMiddleware,
  resolveServiceMiddlewares,
  UnknownMiddlewareError,
} from './middleware.registry';

const method = (name: string, extra: Partial<MethodDescriptor> = {}): MethodDescriptor => ({
  name,
  localName: name.toLowerCase(),
  grpcPath: `/pkg.Svc/${name}`,
  requestType: 'pkg.Req',
  responseType: 'pkg.Res',
  clientStreaming: false,
  serverStreaming: false,
  websocket: false,
  middlewares: [],
  excludeGlobalMiddlewares: [],
  ...extra,
});

const service = (middlewares: string[], methods: MethodDescriptor[]): ServiceDescriptor => ({
  name: 'Svc',
  package: 'pkg',
  fullName: 'pkg.Svc',
  protoFile: 'pkg/svc.proto',
  servers: ['HTTP'],
  middlewares,
  plugins: [],
  dependsOn: [],
  methods,
});

describe('middleware registry', () => {
  beforeAll(() => {
    registerMiddleware({ name: 'spec_auth', description: 'test auth' });
    registerMiddleware({ name: 'spec_admin', description: 'test admin' });
  });

  it('orders globals minus excluded, then route middlewares, each once', () => {
    const resolved = resolveServiceMiddlewares(
      'gateway',
      service(
        ['request_id', 'spec_auth'],
        [
          method('Public', { excludeGlobalMiddlewares: ['spec_auth'] }),
          method('Admin', { middlewares: ['spec_admin', 'spec_auth'] }),
        ],
      ),
    );
    expect(resolved.byMethod.get('Public')!.map((m) => m.name)).toEqual(['request_id']);
    expect(resolved.byMethod.get('Admin')!.map((m) => m.name)).toEqual([
      'request_id',
      'spec_auth',
      'spec_admin',
    ]);
    const auth = [...resolved.used.entries()].find(
      ([definition]) => definition.name === 'spec_auth',
    );
    expect(auth![1].map((m) => m.name)).toEqual(['Admin']);
  });

  it('fails naming the service, method and unknown middleware', () => {
    const act = () =>
      resolveServiceMiddlewares('gateway', service([], [method('Get', { middlewares: ['nope'] })]));
    expect(act).toThrow(UnknownMiddlewareError);
    expect(act).toThrow(/gateway: method Get uses middleware "nope"/);
  });

  it('refuses a second registration of a name', () => {
    expect(() => registerMiddleware({ name: 'spec_auth', description: 'again' })).toThrow(
      /already registered/,
    );
  });
});
