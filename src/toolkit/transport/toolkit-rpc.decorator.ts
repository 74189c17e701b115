import {
  applyDecorators,
  Controller,
  Delete,
  Get,
  HttpCode,
  Patch,
  Post,
  Put,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import { RouteConfig } from '@nestjs/platform-fastify';
import { CallerTokenGuard } from '../auth/caller-token.guard';
import { FASTIFY_ROUTE_KEY, TOOLKIT_CONTROLLER, TOOLKIT_ROUTE } from '../constants';
import { HttpRule, ServiceDescriptor } from '../descriptor';
import { RouteMiddlewaresGuard } from '../middlewares/route-middlewares.guard';
import { RequestValidationGuard } from './request-validation.guard';
import { compileHttpBindings } from './http-router';
import { RouteMetadata } from './route-metadata';

const VERBS: Record<HttpRule['method'], (path: string) => MethodDecorator> = {
  GET: Get,
  POST: Post,
  PUT: Put,
  PATCH: Patch,
  DELETE: Delete,
};

/**
 * Exposes one controller method as the proto method `methodName` on gRPC and, when the method has
 * a google.api.http rule, on each of its bindings (the rule and its additional_bindings; 200 on
 * success, protojson response, or its `response_body` field). Guards: the internal caller token
 * (a backend's verified caller), the route's middleware chain, then request transcoding,
 * validation and the caller binding. A `(toolkit.route).websocket`
 * method gets no HTTP route: the runtime serves its GET binding as a WebSocket upgrade (see
 * `SocketUpgrade`), running the same guards and the same handler before the handshake.
 * @throws Error when the service has no such method.
 * @publicApi
 */
export function ToolkitRpc(service: ServiceDescriptor, methodName: string): MethodDecorator {
  const method = service.methods.find((candidate) => candidate.name === methodName);
  if (!method) throw new Error(`${service.fullName} has no method ${methodName}`);
  const http = method.http && !method.websocket ? method.http : undefined;
  // Compiled once here, at start-up; requests are matched by `installHttpRouting`'s router.
  const route: RouteMetadata = { service, method, bindings: compileHttpBindings(http) };
  const decorators: MethodDecorator[] = [
    method.clientStreaming
      ? GrpcStreamMethod(service.fullName, method.name)
      : GrpcMethod(service.fullName, method.name),
    SetMetadata(TOOLKIT_ROUTE, route),
    UseGuards(CallerTokenGuard, RouteMiddlewaresGuard, RequestValidationGuard),
  ];
  if (http) {
    // The path given to Nest is only a label (Nest's route log, `routeOptions.url`): the route is
    // re-registered on `/*` for every binding's method and matched by the toolkit's router.
    decorators.push(
      VERBS[http.method](http.path),
      HttpCode(200),
      RouteConfig({ [FASTIFY_ROUTE_KEY]: route }),
    );
  }
  return applyDecorators(...decorators);
}

/**
 * Marks a class as the controller of a proto service (`@Controller()` at the root path, as the
 * proto's paths are absolute).
 * @publicApi
 */
export function ToolkitController(service: ServiceDescriptor): ClassDecorator {
  return applyDecorators(Controller(), SetMetadata(TOOLKIT_CONTROLLER, service));
}
