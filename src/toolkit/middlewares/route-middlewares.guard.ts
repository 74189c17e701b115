import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { isObservable, lastValueFrom } from 'rxjs';
import { routeOfHandler } from '../transport/route-metadata';
import { ServiceMiddlewares } from './middleware.registry';

/** Injection token of the app's `ServiceMiddlewares`. @internal */
export const SERVICE_MIDDLEWARES = Symbol('toolkit:service-middlewares');

/**
 * Runs the guards of a route's middleware chain in order. The chain is resolved once at start-up
 * (`resolveServiceMiddlewares`), so a route costs one map lookup plus its guards.
 * @internal
 */
@Injectable()
export class RouteMiddlewaresGuard implements CanActivate {
  private readonly chains = new Map<string, CanActivate[]>();

  constructor(
    @Inject(SERVICE_MIDDLEWARES) private readonly middlewares: ServiceMiddlewares,
    private readonly moduleRef: ModuleRef,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = routeOfHandler(context.getHandler());
    if (!route) return true;
    for (const guard of this.chain(route.method.name)) {
      const verdict = guard.canActivate(context);
      // A synchronous verdict is used as it is: awaiting it would only add a microtask turn.
      const allowed =
        typeof verdict === 'boolean'
          ? verdict
          : isObservable(verdict)
            ? await lastValueFrom(verdict)
            : await verdict;
      if (!allowed) return false;
    }
    return true;
  }

  private chain(methodName: string): CanActivate[] {
    let guards = this.chains.get(methodName);
    if (!guards) {
      guards = (this.middlewares.byMethod.get(methodName) ?? []).flatMap((definition) =>
        definition.guard ? [this.moduleRef.get(definition.guard, { strict: false })] : [],
      );
      this.chains.set(methodName, guards);
    }
    return guards;
  }
}
