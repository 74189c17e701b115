import type { HttpErrorBody } from '../errors';

/**
 * How a server stream's messages and its final error are written on an HTTP response. Messages
 * arrive already encoded as protojson text (one line: JSON.stringify never emits a newline).
 * @internal
 */
export interface ServerStreamFraming {
  readonly contentType: string;
  message(json: string): string;
  error(body: HttpErrorBody): string;
}
