import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ToolkitLogger } from '../runtime/toolkit-logger';
import WebSocket, { WebSocketServer } from 'ws';
import { CallerIdentity } from '../auth/caller-identity';
import { DescriptorRegistry, MethodDescriptor, ServiceDescriptor } from '../descriptor';
import { watchToken } from '../auth/caller-authenticator';
import { httpErrorBody, toToolkitError, ToolkitError } from '../errors';
import type { WebSocketMetrics } from '../metrics';
import { RouteMiddlewaresGuard } from '../middlewares/route-middlewares.guard';
import { acceptRequestId, REQUEST_ID_HEADER } from '../runtime/request-context';
import { OriginAllowList, originAllowList } from '../transport/origin-allow-list';
import {
  compileUpgradeRoute,
  rejectUpgrade,
  UpgradeDispatcher,
  UpgradeRequest,
  UpgradeTarget,
} from '../transport/websocket';
import { BackendPool } from './backend-pool';
import { EventSocket } from './event-socket';
import { forwardedMetadata } from './forwarded-metadata';
import { ACCESS_TOKEN_PARAM, SocketAuthorizer, SocketRequest } from './socket-authorizer';
import { holdToToken, keepAlive } from './socket-policy';
import { backendSocketPath, relaySocket, UpstreamRefusal } from './socket-relay';

/** Settings of a gateway's sockets. @publicApi */
export interface ProxySocketOptions {
  /**
   * Request field bound to the verified caller on sockets (relay query and event frames), so a
   * caller can only act as themselves; e.g. `user_id`. Unset: nothing is bound.
   */
  subjectField?: string;
  /** Backend handshake timeout, ms. */
  handshakeTimeoutMs: number;
  /** Deadline of each event-socket call, ms. */
  requestTimeoutMs: number;
  /** Largest accepted client frame, bytes (larger: close 1009). */
  maxPayload: number;
  /** Open (and opening) sockets the gateway accepts; past it upgrades get 503. */
  maxConnections: number;
  /** `Origin`s allowed to open a socket (`*`: any; compared case-insensitively, without a trailing slash); an upgrade without `Origin` passes. */
  allowedOrigins: readonly string[];
  /** Per socket and direction: bytes queued for a slow reader before its source is paused. */
  maxBufferedBytes: number;
  /** How long a reader may stay over `maxBufferedBytes` before the socket closes with 1013. */
  stallTimeoutMs: number;
  /** Ping interval (unanswered for a whole interval: dropped); 0 disables pings. */
  pingIntervalMs: number;
  /** Close 1001 after this long without a data frame; 0 disables it. */
  idleTimeoutMs: number;
  /** How often an open socket's token is re-read from the deny-list (revoked: close 1008). */
  tokenRecheckIntervalMs: number;
}

/** A socket the gateway accepted, and how to end it (a relay closes both of its sockets). */
interface Accepted {
  client: WebSocket;
  /** Sockets whose data frames count as activity (the client, and a relay's backend socket). */
  sources: readonly WebSocket[];
  request: SocketRequest;
  close(code: number, reason: string): void;
}

/**
 * The WebSocket side of a gateway, from its descriptor, on the app's HTTP server (through the
 * shared upgrade dispatcher, so it coexists with realtime hubs):
 * - a `websocket_proxy` method WITH an HTTP binding relays its socket to the backend method's own
 *   socket (which must be `websocket: true`), on the backend's HTTP address;
 * - a `websocket: true` method of the gateway is its event socket, where a `{type, payload}` frame
 *   whose type names a `websocket_proxy` method WITHOUT an HTTP binding is a backend gRPC call.
 * Every upgrade is checked first: shutting down or at `maxConnections` 503, an `Origin` not
 * allowed 403, then the method's middleware chain (401/403/429 answered as HTTP). An accepted
 * socket is pinged, closed when idle, held to its token (1008 at expiry or within
 * `tokenRecheckIntervalMs` of a revocation), and bounded both ways (see `relaySocket`).
 * @publicApi
 */
export class ProxySockets {
  private readonly logger: ToolkitLogger;
  private readonly server: WebSocketServer;
  private readonly authorizer: SocketAuthorizer;
  private readonly origins: OriginAllowList;
  private readonly registered: { dispatcher: UpgradeDispatcher; target: UpgradeTarget }[] = [];
  private readonly sockets = new Set<WebSocket>();
  /** Upgrades past the gate and not yet open: they count against the connection cap. */
  private opening = 0;
  private shuttingDown = false;

  constructor(
    private readonly descriptor: ServiceDescriptor,
    private readonly pool: BackendPool,
    /** The gateway's message and enum types. */
    private readonly types: DescriptorRegistry,
    guard: RouteMiddlewaresGuard,
    private readonly options: ProxySocketOptions,
    /** The app's logger. */
    logger: ToolkitLogger,
    private readonly metrics?: WebSocketMetrics,
  ) {
    this.logger = logger.forContext('ProxySockets');
    this.server = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload });
    this.authorizer = new SocketAuthorizer(descriptor, guard);
    this.origins = originAllowList(options.allowedOrigins);
    metrics?.watchConnections(() => this.sockets.size);
  }

  /** Relayed methods: `websocket_proxy` with an HTTP binding. */
  relayMethods(): MethodDescriptor[] {
    return this.descriptor.methods.filter((method) => method.websocketProxy && method.http);
  }

  /** Methods callable by frames: `websocket_proxy` without an HTTP binding. */
  frameMethods(): MethodDescriptor[] {
    return this.descriptor.methods.filter((method) => method.websocketProxy && !method.http);
  }

  /** Registers the upgrade routes on `server`. */
  install(server: Server): void {
    const dispatcher = UpgradeDispatcher.of(server);
    for (const method of this.relayMethods()) {
      backendSocketPath(this.pool.backendMethod(method.websocketProxy!), pathProbe(method));
      this.register(dispatcher, method, (request, socket, head) =>
        this.relay(method, request, socket, head),
      );
    }
    const frameMethods = this.frameMethods();
    for (const method of this.descriptor.methods) {
      if (!method.websocket || !method.http) continue;
      this.register(dispatcher, method, (request, socket, head) =>
        this.events(method, frameMethods, request, socket, head),
      );
    }
  }

  /** Stops accepting and closes every socket with 1001 (going away). */
  close(): void {
    this.shuttingDown = true;
    for (const { dispatcher, target } of this.registered) dispatcher.remove(target);
    for (const socket of this.sockets) socket.close(1001, 'server shutting down');
    this.server.close();
  }

  private register(
    dispatcher: UpgradeDispatcher,
    method: MethodDescriptor,
    serve: (request: UpgradeRequest, socket: Duplex, head: Buffer) => Promise<Accepted>,
  ): void {
    const target: UpgradeTarget = {
      template: compileUpgradeRoute(method.http!.path),
      serve: async (request, socket, head) => {
        const refusal = this.gate(request);
        if (refusal !== undefined) {
          this.refuse(socket, refusal);
          return;
        }
        this.opening += 1;
        try {
          const accepted = await serve(request, socket, head);
          this.watch(accepted);
        } catch (error) {
          this.refuse(socket, error);
        } finally {
          this.opening -= 1;
        }
      },
    };
    dispatcher.add(target);
    this.registered.push({ dispatcher, target });
  }

  /** Why an upgrade is refused before any guard runs, if it is. */
  private gate(request: UpgradeRequest): ToolkitError | undefined {
    if (this.shuttingDown) return ToolkitError.unavailable('shutting down');
    if (this.sockets.size + this.opening >= this.options.maxConnections) {
      return ToolkitError.unavailable('too many WebSocket connections', {
        headers: { 'retry-after': '1' },
      });
    }
    const origin = request.headers.origin;
    // No `Origin`: not a browser, so nothing for the allow-list to protect.
    if (origin !== undefined && !this.origins.allows(origin)) {
      return ToolkitError.permissionDenied(`origin ${origin} is not allowed`);
    }
    return undefined;
  }

  /** Liveness and token checks of an accepted socket, until it closes. */
  private watch({ client, sources, request, close }: Accepted): void {
    this.sockets.add(client);
    client.once('close', () => this.sockets.delete(client));
    const metrics = this.metrics;
    if (metrics) client.on('message', () => metrics.frameReceived());
    const activity = keepAlive(client, this.options);
    for (const source of sources) source.on('message', activity.touch);
    void watchToken(request).then((watch) => {
      if (watch === undefined || client.readyState !== WebSocket.OPEN) return;
      holdToToken(close, client, watch, this.options.tokenRecheckIntervalMs, this.logger);
    });
  }

  private async relay(
    method: MethodDescriptor,
    request: UpgradeRequest,
    socket: Duplex,
    head: Buffer,
  ): Promise<Accepted> {
    const { socketRequest, identity, requestId } = await this.admit(method, request);
    const target = method.websocketProxy!;
    const query = new URLSearchParams(request.query);
    query.delete(ACCESS_TOKEN_PARAM);
    if (this.options.subjectField && identity)
      query.set(this.options.subjectField, identity.subject);
    const path = backendSocketPath(this.pool.backendMethod(target), request.params);
    const search = query.toString();
    const relay = await relaySocket(
      this.server,
      request.raw,
      socket,
      head,
      {
        url: `ws://${this.pool.httpAddress(target.service)}${path}${search ? `?${search}` : ''}`,
        headers: {
          ...(await this.pool.withCallerToken(
            target.service,
            forwardedMetadata({ headers: request.headers, ip: socketRequest.ip, identity }),
          )),
          [REQUEST_ID_HEADER]: requestId,
        },
        handshakeTimeoutMs: this.options.handshakeTimeoutMs,
        service: target.service,
      },
      {
        maxBufferedBytes: this.options.maxBufferedBytes,
        stallTimeoutMs: this.options.stallTimeoutMs,
        // Each client frame goes through the method's chain again: the rate limit counts it
        // against the caller's budget, exactly like a request (token checks reuse the upgrade's).
        admitFrame: () => this.authorizer.authorize(method, socketRequest).then(() => undefined),
        onStalled: () => this.metrics?.slowConsumerDropped(),
        onFrameSent: () => this.metrics?.frameSent(),
      },
    );
    // Frames from the backend count as activity too: a listening client is not idle.
    return {
      client: relay.client,
      sources: [relay.client, relay.upstream],
      request: socketRequest,
      close: relay.close,
    };
  }

  private async events(
    method: MethodDescriptor,
    frameMethods: readonly MethodDescriptor[],
    request: UpgradeRequest,
    socket: Duplex,
    head: Buffer,
  ): Promise<Accepted> {
    const { socketRequest, identity } = await this.admit(method, request);
    const client = await new Promise<WebSocket>((resolve) =>
      this.server.handleUpgrade(request.raw, socket, head, resolve),
    );
    new EventSocket(client, {
      pool: this.pool,
      authorizer: this.authorizer,
      request: socketRequest,
      identity,
      methods: frameMethods,
      types: this.types,
      subjectField: this.options.subjectField,
      requestTimeoutMs: this.options.requestTimeoutMs,
      bound: this.options,
      logger: this.logger,
      metrics: this.metrics,
    }).start(method, randomUUID());
    return {
      client,
      sources: [client],
      request: socketRequest,
      close: (code, reason) => client.close(code, reason),
    };
  }

  private async admit(
    method: MethodDescriptor,
    request: UpgradeRequest,
  ): Promise<{ socketRequest: SocketRequest; identity?: CallerIdentity; requestId: string }> {
    const socketRequest = SocketAuthorizer.request(
      request.headers,
      request.query,
      request.raw.socket.remoteAddress ?? '',
    );
    const identity = await this.authorizer.authorize(method, socketRequest);
    return {
      socketRequest,
      identity,
      requestId: acceptRequestId(request.headers[REQUEST_ID_HEADER]),
    };
  }

  private refuse(socket: Duplex, error: unknown): void {
    if (error instanceof UpstreamRefusal) {
      rejectUpgrade(socket, error.status, error.body);
      return;
    }
    const { error: toolkitError, unexpected } = toToolkitError(error);
    if (unexpected)
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    const body = httpErrorBody(toolkitError);
    const headers = { ...toolkitError.headers };
    if (body.code === 401 && headers['www-authenticate'] === undefined)
      headers['www-authenticate'] = 'Bearer';
    rejectUpgrade(socket, body.code, body, headers);
  }
}

/** Placeholder values for each path parameter, to check at start-up that the backend path can be filled. */
function pathProbe(method: MethodDescriptor): Record<string, string> {
  return Object.fromEntries((method.http?.pathParams ?? []).map((field) => [field, 'x']));
}
