import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/**
 * Every WebSocket frame, both directions, is one JSON text message `{"type": ..., "payload": ...}`.
 * @publicApi
 */
export interface RealtimeFrame<P = unknown> {
  type: string;
  payload: P;
}

/** Handles one incoming frame type on one connection; a thrown error becomes an error frame. @publicApi */
export type FrameHandler = (
  payload: unknown,
  connection: RealtimeConnection,
) => void | Promise<void>;

/**
 * One accepted WebSocket client. Connections are created by the hub after an upgrade route
 * accepted the request; they are never constructed by callers.
 * @publicApi
 */
export interface RealtimeConnection {
  /** Random UUID, unique across instances. */
  readonly id: string;
  /** The upgrade request as the route matched it. */
  readonly request: UpgradeRequest;
  /** Whatever the upgrade handler put in `accept.context` (e.g. the validated join request). */
  readonly context: unknown;
  /** Channels this connection is subscribed to on this instance. */
  readonly channels: ReadonlySet<string>;
  /** `false` once the connection is closing or closed. */
  readonly open: boolean;
  /**
   * Sends one frame to this connection only. Returns `false` when nothing was sent: the
   * connection is closed, or it was just closed because its send buffer is over the limit.
   */
  send(frame: RealtimeFrame): boolean;
  /**
   * Handles incoming frames of `type`. Frames are dispatched one at a time per connection, in
   * arrival order, and only after `onConnection` resolved, so handlers registered there see
   * every frame. Registering a type twice replaces the handler.
   */
  onFrame(type: string, handler: FrameHandler): void;
  /** Closes with a WebSocket close code (default 1000). */
  close(code?: number, reason?: string): void;
  /**
   * Calls `listener` once the socket is closed, whoever closed it (at once if it already is):
   * where per-connection state kept elsewhere (presence, counters) is released.
   */
  onClosed(listener: () => void): void;
}

/** An upgrade request after routing: what an upgrade handler decides on. @publicApi */
export interface UpgradeRequest {
  /** The route as registered, e.g. `/chat/rooms/{room_id}/join`. */
  route: string;
  /** URL path as sent (percent-encoded), e.g. `/chat/rooms/7b1.../join`. */
  path: string;
  /** Path parameters by name, decoded, e.g. `{ room_id: '7b1...' }`. */
  params: Readonly<Record<string, string>>;
  /** Query string parameters; repeated keys keep every value. */
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw Node request (no body: upgrade requests are GETs). */
  raw: IncomingMessage;
}

/** Refuses the upgrade: answered as plain HTTP with a JSON body, no WebSocket is opened. @publicApi */
export interface UpgradeRejection {
  accept: false;
  /** HTTP status, e.g. 400 (bad request message), 401, 403 (not allowed), 404 (unknown resource). */
  status: number;
  /** Serialised as JSON. */
  body: unknown;
  headers?: Readonly<Record<string, string>>;
}

/** Accepts the upgrade. @publicApi */
export interface UpgradeAcceptance {
  accept: true;
  /** Stored as `connection.context`. */
  context?: unknown;
  /**
   * Runs once the WebSocket is open: subscribe to channels, register frame handlers, send the
   * first frame. If it rejects, the client gets an error frame and the connection is closed
   * with 1011.
   */
  onConnection?: (connection: RealtimeConnection) => void | Promise<void>;
}

/** @publicApi */
export type UpgradeDecision = UpgradeAcceptance | UpgradeRejection;

/**
 * Decides on an upgrade request BEFORE the WebSocket handshake; a thrown error is answered 500.
 * @publicApi
 */
export type UpgradeHandler = (request: UpgradeRequest) => Promise<UpgradeDecision>;

/**
 * The realtime plugin instance (kind `centrifuge`): a WebSocket hub on the service's HTTP port
 * with channels whose messages reach every subscriber on every instance.
 * Inject with `InjectRealtime(prefix)`.
 * @publicApi
 */
export interface RealtimePlugin {
  /**
   * Fans `frame` out to every connection subscribed to `channel`, on every instance. All
   * instances receive a channel's frames in the same order (the order Redis received them).
   * Resolves once the fan-out backend took the frame; rejects with `RealtimeUnavailableError`
   * when it cannot (Redis unreachable) — then no connection, local or remote, receives it.
   */
  publish(channel: string, frame: RealtimeFrame): Promise<void>;
  /** Adds a connection to a channel on this instance; idempotent. */
  subscribe(connection: RealtimeConnection, channel: string): void;
  /** Removes a connection from a channel; closing a connection removes it from all of them. */
  unsubscribe(connection: RealtimeConnection, channel: string): void;
  /**
   * Serves WebSocket upgrades on `route`, a path template with `{name}` segments
   * (`/chat/rooms/{room_id}/join`). The origin check, the connection limit and shutdown are
   * enforced before `handler` is called. Throws if the route is already registered on the
   * HTTP server (by this or another realtime instance).
   */
  registerUpgradeRoute(route: string, handler: UpgradeHandler): void;
  /**
   * The frames published to `channel` from now on (by any instance, in publish order), as an
   * async iterable: for server-streaming rpcs. At most `options.limit` (default 1000) frames wait
   * unread; a reader further behind gets RESOURCE_EXHAUSTED. `return()` or aborting
   * `options.signal` (which the stream then throws) leaves the channel.
   */
  stream(
    channel: string,
    options?: { limit?: number; signal?: AbortSignal },
  ): AsyncIterable<RealtimeFrame>;
  /** Open connections on this instance. */
  connectionCount(): number;
  /** Connections and streams subscribed to `channel` on this instance. */
  subscriberCount(channel: string): number;
}
