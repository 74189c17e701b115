import { CallerIdentity, IDENTITY_HEADERS, identityHeaders } from '../auth/caller-identity';

/** Prefix that carries arbitrary gRPC metadata through HTTP (grpc-gateway's convention). @publicApi */
export const GRPC_METADATA_PREFIX = 'grpc-metadata-';

/**
 * Keys a client can never set on a backend call: the identity is the gateway's to assert (from a
 * verified token only), the request id travels as the gateway accepted it, and the forwarding
 * headers are recomputed from the connection.
 */
const RESERVED = new Set<string>([
  IDENTITY_HEADERS.userId,
  IDENTITY_HEADERS.userRoles,
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-host',
]);

const METADATA_KEY = /^[a-z0-9_.-]+$/;
const ASCII_VALUE = /^[\x20-\x7e]*$/;

/** The parts of an incoming HTTP request that decide what a backend call carries. @publicApi */
export interface ForwardedRequest {
  /** Lower-case header names, as Node delivers them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The client address (Fastify `request.ip`). */
  ip?: string;
  /** The verified caller, when a security middleware authenticated the request. */
  identity?: CallerIdentity;
}

/**
 * The metadata of a proxied call, after the Go toolkit's rule (every `X-*` header goes to the
 * backend as it is) combined with grpc-gateway's (`Grpc-Metadata-<key>` goes as `<key>`):
 * - `x-*` headers and `grpc-metadata-*` keys are forwarded, except the reserved ones above,
 *   `grpc-*` keys, binary (`-bin`) keys and values that are not printable ASCII;
 * - `x-user-id` / `x-user-roles` are set from the verified identity only;
 * - `x-forwarded-for` gets the client address appended, `x-forwarded-host` the original host;
 * - everything else (`authorization`, `cookie`, ...) stays at the gateway: backends trust the
 *   identity headers instead of re-verifying tokens.
 * The request id is added by the gRPC client from the request context.
 * @publicApi
 */
export function forwardedMetadata(request: ForwardedRequest): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(request.headers)) {
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (value === undefined) continue;
    const key = name.startsWith(GRPC_METADATA_PREFIX)
      ? name.slice(GRPC_METADATA_PREFIX.length)
      : name.startsWith('x-')
        ? name
        : undefined;
    if (key === undefined || !forwardable(key) || !ASCII_VALUE.test(value)) continue;
    metadata[key] = value;
  }
  const forwardedFor = request.headers['x-forwarded-for'];
  const chain = [typeof forwardedFor === 'string' ? forwardedFor : '', request.ip ?? '']
    .filter((part) => part.length > 0)
    .join(', ');
  if (chain.length > 0 && ASCII_VALUE.test(chain)) metadata['x-forwarded-for'] = chain;
  const host = request.headers['x-forwarded-host'] ?? request.headers.host;
  if (typeof host === 'string' && ASCII_VALUE.test(host)) metadata['x-forwarded-host'] = host;
  if (request.identity) Object.assign(metadata, identityHeaders(request.identity));
  return metadata;
}

function forwardable(key: string): boolean {
  return (
    METADATA_KEY.test(key) &&
    !RESERVED.has(key) &&
    !key.startsWith('grpc-') &&
    !key.endsWith('-bin') &&
    !key.startsWith(':')
  );
}
