import { MethodDescriptor, ServiceDescriptor } from '../descriptor';
import { StartupError } from '../config/startup-error';
import { MiddlewareDefinition } from './middleware.types';

const definitions = new Map<string, MiddlewareDefinition>();

/** Thrown at start-up when a proto names a middleware nobody registered. @publicApi */
export class UnknownMiddlewareError extends StartupError {
  constructor(serviceName: string, method: string, name: string) {
    super(
      `${serviceName}: method ${method} uses middleware "${name}", which is not registered ` +
        `(registered: ${[...definitions.keys()].sort().join(', ') || 'none'})`,
    );
    this.name = 'UnknownMiddlewareError';
  }
}

/** Registers a middleware under its proto name; a second registration of a name throws. @publicApi */
export function registerMiddleware(definition: MiddlewareDefinition): void {
  if (definitions.has(definition.name)) {
    throw new Error(`middleware "${definition.name}" is already registered`);
  }
  definitions.set(definition.name, definition);
}

/** @publicApi */
export function getMiddleware(name: string): MiddlewareDefinition | undefined {
  return definitions.get(name);
}

/** Middleware names of a method: the service's globals minus the excluded ones, then the route's, each once. @publicApi */
export function middlewareNames(service: ServiceDescriptor, method: MethodDescriptor): string[] {
  const names = service.middlewares.filter(
    (name) => !method.excludeGlobalMiddlewares.includes(name),
  );
  for (const name of method.middlewares) if (!names.includes(name)) names.push(name);
  return names;
}

/** The resolved middleware chains of one service. @publicApi */
export interface ServiceMiddlewares {
  /** Method name → its chain, in order. */
  byMethod: ReadonlyMap<string, readonly MiddlewareDefinition[]>;
  /** Every middleware used anywhere in the service, with the methods that use it. */
  used: ReadonlyMap<MiddlewareDefinition, readonly MethodDescriptor[]>;
}

/**
 * Resolves every method's chain against the registry.
 * @throws UnknownMiddlewareError naming the service, the method and the name.
 * @publicApi
 */
export function resolveServiceMiddlewares(
  serviceName: string,
  service: ServiceDescriptor,
): ServiceMiddlewares {
  const byMethod = new Map<string, MiddlewareDefinition[]>();
  const used = new Map<MiddlewareDefinition, MethodDescriptor[]>();
  for (const method of service.methods) {
    const chain = middlewareNames(service, method).map((name) => {
      const definition = definitions.get(name);
      if (!definition) throw new UnknownMiddlewareError(serviceName, method.name, name);
      return definition;
    });
    byMethod.set(method.name, chain);
    for (const definition of chain) used.set(definition, [...(used.get(definition) ?? []), method]);
  }
  for (const name of service.middlewares) {
    const definition = definitions.get(name);
    if (!definition) throw new UnknownMiddlewareError(serviceName, '(service)', name);
    if (!used.has(definition)) used.set(definition, []);
  }
  return { byMethod, used };
}
