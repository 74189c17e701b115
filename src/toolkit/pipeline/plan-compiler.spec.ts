import type { DiscoveryService, MetadataScanner, ModuleRef } from '@nestjs/core';
import type { CallerTokenGuard } from '../auth/caller-token.guard';
import { StartupError } from '../config/startup-error';
import { defineDescriptorSet, DescriptorRegistry, ServiceDescriptor } from '../descriptor';
import { fieldDescriptor, scalarType } from '../descriptor/field-builders';
import type { ServiceMiddlewares } from '../middlewares/middleware.registry';
import { RequestMessage } from '../transport/request-message.decorator';
import { ToolkitRpc } from '../transport/toolkit-rpc.decorator';
import { PlanCompiler } from './plan-compiler';

const GREETING_TYPES = defineDescriptorSet({
  file: 'greeting/greeting.proto',
  messages: [
    { fullName: 'greeting.Hello', fields: [fieldDescriptor('name', 1, scalarType('string'))] },
  ],
  enums: [],
  dependencies: [],
});

const OTHER_TYPES = defineDescriptorSet({
  file: 'other/other.proto',
  messages: [{ fullName: 'other.Thing', fields: [] }],
  enums: [],
  dependencies: [],
});

const service: ServiceDescriptor = {
  types: GREETING_TYPES,
  name: 'Greeter',
  package: 'greeting',
  fullName: 'greeting.Greeter',
  protoFile: 'greeting/greeting.proto',
  servers: ['GRPC'],
  middlewares: [],
  plugins: [],
  dependsOn: [],
  methods: [
    {
      name: 'Hello',
      localName: 'hello',
      grpcPath: '/greeting.Greeter/Hello',
      requestType: 'greeting.Hello',
      responseType: 'google.protobuf.Empty',
      clientStreaming: false,
      serverStreaming: false,
      websocket: false,
      middlewares: [],
      excludeGlobalMiddlewares: [],
    },
  ],
};

class GreeterController {
  @ToolkitRpc(service, 'Hello')
  hello(@RequestMessage() request: { name: string }) {
    return { text: `hello ${request.name}` };
  }
}

/** A compiler over one controller instance, with `types` as the app's registry. */
function compilerFor(types: DescriptorRegistry): PlanCompiler {
  const controller = new GreeterController();
  const discovery = {
    getControllers: () => [{ instance: controller }],
  } as unknown as DiscoveryService;
  const scanner = { getAllMethodNames: () => ['hello'] } as unknown as MetadataScanner;
  const middlewares = { byMethod: new Map() } as unknown as ServiceMiddlewares;
  return new PlanCompiler(
    discovery,
    scanner,
    {} as ModuleRef,
    { check: () => undefined } as unknown as CallerTokenGuard,
    middlewares,
    types,
  );
}

describe('PlanCompiler and the app descriptor registry', () => {
  it("hands every plan the app's registry", () => {
    const types = new DescriptorRegistry([GREETING_TYPES]);
    const [plan] = compilerFor(types).compile();
    expect(plan.types).toBe(types);
    expect(() => plan.check({ name: 'x' }, undefined)).not.toThrow();
  });

  it('fails the start-up naming a message type that no set of the app describes', () => {
    const compile = () => compilerFor(new DescriptorRegistry([OTHER_TYPES])).compile();
    expect(compile).toThrow(StartupError);
    expect(compile).toThrow(
      '/greeting.Greeter/Hello (GreeterController.hello) uses message type greeting.Hello, which is in no descriptor set of greeting.Greeter',
    );
  });
});
