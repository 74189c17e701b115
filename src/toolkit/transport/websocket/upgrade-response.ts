import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { httpErrorBody, ToolkitError } from '../../errors';

/**
 * Answers an upgrade request with a plain HTTP response and closes the socket: the client sees
 * an ordinary HTTP error, no WebSocket is ever opened.
 * @publicApi
 */
export function rejectUpgrade(
  socket: Duplex,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(text)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
}

/**
 * Refuses an upgrade with the toolkit's HTTP error (`{code: <http status>, status, message,
 * details}`, the status mapped from the gRPC code), like every other error the service sends.
 * @publicApi
 */
export function rejectUpgradeWithError(socket: Duplex, error: ToolkitError): void {
  const body = httpErrorBody(error);
  rejectUpgrade(socket, body.code, body, error.headers);
}
