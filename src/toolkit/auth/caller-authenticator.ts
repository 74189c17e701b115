import { ExecutionContext } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { ToolkitError } from '../errors/toolkit-error';
import { attachCallerIdentity, CallerIdentity, identityCarrier } from './caller-identity';
import { extractBearerToken } from './bearer-token';
import { InvalidTokenError } from './invalid-token.error';
import { JwtVerifier } from './jwt-verifier';
import { TokenRevocationService } from './token-revocation.service';

/**
 * What a call's token proved: the caller when already known in this turn (its token was verified
 * before), the refusal when known at once (no token, not a bearer token), else the pending
 * signature check, which rejects with `InvalidTokenError`.
 */
type Verified = CallerIdentity | InvalidTokenError | Promise<CallerIdentity>;

/** One call's token checks: the signature and claims, then the deny-list. */
interface Verification {
  /** Signature and claims verified (what `rate_limit` keys its budget by). */
  verified: Verified;
  /**
   * Also not revoked: what every authenticated route requires. Rejects with the 401
   * `ToolkitError` the guards answer (or the deny-list's UNAVAILABLE).
   */
  admitted: Promise<CallerIdentity>;
  /** `admitted` as a guard verdict, made the first time a guard asks and shared by the others. */
  verdict?: Promise<boolean>;
  revocations?: TokenRevocationService;
}

/**
 * One verification per call, shared by every authenticator: each middleware's guard holds its own
 * instance, and a call belongs to exactly one app, so keying by the call's carrier is enough.
 */
const verifications = new WeakMap<object, Verification>();

const ignore = (): undefined => undefined;
const allowed = (): boolean => true;

/**
 * Authenticates a call from its bearer token (`Authorization` header, or `authorization` gRPC
 * metadata) once per call: `auth`, `validate_token`, `admin_only` and `rate_limit` all ask, in
 * whatever order the proto lists them, and share the one verification, deny-list read included.
 *
 * The deny-list read is issued as soon as the signature is verified, in the same event-loop turn
 * in which `rate_limit` sends its counter script, so ioredis' auto-pipelining writes both in one
 * round trip: one Redis read per request, whichever guards ask. A token seen before is not
 * awaited at all (its verification is remembered), so both commands leave in the turn the
 * request's guards start in, and the guards chain on the Redis replies alone.
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
  authenticate(context: ExecutionContext): Promise<CallerIdentity> {
    return this.verification(context).admitted;
  }

  /**
   * `authenticate` as a guard's verdict: true once the caller is admitted, the same refusal
   * otherwise; every guard of the call gets the same promise.
   * @internal
   */
  admission(context: ExecutionContext): Promise<boolean> {
    const verification = this.verification(context);
    verification.verdict ??= verification.admitted.then(allowed);
    return verification.verdict;
  }

  /**
   * The caller whose token's signature and claims are valid, or undefined when the call has none
   * (never throws for that). Revocation is not awaited here: `rate_limit` only needs whom to count.
   */
  async identify(context: ExecutionContext): Promise<CallerIdentity | undefined> {
    return this.identifyNow(context);
  }

  /**
   * `identify`, answered synchronously when the token was verified before (or is refused at
   * once), else the promise of it.
   * @internal
   */
  identifyNow(
    context: ExecutionContext,
  ): CallerIdentity | undefined | Promise<CallerIdentity | undefined> {
    const { verified } = this.verification(context);
    if (verified instanceof InvalidTokenError) return undefined;
    if (!(verified instanceof Promise)) return verified;
    return verified.then(undefined, (error: unknown) => {
      if (error instanceof InvalidTokenError) return undefined;
      throw error;
    });
  }

  private verification(context: ExecutionContext): Verification {
    const carrier = identityCarrier(context);
    if (carrier === undefined) {
      return this.refused(new InvalidTokenError('no bearer token on this transport', false));
    }
    let pending = verifications.get(carrier);
    if (pending === undefined) {
      pending = this.start(carrier);
      verifications.set(carrier, pending);
    }
    return pending;
  }

  private refused(error: InvalidTokenError): Verification {
    const admitted = Promise.reject(unauthenticated(error));
    admitted.catch(ignore);
    return { verified: error, admitted };
  }

  private start(carrier: object): Verification {
    const verified = this.verify(carrier, authorizationOf(carrier));
    if (verified instanceof InvalidTokenError) return this.refused(verified);
    const admitted =
      verified instanceof Promise
        ? verified.then(
            (identity) => this.notRevoked(identity),
            (error: unknown) => {
              throw error instanceof InvalidTokenError ? unauthenticated(error) : error;
            },
          )
        : this.notRevoked(verified);
    // Either may be left unawaited (a public route only identifies): never an unhandled rejection.
    if (verified instanceof Promise) verified.catch(ignore);
    admitted.catch(ignore);
    return { verified, admitted, revocations: this.revocations };
  }

  /**
   * The identity once the deny-list says its token is not revoked; a revoked one is refused with
   * the 401, a deny-list that cannot be read with its UNAVAILABLE.
   */
  private notRevoked(identity: CallerIdentity): Promise<CallerIdentity> {
    const revocations = this.revocations;
    if (revocations === undefined) return Promise.resolve(identity);
    return revocations.isRevoked(identity).then((revoked) => {
      if (revoked) throw unauthenticated(new InvalidTokenError('token revoked'));
      return identity;
    });
  }

  private verify(carrier: object, authorization: string | undefined): Verified {
    const token = extractBearerToken(authorization);
    if (token === undefined) return new InvalidTokenError('missing bearer token', false);
    if (token === null) return new InvalidTokenError('authorization is not a bearer token');
    const known = this.verifier.remembered(token);
    if (known !== undefined) {
      attachCallerIdentity(carrier, known);
      return known;
    }
    return this.verifier.verify(token).then((identity) => {
      attachCallerIdentity(carrier, identity);
      return identity;
    });
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
