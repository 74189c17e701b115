import type { IncomingHttpHeaders } from 'node:http';
import { ACCESS_TOKEN_PARAM, withQueryBearer } from '../auth/bearer-token';
import { GrpcStatus, httpErrorBody, HttpErrorBody, ToolkitError } from '../errors';
import { WEBSOCKET_UPGRADE, WebSocketUpgrade } from '../transport/websocket-upgrade';

/** Query parameter a browser may carry its bearer token in, as it cannot set socket headers. @publicApi */
export const UPGRADE_ACCESS_TOKEN_PARAM = ACCESS_TOKEN_PARAM;

/**
 * What guards and `@RequestMessage()` see of an upgrade: the parts of a Fastify request they read
 * (headers, ip, params, query, no body), plus the `WebSocketUpgrade` for `@SocketUpgrade()`.
 * @internal
 */
export interface UpgradeHttpRequest {
  method: 'GET';
  url: string;
  headers: IncomingHttpHeaders;
  ip: string;
  params: Readonly<Record<string, string>>;
  query: Record<string, string | string[]>;
  body: undefined;
  [WEBSOCKET_UPGRADE]: WebSocketUpgrade;
}

/**
 * Builds the stand-in request of an upgrade. A bearer token may come as the `Authorization`
 * header or, for browsers, as `?access_token=` (then it is not a query parameter of the message);
 * the header wins.
 * @internal
 */
export function upgradeHttpRequest(upgrade: WebSocketUpgrade): UpgradeHttpRequest {
  const { request } = upgrade;
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(request.query.keys())) {
    const values = request.query.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  const token = query[UPGRADE_ACCESS_TOKEN_PARAM];
  const headers = withQueryBearer(request.headers, typeof token === 'string' ? token : undefined);
  if (headers.authorization !== request.headers.authorization) {
    delete query[UPGRADE_ACCESS_TOKEN_PARAM];
  }
  return {
    method: 'GET',
    url: request.raw.url ?? request.path,
    headers,
    ip: request.raw.socket.remoteAddress ?? '',
    params: request.params,
    query,
    body: undefined,
    [WEBSOCKET_UPGRADE]: upgrade,
  };
}

/**
 * The reply guards write headers on (rate_limit's `RateLimit-*`); the headers are kept for the
 * refusal, as an upgrade has no Fastify reply.
 * @internal
 */
export class UpgradeReplyHeaders {
  readonly values: Record<string, string> = {};

  header(name: string, value: unknown): this {
    this.values[name.toLowerCase()] = String(value);
    return this;
  }

  headers(values: Readonly<Record<string, unknown>>): this {
    for (const [name, value] of Object.entries(values)) this.header(name, value);
    return this;
  }
}

/** Status, body and headers of a refused upgrade, as `sendHttpError` would answer on HTTP. @internal */
export function upgradeRefusal(
  error: ToolkitError,
  replyHeaders: Readonly<Record<string, string>>,
): { status: number; body: HttpErrorBody; headers: Record<string, string> } {
  const body = httpErrorBody(error);
  const headers: Record<string, string> = { ...replyHeaders };
  for (const [name, value] of Object.entries(error.headers)) headers[name.toLowerCase()] = value;
  if (error.code === GrpcStatus.UNAUTHENTICATED) headers['www-authenticate'] ??= 'Bearer';
  return { status: body.code, body, headers };
}
