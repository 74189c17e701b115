/**
 * A mistake in how the process was configured or deployed (an invalid variable, an embedded
 * backend in production, a proto naming an unknown middleware...): the operator fixes it from
 * the message alone, so `main` prints just that message, without a stack, and exits non-zero.
 * @publicApi
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
