import { join } from 'node:path';
import {
  Channel,
  ChannelCredentials,
  ChannelOptions,
  Client,
  credentials as grpcCredentials,
  Interceptor,
  loadPackageDefinition,
  Metadata,
  ServiceError,
} from '@grpc/grpc-js';
import { loadSync, PackageDefinition } from '@grpc/proto-loader';
import { MethodDescriptor, ServiceDescriptor } from '../descriptor';
import { fromGrpcServiceError } from '../errors';
import { LOADER_OPTIONS, PROTO_ROOT } from '../runtime/proto-paths';
import type { CallContext } from '../pipeline/call-context';
import { REQUEST_ID_HEADER } from '../runtime/request-context';
import {
  bidiStreamCall,
  clientStreamCall,
  serverStreamCall,
  StreamCallSetup,
} from './streaming-calls';

/** Per-call options of generated clients. @publicApi */
export interface CallOptions {
  /**
   * The call this one is made for: its request id travels as `x-request-id` and its deadline
   * bounds this call's.
   */
  call?: Pick<CallContext, 'requestId' | 'deadline'>;
  /** Absolute deadline; the earliest of this, `timeoutMs` and the `call`'s wins. */
  deadline?: Date | number;
  /** Relative timeout in ms; the earlier of this and `deadline` wins. */
  timeoutMs?: number;
  /** Extra request metadata. The `call`'s request id is added as `x-request-id` unless given. */
  metadata?: Metadata | Readonly<Record<string, string>>;
  /** Streaming calls: aborting cancels the call (the server's handler sees CANCELLED). */
  signal?: AbortSignal;
}

/** Options of `createGrpcClient`. @publicApi */
export interface GrpcClientOptions {
  /** Directory the descriptor's `protoFile` is relative to; default the repository's `proto/`. */
  protoRoot?: string;
  /** Default insecure. */
  credentials?: ChannelCredentials;
  channelOptions?: ChannelOptions;
  interceptors?: Interceptor[];
}

/**
 * A client's methods by `localName`, each `(request, options?) => Promise<response>`, plus
 * `close()` and `getChannel()` (its connectivity state, for health-aware callers).
 * @publicApi
 */
export type GrpcClientOf<T> = T & { close(): void; getChannel(): Channel };

type UnaryMethod = (
  request: unknown,
  metadata: Metadata,
  options: { deadline?: Date | number },
  callback: (error: ServiceError | null, response?: unknown) => void,
) => void;

const definitions = new Map<string, PackageDefinition>();

function packageDefinition(protoPath: string, protoRoot: string): PackageDefinition {
  let definition = definitions.get(protoPath);
  if (!definition) {
    definition = loadSync(protoPath, {
      ...LOADER_OPTIONS,
      includeDirs: [protoRoot, ...LOADER_OPTIONS.includeDirs],
    });
    definitions.set(protoPath, definition);
  }
  return definition;
}

/**
 * A client for the methods of `descriptor` (what generated `createXClient` wraps): unary methods
 * return a Promise, server streams an async iterable of responses, client streams take an async
 * iterable of requests and return a Promise, bidi streams take and return async iterables.
 * Calls given a `call` carry its request id and deadline; failures reject with `ToolkitError`
 * (gRPC code, message and BadRequest violations kept), so a proxy can rethrow them as they are.
 * @publicApi
 */
export function createGrpcClient<T>(
  descriptor: ServiceDescriptor,
  target: string,
  options: GrpcClientOptions = {},
): GrpcClientOf<T> {
  const protoRoot = options.protoRoot ?? PROTO_ROOT;
  const loaded = loadPackageDefinition(
    packageDefinition(join(protoRoot, descriptor.protoFile), protoRoot),
  );
  let node: unknown = loaded;
  for (const part of descriptor.fullName.split('.')) node = (node as Record<string, unknown>)[part];
  const Constructor = node as new (
    address: string,
    credentials: ChannelCredentials,
    options?: ChannelOptions,
  ) => Client;
  const client = new Constructor(target, options.credentials ?? grpcCredentials.createInsecure(), {
    ...options.channelOptions,
    interceptors: options.interceptors,
  });
  const methods: Record<string, unknown> = {
    close: () => client.close(),
    getChannel: () => client.getChannel(),
  };
  for (const method of descriptor.methods) {
    if (method.clientStreaming || method.serverStreaming) {
      methods[method.localName] = streamingMethod(client, method);
      continue;
    }
    const call = (client as unknown as Record<string, UnaryMethod>)[method.name].bind(client);
    methods[method.localName] = (request: unknown, callOptions: CallOptions = {}) =>
      new Promise((resolve, reject) => {
        call(
          request,
          callMetadata(callOptions),
          { deadline: callDeadline(callOptions) },
          (error, response) => (error ? reject(fromGrpcServiceError(error)) : resolve(response)),
        );
      });
  }
  return methods as GrpcClientOf<T>;
}

/** A streaming method of the client: async iterables in and/or out (see streaming-calls.ts). */
function streamingMethod(client: Client, method: MethodDescriptor): unknown {
  // grpc-js's methods take different arguments per shape; streaming-calls.ts types each.
  const call: unknown = (client as unknown as Record<string, (...args: never[]) => unknown>)[
    method.name
  ].bind(client);
  const setup = (options: CallOptions): StreamCallSetup => ({
    metadata: callMetadata(options),
    deadline: callDeadline(options),
    signal: options.signal,
  });
  if (!method.clientStreaming)
    return (request: unknown, options: CallOptions = {}) =>
      serverStreamCall(call as Parameters<typeof serverStreamCall>[0], request, () =>
        setup(options),
      );
  if (!method.serverStreaming)
    return (requests: AsyncIterable<unknown>, options: CallOptions = {}) =>
      clientStreamCall(call as Parameters<typeof clientStreamCall>[0], requests, setup(options));
  return (requests: AsyncIterable<unknown>, options: CallOptions = {}) =>
    bidiStreamCall(call as Parameters<typeof bidiStreamCall>[0], requests, () => setup(options));
}

function callMetadata(options: CallOptions): Metadata {
  let metadata: Metadata;
  if (options.metadata instanceof Metadata) metadata = options.metadata.clone();
  else {
    metadata = new Metadata();
    for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
  }
  const { call } = options;
  if (call && metadata.get(REQUEST_ID_HEADER).length === 0)
    metadata.set(REQUEST_ID_HEADER, call.requestId);
  return metadata;
}

function callDeadline(options: CallOptions): number | undefined {
  const candidates = [
    options.deadline === undefined ? undefined : new Date(options.deadline).getTime(),
    options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs,
    options.call?.deadline,
  ].filter((value): value is number => value !== undefined && Number.isFinite(value));
  return candidates.length === 0 ? undefined : Math.min(...candidates);
}
