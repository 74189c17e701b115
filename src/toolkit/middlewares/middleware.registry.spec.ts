import { CanActivate, Module, Type } from '@nestjs/common';
import { MethodDescriptor, ServiceDescriptor } from '../descriptor';
import {
  MiddlewareRegistry,
  resolveServiceMiddlewares,
  UnknownMiddlewareError,
} from './middleware.registry';
import { ToolkitMiddleware } from './toolkit-middleware.decorator';
import { defineDescriptorSet } from '../descriptor';
/** The specs' services transcode nothing. */
const NO_TYPES = defineDescriptorSet({
  file: 'pkg/svc.proto',
  messages: [],
  enums: [],
  dependencies: [],
});

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
  types: NO_TYPES,
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

@ToolkitMiddleware({ name: 'spec_auth', description: 'test auth' })
class SpecAuthGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@ToolkitMiddleware({ name: 'spec_admin', description: 'test admin' })
class SpecAdminGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@ToolkitMiddleware({ name: 'spec_mark', description: 'a hook-only middleware' })
class SpecMark {}

@Module({ providers: [SpecAdminGuard] })
class AdminModule {}

@Module({})
class DynamicHost {
  static register() {
    return { module: DynamicHost, providers: [{ provide: 'mark', useClass: SpecMark }] };
  }
}

@Module({ imports: [AdminModule, DynamicHost.register()], providers: [SpecAuthGuard] })
class AppModule {}

describe('MiddlewareRegistry', () => {
  const registry = MiddlewareRegistry.scan([AppModule]);

  it('finds decorated providers in imported static and dynamic modules', () => {
    expect(registry.names()).toEqual(['spec_admin', 'spec_auth', 'spec_mark']);
    expect(registry.get('spec_auth')!.guard).toBe(SpecAuthGuard);
    expect(registry.get('spec_mark')!.provider).toBe(SpecMark);
    expect(registry.get('spec_mark')!.guard).toBeUndefined();
  });

  it('follows forward references and ignores modules listed twice', () => {
    const again = MiddlewareRegistry.scan([{ forwardRef: () => AppModule }, AppModule]);
    expect(again.names()).toEqual(registry.names());
  });

  it('refuses two providers under one name, naming both', () => {
    @ToolkitMiddleware({ name: 'spec_auth', description: 'another' })
    class OtherAuthGuard {}
    @Module({ imports: [AppModule], providers: [OtherAuthGuard as Type<unknown>] })
    class Clashing {}
    expect(() => MiddlewareRegistry.scan([Clashing])).toThrow(
      /"spec_auth" is registered twice, by OtherAuthGuard and by SpecAuthGuard/,
    );
  });

  it('orders globals minus excluded, then route middlewares, each once', () => {
    const resolved = resolveServiceMiddlewares(
      'gateway',
      service(
        ['spec_mark', 'spec_auth'],
        [
          method('Public', { excludeGlobalMiddlewares: ['spec_auth'] }),
          method('Admin', { middlewares: ['spec_admin', 'spec_auth'] }),
        ],
      ),
      registry,
    );
    expect(resolved.byMethod.get('Public')!.map((m) => m.name)).toEqual(['spec_mark']);
    expect(resolved.byMethod.get('Admin')!.map((m) => m.name)).toEqual([
      'spec_mark',
      'spec_auth',
      'spec_admin',
    ]);
    expect(resolved.used.get(registry.get('spec_auth')!)!.map((m) => m.name)).toEqual(['Admin']);
  });

  it('fails naming the service, method, unknown middleware and the registered ones', () => {
    const act = () =>
      resolveServiceMiddlewares(
        'gateway',
        service([], [method('Get', { middlewares: ['nope'] })]),
        registry,
      );
    expect(act).toThrow(UnknownMiddlewareError);
    expect(act).toThrow(
      /gateway: method Get uses middleware "nope", which is not registered \(registered: spec_admin, spec_auth, spec_mark\)/,
    );
  });

  it('knows nothing another app registered', () => {
    const other = MiddlewareRegistry.scan([AdminModule]);
    expect(other.names()).toEqual(['spec_admin']);
    expect(() => resolveServiceMiddlewares('other', service(['spec_auth'], []), other)).toThrow(
      /"spec_auth"/,
    );
  });
});
