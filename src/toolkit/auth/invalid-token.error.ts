/**
 * A bearer token was missing or rejected. Transport-neutral: the guards turn it into a 401
 * UNAUTHENTICATED, the WebSocket upgrade into a refused handshake. The message is safe to return.
 * @publicApi
 */
export class InvalidTokenError extends Error {
  constructor(
    message: string,
    /** False when no credential was sent at all (RFC 6750: no `error` attribute in the challenge). */
    readonly credentialsPresent = true,
  ) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}
