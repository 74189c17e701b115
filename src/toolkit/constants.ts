/**
 * Metadata keys shared by the toolkit's decorators, guards and hooks. Symbols, so that nothing
 * outside the toolkit can collide with them by accident.
 */

/** `RouteMetadata` of a controller method decorated with `ToolkitRpc`. @internal */
export const TOOLKIT_ROUTE = Symbol('toolkit:route');

/** The `ServiceDescriptor` of a class decorated with `ToolkitController`. @internal */
export const TOOLKIT_CONTROLLER = Symbol('toolkit:controller');

/** Key of the Fastify route `config` carrying the `RouteMetadata` for hooks. @internal */
export const FASTIFY_ROUTE_KEY = 'toolkitRoute';
