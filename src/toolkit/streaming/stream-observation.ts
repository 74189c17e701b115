import { grpcCodeName, ToolkitError } from '../errors';
import type { ToolkitMetrics } from '../runtime/toolkit-metrics';

/** How one stream ended, as metrics and the access log count it. @internal */
export interface StreamSummary {
  messagesOut: number;
  error?: ToolkitError;
}

/** The gRPC code name a stream ended with: `OK`, or its error's. */
function streamCode(summary: StreamSummary): string {
  return summary.error ? grpcCodeName(summary.error.code) : 'OK';
}

/**
 * Counts one finished stream's messages (`messagesIn`: 1 for a server stream's request); the
 * stream itself counts as one request in the request metrics.
 * @internal
 */
export function observeStream(
  options: { metrics?: ToolkitMetrics },
  transport: 'http' | 'grpc' | 'websocket',
  rpc: string,
  messagesIn: number,
  summary: StreamSummary,
): void {
  options.metrics?.observeStreamMessages(transport, rpc, messagesIn, summary.messagesOut);
}

/** The access log's fields for a stream: one line per stream, with its message counts. @internal */
export function streamLogFields(
  messagesIn: number,
  summary: StreamSummary,
): Record<string, unknown> {
  return {
    messages_in: messagesIn,
    messages_out: summary.messagesOut,
    stream_status: streamCode(summary),
  };
}
