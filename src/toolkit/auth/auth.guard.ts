import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { CallerAuthenticator } from './caller-authenticator';

/**
 * The `auth` middleware: the call must carry a valid bearer token, unexpired and not revoked
 * (401 UNAUTHENTICATED otherwise; deny-list unreadable: 503).
 * Only `http` and `rpc` calls carry one; other context types (queue handlers) pass untouched.
 * @publicApi
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly authenticator: CallerAuthenticator) {}

  canActivate(context: ExecutionContext): Promise<boolean> {
    const type = context.getType<string>();
    if (type !== 'http' && type !== 'rpc') return Promise.resolve(true);
    // Not async: the verdict every token guard of the call shares, without a promise of its own.
    return this.authenticator.admission(context);
  }
}
