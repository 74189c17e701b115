import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { ToolkitError } from '../errors/toolkit-error';
import type { DeploymentMode } from '../runtime/deployment-mode';
import { DEPLOYMENT_MODE } from '../runtime/tokens';
import { attachCallerIdentity, IDENTITY_HEADERS, identityCarrier } from './caller-identity';
import { CallerTokens } from './caller-tokens';
import { InvalidTokenError } from './invalid-token.error';

/**
 * First guard of every toolkit route: the backend side of caller identity. A call carrying an
 * internal caller token (`x-caller-token`, signed by a gateway for this service) gets the
 * identity it asserts, readable with `@Caller()` / `getCallerIdentity()`; a token that does not
 * verify is UNAUTHENTICATED. Bare identity headers (`x-user-id`, `x-user-roles`) prove nothing and
 * are never trusted: in production a call carrying them without a token is refused
 * (UNAUTHENTICATED), so a misconfigured or forged caller is loud; in development they are ignored.
 * @internal
 */
@Injectable()
export class CallerTokenGuard implements CanActivate {
  constructor(
    private readonly tokens: CallerTokens,
    @Inject(DEPLOYMENT_MODE) private readonly deployment: DeploymentMode,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const carrier = identityCarrier(context);
    if (carrier !== undefined) await this.check(carrier);
    return true;
  }

  /**
   * The check itself, on the call's identity carrier (Fastify request, WebSocket upgrade
   * request or grpc-js Metadata): undefined when it is done without waiting (no token), which
   * method plans rely on to call handlers without a promise in between.
   */
  check(carrier: object): Promise<void> | undefined {
    const token = valueOf(carrier, IDENTITY_HEADERS.callerToken);
    if (token === undefined) {
      if (
        this.deployment.production &&
        (valueOf(carrier, IDENTITY_HEADERS.userId) !== undefined ||
          valueOf(carrier, IDENTITY_HEADERS.userRoles) !== undefined)
      ) {
        throw ToolkitError.unauthenticated(
          'caller identity without a caller token is not accepted',
        );
      }
      return undefined;
    }
    const known = this.tokens.verifiedBefore(token);
    if (known !== undefined) {
      attachCallerIdentity(carrier, known);
      return undefined;
    }
    return this.tokens.verify(token).then(
      (identity) => attachCallerIdentity(carrier, identity),
      (error: unknown) => {
        if (error instanceof InvalidTokenError) throw ToolkitError.unauthenticated(error.message);
        throw error;
      },
    );
  }
}

/** A header (HTTP, WebSocket upgrade) or metadata (gRPC) value of the call, first one only. */
function valueOf(carrier: object, name: string): string | undefined {
  let value: unknown;
  if (carrier instanceof Metadata) [value] = carrier.get(name);
  else {
    const headers: unknown = 'headers' in carrier ? carrier.headers : undefined;
    if (typeof headers === 'object' && headers !== null)
      value = (headers as Record<string, unknown>)[name];
    if (Array.isArray(value)) [value] = value as unknown[];
  }
  return typeof value === 'string' && value !== '' ? value : undefined;
}
