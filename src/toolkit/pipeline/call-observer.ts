import type { Logger as PinoLogger } from 'pino';
import type { ToolkitMetrics } from '../runtime/toolkit-metrics';

/** The per-call switches of an app's pipeline. @internal */
export interface PipelineOptions {
  metrics?: ToolkitMetrics;
  /** Set when the `logging` middleware is on: one line per call. */
  accessLog?: PinoLogger;
  /** Set when the `request_id` middleware is on: the id goes back in headers / metadata. */
  echoRequestId: boolean;
  requestTimeoutMs: number;
  /** The app's logger, for `CallContext.log`. */
  logger: PinoLogger;
}

/** Seconds since `startedAt` (from `process.hrtime.bigint()`). @internal */
export function secondsSince(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e9;
}

/** Milliseconds, three decimals, for access-log lines. @internal */
export function durationMs(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e3;
}
