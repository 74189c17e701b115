import { spawnMain } from '../deploy/system';

// NODE_ENV=production with no backend host must not quietly fall back to embedded stores.
describe('production guard', () => {
  it('refuses to start with an embedded backend, naming the variable to set', async () => {
    const main = spawnMain({ NODE_ENV: 'production', SERVICES: 'user-service' });
    const code = await main.exited;
    expect(code).not.toBe(0);
    expect(main.output()).toMatch(
      /user-service: USER_SERVICE_PGSQL_HOST is not set, and the embedded PostgreSQL is refused in production; set USER_SERVICE_PGSQL_HOST \(or TOOLKIT_ALLOW_EMBEDDED=true to allow it\)/,
    );
    expect(main.output()).not.toContain('listening');
    expect(main.output()).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('names unknown services in SERVICES without a stack', async () => {
    const main = spawnMain({ SERVICES: 'user-service,no-such-service' });
    expect(await main.exited).not.toBe(0);
    expect(main.output()).toMatch(
      /SERVICES names unknown services: no-such-service \(registered: /,
    );
    expect(main.output()).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('starts with embedded backends in production when TOOLKIT_ALLOW_EMBEDDED=true', async () => {
    const main = spawnMain({
      NODE_ENV: 'production',
      TOOLKIT_ALLOW_EMBEDDED: 'true',
      SERVICES: 'user-service',
      USER_SERVICE_SERVER_PORT: '0',
      USER_SERVICE_GRPC_SERVER_PORT: '0',
      USER_SERVICE_PGSQL_DATABASE: ':memory:',
      // Embedded backends may be allowed; the development caller-token key never is.
      USER_SERVICE_INTERNAL_AUTH_SECRET: 'a-deployment-internal-auth-secret-for-the-demo',
    });
    try {
      const deadline = Date.now() + 90_000;
      while (!main.output().includes('user-service listening') && Date.now() < deadline) {
        if (main.child.exitCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(main.output()).toContain('user-service listening');
    } finally {
      await main.stop();
    }
  }, 120_000);
});
