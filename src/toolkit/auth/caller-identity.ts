import { ExecutionContext } from '@nestjs/common';

/**
 * Who is calling, as proven by a verified bearer token (attached by the `auth`, `validate_token`
 * and `admin_only` middlewares) or, on a backend, by the gateway's verified caller token
 * (attached by the runtime's `CallerTokenGuard`). Kept for the request (http) or the call's
 * metadata object (rpc); read it with `@Caller()` or `getCallerIdentity()`.
 * @publicApi
 */
export interface CallerIdentity {
  /** The token's `sub` claim. */
  subject: string;
  /** The token's roles claim (`roles` by default); empty when the claim is absent. */
  roles: readonly string[];
  /** The token's `jti` claim: the key of the revocation deny-list. */
  tokenId?: string;
  /** The token's `exp` claim, in seconds since the epoch. */
  expiresAt?: number;
}

/**
 * Headers (and gRPC metadata keys) under which the gateway forwards the caller to backends:
 * `x-caller-token` is the signed internal caller token (see `CallerTokens`), the only one a
 * backend trusts; `x-user-id` / `x-user-roles` repeat it in clear, for logs and older readers.
 * @publicApi
 */
export const IDENTITY_HEADERS = {
  userId: 'x-user-id',
  userRoles: 'x-user-roles',
  callerToken: 'x-caller-token',
} as const;

/**
 * Identities are kept beside the carrier object (Fastify request or grpc-js Metadata) rather than
 * on it, so that nothing a client sends (a header, a metadata key) can ever pose as one.
 */
const identities = new WeakMap<object, CallerIdentity>();

/**
 * The object a call's identity is attached to: the Fastify request for `http`, the grpc-js
 * Metadata for `rpc`; undefined for other context types (queue handlers, sockets).
 * @internal
 */
export function identityCarrier(context: ExecutionContext): object | undefined {
  const type = context.getType<string>();
  const carrier: unknown =
    type === 'http'
      ? context.switchToHttp().getRequest()
      : type === 'rpc'
        ? context.switchToRpc().getContext()
        : undefined;
  return typeof carrier === 'object' && carrier !== null ? carrier : undefined;
}

/** Records the verified identity of the call that `carrier` belongs to. @internal */
export function attachCallerIdentity(carrier: object, identity: CallerIdentity): void {
  identities.set(carrier, identity);
}

/**
 * The verified identity of the current call, or undefined when no security middleware
 * authenticated it (public route, or a transport without a bearer token).
 * @publicApi
 */
export function getCallerIdentity(context: ExecutionContext): CallerIdentity | undefined {
  const carrier = identityCarrier(context);
  return carrier === undefined ? undefined : identities.get(carrier);
}

/**
 * Same as `getCallerIdentity`, from the Fastify request (or grpc-js Metadata) itself, for code that
 * holds the request rather than an execution context (e.g. a proxy handler using `@Req()`).
 * @publicApi
 */
export function getRequestIdentity(carrier: object): CallerIdentity | undefined {
  return identities.get(carrier);
}

/**
 * The headers that forward an identity to a backend: `x-user-id` = subject, `x-user-roles` =
 * comma-separated roles (omitted when there are none).
 * @publicApi
 */
export function identityHeaders(identity: CallerIdentity): Record<string, string> {
  const headers: Record<string, string> = { [IDENTITY_HEADERS.userId]: identity.subject };
  if (identity.roles.length > 0) headers[IDENTITY_HEADERS.userRoles] = identity.roles.join(',');
  return headers;
}
