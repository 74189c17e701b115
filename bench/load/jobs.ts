/** What the orchestrator asks the load generator process to do (JSON on argv[2]). */
export type LoadJob =
  HttpGetJob | HttpCreateJob | GrpcGetJob | WebSocketFanOutJob | GrpcStreamFanOutJob;

/** Lines the generator prints on stdout around the measured part of a job (after warm-up). */
export const MEASURE_START = 'MEASURE_START';
export const MEASURE_END = 'MEASURE_END';

interface TimedJob {
  /** Closed-loop concurrency: HTTP connections, or gRPC calls in flight on one connection. */
  connections: number;
  durationSeconds: number;
  /** Same load, not measured, right before the measured run. */
  warmupSeconds: number;
}

/** GET `<baseUrl><pathPrefix><id>` with a random seeded id per request. */
export interface HttpGetJob extends TimedJob {
  kind: 'http-get';
  baseUrl: string;
  pathPrefix: string;
  ids: string[];
  headers?: Record<string, string>;
}

/** POST `<baseUrl>/users` with a fresh unique email per request. */
export interface HttpCreateJob extends TimedJob {
  kind: 'http-create';
  baseUrl: string;
}

/**
 * `userservice.UserService/GetUser` with a random seeded id per call. `client: 'h2'` (default)
 * speaks gRPC over one raw node:http2 session with pre-serialized requests and does not decode
 * the answers (reads grpc-status only), so the server, not the client, is what saturates;
 * `'grpc-js'` uses a @grpc/grpc-js client channel.
 */
export interface GrpcGetJob extends TimedJob {
  kind: 'grpc-get';
  target: string;
  ids: string[];
  client?: 'h2' | 'grpc-js';
}

/** Who the generator acts as towards chat-service: internal caller tokens it signs itself. */
export interface CallerTokenSigning {
  /** `<PREFIX>_INTERNAL_AUTH_SECRET` of the chat servers. */
  secret: string;
  /** `aud` the server accepts. */
  audience: string;
}

/** `sockets` sockets join one chat room; `connections` senders post messages to it. */
export interface WebSocketFanOutJob extends TimedJob {
  kind: 'ws-fanout';
  baseUrl: string;
  sockets: number;
  callers: CallerTokenSigning;
}

/**
 * The members in `subscriptions` open the server stream `grpcPath` on `grpcTarget` (request
 * `{room_id, user_id}` serialized by the orchestrator per member), then messages reach the room:
 * without `pushChannel`, `connections` senders (the room's creator) POST them to
 * `<httpBase>/chat/rooms/<room>/messages`; with it, the generator PUBLISHes chat frames on that
 * Redis channel itself (as any instance's POST would), keeping at most `connections` messages
 * per subscriber in flight, so that only the streaming side is measured.
 * Messages delivered on all streams are counted (gRPC frames, not decoded) during the measured part.
 */
export interface GrpcStreamFanOutJob extends TimedJob {
  kind: 'grpc-stream-fanout';
  httpBase: string;
  grpcTarget: string;
  grpcPath: string;
  roomId: string;
  sender: string;
  /** One per subscriber: its user id and its serialized request message (base64). */
  subscriptions: { userId: string; request: string }[];
  callers: CallerTokenSigning;
  pushChannel?: string;
}

/** One measured run. Latencies in milliseconds; `rps` counts 2xx/OK answers only. */
export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Successful answers (or, for the stream fan-out, deliveries) in the measured part. */
  ok: number;
  errors: number;
  /** ws-fanout and grpc-stream-fanout: messages received by all subscribers per second. */
  deliveriesPerSecond?: number;
}
