import { ScalarType } from '@bufbuild/protobuf';
import type { DescField, DescFile, DescMessage, DescMethod, DescService } from '@bufbuild/protobuf';
import type { HttpRule } from '../../gen/google/api/http_pb';
import { Runtime_Server } from '../../gen/toolkit/options/annotations_pb';
import type { Plugin } from '../../gen/toolkit/options/annotations_pb';
import { lowerFirst } from '../code/names';
import { GeneratorError } from '../generator-error';
import {
  fileServices,
  filePlugins,
  methodHttpRule,
  methodRoute,
  serviceRuntime,
  serviceServer,
} from '../options/toolkit-options';
import { parsePathTemplate } from './path-template';
import { isPluginKind, PluginKindName } from './plugin-kinds';

/** Mirrors src/toolkit/descriptor PluginDescriptor. */
export interface PluginModel {
  prefix: string;
  kind: PluginKindName;
}

/** Mirrors src/toolkit/descriptor HttpRule. */
export interface HttpRuleModel {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: string;
  responseBody?: string;
  pathParams: string[];
  additionalBindings?: HttpRuleModel[];
}

/** Mirrors src/toolkit/descriptor ProxyTarget. */
export interface ProxyTargetModel {
  service: string;
  method: string;
}

/** Mirrors src/toolkit/descriptor CallerBinding. */
export interface CallerBindingModel {
  field: string;
  actForOthersRoles: string[];
}

/** Mirrors src/toolkit/descriptor MethodDescriptor, plus the descriptor it came from. */
export interface MethodModel {
  desc: DescMethod;
  name: string;
  localName: string;
  grpcPath: string;
  requestType: string;
  responseType: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
  http?: HttpRuleModel;
  websocket: boolean;
  httpProxy?: ProxyTargetModel;
  websocketProxy?: ProxyTargetModel;
  middlewares: string[];
  excludeGlobalMiddlewares: string[];
  callerBinding?: CallerBindingModel;
}

/** Mirrors src/toolkit/descriptor ServiceDescriptor, plus the descriptor it came from. */
export interface ServiceModel {
  desc: DescService;
  name: string;
  package: string;
  fullName: string;
  protoFile: string;
  servers: string[];
  middlewares: string[];
  plugins: PluginModel[];
  dependsOn: { service: string; package: string }[];
  methods: MethodModel[];
}

const HTTP_VERBS = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
} as const;
const PLUGIN_PREFIX = /^[A-Za-z][A-Za-z0-9_]*$/;
const GRPC_METHOD_PATH = /^\/[A-Za-z_][A-Za-z0-9_.]*\/[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads every toolkit and google.api.http option of `service`, rejecting what the toolkit cannot serve. */
export function buildServiceModel(service: DescService): ServiceModel {
  const file = service.file;
  const where = `service ${service.name}`;
  const runtime = serviceRuntime(service);
  const plugins = collectPlugins(file, where, [
    { option: '(toolkit.plugins)', plugins: filePlugins(file) },
    {
      option: `(toolkit.runtime).plugins of service ${service.name}`,
      plugins: runtime?.plugins ?? [],
    },
  ]);
  const servers: string[] = [];
  for (const server of runtime?.servers ?? []) {
    const name = Runtime_Server[server];
    if (name === undefined)
      throw new GeneratorError(
        file.proto.name,
        where,
        `(toolkit.runtime).servers has unknown value ${server}`,
      );
    // Older Go toolkit releases named the gateway's HTTP server HTTP_PROXY; here one HTTP server
    // serves the http_proxy routes and the others alike.
    const kind = name === 'HTTP_PROXY' ? 'HTTP' : name;
    if (!servers.includes(kind)) servers.push(kind);
  }
  return {
    desc: service,
    name: service.name,
    package: file.proto.package,
    fullName: service.typeName,
    protoFile: file.proto.name,
    servers: servers.length > 0 ? servers : ['GRPC'],
    middlewares: [...(serviceServer(service)?.middlewares ?? [])],
    plugins,
    dependsOn: fileServices(file).map((dependency) => ({
      service: dependency.service,
      package: dependency.package,
    })),
    methods: checkRouteConflicts(file.proto.name, service.methods.map(buildMethodModel)),
  };
}

/**
 * Two HTTP bindings of one service with the same verb and template shape match the same requests:
 * the router could only pick one by declaration order, so the proto is refused instead.
 */
function checkRouteConflicts(file: string, methods: MethodModel[]): MethodModel[] {
  const seen = new Map<string, string>();
  for (const method of methods) {
    if (!method.http || method.websocket) continue;
    for (const binding of [method.http, ...(method.http.additionalBindings ?? [])]) {
      const parsed = parsePathTemplate(binding.path);
      if ('error' in parsed) continue;
      const key = `${binding.method} ${parsed.template.shape}`;
      const previous = seen.get(key);
      if (previous !== undefined && !previous.startsWith(`${method.name} `))
        throw new GeneratorError(
          file,
          `method ${method.desc.parent.name}.${method.name}`,
          `(google.api.http) ${binding.method} "${binding.path}" matches the same requests as ${previous}`,
        );
      seen.set(key, `${method.name} "${binding.path}"`);
    }
  }
  return methods;
}

/** File-level plugins of a file without services still get checked. */
export function checkFilePlugins(file: DescFile): void {
  collectPlugins(file, 'file options', [
    { option: '(toolkit.plugins)', plugins: filePlugins(file) },
  ]);
}

function collectPlugins(
  file: DescFile,
  where: string,
  sources: { option: string; plugins: Plugin[] }[],
): PluginModel[] {
  const seen = new Map<string, string>();
  const result: PluginModel[] = [];
  for (const source of sources) {
    for (const plugin of source.plugins) {
      if (!isPluginKind(plugin.plugin)) {
        throw new GeneratorError(
          file.proto.name,
          where,
          `${source.option} declares plugin "${plugin.prefix}" of unknown kind "${plugin.plugin}" (known kinds: postgres_gorm, redis, rabbitmq, centrifuge)`,
        );
      }
      if (!PLUGIN_PREFIX.test(plugin.prefix)) {
        throw new GeneratorError(
          file.proto.name,
          where,
          `${source.option} declares plugin prefix "${plugin.prefix}", which is not a letter followed by letters, digits or "_"`,
        );
      }
      const previous = seen.get(plugin.prefix.toLowerCase());
      if (previous !== undefined) {
        throw new GeneratorError(
          file.proto.name,
          where,
          `duplicate plugin prefix "${plugin.prefix}" in ${source.option} (already declared in ${previous})`,
        );
      }
      seen.set(plugin.prefix.toLowerCase(), source.option);
      result.push({ prefix: plugin.prefix, kind: plugin.plugin });
    }
  }
  return result;
}

function buildMethodModel(method: DescMethod): MethodModel {
  const file = method.parent.file.proto.name;
  const where = `method ${method.parent.name}.${method.name}`;
  const routeOption = methodRoute(method);
  const http = buildHttpRule(method, file, where);
  const target = routeOption?.route;
  const websocket = target?.case === 'websocket' && target.value;
  const clientStreaming =
    method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming';
  const serverStreaming =
    method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming';
  checkStreamingRoute(
    method,
    { http, websocket, target: target?.case, caller: routeOption?.caller !== undefined },
    file,
    where,
  );
  if (websocket && http?.method !== 'GET') {
    throw new GeneratorError(
      file,
      where,
      '(toolkit.route).websocket needs a (google.api.http) GET binding for the upgrade request',
    );
  }
  if (websocket && http) {
    // Upgrades are matched by the realtime plugin, which knows literal and `{field}` segments only.
    const simple = http.path.split('/').every((segment) => !/[*:=]/.test(segment));
    if (!simple || http.additionalBindings)
      throw new GeneratorError(
        file,
        where,
        `(toolkit.route).websocket upgrades are served on one plain path (literal and {field} segments); "${http.path}"${http.additionalBindings ? ' with additional_bindings' : ''} is not one`,
      );
  }
  const proxy = (option: string, value: { service: string; method: string }): ProxyTargetModel => {
    if (value.service === '') throw new GeneratorError(file, where, `${option}.service is empty`);
    if (!GRPC_METHOD_PATH.test(value.method)) {
      throw new GeneratorError(
        file,
        where,
        `${option}.method "${value.method}" is not a gRPC method path like /package.Service/Method`,
      );
    }
    return { service: value.service, method: value.method };
  };
  return {
    desc: method,
    name: method.name,
    localName: lowerFirst(method.name),
    grpcPath: `/${method.parent.typeName}/${method.name}`,
    requestType: method.input.typeName,
    responseType: method.output.typeName,
    clientStreaming,
    serverStreaming,
    http,
    websocket,
    httpProxy:
      target?.case === 'httpProxy' ? proxy('(toolkit.route).http_proxy', target.value) : undefined,
    websocketProxy:
      target?.case === 'websocketProxy'
        ? proxy('(toolkit.route).websocket_proxy', target.value)
        : undefined,
    middlewares: [...(routeOption?.middlewares ?? [])],
    excludeGlobalMiddlewares: [...(routeOption?.excludeGlobalMiddlewares ?? [])],
    callerBinding: buildCallerBinding(method, routeOption?.caller, file, where),
  };
}

/**
 * What a streaming rpc may declare. Server streams are served on their HTTP bindings as SSE or
 * NDJSON, so a binding's response_body (one field of ONE response) has no meaning there. Client and
 * bidi streams are served over HTTP as a WebSocket opened by a GET on one literal path: their
 * request messages arrive as frames, so nothing can be bound from the path, a body or the query,
 * and a caller binding (one field of one request) does not apply. The gateway proxies unary and
 * server-streaming methods only.
 */
function checkStreamingRoute(
  method: DescMethod,
  route: { http?: HttpRuleModel; websocket: boolean; target?: string; caller: boolean },
  file: string,
  where: string,
): void {
  if (method.methodKind === 'unary') return;
  const kind = method.methodKind.replace('_', ' ');
  if (route.websocket)
    throw new GeneratorError(
      file,
      where,
      `(toolkit.route).websocket is for unary methods; a ${kind} method is served as a stream on its (google.api.http) binding by itself`,
    );
  const bindings = route.http ? [route.http, ...(route.http.additionalBindings ?? [])] : [];
  if (method.methodKind === 'server_streaming') {
    const withResponseBody = bindings.find((binding) => binding.responseBody !== undefined);
    if (withResponseBody)
      throw new GeneratorError(
        file,
        where,
        `(google.api.http) response_body "${withResponseBody.responseBody}" is not supported on a server streaming method (each streamed message is sent whole)`,
      );
    return;
  }
  if (route.target === 'httpProxy' || route.target === 'websocketProxy')
    throw new GeneratorError(
      file,
      where,
      `(toolkit.route).${route.target === 'httpProxy' ? 'http_proxy' : 'websocket_proxy'} proxies unary and server streaming methods only, not a ${kind} method`,
    );
  if (route.caller)
    throw new GeneratorError(
      file,
      where,
      `(toolkit.route).caller binds one field of one request; a ${kind} method has a stream of them`,
    );
  for (const binding of bindings) {
    if (binding.method !== 'GET' || binding.body !== undefined || binding.pathParams.length > 0)
      throw new GeneratorError(
        file,
        where,
        `a ${kind} method is served over HTTP as a WebSocket: its (google.api.http) binding must be a get on a path without variables and without a body ("${binding.method} ${binding.path}" is not)`,
      );
  }
}

const ROLE_NAME = /^[^\s,]+$/;

/**
 * `(toolkit.route).caller`: the field must be a singular string of the request (the runtime
 * compares it with the token's subject), roles non-empty and without commas (roles travel
 * comma-separated to backends).
 */
function buildCallerBinding(
  method: DescMethod,
  binding: { field: string; actForOthersRoles: string[] } | undefined,
  file: string,
  where: string,
): CallerBindingModel | undefined {
  if (binding === undefined) return undefined;
  const option = '(toolkit.route).caller';
  if (binding.field === '') throw new GeneratorError(file, where, `${option}.field is empty`);
  const problem = checkStringField(method.input, binding.field);
  if (problem)
    throw new GeneratorError(file, where, `${option}.field "${binding.field}" ${problem}`);
  for (const role of binding.actForOthersRoles) {
    if (!ROLE_NAME.test(role)) {
      throw new GeneratorError(
        file,
        where,
        `${option}.act_for_others_roles has "${role}", which is empty or contains a comma or space`,
      );
    }
  }
  return { field: binding.field, actForOthersRoles: [...binding.actForOthersRoles] };
}

/** Why `fieldPath` is not a singular string field of `message`, or undefined when it is. */
function checkStringField(message: DescMessage, fieldPath: string): string | undefined {
  const segments = fieldPath.split('.');
  let current = message;
  for (const [index, segment] of segments.entries()) {
    const field: DescField | undefined = current.fields.find(
      (candidate) => candidate.name === segment,
    );
    if (!field) return `is not a field of ${message.typeName}`;
    if (index === segments.length - 1) {
      return field.fieldKind === 'scalar' && field.scalar === ScalarType.STRING
        ? undefined
        : `is not a singular string field of ${current.typeName}`;
    }
    if (field.fieldKind !== 'message')
      return `is not a field of ${message.typeName} ("${segment}" is not a singular message field)`;
    current = field.message;
  }
  return undefined;
}

function buildHttpRule(method: DescMethod, file: string, where: string): HttpRuleModel | undefined {
  const rule = methodHttpRule(method);
  if (!rule) return undefined;
  const primary = buildBinding(method, rule, file, where, '(google.api.http)');
  const additional = rule.additionalBindings.map((binding, index) => {
    const option = `(google.api.http) additional_bindings[${index}]`;
    if (binding.additionalBindings.length > 0)
      throw new GeneratorError(
        file,
        where,
        `${option} has additional_bindings of its own (http.proto allows one level)`,
      );
    return buildBinding(method, binding, file, where, option);
  });
  const seen = new Map<string, string>();
  for (const binding of [primary, ...additional]) {
    const key = `${binding.method} ${binding.shape}`;
    const previous = seen.get(key);
    if (previous !== undefined)
      throw new GeneratorError(
        file,
        where,
        `(google.api.http) binds ${binding.method} "${binding.model.path}" and "${previous}", which match the same requests`,
      );
    seen.set(key, binding.model.path);
  }
  return additional.length > 0
    ? { ...primary.model, additionalBindings: additional.map((binding) => binding.model) }
    : primary.model;
}

interface BuiltBinding {
  model: HttpRuleModel;
  method: string;
  /** The template with variable names erased: equal shapes of one verb match the same requests. */
  shape: string;
}

function buildBinding(
  method: DescMethod,
  rule: HttpRule,
  file: string,
  where: string,
  option: string,
): BuiltBinding {
  const pattern = rule.pattern;
  if (pattern.case === undefined)
    throw new GeneratorError(
      file,
      where,
      `${option} has no HTTP verb (get, post, put, patch or delete)`,
    );
  if (pattern.case === 'custom')
    throw new GeneratorError(
      file,
      where,
      `${option} custom HTTP method "${pattern.value.kind}" is not supported (use get, post, put, patch or delete; a custom verb goes in the path, as in "/v1/{name=*}:cancel")`,
    );
  const path = pattern.value;
  const parsed = parsePathTemplate(path);
  if ('error' in parsed) throw new GeneratorError(file, where, `${option} ${parsed.error}`);
  for (const variable of parsed.template.variables) {
    const problem = checkFieldPath(method.input, variable.fieldPath, variable.multiSegment);
    if (problem)
      throw new GeneratorError(
        file,
        where,
        `${option} path "${path}" binds "${variable.fieldPath}", ${problem}`,
      );
  }
  if (
    rule.body !== '' &&
    rule.body !== '*' &&
    !method.input.fields.some((field) => field.name === rule.body)
  ) {
    throw new GeneratorError(
      file,
      where,
      `${option} body "${rule.body}" is not a top-level field of ${method.input.typeName}`,
    );
  }
  if (
    rule.responseBody !== '' &&
    !method.output.fields.some((field) => field.name === rule.responseBody)
  ) {
    throw new GeneratorError(
      file,
      where,
      `${option} response_body "${rule.responseBody}" is not a top-level field of ${method.output.typeName}`,
    );
  }
  const verb = HTTP_VERBS[pattern.case];
  return {
    model: {
      method: verb,
      path,
      body: rule.body === '' ? undefined : rule.body,
      responseBody: rule.responseBody === '' ? undefined : rule.responseBody,
      pathParams: parsed.template.variables.map((variable) => variable.fieldPath),
    },
    method: verb,
    shape: parsed.template.shape,
  };
}

/**
 * Why `fieldPath` cannot be bound from a URL path of `message`, or undefined when it can: a
 * singular scalar or enum, reached through singular message fields; a string when the variable
 * spans several segments (its value holds `/`).
 */
function checkFieldPath(
  message: DescMessage,
  fieldPath: string,
  multiSegment: boolean,
): string | undefined {
  const segments = fieldPath.split('.');
  let current = message;
  for (const [index, segment] of segments.entries()) {
    const field: DescField | undefined = current.fields.find(
      (candidate) => candidate.name === segment,
    );
    if (!field) return `which is not a field of ${message.typeName}`;
    const last = index === segments.length - 1;
    if (last) {
      if (field.fieldKind !== 'scalar' && field.fieldKind !== 'enum')
        return `which is a ${field.fieldKind} field; path parameters must be singular scalars or enums`;
      if (multiSegment && !(field.fieldKind === 'scalar' && field.scalar === ScalarType.STRING))
        return 'which is not a string; a variable of several segments (with "/" or "**") binds a string';
      return undefined;
    }
    if (field.fieldKind !== 'message')
      return `but "${segment}" is not a singular message field of ${current.typeName}`;
    current = field.message;
  }
  return undefined;
}
