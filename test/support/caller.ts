import { IDENTITY_HEADERS } from '../../src/toolkit/auth/caller-identity';
import { CallerTokens } from '../../src/toolkit/auth/caller-tokens';
import { DEVELOPMENT_INTERNAL_AUTH_SECRET } from '../../src/toolkit/auth/internal-auth.config';

/**
 * The headers (or gRPC metadata) with which a gateway would tell `service` that `subject` calls:
 * a caller token signed with the development internal key, as the services under test use.
 */
export async function callerHeaders(
  service: string,
  subject: string,
  roles: readonly string[] = [],
  secret = DEVELOPMENT_INTERNAL_AUTH_SECRET,
): Promise<Record<string, string>> {
  const token = await new CallerTokens(secret, 'test-gateway').sign({ subject, roles }, service);
  return { [IDENTITY_HEADERS.callerToken]: token };
}
