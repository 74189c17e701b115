import { TOOLKIT_ROUTE } from '../constants';
import { MethodDescriptor, ServiceDescriptor } from '../descriptor';
import { HttpBinding } from './http-router';

/** What `ToolkitRpc` records on a controller method, for guards, hooks and the bootstrap. @publicApi */
export interface RouteMetadata {
  service: ServiceDescriptor;
  method: MethodDescriptor;
  /** The method's HTTP bindings, compiled; empty without an HTTP route (gRPC only, WebSocket). */
  bindings: readonly HttpBinding[];
}

const routesByHandler = new WeakMap<object, RouteMetadata>();

/**
 * The `RouteMetadata` `ToolkitRpc` recorded on a handler. Guards ask on every request, so a found
 * route is remembered per handler instead of walking reflect-metadata's maps each time.
 * @internal
 */
export function routeOfHandler(handler: object): RouteMetadata | undefined {
  let route = routesByHandler.get(handler);
  if (route === undefined) {
    route = Reflect.getMetadata(TOOLKIT_ROUTE, handler) as RouteMetadata | undefined;
    if (route !== undefined) routesByHandler.set(handler, route);
  }
  return route;
}
