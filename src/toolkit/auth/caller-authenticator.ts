import { ExecutionContext } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { ToolkitError } from '../errors/toolkit-error';
import { attachCallerIdentity, CallerIdentity, identityCarrier } from './caller-identity';
import { extractBearerToken } from './bearer-token';
import { InvalidTokenError } from './invalid-token.error';
import { JwtVerifier } from './jwt-verifier';

/**
 * One verification per call, shared by every authenticator: each middleware's guard holds its own
 * instance, and a call belongs to exactly one app, so keying by the call's carrier is enough.
 */
const verifications = new WeakMap<object, Promise<CallerIdentity>>();

/**
 * Authenticates a call from its bearer token (`Authorization` header, or `authorization` gRPC
 * metadata) once per call: `auth`, `validate_token`, `admin_only` and `rate_limit` all ask, in
 * whatever order the proto lists them, and share the one verification.
 * @publicApi
 */
export class CallerAuthenticator {
  constructor(private readonly verifier: JwtVerifier) {}

  /**
   * The verified caller, also attached for `getCallerIdentity`. Throws a 401 UNAUTHENTICATED
   * `ToolkitError` carrying the RFC 6750 `WWW-Authenticate` challenge.
   */
  async authenticate(context: ExecutionContext): Promise<CallerIdentity> {
    try {
      return await this.verification(context);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw unauthenticated(error);
      throw error;
    }
  }

  /** The verified caller, or undefined when the call has no valid token (never throws for that). */
  async identify(context: ExecutionContext): Promise<CallerIdentity | undefined> {
    try {
      return await this.verification(context);
    } catch (error) {
      if (error instanceof InvalidTokenError) return undefined;
      throw error;
    }
  }

  private verification(context: ExecutionContext): Promise<CallerIdentity> {
    const carrier = identityCarrier(context);
    if (carrier === undefined) {
      return Promise.reject(new InvalidTokenError('no bearer token on this transport', false));
    }
    let pending = verifications.get(carrier);
    if (pending === undefined) {
      pending = this.verify(carrier, authorizationOf(carrier));
      verifications.set(carrier, pending);
    }
    return pending;
  }

  private async verify(
    carrier: object,
    authorization: string | undefined,
  ): Promise<CallerIdentity> {
    const token = extractBearerToken(authorization);
    if (token === undefined) throw new InvalidTokenError('missing bearer token', false);
    if (token === null) throw new InvalidTokenError('authorization is not a bearer token');
    const identity = await this.verifier.verify(token);
    attachCallerIdentity(carrier, identity);
    return identity;
  }
}

function authorizationOf(carrier: object): string | undefined {
  if (carrier instanceof Metadata) {
    const [value] = carrier.get('authorization');
    return typeof value === 'string' ? value : undefined;
  }
  const headers: unknown = 'headers' in carrier ? carrier.headers : undefined;
  if (typeof headers !== 'object' || headers === null || !('authorization' in headers))
    return undefined;
  return typeof headers.authorization === 'string' ? headers.authorization : undefined;
}

/**
 * RFC 6750 §3: no `error` attribute when no credential was sent, `invalid_token` otherwise.
 * @internal
 */
export function unauthenticated(error: InvalidTokenError): ToolkitError {
  const challenge = error.credentialsPresent
    ? `Bearer error="invalid_token", error_description="${error.message}"`
    : 'Bearer';
  return ToolkitError.unauthenticated(error.message, {
    headers: { 'www-authenticate': challenge },
  });
}
