import { MethodDescriptor, ServiceDescriptor } from '../descriptor';

/** What `ToolkitRpc` records on a controller method, for guards, hooks and the bootstrap. @publicApi */
export interface RouteMetadata {
  service: ServiceDescriptor;
  method: MethodDescriptor;
  /** Fastify param name → proto field path, for transcoding. Empty without an HTTP binding. */
  routeParams: Readonly<Record<string, string>>;
}
