import { CanActivate, LoggerService, NestInterceptor, Type } from '@nestjs/common';
import type { ServerInterceptor } from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import { ConfigSection } from '../config';
import { MethodDescriptor, ServiceDescriptor } from '../descriptor';

/** What a middleware's installers receive for one service app. @publicApi */
export interface MiddlewareContext {
  /** `user-service`. */
  serviceName: string;
  envPrefix: string;
  descriptor: ServiceDescriptor;
  /** The methods whose chain contains this middleware (global minus excluded, plus route ones). */
  methods: readonly MethodDescriptor[];
  /** Values of the middleware's `config` section, loaded with the service's env prefix. */
  config: Readonly<Record<string, unknown>>;
  logger: LoggerService;
}

/**
 * A middleware that protos name in `(toolkit.server).middlewares` or a route's `middlewares`:
 * a provider class decorated with `@ToolkitMiddleware`, found in the app's module tree. Its
 * `guard` runs per route, in chain order, before request validation, on both transports
 * (guards branch on `context.getType()`). Installers add per-request plumbing once per app
 * (Fastify hooks, grpc-js server interceptors) and must themselves skip methods not in
 * `context.methods`.
 * @publicApi
 */
export interface MiddlewareDefinition {
  /** As spelled in the proto, e.g. `rate_limit`. */
  name: string;
  description: string;
  /** The decorated provider class; its instance comes from the app's DI container. */
  provider: Type<unknown>;
  /** `provider`, when it implements `CanActivate`. */
  guard?: Type<CanActivate>;
  /** `provider`, when it implements `NestInterceptor`. */
  interceptor?: Type<NestInterceptor>;
  /** Variables of this middleware, `<ENV_PREFIX>_<scope>_<FIELD>`; listed by `--help`. */
  config?: ConfigSection;
  /** Adds Fastify hooks or routes; called before the app's routes are registered. */
  installHttp?(fastify: FastifyInstance, context: MiddlewareContext): void;
  /** A grpc-js server interceptor, installed after the toolkit's own (request id, metrics). */
  grpcInterceptor?(context: MiddlewareContext): ServerInterceptor;
}
