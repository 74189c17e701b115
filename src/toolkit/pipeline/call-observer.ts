import type { Logger as PinoLogger } from 'pino';
import type { MethodDescriptor } from '../descriptor';
import type { ToolkitMetrics } from '../runtime/toolkit-metrics';
import type { OpenStreams } from './open-streams';

/** The per-call switches of an app's pipeline. @internal */
export interface PipelineOptions {
  metrics?: ToolkitMetrics;
  /** Set when the `logging` middleware is on: one line per call. */
  accessLog?: PinoLogger;
  /** Set when the `request_id` middleware is on: the id goes back in headers / metadata. */
  echoRequestId: boolean;
  requestTimeoutMs: number;
  /** Bound of a streaming call when the client set no shorter deadline; 0: none. */
  streamTimeoutMs: number;
  /** The app's open streams, ended at shutdown. */
  streams: OpenStreams;
  /** The app's logger, for `CallContext.log`. */
  logger: PinoLogger;
}

/**
 * The app's own bound of one call, in ms (Infinity: none): the request timeout for unary calls;
 * for streams the stream timeout, unset by default, because a subscription is meant to stay open
 * for as long as its client wants (the client's own deadline still applies).
 * @internal
 */
export function callTimeoutMs(
  method: MethodDescriptor,
  options: Pick<PipelineOptions, 'requestTimeoutMs' | 'streamTimeoutMs'>,
): number {
  if (!method.serverStreaming && !method.clientStreaming) return options.requestTimeoutMs;
  return options.streamTimeoutMs > 0 ? options.streamTimeoutMs : Infinity;
}

/** Seconds since `startedAt` (from `process.hrtime.bigint()`). @internal */
export function secondsSince(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e9;
}

/** Milliseconds, three decimals, for access-log lines. @internal */
export function durationMs(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e3;
}
