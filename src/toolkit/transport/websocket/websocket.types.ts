import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type WebSocket from 'ws';

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
 * One accepted WebSocket client. Connections are created by the upgrade host (the realtime
 * plugin's hub) after an upgrade route accepted the request; they are never constructed by
 * callers.
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
  /**
   * Takes the open WebSocket itself instead of a `RealtimeConnection` (no frame envelope, no
   * channels): how the toolkit serves client- and bidi-streaming rpcs. Set at most one of
   * `onConnection` and `onSocket`; the socket is the caller's to close, the host closes it only
   * at its own shutdown.
   */
  onSocket?: (socket: WebSocket) => void;
}

/** @publicApi */
export type UpgradeDecision = UpgradeAcceptance | UpgradeRejection;

/**
 * Decides on an upgrade request BEFORE the WebSocket handshake; a thrown error is answered 500.
 * @publicApi
 */
export type UpgradeHandler = (request: UpgradeRequest) => Promise<UpgradeDecision>;
