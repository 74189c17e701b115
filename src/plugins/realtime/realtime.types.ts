import type {
  RealtimeConnection,
  RealtimeFrame,
  UpgradeHost,
} from '../../toolkit/transport/websocket';

// The connection, frame and upgrade types belong to the toolkit's WebSocket transport (its
// `@SocketUpgrade()` hands them to controllers); services keep importing them from here.
export type {
  FrameHandler,
  RealtimeConnection,
  RealtimeFrame,
  UpgradeAcceptance,
  UpgradeDecision,
  UpgradeHandler,
  UpgradeRejection,
  UpgradeRequest,
} from '../../toolkit/transport/websocket';

/**
 * The realtime plugin instance (kind `centrifuge`): a WebSocket hub on the service's HTTP port
 * with channels whose messages reach every subscriber on every instance; the toolkit's upgrade
 * host for the service's `(toolkit.route).websocket` methods. The origin check, the connection
 * limit and shutdown are enforced before an upgrade route's handler is called. Inject with `InjectRealtime(prefix)`.
 * @publicApi
 */
export interface RealtimePlugin extends UpgradeHost {
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
   * The frames published to `channel` from now on (by any instance, in publish order), as an
   * async iterable: for server-streaming rpcs. At most `options.limit` (default 1000) frames wait
   * unread; a reader further behind gets RESOURCE_EXHAUSTED. `return()` or aborting
   * `options.signal` (which the stream then throws) leaves the channel. Every stream of the
   * channel on this instance gets the same frame object, deeply frozen (`deepFreeze`).
   */
  stream(
    channel: string,
    options?: { limit?: number; signal?: AbortSignal },
  ): AsyncIterable<Readonly<RealtimeFrame>>;
  /** Open connections on this instance. */
  connectionCount(): number;
  /** Connections and streams subscribed to `channel` on this instance. */
  subscriberCount(channel: string): number;
}
