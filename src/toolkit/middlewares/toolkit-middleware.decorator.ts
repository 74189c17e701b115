import { applyDecorators, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { TOOLKIT_MIDDLEWARE } from '../constants';
import { getMiddlewareConfigToken } from '../runtime/tokens';
import { MiddlewareDefinition } from './middleware.types';

/** What `@ToolkitMiddleware` declares: everything of a definition except the provider itself. @publicApi */
export type ToolkitMiddlewareOptions = Omit<
  MiddlewareDefinition,
  'provider' | 'guard' | 'interceptor'
>;

/**
 * Registers the decorated provider (a guard, an interceptor, or a class that only installs
 * hooks) as the middleware protos call `name`, in every app whose module tree lists it in some
 * module's `providers`. Its `config` section is loaded with the service's prefix, validated at
 * start-up, listed by `--help`, and injectable with `@InjectMiddlewareConfig(name)`.
 * @publicApi
 */
export function ToolkitMiddleware(options: ToolkitMiddlewareOptions): ClassDecorator {
  return applyDecorators(SetMetadata(TOOLKIT_MIDDLEWARE, options), Injectable());
}

/** Injects the config values of the middleware `name` (its `config` section, loaded). @publicApi */
export const InjectMiddlewareConfig = (name: string): PropertyDecorator & ParameterDecorator =>
  Inject(getMiddlewareConfigToken(name));
