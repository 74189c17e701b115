import { SignJWT } from 'jose';
import { CallerTokenSigning } from './jobs';

/**
 * An internal caller token for `subject`, signed as a gateway signs it (HS256, `aud` the backend,
 * 60 s): how the bench acts as a verified caller towards chat-service without a gateway.
 */
export function callerToken(signing: CallerTokenSigning, subject: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: ['user'] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer('bench')
    .setAudience(signing.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(new TextEncoder().encode(signing.secret));
}
