import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { CallerAuthenticator, unauthenticated } from './caller-authenticator';
import { InvalidTokenError } from './invalid-token.error';
import { TokenRevocationService } from './token-revocation.service';

/**
 * The `validate_token` middleware: a valid bearer token (as `auth`) that is also not revoked.
 * A token without `jti` is refused here, since it could never be revoked. Redis down → 503.
 * @publicApi
 */
@Injectable()
export class ValidateTokenGuard implements CanActivate {
  constructor(
    private readonly authenticator: CallerAuthenticator,
    private readonly revocations: TokenRevocationService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const type = context.getType<string>();
    if (type !== 'http' && type !== 'rpc') return true;
    const identity = await this.authenticator.authenticate(context);
    if (identity.tokenId === undefined) {
      throw unauthenticated(new InvalidTokenError('token has no jti claim'));
    }
    if (await this.revocations.isRevoked(identity)) {
      throw unauthenticated(new InvalidTokenError('token revoked'));
    }
    return true;
  }
}
