import type { HttpErrorBody } from '../errors';
import type { ServerStreamFraming } from './stream-framing';

/**
 * Newline-delimited JSON in grpc-gateway's shape: `{"result": <message>}` per line, an error as
 * one `{"error": <toolkit error body>}` line. Wrapping each message keeps a message that happens to
 * have an `error` field from reading as the end of the stream.
 * @internal
 */
export const NDJSON_FRAMING: ServerStreamFraming = {
  contentType: 'application/x-ndjson; charset=utf-8',
  message: (json: string) => `{"result":${json}}\n`,
  error: (body: HttpErrorBody) => `${JSON.stringify({ error: body })}\n`,
};
