import { Type } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { MethodDescriptor, ServiceDescriptor } from '../descriptor';
import { CallContext, httpRequestOf } from '../pipeline/call-context';
import { Call } from '../pipeline/handler-arguments';
import { RequestMessage, ToolkitController, ToolkitRpc } from '../transport';
import { BackendPool } from './backend-pool';
import { forwardedMetadata } from './forwarded-metadata';

/** The methods of `descriptor` that are served by an HTTP proxy route. @publicApi */
export function httpProxyMethods(descriptor: ServiceDescriptor): MethodDescriptor[] {
  return descriptor.methods.filter((method) => method.httpProxy !== undefined && method.http);
}

type ProxyHandler = (
  message: unknown,
  call: CallContext,
) => Promise<unknown> | AsyncIterable<unknown>;

/**
 * Builds the controller of every `http_proxy` method of `descriptor`: each method is a
 * `ToolkitRpc` route like a hand-written one (middleware guards, transcoding, validation with the
 * request message's generated rules, request id, deadline, metrics, protojson, the error filter),
 * whose handler calls the backend method over gRPC with the forwarded metadata and returns its
 * response as it is.
 * @publicApi
 */
export function createProxyController(descriptor: ServiceDescriptor): Type<unknown> {
  class ProxyController {
    constructor(readonly pool: BackendPool) {}
  }
  Object.defineProperty(ProxyController, 'name', { value: `${descriptor.name}ProxyController` });
  for (const method of httpProxyMethods(descriptor)) {
    const target = method.httpProxy!;
    const metadataOf = (call: CallContext) => {
      const request = httpRequestOf(call) as FastifyRequest;
      return forwardedMetadata({ headers: request.headers, ip: request.ip, identity: call.caller });
    };
    // A server stream streams through: each backend message is pulled as the client takes the
    // previous one, and the client going away (the call's signal) cancels the backend call.
    const handler: ProxyHandler = method.serverStreaming
      ? function (this: ProxyController, message: unknown, call: CallContext) {
          return this.pool.stream(target, message, metadataOf(call), {
            requestId: call.requestId,
            deadline: call.deadline,
            signal: call.signal,
          });
        }
      : // Not async: the pool's promise is the handler's answer, without wrapping it once more.
        function (this: ProxyController, message: unknown, call: CallContext) {
          return this.pool.call(target, message, metadataOf(call), call);
        };
    Object.defineProperty(ProxyController.prototype, method.localName, {
      value: handler,
      writable: true,
      configurable: true,
    });
    const property = Object.getOwnPropertyDescriptor(ProxyController.prototype, method.localName)!;
    RequestMessage()(ProxyController.prototype, method.localName, 0);
    Call()(ProxyController.prototype, method.localName, 1);
    ToolkitRpc(descriptor, method.name)(ProxyController.prototype, method.localName, property);
  }
  Reflect.defineMetadata('design:paramtypes', [BackendPool], ProxyController);
  ToolkitController(descriptor)(ProxyController);
  return ProxyController;
}
