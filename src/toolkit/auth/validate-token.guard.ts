import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { CallerAuthenticator } from './caller-authenticator';

/**
 * The `validate_token` middleware: a valid bearer token that is not revoked. Every authenticated
 * route now checks revocation (`auth`, `admin_only` and `rate_limit` share one verification with
 * it), so this is `auth` under the name older protos use; it costs nothing extra on a route that
 * also has `auth`.
 * @publicApi
 */
@Injectable()
export class ValidateTokenGuard implements CanActivate {
  constructor(private readonly authenticator: CallerAuthenticator) {}

  canActivate(context: ExecutionContext): Promise<boolean> {
    const type = context.getType<string>();
    if (type !== 'http' && type !== 'rpc') return Promise.resolve(true);
    // Not async: the verdict every token guard of the call shares, without a promise of its own.
    return this.authenticator.admission(context);
  }
}
