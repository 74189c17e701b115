import { DynamicModule, ForwardReference, Provider, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { StartupError } from '../config/startup-error';
import { TOOLKIT_MIDDLEWARE } from '../constants';
import { MethodDescriptor, ServiceDescriptor } from '../descriptor';
import { MiddlewareDefinition } from './middleware.types';
import type { ToolkitMiddlewareOptions } from './toolkit-middleware.decorator';

/** Anything a Nest module may list in `imports`. @internal */
export type ModuleImport =
  Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference<unknown>;

/** Thrown at start-up when a proto names a middleware no provider of the app registers. @publicApi */
export class UnknownMiddlewareError extends StartupError {
  constructor(serviceName: string, method: string, name: string, known: readonly string[]) {
    super(
      `${serviceName}: method ${method} uses middleware "${name}", which is not registered ` +
        `(registered: ${known.join(', ') || 'none'}); add a @ToolkitMiddleware({ name: '${name}' }) ` +
        `provider to a module of the app`,
    );
    this.name = 'UnknownMiddlewareError';
  }
}

/**
 * The middlewares of one app, by proto name: every `@ToolkitMiddleware` provider listed in a
 * module of the app's tree. Built from module metadata alone, before Nest builds the container,
 * so that the config of each middleware is validated and listed by `--help` like any other.
 * @publicApi
 */
export class MiddlewareRegistry {
  private readonly byName = new Map<string, MiddlewareDefinition>();

  /** Every middleware provider of `modules` and of everything they import, dynamic modules included. */
  static scan(modules: readonly ModuleImport[]): MiddlewareRegistry {
    const registry = new MiddlewareRegistry();
    const seen = new Set<unknown>();
    const visit = (entry: ModuleImport | undefined): void => {
      if (entry === undefined || seen.has(entry)) return;
      seen.add(entry);
      // An async dynamic module is only known once Nest awaits it: its providers cannot be
      // middlewares (the proto naming one fails start-up as unknown, which says where to look).
      if (entry instanceof Promise) return;
      if ('forwardRef' in entry) return visit((entry.forwardRef as () => ModuleImport)());
      const dynamic = 'module' in entry ? entry : undefined;
      const moduleClass = dynamic ? dynamic.module : (entry as Type<unknown>);
      const imports: ModuleImport[] = [
        ...metadataList<ModuleImport>(MODULE_METADATA.IMPORTS, moduleClass),
        ...(dynamic?.imports ?? []),
      ];
      const providers: Provider[] = [
        ...metadataList<Provider>(MODULE_METADATA.PROVIDERS, moduleClass),
        ...(dynamic?.providers ?? []),
      ];
      for (const provider of providers) registry.addProvider(provider);
      if (dynamic) seen.add(moduleClass);
      for (const imported of imports) visit(imported);
    };
    for (const module of modules) visit(module);
    return registry;
  }

  get(name: string): MiddlewareDefinition | undefined {
    return this.byName.get(name);
  }

  /** Every registered middleware, in registration order. */
  definitions(): MiddlewareDefinition[] {
    return [...this.byName.values()];
  }

  /** The registered names, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  private addProvider(provider: Provider): void {
    const type =
      typeof provider === 'function'
        ? provider
        : 'useClass' in provider
          ? (provider.useClass as Type<unknown>)
          : undefined;
    const options = type && middlewareOptionsOf(type);
    if (!type || !options) return;
    const known = this.byName.get(options.name);
    if (known?.provider === type) return;
    if (known) {
      throw new StartupError(
        `middleware "${options.name}" is registered twice, by ${known.provider.name} and by ${type.name}`,
      );
    }
    const prototype = type.prototype as Partial<Record<'canActivate' | 'intercept', unknown>>;
    this.byName.set(options.name, {
      ...options,
      provider: type,
      guard: typeof prototype.canActivate === 'function' ? (type as never) : undefined,
      interceptor: typeof prototype.intercept === 'function' ? (type as never) : undefined,
    });
  }
}

function metadataList<T>(key: string, target: object): T[] {
  return (Reflect.getMetadata(key, target) as T[] | undefined) ?? [];
}

/** The `@ToolkitMiddleware` options of a class, if it carries them. @internal */
export function middlewareOptionsOf(type: Type<unknown>): ToolkitMiddlewareOptions | undefined {
  return Reflect.getMetadata(TOOLKIT_MIDDLEWARE, type) as ToolkitMiddlewareOptions | undefined;
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
 * Resolves every method's chain against the app's registry.
 * @throws UnknownMiddlewareError naming the service, the method, the name and the known ones.
 * @publicApi
 */
export function resolveServiceMiddlewares(
  serviceName: string,
  service: ServiceDescriptor,
  registry: MiddlewareRegistry,
): ServiceMiddlewares {
  const lookup = (method: string, name: string): MiddlewareDefinition => {
    const definition = registry.get(name);
    if (!definition) throw new UnknownMiddlewareError(serviceName, method, name, registry.names());
    return definition;
  };
  const byMethod = new Map<string, MiddlewareDefinition[]>();
  const used = new Map<MiddlewareDefinition, MethodDescriptor[]>();
  for (const method of service.methods) {
    const chain = middlewareNames(service, method).map((name) => lookup(method.name, name));
    byMethod.set(method.name, chain);
    for (const definition of chain) used.set(definition, [...(used.get(definition) ?? []), method]);
  }
  for (const name of service.middlewares) {
    const definition = lookup('(service)', name);
    if (!used.has(definition)) used.set(definition, []);
  }
  return { byMethod, used };
}
