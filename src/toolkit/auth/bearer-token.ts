/** RFC 6750 §2.1 `b64token`, which every compact JWS satisfies. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The token of an `Authorization: Bearer <token>` value; `null` when the header is present but is
 * not a well-formed bearer credential, undefined when there is no header at all.
 * @publicApi
 */
export function extractBearerToken(header: string | undefined): string | null | undefined {
  if (header === undefined || header.length === 0) return undefined;
  const match = BEARER.exec(header);
  return match === null ? null : match[1];
}

/** Query parameter a browser may carry its bearer token in, as it cannot set headers on a socket. @publicApi */
export const ACCESS_TOKEN_PARAM = 'access_token';

/**
 * The headers of a WebSocket upgrade as guards should see them: a bearer token may come as the
 * `Authorization` header or, for browsers, as `?access_token=`; the header wins.
 * @publicApi
 */
export function withQueryBearer<H extends { authorization?: string }>(
  headers: H,
  queryToken: string | null | undefined,
): H {
  if (headers.authorization !== undefined || queryToken == null) return { ...headers };
  return { ...headers, authorization: `Bearer ${queryToken}` };
}
