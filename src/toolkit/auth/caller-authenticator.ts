import { ExecutionContext } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { ToolkitError } from '../errors/toolkit-error';
import { attachCallerIdentity, CallerIdentity, identityCarrier } from './caller-identity';
import { extractBearerToken } from './bearer-token';
import { InvalidTokenError } from './invalid-token.error';
import { JwtVerifier } from './jwt-verifier';
import { TokenRevocationService } from './token-revocation.service';

/** One call's token checks: the signature and claims, then the deny-list. */
interface Verification {
  /** Signature and claims verified (what `rate_limit` keys its budget by). */
  verified: Promise<CallerIdentity>;
  /** Also not revoked: what every authenticated route requires. */
  admitted: Promise<CallerIdentity>;
  revocations?: TokenRevocationService;
}

/**
 * One verification per call, shared by every authenticator: each middleware's guard holds its own
 * instance, and a call belongs to exactly one app, so keying by the call's carrier is enough.
 */
const verifications = new WeakMap<object, Verification>();

/**
 * Authenticates a call from its bearer token (`Authorization` header, or `authorization` gRPC
 * metadata) once per call: `auth`, `validate_token`, `admin_only` and `rate_limit` all ask, in
 * whatever order the proto lists them, and share the one verification, deny-list read included.
 *
 * The deny-list read is issued as soon as the signature is verified, in the same event-loop turn
 * in which `rate_limit` sends its counter script, so ioredis' auto-pipelining writes both in one
 * round trip: one Redis read per request, whichever guards ask.
 * @publicApi
 */
export class CallerAuthenticator {
  constructor(
    private readonly verifier: JwtVerifier,
    /** The deny-list; without it (tests, a service without `auth`) tokens are never revoked. */
    private readonly revocations?: TokenRevocationService,
  ) {}

  /**
   * The verified caller, also attached for `getCallerIdentity`. Throws a 401 UNAUTHENTICATED
   * `ToolkitError` carrying the RFC 6750 `WWW-Authenticate` challenge.
   */
  async authenticate(context: ExecutionContext): Promise<CallerIdentity> {
    try {
      return await this.verification(context).admitted;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw unauthenticated(error);
      throw error;
    }
  }

  /**
   * The caller whose token's signature and claims are valid, or undefined when the call has none
   * (never throws for that). Revocation is not awaited here: `rate_limit` only needs whom to count.
   */
  async identify(context: ExecutionContext): Promise<CallerIdentity | undefined> {
    try {
      return await this.verification(context).verified;
    } catch (error) {
      if (error instanceof InvalidTokenError) return undefined;
      throw error;
    }
  }

  private verification(context: ExecutionContext): Verification {
    const carrier = identityCarrier(context);
    if (carrier === undefined) {
      const refused = Promise.reject(
        new InvalidTokenError('no bearer token on this transport', false),
      );
      refused.catch(() => undefined);
      return { verified: refused, admitted: refused };
    }
    let pending = verifications.get(carrier);
    if (pending === undefined) {
      pending = this.start(carrier);
      verifications.set(carrier, pending);
    }
    return pending;
  }

  private start(carrier: object): Verification {
    const verified = this.verify(carrier, authorizationOf(carrier));
    const revocations = this.revocations;
    const admitted =
      revocations === undefined
        ? verified
        : verified.then(async (identity) => {
            if (await revocations.isRevoked(identity)) {
              throw new InvalidTokenError('token revoked');
            }
            return identity;
          });
    // Either may be left unawaited (a public route only identifies): never an unhandled rejection.
    verified.catch(() => undefined);
    admitted.catch(() => undefined);
    return { verified, admitted, revocations };
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

/** What an open socket needs to keep honouring its caller's token after the upgrade. @publicApi */
export interface TokenWatch {
  identity: CallerIdentity;
  /** Epoch ms after which the token is refused (its `exp`, or max lifetime, plus clock tolerance). */
  acceptedUntil: number;
  /**
   * Re-reads the deny-list: rejects with `InvalidTokenError` once the token is revoked, with an
   * UNAVAILABLE `ToolkitError` when Redis cannot say.
   */
  recheck(): Promise<void>;
}

/**
 * The token watch of a carrier (a socket's stand-in request) that an authenticated middleware
 * chain admitted; undefined when no token was verified on it (a public socket).
 * @publicApi
 */
export async function watchToken(carrier: object): Promise<TokenWatch | undefined> {
  const pending = verifications.get(carrier);
  if (pending === undefined) return undefined;
  let identity: CallerIdentity;
  try {
    identity = await pending.admitted;
  } catch {
    return undefined;
  }
  const { revocations } = pending;
  return {
    identity,
    acceptedUntil:
      identity.expiresAt === undefined
        ? Infinity
        : identity.expiresAt * 1000 + (revocations?.clockToleranceMs ?? 0),
    async recheck() {
      if (revocations !== undefined && (await revocations.isRevoked(identity))) {
        throw new InvalidTokenError('token revoked');
      }
    },
  };
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
