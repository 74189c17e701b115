import { applyDecorators, Controller, SetMetadata } from '@nestjs/common';
import { TOOLKIT_CONTROLLER, TOOLKIT_ROUTE } from '../constants';
import { ServiceDescriptor } from '../descriptor';
import { compileHttpBindings } from './http-router';
import { RouteMetadata } from './route-metadata';

/**
 * Exposes one controller method as the proto method `methodName` on gRPC and, when the method has
 * a google.api.http rule, on each of its bindings (the rule and its additional_bindings; 200 on
 * success, protojson response, or its `response_body` field). The toolkit serves it itself (its
 * own routes and grpc-js handlers): the internal caller token (a backend's verified caller), the
 * method's middleware chain, request transcoding, validation and the caller binding, then the
 * method. A `(toolkit.route).websocket` method gets no HTTP route: the runtime serves its GET
 * binding as a WebSocket upgrade (see `SocketUpgrade`), running the same steps before the
 * handshake.
 * @throws Error when the service has no such method.
 * @publicApi
 */
export function ToolkitRpc(service: ServiceDescriptor, methodName: string): MethodDecorator {
  const method = service.methods.find((candidate) => candidate.name === methodName);
  if (!method) throw new Error(`${service.fullName} has no method ${methodName}`);
  const http = method.http && !method.websocket ? method.http : undefined;
  // Compiled once here, at start-up; requests are matched by the app's `HttpRouter`.
  const route: RouteMetadata = { service, method, bindings: compileHttpBindings(http) };
  return SetMetadata(TOOLKIT_ROUTE, route);
}

/**
 * Marks a class as the controller of a proto service (a Nest controller for DI and lifecycle;
 * its `ToolkitRpc` methods are served by the toolkit).
 * @publicApi
 */
export function ToolkitController(service: ServiceDescriptor): ClassDecorator {
  return applyDecorators(Controller(), SetMetadata(TOOLKIT_CONTROLLER, service));
}
