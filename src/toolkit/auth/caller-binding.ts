import { CallerBinding } from '../descriptor';
import { ToolkitError } from '../errors/toolkit-error';
import { CallerIdentity } from './caller-identity';

/**
 * Enforces a route's `(toolkit.route).caller` binding on its decoded request message: the bound
 * field must name the verified caller, unless the caller holds one of the roles that may act for
 * others. Runs in the request validation step of every toolkit route, so a gateway refuses before
 * it calls a backend, and any service declaring the option gets the same rule.
 * @throws ToolkitError UNAUTHENTICATED without a verified caller, PERMISSION_DENIED when the field
 *   names someone else.
 * @publicApi
 */
export function assertCallerBinding(
  binding: CallerBinding,
  message: Readonly<Record<string, unknown>>,
  identity: CallerIdentity | undefined,
): void {
  if (identity === undefined) {
    throw ToolkitError.unauthenticated(
      `this route acts for its caller (${binding.field}) and needs a verified caller`,
    );
  }
  if (identity.roles.some((role) => binding.actForOthersRoles.includes(role))) return;
  const value = fieldValue(message, binding.field);
  if (value === identity.subject) return;
  throw ToolkitError.permissionDenied(
    `${binding.field} must be the caller's own id (acting for another user needs one of the roles: ${
      binding.actForOthersRoles.join(', ') || 'none'
    })`,
  );
}

function fieldValue(message: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = message;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
