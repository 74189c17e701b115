/**
 * The contract between the generator (tools/protoc-gen-toolkit) and the runtime (src/toolkit).
 * Generated `*.toolkit.ts` files export values of these types; the runtime reads nothing else
 * from the proto at run time except the .proto files themselves for the gRPC loader.
 *
 * Message objects everywhere have the shape @grpc/proto-loader produces with the toolkit's loader
 * options (keepCase, longs as strings, enums as strings, defaults, oneofs) and that ts-proto types
 * with `snakeToCamel=false,forceLong=string,stringEnums=true,useDate=false`.
 */

import type { DescriptorSet } from './descriptor-set';

/** @publicApi */
export type ScalarType =
  | 'double'
  | 'float'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'uint64'
  | 'sint32'
  | 'sint64'
  | 'fixed32'
  | 'fixed64'
  | 'sfixed32'
  | 'sfixed64'
  | 'bool'
  | 'string'
  | 'bytes';

/** The type of a singular value: a scalar, an enum (by full name) or a message (by full name). */
export type ValueType =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'enum'; enumType: string }
  | { kind: 'message'; messageType: string };

/** @publicApi */
export interface FieldDescriptor {
  /** Proto field name (snake_case); also the property name on message objects (keepCase). */
  name: string;
  /** protojson name (lowerCamelCase), accepted on input besides `name`. */
  jsonName: string;
  number: number;
  /** `singular`, `repeated`, or `map` (then `mapKey` is set and `type` is the value type). */
  cardinality: 'singular' | 'repeated' | 'map';
  type: ValueType;
  mapKey?: ScalarType;
  /** proto3 `optional` (explicit presence): unset is `undefined`, rules apply only when set. */
  optional: boolean;
  /** Name of the real oneof this field belongs to, if any. */
  oneof?: string;
  /** A repeated number written unpacked on the wire (`[packed = false]`); absent means packed. */
  unpacked?: boolean;
}

/** A single rule failure; rendered as google.rpc.BadRequest.FieldViolation. @publicApi */
export interface FieldViolation {
  /** Field path in proto names, e.g. `name`, `preferences.muted_types[0]`, `metadata["k"]`. */
  field: string;
  /** Human-readable reason, e.g. `value length must be at most 100 characters`. */
  description: string;
  /** Rule id, protovalidate style: `string.max_len`, `int32.gte`, `string.uuid`... */
  rule: string;
}

/** @publicApi */
export interface MessageDescriptor {
  /** Full proto name, e.g. `userservice.CreateUserRequest`. */
  fullName: string;
  fields: readonly FieldDescriptor[];
  /**
   * Generated from the fields' `validate.rules` (PGV semantics). Returns every violation, empty
   * when valid. Absent when the message has no rules anywhere (including nested messages).
   */
  validate?: (message: Record<string, unknown>, path?: string) => FieldViolation[];
}

/** @publicApi */
export interface EnumDescriptor {
  fullName: string;
  values: readonly { name: string; number: number }[];
}

/** Plugin kinds known to the toolkit, as spelled in `(toolkit.plugins).plugin`. @publicApi */
export type PluginKind = 'postgres_gorm' | 'redis' | 'rabbitmq' | 'centrifuge';

/** @publicApi */
export interface PluginDescriptor {
  /** Key of the plugin instance: config scope (`<ENV_PREFIX>_<PREFIX>_*`) and injection token. */
  prefix: string;
  kind: PluginKind;
}

/** @publicApi */
export type ServerKind = 'GRPC' | 'HTTP' | 'WEBSOCKET_PROXY' | 'WEBSOCKET';

/** The google.api.http rule of a method (or one of its additional bindings). @publicApi */
export interface HttpRule {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /**
   * Path template exactly as in the proto: `/users/{user_id}`, `/v1/{name=shelves/*}`,
   * `/v1/{name=operations/*}:cancel`, `/files/{path=**}`.
   */
  path: string;
  /** `*`, a top-level field name, or undefined (no body). */
  body?: string;
  /** `response_body`: the top-level response field sent as the HTTP body instead of the message. */
  responseBody?: string;
  /** Field paths bound by the template, in order, e.g. [`user_id`] or [`book.id`]. */
  pathParams: readonly string[];
  /** `additional_bindings` (only on the method's rule; they have none of their own). */
  additionalBindings?: readonly HttpRule[];
}

/** @publicApi */
export interface ProxyTarget {
  /** Backend service name as resolved by the gateway, e.g. `user-service`. */
  service: string;
  /** Full gRPC method path, e.g. `/userservice.UserService/GetUser`. */
  method: string;
}

/**
 * `(toolkit.route).caller`: the request field that names the user the call acts for. The runtime
 * refuses the call (PERMISSION_DENIED) unless the field equals the verified caller's subject or
 * the caller has one of `actForOthersRoles`; without a verified caller, UNAUTHENTICATED.
 * @publicApi
 */
export interface CallerBinding {
  /** Singular string field of the request message, dotted for nested messages (`owner.id`). */
  field: string;
  /** Roles that may act for any user, e.g. [`admin`]. */
  actForOthersRoles: readonly string[];
}

/** @publicApi */
export interface MethodDescriptor {
  /** Proto method name, e.g. `GetUser`. */
  name: string;
  /** lowerCamel name of the method on controllers/clients, e.g. `getUser`. */
  localName: string;
  /** `/userservice.UserService/GetUser`. */
  grpcPath: string;
  requestType: string;
  responseType: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
  http?: HttpRule;
  /** `(toolkit.route).websocket`: the HTTP GET binding is a WebSocket upgrade endpoint. */
  websocket: boolean;
  httpProxy?: ProxyTarget;
  websocketProxy?: ProxyTarget;
  /** `(toolkit.route).middlewares`, in declaration order. */
  middlewares: readonly string[];
  /** `(toolkit.route).exclude_global_middlewares`. */
  excludeGlobalMiddlewares: readonly string[];
  /** `(toolkit.route).caller`, when the route acts only for its caller. */
  callerBinding?: CallerBinding;
}

/** Everything the proto says about one service. @publicApi */
export interface ServiceDescriptor {
  /** The message and enum types of the service's file and of the files it imports. */
  types: DescriptorSet;
  /** `UserService`. */
  name: string;
  /** `userservice`. */
  package: string;
  /** `userservice.UserService`. */
  fullName: string;
  /** Path of the .proto relative to proto/, e.g. `userservice/user-service.proto`. */
  protoFile: string;
  /** `(toolkit.runtime).servers`; `[GRPC]` when absent. */
  servers: readonly ServerKind[];
  /** `(toolkit.server).middlewares`: global middlewares, in declaration order. */
  middlewares: readonly string[];
  /** File-level `(toolkit.plugins)` followed by `(toolkit.runtime).plugins`, prefixes unique. */
  plugins: readonly PluginDescriptor[];
  /** `(toolkit.services)` of the file. */
  dependsOn: readonly { service: string; package: string }[];
  methods: readonly MethodDescriptor[];
  /**
   * base64 google.protobuf.FileDescriptorSet of the service's file and its imports, for server
   * reflection; present when the service runs a gRPC server.
   */
  fileDescriptorSet?: string;
  /**
   * The service's OpenAPI 3.1 document (generated `<Service>.openapi.json`), served at
   * `/openapi.json`; present when the service runs an HTTP server.
   */
  openApi?: Readonly<Record<string, unknown>>;
}
