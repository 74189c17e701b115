import { randomBytes } from 'node:crypto';
import { createUserServiceClient } from '../../src/gen/userservice/user-service.toolkit';
import { UserApp, startUserApp } from '../support/user-app';

// In-process gRPC integration test (create, get, list) against a booted app, through
// the generated typed client.
describe('user-service gRPC integration', () => {
  let app: UserApp;
  let client: ReturnType<typeof createUserServiceClient>;

  beforeAll(async () => {
    app = await startUserApp('user_grpc_seed');
    client = createUserServiceClient(app.running.grpcTarget ?? '');
  });

  afterAll(async () => {
    client?.close();
    await app?.close();
  });

  it('creates a user, gets it back and lists it', async () => {
    const email = `john-${randomBytes(4).toString('hex')}@example.com`;
    const created = await client.createUser({ name: 'John Doe', email });
    expect(created.status).toBe('created');
    expect(created.user_id).not.toBe('');

    const fetched = await client.getUser({ user_id: created.user_id });
    expect(fetched.user).toMatchObject({ user_id: created.user_id, name: 'John Doe', email });

    const listed = await client.listUsers({ limit: 10, offset: 0 });
    expect(listed.total).toBeGreaterThanOrEqual(1);
    expect(listed.users).toHaveLength(1);
  });

  it('rejects a duplicate email with ALREADY_EXISTS', async () => {
    const email = `dup-${randomBytes(4).toString('hex')}@example.com`;
    await client.createUser({ name: 'First', email });
    await expect(client.createUser({ name: 'Second', email })).rejects.toMatchObject({ code: 6 });
  });
});
