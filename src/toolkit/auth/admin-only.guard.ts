import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ToolkitError } from '../errors/toolkit-error';
import { CallerAuthenticator } from './caller-authenticator';

/** The role `admin_only` requires in the token's roles claim. @publicApi */
export const ADMIN_ROLE = 'admin';

/**
 * The `admin_only` middleware: 401 without a valid token, 403 PERMISSION_DENIED unless the roles
 * claim contains `admin`. It authenticates by itself, so it holds even where `auth` is excluded.
 * @publicApi
 */
@Injectable()
export class AdminOnlyGuard implements CanActivate {
  constructor(private readonly authenticator: CallerAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const type = context.getType<string>();
    if (type !== 'http' && type !== 'rpc') return true;
    const identity = await this.authenticator.authenticate(context);
    if (!identity.roles.includes(ADMIN_ROLE)) {
      throw ToolkitError.permissionDenied(`the ${ADMIN_ROLE} role is required`, {
        headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' },
      });
    }
    return true;
  }
}
