import { CallerIdentity, IDENTITY_HEADERS, identityHeaders } from '../auth/caller-identity';

/** Prefix that carries arbitrary gRPC metadata through HTTP (grpc-gateway's convention). @publicApi */
export const GRPC_METADATA_PREFIX = 'grpc-metadata-';

/**
 * Keys a client can never set on a backend call: the identity is the gateway's to assert (from a
 * verified token only), the request id travels as the gateway accepted it, and the forwarding
 * headers are recomputed from the connection.
 */
const RESERVED: ReadonlySet<string> = new Set<string>([
  IDENTITY_HEADERS.userId,
  IDENTITY_HEADERS.userRoles,
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-host',
]);

/**
 * Names that must never become metadata of a backend call. grpc-js writes metadata as HTTP/2
 * headers on the channel it shares among all callers: Node refuses the connection-specific ones
 * (RFC 9113 §8.2.2: connection, keep-alive, proxy-connection, transfer-encoding, upgrade, te other
 * than "trailers", http2-settings) by failing the stream and, in grpc-js, the whole session, so
 * one client header would knock out every call in flight on that channel. The others are headers
 * grpc-js or HTTP/2 set themselves (host is :authority; content-type, user-agent, grpc-*), or
 * credentials that stay at the gateway.
 */
const FORBIDDEN: ReadonlySet<string> = new Set<string>([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'http2-settings',
  'host',
  'content-length',
  'content-type',
  'content-encoding',
  'accept-encoding',
  'user-agent',
  'expect',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
]);

/**
 * W3C trace context, forwarded as the client sent it so a backend joins the client's trace even
 * when the gateway itself does not trace; with tracing on, the gateway's gRPC instrumentation
 * replaces them with its own span's context.
 */
const TRACE_CONTEXT: ReadonlySet<string> = new Set<string>(['traceparent', 'tracestate']);

/** Prefixes of names a client can never set: gRPC's own keys, and every identity header. */
const FORBIDDEN_PREFIXES = ['grpc-', 'x-user-', ':'];

/** grpc-js' rule for a metadata key (`isLegalKey`): anything else makes `Metadata.set` throw. */
const METADATA_KEY = /^[a-z0-9_.-]+$/;
/** Printable ASCII, grpc-js' rule for a non-binary value; tabs and control bytes are refused. */
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
 * - `x-*` headers, `grpc-metadata-*` keys and the W3C `traceparent` / `tracestate` are forwarded, except the reserved and forbidden
 *   names above (hop-by-hop, connection-specific, `host`, `authorization`, `x-user-*`,
 *   `grpc-*`), binary (`-bin`) keys, keys grpc-js would refuse and values that are not
 *   printable ASCII: such an entry is dropped, never an error, and never reaches grpc-js;
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
      : name.startsWith('x-') || TRACE_CONTEXT.has(name)
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

/**
 * Whether a client-chosen key may reach a backend. Binary (`-bin`) keys are refused too: their
 * value would have to be base64, and a wrong one fails inside grpc-js rather than here.
 * @internal
 */
export function forwardable(key: string): boolean {
  return (
    key.length > 0 &&
    METADATA_KEY.test(key) &&
    !RESERVED.has(key) &&
    !FORBIDDEN.has(key) &&
    !FORBIDDEN_PREFIXES.some((prefix) => key.startsWith(prefix)) &&
    !key.endsWith('-bin')
  );
}
