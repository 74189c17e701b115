import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import pino, { Logger } from 'pino';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * What every baseline shares so that it pays the same observability bill as the project:
 * one pino JSON line per request at info to stdout (the bench points stdout at a file), and a
 * prom-client counter + histogram per request on its own registry with the default metrics.
 */

/** Lowercase or uppercase RFC 4122 text form, as the project's `uuid` rule accepts. */
export const UUID_PATTERN =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The logger a hand-written service would use: same pino options as the project. */
export function createAccessLogger(name: string): Logger {
  return pino({
    level: 'info',
    name,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** Request count and latency, as a hand-written service would export them. */
export class BaselineMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'rpc' | 'code'>;
  private readonly duration: Histogram<'rpc'>;

  constructor(serviceName: string) {
    this.registry.setDefaultLabels({ service: serviceName });
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'requests_total',
      help: 'Requests served',
      labelNames: ['rpc', 'code'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'request_duration_seconds',
      help: 'Request latency',
      labelNames: ['rpc'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  observe(rpc: string, code: string, seconds: number): void {
    this.requests.inc({ rpc, code });
    this.duration.observe({ rpc }, seconds);
  }
}

const STARTED = Symbol('started');

/** A Fastify baseline's request, with what `observeRequests` attaches to it. */
export type TimedRequest = FastifyRequest & { [STARTED]?: bigint; requestId?: string };

/**
 * The request plumbing every Fastify baseline has, as the project's `request_id` and `logging`
 * middlewares do: the request id (the client's `x-request-id`, else a new UUID) echoed on every
 * answer, and with `observed` one metrics observation and one access-log line per response.
 */
export function observeRequests(
  app: FastifyInstance,
  observed?: { metrics: BaselineMetrics; logger: Logger },
): void {
  app.addHook('onRequest', (request: TimedRequest, reply, done) => {
    request[STARTED] = process.hrtime.bigint();
    const incoming = request.headers['x-request-id'];
    request.requestId = typeof incoming === 'string' && incoming !== '' ? incoming : randomUUID();
    reply.header('x-request-id', request.requestId);
    done();
  });
  if (!observed) return;
  const { metrics, logger } = observed;
  app.addHook('onResponse', (request: TimedRequest, reply, done) => {
    const seconds = Number(process.hrtime.bigint() - (request[STARTED] ?? 0n)) / 1e9;
    metrics.observe(request.routeOptions.url ?? 'unmatched', String(reply.statusCode), seconds);
    logger.info(
      {
        request_id: request.requestId,
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        duration_ms: Math.round(seconds * 1e6) / 1e3,
      },
      'request completed',
    );
    done();
  });
}

/** A users row as pg returns it. */
export interface UserRow {
  id: string;
  name: string;
  email: string;
  created_at: Date;
  updated_at: Date;
}

/** The cached form (the project caches the entity as JSON too). */
export interface CachedUser {
  id: string;
  name: string;
  email: string;
  createdAt: string;
  updatedAt: string;
}

/** google.protobuf.Timestamp as proto-loader carries it (`longs: String`). */
export interface TimestampMessage {
  seconds: string;
  nanos: number;
}

/** `GetUserResponse.user` in proto-loader form (what the gRPC baseline returns). */
export interface UserMessage {
  user_id: string;
  name: string;
  email: string;
  created_at: TimestampMessage;
  updated_at: TimestampMessage;
}

export function cachedFromRow(row: UserRow): CachedUser {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function timestampOf(iso: string): TimestampMessage {
  const millis = Date.parse(iso);
  const seconds = Math.floor(millis / 1000);
  return { seconds: String(seconds), nanos: (millis - seconds * 1000) * 1_000_000 };
}

/** RFC 3339 in UTC with as many fraction digits as needed (0, 3, 6 or 9), as protojson writes. */
export function rfc3339(timestamp: TimestampMessage): string {
  const seconds = Number(timestamp.seconds);
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  const nanos = timestamp.nanos;
  if (nanos === 0) return `${base}Z`;
  const digits = String(nanos).padStart(9, '0');
  const fraction =
    nanos % 1_000_000 === 0 ? digits.slice(0, 3) : nanos % 1000 === 0 ? digits.slice(0, 6) : digits;
  return `${base}.${fraction}Z`;
}

/**
 * `BENCH_OBSERVABILITY=off` runs a baseline bare: no access-log line, no metrics (the "plain"
 * comparison point); anything else (the default) pays the same observability bill as the project.
 */
export function observabilityOn(): boolean {
  return process.env.BENCH_OBSERVABILITY !== 'off';
}

/** An integer environment variable, or the fallback. */
export function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? fallback : Number.parseInt(raw, 10);
}

/** A required environment variable. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

/** Exits cleanly on SIGTERM/SIGINT after `close` (the bench stops servers this way). */
export function stopOnSignal(close: () => Promise<void>): void {
  const stop = (): void => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
