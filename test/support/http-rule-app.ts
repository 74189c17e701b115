import { join } from 'node:path';
import { Module, Type } from '@nestjs/common';
import { ServiceDescriptor } from '../../src/toolkit/descriptor';
import { defineService, RunningService } from '../../src/toolkit/runtime';
import { bootstrapService } from './bootstrap';
import { RequestMessage, ToolkitController, ToolkitRpc } from '../../src/toolkit/transport';
import { MessagingDescriptor as Example1 } from '../gen/httprule/example1.toolkit';
import { MessagingDescriptor as Example2 } from '../gen/httprule/example2.toolkit';
import { MessagingDescriptor as Example3 } from '../gen/httprule/example3.toolkit';
import { MessagingDescriptor as Example4 } from '../gen/httprule/example4.toolkit';
import { MessagingDescriptor as Example5 } from '../gen/httprule/example5.toolkit';
import { LibraryDescriptor, LibraryRpc } from '../gen/httprule/library.toolkit';
import type { UpdateBookRequest, UpdateBookResponse } from '../gen/httprule/library';

/** Root of the test protos, for the gRPC server and clients of these apps. */
export const HTTP_RULE_PROTO_ROOT = join(__dirname, '..', 'proto');

type Message = Record<string, unknown>;

/**
 * Answers every rpc of test/proto/httprule/library.proto with its request, `rpc` set to the
 * method's name, so that a test sees what HTTP transcoding (or gRPC) delivered to the handler.
 */
@ToolkitController(LibraryDescriptor)
class LibraryController {
  @LibraryRpc('GetBook')
  getBook(@RequestMessage() request: Message): Message {
    return { ...request, rpc: 'GetBook' };
  }

  @LibraryRpc('GetFeaturedBook')
  getFeaturedBook(@RequestMessage() request: Message): Message {
    return { ...request, rpc: 'GetFeaturedBook' };
  }

  @LibraryRpc('UpdateBook')
  updateBook(@RequestMessage() request: UpdateBookRequest): UpdateBookResponse {
    return { book: request.book, rpc: 'UpdateBook' };
  }

  @LibraryRpc('ListBooks')
  listBooks(@RequestMessage() request: Message): Message {
    return { ...request, rpc: 'ListBooks' };
  }

  @LibraryRpc('CancelOperation')
  cancelOperation(@RequestMessage() request: Message): Message {
    return { ...request, cancelled: true, rpc: 'CancelOperation' };
  }

  @LibraryRpc('GetOperation')
  getOperation(@RequestMessage() request: Message): Message {
    return { ...request, rpc: 'GetOperation' };
  }

  @LibraryRpc('GetObject')
  getObject(@RequestMessage() request: Message): Message {
    return { ...request, rpc: 'GetObject' };
  }

  @LibraryRpc('TagBook')
  tagBook(@RequestMessage() request: Message): Message {
    return { ...request, rpc: 'TagBook' };
  }

  @LibraryRpc('Query')
  query(@RequestMessage() request: Message): Message {
    return request;
  }
}

/** A controller answering the one rpc of an http.proto example service with its request. */
function echoController(descriptor: ServiceDescriptor): Type<unknown> {
  const [method] = descriptor.methods;
  class ExampleController {
    echo(request: Message): Message {
      return request;
    }
  }
  const property = Object.getOwnPropertyDescriptor(ExampleController.prototype, 'echo')!;
  RequestMessage()(ExampleController.prototype, 'echo', 0);
  ToolkitRpc(descriptor, method.name)(ExampleController.prototype, 'echo', property);
  ToolkitController(descriptor)(ExampleController);
  return ExampleController;
}

/** The services of test/proto/httprule by full name: the library and the http.proto examples. */
export const HTTP_RULE_SERVICES: Record<string, ServiceDescriptor> = Object.fromEntries(
  [LibraryDescriptor, Example1, Example2, Example3, Example4, Example5].map((descriptor) => [
    descriptor.fullName,
    descriptor,
  ]),
);

/** Boots one of `HTTP_RULE_SERVICES` as a hybrid app (HTTP and gRPC) on ports 0. */
export async function bootHttpRuleApp(fullName: string): Promise<RunningService> {
  const descriptor = HTTP_RULE_SERVICES[fullName];
  const controller =
    descriptor === LibraryDescriptor ? LibraryController : echoController(descriptor);
  @Module({ controllers: [controller] })
  class HttpRuleModule {}
  const envPrefix = `HTTPRULE_${descriptor.package.replace(/\./g, '_').toUpperCase()}`;
  const definition = defineService({
    name: `${descriptor.package.replace(/\./g, '-')}-service`,
    envPrefix,
    descriptor,
    module: HttpRuleModule,
    defaultHttpPort: 0,
    defaultGrpcPort: 0,
    protoRoot: HTTP_RULE_PROTO_ROOT,
  });
  return bootstrapService(definition, { env: { [`${envPrefix}_LOG_LEVEL`]: 'silent' } });
}
