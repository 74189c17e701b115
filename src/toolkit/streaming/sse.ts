import type { HttpErrorBody } from '../errors';
import type { ServerStreamFraming } from './stream-framing';

/**
 * Server-sent events: one `data:` event per message; an error ends the stream as one
 * `event: error` event whose data is the toolkit's HTTP error body.
 * @internal
 */
export const SSE_FRAMING: ServerStreamFraming = {
  contentType: 'text/event-stream; charset=utf-8',
  message: (json: string) => `data: ${json}\n\n`,
  error: (body: HttpErrorBody) => `event: error\ndata: ${JSON.stringify(body)}\n\n`,
};
