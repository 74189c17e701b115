import { isIP } from 'node:net';
import { ChannelOptions, connectivityState } from '@grpc/grpc-js';
import { LoggerService } from '@nestjs/common';
import type { ToolkitLogger } from '../runtime/toolkit-logger';
import { IDENTITY_HEADERS } from '../auth/caller-identity';
import type { CallerTokens } from '../auth/caller-tokens';
import {
  defineDescriptorSet,
  MethodDescriptor,
  ProxyTarget,
  ServiceDescriptor,
} from '../descriptor';
import { grpcCodeName, GrpcStatus, ToolkitError } from '../errors';
import { CallOptions, createGrpcClient, GrpcClientOf } from '../grpc';
import type { BackendCallMetrics } from '../metrics';
import { secondsSince } from '../pipeline/call-observer';
import { ResolverEndpoints, RoundRobin } from './resolver-endpoints';

/** How a gateway reaches its backends. @publicApi */
export interface BackendPoolOptions {
  /** The backends' generated descriptors; a proxy target's method is looked up among them. */
  backends: readonly ServiceDescriptor[];
  /** gRPC addresses by backend name (`API_GATEWAY_RESOLVER_ENDPOINTS`). */
  grpcEndpoints: ResolverEndpoints;
  /** HTTP addresses by backend name, for WebSocket relays (`API_GATEWAY_RESOLVER_HTTP_ENDPOINTS`). */
  httpEndpoints?: ResolverEndpoints;
  /** HTTP/2 PING interval on idle-free channels, ms. */
  keepaliveTimeMs: number;
  /** How long a PING may go unanswered before the channel is dropped, ms. */
  keepaliveTimeoutMs: number;
  /** Ceiling of the reconnect backoff, ms: how soon a restarted backend is found again. */
  maxReconnectBackoffMs: number;
  /** Deadline of each grpc.health.v1 check, ms. */
  healthTimeoutMs: number;
  /**
   * Signs the caller identity of each call for the backend it goes to (`x-caller-token`), so that
   * backends can trust it. Without it, calls carry no caller token.
   */
  callerTokens?: CallerTokens;
  /**
   * How long a call waits for a replica's connection before trying the next one, ms: a
   * blackholed address (SYN dropped) costs this, not the call's whole deadline. Default 1 s.
   */
  connectTimeoutMs?: number;
  /** Counts each call by target, method and code (the app's registry); none when absent. */
  metrics?: BackendCallMetrics;
}

/** The serving status of each backend name, as grpc.health.v1 spells it, or `UNAVAILABLE`. @publicApi */
export type BackendHealth = Record<string, string>;

type UnaryClient = GrpcClientOf<
  Record<string, (request: unknown, options?: object) => Promise<unknown>>
>;

/** One replica address of a backend, with when it may be tried again after failing to connect. */
interface Replica {
  address: string;
  client: UnaryClient;
  unreachableUntil: number;
}

/** A backend method a proxy target resolved to. */
interface ResolvedTarget {
  service: string;
  method: MethodDescriptor;
  replicas: RoundRobin<Replica>;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 1000;

/** grpc-js's words for a call that failed before it reached a server: safe to send elsewhere. */
const NOT_SENT = /No connection established|connect ECONNREFUSED|Connection refused|ENOTFOUND/i;

/** Whether the replica's channel is connected now (a call on it goes out without waiting). */
function isReady(replica: Replica): boolean {
  return replica.client.getChannel().getConnectivityState(false) === connectivityState.READY;
}

/** grpc.health.v1.Health as the generic client needs it (the vendored proto has no toolkit options). */
const HEALTH_DESCRIPTOR: ServiceDescriptor = {
  // The client transcodes nothing (grpc-js with the proto loader does), so no types are needed.
  types: defineDescriptorSet({
    file: 'grpc/health/v1/health.proto',
    messages: [],
    enums: [],
    dependencies: [],
  }),
  name: 'Health',
  package: 'grpc.health.v1',
  fullName: 'grpc.health.v1.Health',
  protoFile: 'grpc/health/v1/health.proto',
  servers: ['GRPC'],
  middlewares: [],
  plugins: [],
  dependsOn: [],
  methods: [
    {
      name: 'Check',
      localName: 'check',
      grpcPath: '/grpc.health.v1.Health/Check',
      requestType: 'grpc.health.v1.HealthCheckRequest',
      responseType: 'grpc.health.v1.HealthCheckResponse',
      clientStreaming: false,
      serverStreaming: false,
      websocket: false,
      middlewares: [],
      excludeGlobalMiddlewares: [],
    },
  ],
};

/**
 * The gateway's long-lived gRPC channels: one client per backend address (HTTP/2, keepalive,
 * reconnect backoff capped), calls rotating over a name's replicas and skipping the ones that
 * cannot be reached: a replica whose channel is in TRANSIENT_FAILURE, or that did not connect
 * within `connectTimeoutMs` (then left alone for a reconnect backoff), is passed over, and a call
 * that failed before reaching a server is sent to the next replica. Only when no replica can be
 * reached does the call answer UNAVAILABLE, at once rather than at its deadline. An address whose
 * host is a name (a Kubernetes headless Service) is resolved with `dns:///` and balanced by
 * grpc-js's `round_robin` over every address the name has.
 * @publicApi
 */
export class BackendPool {
  private readonly logger: Pick<LoggerService, 'warn'>;
  private readonly clients = new Map<string, UnaryClient>();
  private readonly targets = new Map<string, ResolvedTarget>();
  private readonly healthClients = new Map<string, RoundRobin<UnaryClient>>();
  private readonly replicas = new Map<string, Replica>();
  private readonly httpAddresses = new Map<string, RoundRobin<string>>();

  constructor(
    private readonly options: BackendPoolOptions,
    /** The app's logger (`ToolkitLogger`). */
    logger: ToolkitLogger,
  ) {
    this.logger = logger.forContext('BackendPool');
    for (const [name, addresses] of options.httpEndpoints ?? new Map<string, string[]>()) {
      this.httpAddresses.set(name, new RoundRobin(addresses));
    }
  }

  /**
   * Checks that every target can be served (a backend descriptor has its method and the resolver
   * knows its service) and opens the channels.
   * @throws Error listing every unresolvable target.
   */
  resolve(targets: readonly ProxyTarget[]): void {
    const problems: string[] = [];
    for (const target of targets) {
      try {
        this.target(target);
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (problems.length > 0) throw new Error(`gateway backends: ${problems.join('; ')}`);
  }

  /** The backend method a target names, e.g. `/chatservice.ChatService/JoinRoom`. */
  backendMethod(target: ProxyTarget): MethodDescriptor {
    return this.target(target).method;
  }

  /**
   * Calls the backend method of `target` with `request`; the deadline and request id come from
   * `call`, the gateway call it is made for. Rejects with the backend's `ToolkitError` (code, message and
   * violations kept); a backend that cannot be reached becomes UNAVAILABLE naming the service.
   */
  call(
    target: ProxyTarget,
    request: unknown,
    metadata: Readonly<Record<string, string>>,
    call?: CallOptions['call'],
  ): Promise<unknown> {
    const metrics = this.options.metrics;
    if (!metrics) return this.callReplicas(target, request, metadata, call);
    const started = process.hrtime.bigint();
    // Reactions rather than an async wrapper: one promise less on every proxied call.
    return this.callReplicas(target, request, metadata, call).then(
      (response) => {
        metrics.observe(target.service, target.method, 'OK', secondsSince(started));
        return response;
      },
      (error: unknown) => {
        const code = error instanceof ToolkitError ? grpcCodeName(error.code) : 'UNKNOWN';
        metrics.observe(target.service, target.method, code, secondsSince(started));
        throw error;
      },
    );
  }

  private callReplicas(
    target: ProxyTarget,
    request: unknown,
    metadata: Readonly<Record<string, string>>,
    call: CallOptions['call'],
  ): Promise<unknown> {
    let resolved: ResolvedTarget;
    let signed: Record<string, string> | Promise<Record<string, string>>;
    try {
      resolved = this.target(target);
      signed = this.signedMetadata(resolved.service, metadata);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    // A caller token signed lately is reused as it is: the call goes out in this turn.
    return signed instanceof Promise
      ? signed.then((ready) => this.tryReplicas(resolved, request, ready, call))
      : this.tryReplicas(resolved, request, signed, call);
  }

  private async tryReplicas(
    resolved: ResolvedTarget,
    request: unknown,
    signed: Record<string, string>,
    call: CallOptions['call'],
  ): Promise<unknown> {
    const tried = new Set<Replica>();
    let lastError: unknown;
    for (let attempt = 0; attempt < resolved.replicas.all().length; attempt += 1) {
      const replica = this.pickReplica(resolved.replicas, tried);
      if (!replica) break;
      tried.add(replica);
      if (!isReady(replica) && !(await this.connected(replica))) continue;
      try {
        return await replica.client[resolved.method.localName](request, { metadata: signed, call });
      } catch (error) {
        lastError = error;
        if (error instanceof ToolkitError && error.code === GrpcStatus.UNAVAILABLE) {
          if (NOT_SENT.test(error.message)) continue;
        }
        throw this.backendError(resolved.service, error);
      }
    }
    throw this.backendError(
      resolved.service,
      lastError instanceof ToolkitError
        ? lastError
        : ToolkitError.unavailable(`no replica of ${resolved.service} could be reached`),
    );
  }

  /**
   * Streams the responses of the backend's server-streaming method of `target`, pulled one at a
   * time (the backend is read only as fast as the caller consumes: gRPC flow control carries the
   * backpressure). Aborting `call.signal` or stopping the iteration cancels the backend call. A
   * replica is picked as for `call`; once messages flow, a failure ends the stream, with the
   * backend's error (UNAVAILABLE / DEADLINE_EXCEEDED naming the service, as `call` does).
   */
  async *stream(
    target: ProxyTarget,
    request: unknown,
    metadata: Readonly<Record<string, string>>,
    call?: CallOptions['call'] & { signal?: AbortSignal },
  ): AsyncGenerator<unknown> {
    const resolved = this.target(target);
    const signed = await this.withCallerToken(resolved.service, metadata);
    const tried = new Set<Replica>();
    let replica: Replica | undefined;
    for (let attempt = 0; attempt < resolved.replicas.all().length; attempt += 1) {
      const candidate = this.pickReplica(resolved.replicas, tried);
      if (!candidate) break;
      tried.add(candidate);
      if (await this.connected(candidate)) {
        replica = candidate;
        break;
      }
    }
    if (!replica)
      throw this.backendError(
        resolved.service,
        ToolkitError.unavailable(`no replica of ${resolved.service} could be reached`),
      );
    const method = replica.client[resolved.method.localName] as unknown as (
      request: unknown,
      options: object,
    ) => AsyncIterable<unknown>;
    try {
      yield* method(request, { metadata: signed, call, signal: call?.signal });
    } catch (error) {
      throw this.backendError(resolved.service, error);
    }
  }

  /**
   * `metadata` with the caller token for `service`: the identity `x-user-id` / `x-user-roles`
   * assert (set by `forwardedMetadata` from the verified caller only) signed for that backend. A
   * caller token already in `metadata` (a client's header) is always dropped.
   */
  async withCallerToken(
    service: string,
    metadata: Readonly<Record<string, string>>,
  ): Promise<Record<string, string>> {
    return this.signedMetadata(service, metadata);
  }

  /** `withCallerToken`, synchronously when a token for this caller and backend is fresh. */
  private signedMetadata(
    service: string,
    metadata: Readonly<Record<string, string>>,
  ): Record<string, string> | Promise<Record<string, string>> {
    // Copied key by key rather than spread and `delete`d: a deleted key turns the object into a
    // slow dictionary that grpc-js then walks for every call.
    const signed: Record<string, string> = {};
    for (const key in metadata) {
      if (key !== IDENTITY_HEADERS.callerToken) signed[key] = metadata[key];
    }
    const subject = metadata[IDENTITY_HEADERS.userId];
    const tokens = this.options.callerTokens;
    if (!tokens || subject === undefined || subject === '') return signed;
    const identity = {
      subject,
      roles: (metadata[IDENTITY_HEADERS.userRoles] ?? '').split(',').filter(Boolean),
    };
    const reusable = tokens.reusable(identity, service);
    if (reusable !== undefined) {
      signed[IDENTITY_HEADERS.callerToken] = reusable;
      return signed;
    }
    return tokens.sign(identity, service).then((token) => {
      signed[IDENTITY_HEADERS.callerToken] = token;
      return signed;
    });
  }

  /** The next HTTP address (`host:port`) of a backend, for WebSocket relays. */
  httpAddress(service: string): string {
    const addresses = this.httpAddresses.get(service);
    if (!addresses) throw ToolkitError.unavailable(`${service} has no HTTP endpoint configured`);
    return addresses.pick();
  }

  /**
   * grpc.health.v1 of every backend name, each bounded by `healthTimeoutMs`: a name is SERVING
   * only when every one of its addresses is; otherwise the first other status, or `UNAVAILABLE`
   * when an address cannot be reached at all.
   */
  async health(): Promise<BackendHealth> {
    const entries = await Promise.all(
      [...this.options.grpcEndpoints.keys()].map(async (name) => {
        const statuses = await Promise.all(
          this.healthClientsOf(name)
            .all()
            .map((client) => this.checkOne(client)),
        );
        return [name, statuses.find((status) => status !== 'SERVING') ?? 'SERVING'] as const;
      }),
    );
    return Object.fromEntries(entries);
  }

  /** Closes every channel. */
  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
    this.targets.clear();
    this.healthClients.clear();
    this.replicas.clear();
  }

  private async checkOne(client: UnaryClient): Promise<string> {
    try {
      const response = await client.check(
        { service: '' },
        { timeoutMs: this.options.healthTimeoutMs },
      );
      const status = (response as { status?: unknown }).status;
      return typeof status === 'string' ? status : 'UNKNOWN';
    } catch (error) {
      return error instanceof ToolkitError && error.code !== GrpcStatus.UNAVAILABLE
        ? 'NOT_SERVING'
        : 'UNAVAILABLE';
    }
  }

  private target(target: ProxyTarget): ResolvedTarget {
    const key = `${target.service} ${target.method}`;
    let resolved = this.targets.get(key);
    if (resolved) return resolved;
    const backend = this.options.backends.find((descriptor) =>
      descriptor.methods.some((method) => method.grpcPath === target.method),
    );
    const method = backend?.methods.find((candidate) => candidate.grpcPath === target.method);
    if (!backend || !method) throw new Error(`no backend descriptor has ${target.method}`);
    const addresses = this.options.grpcEndpoints.get(target.service);
    if (!addresses) throw new Error(`${target.service} (for ${target.method}) has no endpoint`);
    resolved = {
      service: target.service,
      method,
      replicas: new RoundRobin(addresses.map((address) => this.replica(backend, address))),
    };
    this.targets.set(key, resolved);
    return resolved;
  }

  private healthClientsOf(name: string): RoundRobin<UnaryClient> {
    let clients = this.healthClients.get(name);
    if (!clients) {
      const addresses = this.options.grpcEndpoints.get(name) ?? [];
      clients = new RoundRobin(addresses.map((address) => this.client(HEALTH_DESCRIPTOR, address)));
      this.healthClients.set(name, clients);
    }
    return clients;
  }

  private replica(descriptor: ServiceDescriptor, address: string): Replica {
    const key = `${descriptor.fullName} ${address}`;
    let replica = this.replicas.get(key);
    if (!replica) {
      replica = { address, client: this.client(descriptor, address), unreachableUntil: 0 };
      this.replicas.set(key, replica);
    }
    return replica;
  }

  /**
   * The next replica in turn that is not known to be unreachable (its channel in
   * TRANSIENT_FAILURE, or it did not connect in time lately). Undefined when every replica was
   * tried or is unreachable.
   */
  private pickReplica(
    replicas: RoundRobin<Replica>,
    tried: ReadonlySet<Replica>,
  ): Replica | undefined {
    const now = Date.now();
    for (let index = 0; index < replicas.all().length; index += 1) {
      const replica = replicas.pick();
      if (tried.has(replica)) continue;
      const state = replica.client.getChannel().getConnectivityState(false);
      if (state === connectivityState.READY) return replica;
      if (state === connectivityState.TRANSIENT_FAILURE || state === connectivityState.SHUTDOWN) {
        continue;
      }
      if (replica.unreachableUntil <= now) return replica;
    }
    return undefined;
  }

  /**
   * Resolves true once the replica's channel is READY; false when it fails to connect or does not
   * connect within the connect timeout (then it is skipped for a reconnect backoff).
   */
  private connected(replica: Replica): Promise<boolean> {
    const channel = replica.client.getChannel();
    let state = channel.getConnectivityState(true);
    if (state === connectivityState.READY) return Promise.resolve(true);
    const connectTimeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const deadline = Date.now() + connectTimeoutMs;
    return new Promise((resolve) => {
      const watch = () => {
        channel.watchConnectivityState(state, deadline, (error?: Error) => {
          if (error) {
            replica.unreachableUntil =
              Date.now() + Math.max(this.options.maxReconnectBackoffMs, connectTimeoutMs);
            this.logger.warn(
              `${replica.address} did not connect within ${connectTimeoutMs}ms; trying other replicas`,
            );
            return resolve(false);
          }
          state = channel.getConnectivityState(false);
          if (state === connectivityState.READY) {
            replica.unreachableUntil = 0;
            return resolve(true);
          }
          if (
            state === connectivityState.TRANSIENT_FAILURE ||
            state === connectivityState.SHUTDOWN
          ) {
            return resolve(false);
          }
          watch();
        });
      };
      watch();
    });
  }

  private client(descriptor: ServiceDescriptor, address: string): UnaryClient {
    const key = `${descriptor.fullName} ${address}`;
    let client = this.clients.get(key);
    if (!client) {
      const host = address.replace(/^\[|\]?:\d+$/g, '');
      const named = isIP(host) === 0;
      client = createGrpcClient(descriptor, named ? `dns:///${address}` : address, {
        channelOptions: this.channelOptions(named),
      });
      this.clients.set(key, client as UnaryClient);
    }
    return client as UnaryClient;
  }

  private channelOptions(named: boolean): ChannelOptions {
    return {
      // A name may stand for several pods (a headless Service): balance over all of them.
      ...(named
        ? { 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }) }
        : {}),
      'grpc.keepalive_time_ms': this.options.keepaliveTimeMs,
      'grpc.keepalive_timeout_ms': this.options.keepaliveTimeoutMs,
      'grpc.initial_reconnect_backoff_ms': Math.min(200, this.options.maxReconnectBackoffMs),
      'grpc.max_reconnect_backoff_ms': this.options.maxReconnectBackoffMs,
    };
  }

  /** Keeps backend errors as they are, but does not leak backend addresses on UNAVAILABLE. */
  private backendError(service: string, error: unknown): unknown {
    if (!(error instanceof ToolkitError)) return error;
    if (error.code === GrpcStatus.UNAVAILABLE) {
      this.logger.warn(`${service} unavailable: ${error.message}`);
      return ToolkitError.unavailable(`${service} unavailable`, { cause: error });
    }
    if (error.code === GrpcStatus.DEADLINE_EXCEEDED) {
      return ToolkitError.deadlineExceeded(`${service} did not answer before the deadline`, {
        cause: error,
      });
    }
    return error;
  }
}
