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
