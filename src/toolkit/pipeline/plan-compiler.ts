import { CanActivate, Inject, Injectable, Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModuleRef } from '@nestjs/core';
import { CallerTokenGuard } from '../auth/caller-token.guard';
import { StartupError } from '../config/startup-error';
import { DescriptorRegistry } from '../descriptor/registry';
import { TOOLKIT_ROUTE } from '../constants';
import type { ServiceMiddlewares } from '../middlewares/middleware.registry';
import { SERVICE_MIDDLEWARES } from '../middlewares/route-middlewares.guard';
import { isKnownMessage } from '../protojson/well-known-descriptors';
import type { RouteMetadata } from '../transport/route-metadata';
import { compileArguments } from './handler-arguments';
import { compileMessageCheck } from './message-checks';
import { MethodPlan } from './method-plan';
import { compileStreamText } from './stream-text';

type Handler = (...args: unknown[]) => unknown;

/**
 * Compiles one `MethodPlan` per `ToolkitRpc` method of the app's controllers, once Nest's DI is
 * built (after `app.init()`): guard instances resolved once, argument builders from the param
 * decorators, request checks from the app's descriptor registry.
 * @internal
 */
@Injectable()
export class PlanCompiler {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly moduleRef: ModuleRef,
    private readonly callerTokens: CallerTokenGuard,
    @Inject(SERVICE_MIDDLEWARES) private readonly middlewares: ServiceMiddlewares,
    private readonly types: DescriptorRegistry,
  ) {}

  /**
   * @throws StartupError for a handler parameter the toolkit does not supply, a method served
   * twice, or a request or response type the app's descriptor registry does not know.
   */
  compile(): MethodPlan[] {
    const plans: MethodPlan[] = [];
    const seen = new Map<string, string>();
    for (const wrapper of this.discovery.getControllers()) {
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      const controller = instance.constructor as Type<unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler: unknown = Reflect.get(prototype, name);
        if (typeof handler !== 'function') continue;
        const route = Reflect.getMetadata(TOOLKIT_ROUTE, handler) as RouteMetadata | undefined;
        if (!route) continue;
        const where = `${controller.name}.${name}`;
        const previous = seen.get(route.method.grpcPath);
        if (previous !== undefined) {
          throw new StartupError(
            `${route.method.grpcPath} is served by both ${previous} and ${where}`,
          );
        }
        seen.set(route.method.grpcPath, where);
        plans.push(this.plan(instance, controller, name, handler as Handler, route));
      }
    }
    return plans;
  }

  private plan(
    instance: object,
    controller: Type<unknown>,
    name: string,
    handler: Handler,
    route: RouteMetadata,
  ): MethodPlan {
    // Resolved now, so a type the app's registry does not know fails the start-up, not a request.
    for (const type of [route.method.requestType, route.method.responseType]) {
      if (!isKnownMessage(this.types, type)) {
        throw new StartupError(
          `${route.method.grpcPath} (${controller.name}.${name}) uses message type ${type}, ` +
            `which is in no descriptor set of ${route.service.fullName}`,
        );
      }
    }
    const build = compileArguments(controller, name);
    const guards: CanActivate[] = (this.middlewares.byMethod.get(route.method.name) ?? []).flatMap(
      (definition) =>
        definition.guard ? [this.moduleRef.get(definition.guard, { strict: false })] : [],
    );
    const callerTokens = this.callerTokens;
    return {
      service: route.service,
      method: route.method,
      types: this.types,
      bindings: route.bindings,
      controller,
      handler,
      callerToken: (carrier) => callerTokens.check(carrier),
      guards,
      check: compileMessageCheck(this.types, route.method),
      streamText: compileStreamText(this.types, route.method),
      invoke: (inputs) => handler.apply(instance, build(inputs)),
    };
  }
}
