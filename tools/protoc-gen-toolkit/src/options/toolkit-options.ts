import { getExtension, hasExtension } from '@bufbuild/protobuf';
import type { DescFile, DescMethod, DescService } from '@bufbuild/protobuf';
import { http } from '../../gen/google/api/annotations_pb';
import type { HttpRule } from '../../gen/google/api/http_pb';
import {
  plugins,
  route,
  runtime,
  server,
  services,
} from '../../gen/toolkit/options/annotations_pb';
import type {
  Plugin,
  Route,
  Runtime,
  Server,
  Service,
} from '../../gen/toolkit/options/annotations_pb';

/** `(toolkit.plugins)` of a file, in declaration order. */
export function filePlugins(file: DescFile): Plugin[] {
  const options = file.proto.options;
  return options && hasExtension(options, plugins) ? getExtension(options, plugins) : [];
}

/** `(toolkit.services)` of a file. */
export function fileServices(file: DescFile): Service[] {
  const options = file.proto.options;
  return options && hasExtension(options, services) ? getExtension(options, services) : [];
}

export function serviceRuntime(service: DescService): Runtime | undefined {
  const options = service.proto.options;
  return options && hasExtension(options, runtime) ? getExtension(options, runtime) : undefined;
}

export function serviceServer(service: DescService): Server | undefined {
  const options = service.proto.options;
  return options && hasExtension(options, server) ? getExtension(options, server) : undefined;
}

export function methodRoute(method: DescMethod): Route | undefined {
  const options = method.proto.options;
  return options && hasExtension(options, route) ? getExtension(options, route) : undefined;
}

export function methodHttpRule(method: DescMethod): HttpRule | undefined {
  const options = method.proto.options;
  return options && hasExtension(options, http) ? getExtension(options, http) : undefined;
}
