import { randomBytes } from 'node:crypto';
import { UserApp, startUserApp } from '../support/user-app';

// The seed's in-process gRPC integration test: create, get, list against a booted app.
describe('user-service gRPC integration (seed)', () => {
  let app: UserApp;

  beforeAll(async () => {
    app = await startUserApp('user_grpc_seed');
  });

  afterAll(() => app?.close());

  it('creates a user, gets it back and lists it', async () => {
    const email = `john-${randomBytes(4).toString('hex')}@example.com`;
    const created = await app.grpc.call('CreateUser', { name: 'John Doe', email });
    expect(created).toMatchObject({ ok: true, response: { status: 'created' } });
    const id = created.ok ? (created.response.user_id as string) : '';
    expect(id).not.toBe('');

    const fetched = await app.grpc.call('GetUser', { user_id: id });
    expect(fetched).toMatchObject({ ok: true, response: { user: { name: 'John Doe', email } } });

    const listed = await app.grpc.call('ListUsers', { limit: 10, offset: 0 });
    expect(listed).toMatchObject({ ok: true, response: { total: 1 } });
    expect(listed.ok && listed.response.users).toHaveLength(1);
  });
});
