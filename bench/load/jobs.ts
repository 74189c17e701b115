/** What the orchestrator asks the load generator process to do (JSON on argv[2]). */
export type LoadJob = HttpGetJob | HttpCreateJob | GrpcGetJob | WebSocketFanOutJob;

interface TimedJob {
  /** Closed-loop concurrency: HTTP connections, or gRPC calls in flight on one channel. */
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

/** `userservice.UserService/GetUser` with a random seeded id per call. */
export interface GrpcGetJob extends TimedJob {
  kind: 'grpc-get';
  target: string;
  ids: string[];
}

/** `sockets` sockets join one chat room; `connections` senders post messages to it. */
export interface WebSocketFanOutJob extends TimedJob {
  kind: 'ws-fanout';
  baseUrl: string;
  sockets: number;
}

/** One measured run. Latencies in milliseconds; `rps` counts 2xx/OK answers only. */
export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  /** ws-fanout: messages received by all sockets per second. */
  deliveriesPerSecond?: number;
}
